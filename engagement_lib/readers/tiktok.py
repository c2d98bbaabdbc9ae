"""Readers of the TikTok Studio analytics exports.

TikTok documents that Studio analytics can be downloaded (Overview, Content,
Viewers, Followers tabs; up to 365 days at a time) but not the files' format.
What is below was checked against real downloads quoted in public code (a
Russian-language ``Content.csv``; ``FollowerHistory.csv``, ``Viewers.csv``,
``FollowerGender.csv``, ``FollowerTopTerritories.csv`` of a Philippine shop;
Vietnamese, Japanese and Brazilian samples in other projects' tests): every cell
quoted, dates printed in the interface language **without a year** (``10
января``, ``August 19``, ``28 August``, ``18 tháng Tám``, ``9月6日``), a missing
value written ``undefined``. The writers that mirror the content and follower
layouts are in :mod:`engagement_lib.simulate.exports.tiktok` (``write_content``,
``style="studio"`` by default, and ``write_follower_history``).

``tiktok_content`` — ``Content.csv``, one row per video, CSV or XLSX
    Real header: ``Time, Video title, Video link, Post time, Total likes, Total
    comments, Total shares, Total views`` (``Time`` is the download day). Other
    projects' fixtures also show ``Average watch time, Watched full video, Add to
    favorites`` (also ``Total bookmarks``, ``Total play time``).

    * ``post_id``: the last path segment of ``Video link``
      (``https://www.tiktok.com/@handle/video/7234567890123456789`` → the digits;
      ``/photo/<id>`` for photo posts); a ``Video ID`` column, when present, is used
      and re-taken from the link if Excel mangled it. No id → <NA> and an issue.
    * ``published_at``: a ``Post time`` with a year (``2026-08-02 19:05:00``) is
      naive local time in the caller's ``timezone``. A year-less ``Post time``
      (the real files) cannot be placed in a year, so the time is decoded from the
      video ID instead — its top 32 bits are the Unix second of creation
      (:func:`~engagement_lib.readers._social_common.tiktok_times`) — giving the
      exact UTC time (precision ``"exact"``, ``timezone="UTC"``). The day and
      month printed must agree with it within a day (the Studio user's zone),
      otherwise the row gets an issue.
    * ``exported_at``: workbook ``created`` property (XLSX); else, for year-less
      files, the ``Time`` day placed on or after the newest video; else the date
      range in the file name; else None.
    * Counts may be plain, with thousands separators (``"18,400"``) or abbreviated as
      in the app (``1.2K``, ``3.4M``): abbreviated values are read as what they say
      (1200) and a warning tells that they are rounded.
    * Mapping: ``Total likes`` → likes, ``Total comments`` → comments, ``Total
      shares`` → shares, ``Total views`` → views, ``Add to favorites`` / ``Total
      bookmarks`` → saves. No impressions, reach, clicks or follows: absent.
      ``Average watch time`` (seconds or ``0:12``) and ``Watched full video`` (a
      fraction or a percentage) are kept raw as ``extra:``; ``completions`` is not
      derived from the rate (it would be a rounded guess).
    * ``media_type`` is the raw label ``"video"`` (cleaning maps it to ``reel``),
      ``"carousel"`` for a ``/photo/`` link (a photo-mode post).
    * ``account`` is the ``@handle`` of the link (the caller's ``account=`` and the
      folder still win in cleaning).

``tiktok_follower_history`` — ``FollowerHistory.csv`` → followers
    ``Date, Followers, Difference in followers from previous day``: ``Followers`` is
    the running total; the difference is a *net* change (gains minus losses), kept
    as ``extra:``, so ``new_followers``/``lost_followers`` are <NA>.
``tiktok_overview`` / ``tiktok_viewers`` — ``Overview.csv`` (``Date, Video Views,
Profile Views, Likes, Comments, Shares``) and ``Viewers.csv`` (``Date, Total
Viewers, New Viewers, Returning Viewers``) → long ``page_metrics`` rows (``date``,
``metric``, ``value``), like Meta's daily series.
    Year-less days are placed with a date found in the file or folder name (the
    zip TikTok names ``Followers_2025-08-28_<n>_<handle>.zip``, window start or end
    both work; else an epoch in milliseconds, ``…_1777023477746.csv``): the first day is the latest on or before that date, the next ones
    follow it (rolling into January). Without such a date the rows get an issue
    (the year cannot be known). ``undefined`` cells are missing values. Days are
    kept as UTC midnights, like the other daily tables.

``FollowerGender.csv`` / ``FollowerTopTerritories.csv`` (``Gender,Distribution``,
``Top territories,Distribution``, fractions) have the very headers of Meta's
demographic files and are read by ``meta_audience``: put them under a ``tiktok``
folder (``<collectivite>/tiktok/...``) so that cleaning gives them the right network.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from . import _sniff
from ._registry import Layout, Table, register
from ._social_common import (
    PRECISION,
    anchored_days,
    counts,
    exported_at_from_path,
    link_handles,
    month_day,
    name_day,
    parse_dates,
    recover_ids,
    tiktok_times,
    workbook_exported_at,
)

__all__ = ["CONTENT_COLUMNS", "FOLLOWER_HISTORY_COLUMNS", "OVERVIEW_COLUMNS",
           "VIEWERS_COLUMNS"]

#: Field → header variants (French variants: guesses; no French sample was found).
CONTENT_COLUMNS = {
    "text": ["Video title", "Title", "Titre de la vidéo", "Titre"],
    "permalink": ["Video link", "Link", "Lien de la vidéo", "Lien"],
    "post_id": ["Video ID", "ID de la vidéo"],
    "published_at": ["Post time", "Posted on", "Date posted", "Heure de publication",
                     "Date de publication"],
    "likes": ["Total likes", "Likes", "J'aime"],
    "comments": ["Total comments", "Comments", "Commentaires"],
    "shares": ["Total shares", "Shares", "Partages"],
    "views": ["Total views", "Video views", "Views", "Vues"],
    "saves": ["Add to favorites", "Total bookmarks", "Favorites", "Ajouts aux favoris",
              "Favoris"],
    "avg_watch": ["Average watch time", "Temps de visionnage moyen", "Durée moyenne de visionnage"],
    "full_watch": ["Watched full video", "Vidéo regardée en entier", "Vues complètes (%)"],
    "export_day": ["Time"],
}

_VIDEO = re.compile(r"/(?:video|photo)/(\d+)")
_PHOTO = re.compile(r"/photo/\d+")
_HANDLE = re.compile(r"tiktok\.com/@([\w.]+)")
_ABBREVIATED = re.compile(r"^\s*[\d.,]+\s*[kKmMbB]\s*$")


def _video_ids(table: Table, links: pd.Series) -> pd.Series:
    def from_links():
        return links.map(
            lambda s: m.group(1) if isinstance(s, str) and (m := _VIDEO.search(s)) else None
        ).astype("str")

    if table.has("post_id"):
        ids, _ = recover_ids(table, "post_id", "permalink", _VIDEO)
        return ids.where(ids.notna(), from_links())
    return from_links()


def _days_apart(parts, local_days: pd.Series) -> np.ndarray:
    """Per row: is the printed (month, day[, year]) more than a day from ``local_days``?"""
    out = np.zeros(len(local_days), dtype=bool)
    for i, (part, day) in enumerate(zip(parts, local_days, strict=True)):
        if part is None or pd.isna(day):
            continue
        month, dd, year = part
        gaps = []
        for y in ([year] if year else [day.year - 1, day.year, day.year + 1]):
            try:
                gaps.append(abs((pd.Timestamp(year=y, month=month, day=dd) - day).days))
            except ValueError:
                continue
        out[i] = bool(gaps) and min(gaps) > 1
    return out


def _published_from_ids(table: Table, ids, raw, values, unread, blank):
    """Year-less ``Post time``: UTC times from the video IDs, checked against the day."""
    id_time = tiktok_times(ids).reset_index(drop=True)
    parts = raw.map(month_day).tolist()
    local_day = id_time.dt.tz_convert(table.timezone).dt.tz_localize(None).dt.normalize()
    disagree = _days_apart(parts, local_day) & id_time.notna().to_numpy()
    table.issue(disagree, "Post time", raw, "the time encoded in the video id is more than a "
                "day away from 'Post time'")
    # a row with a full Post time but no usable id keeps its wall-clock time
    fallback = values.dt.tz_localize(table.timezone, ambiguous="NaT",
                                     nonexistent="shift_forward").dt.tz_convert("UTC")
    published = id_time.where(id_time.notna(), fallback).where(~disagree)
    lost = (published.isna() & ~disagree).to_numpy()
    table.issue(lost & ~blank, "Post time", raw,
                "no year in 'Post time' and no time in the video id")
    table.issue(lost & blank, "Post time", raw, "no 'Post time' and no time in the video id")
    example = next((v for v, u in zip(raw, unread, strict=True) if u), None)
    table.warn(f"'Post time' has no year (e.g. {example!r}): publication times decoded from "
               "the video ids (UTC, to the second)")
    table.tz_aware = True
    return published.astype("datetime64[us, UTC]"), id_time


def _export_day(table: Table, id_time: pd.Series) -> pd.Timestamp | None:
    """The download day (``Time``, year-less) placed on or after the newest video."""
    raw = table.raw("export_day")
    if raw is None or not id_time.notna().any():
        return None
    parts = [p for p in raw.map(month_day) if p is not None]
    if not parts or len(set(parts)) != 1:
        return None
    newest = id_time.max().tz_convert(table.timezone).tz_localize(None).normalize()
    month, day, year = parts[0]
    start = newest - pd.Timedelta(days=1)
    for y in ([year] if year else [start.year, start.year + 1]):
        try:
            d = pd.Timestamp(year=y, month=month, day=day)
        except ValueError:
            continue
        if d >= start:
            return d.tz_localize("UTC")
    return None


def _parse(table: Table):
    links = table.texts("permalink")
    ids = _video_ids(table, links)
    missing = ids.isna().to_numpy()
    if missing.any():
        table.issue(missing, "post_id", links, "no video id ('/video/<digits>') in the link")
    n = len(ids)
    values, has_time, unread = parse_dates(table, "published_at", "Post time", quiet=True)
    raw = table.raw("published_at")
    blank = np.zeros(n, dtype=bool) if raw is None else \
        raw.map(_sniff.is_blank).to_numpy(dtype=bool)
    id_time = None
    if unread.any() and tiktok_times(ids[unread]).notna().any():
        published, id_time = _published_from_ids(table, ids, raw, values, unread, blank)
        precision = np.where(published.notna(), "exact", "day")
    else:
        table.issue(unread, "Post time", raw, "not a date/time")
        published = values
        precision = np.where(has_time, "exact", "day")
    media = np.where(links.str.contains(_PHOTO).fillna(False).to_numpy(dtype=bool),
                     "carousel", "video")
    rows = pd.DataFrame(
        {
            "post_id": ids,
            "published_at": published,
            "media_type": pd.Series(media, dtype="str"),
            "text": table.texts("text"),
            "permalink": links,
            "account": link_handles(links, _HANDLE),
            "is_paid": pd.array([pd.NA] * n, dtype="boolean"),
        }
    )
    abbreviated = []
    for canon in ("views", "likes", "comments", "shares", "saves"):
        if not table.has(canon):
            continue
        raw_counts = table.raw(canon)
        if raw_counts.map(lambda v: isinstance(v, str) and bool(_ABBREVIATED.match(v))).any():
            abbreviated.append(table.header[table.fields[canon][0]])
        rows[canon] = counts(table, canon)
    if abbreviated:
        table.warn(
            "abbreviated counts (1.2K, 3.4M) in " + ", ".join(abbreviated)
            + ": TikTok rounded them, the values read are approximate"
        )
    rows[PRECISION] = pd.Series(precision, dtype="str")
    exported = workbook_exported_at(table) or (
        _export_day(table, id_time) if id_time is not None else None
    ) or exported_at_from_path(table.path)
    return table.result(rows, layout="tiktok_content",
                        timezone="UTC" if id_time is not None else table.timezone,
                        exported_at=exported, metric_era="views")


_SIGNATURE = ("permalink", "published_at", "views", ("likes", "shares", "saves"))

register(
    Layout(
        name="tiktok_content",
        network="tiktok",
        table="posts",
        kind="csv",
        columns=CONTENT_COLUMNS,
        signature=_SIGNATURE,
        parse=_parse,
        description="TikTok Studio content export (Content.csv; layout checked on real downloads), CSV",
    )
)
register(
    Layout(
        name="tiktok_content_xlsx",
        network="tiktok",
        table="posts",
        kind="xlsx",
        columns=CONTENT_COLUMNS,
        signature=_SIGNATURE,
        parse=_parse,
        description="TikTok Studio content export, XLSX (no real XLSX sample seen)",
    )
)


# ---------------------------------------------------------------------------
# Daily files of the Overview, Viewers and Followers tabs
# ---------------------------------------------------------------------------

#: Field → header of ``FollowerHistory.csv``.
FOLLOWER_HISTORY_COLUMNS = {
    "date": ["Date"],
    "followers": ["Followers", "Followers totaux", "Abonnés"],
    "difference": ["Difference in followers from previous day",
                   "Différence de followers par rapport à la veille"],
}
#: Field → header of ``Overview.csv``.
OVERVIEW_COLUMNS = {
    "date": ["Date"],
    "video_views": ["Video Views", "Vues de vidéos"],
    "profile_views": ["Profile Views", "Vues du profil"],
    "likes": ["Likes", "J'aime"],
    "comments": ["Comments", "Commentaires"],
    "shares": ["Shares", "Partages"],
}
#: Field → header of ``Viewers.csv``.
VIEWERS_COLUMNS = {
    "date": ["Date"],
    "total_viewers": ["Total Viewers", "Spectateurs totaux"],
    "new_viewers": ["New Viewers", "Nouveaux spectateurs"],
    "returning_viewers": ["Returning Viewers", "Spectateurs récurrents"],
}

_UNDEFINED = frozenset({"undefined", "null", "nan"})


def _daily_days(table: Table) -> pd.Series:
    """Calendar days (UTC midnight) of a daily TikTok file; year-less ones anchored."""
    values, _, unread = parse_dates(table, "date", "Date", quiet=True)
    raw = table.raw("date")
    days = values.dt.normalize()
    if unread.any():
        anchor = name_day(table.path)
        if anchor is None:  # an epoch in milliseconds (…_1777023477746.csv), UTC
            stamp = exported_at_from_path(table.path)
            anchor = None if stamp is None else stamp.tz_localize(None)
        parts = [month_day(v) if u else None for v, u in zip(raw, unread, strict=True)]
        if anchor is None:
            table.issue(unread, "Date", raw, "the date has no year and neither the file nor "
                        "its folder names a date to place it (e.g. "
                        "FollowerHistory_2026-03-31.csv)")
        else:
            placed = anchored_days(parts, anchor)
            got = pd.Series([pd.NaT if d is None else d for d in placed],
                            dtype="datetime64[us]")
            days = days.where(~pd.Series(unread), got)
            still = unread & got.isna().to_numpy()
            table.issue(still, "Date", raw, "not a date")
            table.warn(f"dates without a year placed from the date in the file or folder name "
                       f"({anchor:%Y-%m-%d})")
    return days.astype("datetime64[us]").dt.tz_localize("UTC")


def _daily_counts(table: Table, field: str) -> pd.Series:
    raw = table.raw(field)
    header = table.header[table.fields[field][0]]
    undefined = raw.map(lambda v: isinstance(v, str) and v.strip().lower() in _UNDEFINED)
    cleaned = raw.where(~undefined, None)
    vals, bad = _sniff.to_integers(cleaned, decimal=None)
    table.issue(bad.to_numpy(), header, raw, "not a whole number")
    return vals.reset_index(drop=True)


def _parse_follower_history(table: Table):
    days = _daily_days(table)
    n = len(days)
    rows = pd.DataFrame({
        "date": days,
        "followers": _daily_counts(table, "followers"),
        "new_followers": pd.array([pd.NA] * n, dtype="Int64"),
        "lost_followers": pd.array([pd.NA] * n, dtype="Int64"),
    })
    return table.result(rows, table="followers", timezone="UTC",
                        exported_at=exported_at_from_path(table.path))


def _parse_page_metrics(table: Table, fields):
    days = _daily_days(table)
    parts = []
    for f in fields:
        if not table.has(f):
            continue
        parts.append(pd.DataFrame({"source_row": table.source_rows, "date": days,
                                   "metric": table.header[table.fields[f][0]],
                                   "value": _daily_counts(table, f)}))
    rows = pd.concat(parts, ignore_index=True)
    return table.result(rows, table="page_metrics", timezone="UTC", extras=False,
                        exported_at=exported_at_from_path(table.path))


register(
    Layout(
        name="tiktok_follower_history",
        network="tiktok",
        table="followers",
        kind="csv",
        columns=FOLLOWER_HISTORY_COLUMNS,
        signature=("date", "followers", "difference"),
        parse=_parse_follower_history,
        description="TikTok Studio FollowerHistory.csv (followers per day)",
    )
)
register(
    Layout(
        name="tiktok_overview",
        network="tiktok",
        table="page_metrics",
        kind="csv",
        columns=OVERVIEW_COLUMNS,
        signature=("date", "video_views", "profile_views"),
        parse=lambda t: _parse_page_metrics(t, [f for f in OVERVIEW_COLUMNS if f != "date"]),
        description="TikTok Studio Overview.csv (account totals per day)",
    )
)
register(
    Layout(
        name="tiktok_viewers",
        network="tiktok",
        table="page_metrics",
        kind="csv",
        columns=VIEWERS_COLUMNS,
        signature=("date", "total_viewers", ("new_viewers", "returning_viewers")),
        parse=lambda t: _parse_page_metrics(t, [f for f in VIEWERS_COLUMNS if f != "date"]),
        description="TikTok Studio Viewers.csv (viewers per day)",
    )
)
