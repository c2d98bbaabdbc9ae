"""Writers of the TikTok Studio analytics downloads: mirror of :mod:`engagement_lib.readers.tiktok`.

Two content layouts can be written (``style=``) plus the daily follower history.

``style="studio"`` (default) — **the real layout, checked against real downloads**
    The header, the cell formats and the file naming below were checked against
    real TikTok Studio downloads quoted in public repositories (``Content.csv``
    files with Russian, English, Japanese and Vietnamese interface dates, the
    daily ``FollowerHistory.csv``/``Overview.csv``/``Viewers.csv`` files and the
    names of the zips they came in, with one project's notes written from its
    own exports). No third-party data is copied here.

    ``Content.csv``: ``Time, Video title, Video link, Post time, Total likes,
    Total comments, Total shares, Total views`` — the header is English whatever
    the interface language; one row per video; every cell quoted; UTF-8 with a
    byte-order mark; no newline after the last row. ``Time`` is the download day
    (the same on every row) and ``Post time`` the day of publication, both
    printed **without a year** in the interface language (``language="en"``:
    ``August 19``; ``"fr"``: ``19 août``) in the Studio user's time zone
    (``timezone``). Counts are plain integers (``28590``). ``Video link`` is
    ``https://www.tiktok.com/@<handle>/video/<id>``; the exact publication time
    lives only in the video id (top 32 bits = Unix second), which is how the
    reader recovers it. Rows are ordered by views, most viewed first (real files
    are roughly so; they follow neither date nor engagement).

    The French month forms (``19 août``, ``1 août``: the browser's ``fr`` date
    format) are inferred — no French download was found; the English, Russian,
    Vietnamese and Japanese ones were seen. Saves, completions and watch time
    are not in the real file: they are not written.

    **Where the file goes.** Studio downloads one zip per tab, named
    ``<Tab>_<YYYY-MM-DD>_<unix seconds>_<handle>.zip`` — the date is the *first
    day of the window* (not the download day); the number is a Unix time in
    seconds near the download (the writer puts ``exported_at``; the reader does
    not use it) — holding ``Content.csv`` (``Followers_…zip`` holds
    ``FollowerHistory.csv``). Given a folder, the writer creates that zip, with
    the window starting on the day of the oldest video (the plan's period is not
    known to a writer). The reader dates the content file from its ``Time``
    column (placed on or after the newest video, whose time the id gives) and
    the daily files from the date in the zip name. ``container="folder"`` writes
    the extracted form instead (``Content_<…>_<handle>/Content.csv``), which is
    also what a re-save (``resave=``) implies: Excel cannot save into a zip, so
    the file was extracted first. A path ending in ``.zip`` or ``.csv`` is used
    as given.

``style="fixture"`` — the earlier, **unverified** layout of other projects' hand-written fixtures
    ``Video title, Video link, Post time, Total likes, Total comments, Total
    shares, Total views, Average watch time, Watched full video, Add to
    favorites`` with ``Post time`` as ``2026-08-02 19:05:00`` (local wall-clock
    time), counts printed per ``numbers`` (``"thousands"``: ``18,400``, default;
    ``"plain"``; ``"abbreviated"``: ``18.4K``, TikTok's display rounding, so values
    come back rounded), CSV or XLSX (``fmt``), file
    ``tiktok_content_<YYYY-MM-DD>_<YYYY-MM-DD>.<ext>`` (this project's choice).
    ``Add to favorites`` ← saves; ``Watched full video`` = ``completions / views``
    as a percentage (drawn from ``rng`` when completions are missing);
    ``Average watch time`` is drawn. Kept so that the reader's tolerance of these
    variants stays tested; the bundled datasets use the real layout.

``tiktok_follower_history`` — ``FollowerHistory.csv`` (real layout)
    ``Date, Followers, Difference in followers from previous day``: ``Date``
    year-less in the interface language, ``Followers`` the running total
    (``undefined`` when unknown), and the difference — despite its name — the
    change to the *next* day (``followers[d+1] − followers[d]``, ``0`` on the last
    row), as the real files show. Written inside
    ``Followers_<first day>_<unix seconds>_<account>.zip`` (the real zip also
    holds ``FollowerActivity.csv``, ``FollowerGender.csv`` and
    ``FollowerTopTerritories.csv``, not written). At most 365 days, like Studio:
    year-less days are placed from the window's first day in the name.

Canonical → TikTok: ``likes`` → Total likes, ``comments`` → Total comments,
``shares`` → Total shares, ``views`` → Total views. Impressions, reach, clicks
and follows have no column in either layout.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook

from ._social_common import apply_mess, check_posts, date_span, target_path, utc, write_rows

__all__ = [
    "WRITERS",
    "write_content",
    "write_follower_history",
    "studio_day",
    "HEADER",
    "STUDIO_HEADER",
    "FOLLOWER_HISTORY_HEADER",
    "abbreviate",
]

#: Header of the real ``Content.csv`` (English whatever the interface language).
STUDIO_HEADER = [
    "Time",
    "Video title",
    "Video link",
    "Post time",
    "Total likes",
    "Total comments",
    "Total shares",
    "Total views",
]
#: Header of the unverified fixture-style layout (``style="fixture"``).
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
#: Header of the real ``FollowerHistory.csv``.
FOLLOWER_HISTORY_HEADER = ["Date", "Followers", "Difference in followers from previous day"]

_MONTHS = {
    "en": ["January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"],
    "fr": ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
           "septembre", "octobre", "novembre", "décembre"],
}
_STYLES = ("studio", "fixture")
_CONTAINERS = ("zip", "folder")
_HANDLE = re.compile(r"tiktok\.com/@([\w.]+)")


def studio_day(day, language: str = "en") -> str:
    """A calendar day as TikTok Studio prints it: no year, in the interface language.

    ``language="en"``: ``August 19`` (seen in real files); ``"fr"``: ``19 août``
    (the browser's French day-month format; inferred, no French file was found).
    Any other language (``"bilingual"``) is written in English.

    Examples
    --------
    >>> studio_day(pd.Timestamp("2026-08-19")), studio_day(pd.Timestamp("2026-08-01"), "fr")
    ('August 19', '1 août')
    """
    d = pd.Timestamp(day)
    if language == "fr":
        return f"{d.day} {_MONTHS['fr'][d.month - 1]}"
    return f"{_MONTHS['en'][d.month - 1]} {d.day}"


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
    """The account's handle: from the video links first (what TikTok names), else ``account``."""
    if "permalink" in table.columns:
        for link in table["permalink"].dropna():
            m = _HANDLE.search(str(link))
            if m:
                return m.group(1)
    if "account" in table.columns and table["account"].notna().any():
        return str(table["account"].dropna().iloc[0]).lstrip("@").strip() or "account"
    return "account"


def _csv_bytes(header: list[str], rows: list[list[str]]) -> bytes:
    """A Studio CSV: every cell quoted, UTF-8 with BOM, no newline after the last row."""
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue().rstrip("\n").encode("utf-8-sig")


def _place(path, stem: str, member: str, data: bytes, *, container: str, resave,
           exported: pd.Timestamp, timezone: str, rng) -> Path:
    """Write ``member`` as a Studio download: ``<stem>.zip`` or ``<stem>/<member>``."""
    if container not in _CONTAINERS:
        raise ValueError(f"container must be one of {_CONTAINERS}, got {container!r}")
    path = Path(path)
    if path.is_dir() or not path.suffix:
        zipped = container == "zip" and not resave  # Excel re-saves an extracted file
        if zipped:
            out = target_path(path, f"{stem}.zip")
        else:  # not target_path: a handle with a dot ("ville.officiel") looks like a suffix
            (path / stem).mkdir(parents=True, exist_ok=True)
            out = path / stem / member
    else:
        if path.suffix.lower() not in (".zip", ".csv"):
            raise ValueError(f"a TikTok Studio download is a .zip or a .csv, not {path.name!r}")
        out = target_path(path, path.name)
        if out.suffix.lower() == ".zip" and resave:
            raise ValueError("resave needs an extracted .csv: Excel cannot save into a zip")
    if out.suffix.lower() == ".zip":
        local = exported.tz_convert(timezone)
        info = zipfile.ZipInfo(member, date_time=(local.year, local.month, local.day,
                                                  local.hour, local.minute, local.second))
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o600 << 16
        with zipfile.ZipFile(out, "w") as z:
            z.writestr(info, data)
        return out
    out.write_bytes(data)
    return apply_mess(out, resave=resave, mangle_ids=0.0, rng=rng)


def _unix(ts: pd.Timestamp) -> int:
    return int(ts.tz_convert("UTC").value // 10**9)


def write_content(
    table: pd.DataFrame,
    path,
    *,
    exported_at,
    language: str = "en",
    resave=None,
    mangle_ids: float = 0.0,
    rng=None,
    style: str = "studio",
    container: str = "zip",
    fmt: str | None = None,
    numbers: str | None = None,
    timezone: str = "Europe/Paris",
):
    """Write a posts table as a TikTok Studio content download.

    Parameters
    ----------
    table : pandas.DataFrame
        Canonical posts of one TikTok account (``post_id`` = numeric video id,
        whose top 32 bits are the Unix second of publication in real ids and in
        the simulator's).
    path : str or pathlib.Path
        Folder (the Studio name is used inside, see the module docstring) or file.
    exported_at : timestamp-like
        Download instant: ``Time`` (studio; its local day) and the zip name's
        Unix seconds, or the date range end in the fixture file name.
    language : {"en", "fr", "bilingual"}
        Studio style: language of the year-less ``Time`` and ``Post time`` days
        (``"bilingual"`` = English). No effect on the fixture style (English).
    resave : str or None
        French-Excel re-save of the CSV (see ``_mess``); in the studio style the
        file is then written extracted (``<stem>/Content.csv``). Ignored for XLSX.
    mangle_ids : float
        No effect: the id lives in the link only.
    rng : numpy.random.Generator or int, optional
        Fixture style: draws the average watch time (and the full-watch rate
        without completions).
    style : {"studio", "fixture"}, default "studio"
        The real layout, or the unverified fixture-style one (module docstring).
    container : {"zip", "folder"}, default "zip"
        Studio style, folder ``path``: the downloaded zip or its extracted folder.
    fmt : {"csv", "xlsx"} or None
        Fixture style only: file kind; None = from the path suffix, CSV by default.
    numbers : {"plain", "thousands", "abbreviated"} or None
        How counts are printed; None = ``"plain"`` (studio, as real files) or
        ``"thousands"`` (fixture).
    timezone : str, default "Europe/Paris"
        Zone of the Studio user: the days printed (studio) or the wall-clock
        ``Post time`` (fixture).

    Returns
    -------
    pathlib.Path
        The zip, CSV or XLSX written.
    """
    if style not in _STYLES:
        raise ValueError(f"style must be one of {_STYLES}, got {style!r}")
    table = check_posts(table, ("post_id", "published_at"), layout="tiktok_content")
    rng = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng or 0)
    numbers = numbers or ("plain" if style == "studio" else "thousands")
    _count(0, numbers)  # validate early
    exported = utc(exported_at)
    table["published_at"] = pd.to_datetime(table["published_at"], utc=True)
    if style == "studio":
        return _write_studio_content(table, path, exported=exported, language=language,
                                     resave=resave, rng=rng, container=container, fmt=fmt,
                                     numbers=numbers, timezone=timezone)
    return _write_fixture_content(table, path, exported=exported, resave=resave, rng=rng,
                                  fmt=fmt, numbers=numbers, timezone=timezone)


def _write_studio_content(table, path, *, exported, language, resave, rng, container, fmt,
                          numbers, timezone) -> Path:
    if fmt not in (None, "csv"):
        raise ValueError(f"the studio style is a CSV (in a zip); fmt={fmt!r} is not known "
                         "for it (use style='fixture' for XLSX)")
    handle = _handle(table)
    local = table["published_at"].dt.tz_convert(timezone)
    views = pd.to_numeric(table["views"], errors="coerce") if "views" in table.columns \
        else pd.Series(np.nan, index=table.index)
    order = np.lexsort((-local.astype("int64").to_numpy(),
                        -views.fillna(-1).to_numpy(dtype=float)))
    day_of_export = studio_day(exported.tz_convert(timezone).tz_localize(None), language)
    rows = []
    for i in order:
        row = table.iloc[i]
        link = row.get("permalink")
        if not isinstance(link, str) or not link:
            link = f"https://www.tiktok.com/@{handle}/video/{row['post_id']}"
        text = row.get("text")
        rows.append([
            day_of_export,
            "" if text is None or pd.isna(text) else str(text),
            link,
            studio_day(local.iloc[i].tz_localize(None), language),
            _count(row.get("likes"), numbers),
            _count(row.get("comments"), numbers),
            _count(row.get("shares"), numbers),
            _count(row.get("views"), numbers),
        ])
    first = local.min().tz_localize(None) if len(local) else \
        exported.tz_convert(timezone).tz_localize(None)
    stem = f"Content_{first:%Y-%m-%d}_{_unix(exported)}_{handle}"
    return _place(path, stem, "Content.csv", _csv_bytes(STUDIO_HEADER, rows),
                  container=container, resave=resave, exported=exported, timezone=timezone,
                  rng=rng)


def _write_fixture_content(table, path, *, exported, resave, rng, fmt, numbers,
                           timezone) -> Path:
    if fmt is None:
        fmt = "xlsx" if Path(path).suffix.lower() == ".xlsx" else "csv"
    if fmt not in ("csv", "xlsx"):
        raise ValueError(f"fmt must be 'csv' or 'xlsx', got {fmt!r}")
    start, end = date_span(table["published_at"], exported)
    out = target_path(path, f"tiktok_content_{start:%Y-%m-%d}_{end:%Y-%m-%d}.{fmt}")
    handle = _handle(table)
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


def write_follower_history(
    table: pd.DataFrame,
    path,
    *,
    exported_at,
    language: str = "en",
    resave=None,
    mangle_ids: float = 0.0,
    rng=None,
    container: str = "zip",
):
    """Write a followers table as TikTok Studio's ``FollowerHistory.csv`` (in its zip).

    Parameters
    ----------
    table : pandas.DataFrame
        Canonical followers rows of one account (``date`` = the calendar day as a
        UTC midnight, ``followers`` = running total). ``new_followers`` and
        ``lost_followers`` are not written: Studio gives only the total and its
        net day-to-day change.
    path : str or pathlib.Path
        Folder (then ``Followers_<first day>_<unix seconds>_<account>.zip``, or the
        extracted ``Followers_…/FollowerHistory.csv`` with ``container="folder"`` or
        a re-save) or a ``.zip``/``.csv`` file.
    exported_at : timestamp-like
        Download instant (the Unix seconds of the zip name).
    language : {"en", "fr", "bilingual"}
        Language of the year-less ``Date`` (``"bilingual"`` = English).
    resave : str or None
        French-Excel re-save (the file is then written extracted).
    mangle_ids, rng : no ids to mangle; ``rng`` is only passed to the re-save.
    container : {"zip", "folder"}, default "zip"

    Returns
    -------
    pathlib.Path

    Raises
    ------
    ValueError
        More than 365 days (Studio's longest window: year-less days beyond it
        could not be placed), or a day repeated.
    """
    table = check_posts(table, ("date", "followers"), layout="tiktok_follower_history")
    exported = utc(exported_at)
    days = pd.to_datetime(table["date"], utc=True).dt.tz_localize(None).dt.normalize()
    table = table.assign(_day=days.to_numpy()).sort_values("_day", kind="stable")
    if table["_day"].duplicated().any():
        raise ValueError("tiktok_follower_history: one row per day expected, found "
                         f"{int(table['_day'].duplicated().sum())} repeated day(s)")
    if len(table) and (table["_day"].iloc[-1] - table["_day"].iloc[0]).days > 364:
        raise ValueError("tiktok_follower_history: Studio downloads at most 365 days; got "
                         f"{table['_day'].iloc[0]:%Y-%m-%d}..{table['_day'].iloc[-1]:%Y-%m-%d}")
    followers = pd.to_numeric(table["followers"], errors="coerce").astype("Float64")
    nxt = followers.shift(-1)
    diff = (nxt - followers).fillna(0)  # the real column is the change to the NEXT day
    rows = [
        [studio_day(d, language), "undefined" if pd.isna(f) else str(int(f)), str(int(c))]
        for d, f, c in zip(table["_day"], followers, diff, strict=True)
    ]
    first = table["_day"].iloc[0] if len(table) else exported.tz_localize(None).normalize()
    stem = f"Followers_{first:%Y-%m-%d}_{_unix(exported)}_{_handle(table)}"
    return _place(path, stem, "FollowerHistory.csv",
                  _csv_bytes(FOLLOWER_HISTORY_HEADER, rows), container=container,
                  resave=resave, exported=exported, timezone="UTC", rng=rng)


#: Layout name → writer, merged by :mod:`engagement_lib.simulate.exports`.
WRITERS = {"tiktok_content": write_content, "tiktok_follower_history": write_follower_history}
