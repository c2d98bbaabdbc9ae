"""Writer of this project's Snapchat manual CSV template: mirror of :mod:`engagement_lib.readers.snapchat`.

Snapchat has **no native analytics export** for public profiles: Story and Spotlight
insights are only shown in the app (or served by the Public Profile API). The
``snapchat_manual_csv`` layout is a template *of this project* for a community
manager who copies the figures by hand; its specification is in
:mod:`engagement_lib.readers.snapchat`.

English header::

    date,time,story_id,type,title,views,viewers,screenshots,replies,shares,favorites,
    swipe_ups,follows,followers

French header (``language="fr"``; ``;``-delimited, UTF-8 with BOM, dates
``DD/MM/YYYY``, as a French spreadsheet saves it)::

    date;heure;id_story;type;titre;vues;spectateurs;captures_ecran;reponses;partages;
    favoris;swipe_ups;nouveaux_abonnes;abonnes

One line per Story / Spotlight (``type`` = ``story``, ``saved_story`` or
``spotlight``), plus one line per day that carries only ``date`` and ``followers``
(the profile's follower count that day). ``date``/``time`` are local wall-clock time.

Canonical → template: ``views`` → views, ``reach`` → viewers, ``comments`` → replies,
``shares`` → shares, ``saves`` → favorites, ``clicks`` → swipe_ups, ``follows`` →
follows; ``screenshots`` comes from a same-named column when present, else is drawn
from ``rng``. Media types: ``story`` → ``story``, ``reel`` → ``spotlight``, anything
else → ``story``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._social_common import (
    apply_mess,
    check_posts,
    date_span,
    local_days,
    target_path,
    utc,
    write_rows,
)

__all__ = ["WRITERS", "write_manual_csv", "HEADERS"]

#: Language → template header (see the module docstring).
HEADERS = {
    "en": ["date", "time", "story_id", "type", "title", "views", "viewers", "screenshots",
           "replies", "shares", "favorites", "swipe_ups", "follows", "followers"],
    "fr": ["date", "heure", "id_story", "type", "titre", "vues", "spectateurs",
           "captures_ecran", "reponses", "partages", "favoris", "swipe_ups",
           "nouveaux_abonnes", "abonnes"],
}

_TYPES = {"story": "story", "reel": "spotlight"}


def _num(value) -> str:
    return "" if value is None or pd.isna(value) else str(int(value))


def write_manual_csv(
    table,
    path,
    *,
    exported_at,
    language: str = "en",
    resave=None,
    mangle_ids: float = 0.0,
    rng=None,
    followers: pd.DataFrame | None = None,
    timezone: str = "Europe/Paris",
):
    """Write posts (and optionally daily follower counts) in the Snapchat manual template.

    Parameters
    ----------
    table : pandas.DataFrame or dict
        Canonical posts of one Snapchat profile; a dict ``{"posts": ...,
        "followers": ...}`` is accepted too.
    path : str or pathlib.Path
        File, or folder (then ``snapchat_<account>_<start>_<end>.csv`` inside).
    exported_at : timestamp-like
        End of the date range in the file name (the day the figures were copied).
    language : {"en", "fr"}
        Template variant (see the module docstring).
    resave : str or None
        French-Excel re-save passed to ``_mess``.
    mangle_ids : float
        Has no effect: story ids are free text.
    rng : numpy.random.Generator or int, optional
        Draws ``screenshots`` when the table has no such column (seed 0 if None).
    followers : pandas.DataFrame, optional
        Canonical followers rows (``date``, ``followers``): one follower-count line each.
    timezone : str, default "Europe/Paris"
        Zone of the wall-clock ``date``/``time`` written.

    Returns
    -------
    pathlib.Path
    """
    if isinstance(table, dict):
        followers = table.get("followers", followers)
        table = table["posts"]
    table = check_posts(table, ("post_id", "published_at"), layout="snapchat_manual_csv")
    if language not in HEADERS:
        language = "en"
    rng = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng or 0)
    exported = utc(exported_at)
    account = "profile"
    if "account" in table.columns and table["account"].notna().any():
        account = str(table["account"].dropna().iloc[0]).strip().replace(" ", "_") or "profile"
    start, end = date_span(table["published_at"], exported)
    out = target_path(path, f"snapchat_{account}_{start:%Y-%m-%d}_{end:%Y-%m-%d}.csv")
    fr = language == "fr"
    table["published_at"] = pd.to_datetime(table["published_at"], utc=True)
    table = table.sort_values("published_at", kind="stable")
    views = pd.to_numeric(table.get("views"), errors="coerce").fillna(0).to_numpy(float)
    shots = (
        pd.to_numeric(table["screenshots"], errors="coerce")
        if "screenshots" in table.columns
        else pd.Series(rng.poisson(views * 0.01), index=table.index)
    )

    def day(ts) -> str:
        return f"{ts:%d/%m/%Y}" if fr else f"{ts:%Y-%m-%d}"

    lines = []
    for idx, row in table.iterrows():
        local = row["published_at"].tz_convert(timezone).tz_localize(None)
        text = row.get("text")
        lines.append((local, [
            day(local),
            f"{local:%H:%M}",
            str(row["post_id"]),
            _TYPES.get(str(row.get("media_type")), "story"),
            "" if text is None or pd.isna(text) else str(text),
            _num(row.get("views")),
            _num(row.get("reach")),
            _num(shots.loc[idx]),
            _num(row.get("comments")),
            _num(row.get("shares")),
            _num(row.get("saves")),
            _num(row.get("clicks")),
            _num(row.get("follows")),
            "",
        ]))
    if followers is not None and len(followers):
        days = local_days(followers["date"], timezone)
        for d, value in zip(days, followers["followers"], strict=True):
            if value is None or pd.isna(value):
                continue
            lines.append((d + pd.Timedelta(hours=23, minutes=59),
                          [day(d), "", "", "", "", "", "", "", "", "", "", "", "", _num(value)]))
    lines.sort(key=lambda t: t[0])
    # the French variant is saved as a French spreadsheet does: ';', CRLF, UTF-8 BOM
    write_rows(out, HEADERS[language], [cells for _, cells in lines],
               encoding="utf-8-sig" if fr else "utf-8", delimiter=";" if fr else ",",
               lineterminator="\r\n" if fr else "\n")
    return apply_mess(out, resave=resave, mangle_ids=0.0, rng=rng)


#: Layout name → writer, merged by :mod:`engagement_lib.simulate.exports`.
WRITERS = {"snapchat_manual_csv": write_manual_csv}
