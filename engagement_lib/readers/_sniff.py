"""Low-level sniffing of export files: encoding, delimiter, header row, cells.

Everything a reader needs before it knows which platform wrote a file, and
the cell parsers every layout shares. All functions are pure (no I/O except
:func:`read_bytes`) and work on the general case, not on one platform:

* :func:`decode` — encoding detection: UTF-8 with BOM, UTF-16 LE/BE by BOM
  (Meta daily series), UTF-16 without BOM by its NUL pattern, UTF-8, then
  cp1252 as a last resort (files re-saved by French Excel); binary input is an
  :class:`~engagement_lib.errors.ExportFormatError`.
* :func:`strip_sep_line` — the Excel hint line ``sep=,`` (Meta daily series).
* :func:`sniff_delimiter` — ``,`` ``;`` or tab, by field-count consistency.
* :func:`split_records` — CSV records with their *physical* 1-based line
  numbers (quoted fields may span lines); an unterminated quote is an error.
* :func:`normalize_header` — NFKD, accents stripped, lower case, curly
  apostrophes and no-break spaces folded, mojibake repaired.
* :func:`match_header` — header → canonical name through an alias table,
  tolerating corrupted characters (``RＱonses``, ``DurＦ (s)``).
* :func:`parse_number`, :func:`to_numbers` — French and English numbers
  (``1 234``, ``1\\u202f234``, ``1,234``, ``1.234,5``, ``"424.0"``, ``-``,
  ``1.2K``).
* :func:`parse_datetimes` — month-first Meta dates (``MM/DD/YYYY HH:MM``
  even in French files, two- or four-digit years), ISO 8601 with offsets,
  ``Sep 20, 2026``/``20 sept. 2026``; switches a whole column to day-first
  (with a warning) only when a first part greater than 12 appears.
* :func:`is_mangled_id` — IDs destroyed by Excel (``1.22158E+17``).

:func:`blank_mask`, :func:`to_numbers`, :func:`to_integers`,
:func:`parse_datetimes` and :func:`mangled_mask` also accept Arrow string
arrays (the columnar fast path of large CSV files, see
:mod:`engagement_lib.readers._columnar`), with :func:`arrow_ids` and
:func:`arrow_null_blanks`: same results as on object Series, the easy cells
settled vectorised from their bytes, the others handed to the code above.
"""

from __future__ import annotations

import codecs
import csv
import functools
import io
import math
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import ExportFormatError

__all__ = [
    "DELIMITERS",
    "NA_STRINGS",
    "DateParse",
    "read_bytes",
    "decode",
    "strip_sep_line",
    "sniff_delimiter",
    "split_records",
    "normalize_header",
    "fix_mojibake",
    "match_header",
    "is_blank",
    "parse_number",
    "to_numbers",
    "to_integers",
    "parse_datetimes",
    "is_mangled_id",
    "mangled_mask",
    "clean_id",
    "clean_ids",
    "blank_mask",
    "PY_WHITESPACE",
    "is_arrow",
    "arrow_strip",
    "arrow_stripped",
    "strip_text",
    "edge_candidates",
    "empty_cells",
    "arrow_null_blanks",
    "arrow_ids",
]

#: Candidate delimiters, in order of preference on ties.
DELIMITERS = (",", ";", "\t")

#: Cell values that mean "no value" (after stripping). ``-`` is Twitter's
#: "not promoted"; ``--`` and ``n/a`` appear in re-saved files.
NA_STRINGS = frozenset({"", "-", "--", "n/a", "N/A", "NA", "nan", "NaN", "null", "None", "#N/A"})

_NUL_SHARE_UTF16 = 0.3  # share of NUL bytes at odd/even offsets typical of UTF-16 text


# ---------------------------------------------------------------------------
# Bytes and encoding
# ---------------------------------------------------------------------------


def read_bytes(path) -> bytes:
    """Read a whole file, turning OS errors into :class:`ExportFormatError`."""
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise ExportFormatError("file not found", path=path) from None
    except IsADirectoryError:
        raise ExportFormatError("is a directory, expected a file", path=path) from None
    except OSError as exc:
        raise ExportFormatError(f"cannot read file ({exc.strerror})", path=path) from None


def _utf16_without_bom(data: bytes) -> str | None:
    """Return ``"utf-16-le"``/``"utf-16-be"`` when NULs sit at one parity."""
    sample = data[:4000]
    if len(sample) < 4:
        return None
    even = sample[0::2].count(0) / max(1, len(sample[0::2]))
    odd = sample[1::2].count(0) / max(1, len(sample[1::2]))
    if odd > _NUL_SHARE_UTF16 and even < 0.05:
        return "utf-16-le"
    if even > _NUL_SHARE_UTF16 and odd < 0.05:
        return "utf-16-be"
    return None


def _line_of_offset(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def decode(data: bytes, *, path=None) -> tuple[str, str]:
    """Decode export bytes, detecting the encoding.

    Order: UTF-8 with BOM, UTF-16 LE/BE by BOM, UTF-16 without BOM (NUL
    pattern), strict UTF-8, then cp1252 as a last resort (what French Excel
    writes). Text with NUL bytes that is not UTF-16 is treated as binary.

    Parameters
    ----------
    data : bytes
        The file content.
    path : str or Path, optional
        Only used in error messages.

    Returns
    -------
    text : str
        The decoded text, BOM removed.
    encoding : str
        ``"utf-8-sig"``, ``"utf-16-le"``, ``"utf-16-be"``, ``"utf-8"`` or ``"cp1252"``.

    Raises
    ------
    ExportFormatError
        Binary content (NUL bytes, or bytes undecodable even as cp1252), with
        the line of the first offending byte.
    """
    if data.startswith(codecs.BOM_UTF8):
        enc, body = "utf-8-sig", data[3:]
    elif data.startswith(codecs.BOM_UTF16_LE):
        enc, body = "utf-16-le", data[2:]
    elif data.startswith(codecs.BOM_UTF16_BE):
        enc, body = "utf-16-be", data[2:]
    else:
        enc = _utf16_without_bom(data) if b"\x00" in data[:4000] else None
        body = data
    if enc and enc.startswith("utf-16"):
        try:
            return body.decode(enc), enc
        except UnicodeDecodeError as exc:
            raise ExportFormatError(
                f"not valid {enc.upper()} text (undecodable bytes at offset {exc.start}); "
                "expected a text export (CSV)", path=path) from None
    nul = body.find(b"\x00")
    if nul >= 0:
        raise ExportFormatError(
            "binary content (NUL byte) where a text export (CSV) was expected",
            path=path, line=_line_of_offset(body, nul))
    if enc == "utf-8-sig":
        try:
            return body.decode("utf-8"), enc
        except UnicodeDecodeError:
            enc = None  # a BOM followed by cp1252 bytes (Excel re-save): fall through
    try:
        return body.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return body.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as exc:
        # bytes undefined in cp1252 (0x81, 0x8D, 0x8F, 0x90, 0x9D) in a non-UTF-8 file
        controls = sum(1 for b in body[:4000] if b < 9 or 13 < b < 32)
        if controls > 0.01 * min(len(body), 4000):
            raise ExportFormatError(
                "binary content where a text export (CSV) was expected",
                path=path, line=_line_of_offset(body, exc.start)) from None
        return body.decode("latin-1"), "latin-1"


def looks_binary(data: bytes) -> bool:
    """True when the first bytes are not plausible text (control characters)."""
    head = data[:4000]
    if not head:
        return False
    if head.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    if _utf16_without_bom(head):
        return False
    controls = sum(1 for b in head if b < 9 or 13 < b < 32)
    return controls > 0.05 * len(head) or b"\x00" in head


# ---------------------------------------------------------------------------
# Lines, delimiter, records
# ---------------------------------------------------------------------------

_SEP_LINE = re.compile(r'^\ufeff?"?sep=(.)"?[ \t]*(?:\r\n|\n|\r|$)', re.IGNORECASE)


def strip_sep_line(text: str) -> tuple[str, str | None, int]:
    """Remove a leading Excel hint line ``sep=,``.

    Returns
    -------
    text : str
        The text after the hint line (unchanged when there is none).
    delimiter : str or None
        The delimiter the hint names.
    lines_removed : int
        0 or 1, to keep physical line numbers right.
    """
    m = _SEP_LINE.match(text)
    if not m:
        return text, None, 0
    return text[m.end():], m.group(1), 1


def _count_outside_quotes(line: str, char: str) -> int:
    n, quoted = 0, False
    for c in line:
        if c == '"':
            quoted = not quoted
        elif c == char and not quoted:
            n += 1
    return n


def sniff_delimiter(text: str, *, n_lines: int = 30) -> str:
    """Guess the delimiter among ``,`` ``;`` and tab.

    Each candidate is scored on the first non-empty lines by how many lines
    share the most frequent (non-zero) field count, times that count; quoted
    text is ignored, so ``"Reactions, comments and shares"`` does not vote for
    a comma. A file with a single column returns ``","``.
    """
    lines = [ln for ln in text.splitlines()[: n_lines * 3] if ln.strip()][:n_lines]
    best, best_score = ",", 0.0
    for cand in DELIMITERS:
        counts = [_count_outside_quotes(ln, cand) for ln in lines]
        counts = [c for c in counts if c > 0]
        if not counts:
            continue
        values, freq = np.unique(counts, return_counts=True)
        mode = values[np.argmax(freq)]
        score = freq.max() / len(lines) * (1 + math.log1p(mode))
        if score > best_score + 1e-9:
            best, best_score = cand, score
    return best


@dataclass(frozen=True)
class _Records:
    lines: list[int]
    rows: list[list[str]]


def split_records(text: str, delimiter: str, *, first_line: int = 1, path=None) -> _Records:
    """Split CSV text into records, keeping each record's physical line number.

    Parameters
    ----------
    text : str
        Decoded text (any of ``\\n``, ``\\r\\n``, ``\\r`` line ends).
    delimiter : str
        Field separator.
    first_line : int, default 1
        Physical line number of the first line of ``text`` (2 after a
        ``sep=,`` line).
    path : optional
        For error messages.

    Returns
    -------
    _Records
        ``lines[i]`` is the 1-based physical line where ``rows[i]`` starts.
        Blank lines are skipped (but counted).

    Raises
    ------
    ExportFormatError
        An unterminated quoted field (truncated file), naming the line where
        the record started.
    """
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    lines: list[int] = []
    rows: list[list[str]] = []
    prev = 0
    try:
        for row in reader:
            start = prev + first_line
            prev = reader.line_num
            if not row or (len(row) == 1 and not row[0].strip()):
                continue
            lines.append(start)
            rows.append(row)
    except csv.Error as exc:
        start = prev + first_line
        if "unexpected end of data" in str(exc) or "EOF" in str(exc):
            raise ExportFormatError(
                "truncated file: a quoted field opened on this line is never closed "
                "(expected a closing '\"' before the end of the file)", path=path, line=start
            ) from None
        # a stray quote inside a field: fall back to the tolerant parser
        return _split_tolerant(text, delimiter, first_line)
    return _Records(lines, rows)


def _split_tolerant(text: str, delimiter: str, first_line: int) -> _Records:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    lines, rows, prev = [], [], 0
    for row in reader:
        start = prev + first_line
        prev = reader.line_num
        if not row or (len(row) == 1 and not row[0].strip()):
            continue
        lines.append(start)
        rows.append(row)
    return _Records(lines, rows)


# ---------------------------------------------------------------------------
# Headers
# ---------------------------------------------------------------------------

_SPACES = re.compile(r"\s+")
_MOJIBAKE = re.compile("[ÃÂâ][\u0080-\u00bf\u20ac\u201a-\u203a\u0152\u0153\u0160\u0161\u017d"
                       "\u017e\u0178\u02c6\u02dc\u2122]")
#: Characters that stand for one to three lost characters in a corrupted header.
_CORRUPT = re.compile("[\uff00-\uffef\ufffd?]")


def fix_mojibake(s: str) -> str:
    """Repair UTF-8 text that was decoded as latin-1/cp1252 (``CommentÃ©s``).

    The repair is applied only when the text shows the typical ``Ã©``/``â€™``
    pairs and the round trip decodes cleanly; otherwise ``s`` is returned.
    """
    if not isinstance(s, str) or not _MOJIBAKE.search(s):
        return s
    for enc in ("cp1252", "latin-1"):
        try:
            fixed = s.encode(enc).decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
        return fixed
    return s


def normalize_header(s) -> str:
    """Normalise a header (or any label) for matching.

    Steps: mojibake repair, NFKD, accents stripped, lower case, curly
    apostrophes to ``'``, no-break and narrow no-break spaces to spaces,
    whitespace collapsed and stripped. Full-width letters (``Ｑ``) become
    ASCII through NFKD.

    Examples
    --------
    >>> normalize_header("Mentions J\u2019aime")
    "mentions j'aime"
    >>> normalize_header("Spectateurs de 3\\xa0secondes")
    'spectateurs de 3 secondes'
    >>> normalize_header("CommentÃ©s")
    'commentes'
    """
    if s is None or (isinstance(s, float) and math.isnan(s)):
        return ""
    return _normalize(str(s))


@functools.lru_cache(maxsize=65536)
def _normalize(s: str) -> str:
    s = fix_mojibake(s)
    s = s.replace("\u2019", "'").replace("\u2018", "'").replace("\u02bc", "'")
    s = unicodedata.normalize("NFKD", s)
    s = "".join(c for c in s if not unicodedata.combining(c))
    s = s.replace("\u00a0", " ").replace("\u202f", " ").replace("\u2007", " ")
    s = s.replace("\ufeff", "")
    return _SPACES.sub(" ", s.lower()).strip()


def _corruption_pattern(raw: str) -> re.Pattern | None:
    """A regex for a header with corrupted characters, or None if it has none."""
    return _corruption_regex(str(raw))


@functools.lru_cache(maxsize=65536)
def _corruption_regex(raw: str) -> re.Pattern | None:
    raw = fix_mojibake(raw)
    if not _CORRUPT.search(raw):
        return None
    parts = []
    for piece in re.split(f"({_CORRUPT.pattern})", raw):
        if not piece:
            continue
        if _CORRUPT.fullmatch(piece):
            parts.append(".{1,3}")
        else:
            parts.append(re.escape(normalize_header(piece) if piece.strip() else " "))
    pattern = "".join(parts).strip()
    return re.compile(_SPACES.sub(" ", pattern))


def match_header(raw: str, aliases: dict[str, str]) -> tuple[str | None, bool]:
    """Find the canonical name of a raw header.

    Parameters
    ----------
    raw : str
        The header as found in the file.
    aliases : dict
        Normalised header variant → canonical name (see
        :func:`normalize_header`).

    Returns
    -------
    canonical : str or None
        The canonical name, or None when nothing matches.
    fuzzy : bool
        True when the match needed the corrupted-character tolerance
        (``RＱonses`` → ``réponses``): each full-width letter, ``?`` or
        U+FFFD may stand for one to three lost characters, and the match must
        be unique.
    """
    norm = normalize_header(raw)
    if norm in aliases:
        return aliases[norm], False
    pat = _corruption_pattern(raw)
    if pat is None:
        return None, False
    hits = {canon for alias, canon in aliases.items() if pat.fullmatch(alias)}
    if len(hits) == 1:
        return hits.pop(), True
    return None, False


# ---------------------------------------------------------------------------
# Cells
# ---------------------------------------------------------------------------


def blank_mask(values: pd.Series) -> np.ndarray:
    """Vectorised :func:`is_blank` over a Series (any dtype) or an Arrow string array."""
    if is_arrow(values):
        return _arrow_blank(values)
    s = pd.Series(values, copy=False)
    if len(s) == 0:
        return np.zeros(0, dtype=bool)
    na = s.isna().to_numpy(dtype=bool, copy=True)
    obj = s.astype("object")
    is_str = _str_mask(obj)
    if is_str.any():
        na[is_str] |= obj[is_str].astype(str).str.strip().isin(NA_STRINGS).to_numpy(dtype=bool)
    return na


def _str_mask(obj: pd.Series) -> np.ndarray:
    """Which cells are ``str`` (all of them in a CSV: checked in C first)."""
    if pd.api.types.infer_dtype(obj, skipna=True) in ("string", "empty"):
        return obj.notna().to_numpy(dtype=bool)
    return obj.map(lambda v: isinstance(v, str)).to_numpy(dtype=bool)


def is_blank(value) -> bool:
    """True for None, NaN, NA and strings in :data:`NA_STRINGS` (after strip)."""
    if value is None or value is pd.NA:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    if isinstance(value, str):
        return value.strip() in NA_STRINGS
    return False


_SUFFIX = {"k": 1e3, "m": 1e6, "b": 1e9, "md": 1e9, "mds": 1e9, "mio": 1e6, "md.": 1e9}
_NUM_SPACES = re.compile("[\u00a0\u202f\u2007\u2009 '\u2019]")
_NUMBER = re.compile(r"^([+-]?)(\d[\d.,]*|[.,]\d+)\s*([a-z.]*)$")
_THOUSANDS_COMMA = re.compile(r"^[1-9]\d{0,2}(,\d{3})+$")  # "0,007" is a decimal
_THOUSANDS_DOT = re.compile(r"^[1-9]\d{0,2}(\.\d{3})+$")


def parse_number(value, *, decimal: str | None = None) -> float | None:
    """Parse one French or English number; None when blank; raise ValueError if invalid.

    Parameters
    ----------
    value : str or number
        ``"1 234"``, ``"1\\u202f234"``, ``"1,234"``, ``"1.234,5"``,
        ``"12,5"``, ``"424.0"``, ``"1.2K"``, ``"63,3 k"``, ``"5.4%"``,
        ``"-"`` (none)...
    decimal : {None, ".", ","}
        The decimal mark when known for the whole file (``","`` for a file
        re-saved by French Excel). With None, a lone ``,`` followed by exactly
        three digits is a thousands separator (``1,234`` = 1234) and any other
        lone ``,`` is a decimal comma; with both marks the last one is the
        decimal mark.

    Returns
    -------
    float or None
    """
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, int | float | np.integer | np.floating):
        return None if isinstance(value, float) and math.isnan(value) else float(value)
    if is_blank(value):
        return None
    s = _NUM_SPACES.sub("", str(value).strip()).lower()
    pct = s.endswith("%")
    if pct:
        s = s[:-1]
    m = _NUMBER.match(s)
    if not m:
        raise ValueError(f"not a number: {value!r}")
    sign, body, suffix = m.groups()
    if suffix and suffix not in _SUFFIX:
        raise ValueError(f"not a number: {value!r}")
    if "," in body and "." in body:
        dec = "," if body.rfind(",") > body.rfind(".") else "."
    elif "," in body:
        if decimal == ".":
            dec = "."  # commas are thousands separators
        elif decimal == ",":
            dec = ","
        else:
            dec = "." if _THOUSANDS_COMMA.match(body) and not suffix else ","
    elif "." in body:
        if decimal == "," and _THOUSANDS_DOT.match(body):
            dec = ","  # 1.234 in a decimal-comma file = 1234
        else:
            dec = "."
    else:
        dec = "."
    thousands = "," if dec == "." else "."
    if body.count(dec) > 1:
        raise ValueError(f"not a number: {value!r}")
    body = body.replace(thousands, "").replace(dec, ".")
    try:
        out = float(sign + body)
    except ValueError:
        raise ValueError(f"not a number: {value!r}") from None
    if suffix:
        out *= _SUFFIX[suffix]
    return out


def to_numbers(values, *, decimal: str | None = None) -> tuple[pd.Series, pd.Series]:
    """Vectorised :func:`parse_number`.

    Returns
    -------
    numbers : Series of float64 (NaN where blank or invalid)
    bad : Series of bool, True where a non-blank value could not be parsed
    """
    if is_arrow(values):
        out, bad = _arrow_numbers(values, decimal)
        return pd.Series(out, copy=False), pd.Series(bad, copy=False)
    s = pd.Series(values, copy=False)
    out = np.full(len(s), np.nan)
    bad = np.zeros(len(s), dtype=bool)
    if len(s) == 0:
        return pd.Series(out, index=s.index), pd.Series(bad, index=s.index)
    obj = s.astype("object")
    # fast path: plain integers
    as_str = obj.where(obj.notna(), "").astype(str).str.strip()
    plain = as_str.str.fullmatch(r"-?\d{1,15}").to_numpy(dtype=bool)
    if plain.any():
        out[plain] = as_str[plain].astype("int64").to_numpy(dtype=float)
    rest = np.flatnonzero(~plain)
    cache: dict = {}
    for i in rest:
        v = obj.iat[i]
        key = v if not isinstance(v, float) else ("f", v)
        if key not in cache:
            try:
                cache[key] = (parse_number(v, decimal=decimal), False)
            except ValueError:
                cache[key] = (None, True)
        num, err = cache[key]
        if num is not None:
            out[i] = num
        bad[i] = err
    return pd.Series(out, index=s.index), pd.Series(bad, index=s.index)


def to_integers(values, *, decimal: str | None = None) -> tuple[pd.Series, pd.Series]:
    """Parse counts into nullable ``Int64``; floats like ``"424.0"`` are fine.

    A value with a real fractional part (``"12.7"``) is *not* silently
    rounded: it is NA and flagged as bad — except abbreviated values
    (``"1.2K"`` = 1200), which are exact to their abbreviation.

    Returns
    -------
    integers : Series of Int64
    bad : Series of bool
    """
    if is_arrow(values):
        return _arrow_integers(values, decimal)
    nums, bad = to_numbers(values, decimal=decimal)
    return _integers_from(nums, bad)


def _integers_from(nums: pd.Series, bad: pd.Series) -> tuple[pd.Series, pd.Series]:
    # a fractional part, or beyond what Int64 holds (``99999999999999999999``)
    frac = nums.notna() & (((nums - nums.round()).abs() > 1e-6) | (nums.abs() >= 2.0 ** 63))
    bad = bad | frac
    out = nums.where(~frac).round().astype("Int64")
    return out, bad


# ---------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------

_SLASH = re.compile(
    r"^\s*(\d{1,2})[/.](\d{1,2})[/.](\d{4}|\d{2})"
    r"(?:[ T,]+(\d{1,2})[:h](\d{2})(?::(\d{2}))?\s*([AaPp]\.?[Mm]\.?)?)?\s*$"
)
_ISO = re.compile(r"^\s*\d{4}-\d{2}-\d{2}")
_OFFSET = re.compile(r"(?:Z|[+-]\d{2}:?\d{2}|\s(?:UTC|GMT))\s*$")
_FR_MONTHS = {
    "janvier": "Jan", "janv.": "Jan", "janv": "Jan", "fevrier": "Feb", "fevr.": "Feb",
    "fevr": "Feb", "fev.": "Feb", "fev": "Feb", "mars": "Mar", "avril": "Apr", "avr.": "Apr",
    "avr": "Apr", "mai": "May", "juin": "Jun", "juillet": "Jul", "juil.": "Jul", "juil": "Jul",
    "aout": "Aug", "septembre": "Sep", "sept.": "Sep", "sept": "Sep", "octobre": "Oct",
    "oct.": "Oct", "novembre": "Nov", "nov.": "Nov", "decembre": "Dec", "dec.": "Dec",
}
_FR_MONTH_RE = re.compile(
    r"\b(" + "|".join(re.escape(k) for k in sorted(_FR_MONTHS, key=len, reverse=True)) + r")(?=\s|$)"
)
_FR_DAYS = re.compile(r"^(lun|mar|mer|jeu|ven|sam|dim)[a-z]*\.?,?\s+")


@dataclass(frozen=True)
class DateParse:
    """Result of :func:`parse_datetimes`.

    Attributes
    ----------
    values : Series of datetime64
        Naive wall-clock times, or tz-aware UTC when the values carried an
        offset (``tz_aware``).
    bad : Series of bool
        Non-blank values that could not be parsed (NaT in ``values``).
    tz_aware : bool
    dayfirst : bool
        Whether slash dates were read day-first.
    warning : str or None
    """

    values: pd.Series
    bad: pd.Series
    tz_aware: bool
    dayfirst: bool
    warning: str | None = None


def _year(y: pd.Series) -> pd.Series:
    y = y.astype("int64")
    return y.where(y >= 100, y + np.where(y < 69, 2000, 1900))


def parse_datetimes(values, *, dayfirst: bool | None = None, date_format: str | None = None,
                    name: str = "date") -> DateParse:
    """Parse a column of export dates.

    Parameters
    ----------
    values : sequence of str
        Raw cells.
    dayfirst : bool or None, default None
        For ``a/b/yyyy`` dates. None = month-first as Meta, X and LinkedIn
        write them (even in French files), switched to day-first for the whole
        column — with a warning — only when some first part is greater than 12
        and no second part is.
    date_format : str, optional
        An explicit :func:`~datetime.datetime.strptime` format; values that do
        not follow it are bad.
    name : str
        Column name used in the warning.

    Returns
    -------
    DateParse
        Accepted forms: ``M/D/YYYY H:MM`` and ``MM/DD/YY HH:MM`` (two-digit
        years: 00-68 → 20xx), optional seconds and AM/PM; ISO 8601 with or
        without ``T``/offset (``2019-04-05T07:56:32+0000``,
        ``2015-09-30 18:42 +0000``); English or French month names
        (``Sep 20, 2026``, ``Tue, Jul 14, 2026``, ``20 sept. 2026``).
        Values with an offset give tz-aware UTC; mixing offset and naive
        values makes the naive ones bad.
    """
    if is_arrow(values) and date_format is None:
        return _arrow_datetimes(values, dayfirst=dayfirst, name=name)
    if is_arrow(values):
        values = pd.Series(values.to_pylist(), dtype="object")
    s = pd.Series(values, copy=False)
    index = s.index
    obj = s.astype("object")
    blank = blank_mask(obj)
    obj = obj.map(lambda v: v.isoformat(sep=" ") if hasattr(v, "isoformat") else v,
                  na_action="ignore")  # workbook cells may already be datetimes
    text = obj.where(~blank, "").astype(str).str.strip()
    text.index = index
    n = len(s)
    bad = np.zeros(n, dtype=bool)
    warning = None

    if date_format is not None:
        parsed = pd.to_datetime(text.where(~blank), format=date_format, errors="coerce")
        bad = ~blank & parsed.isna().to_numpy()
        aware = isinstance(parsed.dtype, pd.DatetimeTZDtype)
        if aware:
            parsed = parsed.dt.tz_convert("UTC")
        return DateParse(parsed.astype(_dt_dtype(aware)), pd.Series(bad, index=index), aware,
                         bool(dayfirst), None)

    naive = pd.Series(pd.NaT, index=index, dtype="datetime64[us]")
    aware_vals = pd.Series(pd.NaT, index=index, dtype="datetime64[us, UTC]")
    has_offset = np.zeros(n, dtype=bool)
    done = blank.copy()

    # 1. slash dates (vectorised)
    parts = text.str.extract(_SLASH)
    slash = parts[0].notna().to_numpy() & ~done
    use_dayfirst = bool(dayfirst)
    if slash.any():
        a = parts.loc[slash, 0].astype(int)
        b = parts.loc[slash, 1].astype(int)
        if dayfirst is None:
            if (a > 12).any() and not (b > 12).any():
                use_dayfirst = True
                example = text[slash][(a > 12).to_numpy()].iloc[0]
                warning = (f"{name}: a first part greater than 12 ({example!r}) — dates read "
                           "day-first (DD/MM/YYYY) for the whole column instead of Meta's "
                           "month-first MM/DD/YYYY")
        month, day = (b, a) if use_dayfirst else (a, b)
        hour = parts.loc[slash, 3].fillna("0").astype(int)
        minute = parts.loc[slash, 4].fillna("0").astype(int)
        second = parts.loc[slash, 5].fillna("0").astype(int)
        ampm = parts.loc[slash, 6].fillna("").str.lower().str.replace(".", "", regex=False)
        hour = hour.where(~((ampm == "pm") & (hour < 12)), hour + 12)
        hour = hour.where(~((ampm == "am") & (hour == 12)), 0)
        frame = pd.DataFrame({"year": _year(parts.loc[slash, 2]), "month": month, "day": day,
                              "hour": hour, "minute": minute, "second": second})
        got = pd.to_datetime(frame, errors="coerce")
        naive.loc[slash] = got.astype("datetime64[us]")
        bad[slash] = got.isna().to_numpy()
        done |= slash

    # 2. ISO 8601 (with or without offset)
    iso = text.str.match(_ISO).to_numpy(dtype=bool) & ~done
    if iso.any():
        sub = text[iso]
        off = sub.str.contains(_OFFSET).to_numpy(dtype=bool)
        if off.any():
            idx = sub.index[off]
            clean = sub[off].str.replace(r"\s+(UTC|GMT)\s*$", "+0000", regex=True)
            clean = clean.str.replace(r"\s+([+-]\d{2}:?\d{2})$", r"\1", regex=True)
            got = pd.to_datetime(clean, format="ISO8601", utc=True, errors="coerce")
            aware_vals.loc[idx] = got.astype("datetime64[us, UTC]")
            pos = index.get_indexer(idx)
            has_offset[pos] = True
            bad[pos] = got.isna().to_numpy()
        if (~off).any():
            idx = sub.index[~off]
            got = pd.to_datetime(sub[~off], format="ISO8601", errors="coerce")
            naive.loc[idx] = got.astype("datetime64[us]")
            bad[index.get_indexer(idx)] = got.isna().to_numpy()
        done |= iso

    # 3. anything else: month names (English or French), one value at a time
    rest = np.flatnonzero(~done)
    cache: dict[str, pd.Timestamp | None] = {}
    for i in rest:
        raw = text.iat[i]
        if raw not in cache:
            cache[raw] = _parse_free(raw, dayfirst=use_dayfirst)
        ts = cache[raw]
        if ts is None:
            bad[i] = True
        elif ts.tzinfo is not None:
            aware_vals.iat[i] = ts.tz_convert("UTC")
            has_offset[i] = True
        else:
            naive.iat[i] = ts

    if has_offset.any():
        mixed = ~has_offset & ~blank & ~bad
        if mixed.any():
            bad |= mixed
            extra = f"{name}: {int(mixed.sum())} value(s) without a timezone offset among values with one"
            warning = extra if warning is None else f"{warning}; {extra}"
        values = aware_vals
        aware = True
    else:
        values = naive
        aware = False
    values = values.where(~pd.Series(bad, index=index))
    return DateParse(values, pd.Series(bad, index=index), aware, use_dayfirst, warning)


def _dt_dtype(aware: bool) -> str:
    return "datetime64[us, UTC]" if aware else "datetime64[us]"


def _parse_free(raw: str, *, dayfirst: bool) -> pd.Timestamp | None:
    s = normalize_header(raw)  # lower case, accents and NBSP folded
    s = _FR_DAYS.sub("", s)
    s = _FR_MONTH_RE.sub(lambda m: _FR_MONTHS[m.group(1)], s)
    s = re.sub(r"\s+a\s+(\d)", r" \1", s)  # "20 sept. 2026 à 10:05"
    if not re.search(r"[a-zA-Z]{3}", s) or not re.search(r"\d", s):
        return None
    if not re.search(r"\d{4}", s):  # no year ("August 19", TikTok): not a full date
        return None
    try:
        ts = pd.Timestamp(pd.to_datetime(s, dayfirst=dayfirst, format="mixed"))
    except (ValueError, OverflowError, TypeError):
        return None
    return None if pd.isna(ts) else ts


# ---------------------------------------------------------------------------
# Identifiers
# ---------------------------------------------------------------------------

_MANGLED = re.compile(r"^\s*\d(?:[.,]\d+)?[eE]\+?\d+\s*$")
_FLOAT_ID = re.compile(r"^\s*(\d+)\.0+\s*$")


def mangled_mask(values: pd.Series) -> np.ndarray:
    """Vectorised :func:`is_mangled_id` (a Series or an Arrow string array)."""
    if is_arrow(values):
        return _arrow_mangled(values)
    s = pd.Series(values, copy=False).astype("object")
    strs = s.where(_str_mask(s), "")
    return strs.astype(str).str.match(_MANGLED).to_numpy(dtype=bool)


def clean_ids(values: pd.Series) -> pd.Series:
    """Vectorised :func:`clean_id` (object Series, None for blanks)."""
    s = pd.Series(values, copy=False).astype("object").reset_index(drop=True)
    is_str = _str_mask(s)
    out = s.copy()
    if (~is_str).any():
        out[~is_str] = s[~is_str].map(clean_id)
    if is_str.any():
        t = s[is_str].astype(str).str.strip().str.lstrip("'")
        t = t.str.replace(r'^="(.*)"$', r"\1", regex=True)
        t = t.str.replace(r"^(\d+)\.0+$", r"\1", regex=True)
        blank = t.isin(NA_STRINGS).to_numpy(dtype=bool)
        out[is_str] = t.where(~blank, None).astype("object")
    return out


def is_mangled_id(value) -> bool:
    """True for an ID that Excel turned into scientific notation (``1.22158E+17``).

    Such an ID has lost digits and cannot be recovered; the row must be
    re-keyed on another column (the permalink) or quarantined.
    """
    return isinstance(value, str) and bool(_MANGLED.match(value))


def clean_id(value) -> str | None:
    """Normalise an ID cell to a string: strip spaces, the leading space YouTube
    adds before ``-``, the ``'`` Excel text guard and a ``.0`` float tail.

    Returns None for blanks. Mangled IDs are returned unchanged (check them
    with :func:`is_mangled_id`).
    """
    if is_blank(value):
        return None
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value).upper().replace("E+", "E+")
    if isinstance(value, int | np.integer):
        return str(int(value))
    s = str(value).strip().lstrip("'")
    if s.startswith('="') and s.endswith('"'):
        s = s[2:-1]
    m = _FLOAT_ID.match(s)
    if m:
        s = m.group(1)
    return s or None




# ---------------------------------------------------------------------------
# Arrow string columns: the same parsers, vectorised (large CSV files)
# ---------------------------------------------------------------------------
#
# Large clean CSV files are tokenised by pyarrow into Arrow string columns (see
# :mod:`engagement_lib.readers._columnar`). The functions below give *exactly*
# the results of their object-dtype twins above on the same cells. Each one
# settles vectorised the cells whose bytes show they are in the easy case — a
# cell with no whitespace at either end needs no strip; a column of digits is
# plain integers or clean IDs; fixed-width ``MM/DD/YYYY HH:MM`` dates — and
# hands every other cell to the twin, so a messy cell costs what it always did
# and a clean million costs a few passes over the bytes.

#: What ``str.strip()`` removes (Python's whitespace), for exact stripping in Arrow.
PY_WHITESPACE = ("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003"
                 "\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")
_PRINTABLE = r"^[ -~]*$"  # printable ASCII: RE2 and Python regexes agree there
_PLAIN_INT = r"^-?[0-9]{1,15}$"
_DIGIT_ID = r"^[0-9]+(_[0-9]+)?$"  # IDs clean_id leaves as they are
_MANGLED_RE2 = r"^ *[0-9](?:[.,][0-9]+)?[eE]\+?[0-9]+ *$"  # _MANGLED on printable ASCII
#: The longest string of NA_STRINGS, in bytes; all of them start with a non-digit.
_NA_MAX_BYTES = max(len(v.encode()) for v in NA_STRINGS)
#: (byte length, first byte, last byte) of the non-empty NA_STRINGS (longer: none).
_NA_SHAPE = np.zeros((_NA_MAX_BYTES + 2, 256, 256), dtype=bool)
for _na in (v.encode() for v in NA_STRINGS if v):
    _NA_SHAPE[len(_na), _na[0], _na[-1]] = True
del _na


def _byte_table(*ranges) -> np.ndarray:
    table = np.zeros(256, dtype=bool)
    for lo, hi in ranges:
        table[ord(lo) if isinstance(lo, str) else lo:(ord(hi) if isinstance(hi, str) else hi) + 1] \
            = True
    return table


_ASCII_SPACE = ((0x09, 0x0D), (0x1C, 0x20))
#: First / last bytes of the UTF-8 encoding of the characters of PY_WHITESPACE.
_SPACE_FIRST_BYTE = _byte_table(*_ASCII_SPACE, (0xC2, 0xC2), (0xE1, 0xE3))
_SPACE_LAST_BYTE = _byte_table(*_ASCII_SPACE, (0x80, 0x8A), (0x85, 0x85), (0x9F, 0x9F),
                               (0xA0, 0xA0), (0xA8, 0xA9), (0xAF, 0xAF))
_DIGIT_BYTE = _byte_table(("0", "9"))


def is_arrow(values) -> bool:
    """True for a pyarrow ``Array``/``ChunkedArray`` (the columnar fast path)."""
    import pyarrow as pa

    return isinstance(values, pa.Array | pa.ChunkedArray)


def _pa():
    import pyarrow as pa
    import pyarrow.compute as pc

    return pa, pc


def _chunks(values) -> list:
    pa, _ = _pa()
    return values.chunks if isinstance(values, pa.ChunkedArray) else [values]


def _mask(bools) -> np.ndarray:
    """Arrow booleans as a numpy bool array, null → False."""
    _, pc = _pa()
    return np.asarray(pc.fill_null(bools, False).to_numpy(zero_copy_only=False), dtype=bool)


def _nulls(values) -> np.ndarray:
    _, pc = _pa()
    if values.null_count == 0:
        return np.zeros(len(values), dtype=bool)
    return _mask(pc.is_null(values))


def _take(values, mask: np.ndarray) -> list:
    """The cells of an Arrow array where ``mask`` is True, as Python values."""
    pa, pc = _pa()
    return pc.filter(values, pa.array(mask)).to_pylist()


def _bytes_of(chunk) -> tuple[np.ndarray, np.ndarray]:
    """(offsets, data) of a string chunk as numpy views (offsets relative to ``data``)."""
    pa, _ = _pa()
    m = len(chunk)
    bufs = chunk.buffers()
    if bufs[1] is None:  # an all-null array without buffers
        return np.zeros(m + 1, dtype=np.int64), np.zeros(0, dtype=np.uint8)
    width = np.int64 if pa.types.is_large_string(chunk.type) else np.int32
    offsets = np.frombuffer(bufs[1], dtype=width)[chunk.offset:chunk.offset + m + 1]
    data = np.frombuffer(bufs[2], dtype=np.uint8) if bufs[2] is not None else \
        np.zeros(0, dtype=np.uint8)
    return offsets, data


def _scan(values) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Byte length, first byte and last byte of every cell (0 for empty cells)."""
    n = len(values)
    length = np.zeros(n, dtype=np.int64)
    first = np.zeros(n, dtype=np.uint8)
    last = np.zeros(n, dtype=np.uint8)
    pos = 0
    for ch in _chunks(values):
        m = len(ch)
        offsets, data = _bytes_of(ch)
        if m and len(data):
            ln = np.diff(offsets)
            empty = ln == 0
            length[pos:pos + m] = ln
            first[pos:pos + m] = np.where(empty, 0, data.take(offsets[:-1], mode="clip"))
            last[pos:pos + m] = np.where(empty, 0, data.take(offsets[1:] - 1, mode="clip"))
        pos += m
    return length, first, last


def _byte_range(values) -> tuple[int, int]:
    """Smallest and largest byte of all cells (nulls included); (255, 0) when there is none."""
    lo, hi = 255, 0
    for ch in _chunks(values):
        offsets, data = _bytes_of(ch)
        if len(ch) and offsets[-1] > offsets[0]:
            part = data[offsets[0]:offsets[-1]]
            lo, hi = min(lo, int(part.min())), max(hi, int(part.max()))
    return lo, hi


def _digits_only(values) -> bool:
    """True when every byte of every cell (nulls included) is a digit (and there is one)."""
    seen = False
    for ch in _chunks(values):
        offsets, data = _bytes_of(ch)
        if len(ch) and offsets[-1] > offsets[0]:
            part = data[offsets[0]:offsets[-1]]
            if part.min() < 0x30 or part.max() > 0x39:
                return False
            seen = True
    return seen


def arrow_strip(values):
    """``str.strip()`` on every cell of an Arrow string array (nulls stay null)."""
    _, pc = _pa()
    return pc.utf8_trim(values, characters=PY_WHITESPACE)


def arrow_stripped(values):
    """:func:`arrow_strip`, or ``values`` itself (no copy) when that changes no cell."""
    return arrow_strip(values) if _edge_space(values).any() else values


def strip_text(text: pd.Series) -> pd.Series:
    """``text.str.strip()`` of a ``str`` Series (Arrow's whitespace is Python's), or
    ``text`` itself when no cell changes: a million-row column is copied only if needed."""
    pa, _ = _pa()
    cells = pa.array(text.array)  # the Arrow strings behind the Series (no copy)
    stripped = arrow_stripped(cells)
    if stripped is cells:
        return text
    return pd.Series(pd.array(stripped, dtype="str"), index=text.index, name=text.name)


def edge_candidates(values, scan=None) -> np.ndarray:
    """Cells that may have whitespace at an end, from their first and last byte (a
    superset of the cells ``str.strip()`` changes: ``é`` ends with a byte some
    spaces also end with)."""
    length, first, last = _scan(values) if scan is None else scan
    return (length > 0) & (_SPACE_FIRST_BYTE[first] | _SPACE_LAST_BYTE[last]) & ~_nulls(values)


def _edge_space(values, scan=None) -> np.ndarray:
    """Cells that ``str.strip()`` changes (whitespace at either end): the
    :func:`edge_candidates`, stripped to be sure."""
    pa, pc = _pa()
    out = edge_candidates(values, scan)
    if out.any():
        sub = pc.filter(values, pa.array(out))
        out[out] = _mask(pc.not_equal(pc.binary_length(arrow_strip(sub)),
                                      pc.binary_length(sub)))
    return out


def _arrow_blank(values) -> np.ndarray:
    """:func:`blank_mask`: null, or in NA_STRINGS after strip.

    Without whitespace at its ends a cell is its own strip, and can be in
    NA_STRINGS only if its length, first and last bytes are those of an NA
    string: only those cells, and the ones that may have whitespace at an end
    (stripped, then compared), are compared.
    """
    pa, pc = _pa()
    if pc.all(pc.ascii_is_decimal(values)).as_py():  # each non-null cell: digits, at least one
        return _nulls(values)
    if all(o[-1] == o[0] for o, _ in map(_bytes_of, _chunks(values))):  # not a byte in any cell
        return np.ones(len(values), dtype=bool)
    if _digits_only(values):  # digits only: no whitespace, no NA string (all have a non-digit)
        return _nulls(values) | _empty(values)
    na = pa.array(sorted(NA_STRINGS), type=values.type)
    scan = _scan(values)
    length, first, last = scan
    blank = _nulls(values) | (length == 0)
    # cells of an NA string's length, first and last byte (a superset of the NA strings)
    shape = (np.minimum(length, _NA_MAX_BYTES + 1).astype(np.int32) << 16) \
        | (first.astype(np.int32) << 8) | last
    short = _NA_SHAPE.ravel()[shape] & ~blank
    if short.sum() > len(short) // 4:  # most cells: compare all of them, no filtered copy
        blank |= short & _mask(pc.is_in(values, value_set=na))
    elif short.any():
        blank[short] = _mask(pc.is_in(pc.filter(values, pa.array(short)), value_set=na))
    # cells that may have whitespace at an end: stripped and compared (for those that
    # have none, the comparison above already said)
    edge = ~blank & (length > 0) & (_SPACE_FIRST_BYTE[first] | _SPACE_LAST_BYTE[last])
    if edge.any():
        blank[edge] |= _mask(pc.is_in(arrow_strip(pc.filter(values, pa.array(edge))),
                                      value_set=na))
    return blank


def empty_cells(values) -> np.ndarray:
    """Cells that are the empty string (not null) of an Arrow string array, as numpy bools."""
    return ~_nulls(values) & _empty(values)


def _empty(values) -> np.ndarray:
    """Cells of no byte (nulls included when their slot is empty), as numpy bools."""
    return np.concatenate([offsets[1:] == offsets[:-1]
                           for offsets, _ in map(_bytes_of, _chunks(values))]
                          or [np.zeros(0, dtype=bool)])


def _set_nulls(values, null: np.ndarray):
    """The same strings with ``null`` cells null: a new validity bitmap, data buffers shared."""
    pa, _ = _pa()
    out, pos = [], 0
    for ch in _chunks(values):
        m = len(ch)
        valid = np.concatenate([np.ones(ch.offset, dtype=bool), ~null[pos:pos + m]])
        pos += m
        bitmap = pa.py_buffer(np.packbits(valid, bitorder="little"))
        bufs = ch.buffers()
        out.append(pa.Array.from_buffers(ch.type, m, [bitmap, bufs[1], bufs[2]],
                                         null_count=int(m - valid[ch.offset:].sum()),
                                         offset=ch.offset))
    return pa.chunked_array(out, type=values.type)


def arrow_null_blanks(values):
    """Cells in :data:`NA_STRINGS` (after strip) set to null; the array itself when none are."""
    pa, _ = _pa()
    blank = _arrow_blank(values)
    if int(blank.sum()) == values.null_count:
        return values
    if blank.all():
        return pa.chunked_array([pa.nulls(len(values), values.type)])
    return _set_nulls(values, blank)


def _arrow_numbers(values, decimal):
    """(float64 values, bad) of :func:`to_numbers`."""
    pa, pc = _pa()
    n = len(values)
    null = _nulls(values)
    # a cell matching the plain-integer pattern has nothing to strip
    plain = _mask(pc.match_substring_regex(values, _PLAIN_INT)) if n else null
    out = np.full(n, np.nan)
    bad = np.zeros(n, dtype=bool)
    if plain.any():
        ints = pc.cast(pc.filter(values, pa.array(plain)), pa.int64())
        out[plain] = ints.to_numpy().astype(float)
    rest = ~plain & ~null
    cache: dict = {}  # everything else: the object-dtype rules, once per distinct value
    for i, v in zip(np.flatnonzero(rest), _take(values, rest), strict=True):
        if v not in cache:
            try:
                cache[v] = (parse_number(v, decimal=decimal), False)
            except ValueError:
                cache[v] = (None, True)
        num, err = cache[v]
        if num is not None:
            out[i] = num
        bad[i] = err
    return out, bad


def _largest_magnitude(ints) -> int:
    """``max(abs(ints))`` of Arrow int64 values as Arrow computes it (0 when all null),
    from their extremes (no array of absolute values)."""
    _, pc = _pa()
    lo, hi = pc.min_max(ints).values()
    lo, hi = lo.as_py(), hi.as_py()
    if lo is None:
        return 0
    if lo == np.iinfo(np.int64).min:  # Arrow's abs wraps there: ask it
        return pc.max(pc.abs(ints)).as_py() or 0
    return max(abs(lo), abs(hi))


def _arrow_integers(values, decimal) -> tuple[pd.Series, pd.Series]:
    pa, pc = _pa()
    n = len(values)
    lo, hi = _byte_range(values)
    if n and lo >= 0x2D and hi <= 0x39:  # "-./0-9" only: Arrow's parser decides (no hex, no +)
        try:
            ints = pc.cast(values, pa.int64())
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            ints = None
        # within ±2**53 the object path's float round trip is exact: same values
        if ints is not None and _largest_magnitude(ints) <= 2 ** 53:
            null = _nulls(ints)
            vals = np.require(pc.fill_null(ints, 0).to_numpy(zero_copy_only=False),
                              dtype="int64", requirements="W")  # writable: pandas may edit it
            return (pd.Series(pd.arrays.IntegerArray(vals, null), copy=False),  # ours: no copy
                    pd.Series(np.zeros(n, bool), copy=False))
    nums, bad = _arrow_numbers(values, decimal)
    return _integers_from(pd.Series(nums), pd.Series(bad))


def arrow_ids(values):
    """:func:`clean_ids` and :func:`mangled_mask` on an Arrow string array.

    Returns
    -------
    ids : Arrow string array (blanks null)
    mangled : numpy bool array
    """
    pa, pc = _pa()
    n = len(values)
    null = _nulls(values)
    lo, hi = _byte_range(values)
    if lo >= 0x30 and hi <= 0x5F:  # digits (and page_post): nothing to clean or mangled
        filled = ~null & ~_empty(values)
        if (filled | null).all() and (hi <= 0x39 or _mask(
                pc.match_substring_regex(pc.filter(values, pa.array(filled)), _DIGIT_ID)).all()):
            return values, np.zeros(n, dtype=bool)
    fast = _mask(pc.match_substring_regex(values, _PRINTABLE))
    t = pc.utf8_ltrim(arrow_strip(values), characters="'")
    t = pc.replace_substring_regex(t, pattern=r'^="(.*)"$', replacement=r"\1")
    t = pc.replace_substring_regex(t, pattern=r"^([0-9]+)\.0+$", replacement=r"\1")
    t = pc.if_else(pc.is_in(t, value_set=pa.array(sorted(NA_STRINGS), type=t.type)),
                   pa.scalar(None, t.type), t)
    mangled = _mask(pc.match_substring_regex(t, _MANGLED_RE2))
    slow = ~fast & ~null
    if slow.any():  # not printable ASCII: the object-dtype rules
        got = clean_ids(pd.Series(_take(values, slow), dtype="object"))
        full = np.asarray(t.to_pylist(), dtype=object)
        full[slow] = [None if v is None or v != v else v for v in got]  # NaN → None
        t = pa.array(full, type=values.type)
        mangled[slow] = mangled_mask(got)
    return t, mangled


def _arrow_mangled(values) -> np.ndarray:
    _, pc = _pa()
    if len(values) == 0:
        return np.zeros(0, dtype=bool)
    fast = _mask(pc.match_substring_regex(values, _PRINTABLE))
    out = _mask(pc.match_substring_regex(values, _MANGLED_RE2))
    slow = ~fast & ~_nulls(values)
    if slow.any():  # not printable ASCII: the object-dtype rules
        out[slow] = mangled_mask(pd.Series(_take(values, slow), dtype="object"))
    return out & (fast | slow)


#: ``MM/DD/YYYY HH:MM``, byte by byte: the lowest and highest byte allowed (digits or a mark).
_SLASH_LOW = np.frombuffer(b"00/00/0000 00:00", dtype=np.uint8)
_SLASH_HIGH = np.frombuffer(b"99/99/9999 99:99", dtype=np.uint8)
_MONTH_DAYS = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.int32)
_ALL_TRUE = np.frombuffer(b"\x01" * 8, dtype=np.uint64)[0]


def _slash_block(d: np.ndarray, dayfirst: bool) -> tuple[np.ndarray, np.ndarray]:
    """(valid, microseconds since 1970) of ``(n, 16)`` bytes ``MM/DD/YYYY HH:MM``."""
    fits = ((d >= _SLASH_LOW) & (d <= _SLASH_HIGH)).view(np.uint64)  # 16 bools = 2 words
    ok = (fits[:, 0] == _ALL_TRUE) & (fits[:, 1] == _ALL_TRUE)
    v = d.T.astype(np.int32) - 48  # one row per byte position

    def two(i):
        return v[i] * 10 + v[i + 1]

    a, b = two(0), two(3)
    year = two(6) * 100 + two(8)
    month, day = (b, a) if dayfirst else (a, b)
    hour, minute = two(11), two(14)
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    last = _MONTH_DAYS[np.clip(month, 1, 12)] + ((month == 2) & leap)
    ok &= ((month >= 1) & (month <= 12) & (day >= 1) & (day <= last) & (hour <= 23)
           & (minute <= 59) & (year >= 1900) & (year < 2200))
    # days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant, "chrono-Compatible
    # Low-Level Date Algorithms", days_from_civil), for years >= 0
    y = year - (month <= 2)
    era = y // 400
    yoe = y - era * 400
    doy = (153 * ((month + 9) % 12) + 2) // 5 + day - 1
    days = era * 146097 + yoe * 365 + yoe // 4 - yoe // 100 + doy - 719468
    return ok, (days.astype(np.int64) * 86_400
                + (hour * 3600 + minute * 60)).astype(np.int64) * 1_000_000


def _fixed_slash(values, dayfirst: bool):
    """Fixed-width ``MM/DD/YYYY HH:MM`` cells (16 bytes: the Meta Business Suite
    form) → (which cells are, datetime64[us] values), or None when the column is
    not made of 16-byte cells. Dates that do not exist and years outside
    1900-2199 (the object path's two-digit-year and range rules) are left out."""
    parts = []
    for ch in _chunks(values):
        offsets, data = _bytes_of(ch)
        sized = np.diff(offsets) == 16
        if not (sized | (offsets[1:] == offsets[:-1])).all():
            return None
        parts.append((sized, data[offsets[0]:offsets[-1]].reshape(-1, 16)))
    n = len(values)
    cells = np.zeros(n, dtype=bool)
    out = np.full(n, np.iinfo(np.int64).min, dtype=np.int64)  # NaT
    pos = 0
    for sized, d in parts:  # chunk by chunk: small temporaries
        m = len(sized)
        ok, micro = _slash_block(d, dayfirst)
        where = np.flatnonzero(sized)[ok] + pos
        cells[where] = True
        out[where] = micro[ok]
        pos += m
    return cells, out.view("datetime64[us]")


def _arrow_datetimes(values, *, dayfirst, name) -> DateParse:
    pa, pc = _pa()
    n = len(values)
    got = _fixed_slash(values, bool(dayfirst)) if n else None
    if got is None:
        blank = _arrow_blank(values)
        ok = np.zeros(n, dtype=bool)
        out = np.full(n, np.datetime64("NaT"), dtype="datetime64[us]")
    else:
        ok, out = got  # a valid MM/DD/YYYY HH:MM cell is not blank: only the others are looked at
        if values.null_count:
            ok &= ~_nulls(values)  # (a null slot may hold bytes)
        blank = np.zeros(n, dtype=bool)
        if not ok.all():
            blank[~ok] = _arrow_blank(pc.filter(values, pa.array(~ok)))
    rest = ~blank & ~ok
    bad = np.zeros(n, dtype=bool)
    warning = None
    if rest.any():
        sub = parse_datetimes(pd.Series(_take(values, rest), dtype="object"), dayfirst=dayfirst,
                              name=name)
        if sub.tz_aware or (dayfirst is None and sub.dayfirst) or not ok.any():
            # the column as a whole decides (offsets, day-first switch): the object path
            return parse_datetimes(pd.Series(values.to_pylist(), dtype="object"),
                                   dayfirst=dayfirst, name=name)
        out[rest] = sub.values.to_numpy(dtype="datetime64[us]")
        bad[rest] = sub.bad.to_numpy()
        warning = sub.warning
    out[~ok & ~rest] = np.datetime64("NaT")
    return DateParse(pd.Series(out, copy=False), pd.Series(bad, copy=False), False,
                     bool(dayfirst), warning)
