"""Wall-clock time → UTC, deterministic across daylight-saving transitions.

Exports give timestamps either tz-aware (UTC or with an offset) or as naive
local wall-clock time. Converting naive local time to UTC is ambiguous twice a
year in zones with daylight saving time (DST), and this module settles both
cases the same way every time:

* **Nonexistent times** (the spring-forward gap, e.g. 02:30 on the last Sunday
  of March in ``Europe/Paris``) are read with the UTC offset in force *just
  before* the gap, i.e. shifted forward by the length of the gap:
  ``2019-03-31 02:30`` → ``03:30 CEST`` = ``01:30 UTC``. Unlike pandas'
  ``"shift_forward"`` (which sends every time in the gap to 03:00), this keeps
  distinct wall-clock times distinct and in order.
* **Repeated times** (the autumn fall-back hour, e.g. 02:30 on the last Sunday
  of October) take the *first* occurrence, which is still summer time:
  ``2019-10-27 02:30`` → ``02:30 CEST`` = ``00:30 UTC``.

Both cases are counted (see :class:`LocalizedTimes`) so that cleaning can
report them; neither loses a row.
"""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import pandas as pd

__all__ = ["LocalizedTimes", "to_utc", "check_zone", "UTC_NAMES"]

#: Zone names that mean UTC.
UTC_NAMES = frozenset({"UTC", "Etc/UTC", "utc", "Z", "GMT", "Etc/GMT", "UTC+0", "UTC+00:00"})

_UTC_DTYPE = pd.DatetimeTZDtype(unit="us", tz="UTC")


@dataclass(frozen=True)
class LocalizedTimes:
    """Result of :func:`to_utc`.

    Attributes
    ----------
    utc : pandas.Series
        ``datetime64[us, UTC]`` values, index of the input; NaT where the input
        was missing or could not be read as a timestamp.
    unparseable : pandas.Series of bool
        Input present but not a timestamp (only possible for non-datetime input).
    nonexistent : pandas.Series of bool
        Naive wall-clock times that fall in a spring-forward gap.
    ambiguous : pandas.Series of bool
        Naive wall-clock times that occur twice (autumn fall-back hour).
    """

    utc: pd.Series
    unparseable: pd.Series
    nonexistent: pd.Series
    ambiguous: pd.Series


def check_zone(zone: str) -> str:
    """Return ``zone`` if it is a known IANA time zone (or UTC), else raise ValueError."""
    if zone in UTC_NAMES:
        return "UTC"
    try:
        ZoneInfo(str(zone))
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise ValueError(
            f"unknown time zone {zone!r}; expected an IANA name such as 'Europe/Paris' or 'UTC'"
        ) from None
    return str(zone)


def _as_datetimes(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Return (datetime series, unparseable mask) for any input series."""
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        return values, pd.Series(False, index=values.index)
    present = values.notna()
    if values.dtype == object:
        # Timestamps (possibly mixed naive/aware) or strings; tz-aware values win.
        aware = values.map(lambda v: getattr(v, "tzinfo", None) is not None)
        if aware.any():
            out = pd.to_datetime(values.where(aware), errors="coerce", utc=True)
            return out, present & ~aware
    try:
        out = pd.to_datetime(values, errors="coerce", format="ISO8601")
    except (ValueError, TypeError):
        out = pd.to_datetime(values, errors="coerce", utc=True)
    return out, present & out.isna()


def to_utc(values: pd.Series, zone: str) -> LocalizedTimes:
    """Convert timestamps to tz-aware UTC, DST-safe and deterministic.

    Parameters
    ----------
    values : pandas.Series
        ``datetime64`` values, naive (wall-clock time in ``zone``) or tz-aware
        (converted as they are, ``zone`` is then ignored). Other dtypes are
        parsed as ISO 8601 first; what cannot be parsed becomes NaT and is
        marked ``unparseable``.
    zone : str
        IANA zone of the naive wall-clock times (``"Europe/Paris"``) or ``"UTC"``.

    Returns
    -------
    LocalizedTimes
        The UTC series and the masks of unparseable, nonexistent and repeated
        wall-clock times (see the module docstring for the rules).

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.Series(pd.to_datetime(["2019-03-31 02:30", "2019-10-27 02:30"]))
    >>> r = to_utc(s, "Europe/Paris")
    >>> [str(t) for t in r.utc]
    ['2019-03-31 01:30:00+00:00', '2019-10-27 00:30:00+00:00']
    >>> int(r.nonexistent.sum()), int(r.ambiguous.sum())
    (1, 1)
    """
    zone = check_zone(zone)
    times, unparseable = _as_datetimes(values)
    if isinstance(times.dtype, pd.DatetimeTZDtype) and unparseable.any():
        # Object column mixing tz-aware and naive values: localise the naive ones.
        naive = to_utc(values.where(unparseable).astype(object), zone)
        times = times.astype(_UTC_DTYPE).where(~unparseable, naive.utc)
        return LocalizedTimes(times, naive.unparseable, naive.nonexistent, naive.ambiguous)
    false = pd.Series(False, index=values.index)
    if isinstance(times.dtype, pd.DatetimeTZDtype):
        return LocalizedTimes(times.dt.tz_convert("UTC").astype(_UTC_DTYPE), unparseable, false, false)
    times = times.astype("datetime64[us]")
    if zone == "UTC":
        return LocalizedTimes(times.dt.tz_localize("UTC"), unparseable, false, false)
    strict = times.dt.tz_localize(zone, ambiguous="NaT", nonexistent="NaT")
    bad = strict.isna() & times.notna()
    if not bad.any():
        return LocalizedTimes(strict.dt.tz_convert("UTC"), unparseable, false, false)
    sub = times[bad]
    first = np.ones(len(sub), dtype=bool)  # True = DST = first occurrence of a repeated hour
    as_first = sub.dt.tz_localize(zone, ambiguous=first, nonexistent="NaT")
    is_ambiguous = as_first.notna()
    gap = sub[~is_ambiguous]
    # Last instant before the gap carries the offset in force before it.
    before = gap.dt.tz_localize(
        zone, ambiguous=np.ones(len(gap), dtype=bool), nonexistent="shift_backward"
    )
    offset = before.dt.tz_localize(None) - before.dt.tz_convert("UTC").dt.tz_localize(None)
    result = strict.dt.tz_convert("UTC").copy()
    result.loc[as_first.index[is_ambiguous]] = as_first[is_ambiguous].dt.tz_convert("UTC")
    result.loc[gap.index] = (gap - offset).dt.tz_localize("UTC")
    ambiguous = false.copy()
    ambiguous.loc[as_first.index[is_ambiguous]] = True
    nonexistent = false.copy()
    nonexistent.loc[gap.index] = True
    return LocalizedTimes(result.astype(_UTC_DTYPE), unparseable, nonexistent, ambiguous)
