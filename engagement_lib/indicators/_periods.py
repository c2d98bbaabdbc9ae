"""Calendar periods in local time (Europe/Paris by default), DST-safe.

A period is a span of *local* calendar time: the month of April 2018 in
Paris runs from ``2018-04-01 00:00+02:00`` to ``2018-05-01 00:00+02:00``, so a
post published at ``2018-03-31 23:30 UTC`` (01:30 in Paris) belongs to April.
Periods are built as local boundaries with :func:`pandas.date_range` and each
UTC instant is placed by a binary search over the boundaries' UTC instants,
which is exact across daylight-saving changes for any zone and any pandas
frequency (``"MS"``, ``"W-MON"``, ``"D"``, ``"QS"``...).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from pandas.tseries.frequencies import to_offset

__all__ = ["TZ", "Periods", "make_periods", "utc_int"]

#: Local timezone of every analysis.
TZ = "Europe/Paris"

_UNIT_PER_SECOND = {"s": 1, "ms": 10**3, "us": 10**6, "ns": 10**9}


def utc_int(values: pd.Series, unit: str = "us") -> np.ndarray:
    """Return tz-aware timestamps as int64 counts of ``unit`` since the epoch (UTC).

    Missing timestamps (NaT) come back as ``numpy.iinfo(int64).min``.
    """
    arr = values.array
    if not isinstance(values.dtype, pd.DatetimeTZDtype):
        raise TypeError(f"expected tz-aware timestamps, found {values.dtype}")
    if arr.unit != unit:
        arr = arr.as_unit(unit)
    return np.asarray(arr.asi8)


@dataclass(frozen=True)
class Periods:
    """Consecutive local periods.

    Attributes
    ----------
    bounds : pandas.DatetimeIndex
        ``P + 1`` tz-aware local boundaries: period ``p`` is
        ``[bounds[p], bounds[p + 1])``.
    """

    bounds: pd.DatetimeIndex

    def __len__(self) -> int:
        return max(len(self.bounds) - 1, 0)

    @property
    def starts_utc(self) -> pd.DatetimeIndex:
        """UTC instant of each period's local start (length ``P``)."""
        return self.bounds[: len(self)].tz_convert("UTC").as_unit("us")

    @property
    def days(self) -> np.ndarray:
        """Number of local calendar days of each period (DST days count as one day)."""
        if not len(self):
            return np.zeros(0)
        wall = self.bounds.tz_localize(None)
        return np.diff(np.asarray(wall.as_unit("s").asi8)) / 86_400.0

    def codes(self, values: pd.Series) -> np.ndarray:
        """Index of the period holding each timestamp (``-1`` outside or missing)."""
        unit = values.array.unit
        ints = utc_int(values, unit)
        if not len(self):
            return np.full(len(ints), -1, dtype=np.int64)
        edges = np.asarray(self.bounds.tz_convert("UTC").as_unit(unit).asi8)
        codes = np.searchsorted(edges, ints, side="right") - 1
        outside = (codes < 0) | (codes >= len(self)) | (ints == np.iinfo(np.int64).min)
        codes[outside] = -1
        return codes


def _local(value, tz: str) -> pd.Timestamp:
    stamp = pd.Timestamp(value)
    return stamp.tz_localize(tz) if stamp.tzinfo is None else stamp.tz_convert(tz)


def make_periods(
    times: list[pd.Series], *, freq: str | None = "MS", tz: str = TZ, start=None, end=None
) -> Periods:
    """Build the periods covering ``times`` (and clipped to ``[start, end)``).

    Parameters
    ----------
    times : list of pandas.Series
        Tz-aware timestamps (posts, follower dates, conversations).
    freq : str or None, default "MS"
        A pandas frequency anchored on period *starts* (``"MS"`` calendar
        months, ``"W-MON"`` weeks starting on Monday, ``"D"`` days, ``"QS"``
        quarters, ``"YS"`` years). ``None``: one period from the first local
        day of the data (or ``start``) to the end of the data (or ``end``).
    tz : str, default "Europe/Paris"
        Zone of the calendar.
    start, end : str or Timestamp, optional
        Keep only periods starting on or after ``start`` and before ``end``
        (naive values are read in ``tz``).

    Returns
    -------
    Periods
    """
    present = [t for t in times if t is not None and len(t) and t.notna().any()]
    lo = _local(start, tz) if start is not None else None
    hi = _local(end, tz) if end is not None else None
    if present:
        tmin = min(t.min() for t in present).tz_convert(tz)
        tmax = max(t.max() for t in present).tz_convert(tz)
    else:
        tmin = tmax = lo if lo is not None else hi
    if tmin is None:
        return Periods(pd.DatetimeIndex([], tz=tz))
    first = lo if lo is not None else tmin
    if freq is None:
        begin = lo if lo is not None else first.normalize()
        stop = hi if hi is not None else tmax.normalize() + pd.DateOffset(days=1)
        if stop <= begin:
            return Periods(pd.DatetimeIndex([], tz=tz))
        return Periods(pd.DatetimeIndex([begin, stop]).as_unit("us"))
    if hi is not None and lo is not None and hi <= lo:
        return Periods(pd.DatetimeIndex([], tz=tz))
    offset = to_offset(freq)
    begin = offset.rollback(first.normalize())
    if lo is not None and begin < lo:
        begin = offset.rollforward(lo)
    last = tmax if hi is None else min(tmax, hi - pd.Timedelta(microseconds=1))
    bounds = pd.date_range(begin, max(begin, last), freq=offset)
    if len(bounds) == 0:
        return Periods(pd.DatetimeIndex([], tz=tz))
    bounds = bounds.append(pd.DatetimeIndex([bounds[-1] + offset]))
    if hi is not None:
        keep = bounds[:-1] < hi
        bounds = bounds[: int(keep.sum()) + 1]
    return Periods(pd.DatetimeIndex(bounds).as_unit("us"))
