"""Property-based tests of cleaning over generated messy inputs (hypothesis).

Three generators, from the reader contract inwards and from files outwards:

1. messy :class:`RawExport` objects (garbage cells, negative counts, DST-edge
   and impossible dates, Excel-mangled IDs, duplicate IDs, reader issues on
   lines that are and are not rows, summary rows, every table);
2. messy CSV files read with ``read_table`` (random cells, French number
   formats, comma or semicolon, cp1252 or UTF-8 with or without BOM,
   duplicate lines, truncated last line);
3. real layouts written by the export writers, then damaged line by line
   and read with ``read_export`` (layout detection included).

The properties: nothing but the library's own errors is raised, and every
input row is accounted for — rows read = rows kept + merged + quarantined,
per file and in total, and each (file, line) read is found in an output
table, in the quarantine or among the merged duplicates.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from engagement_lib.cleaning import CLEAN_TABLES, clean
from engagement_lib.errors import EngagementError
from engagement_lib.readers import RawExport, read_export, read_table
from engagement_lib.schema import METRICS, Network, validate

pytestmark = pytest.mark.slow

SETTINGS = settings(max_examples=25, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

NETWORKS = [n.value for n in Network]
ZONES = ["UTC", "Europe/Paris", "local", "America/New_York", "Australia/Lord_Howe"]
LABELS = ["Photos", "Vidéos", "Reels", "Links", "Lien", "Status", "IG carousel", "Shared Video",
          "", " ", "Hologramme", None]
IDS = ["1", "2", "3", "10", "1.22158E+17", "6,1571E+13", "122158123456789000", "", None, "abc",
       "951745098223517_980422845355742", " 4 "]
LINKS = [None, "", "https://www.facebook.com/p/posts/122158123456789012",
         "https://twitter.com/a/status/99", "https://www.instagram.com/p/BAA1pLrPD1v/",
         "https://www.facebook.com/reel/5", "garbage", "https://youtu.be/dQw4w9WgXcQ",
         "https://www.linkedin.com/feed/update/urn:li:activity:6522345678901234567"]
EDGE_TIMES = [dt.datetime(2019, 3, 31, 2, 30), dt.datetime(2019, 10, 27, 2, 30),
              dt.datetime(2019, 3, 10, 2, 30), dt.datetime(1900, 1, 1), dt.datetime(2099, 1, 1),
              dt.datetime(1970, 1, 1)]

times = st.one_of(st.none(), st.sampled_from(EDGE_TIMES),
                  st.datetimes(min_value=dt.datetime(1990, 1, 1),
                               max_value=dt.datetime(2030, 1, 1)))
clean_counts = st.one_of(st.none(), st.integers(-3, 10**9))
messy_cells = st.one_of(st.none(), st.integers(-3, 1000), st.floats(allow_nan=True),
                        st.sampled_from(["12", "1 234", "-1", "abc", "3.5", "", "1e3", "∞"]))
texts = st.one_of(st.none(), st.text(max_size=6))


def _times_column(values: list, messy: bool) -> pd.Series:
    if messy:  # not the reader contract's dtype: strings and timestamps mixed
        return pd.Series([v.isoformat() if v is not None and i % 2 else v
                          for i, v in enumerate(values)], dtype="object")
    return pd.Series(pd.to_datetime(pd.Series(values, dtype="object")), dtype="datetime64[us]")


def _counts_column(values: list) -> pd.Series:
    if all(v is None or isinstance(v, int) for v in values):
        return pd.Series(values, dtype="Int64")
    return pd.Series(values, dtype="object")


@st.composite
def rows_of(draw, table: str, n: int) -> dict:
    messy = draw(st.booleans())
    if table == "posts":
        cols = {
            "post_id": draw(st.lists(st.one_of(st.sampled_from(IDS), st.text(max_size=4)),
                                     min_size=n, max_size=n)),
            "published_at": _times_column(draw(st.lists(times, min_size=n, max_size=n)), messy),
            "media_type": draw(st.lists(st.sampled_from(LABELS), min_size=n, max_size=n)),
            "permalink": draw(st.lists(st.sampled_from(LINKS), min_size=n, max_size=n)),
        }
        for metric in draw(st.lists(st.sampled_from(METRICS), max_size=4, unique=True)):
            cells = messy_cells if messy else clean_counts
            cols[metric] = _counts_column(draw(st.lists(cells, min_size=n, max_size=n)))
        if draw(st.booleans()):
            cols["reactions"] = draw(st.lists(messy_cells, min_size=n, max_size=n))
            cols["extra:num_loves"] = draw(st.lists(messy_cells, min_size=n, max_size=n))
        return cols
    if table == "followers":
        return {
            "date": _times_column(draw(st.lists(times, min_size=n, max_size=n)), messy),
            **{c: _counts_column(draw(st.lists(clean_counts, min_size=n, max_size=n)))
               for c in ("followers", "new_followers", "lost_followers")},
        }
    if table == "audience":
        return {
            "date": _times_column(draw(st.lists(times, min_size=n, max_size=n)), messy),
            "dimension": draw(st.lists(st.sampled_from(["age", "Genre", "pays", "??", None]),
                                       min_size=n, max_size=n)),
            "bracket": draw(st.lists(st.sampled_from(["18-24", "F", "hommes", "", None]),
                                     min_size=n, max_size=n)),
            "share": draw(st.lists(st.one_of(st.none(), st.floats(-1, 120)), min_size=n,
                                   max_size=n)),
        }
    if table == "conversations":
        return {
            "conversation_id": draw(st.lists(st.sampled_from(["c1", "c2", "c3", "", None]),
                                             min_size=n, max_size=n)),
            "channel": draw(st.lists(st.sampled_from(["comment", "Messages", "DM", "fax", None]),
                                     min_size=n, max_size=n)),
            "received_at": _times_column(draw(st.lists(times, min_size=n, max_size=n)), messy),
            "replied_at": _times_column(draw(st.lists(times, min_size=n, max_size=n)), messy),
            "author": draw(st.lists(texts, min_size=n, max_size=n)),
            "post_id": draw(st.lists(st.sampled_from(IDS), min_size=n, max_size=n)),
        }
    return {  # a table the schema does not model
        "date": _times_column(draw(st.lists(times, min_size=n, max_size=n)), messy),
        "metric": draw(st.lists(st.sampled_from(["Impressions", "Clicks"]), min_size=n,
                                max_size=n)),
        "value": _counts_column(draw(st.lists(clean_counts, min_size=n, max_size=n))),
    }


@st.composite
def raw_exports(draw, index: int) -> RawExport:
    table = draw(st.sampled_from([*CLEAN_TABLES, "posts", "posts", "page_metrics"]))
    n = draw(st.integers(0, 12))
    lines = sorted(draw(st.sets(st.integers(2, 60), min_size=n, max_size=n)))
    rows = pd.DataFrame({"source_row": pd.Series(lines, dtype="int64"),
                         **draw(rows_of(table, n))})
    if draw(st.booleans()):
        rows["account"] = draw(st.lists(st.sampled_from(["Ville", None, ""]), min_size=n,
                                        max_size=n))
    network = draw(st.sampled_from(NETWORKS))
    folder = draw(st.sampled_from([f"coll/{network}/acct", f"coll/{network}", "downloads",
                                   "coll/twitter/acct/sub", f"c2/{network}/a2"]))
    others = [line for line in range(1, 70) if line not in lines]
    issue_lines = draw(st.lists(st.sampled_from(lines + others[:5]), max_size=4))
    issues = pd.DataFrame({"source_row": issue_lines,
                           "column": draw(st.lists(st.sampled_from(["post_id", "likes", "date"]),
                                                   min_size=len(issue_lines),
                                                   max_size=len(issue_lines))),
                           "value": "1.2E+17", "reason": "cannot parse"})
    skipped_lines = draw(st.lists(st.sampled_from(others[5:10]), max_size=2, unique=True))
    skipped = pd.DataFrame({"source_row": skipped_lines, "reason": "Total row"})
    exported = draw(st.one_of(st.none(), st.datetimes(min_value=dt.datetime(2015, 1, 1),
                                                      max_value=dt.datetime(2026, 1, 1))))
    return RawExport(
        path=f"{folder}/export_{index}.csv", layout="generated", network=network, table=table,
        rows=rows, timezone=draw(st.sampled_from(ZONES)),
        exported_at=None if exported is None else pd.Timestamp(exported, tz="UTC"),
        metric_era=draw(st.sampled_from([None, "views", "impressions"])),
        issues=issues, skipped_rows=skipped,
    )


@st.composite
def export_lists(draw):
    n = draw(st.integers(1, 4))
    return [draw(raw_exports(i)) for i in range(n)]


def _orphan_lines(export: RawExport) -> int:
    rows = set(export.rows["source_row"])
    skipped = set(export.skipped_rows["source_row"])
    return len({r for r in export.issues["source_row"] if r not in rows and r not in skipped})


def assert_accounted_for(exports: list[RawExport], data) -> None:
    """Every (file, line) read is in an output table, the quarantine or the merged rows."""
    report = data.report
    report.check()
    t = report.totals
    assert t["rows_read"] == sum(len(e.rows) + _orphan_lines(e) for e in exports)
    assert t["summary_rows_skipped"] == sum(len(e.skipped_rows) for e in exports)
    tables = [*data.tables.values(), *data.other.values()]
    assert t["rows_kept"] == sum(len(f) for f in tables)
    assert t["rows_quarantined"] == len(data.quarantine)
    merged = data.flags[data.flags["flag"].isin(
        ["exact_duplicate", "duplicate_id_differs", "duplicate_complementary"])]
    assert t["duplicates_merged"] == len(merged)
    assert not merged["in_output"].any()
    found = set()
    for frame in (*tables, data.quarantine, merged):
        found |= set(zip(frame["source_file"].astype(str), frame["source_row"].astype(int),
                         strict=True))
    for e in exports:
        for line in e.rows["source_row"]:
            assert (str(e.path), int(line)) in found, (e.path, line)
    for name, frame in data.tables.items():
        validate(frame, name)  # still a valid canonical table


@SETTINGS
@given(exports=export_lists(), use_arguments=st.booleans())
def test_messy_raw_exports_are_all_accounted_for(exports, use_arguments):
    before = [e.rows.copy() for e in exports]
    kwargs = {"collectivite": "c", "account": "a"} if use_arguments else {}
    data = clean(exports, **kwargs)  # contract-abiding input: no error at all
    assert_accounted_for(exports, data)
    for e, b in zip(exports, before, strict=True):
        pd.testing.assert_frame_equal(e.rows, b)  # inputs untouched


# ---------------------------------------------------------------------------
# Messy files through read_table
# ---------------------------------------------------------------------------

ID_CELLS = ["246675545449582_1649696485147474", "1.22158E+17", "6,1571E+13", "12345", "", "x y"]
DATE_CELLS = ["4/11/18 04:53", "4/17/2018 3:33", "2019-03-31 02:30", "31/12/2019 10:00",
              "garbage", "", "2019-10-27T02:30:00+02:00", "10/27/2019 2:30"]
TYPE_CELLS = ["photo", "Vidéos", "Lien", "status", "", "weird"]
NUMBER_CELLS = ["12", "1 234", "1\u202f234", "1,5", "-3", "abc", "", "1.2K", "007", "3.0"]
LINK_CELLS = ["https://www.facebook.com/1/posts/122158123456789012", "", "not a link",
              "https://www.facebook.com/reel/77"]
MAPPING = {"post_id": "id", "published_at": "date", "media_type": "type", "likes": "likes",
           "comments": "comments", "permalink": "link"}


def _quote(cell: str, delimiter: str) -> str:
    if any(c in cell for c in (delimiter, '"', "\n")):
        return '"' + cell.replace('"', '""') + '"'
    return cell


@st.composite
def messy_csv(draw) -> tuple[bytes, int]:
    delimiter = draw(st.sampled_from([",", ";"]))
    cells = st.tuples(st.sampled_from(ID_CELLS), st.sampled_from(DATE_CELLS),
                      st.sampled_from(TYPE_CELLS), st.sampled_from(NUMBER_CELLS),
                      st.sampled_from(NUMBER_CELLS), st.sampled_from(LINK_CELLS))
    records = draw(st.lists(cells, min_size=1, max_size=15))
    records = [r for r in records if any(r)]
    records += [records[i] for i in draw(st.lists(st.integers(0, max(len(records) - 1, 0)),
                                                  max_size=3))] if records else []
    lines = [delimiter.join(MAPPING.values())]
    lines += [delimiter.join(_quote(c, delimiter) for c in r) for r in records]
    text = "\r\n".join(lines) if draw(st.booleans()) else "\n".join(lines) + "\n"
    if draw(st.booleans()) and len(lines) > 2:  # truncated in the middle of the last line
        cut = draw(st.integers(1, max(len(lines[-1]) - 1, 1)))
        text = text.rstrip("\r\n")[: len(text.rstrip("\r\n")) - cut]
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]))
    return text.encode(encoding, errors="replace"), delimiter


def _data_lines(data: bytes) -> int:
    text = data.decode("utf-8", errors="replace")
    return sum(1 for line in text.splitlines()[1:] if line.strip().strip(",;"))


@SETTINGS
@given(case=messy_csv())
def test_messy_csv_files_read_with_read_table_are_all_accounted_for(case):
    content, _ = case
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "messy.csv"
        path.write_bytes(content)
        try:
            export = read_table(path, mapping=MAPPING, network="facebook",
                                collectivite="c", account="a")
        except EngagementError as exc:
            event(f"reader error: {type(exc).__name__}")
            return  # a clear error from the reader is an accepted outcome
        event("read and cleaned")
        data = clean(export)
    assert_accounted_for([export], data)
    t = data.report.totals
    assert t["rows_read"] + t["summary_rows_skipped"] == _data_lines(content)


# ---------------------------------------------------------------------------
# Real layouts, written then damaged, through read_export (layout detection)
# ---------------------------------------------------------------------------

_BASE: dict[str, bytes] = {}
GARBAGE = ["", "-5", "abc", "1.22158E+17", "31/31/2019", "1 234", '"', "∞"]


def _base_file(layout: str) -> bytes:
    """One export of a simulated account written by the layout's writer (cached)."""
    if layout not in _BASE:
        from engagement_lib.simulate import default_scenario, modern_scenario, simulate_panel
        from engagement_lib.simulate.exports import write_export

        if layout == "x_tweet_activity":
            scenario, start, end = default_scenario(), "2018-03-01", "2018-03-20"
            account = "saint_dizier_x"
        else:
            scenario, start, end = modern_scenario(), "2025-09-01", "2025-09-20"
            account = "valdemarne"
        panel = simulate_panel(scenario.only(accounts=[account]), seed=5, start=start, end=end)
        with tempfile.TemporaryDirectory() as folder:
            path = write_export(layout, panel.posts, Path(folder),
                                exported_at=pd.Timestamp(end, tz="UTC") + pd.Timedelta("3D"),
                                language="fr", rng=np.random.default_rng(5))
            _BASE[layout] = Path(path).read_bytes()
    return _BASE[layout]


@st.composite
def damaged_export(draw) -> tuple[str, bytes]:
    layout = draw(st.sampled_from(["x_tweet_activity", "meta_business_suite_posts"]))
    base = _base_file(layout)
    bom = base.startswith(b"\xef\xbb\xbf")
    lines = base.decode("utf-8-sig").split("\n")
    header, body = lines[0], [line for line in lines[1:] if line]
    body = draw(st.permutations(body)) if draw(st.booleans()) else body
    out = []
    for line in body[: draw(st.integers(1, len(body)))]:
        action = draw(st.sampled_from(["keep", "keep", "garbage", "duplicate", "short"]))
        if action == "garbage":
            cells = line.split(",")
            cells[draw(st.integers(0, len(cells) - 1))] = draw(st.sampled_from(GARBAGE))
            line = ",".join(cells)
        elif action == "duplicate":
            out.append(line)
        elif action == "short":
            line = line[: draw(st.integers(1, max(len(line) - 1, 1)))]
        out.append(line)
    text = "\n".join([header, *out]) + "\n"
    return layout, (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")


@SETTINGS
@given(case=damaged_export())
def test_damaged_platform_exports_read_with_read_export_are_all_accounted_for(case):
    layout, content = case
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "toulouse" / "facebook" / "ville" / f"{layout}.csv"
        path.parent.mkdir(parents=True)
        path.write_bytes(content)
        try:
            exports = read_export(path)
        except EngagementError as exc:
            event(f"reader error: {type(exc).__name__}")
            return
        event("read and cleaned")
        data = clean(exports, collectivite="c", account="a")
    assert_accounted_for(exports, data)
