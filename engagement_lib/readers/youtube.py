"""Readers of YouTube Studio exports (Analytics > Advanced mode > Export current view > CSV).

``shared/reference/export_formats.md`` §5; the writers that mirror these layouts live
in :mod:`engagement_lib.simulate.exports.youtube`. Studio gives a zip (or folder)
``Content <start>_<end> <channel>/`` holding ``Table data.csv``, ``Chart data.csv``
and ``Totals.csv``; the zip can be read as a whole (:func:`read_export` opens zips).

``youtube_studio_table`` — ``Table data.csv`` (French: ``Informations relatives aux
tableaux.csv``) → posts
    * Line 2 is a ``Total`` row: not a post, counted in ``skipped_rows``.
    * ``Content`` is the 11-character video ID (a leading space before IDs that start
      with ``-`` — Studio's guard against Excel formulas — is stripped).
    * ``Video publish time`` is ``Sep 20, 2026`` (a day only: precision ``"day"``),
      ``20 sept. 2026`` or ``2021-06-29 10:55:13``; naive local time in the caller's
      ``timezone`` (Studio does not say which zone it uses).
    * Mapping: ``Views`` → views, ``Impressions`` → impressions, ``Likes`` → likes,
      ``Comments added`` → comments, ``Shares`` → shares, ``Unique viewers`` → reach,
      ``Subscribers gained`` → follows. ``Subscribers`` (the *net* change) is not
      ``follows`` and stays an ``extra:`` column. A metric not in the selected columns
      is absent — the default selection has no ``Shares``, so shares are <NA>.
    * ``Duration`` (seconds), ``Watch time (hours)``, CTR and percentage columns (in
      percent) are kept raw as ``extra:``; ``Average view duration`` (``H:MM:SS``) is
      also given in seconds as ``extra:average view duration (s)``.
    * Values are totals **over the date range of the report**, not lifetime totals:
      a video published before the range can have a negative net count of likes,
      comments or shares in it (real exports show ``Likes`` = ``-27``). A negative
      count is not a count of likes: it is left <NA> (the raw value stays in its
      ``extra:`` column) and a warning says how many cells.
    * ``media_type`` is the raw label ``"short"`` for rows with ``Shown in feed`` > 0
      (Studio's number of times a *Short* was shown in the Shorts feed), else
      ``"video"`` (Studio has no type column; cleaning may use the duration).
``youtube_studio_chart`` — ``Chart data.csv`` → followers
    ``Date,<metric>`` (channel total) or ``Date,Content,Video title,Video publish
    time,Duration,<metric>`` (per video). Only a channel-total subscriber series fits
    a canonical table: ``Subscribers gained`` → ``new_followers``, ``Subscribers
    lost`` → ``lost_followers``, ``Subscribers`` (net) → ``net_followers`` (not a
    schema column); ``followers`` (running total) is never given. The day printed in
    ``Date`` is kept as a UTC midnight. A channel-total chart of another whole-number
    metric (views, impressions…) is returned as a non-canonical long ``page_metrics``
    table (``date``, ``metric``, ``value``) like Meta's daily series; fractional
    series (watch time in hours, percentages, ``H:MM:SS`` durations) and per-video
    series feed no table: their rows are counted in ``skipped_rows`` with that reason.
    The same goes for a ``Table data.csv`` exported with *Date* as its dimension
    (``Date,Views,Watch time (hours),Average view duration,…``); its ``Total`` row
    (``Date`` = ``Total``) is skipped as a summary row.

French headers: ``Vues``, ``Durée de visionnage (heures)``, ``Taux de clics par
impression (%)``, ``Durée moyenne d'une vue``, ``Spectateurs uniques``, ``Nouveaux
abonnés``, ``Partages`` were seen in a parser of real French exports; the other French
variants are inferred. Decimal commas are accepted.

``exported_at``: the end of the date range in the file, folder or zip name, else None.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from . import _sniff
from ._registry import Layout, Table, register
from ._social_common import (
    PRECISION,
    counts,
    day_labels,
    exported_at_from_path,
    keep_raw,
    parse_dates,
)

__all__ = ["TABLE_COLUMNS", "CHART_COLUMNS", "parse_hms"]

_COMMON = {
    "title": ["Video title", "Titre de la vidéo", "Titre"],
    "published_at": [
        "Video publish time", "Heure de publication de la vidéo",
        "Date de publication de la vidéo", "Date et heure de publication de la vidéo",
    ],
    "duration": ["Duration", "Durée"],
    "views": ["Views", "Vues"],
    "watch_time": ["Watch time (hours)", "Durée de visionnage (heures)"],
    "impressions": ["Impressions"],
    "ctr": ["Impressions click-through rate (%)", "Taux de clics par impression (%)"],
    "avd": ["Average view duration", "Durée moyenne d'une vue", "Durée moyenne de visionnage"],
    "likes": ["Likes", "J'aime", "Mentions J'aime"],
    "comments": ["Comments added", "Commentaires ajoutés", "Comments", "Commentaires"],
    "shares": ["Shares", "Partages"],
    "reach": ["Unique viewers", "Spectateurs uniques"],
    "follows": ["Subscribers gained", "Abonnés gagnés", "New subscribers", "Nouveaux abonnés"],
    "subscribers_lost": ["Subscribers lost", "Abonnés perdus"],
    "subscribers": ["Subscribers", "Abonnés"],
    "shown_in_feed": ["Shown in feed", "Affichages dans le flux"],
}

#: Field → header variants of ``Table data.csv``.
TABLE_COLUMNS = {"post_id": ["Content", "Contenu", "Video", "Vidéo"], "date": ["Date"], **_COMMON}

#: Field → header variants of ``Chart data.csv``.
CHART_COLUMNS = {"date": ["Date"], "post_id": ["Content", "Contenu"], **_COMMON}

_HMS = re.compile(r"^\s*(?:(\d+):)?(\d{1,2}):(\d{2})(?:[.,](\d+))?\s*$")


def parse_hms(value) -> float | None:
    """Seconds in a Studio duration ``H:MM:SS`` (also ``M:SS``); None if blank/invalid.

    Examples
    --------
    >>> parse_hms("0:16:02")
    962.0
    """
    if _sniff.is_blank(value):
        return None
    m = _HMS.match(str(value))
    if not m:
        return None
    h, mnt, s, frac = m.groups()
    out = int(h or 0) * 3600 + int(mnt) * 60 + int(s)
    return float(out) + (float(f"0.{frac}") if frac else 0.0)


def _skip_total(table: Table, field: str = "post_id") -> None:
    ids = table.all_rows(field)
    if ids is not None:
        norm = ids.map(lambda v: _sniff.normalize_header(v) if isinstance(v, str) else "")
        table.skip(norm.isin(["total", "totaux"]).to_numpy(), "YouTube 'Total' summary row")


_NET = ("likes", "comments", "shares")


def _net_counts(table: Table, rows: pd.DataFrame) -> pd.DataFrame:
    """Negative period totals (net of removals) are not counts: <NA>, raw kept, warned."""
    found, fields = [], []
    for canon in _NET:
        if canon not in rows:
            continue
        neg = (rows[canon] < 0).fillna(False).to_numpy(dtype=bool)
        if neg.any():
            found.append(f"{int(neg.sum())} in {_column_header(table, canon)!r}")
            fields.append(canon)
            rows[canon] = rows[canon].mask(neg)
    if found:
        table.warn("negative totals over the report's date range (removals outnumber additions "
                   "for a video published earlier): " + ", ".join(found) + " left missing, "
                   "raw values kept in the extra: columns")
        rows = keep_raw(table, rows, fields)
    return rows


def _media_types(table: Table, n: int) -> pd.Series:
    if not table.has("shown_in_feed"):
        return pd.Series(["video"] * n, dtype="str")
    shown, _ = _sniff.to_integers(table.raw("shown_in_feed"), decimal=None)
    short = (shown > 0).fillna(False).to_numpy(dtype=bool)
    return pd.Series(np.where(short, "short", "video"), dtype="str")


def _column_header(table: Table, field: str) -> str:
    return table.header[table.fields[field][0]] if table.has(field) else field


def _parse_table(table: Table):
    _skip_total(table)
    ids = table.ids("post_id", column=_column_header(table, "post_id"))
    n = len(ids)
    published, has_time = parse_dates(table, "published_at", _column_header(table, "published_at"))
    rows = pd.DataFrame(
        {
            "post_id": ids,
            "published_at": published,
            "media_type": _media_types(table, n),
            "text": table.texts("title"),
            "permalink": ids.map(
                lambda v: None if pd.isna(v) else f"https://www.youtube.com/watch?v={v}"
            ).astype("str"),
            "is_paid": pd.array([pd.NA] * n, dtype="boolean"),
        }
    )
    for canon in ("impressions", "reach", "views", "likes", "comments", "shares", "follows"):
        if table.has(canon):
            rows[canon] = counts(table, canon, column=_column_header(table, canon))
    rows = _net_counts(table, rows)
    rows[PRECISION] = pd.Series(np.where(has_time, "exact", "day"), dtype="str")
    if table.has("avd"):
        secs = table.raw("avd").map(parse_hms)
        rows["extra:average view duration (s)"] = pd.array(secs, dtype="Float64")
    rows = keep_raw(table, rows, ["duration", "watch_time", "ctr", "avd", "subscribers",
                                  "subscribers_lost"])
    return table.result(rows, timezone=table.timezone, exported_at=exported_at_from_path(
        table.path), language=table.language, metric_era="views")


_SUBSCRIBER_FIELDS = {"follows": "new_followers", "subscribers_lost": "lost_followers",
                      "subscribers": "net_followers"}


def _parse_chart(table: Table):
    exported = exported_at_from_path(table.path)
    metrics = [f for f in table.fields if f not in ("date", "post_id", "title", "published_at",
                                                    "duration")]
    unknown = [h for p, h in enumerate(table.header)
               if h.strip() and not any(p in pos for pos in table.fields.values())]
    sub = [f for f in metrics if f in _SUBSCRIBER_FIELDS]
    if table.has("post_id"):
        what = ", ".join([_column_header(table, f) for f in metrics] + unknown)
        table.skip(np.ones(len(table.records), dtype=bool),
                   f"per-video daily series of {what or 'an unknown metric'}: feeds no "
                   "canonical table")
        empty = pd.DataFrame({"date": pd.Series(dtype="datetime64[us, UTC]"),
                              "followers": pd.Series(dtype="Int64"),
                              "new_followers": pd.Series(dtype="Int64"),
                              "lost_followers": pd.Series(dtype="Int64")})
        return table.result(empty, table="followers", timezone="UTC",
                            exported_at=exported, extras=False)
    _skip_total(table, "date")
    day = day_labels(parse_dates(table, "date", "Date")[0])
    n = len(day)
    if not sub:
        return _page_metrics(table, day, exported)
    rows = pd.DataFrame({"date": day,
                         "followers": pd.array([pd.NA] * n, dtype="Int64"),
                         "new_followers": pd.array([pd.NA] * n, dtype="Int64"),
                         "lost_followers": pd.array([pd.NA] * n, dtype="Int64")})
    for f in sub:
        rows[_SUBSCRIBER_FIELDS[f]] = counts(table, f, column=_column_header(table, f))
    if (rows[["new_followers", "lost_followers"]] < 0).any().any():
        table.warn("negative daily subscriber counts")
    return table.result(rows, table="followers", timezone="UTC", exported_at=exported,
                        language=table.language)


def _page_metrics(table: Table, day: pd.Series, exported):
    """A channel-total daily series of another metric → long ``page_metrics`` rows.

    Whole-number metrics (views, impressions…) become ``(date, metric, value)`` rows,
    like Meta's non-follower daily series; fractional ones (watch time in hours,
    percentages) fit no integer table and their rows are skipped with that reason.
    """
    date_pos = set(table.fields.get("date", []))
    parts, fractional = [], []
    for p, header in enumerate(table.header):
        if p in date_pos or not header.strip():
            continue
        raw = table.raw_position(p)
        filled = raw[~raw.map(_sniff.is_blank)]
        if len(filled) and filled.map(lambda v: parse_hms(v) is not None).all():
            fractional.append(header)  # H:MM:SS durations (average view duration)
            continue
        nums, bad = _sniff.to_numbers(raw, decimal=None)
        if ((nums - nums.round()).abs() > 1e-9).any():
            fractional.append(header)
            continue
        vals, bad = _sniff.to_integers(raw, decimal=None)  # counts: see counts()
        table.issue(bad.to_numpy(), header, raw, "not a whole number")
        parts.append(pd.DataFrame({"source_row": table.source_rows, "date": day,
                                   "metric": header, "value": vals}))
    if fractional and not parts:
        table.skip(np.ones(len(table.records), dtype=bool),
                   f"channel daily series of {', '.join(fractional)} (not counts): "
                   "feeds no canonical table")
    elif fractional:
        table.warn(f"fractional daily series not kept: {', '.join(fractional)}")
    if not parts:
        rows = pd.DataFrame({"source_row": pd.Series(dtype="int64"),
                             "date": pd.Series(dtype="datetime64[us, UTC]"),
                             "metric": pd.Series(dtype="str"), "value": pd.Series(dtype="Int64")})
    else:
        rows = pd.concat(parts, ignore_index=True)
    return table.result(rows, table="page_metrics", timezone="UTC", exported_at=exported,
                        language=table.language, extras=False)


register(
    Layout(
        name="youtube_studio_table",
        network="youtube",
        table="posts",
        kind="csv",
        columns=TABLE_COLUMNS,
        signature=("post_id", "title", ("published_at", "duration"),
                   ("views", "watch_time", "impressions", "subscribers")),
        exclude=("date",),  # a 'Date' column makes it a Chart data file
        parse=_parse_table,
        description="YouTube Studio advanced-mode 'Table data.csv'",
    )
)
register(
    Layout(
        name="youtube_studio_chart",
        network="youtube",
        table="followers",
        kind="csv",
        columns=CHART_COLUMNS,
        signature=("date", ("follows", "subscribers_lost", "subscribers", "watch_time", "ctr",
                            "avd", "post_id", "views")),
        priority=-1,
        parse=_parse_chart,
        description="YouTube Studio advanced-mode 'Chart data.csv' (daily series)",
    )
)
