"""Reader of the Snapchat manual CSV template — a template of THIS project, not a platform export.

Snapchat offers no downloadable analytics for public profiles: Story metrics (views,
viewers, screenshots, replies, swipe-ups…) and Spotlight metrics (views, favorites,
shares, follows) are only shown in the app, or served by the Snap Public Profile API
(``shared/reference/export_formats.md`` §6). A community manager who wants them in
the analyses copies them by hand into this template (a spreadsheet saved as CSV).
The writer that fills it from canonical tables is
:mod:`engagement_lib.simulate.exports.snapchat`.

The template (``snapchat_manual_csv``)
--------------------------------------
One header line, then one line per Story or Spotlight and, optionally, one line per
day with the profile's follower count. Column order is free, a column may be left
out (its metric is then <NA>), a cell may be left empty (<NA>, never 0).

=================  ====================  =====================================  ==========
English header     French header         meaning                                canonical
=================  ====================  =====================================  ==========
``date``           ``date``              day of publication (or of the count)   published_at
``time``           ``heure``             local time ``HH:MM`` (optional)        published_at
``story_id``       ``id_story``          any unique id the user chooses          post_id
``type``           ``type``              ``story``, ``saved_story``,            media_type
                                         ``spotlight``
``title``          ``titre``             a description                          text
``views``          ``vues``              views                                  views
``viewers``        ``spectateurs``       unique viewers                         reach
``screenshots``    ``captures_ecran``    screenshots                            extra
``replies``        ``reponses``          replies                                comments
``shares``         ``partages``          shares                                 shares
``favorites``      ``favoris``           favorites (Spotlight)                  saves
``swipe_ups``      ``swipe_ups``         swipe-ups / link clicks                clicks
``follows``        ``nouveaux_abonnes``  follows from the Story/Spotlight       follows
``followers``      ``abonnes``           the profile's follower count that day  followers
=================  ====================  =====================================  ==========

Headers are matched after normalisation (case, accents, ``_`` or spaces:
``Story ID``, ``Captures d'écran``, ``Abonnés`` are fine). Dates are ``YYYY-MM-DD``,
or ``DD/MM/YYYY`` in a file with French headers (``MM/DD/YYYY`` with English ones);
times are local wall-clock time in the caller's ``timezone``. ``,`` or ``;``
delimiters, UTF-8 or cp1252, French number formats: as for every export.

Lines with a ``story_id`` or any Story metric are posts (a post without
``story_id`` gets <NA> and an issue). A line with only ``date`` and ``followers``
is a follower-count line: it feeds the *followers* table (``followers`` = the count,
new and lost <NA>) and is counted in the posts export's ``skipped_rows`` with that
reason. A ``followers`` value on a Story line also counts for its day. When one day
has several different counts, the last line wins and a warning says so. The reader
returns two :class:`RawExport`: posts and, when the file has follower counts,
followers.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from . import _sniff
from ._registry import Layout, Table, register
from ._social_common import PRECISION, counts, day_labels, exported_at_from_path, parse_dates

__all__ = ["TEMPLATE_COLUMNS", "TEMPLATE_HEADER_EN", "TEMPLATE_HEADER_FR"]

#: Field → accepted headers (English and French, display forms included).
TEMPLATE_COLUMNS = {
    "date": ["date", "jour"],
    "time": ["time", "heure", "hour"],
    "post_id": ["story_id", "story id", "id_story", "id story", "identifiant", "snap_id"],
    "media_type": ["type", "story_type", "type de story"],
    "text": ["title", "titre", "description"],
    "views": ["views", "vues", "story_views", "vues de la story"],
    "reach": ["viewers", "spectateurs", "unique viewers", "spectateurs uniques"],
    "screenshots": ["screenshots", "captures_ecran", "captures d'ecran", "captures d'écran"],
    "comments": ["replies", "reponses", "réponses"],
    "shares": ["shares", "partages"],
    "saves": ["favorites", "favoris"],
    "clicks": ["swipe_ups", "swipe ups", "swipe-ups", "balayages", "clics"],
    "follows": ["follows", "nouveaux_abonnes", "nouveaux abonnés", "abonnements"],
    "followers": ["followers", "abonnes", "abonnés", "nombre d'abonnes"],
}

#: The template headers this project documents.
TEMPLATE_HEADER_EN = ["date", "time", "story_id", "type", "title", "views", "viewers",
                      "screenshots", "replies", "shares", "favorites", "swipe_ups",
                      "follows", "followers"]
TEMPLATE_HEADER_FR = ["date", "heure", "id_story", "type", "titre", "vues", "spectateurs",
                      "captures_ecran", "reponses", "partages", "favoris", "swipe_ups",
                      "nouveaux_abonnes", "abonnes"]

_STORY_FIELDS = ("post_id", "text", "views", "reach", "screenshots", "comments", "shares",
                 "saves", "clicks", "follows", "media_type")
_POST_METRICS = ("views", "reach", "comments", "shares", "saves", "clicks", "follows")
_FRENCH = {"heure", "id_story", "titre", "vues", "spectateurs", "captures_ecran", "reponses",
           "partages", "favoris", "nouveaux_abonnes", "abonnes", "jour"}


def _header(table: Table, field: str) -> str:
    return table.header[table.fields[field][0]] if table.has(field) else field


def _norm_key(s: str) -> str:
    return _sniff.normalize_header(s).replace(" ", "_")


def _parse(table: Table):
    french = any(_norm_key(h) in _FRENCH for h in table.header)
    language = "fr" if french else "en"
    n_all = len(table.records)
    story = np.zeros(n_all, dtype=bool)
    for f in _STORY_FIELDS:
        col = table.all_rows(f)
        if col is not None:
            story |= col.notna().to_numpy()
    foll_all = table.all_rows("followers")
    has_foll = foll_all.notna().to_numpy() if foll_all is not None else np.zeros(n_all, bool)

    # dates and follower counts over every line (before any line is set aside)
    raw_dates = table.raw("date")
    if raw_dates is not None and french:
        res = _sniff.parse_datetimes(raw_dates, dayfirst=True, name=_header(table, "date"))
        table.issue(res.bad.to_numpy(), _header(table, "date"), raw_dates, "not a date")
        day = res.values.astype("datetime64[us]").dt.normalize()
    else:
        day, _ = parse_dates(table, "date", _header(table, "date"))
        day = day.dt.normalize()
    lines = table.source_rows.copy()
    exports = []
    exported = exported_at_from_path(table.path)
    if table.has("followers"):
        followers = counts(table, "followers", column=_header(table, "followers"))
        keep = has_foll & day.notna().to_numpy()
        frame = pd.DataFrame({"source_row": lines[keep], "date": day[keep].to_numpy(),
                              "followers": followers[keep].to_numpy()})
        dup = frame.duplicated("date", keep="last")
        conflicts = frame[dup | frame.duplicated("date", keep="first")]
        if conflicts.groupby("date")["followers"].nunique().gt(1).any():
            table.warn("several different follower counts for the same day: the last line "
                       "of each day is kept")
        frame = frame[~dup].reset_index(drop=True)
        n = len(frame)
        rows = pd.DataFrame({
            "source_row": frame["source_row"].astype("int64"),
            "date": day_labels(frame["date"]),
            "followers": frame["followers"].astype("Int64"),
            "new_followers": pd.array([pd.NA] * n, dtype="Int64"),
            "lost_followers": pd.array([pd.NA] * n, dtype="Int64"),
        })
        fexp = table.result(rows, table="followers", timezone="UTC", exported_at=exported,
                            language=language, extras=False)
        mine = set(rows["source_row"].tolist()) | set(lines[has_foll].tolist())
        foll_cols = {_header(table, "followers"), _header(table, "date")}
        issues = fexp.issues[fexp.issues["source_row"].isin(mine)
                             & fexp.issues["column"].isin(foll_cols)]
        exports.append(dataclasses.replace(fexp, issues=issues.reset_index(drop=True),
                                           skipped_rows=fexp.skipped_rows.iloc[0:0]))

    # posts: every line with a story id or a story figure
    only_count = has_foll & ~story
    table.skip(only_count, "follower-count line (read into the followers table)")
    empty = ~story & ~has_foll
    table.skip(empty, "line without a story and without a follower count")
    kept = story
    post_day = day[kept].reset_index(drop=True)
    times = table.raw("time")
    has_time = np.zeros(len(post_day), dtype=bool)
    published = post_day.copy()
    if times is not None:
        parsed = pd.to_datetime("2000-01-01 " + times.fillna("").astype(str).str.strip()
                                .str.replace("h", ":", regex=False), format="%Y-%m-%d %H:%M",
                                errors="coerce")
        bad = times.notna() & parsed.isna()
        table.issue(bad.to_numpy(), _header(table, "time"), times, "not a time (HH:MM)")
        has_time = parsed.notna().to_numpy()
        offset = (parsed - pd.Timestamp("2000-01-01")).fillna(pd.Timedelta(0))
        published = post_day + offset.to_numpy()
    ids = table.ids("post_id", column=_header(table, "post_id"))
    missing = ids.isna().to_numpy()
    if missing.any():
        table.issue(missing, _header(table, "post_id"), ids, "no story_id on a story line")
    n = len(ids)
    rows = pd.DataFrame({
        "post_id": ids,
        "published_at": published.astype("datetime64[us]"),
        "media_type": table.texts("media_type"),
        "text": table.texts("text"),
        "permalink": pd.Series([pd.NA] * n, dtype="str"),
        "is_paid": pd.array([pd.NA] * n, dtype="boolean"),
    })
    for canon in _POST_METRICS:
        if table.has(canon):
            rows[canon] = counts(table, canon, column=_header(table, canon))
    rows[PRECISION] = pd.Series(np.where(has_time, "exact", "day"), dtype="str")
    if table.has("screenshots"):
        rows["extra:screenshots"] = table.texts("screenshots")
    pexp = table.result(rows, table="posts", timezone=table.timezone, exported_at=exported,
                        language=language,
                        metric_era="views")
    foll_col = _header(table, "followers")
    post_lines = set(table.source_rows.tolist())
    issues = pexp.issues[(pexp.issues["column"] != foll_col)
                         & pexp.issues["source_row"].isin(post_lines)]
    pexp = dataclasses.replace(pexp, issues=issues.reset_index(drop=True))
    return [pexp, *exports]


register(
    Layout(
        name="snapchat_manual_csv",
        network="snapchat",
        table="mixed",
        kind="csv",
        columns=TEMPLATE_COLUMNS,
        signature=("date", "post_id", ("views", "reach")),
        parse=_parse,
        description="engagement_lib's manual CSV template for Snapchat figures (not a "
                    "Snapchat export)",
    )
)
