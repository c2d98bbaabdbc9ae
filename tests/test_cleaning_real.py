"""Cleaning a real third-party export: Facebook Live sellers in Thailand (UCI, 7,050 posts).

The expected figures are computed here from the raw file with the standard
library (csv, datetime), independently of the readers and of cleaning; the
data card (../shared/real/fb_live_thailand/README.md) states the same counts.
"""

from __future__ import annotations

import csv
from collections import Counter
from datetime import datetime

import pandas as pd
import pytest

from engagement_lib.cleaning import clean
from engagement_lib.readers import read_table

pytestmark = pytest.mark.real

MAPPING = {
    "post_id": "status_id",
    "media_type": "status_type",
    "published_at": "status_published",
    "likes": "num_reactions",
    "comments": "num_comments",
    "shares": "num_shares",
}
PARTS = ["num_likes", "num_loves", "num_wows", "num_hahas", "num_sads", "num_angrys"]


_CACHE: dict = {}  # read and clean the file once per session (thai_live_csv is function-scoped)


@pytest.fixture
def thai_raw(thai_live_csv):
    if "raw" not in _CACHE:
        _CACHE["raw"] = _read_raw(thai_live_csv)
    return _CACHE["raw"]


def _read_raw(path):
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        # Line numbers: header on line 1, no quoted newlines in this file.
        records = [dict(zip(header, rec, strict=True)) | {"_line": i}
                   for i, rec in enumerate(reader, start=2)]
    return path, records


@pytest.fixture
def thai_clean(thai_raw):
    if "clean" not in _CACHE:
        path, _ = thai_raw
        export = read_table(path, mapping=MAPPING, network="facebook", timezone="Asia/Bangkok")
        _CACHE["clean"] = export, clean(export, collectivite="thai_live_sellers",
                                        account="sellers")
    return _CACHE["clean"]


def _month_first(text: str) -> datetime:
    for fmt in ("%m/%d/%Y %H:%M", "%m/%d/%y %H:%M"):
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    raise AssertionError(f"unexpected date {text!r}")


def test_every_row_is_read_and_accounted_for(thai_raw, thai_clean):
    _, records = thai_raw
    export, data = thai_clean
    t = data.report.totals
    assert len(records) == 7050
    assert t["rows_read"] == 7050
    assert t["rows_read"] == t["rows_kept"] + t["duplicates_merged"] + t["rows_quarantined"]
    assert t["rows_kept"] == len(data.posts)
    assert t["rows_quarantined"] == len(data.quarantine) == 0


def test_exact_duplicates_and_duplicate_ids_are_reported(thai_raw, thai_clean):
    _, records = thai_raw
    _, data = thai_clean
    rows = [tuple(v for k, v in r.items() if k != "_line") for r in records]
    exact = sum(n - 1 for n in Counter(rows).values())
    ids = Counter(r["status_id"] for r in records)
    dup_ids = sum(n - 1 for n in ids.values())
    assert (exact, dup_ids) == (51, 53)  # the data card's figures
    t = data.report.totals
    assert t["exact_duplicates"] == exact
    assert t["duplicates_merged"] == dup_ids
    assert t["conflicting_duplicates"] == dup_ids - exact
    dup_flags = data.flags[data.flags["flag"].isin(["exact_duplicate", "duplicate_id_differs"])]
    assert len(dup_flags) == dup_ids
    line_to_id = {r["_line"]: r["status_id"] for r in records}
    flagged_ids = {line_to_id[int(line)] for line in dup_flags["source_row"]}
    assert flagged_ids == {i for i, n in ids.items() if n > 1}
    assert data.posts["post_id"].is_unique


def test_every_date_is_parsed_month_first(thai_raw, thai_clean):
    _, records = thai_raw
    _, data = thai_clean
    expected = {r["_line"]: _month_first(r["status_published"]) for r in records}
    assert any(d.day > 12 for d in expected.values())  # the check can tell the orders apart
    local = data.posts["published_at"].dt.tz_convert("Asia/Bangkok").dt.tz_localize(None)
    got = dict(zip(data.posts["source_row"].astype(int), local, strict=True))
    assert len(got) == len(data.posts)
    mismatched = [line for line, ts in got.items() if ts.to_pydatetime() != expected[line]]
    assert mismatched == []


def test_reaction_totals_that_disagree_with_their_parts_are_flagged_not_dropped(
    thai_raw, thai_clean
):
    _, records = thai_raw
    _, data = thai_clean
    bad_lines = {r["_line"] for r in records
                 if int(r["num_reactions"]) != sum(int(r[p]) for p in PARTS)}
    assert len(bad_lines) == 9
    flags = data.flags[data.flags["flag"] == "reaction_total_mismatch"]
    assert set(flags["source_row"].astype(int)) == bad_lines
    assert data.report.totals["reaction_mismatches"] == 9
    kept_lines = set(data.posts["source_row"].astype(int))
    in_output = {int(r) for r, k in zip(flags["source_row"], flags["in_output"], strict=True)
                 if k}
    assert in_output == bad_lines & kept_lines


def test_status_types_are_mapped(thai_raw, thai_clean):
    _, records = thai_raw
    _, data = thai_clean
    by_line = {r["_line"]: r["status_type"] for r in records}
    raw_types = pd.Series([by_line[int(x)] for x in data.posts["source_row"]])
    mapped = data.posts["media_type"].astype(str).reset_index(drop=True)
    assert dict(Counter(zip(raw_types, mapped, strict=True))).keys() <= {
        ("photo", "photo"), ("video", "video"), ("status", "text"), ("link", "link")}
    assert data.report.totals["media_type_unknown"] == 0
