"""Unit tests of cleaning's private helpers: timezones, post IDs, media-type labels,
the uniqueness check of ID columns."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from engagement_lib import _media_types, _post_ids, _timezones, cleaning


def _naive(*values):
    return pd.Series(pd.to_datetime(list(values)))


@pytest.mark.parametrize(
    ("zone", "gap_time", "expected_utc"),
    [
        # read with the offset before the gap: Paris +01:00, New York -05:00,
        # Lord Howe +10:30 (its clocks move by 30 minutes only)
        ("Europe/Paris", "2019-03-31 02:30", "2019-03-31 01:30"),
        ("America/New_York", "2019-03-10 02:30", "2019-03-10 07:30"),
        ("Australia/Lord_Howe", "2019-10-06 02:15", "2019-10-05 15:45"),
    ],
)
def test_nonexistent_times_are_read_with_the_offset_before_the_gap(zone, gap_time,
                                                                    expected_utc):
    res = _timezones.to_utc(_naive(gap_time), zone)
    assert res.utc.iloc[0] == pd.Timestamp(expected_utc, tz="UTC")
    assert res.nonexistent.tolist() == [True] and res.ambiguous.tolist() == [False]


@pytest.mark.parametrize(
    ("zone", "repeated", "expected_utc"),
    [
        ("Europe/Paris", "2019-10-27 02:30", "2019-10-27 00:30"),  # CEST, +02:00
        ("America/New_York", "2019-11-03 01:30", "2019-11-03 05:30"),  # EDT, -04:00
    ],
)
def test_repeated_times_take_the_first_occurrence(zone, repeated, expected_utc):
    res = _timezones.to_utc(_naive(repeated), zone)
    assert res.utc.iloc[0] == pd.Timestamp(expected_utc, tz="UTC")
    assert res.ambiguous.tolist() == [True]


def test_gap_times_stay_distinct_and_in_order_after_the_last_real_time():
    res = _timezones.to_utc(_naive("2019-03-31 01:59", "2019-03-31 02:01",
                                   "2019-03-31 02:30", "2019-03-31 02:59"), "Europe/Paris")
    assert res.utc.is_monotonic_increasing and res.utc.is_unique  # unlike "shift_forward"
    assert res.nonexistent.tolist() == [False, True, True, True]


def test_unknown_zone_is_rejected():
    with pytest.raises(ValueError, match="Europe/Pariss"):
        _timezones.check_zone("Europe/Pariss")


def test_excel_mangled_ids_are_detected_and_checked_against_the_kept_digits():
    ids = pd.Series(["1.22158E+17", "6,1571E+13", "1E+18", "122158123456789012", "12e3x", None])
    assert _post_ids.is_mangled(ids).tolist() == [True, True, True, False, False, False]
    padded = pd.Series(["122158123456789000", "122158123456789012", "1221581234567890"])
    assert _post_ids.lost_precision(padded).tolist() == [True, False, True]
    assert _post_ids.consistent("1.22158E+17", "122157600000000000")
    assert not _post_ids.consistent("1.22158E+17", "122158600000000000")
    assert not _post_ids.consistent("1.22158E+17", "12215812345678901")  # one digit short
    assert _post_ids.consistent("1.22158E+17", "951745098223517_122158123456789012")


@pytest.mark.parametrize(
    ("network", "link", "expected"),
    [
        ("facebook", "https://m.facebook.com/story.php?story_fbid=123&id=9", "123"),
        ("facebook", "https://www.facebook.com/ville/videos/un-titre/456/", "456"),
        ("facebook", "https://www.facebook.com/photo.php?fbid=789&set=a.1", "789"),
        ("instagram", "https://www.instagram.com/reel/Cabc-_123/", "Cabc-_123"),
        ("x", "https://x.com/ville/status/1098765432109876543?s=20", "1098765432109876543"),
        ("youtube", "https://youtu.be/dQw4w9WgXcQ", "dQw4w9WgXcQ"),
        ("youtube", "https://www.youtube.com/shorts/dQw4w9WgXcQ", "dQw4w9WgXcQ"),
        ("tiktok", "https://www.tiktok.com/@ville/video/7234567890123456789", "7234567890123456789"),
        ("tiktok", "https://www.tiktok.com/@ville/photo/7234567890123456780", "7234567890123456780"),
        ("facebook", "not a link", None),
    ],
)
def test_ids_are_read_from_permalinks(network, link, expected):
    got = _post_ids.ids_from_permalinks(pd.Series([link]), network).iloc[0]
    assert (got if pd.notna(got) else None) == expected


def test_instagram_shortcodes_decode_as_base64():
    # "B" is 1, "BA" is 64, and the alphabet's last letter "_" is 63
    assert _post_ids.instagram_shortcode_to_id("BA") == "64"
    assert _post_ids.instagram_shortcode_to_id("B_") == "127"
    assert _post_ids.instagram_shortcode_to_id("ab$") is None
    assert _post_ids.instagram_shortcode_to_id("A" * 12) is None  # private-post shortcodes


def test_media_labels_fold_case_accents_and_separators():
    assert _media_types.normalize_label("  VIDÉOS_en-direct ") == "videos en direct"
    types, unknown, unreported = _media_types.map_media_types(
        pd.Series(["VIDÉOS EN DIRECT", None, None, "Photos"]), "facebook",
        pd.Series([None, "https://www.youtube.com/shorts/x", None, None]))
    assert types.astype(str).tolist() == ["live", "reel", "other", "photo"]
    assert unknown.tolist() == [False] * 4
    assert unreported.tolist() == [False, False, True, False]


_ID_TEXTS = st.lists(st.one_of(st.none(), st.sampled_from(["", "1", "12", "1_2", "12_", "é"]),
                               st.text(max_size=12), st.text(min_size=60, max_size=70)),
                     max_size=40)


@settings(max_examples=200, deadline=None)
@given(values=_ID_TEXTS, chunks=st.integers(1, 3))
@example(values=["1", "000000000", "1"], chunks=2)  # chunks of different widths
def test_unique_says_whether_a_text_column_repeats_a_value(values, chunks):
    # the hash shortcut must agree with plain Python on every column, chunked or not
    # (only a 64-bit hash clash could make it say False for distinct values)
    size = -(-len(values) // chunks) or 1
    arrow = pa.chunked_array([pa.array(values[i:i + size], type=pa.large_string())
                              for i in range(0, len(values), size)] or [pa.array([], pa.large_string())])
    series = pd.Series(pd.array(arrow, dtype="str"))
    expected = len(set(values)) == len(values)
    assert cleaning._unique(series) is expected


def test_unique_hashes_equal_cells_alike_and_long_cells_not_at_all():
    cells = pa.chunked_array([pa.array(["ab", "ab", None, "abc"]), pa.array([None, "ab\x00"])])
    h = cleaning._short_text_hashes(cells)
    assert h[0] == h[1] and h[2] == h[4] and len(set(h[[0, 2, 3, 5]])) == 4
    assert cleaning._short_text_hashes(pa.array(["x" * 65])) is None


_IDS = st.lists(st.one_of(st.none(), st.sampled_from(
    ["1.22158E+17", " 1e18 ", "6,1571E+13", "122158000000000000", "1221580000000000001",
     "104857600012345_1220000000000000", "0", "", "E", "1E+", "é0"]),
    st.from_regex(r"[0-9eE._+ ,]{0,20}", fullmatch=True)), max_size=30)


@settings(max_examples=200, deadline=None)
@given(values=_IDS)
def test_damaged_ids_are_the_ones_the_pattern_finds(values):
    # the byte prefilter (an e/E, or a trailing 0) must not change which IDs match
    raw = pd.Series(values, dtype="str")
    expected = _post_ids.matches(raw, cleaning._DAMAGED_PATTERN) | raw.isna().to_numpy()
    assert cleaning._damaged(raw).tolist() == expected.tolist()


@settings(max_examples=100, deadline=None)
@given(keep=st.lists(st.booleans(), min_size=0, max_size=30), chunks=st.integers(1, 4),
       slices=st.booleans())
def test_rows_where_is_boolean_indexing(keep, chunks, slices):
    # kept rows as Arrow slices (or a filter) must equal pandas' own frame[mask]
    n = len(keep)
    size = -(-n // chunks) or 1
    texts = [None if i % 5 == 0 else f"t{i}" for i in range(n)]
    frame = pd.DataFrame({
        "text": pd.array(pa.chunked_array([pa.array(texts[i:i + size], pa.large_string())
                                           for i in range(0, n, size)] or
                                          [pa.array([], pa.large_string())]), dtype="str"),
        "count": pd.array([None if i % 7 == 0 else i for i in range(n)], dtype="Int64"),
        "kind": pd.Categorical([("a", "b")[i % 2] for i in range(n)]),
    }, index=pd.RangeIndex(10, 10 + n))
    mask = np.array(keep, dtype=bool)
    old = cleaning._MAX_RUNS
    cleaning._MAX_RUNS = old if slices else 0
    try:
        pd.testing.assert_frame_equal(cleaning._rows_where(frame, mask), frame[mask])
    finally:
        cleaning._MAX_RUNS = old
