"""The slice of the cleaned data a monthly report is about: one collectivité, one month.

:func:`select` finds the collectivité (by id or by name, accents and case
ignored), checks that the month has data and returns a :class:`ReportData`
holding that collectivité's tables. The errors say what was found instead.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import pandas as pd

from ..errors import EngagementError

__all__ = ["ReportError", "ReportData", "slugify", "local_month", "coverage", "select", "TZ"]

#: Local time of the calendar and of every time shown in the report.
TZ = "Europe/Paris"

_TIME = {"posts": "published_at", "followers": "date", "conversations": "received_at"}


class ReportError(EngagementError, ValueError):
    """The report cannot be built: unknown collectivité, a month without data, bad option."""


def slugify(name: str) -> str:
    """Collectivité id of a display name: ``"Romans-sur-Isère"`` → ``"romans_sur_isere"``."""
    text = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


def local_month(month) -> pd.Timestamp:
    """Start of ``month`` (``"2019-01"``, Period or Timestamp) at local midnight, Europe/Paris."""
    if isinstance(month, pd.Period):
        month = month.start_time
    try:
        stamp = pd.Timestamp(month)
    except (TypeError, ValueError):
        raise ReportError(f"month {month!r} is not a month; expected YYYY-MM (e.g. 2019-01)"
                          ) from None
    if pd.isna(stamp):
        raise ReportError(f"month {month!r} is not a month; expected YYYY-MM (e.g. 2019-01)")
    stamp = stamp.tz_localize(TZ) if stamp.tzinfo is None else stamp.tz_convert(TZ)
    return stamp.normalize().replace(day=1)


def _table(data, name):
    frame = data.get(name) if isinstance(data, dict) else getattr(data, name, None)
    if frame is None:
        from ..schema import empty

        return empty(name)
    return frame


def coverage(tables: dict[str, pd.DataFrame]) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """First and last local timestamps of posts, follower counts and conversations (or None)."""
    times = [f[_TIME[n]].dropna() for n, f in tables.items() if n in _TIME and len(f)]
    times = [t for t in times if len(t)]
    if not times:
        return None
    return (min(t.min() for t in times).tz_convert(TZ), max(t.max() for t in times).tz_convert(TZ))


@dataclass(frozen=True)
class ReportData:
    """One collectivité's cleaned tables and the month reported on.

    Attributes
    ----------
    collectivite : str
        Id in the data.
    month : pandas.Timestamp
        Local (Europe/Paris) start of the month.
    posts, followers, conversations, audience : pandas.DataFrame
        The collectivité's rows (all dates).
    clean : CleanData or None
        The whole cleaning result (for the report's methods section), when given.
    """

    collectivite: str
    month: pd.Timestamp
    posts: pd.DataFrame
    followers: pd.DataFrame
    conversations: pd.DataFrame
    audience: pd.DataFrame
    clean: object | None

    @property
    def next_month(self) -> pd.Timestamp:
        """Local start of the month after."""
        return self.month + pd.DateOffset(months=1)

    @property
    def previous_month(self) -> pd.Timestamp:
        """Local start of the month before."""
        return self.month - pd.DateOffset(months=1)

    def in_month(self, name: str, month: pd.Timestamp | None = None) -> pd.DataFrame:
        """Rows of table ``name`` dated in ``month`` (default: the report's month), local time."""
        frame = getattr(self, name)
        start = (month if month is not None else self.month).tz_convert("UTC")
        end = (start.tz_convert(TZ) + pd.DateOffset(months=1)).tz_convert("UTC")
        col = frame[_TIME[name]]
        return frame[(col >= start) & (col < end)]

    @property
    def tables(self) -> dict[str, pd.DataFrame]:
        """The collectivité's posts, followers and conversations."""
        return {n: getattr(self, n) for n in ("posts", "followers", "conversations")}


def select(data, collectivite: str, month) -> ReportData:
    """The collectivité's tables and the month; raise :class:`ReportError` when absent.

    Parameters
    ----------
    data : CleanData or dict of DataFrames
        Cleaned tables (``posts``, ``followers``, ``conversations``,
        optionally ``audience``).
    collectivite : str
        Id (``"romans_sur_isere"``) or name (``"Romans-sur-Isère"``).
    month : str, Period or Timestamp
        The month of the report.
    """
    tables = {n: _table(data, n) for n in ("posts", "followers", "conversations", "audience")}
    found = sorted(set().union(*(set(f["collectivite"].dropna().astype(str)) for f in
                                 tables.values() if len(f))))
    if not found:
        raise ReportError("the data hold no posts, follower counts, conversations or audience rows")
    cid = collectivite if collectivite in found else slugify(collectivite)
    if cid not in found:
        raise ReportError(f"collectivité {collectivite!r} is not in the data; found: "
                          f"{', '.join(found)}")
    own = {n: f[f["collectivite"].astype(str) == cid] for n, f in tables.items()}
    start = local_month(month)
    sel = ReportData(collectivite=cid, month=start, clean=None if isinstance(data, dict) else data,
                     **own)
    if not any(len(sel.in_month(n)) for n in ("posts", "followers", "conversations")):
        span = coverage({n: own[n] for n in _TIME})
        where = (f"the data of {cid} cover {span[0]:%Y-%m} to {span[1]:%Y-%m}" if span
                 else f"{cid} has no dated posts, follower counts or conversations")
        raise ReportError(f"no posts, follower counts or conversations for {cid} in "
                          f"{start:%Y-%m}; {where}")
    return sel
