"""Writers of YouTube Studio exports: mirrors of :mod:`engagement_lib.readers.youtube`.

YouTube Studio (Analytics > Advanced mode > Export current view > CSV) gives a zip of
``Table data.csv``, ``Chart data.csv`` and ``Totals.csv`` in a folder named
``Content <start>_<end> <channel>`` (``shared/reference/export_formats.md`` §5).

``youtube_studio_table``
    ``Table data.csv``: one row per video after a ``Total`` row (line 2).
    ``Content`` is the 11-character video ID (IDs starting with ``-`` get a leading
    space, Studio's guard against Excel formulas); ``Video publish time`` is
    ``Sep 20, 2026`` (``date_style="mdy"``, default in English), ``20 sept. 2026``
    (``"fr"``, default in French; inferred) or ``2021-06-29 10:55:13`` (``"iso"``);
    ``Duration`` in seconds; ``Average view duration`` as ``H:MM:SS``; percentages in
    percent. ``selection="default"`` writes the usual metric selection (no
    ``Shares`` column, so shares come back missing); ``"full"`` adds
    ``Shares, Unique viewers, Subscribers gained, Subscribers lost``.
``youtube_studio_chart``
    ``Chart data.csv`` with "Total" selected: ``Date,<metric>``, one row per day,
    written from a *followers* table; ``metric`` picks ``Subscribers gained``
    (``new_followers``, default), ``Subscribers lost`` (``lost_followers``) or
    ``Subscribers`` (net = new - lost).

Canonical → YouTube: ``views`` → Views, ``impressions`` → Impressions, ``likes`` →
Likes, ``comments`` → Comments added, ``shares`` → Shares, ``reach`` → Unique
viewers, ``follows`` → Subscribers gained (``Subscribers`` is the net figure).
Video-only figures (duration, average view duration, watch time, CTR, subscribers
lost) come from the columns ``duration_s``/``avg_view_s`` when present, else are
drawn from ``rng``.

French labels are those seen in a parser of real French exports (``Vues``,
``Durée de visionnage (heures)``, ``Taux de clics par impression (%)``, ``Durée
moyenne d'une vue``, ``Spectateurs uniques``, ``Nouveaux abonnés``, ``Partages``),
the rest inferred (``Contenu``, ``Titre de la vidéo``, ``Heure de publication de la
vidéo``, ``Durée``, ``Abonnés``, ``J'aime``, ``Commentaires ajoutés``, ``Abonnés
gagnés``, ``Abonnés perdus``).
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

__all__ = ["WRITERS", "write_table_data", "write_chart_data", "LABELS", "hms"]

#: Canonical key → (English header, French header).
LABELS = {
    "content": ("Content", "Contenu"),
    "title": ("Video title", "Titre de la vidéo"),
    "published": ("Video publish time", "Heure de publication de la vidéo"),
    "duration": ("Duration", "Durée"),
    "views": ("Views", "Vues"),
    "watch": ("Watch time (hours)", "Durée de visionnage (heures)"),
    "subscribers": ("Subscribers", "Abonnés"),
    "impressions": ("Impressions", "Impressions"),
    "ctr": ("Impressions click-through rate (%)", "Taux de clics par impression (%)"),
    "avd": ("Average view duration", "Durée moyenne d'une vue"),
    "likes": ("Likes", "J'aime"),
    "comments": ("Comments added", "Commentaires ajoutés"),
    "shares": ("Shares", "Partages"),
    "unique": ("Unique viewers", "Spectateurs uniques"),
    "gained": ("Subscribers gained", "Abonnés gagnés"),
    "lost": ("Subscribers lost", "Abonnés perdus"),
    "date": ("Date", "Date"),
}

_DEFAULT = ["content", "title", "published", "duration", "views", "watch", "subscribers",
            "impressions", "ctr", "avd", "likes", "comments"]
_FULL = [*_DEFAULT, "shares", "unique", "gained", "lost"]
_FILE = {"table": ("Table data.csv", "Informations relatives aux tableaux.csv"),
         "chart": ("Chart data.csv", "Données du graphique.csv")}
_MONTHS_FR = ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.",
              "oct.", "nov.", "déc."]


def hms(seconds) -> str:
    """``H:MM:SS`` as in Studio's ``Average view duration`` (``0:00:41``)."""
    s = int(round(float(seconds)))
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}"


def _label(key: str, language: str) -> str:
    return LABELS[key][1 if language == "fr" else 0]


def _publish(ts: pd.Timestamp, style: str) -> str:
    if style == "mdy":
        return f"{ts:%b} {ts.day}, {ts.year}"
    if style == "fr":
        return f"{ts.day} {_MONTHS_FR[ts.month - 1]} {ts.year}"
    if style == "iso":
        return f"{ts:%Y-%m-%d %H:%M:%S}"
    raise ValueError(f"date_style must be 'mdy', 'fr' or 'iso', got {style!r}")


def _num(value) -> str:
    return "" if value is None or pd.isna(value) else str(int(value))


def _folder(path, table, exported, language, kind, suffix: str = ""):
    """``path`` as given if a file; else ``<path>/Content <start>_<end> <channel><suffix>/<file>``."""
    from pathlib import Path

    name = _FILE[kind][1 if language == "fr" else 0]
    p = Path(path)
    if p.is_dir() or not p.suffix:
        col = "published_at" if "published_at" in table.columns else "date"
        start, end = date_span(table[col], exported)
        channel = "channel"
        if "account" in table.columns and table["account"].notna().any():
            channel = str(table["account"].dropna().iloc[0])
        word = "Contenu" if language == "fr" else "Content"
        p = p / f"{word} {start:%Y-%m-%d}_{end:%Y-%m-%d} {channel}{suffix}"
    return target_path(p, name)


def write_table_data(
    table: pd.DataFrame,
    path,
    *,
    exported_at,
    language: str = "en",
    resave=None,
    mangle_ids: float = 0.0,
    rng=None,
    selection: str = "default",
    date_style: str | None = None,
    timezone: str = "Europe/Paris",
):
    """Write a posts table as YouTube Studio ``Table data.csv``.

    Parameters
    ----------
    table : pandas.DataFrame
        Canonical posts of one channel (``post_id`` = 11-character video ID).
    path : str or pathlib.Path
        File to write, or a folder (then ``Content <start>_<end> <channel>/Table data.csv``
        inside, the folder name carrying the export range).
    exported_at : timestamp-like
        End of the date range in the folder name.
    language : {"en", "fr"}
        Header language (and French file name).
    resave, mangle_ids : passed to the shared ``_mess`` module (IDs are text here, so
        ``mangle_ids`` has nothing to mangle).
    rng : numpy.random.Generator or int, optional
        Draws the video-only figures (seed 0 if None).
    selection : {"default", "full"}
        Metric columns (see the module docstring).
    date_style : {"mdy", "fr", "iso"} or None
        ``Video publish time`` format; None = ``"mdy"`` in English, ``"fr"`` in French.
    timezone : str, default "Europe/Paris"
        Zone of the wall-clock publish time written.

    Returns
    -------
    pathlib.Path
    """
    table = check_posts(table, ("post_id", "published_at"), layout="youtube_studio_table")
    rng = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng or 0)
    keys = {"default": _DEFAULT, "full": _FULL}.get(selection)
    if keys is None:
        raise ValueError(f"selection must be 'default' or 'full', got {selection!r}")
    style = date_style or ("fr" if language == "fr" else "mdy")
    exported = utc(exported_at)
    out = _folder(path, table, exported, language, "table")
    table["published_at"] = pd.to_datetime(table["published_at"], utc=True)
    views = pd.to_numeric(table.get("views"), errors="coerce")
    table = table.assign(_v=views).sort_values("_v", ascending=False, kind="stable")
    n = len(table)
    duration = (
        pd.to_numeric(table["duration_s"], errors="coerce").to_numpy(float)
        if "duration_s" in table.columns
        else rng.integers(20, 900, size=n).astype(float)
    )
    avd = (
        pd.to_numeric(table["avg_view_s"], errors="coerce").to_numpy(float)
        if "avg_view_s" in table.columns
        else np.round(duration * rng.uniform(0.2, 0.7, size=n))
    )
    gained = pd.to_numeric(table.get("follows"), errors="coerce").to_numpy(float)
    lost = rng.poisson(np.nan_to_num(gained) * 0.1).astype(float)
    v = table["_v"].to_numpy(float)
    imp = pd.to_numeric(table.get("impressions"), errors="coerce").to_numpy(float)
    watch = v * avd / 3600.0
    ctr = np.where(imp > 0, np.minimum(100.0, 100.0 * v * 0.6 / np.where(imp > 0, imp, 1)), 0.0)

    rows = []
    for i, (_, row) in enumerate(table.iterrows()):
        vid = str(row["post_id"])
        local = row["published_at"].tz_convert(timezone).tz_localize(None)
        cells = {
            "content": (" " + vid) if vid.startswith("-") else vid,
            "title": "" if pd.isna(row.get("text")) else str(row.get("text")),
            "published": _publish(local, style),
            "duration": str(int(duration[i])),
            "views": _num(row.get("views")),
            "watch": "" if np.isnan(watch[i]) else f"{watch[i]:.4f}",
            "subscribers": "" if np.isnan(gained[i]) else str(int(gained[i] - lost[i])),
            "impressions": _num(row.get("impressions")),
            "ctr": "" if np.isnan(ctr[i]) else f"{ctr[i]:.2f}",
            "avd": hms(avd[i]),
            "likes": _num(row.get("likes")),
            "comments": _num(row.get("comments")),
            "shares": _num(row.get("shares")),
            "unique": _num(row.get("reach")),
            "gained": _num(row.get("follows")),
            "lost": "" if np.isnan(gained[i]) else str(int(lost[i])),
        }
        rows.append([cells[k] for k in keys])

    def total(key):
        if key == "content":
            return "Total"
        if key in ("title", "published", "duration"):
            return ""
        if key == "avd":
            return hms(np.nansum(watch) * 3600 / max(np.nansum(v), 1))
        if key == "ctr":
            return f"{100.0 * np.nansum(v) * 0.6 / max(np.nansum(imp), 1):.2f}"
        if key == "watch":
            return f"{np.nansum(watch):.4f}"
        col = [r[keys.index(key)] for r in rows]
        return str(sum(int(c) for c in col if c not in ("", None)))

    write_rows(out, [_label(k, language) for k in keys], [[total(k) for k in keys], *rows])
    return apply_mess(out, resave=resave, mangle_ids=0.0, rng=rng)


def write_chart_data(
    table: pd.DataFrame,
    path,
    *,
    exported_at,
    language: str = "en",
    resave=None,
    mangle_ids: float = 0.0,
    rng=None,
    metric: str = "gained",
    timezone: str = "Europe/Paris",
):
    """Write a followers table as YouTube Studio ``Chart data.csv`` (channel total).

    Parameters
    ----------
    table : pandas.DataFrame
        Canonical followers rows (``date``, ``new_followers``, ``lost_followers``).
    path : str or pathlib.Path
        File, or folder (then ``Content <start>_<end> <channel> (<metric>)/Chart data.csv``,
        so that charts of several metrics exported the same day do not collide).
    exported_at : timestamp-like
        End of the date range in the folder name.
    language : {"en", "fr"}
        Header language.
    metric : {"gained", "lost", "subscribers"}
        The chart metric: ``Subscribers gained`` (new_followers), ``Subscribers lost``
        (lost_followers) or ``Subscribers`` (net, new - lost).
    timezone : str, default "Europe/Paris"
        Each ``date`` (UTC instant of a local midnight) is written as its local day.

    Returns
    -------
    pathlib.Path
    """
    table = check_posts(table, ("date",), layout="youtube_studio_chart")
    if metric not in ("gained", "lost", "subscribers"):
        raise ValueError(f"metric must be 'gained', 'lost' or 'subscribers', got {metric!r}")
    exported = utc(exported_at)
    # one download per chart metric: the browser keeps them apart by the metric name
    out = _folder(path, table, exported, language, "chart", f" ({_label(metric, language)})")
    table["date"] = local_days(table["date"], timezone)
    table = table.sort_values("date", kind="stable")
    new = pd.to_numeric(table.get("new_followers"), errors="coerce")
    lost = pd.to_numeric(table.get("lost_followers"), errors="coerce")
    values = {"gained": new, "lost": lost, "subscribers": new - lost}[metric]
    rows = [[f"{d:%Y-%m-%d}", _num(x)] for d, x in zip(table["date"], values, strict=True)]
    write_rows(out, [_label("date", language), _label(metric, language)], rows)
    return apply_mess(out, resave=resave, mangle_ids=0.0, rng=rng)


#: Layout name → writer, merged by :mod:`engagement_lib.simulate.exports`.
WRITERS = {"youtube_studio_table": write_table_data, "youtube_studio_chart": write_chart_data}
