"""Reader of the TikTok Studio content export.

**Unverified layout.** TikTok documents that Studio analytics can be downloaded
(Overview, Content, Viewers, Followers tabs; up to 365 days at a time) but not the
file's format or headers. The columns below come only from hand-written fixtures of
other projects that agree with each other (``shared/reference/export_formats.md``
§6): treat this reader as a best guess until a real file is seen, and report a
mismatch. The writer that mirrors it is :mod:`engagement_lib.simulate.exports.tiktok`.

``tiktok_content`` — one row per video, CSV or XLSX
    ``Video title, Video link, Post time, Total likes, Total comments, Total shares,
    Total views, Average watch time, Watched full video, Add to favorites`` (also
    ``Total bookmarks``, ``Total play time``).

    * ``post_id``: the last path segment of ``Video link``
      (``https://www.tiktok.com/@handle/video/7234567890123456789`` → the digits);
      a ``Video ID`` column, when present, is used and re-taken from the link if
      Excel mangled it. No id → <NA> and an issue.
    * ``published_at``: ``Post time`` (``2026-08-02 19:05:00``), naive local time in
      the caller's ``timezone``.
    * Counts may be plain, with thousands separators (``"18,400"``) or abbreviated as
      in the app (``1.2K``, ``3.4M``): abbreviated values are read as what they say
      (1200) and a warning tells that they are rounded.
    * Mapping: ``Total likes`` → likes, ``Total comments`` → comments, ``Total
      shares`` → shares, ``Total views`` → views, ``Add to favorites`` / ``Total
      bookmarks`` → saves. No impressions, reach, clicks or follows: absent.
      ``Average watch time`` (seconds or ``0:12``) and ``Watched full video`` (a
      fraction or a percentage) are kept raw as ``extra:``; ``completions`` is not
      derived from the rate (it would be a rounded guess).
    * ``media_type`` is the raw label ``"video"`` (every TikTok post is a short
      video; cleaning maps it to ``reel``).

``exported_at``: workbook ``created`` property (XLSX), else the date range in the
file name, else None.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ._registry import Layout, Table, register
from ._social_common import (
    PRECISION,
    counts,
    exported_at_from_path,
    parse_dates,
    recover_ids,
    workbook_exported_at,
)

__all__ = ["CONTENT_COLUMNS"]

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
}

_VIDEO = re.compile(r"/video/(\d+)")
_ABBREVIATED = re.compile(r"^\s*[\d.,]+\s*[kKmMbB]\s*$")


def _parse(table: Table):
    links = table.texts("permalink")
    if table.has("post_id"):
        ids, _ = recover_ids(table, "post_id", "permalink", _VIDEO)
        from_link = links.map(
            lambda s: m.group(1) if isinstance(s, str) and (m := _VIDEO.search(s)) else None
        ).astype("str")
        ids = ids.where(ids.notna(), from_link)
    else:
        ids = links.map(
            lambda s: m.group(1) if isinstance(s, str) and (m := _VIDEO.search(s)) else None
        ).astype("str")
    missing = ids.isna().to_numpy()
    if missing.any():
        table.issue(missing, "post_id", links, "no video id ('/video/<digits>') in the link")
    n = len(ids)
    published, has_time = parse_dates(table, "published_at", "Post time")
    rows = pd.DataFrame(
        {
            "post_id": ids,
            "published_at": published,
            "media_type": pd.Series(["video"] * n, dtype="str"),
            "text": table.texts("text"),
            "permalink": links,
            "is_paid": pd.array([pd.NA] * n, dtype="boolean"),
        }
    )
    abbreviated = []
    for canon in ("views", "likes", "comments", "shares", "saves"):
        if not table.has(canon):
            continue
        raw = table.raw(canon)
        if raw.map(lambda v: isinstance(v, str) and bool(_ABBREVIATED.match(v))).any():
            abbreviated.append(table.header[table.fields[canon][0]])
        rows[canon] = counts(table, canon)
    if abbreviated:
        table.warn(
            "abbreviated counts (1.2K, 3.4M) in " + ", ".join(abbreviated)
            + ": TikTok rounded them, the values read are approximate"
        )
    rows[PRECISION] = pd.Series(np.where(has_time, "exact", "day"), dtype="str")
    exported = workbook_exported_at(table) or exported_at_from_path(table.path)
    return table.result(rows, layout="tiktok_content", timezone=table.timezone,
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
        description="TikTok Studio content export (unverified layout), CSV",
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
        description="TikTok Studio content export (unverified layout), XLSX",
    )
)
