"""Indicators on random tables equal a plain pandas computation of the catalog's formulas."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engagement_lib.indicators import compute

PARIS = "Europe/Paris"
METRICS = ["likes", "comments", "shares", "reach", "impressions", "clicks"]


@st.composite
def posts_frames(draw):
    n = draw(st.integers(1, 40))
    seed = draw(st.integers(0, 2**31 - 1))
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "collectivite": rng.choice(["c1", "c2"], n),
            "account": rng.choice(["a", "b"], n),
            "network": rng.choice(["facebook", "x"], n),
            "published_at": pd.Timestamp("2018-01-01", tz="UTC")
            + pd.to_timedelta(rng.integers(0, 120 * 24 * 60, n), unit="min"),
            "media_type": rng.choice(["photo", "video", "text"], n),
        }
    )
    for m in METRICS:
        values = pd.array(rng.integers(0, 50, n), dtype="Int64")
        values[rng.random(n) < draw(st.sampled_from([0.0, 0.3, 1.0]))] = pd.NA
        frame[m] = values
    frame["post_id"] = [str(i) for i in range(n)]
    return frame


def _naive(posts):
    """The catalog formulas, row by row in plain pandas (independent of the engine)."""
    p = posts.copy()
    local = p["published_at"].dt.tz_convert(PARIS)
    p["period"] = (
        local.dt.tz_localize(None)
        .dt.to_period("M")
        .dt.start_time.dt.tz_localize(PARIS)
        .dt.tz_convert("UTC")
    )
    comps = p[["likes", "comments", "shares"]]
    p["A"] = comps.fillna(0).sum(axis=1).where(comps.notna().any(axis=1))
    out = {}
    for key, g in p.groupby(["collectivite", "network", "period"]):
        both = g.dropna(subset=["A", "reach"])
        out[(*key, "engagement_rate_reach")] = (
            100 * both["A"].sum() / both["reach"].sum() if both["reach"].sum() > 0 else np.nan
        )
        both = g.dropna(subset=["clicks", "impressions"])
        out[(*key, "ctr")] = (
            100 * both["clicks"].sum() / both["impressions"].sum()
            if both["impressions"].sum() > 0
            else np.nan
        )
        liked = g["likes"].dropna()
        out[(*key, "bonson_p1")] = 100 * (liked >= 1).mean() if len(liked) else np.nan
        out[(*key, "total_likes")] = liked.sum() if len(liked) else np.nan
        out[(*key, "posts")] = len(g)
    return pd.Series(out, dtype="float64")


@pytest.mark.slow
@settings(max_examples=60, deadline=None)
@given(posts_frames())
def test_engine_equals_plain_pandas(posts):
    res = compute(
        posts, ["engagement_rate_reach", "ctr", "bonson_p1", "total_likes", "posts"], n_boot=0
    )
    got = res.set_index(["collectivite", "network", "period", "indicator"])["value"]
    want = _naive(posts)
    got = got.reindex(want.index)
    np.testing.assert_allclose(
        got.to_numpy(float), want.to_numpy(float), rtol=1e-12, equal_nan=True
    )


@pytest.mark.slow
@settings(max_examples=25, deadline=None)
@given(posts_frames(), st.integers(1, 7))
def test_chunking_and_row_order_do_not_change_results(posts, shift):
    from engagement_lib.indicators import _compute

    expected = compute(posts, n_boot=0)
    shuffled = posts.sample(frac=1.0, random_state=shift).reset_index(drop=True)
    old = _compute._CHUNK
    try:
        _compute._CHUNK = shift  # many tiny chunks
        got = compute(shuffled, n_boot=0)
    finally:
        _compute._CHUNK = old
    pd.testing.assert_frame_equal(got, expected, check_exact=False, rtol=1e-12)
