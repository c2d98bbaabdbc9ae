"""Tests of engagement_lib.analysis.events (interrupted time series, format
experiments, change-point search).

Synthetic series and posts with known, planted effects (seeded here), then the
recovery of the two planted events of the bundled simulated panel
(``datasets/truth/planted_effects.json``): Saint-Dizier's Snapchat relaunch and
the Grand Est video-format experiment.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from engagement_lib import load_dataset  # noqa: E402
from engagement_lib.analysis import events as E  # noqa: E402
from engagement_lib.analysis.compare import followers_at_post  # noqa: E402
from engagement_lib.errors import EngagementError  # noqa: E402

SEED = 20190304


def ar1_series(rng, *, n=400, phi=0.5, sigma=1.0, start="2018-01-01", event_at=250,
               level=0.0, slope=0.0, freq="D"):
    """y_t = 10 + 0.01 t + level·D_t + slope·(t - t0)·D_t + AR(1) noise (days)."""
    e = np.empty(n)
    e[0] = rng.normal(0, sigma / np.sqrt(1 - phi**2))
    for i in range(1, n):
        e[i] = phi * e[i - 1] + rng.normal(0, sigma)
    dates = pd.date_range(start, periods=n, freq=freq)
    t = ((dates - dates[event_at]) / pd.Timedelta(days=1)).to_numpy()
    after = t >= 0
    y = 10 + 0.01 * (t - t[0]) + level * after + slope * t * after + e
    return pd.DataFrame({"date": dates, "value": y}), dates[event_at]


# --------------------------------------------------------------------------- series
def test_event_series_uses_local_calendar_days_and_fills_on_request():
    posts = pd.DataFrame({
        "published_at": pd.to_datetime([
            "2018-12-31 22:30",  # 23:30 in Paris: 31 December
            "2018-12-31 23:30",  # 00:30 in Paris: 1 January
            "2019-01-03 10:00",
        ]).tz_localize("UTC"),
        "views": [10, 20, 40],
        "account": ["a", "a", "b"],
    })
    daily = E.event_series(posts, value="views", fill_value=0)
    assert daily["date"].dt.strftime("%m-%d").tolist() == ["12-31", "01-01", "01-02", "01-03"]
    assert daily["value"].tolist() == [10, 20, 0, 40]
    assert daily["n"].tolist() == [1, 1, 0, 1]
    unfilled = E.event_series(posts, value="views", where={"account": "a"}, end="2019-01-02")
    assert unfilled["value"].isna().tolist() == [False, False, True]
    weekly = E.event_series(posts, value="views", freq="W", agg="geomean")
    # Monday 31 December 2018 starts the ISO week holding all three local days
    assert weekly["date"].tolist() == [pd.Timestamp("2018-12-31")]
    assert weekly["value"].iloc[0] == pytest.approx((10 * 20 * 40) ** (1 / 3))


def test_event_series_change_gives_net_daily_gain_of_a_running_total():
    days = pd.date_range("2018-01-01", periods=5, freq="D", tz="UTC")
    followers = pd.DataFrame({"date": days, "followers": [100, 103, 103, 110, 108]})
    out = E.event_series(followers, value="followers", agg="last", change=True)
    assert out["value"].tolist() == [3, 0, 7, -2]
    with pytest.raises(EngagementError, match="value column 'nope'"):
        E.event_series(followers, value="nope")


def test_newey_west_rule_of_thumb():
    assert E.newey_west_lags(100) == 4
    assert E.newey_west_lags(365) == 5  # floor(4 · 3.65^(2/9)) = floor(5.33)
    assert E.newey_west_lags(1) == 1


# --------------------------------------------------------------------------- ITS
def test_its_recovers_a_planted_step_and_slope_change():
    rng = np.random.default_rng(SEED)
    data, event = ar1_series(rng, n=600, level=3.0, slope=0.02, event_at=350)
    its = E.InterruptedTimeSeries(event=event, seasonality=None).fit(data)
    eff = its.effects_.set_index("term")
    assert eff.loc["level_change", "ci_low"] < 3.0 < eff.loc["level_change", "ci_high"]
    assert eff.loc["slope_change", "ci_low"] < 0.02 < eff.loc["slope_change", "ci_high"]
    assert eff.loc["level_change", "p_value"] < 1e-6
    assert its.n_before_ == 350 and its.n_after_ == 250
    # the counterfactual continues the pre-event line
    fit = its.fitted_
    after = fit["after"]
    gap = (fit.loc[after, "trend"] - fit.loc[after, "counterfactual"]).to_numpy()
    t = ((fit.loc[after, "date"] - event) / pd.Timedelta(days=1)).to_numpy()
    np.testing.assert_allclose(gap, eff.loc["level_change", "estimate"]
                               + eff.loc["slope_change", "estimate"] * t)
    # with weekday dummies, the plotted trend has no weekly wiggle (piecewise linear)
    weekly = E.InterruptedTimeSeries(event=event, seasonality="weekday").fit(data).fitted_
    before = weekly.loc[~weekly["after"], "trend"].to_numpy()
    np.testing.assert_allclose(np.diff(before, 2), 0, atol=1e-9)
    assert np.ptp(np.diff(weekly.loc[~weekly["after"], "fitted"].to_numpy(), 2)) > 1e-6


@pytest.mark.slow
def test_its_hac_intervals_keep_their_coverage_under_autocorrelation():
    rng = np.random.default_rng(SEED + 1)
    hits = hits_naive = 0
    runs = 150
    for _ in range(runs):
        data, event = ar1_series(rng, n=300, phi=0.6, level=1.0, event_at=150)
        its = E.InterruptedTimeSeries(event=event, seasonality=None).fit(data)
        lvl = its.effects_.set_index("term").loc["level_change"]
        hits += lvl["ci_low"] < 1.0 < lvl["ci_high"]
        naive = its.result_.model.fit()  # same model, i.i.d. errors
        lo, hi = naive.conf_int().loc["level_change"]
        hits_naive += lo < 1.0 < hi
    assert hits / runs >= 0.85
    assert hits_naive / runs < hits / runs  # what ignoring autocorrelation would cost


def test_its_log_transform_reports_relative_change_and_checks_inputs():
    rng = np.random.default_rng(SEED + 2)
    data, event = ar1_series(rng, n=200, sigma=0.1, phi=0.3, event_at=100)
    data["value"] = np.exp(data["value"] / 10)
    data.loc[data["date"] >= event, "value"] *= 1.5
    its = E.InterruptedTimeSeries(event=event, transform="log", seasonality=None).fit(data)
    lvl = its.effects_.set_index("term").loc["level_change"]
    assert lvl["relative_low"] < 0.5 < lvl["relative_high"]
    assert lvl["relative"] == pytest.approx(np.expm1(lvl["estimate"]))
    with pytest.raises(EngagementError, match="at least 3 observations"):
        E.InterruptedTimeSeries(event="2030-01-01").fit(data)
    bad = data.assign(value=data["value"] - 100)
    with pytest.raises(EngagementError, match="positive"):
        E.InterruptedTimeSeries(event=event, transform="log").fit(bad)
    with pytest.raises(EngagementError, match="duplicated dates"):
        E.InterruptedTimeSeries(event=event).fit(pd.concat([data, data.head(3)]))
    with pytest.raises(EngagementError, match="missing column"):
        E.InterruptedTimeSeries(event=event, y="views").fit(data)


# --------------------------------------------------------------------------- arms
def arm_posts(rng, *, n=60, lift=0.3, sigma=0.8):
    """Alternating arms; reach ~ log-normal, views ~ Poisson(0.3 × reach × lift)."""
    arm = np.tile(["new", "old"], n)
    reach = np.round(np.exp(rng.normal(8, sigma, 2 * n))).astype("int64")
    views = rng.poisson(0.3 * reach * np.where(arm == "new", 1 + lift, 1.0))
    return pd.DataFrame({
        "post_id": [f"p{i}" for i in range(2 * n)], "label": arm, "views": views,
        "reach": reach, "topic": rng.choice(["a", "b"], 2 * n),
    })


def test_compare_arms_recovers_a_planted_lift_three_ways():
    rng = np.random.default_rng(SEED + 3)
    posts = arm_posts(rng, n=150, lift=0.3, sigma=0.5)
    res = E.compare_arms(posts, treatment="new", control="old", random_state=1,
                         n_boot=999, n_perm=999).set_index("method")
    for method in ("regression", "bootstrap"):
        assert res.loc[method, "ci_low"] < 0.3 < res.loc[method, "ci_high"], method
    assert res.loc["permutation", "p_value"] < 0.01
    assert res.loc["regression", "n_treatment"] == res.loc["regression", "n_control"] == 150
    # a per-reach rate removes the post-to-post spread: the interval narrows
    rate = E.compare_arms(posts, treatment="new", control="old", denominator="reach",
                          random_state=1, n_boot=499, n_perm=499).set_index("method")
    width = lambda r: r.loc["regression", "ci_high"] - r.loc["regression", "ci_low"]  # noqa: E731
    assert width(rate) < width(res) / 3
    assert rate.loc["regression", "ci_low"] < 0.3 < rate.loc["regression", "ci_high"]


def test_compare_arms_is_calibrated_under_no_lift_and_reproducible():
    rng = np.random.default_rng(SEED + 4)
    p = []
    for _ in range(60):
        posts = arm_posts(rng, n=30, lift=0.0)
        res = E.compare_arms(posts, treatment="new", control="old", n_boot=99, n_perm=199,
                             random_state=rng)
        p.append(res.set_index("method").loc["permutation", "p_value"])
    assert np.mean(np.array(p) < 0.05) <= 0.12
    posts = arm_posts(np.random.default_rng(0), n=30)
    a = E.compare_arms(posts, treatment="new", control="old", random_state=7, n_boot=199,
                       n_perm=199, covariates=["topic"])
    b = E.compare_arms(posts, treatment="new", control="old", random_state=7, n_boot=199,
                       n_perm=199, covariates=["topic"])
    pd.testing.assert_frame_equal(a, b)


def test_compare_arms_mean_scale_and_errors():
    rng = np.random.default_rng(SEED + 5)
    posts = arm_posts(rng, n=200, lift=0.3, sigma=0.3)
    res = E.compare_arms(posts, treatment="new", control="old", scale="mean", random_state=2,
                         n_boot=499, n_perm=199).set_index("method")
    assert res.loc["regression", "ci_low"] < 0.3 < res.loc["regression", "ci_high"]
    means = posts.groupby("label")["views"].mean()
    assert res.loc["bootstrap", "estimate"] == pytest.approx(means["new"] / means["old"] - 1)
    with pytest.raises(EngagementError, match=r"arm 'format:x' not found .*'new', 'old'"):
        E.compare_arms(posts, treatment="format:x", control="old")
    posts.loc[:3, "reach"] = 0
    r = E.compare_arms(posts, treatment="new", control="old", denominator="reach",
                       n_boot=99, n_perm=99, random_state=0)
    assert (r["n_excluded"] == 4).all()


# --------------------------------------------------------------------------- change point
def test_change_point_scan_finds_a_planted_break_and_not_a_missing_one():
    rng = np.random.default_rng(SEED + 6)
    data, event = ar1_series(rng, n=500, phi=0.4, level=2.0, event_at=320)
    scan = E.ChangePointScan(slope_change=False, seasonality=None, n_boot=199,
                             random_state=1).fit(data)
    assert abs((scan.date_ - event).days) <= 3
    assert scan.status_ == "change point detected" and scan.p_value_ <= 0.01
    level = scan.effects_.set_index("term").loc["level_change"]
    assert level["ci_low"] < 2.0 < level["ci_high"]
    false = 0
    for k in range(10):
        null, _ = ar1_series(np.random.default_rng(SEED + 100 + k), n=300, phi=0.4)
        s = E.ChangePointScan(slope_change=False, seasonality=None, n_boot=99,
                              random_state=k).fit(null)
        false += s.p_value_ < 0.05
    assert false <= 2


# --------------------------------------------------------------------------- simulator
@pytest.fixture(scope="module")
def truth():
    return (load_dataset("truth/posts"), load_dataset("truth/followers"),
            load_dataset("truth/planted_effects")["effects"])


@pytest.mark.slow
def test_saint_dizier_snapchat_relaunch_is_recovered(truth):
    posts, followers, planted = truth
    sd = planted["snapchat_relaunch"]
    account = posts.loc[(posts["collectivite"] == sd["collectivite"])
                        & (posts["network"] == sd["network"]), "account"].unique()
    assert len(account) == 1
    snap = posts[posts["account"] == account[0]]
    snap = snap.assign(followers=followers_at_post(snap, followers))
    # planted: step on log(story views / follower) at the relaunch date
    series = E.event_series(snap, value="views", denominator="followers", agg="geomean")
    its = E.InterruptedTimeSeries(event=sd["relaunch_date"], transform="log", trend=False,
                                  slope_change=False).fit(series)
    lvl = its.effects_.set_index("term").loc["level_change"]
    assert lvl["ci_low"] < sd["log_views_step"] < lvl["ci_high"]
    assert lvl["p_value"] < 0.001
    # planted: daily new followers step from 'before' to 'after'
    gain = E.event_series(followers, value="followers", agg="last", change=True,
                          where={"account": account[0]})
    its = E.InterruptedTimeSeries(event=sd["relaunch_date"]).fit(gain)
    lvl = its.effects_.set_index("term").loc["level_change"]
    assert lvl["ci_low"] < sd["daily_new_followers_step"] < lvl["ci_high"]
    # and the date is found without being told
    scan = E.ChangePointScan(n_boot=199, random_state=SEED).fit(gain)
    assert abs((scan.date_ - pd.Timestamp(sd["relaunch_date"])).days) <= 7
    assert scan.p_value_ < 0.05


@pytest.mark.slow
def test_grand_est_video_format_lift_is_recovered(truth):
    posts, _, planted = truth
    vx = planted["video_format_experiment"]
    kw = dict(treatment=vx["arm_new"], control=vx["arm_old"], arm=vx["label_column"],
              random_state=SEED, n_boot=999, n_perm=999)
    views = E.compare_arms(posts, outcome="views", denominator="reach", **kw).set_index("method")
    completion = E.compare_arms(posts, outcome="completions", denominator="views", **kw)
    completion = completion.set_index("method")
    for method in ("regression", "bootstrap"):
        assert views.loc[method, "ci_low"] < vx["views_lift_relative"] < views.loc[method, "ci_high"]
        c = completion.loc[method]
        assert c["ci_low"] < vx["completion_rate_lift_relative"] < c["ci_high"]
    assert views.loc["permutation", "p_value"] < 0.05
    assert completion.loc["permutation", "p_value"] < 0.05
    assert views.loc["regression", "n_treatment"] == vx["n_posts"][vx["arm_new"]]


# --------------------------------------------------------------------------- figures
def test_event_figures_mark_the_event_and_translate():
    rng = np.random.default_rng(SEED + 7)
    data, event = ar1_series(rng, n=200, level=2.0, event_at=120)
    its = E.InterruptedTimeSeries(event=event).fit(data)
    for lang, word in (("fr", "Observé"), ("en", "Observed")):
        ax = E.plot_interrupted_time_series(its, lang=lang)
        assert word in [t.get_text() for t in ax.get_legend().get_texts()]
        xs = [line.get_xdata()[0] for line in ax.get_lines() if len(line.get_xdata()) == 2]
        x = xs[0]
        if isinstance(x, float):
            x = matplotlib.dates.num2date(x).replace(tzinfo=None)
        assert pd.Timestamp(x) == event
        plt.close("all")
    posts = arm_posts(rng, n=40)
    res = E.compare_arms(posts, treatment="new", control="old", n_boot=99, n_perm=99,
                         random_state=0)
    ax = E.plot_arms(posts, res, treatment="new", control="old", lang="en")
    assert ax.get_title().startswith("relative lift")
    scan = E.ChangePointScan(n_boot=49, random_state=0).fit(data)
    ax = E.plot_change_point_scan(scan, known=event, lang="fr")
    assert "Date estimée" in ax.get_legend().get_texts()[0].get_text()
    plt.close("all")
