"""Writer of the TikTok Studio content export: mirror of :mod:`engagement_lib.readers.tiktok`.

**Unverified layout.** TikTok documents that analytics can be downloaded (Overview,
Content, Viewers, Followers; up to 365 days) but not the file's format; the columns
below come from hand-written fixtures of other projects only
(``shared/reference/export_formats.md`` §6):

``tiktok_content``
    ``Video title, Video link, Post time, Total likes, Total comments, Total shares,
    Total views, Average watch time, Watched full video, Add to favorites`` — one row
    per video, ``Post time`` as ``2026-08-02 19:05:00`` (local wall-clock time),
    ``Video link`` ``https://www.tiktok.com/@<handle>/video/<id>``. CSV (default) or
    XLSX (``fmt="xlsx"`` or a ``.xlsx`` path).

Canonical → TikTok: ``likes`` → Total likes, ``comments`` → Total comments,
``shares`` → Total shares, ``views`` → Total views, ``saves`` → Add to favorites.
``Watched full video`` is ``completions / views`` as a percentage (drawn from
``rng`` when ``completions`` is missing); ``Average watch time`` is drawn.
Impressions, reach, clicks and follows have no column.

``numbers`` chooses how counts are printed: ``"thousands"`` (``18,400``, default),
``"plain"`` or ``"abbreviated"`` (``18.4K``, ``1.2M``: TikTok's display rounding, so
values come back rounded to the abbreviation). The file name
``tiktok_content_<YYYY-MM-DD>_<YYYY-MM-DD>.<ext>`` is this project's choice (the real
one is unknown). Labels are English whatever ``language`` (no French sample).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from openpyxl import Workbook

from ._social_common import apply_mess, check_posts, date_span, target_path, utc, write_rows

__all__ = ["WRITERS", "write_content", "HEADER", "abbreviate"]

HEADER = [
    "Video title",
    "Video link",
    "Post time",
    "Total likes",
    "Total comments",
    "Total shares",
    "Total views",
    "Average watch time",
    "Watched full video",
    "Add to favorites",
]


def abbreviate(n: int) -> str:
    """TikTok's display of a count: ``999``, ``1.2K``, ``18.4K``, ``1.2M`` (one decimal)."""
    n = int(n)
    for div, suffix in ((1_000_000_000, "B"), (1_000_000, "M"), (1_000, "K")):
        if abs(n) >= div:
            text = f"{n / div:.1f}".rstrip("0").rstrip(".")
            return f"{text}{suffix}"
    return str(n)


def _count(value, numbers: str):
    if value is None or pd.isna(value):
        return ""
    n = int(value)
    if numbers == "plain":
        return str(n)
    if numbers == "thousands":
        return f"{n:,}"
    if numbers == "abbreviated":
        return abbreviate(n)
    raise ValueError(f"numbers must be 'plain', 'thousands' or 'abbreviated', got {numbers!r}")


def _handle(table: pd.DataFrame) -> str:
    if "account" in table.columns and table["account"].notna().any():
        return str(table["account"].dropna().iloc[0]).lstrip("@").strip() or "account"
    return "account"


def write_content(
    table: pd.DataFrame,
    path,
    *,
    exported_at,
    language: str = "en",
    resave=None,
    mangle_ids: float = 0.0,
    rng=None,
    fmt: str | None = None,
    numbers: str = "thousands",
    timezone: str = "Europe/Paris",
):
    """Write a posts table as a TikTok Studio content export.

    Parameters
    ----------
    table : pandas.DataFrame
        Canonical posts of one TikTok account (``post_id`` = numeric video id).
    path : str or pathlib.Path
        File, or folder (then ``tiktok_content_<start>_<end>.<ext>`` inside).
    exported_at : timestamp-like
        End of the date range in the file name.
    language, mangle_ids : no effect (English labels; the id lives in the link only).
    resave : str or None
        French-Excel re-save of a CSV (see ``_mess``); ignored for XLSX.
    rng : numpy.random.Generator or int, optional
        Draws the average watch time (and the full-watch rate without completions).
    fmt : {"csv", "xlsx"} or None
        File kind; None = from the path suffix, CSV by default.
    numbers : {"thousands", "plain", "abbreviated"}
        How counts are printed (see the module docstring).
    timezone : str, default "Europe/Paris"
        Zone of the wall-clock ``Post time`` written.

    Returns
    -------
    pathlib.Path
    """
    from pathlib import Path

    table = check_posts(table, ("post_id", "published_at"), layout="tiktok_content")
    rng = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng or 0)
    _count(0, numbers)  # validate early
    exported = utc(exported_at)
    if fmt is None:
        fmt = "xlsx" if Path(path).suffix.lower() == ".xlsx" else "csv"
    if fmt not in ("csv", "xlsx"):
        raise ValueError(f"fmt must be 'csv' or 'xlsx', got {fmt!r}")
    start, end = date_span(table["published_at"], exported)
    out = target_path(path, f"tiktok_content_{start:%Y-%m-%d}_{end:%Y-%m-%d}.{fmt}")
    handle = _handle(table)
    table["published_at"] = pd.to_datetime(table["published_at"], utc=True)
    table = table.sort_values("published_at", ascending=False, kind="stable")
    n = len(table)
    watch = np.round(rng.gamma(2.0, 4.0, size=n), 1)
    views = pd.to_numeric(table.get("views"), errors="coerce").to_numpy(float)
    comp = (
        pd.to_numeric(table["completions"], errors="coerce").to_numpy(float)
        if "completions" in table.columns
        else np.full(n, np.nan)
    )
    full = np.where(
        np.isnan(comp), rng.uniform(0.02, 0.4, size=n), comp / np.where(views > 0, views, 1)
    )
    rows = []
    for i, (_, row) in enumerate(table.iterrows()):
        link = row.get("permalink")
        if not isinstance(link, str) or not link:
            link = f"https://www.tiktok.com/@{handle}/video/{row['post_id']}"
        local = row["published_at"].tz_convert(timezone).tz_localize(None)
        text = row.get("text")
        rows.append(
            [
                "" if text is None or pd.isna(text) else str(text),
                link,
                f"{local:%Y-%m-%d %H:%M:%S}",
                _count(row.get("likes"), numbers),
                _count(row.get("comments"), numbers),
                _count(row.get("shares"), numbers),
                _count(row.get("views"), numbers),
                f"{watch[i]:.1f}",
                f"{100 * full[i]:.2f}%",
                _count(row.get("saves"), numbers),
            ]
        )
    if fmt == "csv":
        write_rows(out, HEADER, rows)
        return apply_mess(out, resave=resave, mangle_ids=0.0, rng=rng)
    wb = Workbook()
    ws = wb.active
    ws.title = "Content"
    ws.append(HEADER)
    counts = {3, 4, 5, 6, 9}  # positions of the count columns in HEADER
    for r in rows:
        # counts as numeric cells unless TikTok's abbreviations are asked for
        ws.append([
            int(c.replace(",", "")) if j in counts and c and numbers != "abbreviated" else c
            for j, c in enumerate(r)
        ])
    wb.properties.created = exported.tz_localize(None).to_pydatetime()
    wb.save(out)
    return out


#: Layout name → writer, merged by :mod:`engagement_lib.simulate.exports`.
WRITERS = {"tiktok_content": write_content}
