"""Read an analyst's own table (any tool, any layout) with an explicit column mapping.

:func:`read_table` is the escape hatch for files no registered layout knows:
a spreadsheet kept by hand, an export of a third-party tool (Hootsuite,
Agorapulse, Swello...), or a research dataset. The caller says which header
holds which canonical column; everything else (encoding, delimiter, header
row, French numbers, month-first dates, Excel-mangled IDs, physical line
numbers) is sniffed exactly as for platform exports.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from ..errors import ExportFormatError
from ..schema import METRICS, TABLES, Network
from . import _sniff
from ._base import RawExport
from ._detect import _check_widths, _kind, _load_workbook, sniff_table
from ._registry import HEADER_SEARCH_ROWS, Layout, Table

__all__ = ["read_table"]

_ID_COLUMNS = frozenset({"post_id", "conversation_id"})
_DATE_COLUMNS = frozenset({"published_at", "date", "received_at", "replied_at"})
_INT_COLUMNS = frozenset(METRICS) | {"followers", "new_followers", "lost_followers"}
_FLOAT_COLUMNS = frozenset({"share"})
_BOOL_COLUMNS = frozenset({"is_paid"})
_TRUE = frozenset({"true", "yes", "oui", "vrai", "1", "y", "o", "paid", "sponsorise", "boosted"})
_FALSE = frozenset({"false", "no", "non", "faux", "0", "n", "organic", "organique"})


def _infer_table(mapping: Mapping[str, str]) -> str:
    keys = set(mapping)
    if keys & {"post_id", "published_at"}:
        return "posts"
    if "received_at" in keys:
        return "conversations"
    if "share" in keys or "bracket" in keys:
        return "audience"
    if keys & {"followers", "new_followers", "lost_followers"}:
        return "followers"
    raise ValueError(
        "cannot tell which canonical table this mapping feeds; pass table= "
        f"({', '.join(t for t in TABLES if t not in ('collectivites', 'indicators'))})")


def _bools(table: Table, name: str) -> pd.Series:
    raw = table.raw(name)
    if raw is None:
        return pd.Series(pd.NA, index=range(len(table.source_rows)), dtype="boolean")
    norm = raw.map(lambda v: None if v is None else _sniff.normalize_header(v))
    out = norm.map(lambda v: True if v in _TRUE else False if v in _FALSE else None)
    bad = norm.notna() & out.isna()
    table.issue(bad.to_numpy(), name, raw, "not a yes/no value")
    return out.astype("boolean")


def read_table(path, *, mapping: Mapping[str, str], network: str, table: str | None = None,
               collectivite: str | None = None, account: str | None = None,
               date_format: str | None = None, dayfirst: bool | None = None,
               timezone: str = "Europe/Paris", sheet: str | None = None) -> RawExport:
    """Read a table of any layout given a mapping canonical column → source header.

    Parameters
    ----------
    path : str or pathlib.Path
        A delimited text file (any encoding/delimiter) or an ``.xlsx`` workbook.
    mapping : dict
        Canonical column (see :mod:`engagement_lib.schema`, e.g.
        ``"post_id"``, ``"published_at"``, ``"likes"``) → header in the file.
        Headers are compared after normalisation (case, accents, curly
        apostrophes, NBSP). Unmapped columns are kept as ``extra:<header>``.
    network : str
        A :class:`~engagement_lib.schema.Network` value.
    table : str, optional
        Canonical table (``"posts"``, ``"followers"``, ``"audience"``,
        ``"conversations"``); inferred from the mapping when omitted.
    collectivite, account : str, optional
        Constant values added as columns when the file has none.
    date_format : str, optional
        strptime format of the date columns; default: detect (month-first
        ``M/D/YYYY`` with a day-first switch and warning when a first part
        exceeds 12, ISO 8601, month names).
    dayfirst : bool, optional
        Force day-first (True) or month-first (False) slash dates.
    timezone : str, default "Europe/Paris"
        Timezone of naive timestamps (recorded in ``RawExport.timezone``).
    sheet : str, optional
        Workbook sheet (default: the first sheet holding the mapped headers).

    Returns
    -------
    RawExport
        ``layout="generic"``; rows typed as the canonical columns (IDs as
        strings, counts as ``Int64``, timestamps naive or UTC), with
        ``source_row`` the physical line of each row.

    Raises
    ------
    ExportFormatError
        A mapped header is not found in the first rows (naming the missing
        headers and those found), or the file is empty, truncated or binary.

    Examples
    --------
    >>> raw = read_table("Live.csv", network="facebook", mapping={  # doctest: +SKIP
    ...     "post_id": "status_id", "media_type": "status_type",
    ...     "published_at": "status_published", "likes": "num_reactions",
    ...     "comments": "num_comments", "shares": "num_shares"})
    """
    if not mapping:
        raise ValueError("mapping is empty: give at least one canonical column -> header")
    Network(network)  # raises ValueError on an unknown network
    table_name = table or _infer_table(mapping)
    path = str(path)
    data = _sniff.read_bytes(path)
    kind = _kind(data)
    layout = Layout(name="generic", network=network, table=table_name,
                    kind="xlsx" if kind == "xlsx" else "csv",
                    columns={k: [v] for k, v in mapping.items()},
                    signature=tuple(mapping), parse=lambda t: t)
    if kind == "xlsx":
        sheets, meta = _load_workbook(data, path)
        names = [sheet] if sheet is not None else list(sheets)
        if sheet is not None and sheet not in sheets:
            raise ExportFormatError(f"no sheet {sheet!r} (sheets: {', '.join(sheets)})", path=path)
        found = None
        for name in names:
            rows = sheets[name]
            for i, (_, values) in enumerate(rows[:HEADER_SEARCH_ROWS]):
                if layout.matches(layout.resolve(["" if v is None else str(v)
                                                  for v in values])[0]):
                    found = (name, rows, i)
                    break
            if found:
                break
        if found is None:
            first = sheets[names[0]] if names and sheets.get(names[0]) else []
            raise _missing(layout, mapping, [v for _, v in first], path,
                           first[0][0] if first else 1)
        name, rows, h = found
        header = ["" if v is None else str(v) for v in rows[h][1]]
        width = len(header)
        body = [list(v[:width]) + [None] * (width - len(v[:width])) for _, v in rows[h + 1:]]
        tab = Table(path=path, kind="xlsx", layout=layout, header=header, records=body,
                    lines=[n for n, _ in rows[h + 1:]], header_line=rows[h][0], sheet=name,
                    properties=meta, timezone=timezone,
                    pre_skipped=[{"source_row": n, "reason": "note row before the header"}
                                 for n, _ in rows[:h]])
    elif kind in ("csv",):
        lines, rows, info = sniff_table(data, path)
        h = next((i for i, r in enumerate(rows[:HEADER_SEARCH_ROWS])
                  if layout.matches(layout.resolve(r)[0])), None)
        if h is None:
            raise _missing(layout, mapping, rows, path, lines[0])
        header = rows[h]
        body = _check_widths(lines[h + 1:], rows[h + 1:], header, path)
        tab = Table(path=path, kind="csv", layout=layout, header=header, records=body,
                    lines=lines[h + 1:], header_line=lines[h], timezone=timezone,
                    pre_skipped=[{"source_row": ln, "reason": "note line before the header"}
                                 for ln in lines[:h]], **info)
    else:
        raise ExportFormatError(f"read_table reads CSV and XLSX files, not a {kind} file",
                                path=path)
    cols: dict[str, pd.Series] = {}
    for canon in mapping:
        if canon in _ID_COLUMNS:
            cols[canon] = tab.ids(canon, column=canon)
        elif canon in _DATE_COLUMNS:
            cols[canon] = tab.dates(canon, dayfirst=dayfirst, date_format=date_format)
        elif canon in _INT_COLUMNS:
            cols[canon] = tab.ints(canon)
        elif canon in _FLOAT_COLUMNS:
            cols[canon] = tab.floats(canon)
        elif canon in _BOOL_COLUMNS:
            cols[canon] = _bools(tab, canon)
        else:
            cols[canon] = tab.texts(canon)
    rows_df = pd.DataFrame(cols, index=range(len(tab.source_rows)))
    rows_df.insert(0, "source_row", tab.source_rows)
    if collectivite is not None and "collectivite" not in rows_df:
        rows_df["collectivite"] = collectivite
    if account is not None and "account" not in rows_df:
        rows_df["account"] = account
    rows_df["network"] = network
    return tab.result(rows_df, layout="generic", network=network, table=table_name,
                      language=tab.language)


def _missing(layout, mapping, rows, path, line) -> ExportFormatError:
    header = [str(c) for c in (rows[0] if rows else []) if c not in (None, "")]
    fields = layout.resolve(header)[0]
    missing = [repr(mapping[k]) for k in mapping if k not in fields]
    shown = ", ".join(repr(h) for h in header[:15]) + (" ..." if len(header) > 15 else "")
    return ExportFormatError(
        f"mapped header(s) {', '.join(missing)} not found in the first {HEADER_SEARCH_ROWS} "
        f"rows; the first row has {shown or 'nothing'}", path=path, line=line)
