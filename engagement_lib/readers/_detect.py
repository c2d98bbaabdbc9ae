"""Open a file, find its layout, hand it to the layout's parse function.

:func:`read_export` (one file), :func:`read_exports` (a folder) and
:func:`detect` (which layout, without parsing) live here; layouts themselves
are registered in :mod:`._registry` by the family modules.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from ..errors import ExportFormatError
from . import _columnar, _sniff
from ._base import RawExport
from ._registry import HEADER_SEARCH_ROWS, Layout, Table, get_layout, layouts

__all__ = ["read_export", "read_exports", "detect", "ReadResult", "ReadFailure", "sniff_table"]

#: Files a folder scan does not try to read (documentation, images, code, lock files).
IGNORED_SUFFIXES = frozenset({
    ".md", ".rst", ".pdf", ".png", ".jpg", ".jpeg", ".gif", ".svg", ".html", ".htm", ".py",
    ".ipynb", ".docx", ".doc", ".pptx", ".parquet", ".pkl", ".db", ".sqlite", ".log", ".ini",
    ".yml", ".yaml", ".toml",
})

_XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

#: Read clean UTF-8 CSV files through the columnar fast path (:mod:`._columnar`);
#: False forces the careful path everywhere (the fast path's reference in tests).
COLUMNAR = True
#: Files from this size are memory-mapped for the columnar path instead of read.
MAP_MIN_BYTES = 8 << 20


@dataclass(frozen=True)
class ReadFailure:
    """A file :func:`read_exports` could not read (with ``errors="collect"``)."""

    path: str
    error: Exception

    def __str__(self) -> str:
        return str(self.error)


class ReadResult(list):
    """The exports read from a folder: a ``list`` of :class:`RawExport`, plus
    ``failures`` (a tuple of :class:`ReadFailure`, empty unless
    ``errors="collect"``)."""

    def __init__(self, exports: Iterable[RawExport] = (), failures: Iterable[ReadFailure] = ()):
        super().__init__(exports)
        self.failures = tuple(failures)

    def __repr__(self) -> str:
        return f"ReadResult({len(self)} exports, {len(self.failures)} failures)"


# ---------------------------------------------------------------------------
# File kinds
# ---------------------------------------------------------------------------


def _kind(data: bytes) -> str:
    if data.startswith(_XLS_MAGIC):
        return "xls"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                names = zf.namelist()
        except zipfile.BadZipFile:
            return "binary"
        return "xlsx" if any(n.startswith("xl/") for n in names) else "zip"
    head = data[:64]
    for bom, enc in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"),
                     (b"\xfe\xff", "utf-16-be")):
        if head.startswith(bom):
            head = data[len(bom):len(bom) + 256].decode(enc, errors="ignore")
            break
    else:
        head = head.decode("latin-1")
    if head.lstrip().startswith(("{", "[")):
        return "json"
    return "csv"


def _blank_bytes(data: bytes, chars: bytes) -> bool:
    """True when ``data`` holds only ``chars`` (checked on the head first: no copy of a big file)."""
    return not data[:65536].strip(chars) and not data.strip(chars)


def _empty_error(path) -> ExportFormatError:
    return ExportFormatError("empty file: no header and no data rows", path=path, line=1)


# ---------------------------------------------------------------------------
# Header detection
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Candidate:
    layout: Layout
    index: int  # record index of the header
    matched: int  # number of fields matched
    missing: tuple[str, ...]
    ok: bool


def _candidates(rows: list[list], kind: str, sheet: str | None = None,
                only: Layout | None = None) -> list[_Candidate]:
    """Best header row per layout among the first records."""
    out = []
    pool = [only] if only is not None else layouts(kind)
    for lay in pool:
        if lay.kind != kind or (lay.sheet and sheet is not None and
                                not sheet.lower().startswith(lay.sheet.lower())):
            continue
        best = None
        for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
            header = ["" if c is None else str(c) for c in row]
            fields, _ = lay.resolve(header)
            missing = tuple(lay.missing(fields))
            ok = lay.matches(fields)
            cand = _Candidate(lay, i, len(fields), missing, ok)
            key = (ok, -len(missing), len(fields), -i)
            if best is None or key > best[0]:
                best = (key, cand)
        if best is not None:
            out.append(best[1])
    return out


def _choose(cands: list[_Candidate], path, header_rows: list[list], first_line) -> _Candidate:
    ok = [c for c in cands if c.ok]
    if not ok:
        raise _unrecognised(cands, path, header_rows, first_line)
    ok.sort(key=lambda c: (c.matched, c.layout.priority, -c.index), reverse=True)
    if len(ok) > 1:
        a, b = ok[0], ok[1]
        if (a.matched, a.layout.priority, a.index) == (b.matched, b.layout.priority, b.index):
            raise ExportFormatError(
                f"ambiguous export layout: both {a.layout.name!r} and {b.layout.name!r} match "
                f"{a.matched} columns; pass layout= to read_export", path=path)
    return ok[0]


def _unrecognised(cands, path, rows, first_line) -> ExportFormatError:
    cands = sorted(cands, key=lambda c: (-len(c.missing), c.matched), reverse=True)
    if rows:
        header = [str(c) for c in rows[0] if c not in (None, "")]
        shown = ", ".join(repr(h) for h in header[:12]) + (" ..." if len(header) > 12 else "")
        found = f"found columns {shown}"
    else:
        found = "found no rows"
    close = "; ".join(
        f"{c.layout.name} ({c.layout.description or c.layout.network}) is missing "
        f"{', '.join(c.missing)}" for c in cands[:3] if c.matched
    )
    msg = f"not a known export layout: {found}"
    msg += f". Closest known layouts: {close}" if close else ". No known layout shares these columns"
    msg += (". If this is your own table, read it with engagement_lib.readers.read_table(path, "
            "mapping={canonical: header}, network=...)")
    return ExportFormatError(msg, path=path, line=first_line)


# ---------------------------------------------------------------------------
# CSV
# ---------------------------------------------------------------------------


def sniff_table(data: bytes, path) -> tuple[list[int], list[list[str]], dict]:
    """Decode and split a delimited text file.

    Returns the physical line of each record, the records, and a dict with
    ``encoding``, ``delimiter``, ``decimal``.
    """
    if _blank_bytes(data, b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise _empty_error(path)
    text, encoding = _sniff.decode(data, path=path)
    text, hinted, removed = _sniff.strip_sep_line(text)
    delimiter = hinted or _sniff.sniff_delimiter(text)
    recs = _sniff.split_records(text, delimiter, first_line=1 + removed, path=path)
    if not recs.rows:
        raise _empty_error(path)
    decimal = "," if delimiter == ";" else None
    return recs.lines, recs.rows, {"encoding": encoding, "delimiter": delimiter,
                                   "decimal": decimal}


def _check_widths(lines, rows, header, path) -> list[list]:
    width = len(header)
    blank_tail = 0
    for h in reversed(header):
        if h.strip():
            break
        blank_tail += 1
    out = []
    last = len(rows) - 1
    for k, (line, row) in enumerate(zip(lines, rows, strict=True)):
        n = len(row)
        if n > width:
            if any(not _sniff.is_blank(v) for v in row[width:]):
                raise ExportFormatError(
                    f"row has {n} fields but the header has {width} (an unquoted delimiter or "
                    "a damaged file); expected at most the header's width", path=path, line=line)
            row = row[:width]
        elif n < width:
            if width - n > blank_tail:
                what = ("truncated file: the last row stops" if k == last else "row stops")
                raise ExportFormatError(
                    f"{what} after {n} of the header's {width} fields "
                    f"(next expected column: {header[n]!r})", path=path, line=line)
            row = row + [None] * (width - n)
        out.append(row)
    return out


def _columnar_table(data, path, *, timezone, layout: Layout | None) -> Table | None:
    """The columnar fast path up to the Table (``data`` is no longer needed after it);
    None when the file needs the careful path."""
    hd = _columnar.head(data)
    if hd is None or not hd.rows or not (hd.whole or len(hd.rows) > HEADER_SEARCH_ROWS):
        return None
    try:
        cand = _choose(_candidates(hd.rows, "csv", only=layout), path, hd.rows, hd.lines[0])
    except ExportFormatError:
        return None  # the careful path raises it, having seen the whole file
    lay, h = cand.layout, cand.index
    if lay.ragged:
        return None
    header = ["" if c is None else str(c) for c in hd.rows[h]]
    got = _columnar.body(data, hd, h, len(header))
    if got is None:
        return None
    columns, lines, nulled = got
    pre = [{"source_row": ln, "reason": "note line before the header"} for ln in hd.lines[:h]]
    return Table(path=path, kind="csv", layout=lay, header=header, columns=columns,
                 nulled=nulled, lines=lines, header_line=hd.lines[h], timezone=timezone,
                 pre_skipped=pre, preamble=hd.rows[:h], encoding=hd.encoding,
                 delimiter=hd.delimiter, decimal="," if hd.delimiter == ";" else None)


def _read_csv_columnar(data: bytes, path, *, timezone, layout: Layout | None):
    """The columnar fast path; None when the file needs the careful path."""
    table = _columnar_table(data, path, timezone=timezone, layout=layout)
    return None if table is None else _as_list(table.layout.parse(table))


def _read_large_csv(path, *, timezone, layout: Layout | None):
    """A large delimited file through the columnar path, memory-mapped (no copy of
    the file in memory, unmapped once tokenised).

    Returns (exports or None, whether the columnar path was tried).
    """
    import mmap

    try:
        if not COLUMNAR or Path(path).stat().st_size < MAP_MIN_BYTES:
            return None, False
        with open(path, "rb") as f:
            if _kind(f.read(4096)) != "csv":
                return None, False
            mapped = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
    except (OSError, ValueError):
        return None, False  # read_bytes says what is wrong
    try:
        table = _columnar_table(mapped, str(path), timezone=timezone, layout=layout)
    finally:
        try:
            mapped.close()
        except BufferError:  # still exported somewhere: the garbage collector unmaps it
            pass
    if table is None:
        return None, True
    exports = _as_list(table.layout.parse(table))
    del table  # the raw text columns (hundreds of MB for a large file) are freed here
    _release_arrow_memory()
    return exports, True


def _release_arrow_memory() -> None:
    """Hand the memory Arrow's allocator keeps for reuse back to the system.

    The columnar path frees hundreds of MB of raw text columns at once; Arrow's
    allocator would keep them for its own later allocations, whereas what comes
    next (cleaning: pandas and numpy arrays) allocates elsewhere and would grow
    the process instead of reusing them. Cheap (about a millisecond).
    """
    import pyarrow as pa

    pa.default_memory_pool().release_unused()


def _read_csv(data: bytes, path, *, timezone, layout: Layout | None,
              columnar: bool = True) -> list[RawExport]:
    if COLUMNAR and columnar:
        got = _read_csv_columnar(data, path, timezone=timezone, layout=layout)
        if got is not None:
            return got
    lines, rows, info = sniff_table(data, path)
    cands = _candidates(rows, "csv", only=layout)
    cand = _choose(cands, path, rows, lines[0])
    lay = cand.layout
    h = cand.index
    header = ["" if c is None else str(c) for c in rows[h]]
    body_lines, body = lines[h + 1:], rows[h + 1:]
    if not lay.ragged:
        body = _check_widths(body_lines, body, header, path)
    pre = [{"source_row": ln, "reason": "note line before the header"} for ln in lines[:h]]
    table = Table(path=path, kind="csv", layout=lay, header=header, records=body,
                  lines=body_lines, header_line=lines[h], timezone=timezone,
                  pre_skipped=pre, preamble=rows[:h], **info)
    return _as_list(lay.parse(table))


# ---------------------------------------------------------------------------
# Workbooks
# ---------------------------------------------------------------------------


def _load_workbook(data: bytes, path):
    import openpyxl

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds; all mean "damaged"
        raise ExportFormatError(f"damaged or unsupported workbook ({exc})", path=path) from None
    sheets = {}
    try:
        for ws in wb.worksheets:
            rows = []
            for n, values in enumerate(ws.iter_rows(values_only=True), start=1):
                values = list(values)
                while values and _sniff.is_blank(values[-1]):
                    values.pop()
                if values:
                    rows.append((n, values))
            sheets[ws.title] = rows
        props = wb.properties
        meta = {"created": props.created, "modified": props.modified, "title": props.title,
                "creator": props.creator, "description": props.description}
    finally:
        wb.close()
    return sheets, meta


def _read_xlsx(data: bytes, path, *, timezone, layout: Layout | None) -> list[RawExport]:
    sheets, meta = _load_workbook(data, path)
    if not any(sheets.values()):
        raise _empty_error(path)
    out: list[RawExport] = []
    consumed: set[str] = set()
    all_cands = []
    for name, rows in sheets.items():
        if name in consumed or not rows:
            continue
        values = [r for _, r in rows]
        cands = _candidates(values, "xlsx", sheet=name, only=layout)
        all_cands.append((name, cands, values, rows[0][0]))
        ok = [c for c in cands if c.ok]
        if not ok:
            continue
        cand = _choose(cands, f"{path} [sheet {name!r}]", values, rows[0][0])
        lay, h = cand.layout, cand.index
        header = ["" if c is None else str(c) for c in values[h]]
        body_rows = rows[h + 1:]
        width = len(header)
        body = [list(v[:width]) + [None] * (width - len(v[:width])) for _, v in body_rows]
        pre = [{"source_row": n, "reason": "note row before the header"} for n, _ in rows[:h]]
        table = Table(path=path, kind="xlsx", layout=lay, header=header, records=body,
                      lines=[n for n, _ in body_rows], header_line=rows[h][0], sheet=name,
                      workbook=sheets, properties=meta, timezone=timezone, pre_skipped=pre,
                      preamble=values[:h])
        table.consume(name)
        out.extend(_as_list(lay.parse(table)))
        consumed |= table.consumed
    unread = [n for n, rows in sheets.items() if rows and n not in consumed]
    if out and unread:
        note = f"sheet(s) not read (no known layout): {', '.join(repr(n) for n in unread)}"
        out = [replace(r, warnings=(*r.warnings, note)) for r in out]
    if not out:
        name, cands, values, first = max(
            all_cands, key=lambda t: max((c.matched for c in t[1]), default=0),
            default=(None, [], [], 1))
        where = path if name is None else f"{path} [sheet {name!r}]"
        raise _unrecognised(cands, where, values, first)
    return out


# ---------------------------------------------------------------------------
# JSON
# ---------------------------------------------------------------------------


def _read_json(data: bytes, path, *, timezone, layout: Layout | None) -> list[RawExport]:
    text, encoding = _sniff.decode(data, path=path)
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ExportFormatError(
            f"invalid or truncated JSON: {exc.msg} (column {exc.colno})", path=path,
            line=exc.lineno) from None
    pool = [layout] if layout is not None else layouts("json")
    for lay in pool:
        if lay.kind == "json" and lay.match_json(obj):
            meta = obj.get("metadata", {}) if isinstance(obj, dict) else {}
            table = Table(path=path, kind="json", layout=lay, json=obj, encoding=encoding,
                          timezone=timezone, properties=meta if isinstance(meta, dict) else {})
            table.text = text
            return _as_list(lay.parse(table))
    names = ", ".join(lay.name for lay in layouts("json")) or "none registered"
    top = (f"an object with keys {sorted(obj)[:8]}" if isinstance(obj, dict)
           else f"a {type(obj).__name__}")
    raise ExportFormatError(
        f"JSON file is not a known export layout (found {top}; known JSON layouts: {names})",
        path=path)


# ---------------------------------------------------------------------------
# Public entry points
# ---------------------------------------------------------------------------


def _as_list(result) -> list[RawExport]:
    return list(result) if isinstance(result, list | tuple) else [result]


def _read_data(data: bytes, path: str, *, timezone: str, layout: Layout | None,
               columnar: bool = True) -> list[RawExport]:
    kind = _kind(data)
    if kind == "xls":
        raise ExportFormatError(
            "legacy Excel .xls workbook: open it and save it as .xlsx (or CSV UTF-8), "
            "then read that file", path=path)
    if kind == "binary":
        raise ExportFormatError("damaged zip/xlsx file (bad archive)", path=path)
    if kind == "zip":
        out = []
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            for info in sorted(zf.infolist(), key=lambda i: i.filename):
                name = info.filename
                base = name.rsplit("/", 1)[-1]
                if info.is_dir() or name.startswith("__MACOSX") or base.startswith("."):
                    continue
                if Path(base).suffix.lower() in IGNORED_SUFFIXES:
                    continue
                out.extend(_read_data(zf.read(info), f"{path}!{name}", timezone=timezone,
                                      layout=layout))
        if not out:
            raise ExportFormatError("zip archive holds no export file", path=path)
        return out
    if _blank_bytes(data, b" \t\r\n\xef\xbb\xbf"):
        raise _empty_error(path)
    if kind == "xlsx":
        return _read_xlsx(data, path, timezone=timezone, layout=layout)
    if kind == "json":
        return _read_json(data, path, timezone=timezone, layout=layout)
    return _read_csv(data, path, timezone=timezone, layout=layout, columnar=columnar)


def read_export(path, *, timezone: str = "Europe/Paris", layout: str | None = None
                ) -> list[RawExport]:
    """Read one export file (CSV, XLSX, JSON or a zip of them).

    Parameters
    ----------
    path : str or pathlib.Path
        The file. Its layout is detected from its content (header signature),
        never from its name.
    timezone : str, default "Europe/Paris"
        IANA timezone of naive local timestamps in the file (Meta's
        ``Publish time``, legacy ``Posted``); recorded in
        ``RawExport.timezone`` for cleaning to localise. Ignored for columns
        that carry an offset (those come back in UTC).
    layout : str, optional
        Force a registered layout instead of detecting it.

    Returns
    -------
    list of RawExport
        One per table found in the file (most files give one).

    Raises
    ------
    ExportFormatError
        Unknown layout (naming the closest layouts and their missing
        columns), empty, truncated or binary file — always naming the file
        and, when known, the line.
    """
    lay = get_layout(layout) if layout is not None else None
    got, tried = _read_large_csv(path, timezone=timezone, layout=lay)
    if got is not None:
        return got
    data = _sniff.read_bytes(path)
    return _read_data(data, str(path), timezone=timezone, layout=lay, columnar=not tried)


def detect(path) -> Layout:
    """The layout of a file (the first one for a multi-table workbook), without parsing.

    Raises :class:`ExportFormatError` like :func:`read_export`.
    """
    data = _sniff.read_bytes(path)
    kind = _kind(data)
    if kind == "json":
        text, _ = _sniff.decode(data, path=path)
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ExportFormatError(f"invalid JSON: {exc.msg}", path=path, line=exc.lineno) from None
        for lay in layouts("json"):
            if lay.match_json(obj):
                return lay
        raise ExportFormatError("JSON file is not a known export layout", path=path)
    if kind == "xlsx":
        sheets, _ = _load_workbook(data, path)
        best = None
        for name, rows in sheets.items():
            values = [r for _, r in rows]
            cands = _candidates(values, "xlsx", sheet=name)
            if any(c.ok for c in cands):
                return _choose(cands, path, values, rows[0][0]).layout
            best = best or (cands, values, rows[0][0] if rows else 1)
        if best is None:
            raise _empty_error(path)
        raise _unrecognised(best[0], path, best[1], best[2])
    if kind in ("xls", "zip", "binary"):
        raise ExportFormatError(f"cannot detect the layout of a {kind} file directly; "
                                "use read_export", path=path)
    lines, rows, _ = sniff_table(data, path)
    return _choose(_candidates(rows, "csv"), path, rows, lines[0]).layout


def list_exports(folder) -> list[Path]:
    """The files :func:`read_exports` would read under ``folder``, in its order.

    Recursive and sorted; hidden files and folders, Excel lock files
    (``~$...``) and non-data files (``IGNORED_SUFFIXES``: documentation,
    images, code) are left out. Use it to count or split the work before
    reading (the CLI reads the list in parallel processes).

    Parameters
    ----------
    folder : str or pathlib.Path

    Returns
    -------
    list of pathlib.Path
        Empty when ``folder`` is not a folder.
    """
    folder = Path(folder)
    return _files(folder) if folder.is_dir() else []


def _files(folder: Path) -> list[Path]:
    out = []
    for p in folder.rglob("*"):
        rel = p.relative_to(folder).parts
        if any(part.startswith(".") for part in rel) or p.name.startswith("~$"):
            continue
        if p.is_file() and p.suffix.lower() not in IGNORED_SUFFIXES:
            out.append(p)
    return sorted(out)


def read_exports(folder, *, timezone: str = "Europe/Paris", progress: bool | None = None,
                 errors: str = "raise") -> ReadResult:
    """Read every export file under a folder (recursively, in sorted order).

    Hidden files and folders, Excel lock files (``~$...``) and non-data files
    (see ``IGNORED_SUFFIXES``: documentation, images, code) are not read.

    Parameters
    ----------
    folder : str or pathlib.Path
    timezone : str, default "Europe/Paris"
        See :func:`read_export`.
    progress : bool or None
        Show a tqdm progress bar; None = only when there are 20 files or more.
    errors : {"raise", "collect"}
        ``"raise"`` stops at the first unreadable file with an
        :class:`ExportFormatError` naming it; ``"collect"`` reads on and
        lists the failures in ``result.failures``.

    Returns
    -------
    ReadResult
        A list of :class:`RawExport` with a ``failures`` attribute.
    """
    if errors not in ("raise", "collect"):
        raise ValueError(f"errors must be 'raise' or 'collect', not {errors!r}")
    folder = Path(folder)
    if not folder.is_dir():
        raise ExportFormatError("not a folder", path=folder)
    files = _files(folder)
    show = len(files) >= 20 if progress is None else progress
    iterator = files
    if show:
        from tqdm.auto import tqdm

        iterator = tqdm(files, desc="reading exports", unit="file")
    exports, failures = [], []
    for p in iterator:
        try:
            exports.extend(read_export(p, timezone=timezone))
        except ExportFormatError as exc:
            if errors == "raise":
                raise
            failures.append(ReadFailure(str(p), exc))
        except Exception as exc:  # an unexpected bug must still name the file
            err = ExportFormatError(f"unexpected error while reading ({type(exc).__name__}: "
                                    f"{exc})", path=p)
            if errors == "raise":
                raise err from exc
            failures.append(ReadFailure(str(p), err))
    return ReadResult(exports, failures)
