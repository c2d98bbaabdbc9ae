"""The fast workbook writer of the export writers gives openpyxl's bytes exactly.

:mod:`engagement_lib.simulate.exports._xlsx` renders the sheets' cells itself and lets
openpyxl write the rest of the package; every package entry must be byte for byte what
``Worksheet.append`` + ``Workbook.save`` give for the same rows (and the same error
where openpyxl refuses a value).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from engagement_lib.simulate.exports import _xlsx

_MODIFIED = re.compile(rb"<dcterms:modified[^>]*>[^<]*</dcterms:modified>")
_TEXT = st.text(
    alphabet=st.sampled_from(list("ab zé&<>\"'\n\r\t\u00a0\u2003🎉=#/!")), max_size=12
)
_VALUES = st.one_of(
    st.none(),
    st.just(""),
    _TEXT,
    st.sampled_from(["#N/A", "#DIV/0!", "=SUM(A1)", "=", " padded ", "   ", "\ttab", "x\n",
                     "bell\x07", "\x0bvt"]),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
)
_ROWS = st.lists(st.lists(_VALUES, max_size=6), max_size=6)


def _entries(data: bytes) -> list[tuple[str, bytes]]:
    """Name and content of each package entry; openpyxl stamps ``modified`` with "now"."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return [(i.filename, _MODIFIED.sub(b"", z.read(i.filename))) for i in z.infolist()]


def _workbook() -> tuple[Workbook, list]:
    wb = Workbook()
    first = wb.active
    first.title = "First"
    second = wb.create_sheet("Second")
    wb.properties.created = wb.properties.modified = dt.datetime(2019, 4, 5, 7, 56, 32)
    return wb, [first, second]


def _both(first_rows, second_rows):
    """(openpyxl's entries or exception type, fast entries or exception type)."""
    results = []
    for fast in (False, True):
        wb, sheets = _workbook()
        buf = io.BytesIO()
        try:
            if fast:
                _xlsx.save(wb, list(zip(sheets, (first_rows, second_rows), strict=True)), buf)
            else:
                for ws, rows in zip(sheets, (first_rows, second_rows), strict=True):
                    for row in rows:
                        ws.append(row)
                wb.save(buf)
        except Exception as exc:  # noqa: BLE001 - the same refusal is expected from both
            results.append(type(exc))
            continue
        results.append(_entries(buf.getvalue()))
    return results


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_ROWS, _ROWS)
def test_fast_save_gives_openpyxls_bytes(first_rows, second_rows):
    plain, fast = _both(first_rows, second_rows)
    assert fast == plain


@pytest.mark.parametrize(
    "rows",
    [
        [],
        [[]],
        [[], ["a"], []],
        [[None, None], [None]],
        [["note"], ["Post title", "Impressions", "Rate"], ["Texte & <lien>", 1234, 0.0625]],
        [[" lead", "trail ", "  ", "a" * 40_000], [10**17, -3, 1e-07, float("nan"), True, False]],
    ],
)
def test_fast_save_on_edge_rows(rows):
    plain, fast = _both(rows, [["x"]])
    assert fast == plain
    assert _xlsx.sheet_data_xml(rows) is not None or not _xlsx.FAST


@pytest.mark.parametrize("value", ["=1+1", "#REF!", "bad\x02char", 1.5j, dt.date(2019, 4, 5)])
def test_values_openpyxl_treats_specially_take_its_own_path(value):
    assert _xlsx.sheet_data_xml([["ok", value]]) is None
    plain, fast = _both([["ok", value]], [])
    assert fast == plain


def test_fast_path_is_taken_for_plain_values():
    xml = _xlsx.sheet_data_xml([["a & b", None, 3, 0.5], []])
    if not _xlsx.FAST:
        pytest.skip("fast path disabled for this openpyxl build")
    assert xml == (
        '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>a &amp; b</t></is></c>'
        '<c r="C1" t="n"><v>3</v></c><c r="D1" t="n"><v>0.5</v></c></row></sheetData>'
    )
