"""Readers of X (Twitter) analytics exports.

Three layouts (``shared/reference/export_formats.md`` §3); the writers that mirror
them live in :mod:`engagement_lib.simulate.exports.x`.

``x_tweet_activity`` — classic analytics.twitter.com export (about 2014-2023)
    ``tweet_activity_metrics_<handle>_<YYYYMMDD>_<YYYYMMDD>_<lang>.csv``: every field
    quoted, ``time`` = ``2015-09-30 18:42 +0000`` (UTC, read tz-aware), counts written
    as floats (``"424.0"``), ``engagement rate`` a ratio, a block of ``promoted …``
    columns holding ``"-"`` for Tweets that were not promoted. 2015 exports say
    ``favorites`` where later ones say ``likes``.
``x_account_analytics_content`` — X Premium post export (2024-)
    ``Post id, Date, Post text, Post Link, Impressions, Likes, Engagements, Bookmarks,
    Shares, New follows, Replies, Reposts, Profile visits, Detail Expands, URL Clicks,
    Hashtag Clicks, Permalink Clicks``. ``Date`` is a day only (``Tue, Jul 14,
    2026``): the exact UTC time is decoded from the snowflake post ID,
    ``ms = (id >> 22) + 1288834974657``.
``x_account_overview`` — X Premium daily account export → *followers* table
    ``New follows`` → ``new_followers``, ``Unfollows`` → ``lost_followers``; X gives no
    running follower total, so ``followers`` is <NA>. The other daily figures
    (impressions, likes…) are page-level and kept as ``extra:`` columns. The day
    printed in ``Date`` is kept as a UTC midnight.

Canonical mapping of the post layouts
-------------------------------------
==================  ==============================  =================================
canonical           classic (``x_tweet_activity``)  new (``…_content``)
==================  ==============================  =================================
``post_id``         ``Tweet id``                    ``Post id``
``permalink``       ``Tweet permalink``             ``Post Link``
``text``            ``Tweet text``                  ``Post text``
``published_at``    ``time`` (UTC)                  snowflake of the ID (UTC); else
                                                    ``Date`` at 00:00 UTC, precision
                                                    ``"day"``
``impressions``     ``impressions``                 ``Impressions``
``likes``           ``likes`` / ``favorites``       ``Likes``
``comments``        ``replies``                     ``Replies``
``shares``          ``retweets``                    ``Reposts``
``saves``           —                               ``Bookmarks``
``clicks``          ``url clicks``                  ``URL Clicks``
``follows``         ``follows``                     ``New follows``
``views``           ``media views``                 —
``is_paid``         any ``promoted …`` cell filled  — (<NA>)
==================  ==============================  =================================

* ``clicks`` are **link clicks** (``url clicks``): profile, hashtag, permalink and
  detail-expand clicks are not clicks on the content's link; they are kept as
  ``extra:`` columns. X's own ``Shares`` (share via DM / copy link) are kept as
  ``extra:shares``; canonical ``shares`` are reposts, the analogue of a Facebook
  share.
* ``reach`` is absent (X reports no unique reach): never 0. ``completions`` too.
* Classic promoted Tweets: each canonical metric is the organic value plus the
  ``promoted`` one (``"-"`` counts as not promoted); both raw columns are kept as
  ``extra:``.
* ``media_type`` is <NA>: neither export types its posts (cleaning falls back on
  the permalink, see :mod:`engagement_lib._media_types`).
* ``account`` is the handle in ``…/<handle>/status/<id>`` (an export holds one
  account's posts; the caller's ``account=`` and the folder still win in cleaning).
* Classic ``Tweet text`` is HTML-escaped as the Twitter API wrote it (real exports
  say ``&amp;``, ``&lt;``, ``&gt;``): it is unescaped.
* An ID mangled by Excel (``6.49293E+17``) is re-taken from the permalink's
  ``/status/<id>``; if that fails, the ID is <NA> and flagged in ``issues``.
* French-UI headers were never observed; a few plausible French labels are
  accepted (marked *guess* below) but no file proves them.
"""

from __future__ import annotations

import html
import re

import numpy as np
import pandas as pd

from ._registry import Layout, Table, register
from ._social_common import (
    PRECISION,
    X_EPOCH_MS,
    counts,
    day_labels,
    keep_raw,
    link_handles,
    recover_ids,
    snowflake_times,
)

__all__ = ["CLASSIC_COLUMNS", "CONTENT_COLUMNS", "OVERVIEW_COLUMNS", "decode_snowflake"]

_STATUS = re.compile(r"/status(?:es)?/(\d+)")
#: ``https://twitter.com/<handle>/status/<id>`` (``/i/web/status/<id>`` names no one)
_HANDLE = re.compile(r"(?:twitter|x)\.com/([A-Za-z0-9_]{1,15})/status", re.I)

_CLASSIC_METRICS = {
    # canonical field: classic header variants
    "impressions": ["impressions"],
    "likes": ["likes", "favorites"],
    "comments": ["replies"],
    "shares": ["retweets"],
    "clicks": ["url clicks"],
    "follows": ["follows"],
    "views": ["media views"],
}

#: Field → header variants of the classic Tweet activity export.
CLASSIC_COLUMNS = {
    "post_id": ["Tweet id"],
    "permalink": ["Tweet permalink"],
    "text": ["Tweet text"],
    "published_at": ["time"],
    "engagement_rate": ["engagement rate"],
    "engagements": ["engagements"],
    **_CLASSIC_METRICS,
    **{f"promoted_{k}": [f"promoted {v}" for v in vs] for k, vs in _CLASSIC_METRICS.items()},
    "promoted_engagements": ["promoted engagements"],
}

#: Field → header variants of ``account_analytics_content_….csv`` (French: guesses).
CONTENT_COLUMNS = {
    "post_id": ["Post id", "Post ID", "Identifiant du post", "ID du post"],
    "published_at": ["Date"],
    "text": ["Post text", "Texte du post"],
    "permalink": ["Post Link", "Lien du post"],
    "impressions": ["Impressions"],
    "likes": ["Likes", "J'aime"],
    "saves": ["Bookmarks", "Signets"],
    "follows": ["New follows", "Nouveaux abonnements"],
    "comments": ["Replies", "Réponses"],
    "shares": ["Reposts"],
    "clicks": ["URL Clicks", "Clics sur l'URL", "Clics sur le lien"],
}

#: Field → header variants of ``account_overview_analytics….csv`` (French: guesses).
OVERVIEW_COLUMNS = {
    "date": ["Date"],
    "new_followers": ["New follows", "Nouveaux abonnements"],
    "lost_followers": ["Unfollows", "Désabonnements"],
    "impressions": ["Impressions"],
    "create_post": ["Create Post", "Créer un post"],
}


def decode_snowflake(post_id) -> pd.Timestamp | None:
    """UTC creation time of an X post from its snowflake ID (None if not a snowflake).

    ``ms = (id >> 22) + 1288834974657`` (Twitter's epoch, 2010-11-04).

    Examples
    --------
    >>> decode_snowflake("649293177409679360")
    Timestamp('2015-09-30 18:42:46.749000+0000', tz='UTC')
    """
    t = snowflake_times(pd.Series([str(post_id)]), epoch_ms=X_EPOCH_MS).iat[0]
    return None if pd.isna(t) else t


def _precision(n: int, value: str = "exact") -> pd.Series:
    return pd.Series([value] * n, dtype="str")


def _parse_classic(table: Table):
    ids, _ = recover_ids(table, "post_id", "permalink", _STATUS)
    n = len(ids)
    links = table.texts("permalink")
    text = table.texts("text")
    rows = pd.DataFrame(
        {
            "post_id": ids,
            "published_at": table.dates("published_at", column="time"),
            "media_type": pd.Series([pd.NA] * n, dtype="str"),
            "text": text.map(html.unescape, na_action="ignore").astype("str"),
            "permalink": links,
            "account": link_handles(links, _HANDLE, not_handles=("i",)),
        }
    )
    if not getattr(table, "tz_aware", False) and rows["published_at"].notna().any():
        table.warn("time: no UTC offset found; times read as local wall-clock time")
    has_promoted = any(table.has(f"promoted_{k}") for k in _CLASSIC_METRICS)
    paid = np.zeros(n, dtype=bool)
    for canon in _CLASSIC_METRICS:
        organic = counts(table, canon)
        if table.has(f"promoted_{canon}"):
            promoted = counts(table, f"promoted_{canon}")
            paid |= promoted.notna().to_numpy()
            # unknown organic value → unknown total (never the promoted part alone)
            rows[canon] = (organic + promoted.fillna(0)).astype("Int64")
        elif table.has(canon):
            rows[canon] = organic
    if has_promoted:
        if table.has("promoted_engagements"):
            paid |= counts(table, "promoted_engagements").notna().to_numpy()
        rows["is_paid"] = pd.array(paid, dtype="boolean")
    else:
        rows["is_paid"] = pd.array([pd.NA] * n, dtype="boolean")
    rows[PRECISION] = _precision(n)
    rows = keep_raw(
        table,
        rows,
        [f for f in CLASSIC_COLUMNS if f not in ("post_id", "permalink", "text", "published_at")],
    )
    if table.has("likes"):
        era_header = table.normalized[table.fields["likes"][0]]
        if era_header == "favorites":
            table.warn("2015-era export: 'favorites' read as likes")
    return table.result(rows, timezone="UTC", metric_era="impressions")


def _parse_content(table: Table):
    ids, _ = recover_ids(table, "post_id", "permalink", _STATUS)
    n = len(ids)
    day = table.dates("published_at", column="Date")
    if getattr(table, "tz_aware", False):
        day = day.dt.tz_convert("UTC").dt.tz_localize(None)
    day = day.astype("datetime64[us]").dt.normalize()
    exact = snowflake_times(ids, epoch_ms=X_EPOCH_MS)
    exact_day = exact.dt.tz_localize(None).dt.normalize()
    gap = (exact_day - day).abs()
    disagree = exact.notna() & day.notna() & (gap > pd.Timedelta(days=1))
    if disagree.any():
        table.issue(
            disagree.to_numpy(),
            "Post id",
            ids,
            "the time encoded in the post id is more than a day away from 'Date'",
        )
    use_exact = exact.notna() & ~disagree
    fallback = day.dt.tz_localize("UTC")
    published = exact.where(use_exact, fallback)
    if (~use_exact & day.notna()).any():
        table.warn(
            f"{int((~use_exact & day.notna()).sum())} post(s) without a snowflake post id: "
            "only the day of publication is known (time set to 00:00 UTC)"
        )
    rows = pd.DataFrame(
        {
            "post_id": ids,
            "published_at": published.astype("datetime64[us, UTC]"),
            "media_type": pd.Series([pd.NA] * n, dtype="str"),
            "text": table.texts("text"),
            "permalink": table.texts("permalink"),
            "is_paid": pd.array([pd.NA] * n, dtype="boolean"),
        }
    )
    rows["account"] = link_handles(rows["permalink"], _HANDLE, not_handles=("i",))
    for canon in ("impressions", "likes", "comments", "shares", "saves", "clicks", "follows"):
        if table.has(canon):
            rows[canon] = counts(table, canon)
    rows[PRECISION] = pd.Series(np.where(use_exact, "exact", "day"), dtype="str")
    return table.result(rows, timezone="UTC", metric_era="impressions")


def _parse_overview(table: Table):
    day = table.dates("date", column="Date")
    if getattr(table, "tz_aware", False):
        day = day.dt.tz_convert("UTC").dt.tz_localize(None)
    rows = pd.DataFrame(
        {
            "date": day_labels(day),
            "followers": pd.array([pd.NA] * len(day), dtype="Int64"),
            "new_followers": counts(table, "new_followers"),
            "lost_followers": counts(table, "lost_followers"),
        }
    )
    rows = keep_raw(table, rows, ["impressions", "create_post"])
    # calendar days as printed, stored as UTC midnights (see _social_common.day_labels)
    return table.result(rows, table="followers", timezone="UTC")


register(
    Layout(
        name="x_tweet_activity",
        network="x",
        table="posts",
        kind="csv",
        columns=CLASSIC_COLUMNS,
        signature=("post_id", "published_at", "impressions", "engagement_rate"),
        parse=_parse_classic,
        description="X/Twitter classic Tweet activity export (analytics.twitter.com)",
    )
)
register(
    Layout(
        name="x_account_analytics_content",
        network="x",
        table="posts",
        kind="csv",
        columns=CONTENT_COLUMNS,
        signature=("post_id", "published_at", "permalink", "impressions", "saves"),
        parse=_parse_content,
        description="X Premium account_analytics_content export (one row per post)",
    )
)
register(
    Layout(
        name="x_account_overview",
        network="x",
        table="followers",
        kind="csv",
        columns=OVERVIEW_COLUMNS,
        signature=("date", "new_followers", "lost_followers", "impressions"),
        exclude=(),
        parse=_parse_overview,
        description="X Premium account_overview_analytics export (one row per day)",
    )
)
