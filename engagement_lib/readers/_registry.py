"""The layout registry: which export layouts exist and how a file is matched to one.

A *layout* is one version of one platform's export (for example Meta Business
Suite's Facebook posts CSV, or the legacy "Facebook Insights Data Export (Post
Level)" workbook). Layouts are **data**: a name, the network and canonical
table they feed, the file kind, an alias table (field → header variants in
English, French, old and new wordings) and a *signature* — the few fields that
must all be present for the layout to match. Detection reads the first rows of
a file, normalises the headers (:func:`~engagement_lib.readers._sniff.normalize_header`)
and picks the layout whose signature is a subset of the headers found — never
the full column set (Meta adds and drops columns from month to month) and never
the file name.

How a platform family registers its layouts
-------------------------------------------
One module per family (``readers/meta.py``, ``readers/x.py``,
``readers/linkedin.py``, ``readers/youtube.py``, ``readers/tiktok.py``,
``readers/snapchat.py``), imported by ``readers/__init__.py`` so that
registration happens on ``import engagement_lib.readers``. In the module::

    from ._registry import Layout, Table, register

    COLUMNS = {                       # field -> header variants (any language)
        "post_id": ["Post id", "Tweet id", "Identifiant du post"],
        "published_at": ["Date", "time"],
        "likes": ["Likes", "favorites", "J'aime"],
        ...
    }

    def _parse(table: Table):
        rows = pd.DataFrame({
            "source_row": table.source_rows,
            "post_id": table.ids("post_id"),          # strings; Excel-mangled IDs flagged
            "published_at": table.dates("published_at"),
            "likes": table.ints("likes"),             # Int64; bad cells -> NA + issue
            "text": table.texts("text"),
        })
        return table.result(rows, timezone="UTC")    # -> RawExport

    register(Layout(
        name="x_account_analytics_content", network="x", table="posts", kind="csv",
        columns=COLUMNS,
        signature=("post_id", "published_at", ("impressions", "views")),  # tuple = any of
        parse=_parse,
    ))

Rules of thumb:

* Every field in ``signature`` must be a key of ``columns``; a nested tuple
  means "any one of these". Choose fields that tell *your* layout apart from
  its neighbours; use ``exclude`` for fields whose presence rules it out.
* When several layouts match, the one matching the most fields wins (ties:
  higher ``priority``); a remaining tie is an error that names both.
* The parse function receives a :class:`Table` (header already found,
  columns resolved to fields, bilingual duplicates merged first-non-null) and
  returns a :class:`~engagement_lib.readers._base.RawExport` (or a list of them
  when the file holds several tables). Use the ``Table`` helpers so that a bad
  cell becomes <NA> plus an entry in ``RawExport.issues``, and summary rows go
  to ``skipped_rows`` via :meth:`Table.skip`.
* ``kind="xlsx"`` layouts are tried on every sheet (``sheet=`` restricts to
  sheets whose name starts with that text); the parse function can read the
  other sheets through ``table.workbook`` and mark them consumed with
  :meth:`Table.consume`.
* ``kind="json"`` layouts give ``match_json(obj) -> bool`` instead of a
  signature, and their parse function reads ``table.json``.
* Registered writers (``engagement_lib.simulate.exports``) use the same layout
  names, so that round-trip tests pair them.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .. import _threads
from . import _sniff
from ._base import ISSUE_COLUMNS, SKIPPED_COLUMNS, RawExport

__all__ = [
    "Layout",
    "Table",
    "register",
    "layouts",
    "get_layout",
    "exported_at_from_name",
    "HEADER_SEARCH_ROWS",
]

#: How many records from the top of a file (or sheet) are searched for the header.
HEADER_SEARCH_ROWS = 10

Signature = tuple[str | tuple[str, ...], ...]


@dataclass(frozen=True)
class Layout:
    """One export layout (platform, format version, file kind).

    Parameters
    ----------
    name : str
        Registry key, also the ``RawExport.layout`` and the writer key.
    network : str
        :class:`engagement_lib.schema.Network` value.
    table : str
        Canonical table fed: ``"posts"``, ``"followers"``, ``"audience"``,
        ``"conversations"`` (``"mixed"`` when the parse returns several).
    kind : {"csv", "xlsx", "json"}
        File kind the layout applies to (``"csv"`` covers every delimited
        text file, whatever its extension).
    columns : mapping of str to sequence of str
        Field → header variants. Variants are normalised on registration.
    signature : tuple
        Fields that must all be present (a nested tuple = any one of them).
    parse : callable
        ``parse(table: Table) -> RawExport | list[RawExport]``.
    exclude : tuple of str
        Fields whose presence rules the layout out.
    priority : int
        Tie-breaker between layouts matching the same number of fields.
    sheet : str, optional
        For workbooks: only sheets whose name starts with this text.
    match_json : callable, optional
        For JSON layouts: ``match_json(obj) -> bool``.
    ragged : bool
        Rows may have a different number of fields than the header
        (multi-block files); the field-count check is skipped.
    description : str
        One line shown in error messages and docs.
    """

    name: str
    network: str
    table: str
    kind: str
    parse: Callable
    columns: Mapping[str, Sequence[str]] = field(default_factory=dict)
    signature: Signature = ()
    exclude: tuple[str, ...] = ()
    priority: int = 0
    sheet: str | None = None
    match_json: Callable[[object], bool] | None = None
    ragged: bool = False
    description: str = ""

    def __post_init__(self):
        if self.kind not in ("csv", "xlsx", "json"):
            raise ValueError(f"layout {self.name}: kind must be csv, xlsx or json, not {self.kind!r}")
        for item in self.signature:
            for f in (item if isinstance(item, tuple) else (item,)):
                if f not in self.columns:
                    raise ValueError(f"layout {self.name}: signature field {f!r} not in columns")
        if self.kind == "json" and self.match_json is None:
            raise ValueError(f"layout {self.name}: a JSON layout needs match_json")
        if self.kind != "json" and not self.signature:
            raise ValueError(f"layout {self.name}: a tabular layout needs a signature")

    @property
    def aliases(self) -> dict[str, str]:
        """Normalised header variant → field."""
        return _aliases(self)

    def resolve(self, header: Sequence[str]) -> tuple[dict[str, list[int]], list[str]]:
        """Map header positions to fields.

        Returns
        -------
        fields : dict
            Field → positions (several for bilingual files and duplicates).
        fuzzy : list of str
            Raw headers that matched only through corrupted-character tolerance.
        """
        aliases = self.aliases
        out: dict[str, list[int]] = {}
        fuzzy = []
        for i, raw in enumerate(header):
            canon, is_fuzzy = _sniff.match_header(raw, aliases)
            if canon is None:
                continue
            out.setdefault(canon, []).append(i)
            if is_fuzzy:
                fuzzy.append(str(raw))
        return out, fuzzy

    def missing(self, fields: Mapping[str, object]) -> list[str]:
        """Signature items absent from ``fields`` (as readable header names)."""
        out = []
        for item in self.signature:
            options = item if isinstance(item, tuple) else (item,)
            if not any(f in fields for f in options):
                out.append(" or ".join(repr(self.columns[f][0]) for f in options))
        return out

    def matches(self, fields: Mapping[str, object]) -> bool:
        return not self.missing(fields) and not any(f in fields for f in self.exclude)


_ALIAS_CACHE: dict[int, dict[str, str]] = {}


def _aliases(layout: Layout) -> dict[str, str]:
    key = id(layout)
    if key not in _ALIAS_CACHE:
        table: dict[str, str] = {}
        for canon, variants in layout.columns.items():
            for v in variants:
                table.setdefault(_sniff.normalize_header(v), canon)
        _ALIAS_CACHE[key] = table
    return _ALIAS_CACHE[key]


_REGISTRY: dict[str, Layout] = {}


def register(layout: Layout, *, replace: bool = False) -> Layout:
    """Add a layout to the registry (idempotent for the same object)."""
    old = _REGISTRY.get(layout.name)
    if old is not None and old is not layout and not replace:
        raise ValueError(f"layout {layout.name!r} is already registered")
    _REGISTRY[layout.name] = layout
    return layout


def layouts(kind: str | None = None) -> list[Layout]:
    """Registered layouts, optionally of one file kind."""
    return [lay for lay in _REGISTRY.values() if kind is None or lay.kind == kind]


def get_layout(name: str) -> Layout:
    try:
        return _REGISTRY[name]
    except KeyError:
        raise KeyError(
            f"unknown layout {name!r}; registered: {', '.join(sorted(_REGISTRY))}"
        ) from None


# ---------------------------------------------------------------------------
# Table: what a parse function works on
# ---------------------------------------------------------------------------


class Table:
    """A tabular export with its header found, as handed to a layout's parse.

    Attributes
    ----------
    path : str
        File (``archive.zip!member`` inside a zip; ``file.xlsx`` for a sheet).
    kind : str
        ``"csv"``, ``"xlsx"`` or ``"json"``.
    header : list of str
        Raw header cells.
    normalized : list of str
        Normalised header cells.
    fields : dict
        Field → header positions (from the layout's alias table).
    records : list of list
        Raw data cells (strings for CSV, native values for workbooks), one list
        per data row, padded to the header width. For a table read through the
        columnar fast path (:attr:`columnar`) the lists are built on first use;
        the typed helpers never need them.
    lines : numpy.ndarray
        1-based physical line (or sheet row) of each record.
    header_line : int or None
    encoding, delimiter : str or None
    sheet : str or None
        Sheet name for workbooks.
    workbook : dict or None
        Sheet name → list of (row number, values) for every sheet of the
        workbook (for layouts that read several sheets).
    properties : dict
        Workbook properties (``created``, ``modified``...) or JSON metadata.
    json : object
        The decoded JSON document (JSON layouts).
    timezone : str
        Timezone asked by the caller for naive local timestamps.
    decimal : str or None
        Decimal mark implied by the file (``","`` when ``;``-delimited).
    preamble : list of list
        Records above the header (note lines, the metric-name line of Meta
        daily series...).
    mangled : numpy.ndarray of bool
        After :meth:`ids`: rows whose ID Excel turned into scientific notation.
    columnar : bool
        True when the cells are held as Arrow string columns (``columns=``, the
        fast path of large clean CSV files): the helpers then work vectorised,
        with the same results as on ``records``. ``nulled=`` may give the same
        columns with blank cells already null (computed in the parsing threads).
    """

    def __init__(self, *, path, kind, layout: Layout | None = None, header=(), records=(),
                 lines=(), header_line=None, encoding=None, delimiter=None, sheet=None,
                 workbook=None, properties=None, json=None, timezone="Europe/Paris",
                 decimal=None, pre_skipped=(), preamble=(), columns=None, nulled=None):
        self.path = str(path)
        self.kind = kind
        self.layout = layout
        self.header = [("" if h is None else str(h)) for h in header]
        self.normalized = [_sniff.normalize_header(h) for h in self.header]
        self._nulled = None if nulled is None else list(nulled)
        if columns is not None:
            self._records = None
            self._columns = list(columns)
            self._n = len(self._columns[0]) if self._columns else 0
        else:
            self._records = [list(r) for r in records]
            self._columns = None
            self._n = len(self._records)
        self.lines = np.asarray(lines if isinstance(lines, np.ndarray) else list(lines),
                                dtype="int64")
        self.header_line = header_line
        self.encoding = encoding
        self.delimiter = delimiter
        self.sheet = sheet
        self.workbook = workbook
        self.properties = dict(properties or {})
        self.json = json
        self.text: str | None = None  # decoded text of JSON files (for line numbers)
        self.timezone = timezone
        self.decimal = decimal
        self.preamble = [list(r) for r in preamble]
        self.consumed: set[str] = set()
        self.mangled = np.zeros(0, dtype=bool)
        self.tz_aware = False
        self._used: set[str] = set()
        self._frame: np.ndarray | None = None
        self._cols: dict[int, pd.Series] = {}
        self._acols: dict = {}  # header position -> Arrow column, blanks as null
        self._no_values = None  # the Arrow column of the positions without a value
        self._ready: dict = {}  # (helper, field) -> (cells, arguments, waiter): prefetch()
        self._dayfirst = False
        self._issues: list[dict] = []
        self._skipped: list[dict] = list(pre_skipped)
        self._warnings: list[str] = []
        self._keep = np.ones(self._n, dtype=bool)
        self.fields: dict[str, list[int]] = {}
        if layout is not None and layout.kind != "json":
            self.fields, fuzzy = layout.resolve(self.header)
            for raw in fuzzy:
                self.warn(f"header {raw!r} looks corrupted (bad re-encoding); matched by "
                          "tolerant comparison")

    # -- structure ---------------------------------------------------------
    def set_header(self, header: Sequence[str]) -> None:
        """Replace the header (e.g. after disambiguating duplicates) and re-resolve."""
        self.header = [("" if h is None else str(h)) for h in header]
        self.normalized = [_sniff.normalize_header(h) for h in self.header]
        if self.layout is not None:
            self.fields, _ = self.layout.resolve(self.header)

    def __len__(self) -> int:
        return self._n

    @property
    def columnar(self) -> bool:
        return self._columns is not None

    @property
    def records(self) -> list[list]:
        if self._records is None:  # columnar table: rows built on first use
            cols = [c.to_pylist() for c in self._columns]
            self._records = [list(r) for r in zip(*cols, strict=True)] if cols else \
                [[] for _ in range(self._n)]
        return self._records

    @property
    def source_rows(self) -> np.ndarray:
        """Physical line numbers of the rows still kept (see :meth:`skip`)."""
        return self.lines[self._keep]

    def has(self, name: str) -> bool:
        return name in self.fields

    def _arrow_position(self, p: int):
        """All cells of one header position as an Arrow string column, blanks null (cached).

        Columns without a value (frequent: Meta exports carry many empty
        columns) all share one null column, of the ``large_string`` type pandas
        keeps: no memory per empty column.
        """
        if p not in self._acols:
            col = None
            if p < len(self._columns):
                col = self._nulled[p] if self._nulled is not None else \
                    _sniff.arrow_null_blanks(self._columns[p])
            if col is None or col.null_count == len(col):
                if self._no_values is None:
                    import pyarrow as pa

                    self._no_values = pa.chunked_array([pa.nulls(self._n, pa.large_string())])
                col = self._no_values
            self._acols[p] = col
        return self._acols[p]

    def _position(self, p: int) -> pd.Series:
        """All cells of one header position (object dtype, blanks as None), cached."""
        if p not in self._cols and self.columnar:
            cells = self._arrow_position(p).to_numpy(zero_copy_only=False)
            self._cols[p] = pd.Series(cells, dtype="object")
        if p not in self._cols:
            if self._frame is None:
                self._frame = _cells(self.records)
            if p < self._frame.shape[1]:
                col = pd.Series(self._frame[:, p], dtype="object")
            else:
                col = pd.Series([None] * len(self.records), dtype="object")
            col = col.where(~_sniff.blank_mask(col), None)
            self._cols[p] = col.reset_index(drop=True)
        return self._cols[p]

    def cells(self, name: str, *, keep_all: bool = False):
        """Raw cells of a field in the table's own storage: an Arrow string
        array (blanks null) for a :attr:`columnar` table, else what
        :meth:`raw` gives. The ``_sniff`` parsers accept both."""
        if not self.columnar:
            return self.raw(name, keep_all=keep_all)
        if name in self.fields:
            self._used.add(name)
        return self._field_cells(name, keep_all=keep_all)

    def _field_cells(self, name: str, *, keep_all: bool = False):
        """:meth:`cells` of a columnar table, without marking the field as read."""
        pos = self.fields.get(name)
        if not pos:
            return None
        import pyarrow as pa
        import pyarrow.compute as pc

        out = None
        for p in pos:  # bilingual duplicates: the first value present
            col = self._arrow_position(p)
            if out is None or out is self._no_values:
                out = col
            elif col is not self._no_values:
                out = pc.coalesce(out, col)
        if keep_all or self._keep.all():
            return out
        return pc.filter(out, pa.array(self._keep))

    def raw(self, name: str, *, keep_all: bool = False) -> pd.Series | None:
        """Raw cells of a field (object dtype, blanks as None), bilingual
        duplicates merged first-non-null; None when the field is absent."""
        if self.columnar:
            cells = self.cells(name, keep_all=keep_all)
            return None if cells is None else pd.Series(
                cells.to_numpy(zero_copy_only=False), dtype="object")
        pos = self.fields.get(name)
        if not pos:
            return None
        self._used.add(name)
        out = None
        for p in pos:
            col = self._position(p)
            out = col if out is None else out.where(out.notna(), col)
        return out if keep_all else out[self._keep].reset_index(drop=True)

    def raw_position(self, position: int) -> pd.Series:
        """Raw cells of one header position (for layouts that need them)."""
        return self._position(position)[self._keep].reset_index(drop=True)

    def set_records(self, header, records, lines) -> None:
        """Replace header, records and lines (layouts that build their own rows, e.g. JSON)."""
        self._records = [list(r) for r in records]
        self._columns, self._n = None, len(self._records)
        self.lines = np.asarray(list(lines), dtype="int64")
        self._keep = np.ones(self._n, dtype=bool)
        self._frame, self._cols, self._acols, self._no_values = None, {}, {}, None
        self._nulled, self._ready = None, {}
        self.header = [str(h) for h in header]
        self.normalized = [_sniff.normalize_header(h) for h in self.header]
        self.fields = {h: [i] for i, h in enumerate(self.header)}

    # -- rows that are not data ------------------------------------------
    def skip(self, mask, reason: str) -> int:
        """Mark rows (boolean mask over *all* records) as non-data, with a reason."""
        mask = np.asarray(mask, dtype=bool) & self._keep
        for line in self.lines[mask]:
            self._skipped.append({"source_row": int(line), "reason": reason})
        self._keep &= ~mask
        return int(mask.sum())

    def all_rows(self, name: str) -> pd.Series | None:
        """Like :meth:`raw` but over every record (for building skip masks)."""
        return self.raw(name, keep_all=True)

    # -- issues and warnings ----------------------------------------------
    def warn(self, message: str) -> None:
        if message not in self._warnings:
            self._warnings.append(message)

    def issue(self, mask, column: str, values, reason: str) -> None:
        """Record cells (mask over *kept* rows) that could not be parsed."""
        mask = np.asarray(mask, dtype=bool)
        if not mask.any():
            return
        rows = self.source_rows[mask]
        if _sniff.is_arrow(values):
            vals = _sniff._take(values, mask)
        else:
            vals = pd.Series(values, dtype="object").to_numpy()[mask]
        for r, v in zip(rows, vals, strict=True):
            self._issues.append({"source_row": int(r), "column": column,
                                 "value": None if v is None else str(v), "reason": reason})

    # -- typed columns --------------------------------------------------------
    def _na(self, dtype) -> pd.Series:
        return pd.Series(pd.NA, index=range(int(self._keep.sum())), dtype=dtype)

    def prefetch(self, *, ints: Sequence[str] = (), texts: Sequence[str] = (),
                 dates: Mapping[str, str] | None = None) -> None:
        """Start converting these fields on worker threads (large columnar tables only).

        The conversions run while the layout goes on; :meth:`ints`, :meth:`texts`
        and :meth:`dates` then take their results (when the cells and the
        arguments are still the same) and record issues and warnings themselves,
        in their own call order: the outcome is the same as without prefetching.
        Fields are not marked as read here. Give only fields the layout reads
        unconditionally; ``dates`` maps a field to the ``column=`` it is read
        with (default arguments otherwise).
        """
        if not self.columnar or _threads.workers(self._n) <= 1:
            return
        jobs = []  # queued in this order: dates (layouts read them first), counts, texts
        for name, column in (dates or {}).items():
            args = (True if self._dayfirst else None, None, column or name)
            jobs.append(("dates", name, args, functools.partial(
                _sniff.parse_datetimes, dayfirst=args[0], date_format=None, name=args[2])))
        jobs += [("ints", name, (), functools.partial(_sniff.to_integers, decimal=self.decimal))
                 for name in ints]
        jobs += [("texts", name, (), _stripped_series) for name in texts]
        for kind, name, args, job in jobs:
            raw = self._field_cells(name)
            if raw is not None:
                self._ready[kind, name] = (raw, args, _threads.background(job, raw,
                                                                          rows=self._n))

    def _prefetched(self, kind: str, name: str, raw, args=()):
        """The result :meth:`prefetch` computed from exactly these cells and
        arguments, else None."""
        hit = self._ready.pop((kind, name), None)
        return hit[2]() if hit is not None and hit[0] is raw and hit[1] == args else None

    def ints(self, name: str, *, column: str | None = None) -> pd.Series:
        """Counts as nullable ``Int64``; absent field → all <NA>; bad cells → <NA> + issue."""
        raw = self.cells(name)
        if raw is None:
            return self._na("Int64")
        got = self._prefetched("ints", name, raw)
        vals, bad = got if got is not None else _sniff.to_integers(raw, decimal=self.decimal)
        self.issue(bad.to_numpy(), column or name, raw, "not a whole number")
        return vals.reset_index(drop=True)

    def floats(self, name: str, *, column: str | None = None) -> pd.Series:
        raw = self.cells(name)
        if raw is None:
            return self._na("Float64")
        vals, bad = _sniff.to_numbers(raw, decimal=self.decimal)
        self.issue(bad.to_numpy(), column or name, raw, "not a number")
        return vals.astype("Float64").reset_index(drop=True)

    def texts(self, name: str) -> pd.Series:
        """Text cells as ``str`` dtype (blank → <NA>), surrounding spaces kept out."""
        raw = self.cells(name)
        if raw is None:
            return self._na("str")
        if _sniff.is_arrow(raw):
            got = self._prefetched("texts", name, raw)
            return got if got is not None else _stripped_series(raw)
        return raw.where(raw.isna(), raw.astype(str).str.strip()).astype("str")

    def dates(self, name: str, *, dayfirst: bool | None = None, date_format: str | None = None,
              column: str | None = None) -> pd.Series:
        """Timestamps (naive or UTC, see :func:`_sniff.parse_datetimes`); bad → NaT + issue.

        Month-first unless a first part greater than 12 appears; once one
        column of the file switched to day-first (with a warning), the other
        date columns of the file are read day-first too. Sets :attr:`tz_aware`
        for :meth:`result`.
        """
        raw = self.cells(name)
        if raw is None:
            return pd.Series(pd.NaT, index=range(int(self._keep.sum())), dtype="datetime64[us]")
        if dayfirst is None and self._dayfirst:
            dayfirst = True  # a switch to day-first holds for the whole file
        res = self._prefetched("dates", name, raw, (dayfirst, date_format, column or name))
        if res is None:
            res = _sniff.parse_datetimes(raw, dayfirst=dayfirst, date_format=date_format,
                                         name=column or name)
        self._dayfirst = self._dayfirst or (res.dayfirst and date_format is None)
        if res.warning:
            self.warn(res.warning)
        self.issue(res.bad.to_numpy(), column or name, raw, "not a date/time")
        self.tz_aware = self.tz_aware or res.tz_aware
        return res.values.reset_index(drop=True)

    def ids(self, name: str, *, column: str = "post_id", values: pd.Series | None = None
            ) -> pd.Series:
        """Identifiers as strings (``.0`` tails, ``'`` guards and spaces removed).

        Excel-mangled IDs (``1.22158E+17``) are kept *as found* (what is left of
        the digits helps cleaning check an ID recovered from the permalink),
        listed in :attr:`mangled` and recorded as issues with a reason starting
        ``"Excel-mangled ID"``.
        """
        raw = self.cells(name) if values is None else values.reset_index(drop=True)
        if raw is None:
            return self._na("str")
        out, mangled = self.id_strings(raw)
        self.issue(mangled, column, out, "Excel-mangled ID in scientific notation (digits lost); "
                   "re-key on the permalink")
        self.mangled = mangled
        return out

    @staticmethod
    def id_strings(raw) -> tuple[pd.Series, np.ndarray]:
        """Cleaned ID strings (``str`` dtype, see :func:`_sniff.clean_id`) and the
        Excel-mangled mask of raw cells (a Series or an Arrow array), no issue recorded."""
        if _sniff.is_arrow(raw):
            out, mangled = _sniff.arrow_ids(raw)
            return _str_series(out), mangled
        out = _sniff.clean_ids(raw)
        return out.astype("str"), _sniff.mangled_mask(out)

    def extras(self, used: Sequence[str] | None = None) -> pd.DataFrame:
        """Columns not read into canonical columns, as ``extra:<normalised header>``.

        ``used`` lists the fields consumed; default: every field read through
        :meth:`raw` (and the typed helpers) so far.
        """
        used = self._used if used is None else set(used)
        mapped = {p for f, pos in self.fields.items() if f in used for p in pos}
        out = {}
        for i, norm in enumerate(self.normalized):
            if i in mapped or not norm:
                continue
            name = f"extra:{norm}"
            if name in out:
                continue
            if self.columnar:
                import pyarrow as pa
                import pyarrow.compute as pc

                col = self._arrow_position(i)
                if not self._keep.all():
                    col = pc.filter(col, pa.array(self._keep))
                out[name] = col  # made a Series below, all at once
                continue
            col = self.raw_position(i)
            out[name] = col.where(col.isna(), col.astype(str)).astype("str")
        if self.columnar:  # Arrow → pandas (a copy of the offsets each): on parallel threads
            names = list(out)
            out = dict(zip(names, _threads.in_parallel(_str_series, out.values(),
                                                       _threads.workers(self._n)), strict=True))
        return pd.DataFrame(out, index=range(int(self._keep.sum())), copy=False)

    def consume(self, sheet: str) -> None:
        """Mark another sheet of the workbook as read by this layout."""
        self.consumed.add(sheet)

    # -- the product -----------------------------------------------------------
    def result(self, rows: pd.DataFrame, *, table: str | None = None,
               network: str | None = None, layout: str | None = None,
               timezone: str | None = None, exported_at=None, language: str = "en",
               metric_era: str | None = None, extras: bool = True) -> RawExport:
        """Assemble the :class:`RawExport` (issues, skipped rows, warnings included).

        ``timezone`` defaults to ``"UTC"`` when dates were tz-aware, else the
        caller's timezone. ``exported_at`` defaults to workbook/JSON metadata,
        then the date range in the file name.
        """
        rows = rows.reset_index(drop=True)
        if "source_row" not in rows:
            rows.insert(0, "source_row", self.source_rows)
        rows["source_row"] = rows["source_row"].astype("int64")
        if extras and self.kind != "json":
            ext = self.extras(used=None)
            ext = ext[[c for c in ext.columns if c not in rows.columns]]
            if len(ext.columns) and len(ext) == len(rows):
                rows = pd.concat([rows, ext], axis=1)
        if timezone is None:
            timezone = "UTC" if self.tz_aware else self.timezone
        if exported_at is None:
            exported_at = self.exported_at()
        lay = self.layout
        return RawExport(
            path=self.path,
            layout=layout or (lay.name if lay else "generic"),
            network=network or (lay.network if lay else ""),
            table=table or (lay.table if lay else "posts"),
            rows=rows,
            timezone=timezone,
            exported_at=exported_at,
            encoding=self.encoding,
            delimiter=self.delimiter,
            header_line=self.header_line,
            language=language,
            metric_era=metric_era,
            issues=_frame(self._issues, ISSUE_COLUMNS),
            skipped_rows=_frame(self._skipped, SKIPPED_COLUMNS),
            warnings=tuple(self._warnings),
        )

    def exported_at(self) -> pd.Timestamp | None:
        """Export time from metadata (``exported_at``/``created``) or the file name."""
        for key in ("exported_at", "created", "modified"):
            val = self.properties.get(key)
            if val is not None:
                ts = pd.Timestamp(val)
                if pd.isna(ts):
                    continue
                return ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")
        return exported_at_from_name(self.path)

    @property
    def language(self) -> str:
        """``"fr"``, ``"en"`` or ``"bilingual"`` from the header words."""
        return guess_language(self.normalized)


def _stripped_series(cells) -> pd.Series:
    """:meth:`Table.texts` of Arrow cells."""
    return _str_series(_sniff.arrow_stripped(cells))


def _str_series(cells) -> pd.Series:
    """An Arrow string array as a pandas ``str`` Series (nulls → NaN), RangeIndex."""
    return pd.Series(pd.array(cells, dtype="str"))


def _cells(records: list[list]) -> np.ndarray:
    """Records as a 2-D object array (ragged rows padded with None), no type inference."""
    width = max((len(r) for r in records), default=0)
    out = np.full((len(records), width), None, dtype=object)
    for i, r in enumerate(records):
        out[i, :len(r)] = r
    return out


def _frame(records: list[dict], columns: list[str]) -> pd.DataFrame:
    if not records:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in columns})
    df = pd.DataFrame.from_records(records, columns=columns)
    df["source_row"] = df["source_row"].astype("int64")
    return df


_FR_WORDS = re.compile(
    r"\b(identifiant|publication|permalien|couverture|vues|partages|commentaires|heure de|"
    r"enregistrements|mentions j'aime|duree|abonnes|titre|nom de|followers en plus|type de|"
    r"clics|repartition|genre|tranche d'age|pays principaux|villes principales|lectures|"
    r"est un|langues|nom du compte|id du compte)\b"
)
_EN_WORDS = re.compile(
    r"\b(post id|publish time|permalink|reach|views|shares|comments|likes|saves|follows|title|"
    r"post type|page name|account|impressions|clicks|gender|distribution|duration|plays|"
    r"languages|is share|is crosspost)\b"
)


def guess_language(normalized_headers: Sequence[str]) -> str:
    """Guess the language of a header row: ``"fr"``, ``"en"`` or ``"bilingual"``."""
    fr = sum(bool(_FR_WORDS.search(h)) for h in normalized_headers)
    en = sum(bool(_EN_WORDS.search(h)) for h in normalized_headers)
    if fr and en and min(fr, en) >= 2:
        return "bilingual"
    return "fr" if fr > en else "en"


# ---------------------------------------------------------------------------
# Export date from the file name
# ---------------------------------------------------------------------------

_MON = r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
_NAME_PATTERNS = [
    # Meta Business Suite: Aug-01-2025_Aug-31-2025_1039829308656930.csv
    (re.compile(_MON + r"-(\d{2})-(\d{4})_" + _MON + r"-(\d{2})-(\d{4})", re.I),
     lambda m: f"{m.group(6)}-{m.group(4)}-{m.group(5)}"),
    # legacy Insights: ... - 2019-01-01 - 2019-03-31.csv ; X: _2026-07-01_2026-07-31
    (re.compile(r"(\d{4}-\d{2}-\d{2})\s*(?:-|_|to|au)\s*(\d{4}-\d{2}-\d{2})"),
     lambda m: m.group(2)),
    # tweet_activity_metrics_handle_20150901_20150930_en.csv
    (re.compile(r"(?<!\d)(\d{8})_(\d{8})(?!\d)"), lambda m: m.group(2)),
]


def exported_at_from_name(path) -> pd.Timestamp | None:
    """The end of the date range written in an export's file name, as UTC midnight.

    Day precision, and a lower bound: an export covering a range is made on
    or after its last day. Returns None when the name has no recognised range.

    Examples
    --------
    >>> exported_at_from_name("Aug-01-2025_Aug-31-2025_1039829308656930.csv")
    Timestamp('2025-08-31 00:00:00+0000', tz='UTC')
    """
    name = Path(str(path).split("!")[-1]).name
    for pat, end in _NAME_PATTERNS:
        m = pat.search(name)
        if m:
            ts = pd.to_datetime(end(m), errors="coerce")
            if pd.notna(ts):
                return pd.Timestamp(ts).tz_localize("UTC")
    return None
