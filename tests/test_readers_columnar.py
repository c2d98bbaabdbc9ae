"""The columnar fast path of the CSV reader gives exactly the careful path's RawExport.

:mod:`engagement_lib.readers._columnar` tokenises clean UTF-8 CSV files with
pyarrow and the typed helpers parse Arrow string columns vectorised; the
careful path (``_detect.COLUMNAR = False``) splits the decoded text with
:mod:`csv` and parses object columns cell by cell. Every file here is read
both ways and the two results must be identical: rows (values and dtypes),
issues, skipped rows and metadata. Files are simulated exports of every CSV
layout (English, French, bilingual, French-Excel re-saves, Excel-mangled IDs),
hand-written messy files (bad cells, blanks, quotes and line breaks inside
cells, day-first dates, offsets) and random cells (hypothesis). The Arrow cell
parsers are also compared one by one with their object twins. Bodies cut into
pieces parsed in parallel (``_chunks``, forced on small files by ``tiny_pieces``)
must read identically too, and every cut must be a record end by Python's csv.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import threading
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engagement_lib import _threads
from engagement_lib.datasets import load_dataset
from engagement_lib.errors import ExportFormatError
from engagement_lib.readers import _chunks, _detect, _sniff, get_layout, read_export
from engagement_lib.simulate.exports import WRITERS, write_export

EXPORTED = {"classic": pd.Timestamp("2019-03-04 09:00", tz="UTC"),
            "modern": pd.Timestamp("2026-01-20 09:00", tz="UTC")}


# ---------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------


def _read(path, *, columnar: bool, mapped: bool = False):
    old = _detect.COLUMNAR, _detect.MAP_MIN_BYTES
    _detect.COLUMNAR = columnar
    _detect.MAP_MIN_BYTES = 0 if mapped else 1 << 40
    try:
        return read_export(path)
    except ExportFormatError as exc:
        return exc
    finally:
        _detect.COLUMNAR, _detect.MAP_MIN_BYTES = old


def _took_fast_path(path) -> bool:
    data = Path(path).read_bytes()
    try:
        return _detect._read_csv_columnar(data, str(path), timezone="Europe/Paris",
                                          layout=None) is not None
    except ExportFormatError:
        return False


@pytest.fixture
def tiny_pieces(monkeypatch):
    """Cut every body into many small pieces (in production only bodies of tens of MB
    are), and convert columns on threads whatever their length."""
    monkeypatch.setattr(_threads, "MIN_ROWS", 0)
    monkeypatch.setattr(_chunks, "STEP", 48)
    monkeypatch.setattr(_chunks, "MIN_PIECE", 1)
    monkeypatch.setattr(_chunks, "PIECES_PER_THREAD", 40)


def assert_same(fast, careful) -> None:
    """Two read_export results (lists of RawExport, or errors) are identical."""
    if isinstance(careful, Exception) or isinstance(fast, Exception):
        assert type(fast) is type(careful) and str(fast) == str(careful)
        return
    assert len(fast) == len(careful)
    for a, b in zip(fast, careful, strict=True):
        for f in dataclasses.fields(a):
            x, y = getattr(a, f.name), getattr(b, f.name)
            if isinstance(y, pd.DataFrame):
                pd.testing.assert_frame_equal(x, y, check_dtype=True, obj=f.name)
            elif isinstance(y, pd.Timestamp) or y is None:
                assert (x is None and y is None) or x == y, f.name
            else:
                assert x == y, (f.name, x, y)


def _both(path, *, fast: bool | None = None) -> None:
    """The careful path, the fast path on the file's bytes and on the memory-mapped
    file (large files) give the same result."""
    if fast is not None:
        assert _took_fast_path(path) is fast
    careful = _read(path, columnar=False)
    assert_same(_read(path, columnar=True), careful)
    assert_same(_read(path, columnar=True, mapped=True), careful)


# ---------------------------------------------------------------------------
# simulated exports of every CSV layout
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def truth():
    return {era: {t: load_dataset(f"truth/{prefix}{t}") for t in ("posts", "followers",
                                                                   "audience")}
            for era, prefix in (("classic", ""), ("modern", "modern/"))}


def _account_table(truth, layout: str, era: str) -> pd.DataFrame | None:
    lay = get_layout(layout)
    table = truth[era]["posts" if lay.table == "mixed" else lay.table]
    table = table[table["network"] == lay.network]
    if table.empty:
        return None
    table = table[table["account"] == table["account"].iloc[0]]
    if lay.table == "audience":  # one measurement day per file
        table = table[table["date"] == table["date"].iloc[0]]
    return table.head(100).reset_index(drop=True)


CSV_LAYOUTS = sorted(k for k in WRITERS if get_layout(k).kind == "csv")
VARIANTS = [  # (language, resave, share of mangled IDs)
    ("en", None, 0.0), ("fr", None, 0.0), ("bilingual", None, 0.2),
    ("fr", "fr_excel_utf8", 0.2), ("fr", "fr_excel", 0.3),
]


@pytest.mark.slow
@pytest.mark.parametrize("layout", CSV_LAYOUTS)
@pytest.mark.parametrize("era", ["classic", "modern"])
def test_simulated_exports_read_identically(truth, tmp_path, layout, era):
    table = _account_table(truth, layout, era)
    if table is None:
        pytest.skip(f"no {era} truth for {layout}")
    written = 0
    for i, (language, resave, mangle) in enumerate(VARIANTS):
        try:
            path = write_export(layout, table, tmp_path / f"v{i}", exported_at=EXPORTED[era],
                                language=language, resave=resave, mangle_ids=mangle,
                                rng=np.random.default_rng(i))
        except ValueError:  # a language or re-save this layout does not have
            continue
        for p in ([path] if path.is_file() else sorted(path.rglob("*.csv"))):
            _both(p)
            written += 1
    assert written


def test_clean_simulated_file_takes_the_fast_path(truth, tmp_path):
    table = _account_table(truth, "meta_business_suite_posts", "modern")
    path = write_export("meta_business_suite_posts", table, tmp_path, language="fr",
                        exported_at=EXPORTED["modern"], rng=np.random.default_rng(1))
    _both(path, fast=True)
    (raw,) = _read(path, columnar=True)
    assert raw.n_rows == len(table) and raw.issues.empty


# ---------------------------------------------------------------------------
# hand-written messy files
# ---------------------------------------------------------------------------

HEADER = ("Post ID,Page ID,Page name,Title,Description,Publish time,Permalink,Post type,Date,"
          "Impressions,Reach,Reactions,Comments,Shares,Total clicks")


def _row(pid="1234567890123456", page="104857600012345", title="Titre", desc="",
         when="03/29/2024 11:43", date="Lifetime", impressions="100", reach="50",
         reactions="3", comments="1", shares="0", clicks="7"):
    link = f"https://www.facebook.com/{page}/posts/{pid}"
    return ",".join([pid, page, "Ville", title, desc, when, link, "Photos", date, impressions,
                     reach, reactions, comments, shares, clicks])


def _write(tmp_path, rows, *, header=HEADER, bom=True, newline="\n", name="posts.csv"):
    text = newline.join([header, *rows]) + newline
    path = tmp_path / name
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


MESSY_ROWS = [
    _row(),
    _row(pid="1234567890123457", title='"Conseil, ce soir\nà 18h"', desc='"dit ""oui"""'),
    _row(pid="1234567890123458", impressions="12.5", reach=" 40 ", reactions='"1,234"',
         comments="-", shares="n/a", clicks="abc"),
    _row(pid="1.23457E+15", impressions="1\u202f234", reach="0x10", reactions="+5",
         comments="007", shares="1.2K", clicks="\u0663"),
    _row(pid="'1234567890123459", page='="104857600012345"', when=" 03/30/2024 09:05 "),
    _row(pid="1234567890123460.0", when="2024-03-31 10:00", desc='"  padded  "'),
    _row(pid="", when="", title="", impressions="", reach="None", reactions="NULL"),
    _row(pid="1234567890123461", when="02/30/2024 10:00", title='"\u00a0Vidéo 🎉\u00a0"'),
    _row(pid="1234567890123462", when="12/31/2024 23:59", date="03/01/2024"),
    _row(pid="1234567890123463", when="3/1/24 9:05 PM", impressions="9007199254740993"),
    _row(pid="1234567890123464", when="01/02/0024 10:00", reach="99999999999999999999"),
]


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_messy_cells_read_identically(tmp_path, newline):
    path = _write(tmp_path, MESSY_ROWS, newline=newline)
    _both(path, fast=True)
    (raw,) = _read(path, columnar=True)
    # the bad cells are recorded, not dropped (blanks such as "-", "n/a", "None" are no issue)
    assert set(zip(raw.issues["column"], raw.issues["value"])) == {
        ("impressions", "12.5"), ("clicks", "abc"), ("post_id", "1.23457E+15"),
        ("reach", "0x10"), ("likes", "NULL"), ("published_at", "02/30/2024 10:00"),
        ("reach", "99999999999999999999")}
    assert raw.rows["source_row"].tolist()[:3] == [2, 3, 5]  # a quoted line break counts


def test_text_is_the_longer_stripped_cell(tmp_path):
    pairs = [('"  ab  "', "abc"), ('"abc "', "abc"), ("abc", '" abcd"'), ("", '"  x  "'),
             ('"\u00a0é\u00a0"', "é"), ("", ""), ('"  "', "x")]
    rows = [_row(pid=str(10 ** 15 + i), title=t, desc=d) for i, (t, d) in enumerate(pairs)]
    path = _write(tmp_path, rows)
    _both(path, fast=True)
    (raw,) = _read(path, columnar=True)
    assert raw.rows["text"].tolist()[:5] == ["abc", "abc", "abcd", "x", "é"]


def test_day_first_switch_and_offsets_read_identically(tmp_path):
    rows = [_row(when="03/01/2024 11:43"), _row(pid="2", when="13/01/2024 10:00"),
            _row(pid="3", when="01/12/2024 08:00")]
    path = _write(tmp_path, rows)
    _both(path, fast=True)
    (raw,) = _read(path, columnar=True)  # a first part > 12: day-first for the whole column
    assert raw.warnings and raw.rows["published_at"].iloc[0] == pd.Timestamp("2024-01-03 11:43")
    rows = [_row(when="03/29/2024 11:43"), _row(pid="2", when="2024-01-13T10:00:00+0100")]
    _both(_write(tmp_path, rows, name="offsets.csv"), fast=True)


IRREGULAR = [
    ([_row(), "", _row(pid="2")], False),  # a blank line between rows: the careful path
    ([_row(title='"a\nb"'), "", _row(pid="2", title='"c\n\nd"')], False),  # and line breaks
    ([_row(), _row(pid="2"), "", ""], True),  # blank lines at the end only
    ([_row(title='"a\nb"'), _row(pid="2", title='"\n"'), "", ""], True),
    ([_row(), _row(pid="2") + ",,"], False),  # two extra empty fields
    ([_row(), _row(pid="2").rsplit(",", 3)[0]], False),  # truncated last row: an error
    ([_row(), _row(pid="2", title='"never closed')], False),  # unterminated quote: an error
    ([_row(), _row(pid="2", title='"never\nclosed')], False),
    ([_row(title='abc"def'), _row(pid="2", title='"a" b')], False),  # stray quotes
]


@pytest.mark.parametrize("rows, fast", IRREGULAR)
def test_irregular_files_read_identically(tmp_path, rows, fast):
    _both(_write(tmp_path, rows), fast=fast)


@pytest.mark.parametrize("rows, fast", IRREGULAR)
def test_irregular_files_read_identically_in_pieces(tmp_path, tiny_pieces, rows, fast):
    _both(_write(tmp_path, rows), fast=fast)


def test_note_line_above_header_and_no_bom(tmp_path):
    path = _write(tmp_path, [_row(), _row(pid="2")], header="Export du 04/03/2019\n" + HEADER,
                  bom=False)
    _both(path, fast=True)
    (raw,) = _read(path, columnar=True)
    assert raw.header_line == 2 and raw.skipped_rows["source_row"].tolist() == [1]


def test_other_encodings_take_the_careful_path(tmp_path):
    path = tmp_path / "cp1252.csv"
    path.write_bytes(("\n".join([HEADER, _row(title="Fête")]) + "\n").encode("cp1252"))
    _both(path, fast=False)
    path = tmp_path / "utf16.csv"
    path.write_bytes(b"\xff\xfe" + ("\n".join([HEADER, _row()]) + "\n").encode("utf-16-le"))
    _both(path, fast=False)


# random cells: every column of a small export gets cells drawn from messy pieces
_PIECES = ["", " ", "\u00a0", "-", "n/a", "None", "0", "12", "007", "-3", "1,234", "1 234",
           "12.5", "1.2K", "abc", "é", "'", '="12"', ".0", "E+17", "1.22158", "03/29/2024",
           " 11:43", "13/01/2024 10:00", "2024-03-31T10:00:00+0000", "\n", '"', ",", "🎉",
           "Lifetime", "Global", "\u0663"]
_CELL = st.lists(st.sampled_from(_PIECES), max_size=4).map("".join)


def _quote(cell: str) -> str:
    if any(c in cell for c in ',"\n\r') or cell != cell.strip(" "):
        return '"' + cell.replace('"', '""') + '"'
    return cell


@pytest.mark.slow
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cells=st.lists(st.lists(_CELL, min_size=15, max_size=15), min_size=1, max_size=6))
def test_random_cells_read_identically(tmp_path, tiny_pieces, cells):
    rows = [",".join(_quote(c) for c in row) for row in cells]
    _both(_write(tmp_path, [_row(), *rows]))


# ---------------------------------------------------------------------------
# Arrow cell parsers against their object twins
# ---------------------------------------------------------------------------

_VALUES = st.lists(st.one_of(st.none(), _CELL, st.text(max_size=6)), max_size=30)


def _pair(values):
    return pa.chunked_array([pa.array(values, type=pa.large_string())]), \
        pd.Series(values, dtype="object")


def test_python_whitespace_is_what_strip_removes():
    assert set(_sniff.PY_WHITESPACE) == {chr(c) for c in range(0x110000) if chr(c).isspace()}


@settings(max_examples=80, deadline=None)
@given(values=_VALUES)
def test_blank_and_number_parsers_match_object_twins(values):
    arrow, obj = _pair(values)
    assert (_sniff.blank_mask(arrow) == _sniff.blank_mask(obj)).all()
    nulled = _sniff.arrow_null_blanks(arrow)
    obj = obj.where(~_sniff.blank_mask(obj), None)
    for decimal in (None, ","):
        got, bad = _sniff.to_integers(nulled, decimal=decimal)
        exp, exp_bad = _sniff.to_integers(obj, decimal=decimal)
        pd.testing.assert_series_equal(got, exp.reset_index(drop=True))
        assert (bad.to_numpy() == exp_bad.to_numpy()).all()
        got, bad = _sniff.to_numbers(nulled, decimal=decimal)
        exp, exp_bad = _sniff.to_numbers(obj, decimal=decimal)
        pd.testing.assert_series_equal(got, exp)
        assert (bad.to_numpy() == exp_bad.to_numpy()).all()


@settings(max_examples=80, deadline=None)
@given(values=_VALUES)
def test_id_parsers_match_object_twins(values):
    arrow, obj = _pair(values)
    ids, mangled = _sniff.arrow_ids(arrow)
    exp = _sniff.clean_ids(obj)
    assert [None if pd.isna(v) else v for v in exp] == ids.to_pylist()
    assert (mangled == _sniff.mangled_mask(exp)).all()
    assert (_sniff.mangled_mask(arrow) == _sniff.mangled_mask(obj)).all()


_DATES = st.lists(st.one_of(
    st.none(),
    st.builds(lambda m, d, y, h, mi: f"{m:02d}/{d:02d}/{y} {h:02d}:{mi:02d}",
              st.integers(0, 14), st.integers(0, 32), st.sampled_from([24, 1899, 1999, 2024,
                                                                       2200]),
              st.integers(0, 24), st.integers(0, 60)),
    _CELL), max_size=20)


@settings(max_examples=80, deadline=None)
@given(values=_DATES, dayfirst=st.sampled_from([None, False, True]))
def test_date_parser_matches_object_twin(values, dayfirst):
    arrow, obj = _pair(values)
    got = _sniff.parse_datetimes(arrow, dayfirst=dayfirst)
    exp = _sniff.parse_datetimes(obj, dayfirst=dayfirst)
    pd.testing.assert_series_equal(got.values, exp.values)
    assert (got.bad.to_numpy() == exp.bad.to_numpy()).all()
    assert (got.tz_aware, got.dayfirst, got.warning) == (exp.tz_aware, exp.dayfirst, exp.warning)


# random raw lines: unquoted cells with stray quotes, quoted cells left open, ragged rows
_RAW = st.lists(st.sampled_from(['"', '""', ",", "a", "1", " ", "\n", "\r\n", "é", '"x"', "-"]),
                max_size=8).map("".join)


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tails=st.lists(_RAW, min_size=1, max_size=4))
def test_random_raw_lines_read_identically(tmp_path, tiny_pieces, tails):
    # each line: a valid row whose last cell is followed by raw characters
    rows = [_row(pid=str(i + 1), clicks=str(i)) + tail for i, tail in enumerate(tails)]
    _both(_write(tmp_path, [_row(), *rows]))


# ---------------------------------------------------------------------------
# the body parsed in pieces (engagement_lib.readers._chunks)
# ---------------------------------------------------------------------------


def _record_ends(body: bytes, delimiter: str = ",") -> set[int]:
    """Offsets just after the line feed ending each record, by Python's csv (the reference)."""
    feeds = [i + 1 for i, b in enumerate(body) if b == 0x0A]
    reader = csv.reader(io.StringIO(body.decode("utf-8"), newline=""), delimiter=delimiter)
    return {feeds[reader.line_num - 1] for _ in reader if reader.line_num <= len(feeds)}


_BODY_PIECES = ['"', '""', ",", ";", "a", "1", " ", "\n", "\r\n", "é", '"x\ny"', '"a,b"',
                '"q""q"', "\n\n"]


@settings(max_examples=150, deadline=None)
@given(body=st.lists(st.sampled_from(_BODY_PIECES), max_size=60).map("".join),
       delimiter=st.sampled_from([",", ";"]), step=st.integers(1, 40),
       sparse=st.sampled_from([1, 10 ** 6]))
def test_cuts_are_record_ends(body, delimiter, step, sparse):
    # sparse=1: offsets kept between the passes; 10**6: found again in the second one
    data = body.encode("utf-8")
    old = _chunks.STEP, _chunks.SPARSE
    _chunks.STEP, _chunks.SPARSE = step, sparse
    try:
        got = _chunks.scan(data, 0, len(data), delimiter, threads=2, pieces=len(data) // 2 + 1)
    finally:
        _chunks.STEP, _chunks.SPARSE = old
    assert got.line_feeds == data.count(b"\n")
    assert got.cuts == sorted(set(got.cuts)) and all(0 < c < len(data) for c in got.cuts)
    ends = _record_ends(data, delimiter)
    assert set(got.cuts) <= ends
    if got.record_ends is not None:  # which line feeds end records, by their rank
        feeds = [i + 1 for i, b in enumerate(data) if b == 0x0A]
        inner = sorted(e for e in ends if e < len(data))  # (a final one is the file's end)
        assert [feeds[k] for k in got.record_ends if feeds[k] < len(data)] == inner


def test_cuts_skip_quoted_line_feeds_and_stop_at_stray_quotes():
    rows = [f'{i},"ligne {i}\nsuite, ""citée""\r\nfin",x' for i in range(200)]
    data = "\r\n".join(rows).encode("utf-8")
    got = _chunks.scan(data, 0, len(data), ",", threads=2, pieces=8)
    assert len(got.cuts) == 7
    assert all(data[c - 2:c] == b"\r\n" and data[c:c + 1].isdigit() for c in got.cuts)
    stray = data.replace(b"ligne 150", b'li"gne 150')  # a literal quote: no provable cut
    assert _chunks.scan(stray, 0, len(stray), ",", threads=2, pieces=8).cuts == []


def _spy_cuts(monkeypatch) -> list:
    seen = []
    real = _chunks.scan

    def spy(*args, **kwargs):
        got = real(*args, **kwargs)
        seen.append(len(got.cuts))
        return got

    monkeypatch.setattr(_chunks, "scan", spy)
    return seen


_CAPTION = '"Conseil municipal, ce soir\nà 18h : ""ordre du jour""\n🎉"'


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
@pytest.mark.parametrize("stray", [False, True])
def test_pieces_read_identically(tmp_path, monkeypatch, tiny_pieces, newline, stray):
    rows = [_row(pid=str(10 ** 15 + i), title=_CAPTION if i % 3 else f"Titre {i}",
                 desc='"  padded  "' if i % 7 == 0 else "", reach=" 40 " if i % 5 == 0 else "50")
            for i in range(150)]
    if stray:  # below the head (its first 100 lines are read strictly)
        rows[130] = _row(pid="2", title='abc"def')
    path = _write(tmp_path, rows, newline=newline)
    seen = _spy_cuts(monkeypatch)
    _both(path, fast=True)
    (raw,) = _read(path, columnar=True)
    assert raw.rows["source_row"].tolist()[:4] == [2, 3, 6, 9]  # 3 lines per caption
    assert seen and (max(seen) == 0 if stray else min(seen) > 10)


def test_pieces_of_simulated_exports_read_identically(truth, tmp_path, monkeypatch, tiny_pieces):
    table = _account_table(truth, "meta_business_suite_posts", "modern")
    for i, (language, resave) in enumerate([("fr", None), ("en", None),
                                            ("fr", "fr_excel_utf8"), ("fr", "fr_excel")]):
        path = write_export("meta_business_suite_posts", table, tmp_path / f"v{i}",
                            exported_at=EXPORTED["modern"], language=language, resave=resave,
                            rng=np.random.default_rng(i))
        _both(path, fast=resave != "fr_excel")  # cp1252: the careful path


@pytest.mark.parametrize("whens", [
    ["03/01/2024 11:43", "13/01/2024 10:00", "01/12/2024 08:00"],  # a day-first switch
    ["03/29/2024 11:43", "2024-01-13T10:00:00+0100", "02/30/2024 10:00"],  # offsets, bad day
    ["03/29/2024 11:43", "", "n/a"],
])
def test_prefetched_dates_read_identically(tmp_path, tiny_pieces, whens):
    rows = [_row(pid=str(10 ** 15 + i), when=w) for i, w in enumerate(whens * 10)]
    _both(_write(tmp_path, rows), fast=True)


def test_bad_row_in_a_later_piece_gives_the_careful_path_error(tmp_path, tiny_pieces):
    rows = [_row(pid=str(i + 1)) for i in range(120)]
    rows[110] = rows[110] + ",,extra"
    _both(_write(tmp_path, rows), fast=False)


def test_thread_helpers_keep_order_and_raise_errors(monkeypatch):
    monkeypatch.setattr(_threads, "MIN_ROWS", 0)
    assert _threads.in_parallel(lambda x: x * x, range(7), 3) == [0, 1, 4, 9, 16, 25, 36]
    waiters = [_threads.background(lambda x: x + 1, i, rows=1) for i in range(5)]
    assert [w() for w in waiters] == [1, 2, 3, 4, 5]
    failing = _threads.background(lambda: 1 / 0, rows=1)
    with pytest.raises(ZeroDivisionError):
        failing()
    assert _threads.workers(rows=_threads.MIN_ROWS - 1) == 1


def test_thread_count_follows_the_environment(monkeypatch):
    monkeypatch.setenv("ENGAGEMENT_LIB_THREADS", "3")
    assert _threads.workers() == 3 and _threads.workers(rows=10 ** 7) == 3
    def where():
        return threading.current_thread() is threading.main_thread()

    assert _threads.background(where, rows=10 ** 7)() is False  # on a worker thread
    monkeypatch.setenv("ENGAGEMENT_LIB_THREADS", "1")
    assert _threads.background(where, rows=10 ** 7)() is True  # one thread: inline
    monkeypatch.setenv("ENGAGEMENT_LIB_THREADS", "lots")  # not a count: the CPUs
    assert 1 <= _threads.workers() <= 8


@pytest.mark.parametrize("where", ["head", "body", "tail"])
@pytest.mark.parametrize("odd", ["\x00", "\r"])
def test_nul_bytes_and_bare_returns_take_the_careful_path(tmp_path, where, odd):
    # found by the head's check in the first lines, by the scan of the body below them
    rows = [_row(pid=str(10 ** 15 + i)) for i in range(150)]
    if where == "head":
        rows[3] = _row(pid="3", title=f"a{odd}b")
    elif where == "body":
        rows[140] = _row(pid="140", title=f"a{odd}b")
    path = _write(tmp_path, rows)
    if where == "tail":
        path.write_bytes(path.read_bytes() + odd.encode())
    _both(path, fast=False)
