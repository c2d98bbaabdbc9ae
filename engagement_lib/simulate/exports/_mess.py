"""What happens to an export when a person opens it in Excel and saves it again.

The one place that knows how a spreadsheet re-save damages a platform CSV, so
that every writer (Meta, X, LinkedIn, YouTube...) produces the same realistic
mess and every reader is tested against it:

``resave="fr_excel"`` — "CSV (séparateur : point-virgule)" from a French Excel:
    ``;`` delimiter, CRLF line ends, cp1252 (ANSI) encoding — characters
    cp1252 cannot hold become ``?`` as in Excel —, decimal comma, integers of
    four digits or more grouped with a no-break space (U+00A0), the Excel
    ``sep=,`` hint line consumed (not written back).
``resave="fr_excel_utf8"`` — "CSV UTF-8 (délimité par des virgules)" from a
    recent French Excel: the same but UTF-8 with BOM and the narrow no-break
    space (U+202F) of newer Windows French locales as the thousands separator.
``mangle_ids=share`` — that share of the ID cells (``id_columns``) was
    converted to a number and written in Excel's "Standard" display:
    ``1.22158E+17`` (``1,22158E+17`` with a French re-save). The lost digits
    cannot be recovered; readers must flag those rows.

IDs that are not mangled are left intact (as if the column had been set to
text), and text cells are never reformatted, only numbers (cells that are
nothing but a number).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ...readers import _sniff

__all__ = ["apply", "mangle_id", "excel_number", "STYLES"]

#: Re-save style → (encoding, delimiter, decimal mark, thousands separator).
STYLES = {
    "fr_excel": ("cp1252", ";", ",", "\u00a0"),
    "fr_excel_utf8": ("utf-8-sig", ";", ",", "\u202f"),
}

_INT = re.compile(r"^-?\d+$")
_DEC = re.compile(r"^-?\d+\.\d+$")
_MAX_PLAIN_DIGITS = 11  # Excel "Standard" shows at most 11 characters, then E notation


def mangle_id(value: str, *, decimal: str = ".") -> str:
    """An all-digit ID as Excel's "Standard" format shows it: ``1.22158E+17``.

    Six significant digits, trailing zeros of the mantissa dropped
    (``6.1571E+13``), ``decimal`` as the decimal mark. IDs of 11 digits or
    fewer are shown in full by Excel and returned unchanged.
    """
    s = str(value).strip()
    if not s.isdigit() or len(s) <= _MAX_PLAIN_DIGITS:
        return s
    mantissa, exponent = f"{int(s):.5E}".split("E")
    mantissa = mantissa.rstrip("0").rstrip(".")
    out = f"{mantissa}E+{int(exponent):02d}"
    return out.replace(".", decimal)


def excel_number(cell: str, *, decimal: str, thousands: str) -> str:
    """Re-format a cell that is nothing but a number as a French Excel would."""
    if _INT.match(cell):
        if len(cell.lstrip("-")) > _MAX_PLAIN_DIGITS:
            return cell  # long digit strings are identifiers, handled by mangle_id
        sign = "-" if cell.startswith("-") else ""
        digits = cell.lstrip("-")
        groups = []
        while len(digits) > 3:
            groups.insert(0, digits[-3:])
            digits = digits[:-3]
        groups.insert(0, digits)
        return sign + thousands.join(groups)
    if _DEC.match(cell):
        whole, frac = cell.split(".")
        return excel_number(whole, decimal=decimal, thousands=thousands) + decimal + frac
    return cell


def _header_index(rows: list[list[str]], id_columns: Sequence[str]) -> int | None:
    wanted = {_sniff.normalize_header(c) for c in id_columns}
    for i, row in enumerate(rows[:15]):
        if wanted & {_sniff.normalize_header(c) for c in row}:
            return i
    return None


def apply(path, *, resave: str | None = None, mangle_ids: float = 0.0,
          id_columns: Sequence[str] = (), rng: np.random.Generator | None = None) -> Path:
    """Re-write a CSV export in place as after an Excel open-and-save.

    Parameters
    ----------
    path : str or pathlib.Path
        A delimited text file written by an export writer (any encoding,
        ``sep=`` hint line allowed).
    resave : {None, "fr_excel", "fr_excel_utf8"}
        Re-save style (see the module docstring); None keeps encoding,
        delimiter and numbers as they are.
    mangle_ids : float
        Share of the ID cells of ``id_columns`` written in scientific notation.
    id_columns : sequence of str
        Header names of the ID columns (the header row is the first of the
        first 15 rows holding one of them).
    rng : numpy.random.Generator, optional
        Chooses the mangled cells (seed 0 when None).

    Returns
    -------
    pathlib.Path
    """
    path = Path(path)
    if not resave and not mangle_ids:
        return path
    if resave is not None and resave not in STYLES:
        raise ValueError(f"resave must be one of {', '.join(STYLES)}, not {resave!r}")
    rng = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng or 0)
    data = path.read_bytes()
    text, encoding = _sniff.decode(data, path=path)
    body, hinted, _ = _sniff.strip_sep_line(text)
    delimiter = hinted or _sniff.sniff_delimiter(body)
    rows = list(csv.reader(io.StringIO(body, newline=""), delimiter=delimiter))
    if resave:
        out_enc, out_delim, decimal, thousands = STYLES[resave]
    else:
        out_enc, out_delim, decimal, thousands = encoding, delimiter, ".", ""
    h = _header_index(rows, id_columns) if id_columns else None
    id_pos: set[int] = set()
    if h is not None:
        wanted = {_sniff.normalize_header(c) for c in id_columns}
        id_pos = {j for j, c in enumerate(rows[h]) if _sniff.normalize_header(c) in wanted}
    start = (h + 1) if h is not None else 0
    for i, row in enumerate(rows):
        for j, cell in enumerate(row):
            if i >= start and j in id_pos:
                if mangle_ids and cell.strip().isdigit() and rng.random() < mangle_ids:
                    row[j] = mangle_id(cell, decimal=decimal)
                continue
            if resave and i >= start:
                row[j] = excel_number(cell, decimal=decimal, thousands=thousands)
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, delimiter=out_delim, lineterminator="\r\n" if resave else "\n",
                        quoting=csv.QUOTE_MINIMAL)
    if not resave and hinted:
        buf.write(f"sep={hinted}\n")
    writer.writerows(rows)
    out = buf.getvalue()
    if resave == "fr_excel":
        path.write_bytes(out.encode("cp1252", errors="replace"))
    else:
        path.write_bytes(out.encode(out_enc if out_enc != "utf-16-le" else "utf-16"))
    return path
