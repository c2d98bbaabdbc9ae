"""Writers of X (Twitter) analytics exports: the mirror images of :mod:`engagement_lib.readers.x`.

Three layouts (see ``shared/reference/export_formats.md`` §3):

``x_tweet_activity``
    The classic analytics.twitter.com "Tweet activity" CSV (about 2014-2023): every
    field double-quoted, ``time`` as ``2015-09-30 18:42 +0000`` (UTC), counts written
    as floats (``"424.0"``) in the first ten metric columns and as integers after,
    ``engagement rate`` as a ratio, a second block of ``promoted …`` columns holding
    ``"-"`` when the Tweet was not promoted. Exports made before Twitter renamed
    favourites to likes (2015-11-03) say ``favorites``/``promoted favorites``.
    File name ``tweet_activity_metrics_<handle>_<YYYYMMDD>_<YYYYMMDD>_<lang>.csv``.
``x_account_analytics_content``
    The X Premium analytics post export (2024-): ``Post id, Date, Post text, Post Link,
    Impressions, Likes, Engagements, Bookmarks, Shares, New follows, Replies, Reposts,
    Profile visits, Detail Expands, URL Clicks, Hashtag Clicks, Permalink Clicks``;
    ``Date`` is a date only (``Tue, Jul 14, 2026``), rows sorted by impressions.
    File name ``account_analytics_content_<YYYY-MM-DD>_<YYYY-MM-DD>.csv``.
``x_account_overview``
    The daily account overview (``Date, Impressions, Likes, Engagements, Bookmarks,
    Shares, New follows, Unfollows, Replies, Reposts, Profile visits, Create Post,
    Video views, Media views``), written from a *followers* table.

Canonical → X mapping (the reader inverts it): ``likes`` → likes/favorites,
``comments`` → replies, ``shares`` → retweets/Reposts, ``clicks`` → url clicks,
``follows`` → follows/New follows, ``views`` → media views (classic only),
``saves`` → Bookmarks (new only). ``reach`` and ``completions`` have no X column and
are dropped. X-only figures the canonical table does not carry (profile clicks,
detail expands, hashtag and permalink clicks, media engagements, X "Shares") are
drawn from ``rng``; ``engagements`` is their sum plus the canonical interactions, so
the file stays internally consistent. A promoted Tweet (``is_paid``) has each metric
split between the organic and the ``promoted`` column.

X header labels are written in English whatever ``language``: no French-UI sample of
either export was found (the one French user observed had English labels); the
language only appears in the classic file-name suffix.

A missing canonical metric is written as an empty cell (real files never have one;
the reader turns it back into <NA>).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._social_common import (
    apply_mess,
    check_posts,
    count_or_zero,
    date_span,
    float_cell,
    int_cell,
    local_days,
    target_path,
    utc,
    write_rows,
)

__all__ = [
    "WRITERS",
    "write_tweet_activity",
    "write_account_analytics_content",
    "write_account_overview",
    "LIKES_RENAMED",
]

#: Day Twitter renamed favorites to likes (the export followed).
LIKES_RENAMED = pd.Timestamp("2015-11-03", tz="UTC")

_CLASSIC_FLOAT_METRICS = [
    "impressions",
    "engagements",
    "engagement rate",
    "retweets",
    "replies",
    "{likes}",
    "user profile clicks",
    "url clicks",
    "hashtag clicks",
    "detail expands",
    "permalink clicks",
]
_CLASSIC_INT_METRICS = [
    "app opens",
    "app installs",
    "follows",
    "email tweet",
    "dial phone",
    "media views",
    "media engagements",
]

_CONTENT_HEADER = [
    "Post id",
    "Date",
    "Post text",
    "Post Link",
    "Impressions",
    "Likes",
    "Engagements",
    "Bookmarks",
    "Shares",
    "New follows",
    "Replies",
    "Reposts",
    "Profile visits",
    "Detail Expands",
    "URL Clicks",
    "Hashtag Clicks",
    "Permalink Clicks",
]

_OVERVIEW_HEADER = [
    "Date",
    "Impressions",
    "Likes",
    "Engagements",
    "Bookmarks",
    "Shares",
    "New follows",
    "Unfollows",
    "Replies",
    "Reposts",
    "Profile visits",
    "Create Post",
    "Video views",
    "Media views",
]


def x_date(ts) -> str:
    """``Tue, Jul 14, 2026``: the date format of the new X exports (English, UTC day)."""
    ts = utc(ts)
    return f"{ts:%a}, {ts:%b} {ts.day}, {ts.year}"


def _handle(table: pd.DataFrame) -> str:
    if "account" in table.columns and table["account"].notna().any():
        return str(table["account"].dropna().iloc[0]).lstrip("@").strip() or "account"
    return "account"


def _permalink(row, handle: str, host: str) -> str:
    link = row.get("permalink")
    if isinstance(link, str) and link:
        return link
    return f"https://{host}/{handle}/status/{row['post_id']}"


def _small(rng, n: int, scale: float) -> np.ndarray:
    """Derived X-only counts: Poisson around ``scale`` (a share of impressions)."""
    return rng.poisson(np.maximum(scale, 0.0), size=n)


def _derived_clicks(table: pd.DataFrame, rng) -> pd.DataFrame:
    """X-only counts the canonical table does not carry, drawn around plausible rates."""
    imp = pd.to_numeric(table["impressions"], errors="coerce").fillna(0).to_numpy(float)
    n = len(table)
    views = table["views"] if "views" in table.columns else pd.Series(pd.NA, index=table.index)
    mv = pd.to_numeric(views, errors="coerce").fillna(0).to_numpy(float)
    return pd.DataFrame(
        {
            "profile": _small(rng, n, imp * 0.004),
            "hashtag": _small(rng, n, imp * 0.001),
            "expand": _small(rng, n, imp * 0.006),
            "permalink": _small(rng, n, imp * 0.0005),
            "media_eng": np.minimum(_small(rng, n, mv * 0.05), mv.astype(int)),
            "x_shares": _small(rng, n, imp * 0.0005),
        },
        index=table.index,
    )


def _metric(row, name) -> object:
    return row[name] if name in row.index else pd.NA


def _split(value, share: float):
    """Split a total into (organic, promoted) counts; NA stays NA."""
    if value is None or pd.isna(value):
        return pd.NA, pd.NA
    total = int(value)
    organic = int(np.floor(total * share))
    return organic, total - organic


def _classic_cells(part: dict, names: list[str], *, dash: bool = False) -> list[str]:
    """One block of classic metric cells: floats, then integers; all ``"-"`` if ``dash``."""
    if dash:
        return ["-"] * len(names)
    out = []
    for col in names:
        if col == "engagement rate":
            out.append(repr(float(part[col])))
        elif col in _CLASSIC_INT_METRICS:
            out.append(int_cell(part[col]))
        else:
            out.append(float_cell(part[col]))
    return out


def write_tweet_activity(
    table: pd.DataFrame,
    path,
    *,
    exported_at,
    language: str = "en",
    resave=None,
    mangle_ids: float = 0.0,
    rng=None,
    era: str | None = None,
):
    """Write a posts table as a classic X "Tweet activity" CSV.

    Parameters
    ----------
    table : pandas.DataFrame
        Canonical posts of one X account (``post_id``, ``published_at``, ``text``,
        metrics; ``permalink``, ``is_paid`` and ``account`` are used when present).
    path : str or pathlib.Path
        File to write, or a folder (the platform file name is then used).
    exported_at : timestamp-like
        Export time; the end of the date range in the file name and, with ``era=None``,
        the label era.
    language : {"en", "fr"}
        File-name suffix only (headers stay English, see the module docstring).
    resave : str or None
        French-Excel re-save style passed to ``_mess`` (e.g. ``"fr_excel"``).
    mangle_ids : float
        Share of ``Tweet id`` cells Excel turns into scientific notation.
    rng : numpy.random.Generator or int, optional
        Randomness for the derived X-only counts and the promoted split (seed 0 if None).
    era : {"favorites", "likes"} or None
        Label of the likes column; None picks ``favorites`` for exports made before
        2015-11-03 and ``likes`` after.

    Returns
    -------
    pathlib.Path
        The file written.
    """
    table = check_posts(table, ("post_id", "published_at"), layout="x_tweet_activity")
    rng = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng or 0)
    exported = utc(exported_at)
    if era is None:
        era = "favorites" if exported < LIKES_RENAMED else "likes"
    if era not in ("favorites", "likes"):
        raise ValueError(f"era must be 'favorites' or 'likes', got {era!r}")
    handle = _handle(table)
    start, end = date_span(table["published_at"], exported)
    name = f"tweet_activity_metrics_{handle}_{start:%Y%m%d}_{end:%Y%m%d}_{language}.csv"
    out = target_path(path, name)

    table["published_at"] = pd.to_datetime(table["published_at"], utc=True)
    table = table.sort_values("published_at", ascending=False, kind="stable")
    extra = _derived_clicks(table, rng)
    organic_names = (
        [c.format(likes=era) for c in _CLASSIC_FLOAT_METRICS] + _CLASSIC_INT_METRICS
    )
    header = ["Tweet id", "Tweet permalink", "Tweet text", "time", *organic_names]
    header += ["promoted " + c for c in organic_names]

    rows = []
    for idx, row in table.iterrows():
        d = extra.loc[idx]
        counts = {
            "impressions": _metric(row, "impressions"),
            "retweets": _metric(row, "shares"),
            "replies": _metric(row, "comments"),
            era: _metric(row, "likes"),
            "user profile clicks": d["profile"],
            "url clicks": _metric(row, "clicks"),
            "hashtag clicks": d["hashtag"],
            "detail expands": d["expand"],
            "permalink clicks": d["permalink"],
            "app opens": 0,
            "app installs": 0,
            "follows": _metric(row, "follows"),
            "email tweet": 0,
            "dial phone": 0,
            "media views": _metric(row, "views"),
            "media engagements": d["media_eng"],
        }
        paid = bool(row["is_paid"]) if "is_paid" in row.index and pd.notna(row["is_paid"]) else False
        share = float(rng.uniform(0.3, 0.8)) if paid else 1.0
        organic, promoted = {}, {}
        for key, value in counts.items():
            organic[key], promoted[key] = _split(value, share)
        for part in (organic, promoted):
            part["engagements"] = sum(
                count_or_zero(part[k])
                for k in part
                if k not in ("impressions", "media views", "app opens", "app installs")
            )
            imp = part["impressions"]
            part["engagement rate"] = (
                part["engagements"] / imp if pd.notna(imp) and int(imp) > 0 else 0.0
            )

        text = row.get("text")
        rows.append(
            [
                str(row["post_id"]),
                _permalink(row, handle, "twitter.com"),
                "" if text is None or pd.isna(text) else str(text),
                f"{utc(row['published_at']):%Y-%m-%d %H:%M} +0000",
                *_classic_cells(organic, organic_names),
                *_classic_cells(promoted, organic_names, dash=not paid),
            ]
        )
    write_rows(out, header, rows, quote_all=True)
    return apply_mess(out, resave=resave, mangle_ids=mangle_ids, id_columns=("Tweet id",), rng=rng)


def write_account_analytics_content(
    table: pd.DataFrame,
    path,
    *,
    exported_at,
    language: str = "en",
    resave=None,
    mangle_ids: float = 0.0,
    rng=None,
):
    """Write a posts table as the new X ``account_analytics_content_…csv``.

    Parameters are those of :func:`write_tweet_activity` (without ``era``). The
    ``Date`` column holds the UTC calendar day only; the exact time survives in the
    snowflake ``Post id`` (and in the id of ``Post Link``). ``language`` is ignored
    (English labels, see the module docstring).

    Returns
    -------
    pathlib.Path
        The file written.
    """
    table = check_posts(
        table, ("post_id", "published_at"), layout="x_account_analytics_content"
    )
    rng = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng or 0)
    exported = utc(exported_at)
    handle = _handle(table)
    start, end = date_span(table["published_at"], exported)
    out = target_path(path, f"account_analytics_content_{start:%Y-%m-%d}_{end:%Y-%m-%d}.csv")
    imp = pd.to_numeric(table.get("impressions"), errors="coerce")
    table = table.assign(_imp=imp).sort_values("_imp", ascending=False, kind="stable")
    extra = _derived_clicks(table, rng)
    rows = []
    for idx, row in table.iterrows():
        d = extra.loc[idx]
        values = {
            "Impressions": _metric(row, "impressions"),
            "Likes": _metric(row, "likes"),
            "Bookmarks": _metric(row, "saves"),
            "Shares": d["x_shares"],
            "New follows": _metric(row, "follows"),
            "Replies": _metric(row, "comments"),
            "Reposts": _metric(row, "shares"),
            "Profile visits": d["profile"],
            "Detail Expands": d["expand"],
            "URL Clicks": _metric(row, "clicks"),
            "Hashtag Clicks": d["hashtag"],
            "Permalink Clicks": d["permalink"],
        }
        values["Engagements"] = sum(
            count_or_zero(v) for k, v in values.items() if k != "Impressions"
        )
        text = row.get("text")
        rows.append(
            [
                str(row["post_id"]),
                x_date(row["published_at"]),
                "" if text is None or pd.isna(text) else str(text),
                _permalink(row, handle, "x.com"),
                *[int_cell(values[c]) for c in _CONTENT_HEADER[4:]],
            ]
        )
    write_rows(out, _CONTENT_HEADER, rows)
    return apply_mess(out, resave=resave, mangle_ids=mangle_ids, id_columns=("Post id",), rng=rng)


def write_account_overview(
    table: pd.DataFrame,
    path,
    *,
    exported_at,
    language: str = "en",
    resave=None,
    mangle_ids: float = 0.0,
    rng=None,
    timezone: str = "Europe/Paris",
):
    """Write a followers table as the new X daily ``account_overview_analytics`` CSV.

    ``new_followers`` → ``New follows``, ``lost_followers`` → ``Unfollows``; the running
    ``followers`` total has no column (X does not export it). The other daily figures
    are taken from same-named snake_case columns of ``table`` when present
    (``impressions``, ``likes``, ``engagements``, ``bookmarks``, ``shares``,
    ``replies``, ``reposts``, ``profile_visits``, ``create_post``, ``video_views``,
    ``media_views``), else written as 0. ``mangle_ids`` has nothing to mangle. Each
    ``date`` (the UTC instant of a local midnight) is written as its calendar day in
    ``timezone`` (default ``"Europe/Paris"``).

    Returns
    -------
    pathlib.Path
        The file written.
    """
    table = check_posts(table, ("date",), layout="x_account_overview")
    exported = utc(exported_at)
    start, end = date_span(table["date"], exported)
    out = target_path(path, f"account_overview_analytics_{start:%Y-%m-%d}_{end:%Y-%m-%d}.csv")
    table["date"] = local_days(table["date"], timezone)
    table = table.sort_values("date", kind="stable")
    rows = []
    for _, row in table.iterrows():
        day = row["date"]
        cells = [f"{day:%a}, {day:%b} {day.day}, {day.year}"]
        for col in _OVERVIEW_HEADER[1:]:
            if col == "New follows":
                cells.append(int_cell(_metric(row, "new_followers")))
            elif col == "Unfollows":
                cells.append(int_cell(_metric(row, "lost_followers")))
            else:
                key = col.lower().replace(" ", "_")
                cells.append(int_cell(row[key]) if key in row.index else "0")
        rows.append(cells)
    write_rows(out, _OVERVIEW_HEADER, rows)
    return apply_mess(out, resave=resave, mangle_ids=0.0, rng=rng)


#: Layout name → writer, merged by :mod:`engagement_lib.simulate.exports`.
WRITERS = {
    "x_tweet_activity": write_tweet_activity,
    "x_account_analytics_content": write_account_analytics_content,
    "x_account_overview": write_account_overview,
}
