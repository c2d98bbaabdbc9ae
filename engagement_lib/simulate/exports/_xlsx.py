"""Fast workbook saving for the export writers, byte-identical to openpyxl (private).

openpyxl spends most of a workbook's save time on the cells: one ``Cell`` object per
value, then one element tree per cell serialised through ``et_xmlfile`` (about 70 µs a
cell, most of the time of a LinkedIn or legacy Facebook export). The export writers only
put plain values in their sheets (text, integers, floats, booleans, blanks), for which
openpyxl's XML is short and fixed. :func:`save` therefore lets openpyxl write the whole
package (workbook, styles, properties, sheet headers and ``<dimension>``) around empty
sheets, and splices in each sheet's ``<sheetData>`` rendered directly by
:func:`sheet_data_xml`, character for character what openpyxl writes:

* the rows are ``<row r="N">…</row>`` inside ``<sheetData>…</sheetData>``, both written as
  start/end tag pairs even when empty; an empty row (no values at all) is not written;
* a ``None`` value is no element; ``""`` is ``<c r="B2" t="inlineStr" />``;
* text is an inline string ``<c r="A1" t="inlineStr"><is><t>…</t></is></c>`` with ``&``,
  ``<`` and ``>`` escaped, ``xml:space="preserve"`` on ``<t>`` when the text has leading
  or trailing white space around something else, and truncated to 32,767 characters;
* numbers are ``<c r="C3" t="n"><v>…</v></c>`` formatted with ``"%.16g"`` (NaN and
  infinities give ``<v />``), booleans ``t="b"`` with ``1``/``0``.

Anything else, and the values openpyxl treats specially (text starting with ``=``, which
it writes as a formula, Excel error codes such as ``#N/A``, control characters it refuses),
sends the sheet through openpyxl's own ``append``, so the result never depends on which
path was taken. The fast path is used only with the serialiser it was checked against
(openpyxl 3.1 without lxml); ``tests/test_exports_xlsx.py`` compares both paths on
generated values.
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from collections.abc import Callable, Sequence

import openpyxl
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter

__all__ = ["sheet_data_xml", "save"]

#: The fast path reproduces openpyxl 3.1's pure-Python (et_xmlfile) serialiser only.
FAST = openpyxl.__version__.startswith("3.1.") and not openpyxl.LXML

_MAX_TEXT = 32767  # openpyxl truncates longer strings (Excel's cell limit)
_ERRORS = frozenset(ERROR_CODES)
_SHEET_DATA = re.compile(rb"<sheetData>.*?</sheetData>", re.DOTALL)
_COLUMNS: list[str] = []


class _Unsupported(Exception):
    """A value openpyxl writes in a way this module does not reproduce."""


def _column(i: int) -> str:
    while len(_COLUMNS) <= i:
        _COLUMNS.append(get_column_letter(len(_COLUMNS) + 1))
    return _COLUMNS[i]


def _escape(text: str) -> str:
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return text


def _text_cell(ref: str, value: str) -> str:
    value = value[:_MAX_TEXT]
    if value == "":
        return f'<c r="{ref}" t="inlineStr" />'
    if (len(value) > 1 and value[0] == "=") or value in _ERRORS or ILLEGAL_CHARACTERS_RE.search(value):
        raise _Unsupported(value)
    stripped = value.strip()
    space = ' xml:space="preserve"' if stripped and stripped != value else ""
    return f'<c r="{ref}" t="inlineStr"><is><t{space}>{_escape(value)}</t></is></c>'


def _row_xml(r: int, row: Sequence, columns: list[str]) -> str:
    cells = []
    for j, value in enumerate(row):
        if value is None:
            continue
        t = type(value)
        if t is str:
            cells.append(_text_cell(f"{columns[j]}{r}", value))
        elif t is int or t is float:
            if math.isnan(value) or math.isinf(value):
                cells.append(f'<c r="{columns[j]}{r}" t="n"><v /></c>')
            else:  # openpyxl's safe_string formatting
                cells.append(f'<c r="{columns[j]}{r}" t="n"><v>{"%.16g" % value}</v></c>')  # noqa: UP031
        elif t is bool:
            cells.append(f'<c r="{columns[j]}{r}" t="b"><v>{int(value)}</v></c>')
        else:
            raise _Unsupported(value)
    if not cells:
        return f'<row r="{r}"></row>'
    return f'<row r="{r}">{"".join(cells)}</row>'


def sheet_data_xml(rows: Sequence[Sequence]) -> str | None:
    """The ``<sheetData>`` openpyxl writes for ``rows`` appended to an empty sheet.

    Parameters
    ----------
    rows : sequence of sequences
        Cell values, row by row from ``A1`` (what ``Worksheet.append`` would receive).

    Returns
    -------
    str or None
        The XML element, or None when a value needs openpyxl (see the module docstring).
    """
    if not FAST:
        return None
    width = max((len(row) for row in rows), default=0)
    columns = [_column(j) for j in range(width)]
    try:
        parts = [_row_xml(i, row, columns) for i, row in enumerate(rows, 1) if len(row)]
    except (_Unsupported, OverflowError, ValueError):
        return None
    return f"<sheetData>{''.join(parts)}</sheetData>"


def save(
    wb,
    sheets: Sequence[tuple[object, Sequence[Sequence]]],
    out,
    *,
    rewrite: Callable[[zipfile.ZipInfo, bytes], tuple[zipfile.ZipInfo, bytes]] | None = None,
):
    """Fill empty worksheets with rows and save the workbook, as ``append`` + ``save`` would.

    Parameters
    ----------
    wb : openpyxl.Workbook
        The workbook, with its sheets created (empty) and its properties set.
    sheets : sequence of (Worksheet, rows)
        The rows of each sheet (``rows`` as :func:`sheet_data_xml` takes them).
    out : str, pathlib.Path or binary file
        Where the ``.xlsx`` goes.
    rewrite : callable, optional
        ``rewrite(zipinfo, data) -> (zipinfo, data)`` applied to every package entry
        (e.g. fixed timestamps); by default entries keep openpyxl's ``ZipInfo``.

    Returns
    -------
    out
    """
    spliced = {}
    for ws, rows in sheets:
        xml = sheet_data_xml(rows) if not ws._cells else None
        if xml is None:
            for row in rows:
                ws.append(row)
            continue
        filled = [i for i, row in enumerate(rows, 1) if len(row)]
        if filled:  # the two corner cells give openpyxl the sheet's <dimension>
            ws.cell(row=filled[0], column=1)
            ws.cell(row=filled[-1], column=max(len(row) for row in rows))
        spliced[ws] = xml.encode("utf-8")
    buf = io.BytesIO()
    wb.save(buf)
    by_entry = {ws.path.lstrip("/"): xml for ws, xml in spliced.items()}
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename in by_entry:
                pieces = _SHEET_DATA.split(data)
                if len(pieces) != 2:
                    raise RuntimeError(f"unexpected openpyxl worksheet XML in {info.filename}")
                data = pieces[0] + by_entry[info.filename] + pieces[1]
            if rewrite is not None:
                info, data = rewrite(info, data)
            dst.writestr(info, data)
    return out
