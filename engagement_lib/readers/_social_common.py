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


def parse_dates(table, field: str, column: str) -> tuple[pd.Series, np.ndarray]:
    """Naive local timestamps and a "has a time of day" mask; bad cells → NaT + issue.

    Like :meth:`Table.dates`, plus English ``Mar 3, 2026`` days (read here because the
    shared parser takes a leading ``Mar`` for the French weekday *mardi*). Values
    with an offset are converted to the table's zone and made naive.
    """
    raw = table.raw(field)
    if raw is None:
        n = len(table.source_rows)
        return pd.Series(pd.NaT, index=range(n), dtype="datetime64[us]"), np.zeros(n, bool)
    res = _sniff.parse_datetimes(raw.map(_iso_english_day), name=column)
    if res.warning:
        table.warn(res.warning)
    table.issue(res.bad.to_numpy(), column, raw, "not a date/time")
    values = res.values
    if res.tz_aware:
        values = values.dt.tz_convert(table.timezone).dt.tz_localize(None)
    has_time = raw.map(lambda v: bool(isinstance(v, str) and _HAS_TIME.search(v))).to_numpy(bool)
    return values.astype("datetime64[us]").reset_index(drop=True), has_time



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
