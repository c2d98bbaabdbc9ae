"""Helpers shared by the X, LinkedIn, YouTube, TikTok and Snapchat export writers.

Private: the writers of :mod:`engagement_lib.simulate.exports` turn a canonical
table (see :mod:`engagement_lib.schema`) into the file a platform would give a
community manager. These helpers format cells, choose file names and apply the
"messy" post-processing (French Excel re-save, Excel-mangled IDs) through the
shared :mod:`engagement_lib.simulate.exports._mess` module.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = [
    "target_path",
    "utc",
    "date_span",
    "int_cell",
    "float_cell",
    "write_rows",
    "apply_mess",
    "check_posts",
    "count_or_zero",
    "local_days",
]


def utc(value) -> pd.Timestamp:
    """Return ``value`` as a tz-aware UTC timestamp (naive values are taken as UTC)."""
    ts = pd.Timestamp(value)
    return ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")


def local_days(dates, timezone: str) -> pd.Series:
    """Calendar days (naive midnights) of ``dates`` in ``timezone``.

    Daily tables (followers) store each day as the UTC instant of its local midnight;
    a platform prints the local calendar day. Naive input is taken as already local.
    """
    d = pd.to_datetime(pd.Series(dates))
    if isinstance(d.dtype, pd.DatetimeTZDtype):
        d = d.dt.tz_convert(timezone).dt.tz_localize(None)
    return d.dt.normalize()


def target_path(path, default_name: str) -> Path:
    """Where to write: ``path`` itself, or ``path/default_name`` when ``path`` is a folder.

    A path that exists as a directory, or that has no suffix, is a folder (created if
    needed) and the platform's own file name is used inside it.
    """
    path = Path(path)
    if path.is_dir() or not path.suffix:
        path.mkdir(parents=True, exist_ok=True)
        return path / default_name
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def date_span(dates: pd.Series, exported_at) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The (start, end) dates a platform would print in the file name.

    The start is the first date in the table (UTC calendar day), the end the export
    day: exports cover "from <start> to the day of the export".
    """
    end = utc(exported_at).normalize()
    d = pd.to_datetime(pd.Series(dates), utc=True).dropna()
    start = d.min().normalize() if len(d) else end
    return min(start, end), end


def int_cell(value, *, na: str = "") -> str:
    """An integer count as text (``na`` for a missing value)."""
    if value is None or pd.isna(value):
        return na
    return str(int(value))


def float_cell(value, *, na: str = "", digits: int | None = None) -> str:
    """A count or rate written as a float (``"424.0"``), as the classic X export does."""
    if value is None or pd.isna(value):
        return na
    if digits is not None:
        return f"{float(value):.{digits}f}"
    return repr(float(value))


def count_or_zero(value) -> int:
    """``int(value)``, 0 for a missing value (for derived, non-canonical figures)."""
    return 0 if value is None or pd.isna(value) else int(value)


def write_rows(
    path: Path,
    header: list[str],
    rows: list[list[str]],
    *,
    quote_all: bool = False,
    encoding: str = "utf-8",
    preamble: list[str] | None = None,
    delimiter: str = ",",
    lineterminator: str = "\n",
) -> Path:
    """Write a CSV (``csv`` quoting: all fields or minimal)."""
    quoting = csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL
    with open(path, "w", encoding=encoding, newline="") as fh:
        for line in preamble or []:
            fh.write(line + lineterminator)
        writer = csv.writer(
            fh, quoting=quoting, delimiter=delimiter, lineterminator=lineterminator
        )
        writer.writerow(header)
        writer.writerows(rows)
    return path


def check_posts(table: pd.DataFrame, required: tuple[str, ...], *, layout: str) -> pd.DataFrame:
    """Return a copy of ``table`` after checking the columns a writer needs."""
    missing = [c for c in required if c not in table.columns]
    if missing:
        raise ValueError(
            f"{layout}: the table lacks column(s) {', '.join(missing)}; "
            f"found {', '.join(map(str, table.columns))}"
        )
    return table.copy()


def _rng(rng):
    return rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)


def apply_mess(
    path: Path,
    *,
    resave=None,
    mangle_ids: float = 0.0,
    id_columns: tuple[str, ...] = (),
    rng=None,
) -> Path:
    """Apply the shared French-Excel re-save and ID mangling to a written CSV.

    Delegates to :mod:`engagement_lib.simulate.exports._mess` (the one place that knows
    what French Excel does to a file). Workbooks (``.xlsx``) are left alone: Excel keeps
    their cells typed and our writers store IDs as text.
    """
    if not resave and not mangle_ids:
        return path
    if path.suffix.lower() != ".csv":
        return path
    from . import _mess  # the shared implementation (Meta engineer's module)

    return _mess.apply(
        path, resave=resave, mangle_ids=mangle_ids, id_columns=id_columns, rng=_rng(rng)
    )
