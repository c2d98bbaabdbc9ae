"""Columnar fast path: large clean CSV exports tokenised by pyarrow.

The careful path (:func:`engagement_lib.readers._sniff.split_records`) decodes
the whole file into one Python string and splits it with :mod:`csv` into a list
of lists: exact, but a million rows of Meta Business Suite export (about
270 MB) cost gigabytes of Python objects. Most large files are clean: UTF-8
(with or without BOM), no NUL byte, ``\\n`` or ``\\r\\n`` line ends, every row
as wide as the header. For those, this module

* reads the *head* of the file (its first lines) exactly as the careful path
  does — same decoder, same delimiter sniffing, same :mod:`csv` records — so
  that header search and layout detection see the same records;
* hands the body to :func:`pyarrow.csv.read_csv` as Arrow string columns
  (quoted fields may span lines; no type inference, empty cells stay ``""``),
  cut at record ends into pieces parsed in parallel threads (:mod:`._chunks`
  finds the cuts and proves they are record ends; one piece when it cannot);
* recovers each record's *physical* line number: the header's line plus the
  record's index, plus the line breaks inside quoted cells of the records
  above (counted per cell only when the body has more line breaks than
  records).

Whenever the careful path could give a different result, :func:`head` or
:func:`body` return None and the caller uses the careful path: another
encoding (UTF-16, cp1252 re-saves: pyarrow rejects invalid UTF-8), a ``sep=``
hint line, NUL bytes, bare ``\\r`` line ends, blank lines between records,
rows of another width than the header (truncated, padded or damaged rows get
the careful path's checks and errors), a single-column layout, or a last
record that is not a complete CSV record (an unterminated quote, i.e. a
truncated file, is an error there).
"""

from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass

import numpy as np

from .. import _threads
from . import _chunks, _sniff

__all__ = ["Head", "head", "body", "HEAD_LINES"]

#: Lines read for the head: the delimiter is sniffed on the first 3 × 30 lines.
HEAD_LINES = 100
#: Largest head tried (a head of very long or multi-line records → careful path).
HEAD_MAX_BYTES = 4 << 20
#: Bytes per pyarrow parsing block.
BLOCK_SIZE = 8 << 20


@dataclass(frozen=True)
class Head:
    """The first records of a file, as the careful path reads them.

    Attributes
    ----------
    encoding : str
        ``"utf-8-sig"`` or ``"utf-8"``.
    offset : int
        Byte offset of the text (3 after a BOM).
    delimiter : str
    lines : list of int
        1-based physical line of each record of the head.
    rows : list of list of str
        The head's records (complete records only).
    whole : bool
        True when the head is the whole file.
    """

    encoding: str
    offset: int
    delimiter: str
    lines: list[int]
    rows: list[list[str]]
    whole: bool


def count(data, sub: bytes, start: int = 0, end: int | None = None) -> int:
    """``data.count(sub, start, end)`` for bytes or a memory map (no copy of the file).

    A single byte is counted by numpy 16 MB at a time (a few times faster
    than ``bytes.count``); longer patterns on copied slices.
    """
    end = len(data) if end is None else end
    step, total = 16 << 20, 0
    if len(sub) == 1:
        view = np.frombuffer(data, dtype=np.uint8)
        try:
            for a in range(start, end, step):
                total += int(np.count_nonzero(view[a:min(a + step, end)] == sub[0]))
        finally:
            del view  # a memory map cannot be closed while a view of it exists
        return total
    extra = len(sub) - 1
    for a in range(start, end, step):  # an occurrence is counted in the slice it starts in
        total += bytes(data[a:min(a + step + extra, end)]).count(sub)
    return total


def _nth_newline_end(data: bytes, start: int, n: int) -> int:
    """Offset just after the ``n``-th ``\\n`` at or after ``start`` (len(data) if fewer)."""
    pos = start
    for _ in range(n):
        found = data.find(b"\n", pos)
        if found < 0:
            return len(data)
        pos = found + 1
    return pos


def _strict_records(text: str, delimiter: str) -> tuple[list[int], list[list[str]]]:
    """:func:`_sniff.split_records` without its tolerant fallback (raises csv.Error)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    lines, rows, prev = [], [], 0
    for row in reader:
        start = prev + 1
        prev = reader.line_num
        if not row or (len(row) == 1 and not row[0].strip()):
            continue
        lines.append(start)
        rows.append(row)
    return lines, rows


def head(data: bytes) -> Head | None:
    """The head of a clean UTF-8 delimited file, or None (→ the careful path)."""
    first = bytes(data[:3])
    if first.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None
    offset = 3 if first == codecs.BOM_UTF8 else 0
    n_lines = HEAD_LINES
    while True:
        end = _nth_newline_end(data, offset, n_lines)
        whole = end >= len(data)
        if end - offset > HEAD_MAX_BYTES:
            return None
        try:
            text = data[offset:end].decode("utf-8")
        except UnicodeDecodeError:
            return None
        if "\x00" in text or text.count("\r") != text.count("\r\n"):
            return None  # NUL bytes, old Mac line ends (the careful path counts them as lines)
        if _sniff.strip_sep_line(text)[2]:
            return None
        delimiter = _sniff.sniff_delimiter(text)
        try:
            lines, rows = _strict_records(text, delimiter)
        except csv.Error:
            if whole:
                return None
            n_lines *= 2  # a quoted cell runs past the head: read further
            continue
        return Head("utf-8-sig" if offset else "utf-8", offset, delimiter, lines, rows, whole)


def _line_breaks(columns, order, expected: int) -> np.ndarray | None:
    """Line breaks inside the cells of each row, or None if they do not add up to ``expected``.

    Columns are scanned in ``order`` (likeliest first) and the scan stops once
    ``expected`` breaks are found: the other columns then hold none.
    """
    import pyarrow.compute as pc

    total = np.zeros(len(columns[0]), dtype=np.int64)
    found = 0
    for i in order:
        counts = pc.count_substring(columns[i], "\n")
        k = pc.sum(counts).as_py() or 0
        if k:
            total += np.asarray(counts.to_numpy(zero_copy_only=False), dtype=np.int64)
            found += k
        if found >= expected:
            break
    return total if found == expected else None


def _last_record_ok(data: bytes, start: int, end: int, delimiter: str, width: int) -> bool:
    """The bytes of the last record form one complete CSV record of ``width`` fields."""
    try:
        text = data[start:end].decode("utf-8")
        _, rows = _strict_records(text, delimiter)
    except (csv.Error, UnicodeDecodeError):
        return False
    return len(rows) == 1 and len(rows[0]) == width


def _parse_pieces(data, bounds: list[int], names: list[str], delimiter: str):
    """``data[bounds[0]:bounds[-1]]`` as Arrow string columns, the pieces between
    consecutive bounds (whole records, see :mod:`._chunks`) parsed in parallel threads.

    Returns (columns, nulled): the raw columns, and the same with blank cells null
    (:func:`_sniff.arrow_null_blanks`, a property of each cell, so computed piece by
    piece in the same threads).
    """
    import pyarrow as pa
    import pyarrow.csv as pacsv

    whole = pa.py_buffer(data)
    read = pacsv.ReadOptions(column_names=names, use_threads=False, block_size=BLOCK_SIZE)
    parse = pacsv.ParseOptions(delimiter=delimiter, quote_char='"', double_quote=True,
                               escape_char=False, newlines_in_values=True,
                               ignore_empty_lines=True)
    convert = pacsv.ConvertOptions(column_types=dict.fromkeys(names, pa.string()),
                                   strings_can_be_null=False, check_utf8=True)

    def piece(k: int):
        table = pacsv.read_csv(pa.BufferReader(whole[bounds[k]:bounds[k + 1]]),
                               read_options=read, parse_options=parse, convert_options=convert)
        return table.columns, [_sniff.arrow_null_blanks(c) for c in table.columns]

    got = _threads.in_parallel(piece, range(len(bounds) - 1), _threads.workers())

    def stack(cols):
        return pa.chunked_array([ch for c in cols for ch in c.chunks], type=pa.string())

    return ([stack(raw[i] for raw, _ in got) for i in range(len(names))],
            [stack(nulled[i] for _, nulled in got) for i in range(len(names))])


def body(data: bytes, hd: Head, header_index: int, width: int):
    """Arrow string columns and physical lines of the records below the header.

    Parameters
    ----------
    data : bytes or mmap.mmap
        The whole file.
    hd : Head
        From :func:`head`.
    header_index : int
        Index of the header among ``hd.rows``.
    width : int
        Number of header cells.

    Returns
    -------
    (columns, lines, nulled) or None
        ``columns``: one ``pyarrow.ChunkedArray`` of strings per header
        position; ``lines``: int64 array of 1-based physical lines;
        ``nulled``: ``columns`` with blank cells null
        (:func:`_sniff.arrow_null_blanks`). None when the careful path must
        read the file.
    """
    import pyarrow as pa

    header = hd.rows[header_index]
    if width < 2 or any("\n" in c or "\r" in c for c in header):
        return None
    if not hd.whole and header_index + 1 >= len(hd.rows):
        return None
    header_line = hd.lines[header_index]
    start = _nth_newline_end(data, hd.offset, header_line)  # first byte below the header
    end = len(data)
    while end > start and data[end - 1] in (0x0A, 0x0D):
        end -= 1
    names = [f"c{i}" for i in range(width)]
    if end <= start:
        empty = [pa.chunked_array([], type=pa.string()) for _ in names]
        return empty, np.zeros(0, np.int64), empty
    found = _chunks.scan(data, start, end, hd.delimiter)
    tail = bytes(data[end:])
    if found.nuls or tail.count(b"\r") != tail.count(b"\r\n") or (
            found.returns and found.returns != count(data, b"\r\n", start, end)):
        return None  # NUL bytes, old Mac line ends below the head: as in head()
    bounds = [start, *found.cuts, end]
    try:
        columns, nulled = _parse_pieces(data, bounds, names, hd.delimiter)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None  # a row of another width, invalid UTF-8...: the careful path says what
    n = len(columns[0])
    if n == 0:
        return None
    breaks = found.line_feeds
    ends = found.record_ends
    lines = np.arange(n, dtype=np.int64) + (header_line + 1)
    if breaks == n - 1:
        last_inside = 0  # line breaks inside the last record's cells
    elif ends is not None and len(ends) == n - 1:  # which line feeds end records: known
        lines[1:] = ends + (header_line + 2)
        last_inside = breaks - (int(ends[-1]) + 1 if n > 1 else 0)
    else:
        # text columns first: the longest cells of the head
        sample = hd.rows[header_index + 1:] or [[""] * width]
        size = [sum(len(r[i]) for r in sample if i < len(r)) for i in range(width)]
        inside = _line_breaks(columns, np.argsort(size)[::-1], breaks - (n - 1))
        if inside is None:
            return None  # blank lines between records: the careful path counts them
        lines[1:] += np.cumsum(inside[:-1])
        last_inside = int(inside[-1])
    # the last record must be complete (an unterminated quote swallows the file's end)
    last = end
    for _ in range(1 + last_inside):
        last = data.rfind(b"\n", start, last)
        if last < 0:
            break
    last = start if last < 0 else last + 1
    if not _last_record_ok(data, last, end, hd.delimiter, width):
        return None
    return columns, lines, nulled
