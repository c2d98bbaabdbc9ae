"""Helpers shared by the X, LinkedIn, YouTube, TikTok and Snapchat readers.

Private. Everything here works on a :class:`~engagement_lib.readers._registry.Table`
and the columns it resolves, and follows the row contract of
:mod:`engagement_lib.readers._base`:

* :func:`snowflake_times` — X and LinkedIn post IDs are *snowflakes*: their top
  bits are the creation time in milliseconds (X: ``(id >> 22) + 1288834974657``,
  Twitter's epoch 2010-11-04; LinkedIn: ``id >> 22`` since the Unix epoch). Exports
  that give only the day of publication thus still tell the exact UTC time.
* :func:`recover_ids` — an ID that Excel turned into ``6.49293E+17`` is re-taken
  from the permalink (``…/status/<id>``, ``urn:li:activity:<id>``…) when its
  leading digits agree with the mangled mantissa; otherwise it stays <NA> and is
  flagged as an issue (the row cannot be keyed).
* :func:`keep_raw` — fields mapped for computation but not canonical (``engagement
  rate``, the organic/promoted split…) are still kept as ``extra:<header>`` columns.
* :func:`exported_at_from_path` — export time from the file name, its folders
  (YouTube's ``Content 2026-01-01_2026-03-31 <channel>``) or a LinkedIn-style epoch
  in milliseconds (``…_followers_1700000000000.xlsx``).
* :func:`tiktok_times` — TikTok video IDs carry their creation time too: the top
  32 bits of the 64-bit ID are the Unix second.
* :func:`month_day` and :func:`anchored_days` — TikTok Studio prints dates in the
  interface language and *without a year* (``10 января``, ``August 19``, ``28
  August``, ``18 tháng Tám``, ``9月6日``): the month and day are read in several
  languages and the year is settled from an anchor (a video ID's time, or a date
  in the file or folder name).

The precision of ``published_at`` is reported in a ``published_at_precision``
column: ``"exact"`` (to the minute or better) or ``"day"`` (the export gave a date
only and no snowflake ID could refine it; the time is then local midnight).

Daily tables (followers, audience) keep the calendar day printed in the file as a
UTC midnight (:func:`day_labels`), with ``RawExport.timezone = "UTC"``.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

import numpy as np
import pandas as pd

from . import _sniff
from ._registry import exported_at_from_name

__all__ = [
    "X_EPOCH_MS",
    "snowflake_times",
    "tiktok_times",
    "month_day",
    "anchored_days",
    "name_day",
    "link_handles",
    "recover_ids",
    "keep_raw",
    "exported_at_from_path",
    "local_midnight_utc",
    "PRECISION",
    "day_labels",
    "parse_dates",
    "counts",
]

#: Twitter's snowflake epoch (2010-11-04 01:42:54.657 UTC) in Unix milliseconds.
X_EPOCH_MS = 1288834974657
#: Name of the column telling how precise ``published_at`` is.
PRECISION = "published_at_precision"

_MIN_MS = pd.Timestamp("2003-01-01", tz="UTC").value // 1_000_000
# no "not in the future" bound: simulated exports may be dated after today
_MAX_MS = pd.Timestamp("2100-01-01", tz="UTC").value // 1_000_000
_PLAUSIBLE = (pd.Timestamp("2010-01-01", tz="UTC"), pd.Timestamp("2100-01-01", tz="UTC"))


def snowflake_times(ids: pd.Series, *, epoch_ms: int) -> pd.Series:
    """Creation times (UTC) encoded in snowflake IDs; NaT where an ID is not one.

    Parameters
    ----------
    ids : Series of str
        Decimal IDs (<NA> allowed).
    epoch_ms : int
        :data:`X_EPOCH_MS` for X, 0 for LinkedIn activity/share/ugcPost IDs.

    Returns
    -------
    Series of ``datetime64[us, UTC]``
        NaT for blanks, non-numeric IDs, IDs that decode to less than one minute
        after the epoch (pre-2010 sequential Tweet IDs) or outside 2003-2100.
    """
    out = []
    for v in ids:
        ms = None
        if isinstance(v, str) and v.isdigit() and len(v) <= 20:
            n = int(v)
            if n < 2**64:
                ms = (n >> 22) + epoch_ms
                if ms - epoch_ms < 60_000 or not (_MIN_MS <= ms <= _MAX_MS):
                    ms = None
        out.append(pd.NaT if ms is None else pd.Timestamp(ms * 1000, unit="us", tz="UTC"))
    return pd.Series(out, index=ids.index, dtype="datetime64[us, UTC]")


_TIKTOK_MIN = pd.Timestamp("2016-09-01", tz="UTC")  # TikTok (Douyin) launched Sept. 2016


def tiktok_times(ids: pd.Series) -> pd.Series:
    """Creation times (UTC, to the second) encoded in TikTok video IDs; NaT otherwise.

    A TikTok video (or photo post) ID is a 64-bit integer whose top 32 bits are
    the Unix second of its creation: ``7593820674163100946 >> 32`` = 1768074155
    = 2026-01-10 19:42:35 UTC.

    Parameters
    ----------
    ids : Series of str
        Decimal IDs (<NA> allowed).

    Returns
    -------
    Series of ``datetime64[us, UTC]``
        NaT for blanks, non-numeric IDs and IDs that decode outside
        2016-09-01 – 2100 (not a TikTok ID).
    """
    out = []
    for v in ids:
        t = pd.NaT
        if isinstance(v, str) and v.isdigit() and 17 <= len(v) <= 20 and int(v) < 2**64:
            ts = pd.Timestamp((int(v) >> 32) * 1_000_000, unit="us", tz="UTC")
            if _TIKTOK_MIN <= ts <= _PLAUSIBLE[1]:
                t = ts
        out.append(t)
    return pd.Series(out, index=ids.index, dtype="datetime64[us, UTC]")


def _mantissa_agrees(mangled: str, digits: str) -> bool:
    """``6.49293E+17`` vs ``649293177409679360``: same magnitude, same leading digits."""
    m = re.match(r"^\s*(\d)(?:[.,](\d+))?[eE]\+?(\d+)\s*$", mangled)
    if not m or not digits.isdigit():
        return False
    frac = m.group(2) or ""
    exponent = int(m.group(3))
    if len(digits) != exponent + 1:
        return False
    # Excel rounds to the significant digits it shows: round the candidate the same way
    shown = round(int(digits), -(exponent - len(frac)))
    return shown == int(m.group(1) + frac) * 10 ** (exponent - len(frac))


def recover_ids(table, field: str, link_field: str | None, pattern: re.Pattern):
    """Post IDs as strings, re-taking Excel-mangled ones from the permalink.

    Parameters
    ----------
    table : Table
    field : str
        The ID field.
    link_field : str or None
        The permalink field (``None``: no recovery).
    pattern : re.Pattern
        Regex whose group 1 is the ID inside a permalink.

    Returns
    -------
    ids : Series of str
        From :meth:`Table.ids`: an ID still unknown is <NA> and recorded as an issue.
    recovered : numpy.ndarray of bool
        Rows whose ID was re-taken from the permalink (warned about).
    """
    raw = table.raw(field)
    if raw is None:
        return table.ids(field), np.zeros(len(table.source_rows), dtype=bool)
    cleaned = raw.map(_sniff.clean_id)
    mangled = cleaned.map(_sniff.is_mangled_id).to_numpy(dtype=bool)
    recovered = np.zeros(len(cleaned), dtype=bool)
    links = table.raw(link_field) if link_field else None
    if mangled.any() and links is not None:
        from_link = links.map(
            lambda s: (m.group(1) if isinstance(s, str) and (m := pattern.search(s)) else None)
        )
        for i in np.flatnonzero(mangled):
            cand = from_link.iat[i]
            if cand and _mantissa_agrees(cleaned.iat[i], cand):
                cleaned.iat[i] = cand
                recovered[i] = True
        if recovered.any():
            table.warn(
                f"{int(recovered.sum())} ID(s) mangled by Excel (scientific notation) were "
                f"re-taken from the permalink"
            )
    return table.ids(field, values=cleaned), recovered


def counts(table, field: str, *, column: str | None = None) -> pd.Series:
    """A count column as ``Int64``; bad cells → <NA> + issue (like :meth:`Table.ints`).

    Unlike :meth:`Table.ints`, the decimal mark is not taken from the delimiter: a
    count is a whole number, so ``1,234`` is one thousand two hundred and thirty-four
    even in a ``;``-delimited file (TikTok prints ``"18,400"``; a French-Excel re-save
    keeps such text cells as they are), while ``424,0`` (a re-saved ``"424.0"``) and
    ``1 234`` still read as whole numbers and ``12,5`` is flagged.
    """
    raw = table.raw(field)
    if raw is None:
        return pd.Series(pd.NA, index=range(len(table.source_rows)), dtype="Int64")
    vals, bad = _sniff.to_integers(raw, decimal=None)
    table.issue(bad.to_numpy(), column or field, raw, "not a whole number")
    return vals.reset_index(drop=True)


def keep_raw(table, rows: pd.DataFrame, fields) -> pd.DataFrame:
    """Add ``extra:<normalised header>`` raw-text columns for mapped, non-canonical fields."""
    out = {}
    for f in fields:
        for p in table.fields.get(f, []):
            name = f"extra:{table.normalized[p]}"
            if name in rows.columns or name in out:
                continue
            col = table.raw_position(p)
            out[name] = col.map(lambda v: None if _sniff.is_blank(v) else str(v)).astype("str")
    if not out:
        return rows
    return pd.concat([rows.reset_index(drop=True), pd.DataFrame(out)], axis=1)


_EN_DAY = re.compile(r"^\s*([A-Za-z]{3})[a-z]*\.? (\d{1,2}),? (\d{4})\s*$")
_HAS_TIME = re.compile(r"\d{1,2}:\d{2}")


def _iso_english_day(v):
    """``Mar 3, 2026`` → ``2026-03-03`` (month abbreviations read by pandas)."""
    if not isinstance(v, str):
        return v
    m = _EN_DAY.match(v)
    if not m:
        return v
    ts = pd.to_datetime(f"{m.group(1)} {m.group(2)} {m.group(3)}", format="%b %d %Y",
                        errors="coerce")
    return v if pd.isna(ts) else f"{ts:%Y-%m-%d}"


def parse_dates(table, field: str, column: str, *, quiet: bool = False):
    """Naive local timestamps and a "has a time of day" mask; bad cells → NaT + issue.

    Like :meth:`Table.dates`, plus English ``Mar 3, 2026`` days (read here because the
    shared parser takes a leading ``Mar`` for the French weekday *mardi*). Values
    with an offset are converted to the table's zone and made naive.

    With ``quiet=True`` bad cells are not recorded as issues and a third item, the
    mask of non-blank cells that could not be read, is returned (the caller decides).
    """
    raw = table.raw(field)
    if raw is None:
        n = len(table.source_rows)
        empty = pd.Series(pd.NaT, index=range(n), dtype="datetime64[us]")
        return (empty, np.zeros(n, bool), np.zeros(n, bool)) if quiet else (empty,
                                                                            np.zeros(n, bool))
    res = _sniff.parse_datetimes(raw.map(_iso_english_day), name=column)
    if res.warning:
        table.warn(res.warning)
    values = res.values
    # a date printed without its year (TikTok's "August 19") must not pass as year 1
    yearless = (values.dt.year < 1900).fillna(False).to_numpy(dtype=bool)
    bad = res.bad.to_numpy() | yearless
    if yearless.any():
        values = values.mask(yearless)
    if not quiet:
        table.issue(bad, column, raw, "not a date/time")
    if res.tz_aware:
        values = values.dt.tz_convert(table.timezone).dt.tz_localize(None)
    has_time = raw.map(lambda v: bool(isinstance(v, str) and _HAS_TIME.search(v))).to_numpy(bool)
    values = values.astype("datetime64[us]").reset_index(drop=True)
    return (values, has_time, bad) if quiet else (values, has_time)



def _fold(text: str) -> str:
    """Lower case, accents and other combining marks dropped (``Août`` → ``aout``,
    ``апреля`` → ``апреля``, ``tháng Tám`` → ``thang tam``), ``.`` removed."""
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", str(text).lower())
    folded = "".join(c for c in decomposed if not unicodedata.combining(c))
    return folded.replace(".", " ")


#: Month names (full forms; abbreviations are matched as unambiguous prefixes) in
#: English, French, Spanish, Italian, Portuguese, German, Dutch and Russian
#: (genitive, as in ``10 января``, and nominative).
_MONTH_WORDS = {
    1: "january janvier enero gennaio janeiro januar januari января январь",
    2: "february fevrier febrero febbraio fevereiro februar februari февраля февраль",
    3: "march mars marzo marco marz maart марта март",
    4: "april avril abril aprile апреля апрель",
    5: "may mai mayo maggio maio mei мая май",
    6: "june juin junio giugno junho juni июня июнь",
    7: "july juillet julio luglio julho juli июля июль",
    8: "august aout agosto augustus августа август",
    9: "september septembre septiembre setiembre settembre setembro сентября сентябрь",
    10: "october octobre octubre ottobre outubro oktober октября октябрь",
    11: "november novembre noviembre novembro ноября ноябрь",
    12: "december decembre diciembre dicembre dezembro dezember декабря декабрь",
}
_MONTHS = {_fold(w).strip(): m for m, words in _MONTH_WORDS.items() for w in words.split()}
#: Vietnamese months are ``tháng`` + a number, in digits or in words.
_VI_NUMBERS = {"mot": 1, "hai": 2, "ba": 3, "tu": 4, "nam": 5, "sau": 6, "bay": 7, "tam": 8,
               "chin": 9, "muoi": 10, "muoi mot": 11, "muoi hai": 12}
_VI = re.compile(r"(\d{1,2})\s+thang\s+(\d{1,2}|muoi hai|muoi mot|muoi|mot|hai|ba|tu|nam|"
                 r"sau|bay|tam|chin)\b")
_CJK = re.compile(r"(?:(\d{4})\s*[年년]\s*)?(\d{1,2})\s*[月월]\s*(\d{1,2})\s*[日일]?")
_WORD = re.compile(r"[^\W\d_]+")


def _month_of(token: str) -> int | None:
    if token in _MONTHS:
        return _MONTHS[token]
    if len(token) < 3:
        return None
    hits = {m for name, m in _MONTHS.items() if name.startswith(token)}
    return hits.pop() if len(hits) == 1 else None


def month_day(value) -> tuple[int, int, int | None] | None:
    """Month, day and (if printed) year of a date written in words, else None.

    For the localised, often year-less dates of TikTok Studio exports:
    ``10 января``, ``August 19``, ``28 August``, ``20 avr.``, ``18 tháng Tám``,
    ``9月6日``, ``2025年9月6日``, ``Aug 19, 2025``. A value with two different month
    words, no day number or an impossible day is None.

    Examples
    --------
    >>> month_day("10 января"), month_day("August 19"), month_day("18 tháng Tám")
    ((1, 10, None), (8, 19, None), (8, 18, None))
    """
    if not isinstance(value, str) or not value.strip():
        return None
    text = _fold(value)
    m = _CJK.search(text)
    if m:
        year = int(m.group(1)) if m.group(1) else None
        month, day = int(m.group(2)), int(m.group(3))
    else:
        m = _VI.search(text)
        if m:
            day = int(m.group(1))
            word = m.group(2)
            month = int(word) if word.isdigit() else _VI_NUMBERS[word]
            year = None
        else:
            months = {_month_of(t) for t in _WORD.findall(text)} - {None}
            numbers = [int(n) for n in re.findall(r"\d+", text)]
            days = [n for n in numbers if 1 <= n <= 31]
            years = [n for n in numbers if 1900 <= n <= 2100]
            if len(months) != 1 or not days:
                return None
            month, day = months.pop(), days[0]
            year = years[0] if years else None
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    try:
        pd.Timestamp(year=year or 2024, month=month, day=day)  # 2024: Feb 29 exists
    except ValueError:
        return None
    return month, day, year


def _on_or_before(month: int, day: int, limit: pd.Timestamp) -> pd.Timestamp | None:
    """Latest date with that month and day on or before ``limit`` (naive day)."""
    for year in range(limit.year, limit.year - 5, -1):
        try:
            d = pd.Timestamp(year=year, month=month, day=day)
        except ValueError:  # Feb 29 of a non-leap year
            continue
        if d <= limit:
            return d
    return None


def _after(month: int, day: int, start: pd.Timestamp) -> pd.Timestamp | None:
    """Earliest date with that month and day on or after ``start`` (naive day)."""
    for year in range(start.year, start.year + 5):
        try:
            d = pd.Timestamp(year=year, month=month, day=day)
        except ValueError:
            continue
        if d >= start:
            return d
    return None


def anchored_days(parts: list, anchor: pd.Timestamp) -> list:
    """Calendar days of year-less ``(month, day, year)`` parts of a daily series.

    The first year-less day is the latest one on or before ``anchor`` + 1 day
    (``anchor`` may be the first or the last day of the file's window: both give
    the right year for windows up to a year); each next one is the earliest on or
    after the previous day (dates roll into January). Parts with a year are kept
    as written and re-anchor what follows. None parts stay None.
    """
    out, prev = [], None
    anchor = pd.Timestamp(anchor)
    if anchor.tzinfo is not None:
        anchor = anchor.tz_localize(None)
    limit = anchor.normalize() + pd.Timedelta(days=1)
    for part in parts:
        if part is None:
            out.append(None)
            continue
        month, day, year = part
        if year is not None:
            try:
                d = pd.Timestamp(year=year, month=month, day=day)
            except ValueError:
                d = None
        elif prev is None:
            d = _on_or_before(month, day, limit)
        else:
            d = _after(month, day, prev)
        out.append(d)
        prev = d if d is not None else prev
    return out


_NAME_DAY = re.compile(r"(?<!\d)(20\d{2})-?(0[1-9]|1[0-2])-?(0[1-9]|[12]\d|3[01])(?!\d)")


def name_day(path) -> pd.Timestamp | None:
    """The last calendar day written in a file name, else in its folders (naive), or None.

    ``Followers_2025-08-28_1787841428_ville.zip!FollowerHistory.csv`` → 2025-08-28.
    """
    text = str(path).replace("\\", "/")
    parts = [p for chunk in text.split("!") for p in PurePosixPath(chunk).parts]
    for part in reversed(parts):
        found = _NAME_DAY.findall(part)
        for y, mo, d in reversed(found):
            try:
                return pd.Timestamp(year=int(y), month=int(mo), day=int(d))
            except ValueError:
                continue
    return None


def link_handles(links: pd.Series, pattern: re.Pattern, *, not_handles=()) -> pd.Series:
    """The account handle in each permalink (group 1 of ``pattern``), else <NA>.

    An export of one account links every post under that account's handle
    (``https://twitter.com/rOpenSci/status/…``, ``https://www.tiktok.com/@ville/video/…``),
    so the handle names the account when nothing else does (see
    :func:`engagement_lib.clean`: the caller's argument and the folder win).
    """
    skip = {h.lower() for h in not_handles}

    def one(s):
        m = pattern.search(s) if isinstance(s, str) else None
        return m.group(1) if m and m.group(1).lower() not in skip else None

    return links.map(one).astype("str")


_EPOCH_MS_NAME = re.compile(r"(?<!\d)(1[0-9]{12})(?!\d)")


def exported_at_from_path(path) -> pd.Timestamp | None:
    """Export time from a path: file name, then its folders, then an epoch in ms.

    ``archive.zip!Content 2026-01-01_2026-03-31 Ville/Table data.csv`` gives
    2026-03-31 (UTC midnight); ``ville_followers_1767225600000.xlsx`` gives that
    instant. Returns None when nothing is found.
    """
    text = str(path).replace("\\", "/")
    parts = [p for chunk in text.split("!") for p in PurePosixPath(chunk).parts]
    for part in reversed(parts):
        ts = exported_at_from_name(part)
        if ts is not None:
            return ts
    m = _EPOCH_MS_NAME.search(parts[-1] if parts else "")
    if m:
        ts = pd.Timestamp(int(m.group(1)), unit="ms", tz="UTC")
        if _PLAUSIBLE[0] <= ts <= _PLAUSIBLE[1]:
            return ts
    return None


def day_labels(days: pd.Series) -> pd.Series:
    """Calendar days of a daily table as tz-aware UTC midnights (the canonical day label).

    A followers or audience row is about a *calendar day*; the canonical tables
    store that day as ``YYYY-MM-DD 00:00 UTC`` (the convention of the simulated truth
    and of :mod:`engagement_lib.schema`), so these readers return tz-aware values and
    ``timezone="UTC"``: the day printed in the file is kept, not shifted.
    """
    d = pd.to_datetime(days)
    if isinstance(d.dtype, pd.DatetimeTZDtype):
        d = d.dt.tz_localize(None)
    return d.astype("datetime64[us]").dt.normalize().dt.tz_localize("UTC")


def local_midnight_utc(days: pd.Series, zone: str) -> pd.Series:
    """Naive calendar days → the UTC instant of local midnight in ``zone``."""
    d = pd.to_datetime(days).astype("datetime64[us]").dt.normalize()
    return d.dt.tz_localize(zone, ambiguous="NaT", nonexistent="shift_forward").dt.tz_convert(
        "UTC"
    )


def workbook_exported_at(table) -> pd.Timestamp | None:
    """Workbook ``created`` property when plausible (2010-2100), else None."""
    val = table.properties.get("created") if table.properties else None
    if val is None:
        return None
    ts = pd.Timestamp(val)
    if pd.isna(ts):
        return None
    ts = ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")
    if _PLAUSIBLE[0] <= ts <= _PLAUSIBLE[1]:
        return ts
    return None
