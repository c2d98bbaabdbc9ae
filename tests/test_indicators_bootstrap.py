"""Bootstrap intervals: seeded, within group and period, same definitions as the estimates."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from engagement_lib.indicators import _bootstrap, compute
from engagement_lib.indicators._bootstrap import multinomial_weights

PARIS = "Europe/Paris"
RATES = [
    "reach_per_post",
    "reach_rate",
    "engagement_rate_reach",
    "engagement_rate_impressions",
    "engagement_rate_followers",
    "applause_rate",
    "ctr",
    "video_view_rate",
    "bonson_p1",
    "bonson_p3",
    "bonson_e",
    "response_rate",
]


def _panel(rng, *, accounts=3, months=2, per_month=12, p=0.05):
    """Posts whose interactions are Binomial(reach, p): the true engagement rate is p."""
    rows = []
    for a in range(accounts):
        for m in range(months):
            n = per_month
            reach = rng.poisson(400, n) + 1
            inter = rng.binomial(reach, p)
            likes = rng.binomial(inter, 0.7)
            comments = rng.binomial(inter - likes, 0.5)
            rows.append(
                pd.DataFrame(
                    {
                        "collectivite": "c",
                        "account": f"a{a}",
                        "network": ["facebook", "x", "youtube"][a % 3],
                        "published_at": pd.Timestamp(f"2018-{m + 1:02d}-01", tz=PARIS).tz_convert(
                            "UTC"
                        )
                        + pd.to_timedelta(rng.integers(0, 27 * 24, n), unit="h"),
                        "media_type": rng.choice(["photo", "video"], n),
                        "likes": likes,
                        "comments": comments,
                        "shares": inter - likes - comments,
                        "reach": reach,
                        "impressions": reach + rng.poisson(100, n),
                        "clicks": rng.binomial(reach, 0.01),
                        "views": rng.binomial(reach, 0.3),
                    }
                )
            )
    posts = pd.concat(rows, ignore_index=True)
    for c in ("likes", "comments", "shares", "reach", "impressions", "clicks", "views"):
        posts[c] = posts[c].astype("Int64")
    posts["post_id"] = [str(i) for i in range(len(posts))]
    days = pd.date_range("2017-12-31", periods=months * 31 + 2, freq="D", tz=PARIS)
    followers = pd.DataFrame(
        {
            "collectivite": "c",
            "account": np.repeat([f"a{a}" for a in range(accounts)], len(days)),
            "network": np.repeat(
                [["facebook", "x", "youtube"][a % 3] for a in range(accounts)], len(days)
            ),
            "date": np.tile(days.tz_convert("UTC"), accounts),
            "followers": pd.array(np.arange(accounts * len(days)) + 5000, dtype="Int64"),
        }
    )
    received = posts["published_at"].iloc[::3].reset_index(drop=True)
    delay = pd.to_timedelta(rng.exponential(10, len(received)), unit="h")
    conversations = pd.DataFrame(
        {
            "collectivite": "c",
            "account": posts["account"].iloc[::3].to_numpy(),
            "network": posts["network"].iloc[::3].to_numpy(),
            "received_at": received,
            "replied_at": (received + delay).where(rng.random(len(received)) < 0.7),
        }
    )
    return {"posts": posts, "followers": followers, "conversations": conversations}


def test_multinomial_weights_resample_within_each_group(rng):
    sizes = np.array([3, 1, 5])
    starts = np.repeat(np.cumsum(sizes) - sizes, sizes)
    w = multinomial_weights(starts, np.repeat(sizes, sizes), 2000, rng)
    assert w.shape == (9, 2000)
    # each resample draws exactly n_g units inside each group g
    np.testing.assert_array_equal(w[:3].sum(axis=0), 3)
    np.testing.assert_array_equal(w[3], 1)
    np.testing.assert_array_equal(w[4:].sum(axis=0), 5)
    # a unit is drawn once per resample on average, Binomial(n, 1/n) spread
    assert w.mean(axis=1) == pytest.approx(np.ones(9), abs=0.08)
    assert w[4:].var(axis=1) == pytest.approx(np.full(5, 5 * 0.2 * 0.8), rel=0.15)


def test_intervals_are_seeded(rng):
    data = _panel(rng)
    a = compute(data, RATES, n_boot=200, random_state=7)
    b = compute(data, RATES, n_boot=200, random_state=7)
    c = compute(data, RATES, n_boot=200, random_state=8)
    pd.testing.assert_frame_equal(a, b)
    valued = a["ci_low"].notna()
    assert valued.sum() > 20
    assert not np.allclose(a.loc[valued, "ci_low"], c.loc[valued, "ci_low"])
    gen = compute(data, RATES, n_boot=200, random_state=np.random.default_rng(7))
    pd.testing.assert_frame_equal(a, gen)


def test_unit_weights_collapse_the_interval_to_the_estimate(rng, monkeypatch):
    """With every unit drawn once, the bootstrap re-runs the estimate's own definition."""
    data = _panel(rng)
    monkeypatch.setattr(
        _bootstrap, "multinomial_weights", lambda starts, sizes, n, rng: np.ones((len(starts), n))
    )
    monkeypatch.setattr(_bootstrap, "_MAX_UNITS", 7)  # exercise batching of groups...
    monkeypatch.setattr(_bootstrap, "_BUDGET", 25)  # ...and of resamples
    for options in (
        {},
        {"aggregation": "mean_of_ratios"},
        {"follower_basis": "mean"},
        {"by": ("network",)},
        {"include_clicks": True},
    ):
        res = compute(data, RATES, n_boot=5, random_state=0, **options)
        valued = res["status"].isin(["ok", "small sample"])
        assert valued.sum() > 10
        for col in ("ci_low", "ci_high"):
            np.testing.assert_allclose(res.loc[valued, col], res.loc[valued, "value"], rtol=1e-12)
        assert res.loc[~valued, ["ci_low", "ci_high"]].isna().all().all()


def test_counts_and_totals_get_no_interval(rng):
    res = compute(
        _panel(rng),
        ["posts", "total_likes", "followers", "median_response_time"],
        n_boot=50,
        random_state=0,
    )
    assert res[["ci_low", "ci_high"]].isna().all().all()


def test_intervals_cover_the_true_rate(rng):
    """Recovery: 120 account-months of 30 posts with a true rate of 5 % → ~95 % coverage."""
    data = _panel(rng, accounts=60, months=2, per_month=30, p=0.05)
    res = compute(
        data,
        ["engagement_rate_reach", "bonson_p1"],
        n_boot=400,
        random_state=3,
        by=("collectivite", "account", "network"),
        start="2018-01-01",
        end="2018-03-01",
    )
    err = res[res["indicator"] == "engagement_rate_reach"]
    assert len(err) == 120
    covered = (err["ci_low"] <= 5.0) & (5.0 <= err["ci_high"])
    assert 0.88 <= covered.mean() <= 0.995, covered.mean()
    width = (err["ci_high"] - err["ci_low"]).median()
    assert 0.3 < width < 2.5  # percentage points: informative, not degenerate


def test_ci_level_changes_the_width(rng):
    data = _panel(rng)
    wide = compute(data, ["engagement_rate_reach"], n_boot=300, random_state=1, ci=0.99)
    narrow = compute(data, ["engagement_rate_reach"], n_boot=300, random_state=1, ci=0.5)
    valued = wide["value"].notna()
    assert valued.sum() >= 4
    assert (wide["ci_high"] - wide["ci_low"] > narrow["ci_high"] - narrow["ci_low"])[valued].all()
    with pytest.raises(ValueError, match="ci"):
        compute(data, ["ctr"], ci=95)
