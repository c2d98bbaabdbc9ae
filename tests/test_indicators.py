"""Indicators: every indicator hand-worked on a tiny table, statuses, periods, options.

The expected values below are worked out by hand from the table in
``tiny`` (the arithmetic is in the comments), never copied from the code's
output. Notation: L likes, C comments, S shares, K clicks, R reach,
I impressions, W video views, A = L + C + S, F followers, N posts.
"""

from __future__ import annotations

import types

import numpy as np
import pandas as pd
import pytest

from engagement_lib.errors import SchemaError
from engagement_lib.indicators import (
    FAMILIES,
    INDICATORS,
    STATUS,
    catalog,
    compute,
    interaction_components,
    resolve,
)
from engagement_lib.schema import validate

NA = pd.NA
PARIS = "Europe/Paris"


def _posts(rows):
    """Canonical-enough posts frame from (account, network, local time, media, metrics) rows."""
    frame = pd.DataFrame(rows)
    frame["collectivite"] = frame.get("collectivite", "testville")
    frame["published_at"] = (
        pd.to_datetime(frame["published_at"]).dt.tz_localize(PARIS).dt.tz_convert("UTC")
    )
    for m in ("likes", "comments", "shares", "saves", "clicks", "reach", "impressions", "views"):
        frame[m] = pd.array(frame[m] if m in frame else [NA] * len(frame), dtype="Int64")
    frame["post_id"] = [f"p{i}" for i in range(len(frame))]
    return frame


def _followers(rows):
    frame = pd.DataFrame(rows, columns=["account", "network", "date", "followers"])
    frame["collectivite"] = "testville"
    frame["date"] = pd.to_datetime(frame["date"]).dt.tz_localize(PARIS).dt.tz_convert("UTC")
    frame["followers"] = pd.array(frame["followers"], dtype="Int64")
    return frame


def _conversations(rows):
    frame = pd.DataFrame(rows, columns=["account", "network", "received", "delay_h"])
    frame["collectivite"] = "testville"
    received = pd.to_datetime(frame["received"]).dt.tz_localize(PARIS).dt.tz_convert("UTC")
    frame["received_at"] = received
    frame["replied_at"] = received + pd.to_timedelta(frame["delay_h"], unit="h")
    return frame.drop(columns=["received", "delay_h"])


COLLECTIVITES = pd.DataFrame(
    {"id": ["testville"], "population": [20_000], "population_article": [25_000]}
)


@pytest.fixture(scope="module")
def tiny():
    """Three accounts of one town, March 2018 (Paris time); see the module docstring."""
    posts = _posts(
        [
            # Facebook: 3 posts
            dict(
                account="tv",
                network="facebook",
                published_at="2018-03-05 10:00",
                media_type="photo",
                likes=10,
                comments=2,
                shares=1,
                clicks=5,
                reach=100,
                impressions=150,
            ),
            dict(
                account="tv",
                network="facebook",
                published_at="2018-03-12 18:00",
                media_type="video",
                likes=0,
                comments=1,
                shares=0,
                clicks=1,
                reach=50,
                impressions=60,
                views=40,
            ),
            dict(
                account="tv",
                network="facebook",
                published_at="2018-03-20 08:00",
                media_type="link",
                likes=4,
                comments=0,
                shares=3,
                clicks=2,
                reach=50,
                impressions=90,
            ),
            # X (classic tweet activity export: no reach)
            dict(
                account="tv_x",
                network="x",
                published_at="2018-03-02 09:00",
                media_type="text",
                likes=2,
                comments=0,
                shares=1,
                clicks=4,
                impressions=400,
            ),
            dict(
                account="tv_x",
                network="x",
                published_at="2018-03-28 09:00",
                media_type="video",
                likes=1,
                comments=1,
                shares=0,
                clicks=3,
                impressions=300,
                views=100,
            ),
            # YouTube Studio table without the optional Shares column; no reach, no clicks
            dict(
                account="tv_yt",
                network="youtube",
                published_at="2018-03-15 12:00",
                media_type="video",
                likes=6,
                comments=2,
                impressions=200,
                views=80,
            ),
        ]
    )
    followers = _followers(
        [
            ("tv", "facebook", "2018-02-28", 1000),
            ("tv", "facebook", "2018-03-15", 1050),
            ("tv", "facebook", "2018-03-31", 1100),
            ("tv_x", "x", "2018-02-28", 500),
            ("tv_x", "x", "2018-03-01", 503),
            ("tv_x", "x", "2018-03-31", 520),
            ("tv_yt", "youtube", "2018-02-28", 300),
            ("tv_yt", "youtube", "2018-03-31", 310),
        ]
    )
    conversations = _conversations(
        [
            ("tv", "facebook", "2018-03-06 09:00", 1.0),
            ("tv", "facebook", "2018-03-07 09:00", 5.0),
            ("tv", "facebook", "2018-03-08 09:00", 30.0),
            ("tv", "facebook", "2018-03-09 09:00", np.nan),  # never answered
            ("tv_x", "x", "2018-03-10 09:00", 10.0),
        ]
    )
    return {"posts": posts, "followers": followers, "conversations": conversations}


@pytest.fixture(scope="module")
def march(tiny):
    res = compute(tiny, collectivites=COLLECTIVITES, n_boot=0)
    start = pd.Timestamp("2018-03-01", tz=PARIS).tz_convert("UTC")
    return res[res["period"] == start]


def value(res, network, indicator):
    row = res[(res["network"] == network) & (res["indicator"] == indicator)]
    assert len(row) == 1, f"{network}/{indicator}: {len(row)} rows"
    return row.iloc[0]


# Facebook, March 2018: N = 3, A = (10+2+1) + (0+1+0) + (4+0+3) = 13 + 1 + 7 = 21,
# ΣL = 14, ΣC = 3, ΣS = 4, ΣK = 8, ΣR = 200, ΣI = 300, F_start = 1000 (end of Feb),
# F_end = 1100, N × F = 3300, population (INSEE) 20 000.
FACEBOOK = {
    "followers": 1100,
    "net_follower_growth": 100,  # 1100 − 1000
    "follower_growth_rate": 10.0,  # 100 / 1000 × 100
    "followers_per_1000_inhabitants": 55.0,  # 1100 / 20 000 × 1000
    "posts": 3,
    "posts_per_week": 3 / (31 / 7),  # March has 31 local days
    "media_mix:photo": 100 / 3,
    "media_mix:video": 100 / 3,
    "media_mix:link": 100 / 3,
    "total_reach": 200,  # 100 + 50 + 50
    "total_impressions": 300,  # 150 + 60 + 90
    "reach_per_post": 200 / 3,
    "reach_rate": 200 / 3300 * 100,  # ΣR / (N × F) = 6.06 %
    "impressions_per_post": 100.0,  # 300 / 3
    "total_video_views": 40,  # the one video post
    "total_interactions": 21,
    "total_likes": 14,
    "total_comments": 3,
    "total_shares": 4,
    "total_clicks": 8,  # 5 + 1 + 2
    "engagement_rate_reach": 10.5,  # 21 / 200 × 100
    "engagement_rate_impressions": 7.0,  # 21 / 300 × 100
    "engagement_rate_followers": 21 / 3300 * 100,  # 0.636 %
    "applause_rate": 14 / 3300 * 100,  # 0.424 %
    "conversation_rate": 3 / 3300 * 100,  # 0.0909 %
    "amplification_rate": 4 / 3300 * 100,  # 0.121 %
    "ctr": 8 / 300 * 100,  # 2.67 %
    "video_view_rate": 40 / 60 * 100,  # video posts only: W 40 / I 60
    "bonson_p1": 200 / 3,  # p1 and p3 have ≥ 1 like: 2/3
    "bonson_p2": 14 / 3,  # 4.667 likes/post
    "bonson_p3": 14 / 3 / 1100 * 1000,  # 4.242
    "bonson_c1": 200 / 3,  # p1, p2 commented
    "bonson_c2": 1.0,  # 3 / 3
    "bonson_c3": 1 / 1100 * 1000,  # 0.909
    "bonson_v1": 200 / 3,  # p1, p3 shared
    "bonson_v2": 4 / 3,
    "bonson_v3": 4 / 3 / 1100 * 1000,  # 1.212
    "bonson_e": (14 + 3 + 4) / 3 / 1100 * 1000,  # P3 + C3 + V3 = 6.364
    # conversations: delays 1 h, 5 h, 30 h, never
    "response_rate": 75.0,  # 3 / 4
    "median_response_time": 5.0,  # median(1, 5, 30)
    "response_within_24h": 50.0,  # 1 h, 5 h → 2 / 4
    "response_time_0_2h": 25.0,
    "response_time_2_8h": 25.0,
    "response_time_8_24h": 0.0,
    "response_time_over_24h": 25.0,
}

# X, March 2018: N = 2, A = (2+0+1) + (1+1+0) = 5, ΣL = 3, ΣC = 1, ΣS = 1, ΣK = 7,
# ΣI = 700, no reach. Followers 500 (28 February, end of the previous month) → 520
# (31 March); N × F = 1040.
X = {
    "followers": 520,
    "net_follower_growth": 20,
    "follower_growth_rate": 4.0,  # 20 / 500
    "followers_per_1000_inhabitants": 26.0,  # 520 / 20 000 × 1000
    "posts": 2,
    "posts_per_week": 2 / (31 / 7),
    "media_mix:text": 50.0,
    "media_mix:video": 50.0,
    "total_impressions": 700,
    "impressions_per_post": 350.0,
    "total_video_views": 100,
    "total_interactions": 5,
    "total_likes": 3,
    "total_comments": 1,
    "total_shares": 1,
    "total_clicks": 7,
    "engagement_rate_impressions": 5 / 700 * 100,  # 0.714 %
    "engagement_rate_followers": 5 / 1040 * 100,  # 0.481 %
    "applause_rate": 3 / 1040 * 100,
    "conversation_rate": 1 / 1040 * 100,
    "amplification_rate": 1 / 1040 * 100,
    "ctr": 1.0,  # 7 / 700
    "video_view_rate": 100 / 300 * 100,  # the video tweet: W 100 / I 300
    "bonson_p1": 100.0,
    "bonson_p2": 1.5,
    "bonson_p3": 1.5 / 520 * 1000,  # 2.885
    "bonson_c1": 50.0,
    "bonson_c2": 0.5,
    "bonson_c3": 0.5 / 520 * 1000,
    "bonson_v1": 50.0,
    "bonson_v2": 0.5,
    "bonson_v3": 0.5 / 520 * 1000,
    "bonson_e": (1.5 + 0.5 + 0.5) / 520 * 1000,  # 4.808
    "response_rate": 100.0,  # one message, answered after 10 h
    "median_response_time": 10.0,
    "response_within_24h": 100.0,
    "response_time_0_2h": 0.0,
    "response_time_2_8h": 0.0,
    "response_time_8_24h": 100.0,
    "response_time_over_24h": 0.0,
}

# YouTube, March 2018: one video, L 6, C 2, shares not in the export, I 200, W 80;
# F 300 → 310. A = L + C = 8 (shares not reported add nothing).
YOUTUBE = {
    "followers": 310,
    "net_follower_growth": 10,
    "follower_growth_rate": 10 / 3,  # 10 / 300 × 100
    "followers_per_1000_inhabitants": 15.5,
    "posts": 1,
    "total_impressions": 200,
    "total_interactions": 8,
    "engagement_rate_impressions": 4.0,  # 8 / 200
    "engagement_rate_followers": 8 / 310 * 100,
    "applause_rate": 6 / 310 * 100,
    "video_view_rate": 40.0,  # 80 / 200
    "bonson_p1": 100.0,
    "bonson_p2": 6.0,
    "bonson_p3": 6 / 310 * 1000,  # 19.35
    "bonson_c2": 2.0,
    "bonson_c3": 2 / 310 * 1000,
}


@pytest.mark.parametrize(
    ("network", "expected"), [("facebook", FACEBOOK), ("x", X), ("youtube", YOUTUBE)]
)
def test_every_indicator_matches_the_hand_worked_value(march, network, expected):
    for indicator, want in expected.items():
        row = value(march, network, indicator)
        assert row["status"] in ("ok", "small sample"), (indicator, row["status"])
        assert row["value"] == pytest.approx(want, rel=1e-12), indicator


def test_the_hand_worked_tables_cover_the_whole_catalog():
    covered = {i.split(":")[0] for i in FACEBOOK} | {i.split(":")[0] for i in X}
    assert covered == set(INDICATORS)


def test_counts_behind_each_value(march):
    assert value(march, "facebook", "engagement_rate_reach")["n"] == 3
    assert value(march, "facebook", "video_view_rate")["n"] == 1  # one video post
    assert value(march, "facebook", "response_rate")["n"] == 4  # conversations received
    assert value(march, "facebook", "median_response_time")["n"] == 3  # answered ones
    assert value(march, "x", "engagement_rate_impressions")["n"] == 2


# ---------------------------------------------------------------- missing is not zero
def test_reach_on_x_classic_exports_is_not_reported_not_zero(march):
    for ind in ("total_reach", "reach_per_post", "reach_rate", "engagement_rate_reach"):
        row = value(march, "x", ind)
        assert np.isnan(row["value"]), ind
        assert row["status"] == "not reported by this network"
        assert np.isnan(row["ci_low"]) and np.isnan(row["ci_high"])


def test_shares_on_youtube_are_not_reported_not_zero(march):
    for ind in (
        "total_shares",
        "amplification_rate",
        "bonson_v1",
        "bonson_v2",
        "bonson_v3",
        "bonson_e",
    ):
        row = value(march, "youtube", ind)
        assert np.isnan(row["value"]), ind
        assert row["status"] == "not reported by this network", ind
    # clicks and reach are not in this YouTube export either
    assert value(march, "youtube", "ctr")["status"] == "not reported by this network"
    assert value(march, "youtube", "engagement_rate_reach")["status"] == (
        "not reported by this network"
    )


def test_interaction_components_say_what_a_network_counts(tiny):
    comp = interaction_components(tiny["posts"]).set_index("network")
    assert comp.loc["youtube", "components"] == "likes + comments"
    assert comp.loc["youtube", "missing"] == "shares"
    assert comp.loc["facebook", "components"] == "likes + comments + shares"
    with_clicks = interaction_components(tiny["posts"], include_clicks=True).set_index("network")
    assert with_clicks.loc["x", "components"] == "likes + comments + shares + clicks"


def test_a_month_without_posts_says_no_posts(tiny):
    res = compute(tiny, collectivites=COLLECTIVITES, n_boot=0)
    feb = res[res["period"] == pd.Timestamp("2018-02-01", tz=PARIS).tz_convert("UTC")]
    fb = feb[feb["network"] == "facebook"].set_index("indicator")
    assert fb.loc["posts", "value"] == 0 and fb.loc["posts", "status"] == "ok"  # a real 0
    assert fb.loc["engagement_rate_reach", "status"] == "no posts"
    assert np.isnan(fb.loc["engagement_rate_reach", "value"])
    assert fb.loc["followers", "value"] == 1000
    # no count before February: its start, hence its growth, is unknown
    assert fb.loc["net_follower_growth", "status"] == "no follower data"
    assert np.isnan(fb.loc["follower_growth_rate", "value"])
    mix = fb[fb.index.str.startswith("media_mix")]
    assert len(mix) == 3 and (mix["status"] == "no posts").all() and mix["value"].isna().all()


def test_no_follower_data_and_partial_reporting():
    posts = _posts(
        [
            dict(
                account="a",
                network="facebook",
                published_at="2018-05-02 10:00",
                media_type="photo",
                likes=10,
                comments=0,
                shares=0,
                reach=100,
            ),
            dict(
                account="a",
                network="facebook",
                published_at="2018-05-03 10:00",
                media_type="photo",
                likes=20,
                comments=0,
                shares=0,
            ),  # reach lost
            dict(
                account="a",
                network="facebook",
                published_at="2018-05-04 10:00",
                media_type="photo",
                likes=30,
                comments=0,
                shares=0,
                reach=200,
            ),
            dict(
                account="a",
                network="facebook",
                published_at="2018-06-04 10:00",
                media_type="photo",
                likes=5,
                comments=0,
                shares=0,
            ),  # no reach in June
        ]
    )
    res = compute(
        posts, ["engagement_rate_reach", "engagement_rate_followers", "total_reach"], n_boot=0
    )
    may = res[res["period"] == pd.Timestamp("2018-05-01", tz=PARIS).tz_convert("UTC")]
    err = value(may, "facebook", "engagement_rate_reach")
    # only the posts reporting reach count: (10 + 30) / (100 + 200), not 60 / 300
    assert err["value"] == pytest.approx(40 / 300 * 100)
    assert err["n"] == 2
    assert value(may, "facebook", "engagement_rate_followers")["status"] == "no follower data"
    june = res[res["period"] == pd.Timestamp("2018-06-01", tz=PARIS).tz_convert("UTC")]
    # Facebook reports reach elsewhere in the data: this is a gap, not the network's limit
    assert value(june, "facebook", "total_reach")["status"] == "not reported for these posts"


def test_zero_denominator_and_small_sample_status():
    base = dict(
        account="a",
        network="linkedin",
        media_type="text",
        likes=1,
        comments=0,
        shares=0,
        impressions=0,
    )
    posts = _posts(
        [{**base, "published_at": f"2018-05-{d:02d} 10:00"} for d in range(1, 4)]
        + [
            {**base, "published_at": f"2018-06-{d:02d} 10:00", "impressions": 50}
            for d in range(1, 11)
        ]
    )
    res = compute(posts, ["engagement_rate_impressions"], n_boot=0).set_index("period")
    may = res.loc[pd.Timestamp("2018-05-01", tz=PARIS).tz_convert("UTC")]
    assert may["status"] == "zero denominator" and np.isnan(may["value"])
    june = res.loc[pd.Timestamp("2018-06-01", tz=PARIS).tz_convert("UTC")]
    assert june["status"] == "ok"  # 10 posts: not small
    assert june["value"] == pytest.approx(10 / 500 * 100)
    small = compute(posts.iloc[3:8], ["engagement_rate_impressions"], n_boot=0)
    assert small["status"].tolist() == ["small sample"]
    assert small["value"].iloc[0] == pytest.approx(5 / 250 * 100)  # value still given


def test_no_missing_value_is_reported_as_zero_anywhere(tiny):
    res = compute(tiny, collectivites=COLLECTIVITES, n_boot=0)
    valued = res["status"].isin(["ok", "small sample"])
    assert res.loc[~valued, "value"].isna().all()
    assert res.loc[valued, "value"].notna().all()
    assert set(res["status"]) <= set(STATUS)


# ------------------------------------------------------------------------------- options
def test_mean_of_ratios_weighs_each_post_the_same(tiny):
    res = compute(
        tiny,
        ["engagement_rate_reach", "ctr", "bonson_p2"],
        aggregation="mean_of_ratios",
        collectivites=COLLECTIVITES,
        n_boot=0,
    )
    fb = res[(res["network"] == "facebook") & res["value"].notna()].set_index("indicator")
    # ERR per post: 13/100, 1/50, 7/50 → mean 0.09667
    assert fb.loc["engagement_rate_reach", "value"] == pytest.approx((0.13 + 0.02 + 0.14) / 3 * 100)
    # CTR per post: 5/150, 1/60, 2/90
    assert fb.loc["ctr", "value"] == pytest.approx((5 / 150 + 1 / 60 + 2 / 90) / 3 * 100)
    assert fb.loc["bonson_p2", "value"] == pytest.approx(14 / 3)  # a per-post mean either way


def test_follower_basis_mean_of_start_and_end(tiny):
    res = compute(tiny, ["engagement_rate_followers"], follower_basis="mean", n_boot=0)
    fb = res[(res["network"] == "facebook") & res["value"].notna()]
    assert fb["value"].item() == pytest.approx(21 / (3 * 1050) * 100)  # F = (1000 + 1100) / 2


def test_clicks_and_saves_in_interactions(tiny):
    res = compute(tiny, ["engagement_rate_impressions"], include_clicks=True, n_boot=0)
    x = res[(res["network"] == "x") & res["value"].notna()]
    assert x["value"].item() == pytest.approx((5 + 7) / 700 * 100)  # A + K on X
    ig = _posts(
        [
            dict(
                account="ig",
                network="instagram",
                published_at="2018-03-03 20:00",
                media_type="photo",
                likes=10,
                comments=1,
                saves=3,
                reach=200,
            )
        ]
    )
    without = compute(ig, ["engagement_rate_reach"], n_boot=0)["value"].item()
    with_saves = compute(ig, ["engagement_rate_reach"], include_saves=True, n_boot=0)
    assert without == pytest.approx(11 / 200 * 100)
    assert with_saves["value"].item() == pytest.approx(14 / 200 * 100)


def test_population_from_insee_or_from_the_article(tiny):
    res = compute(
        tiny,
        ["followers_per_1000_inhabitants"],
        population="article",
        collectivites=COLLECTIVITES,
        n_boot=0,
    )
    fb = res[(res["network"] == "facebook") & res["value"].notna()]
    assert fb["value"].iloc[-1] == pytest.approx(1100 / 25_000 * 1000)
    unknown = COLLECTIVITES.assign(population_article=[np.nan])
    res = compute(
        tiny,
        ["followers_per_1000_inhabitants"],
        population="article",
        collectivites=unknown,
        n_boot=0,
    )
    assert set(res["status"]) == {"no population"}


def test_default_population_is_the_bundled_insee_figure():
    posts = _posts(
        [
            dict(
                collectivite="saint_dizier",
                account="sd",
                network="facebook",
                published_at="2018-03-03 10:00",
                media_type="photo",
                likes=1,
            )
        ]
    )
    fol = _followers([("sd", "facebook", "2018-03-31", 2281)]).assign(collectivite="saint_dizier")
    res = compute(posts, ["followers_per_1000_inhabitants"], followers=fol, n_boot=0)
    assert res["value"].item() == pytest.approx(2281 / 22_811 * 1000)  # INSEE 2022: 22 811


# ------------------------------------------------------------------------------- periods
def test_periods_are_paris_calendar_months_across_dst():
    posts = _posts(
        [
            dict(
                account="a",
                network="x",
                media_type="text",
                likes=1,
                published_at="2018-01-01 12:00",
            )
        ]
    )
    utc = pd.to_datetime(
        [
            "2018-03-31 21:59",
            "2018-03-31 22:00",
            "2018-03-31 23:30",
            "2018-10-31 22:59",
            "2018-10-31 23:00",
        ],
        utc=True,
    )
    posts = pd.concat([posts.iloc[[0] * len(utc)].assign(published_at=utc)], ignore_index=True)
    posts["post_id"] = [f"q{i}" for i in range(len(posts))]
    res = compute(posts, ["posts"], n_boot=0)
    counts = res.set_index("period")["value"]
    # 21:59 UTC = 23:59 CEST on 31 March → March; 22:00 and 23:30 UTC → April (Paris)
    march = pd.Timestamp("2018-03-01", tz=PARIS).tz_convert("UTC")
    april = pd.Timestamp("2018-04-01", tz=PARIS).tz_convert("UTC")
    assert march == pd.Timestamp("2018-02-28 23:00", tz="UTC")
    assert april == pd.Timestamp("2018-03-31 22:00", tz="UTC")
    assert counts[march] == 1 and counts[april] == 2
    # 22:59 UTC on 31 Oct = 23:59 CET → October; 23:00 UTC → November
    assert counts[pd.Timestamp("2018-10-01", tz=PARIS).tz_convert("UTC")] == 1
    assert counts[pd.Timestamp("2018-11-01", tz=PARIS).tz_convert("UTC")] == 1
    # months in between exist with 0 posts
    assert counts[pd.Timestamp("2018-06-01", tz=PARIS).tz_convert("UTC")] == 0
    assert str(res["period"].dtype) == "datetime64[us, UTC]"


def test_weekly_whole_and_clipped_periods(tiny):
    whole = compute(tiny, ["posts"], freq=None, n_boot=0).set_index("network")["value"]
    assert whole.to_dict() == {"facebook": 3, "x": 2, "youtube": 1}
    weeks = compute(tiny, ["posts"], freq="W-MON", n_boot=0)
    assert weeks["value"].sum() == 6
    starts = weeks["period"].dt.tz_convert(PARIS)
    assert (starts.dt.day_of_week == 0).all() and (starts.dt.hour == 0).all()
    clipped = compute(tiny, ["posts"], start="2018-03-01", end="2018-04-01", n_boot=0)
    assert clipped["period"].nunique() == 1


# ------------------------------------------------------------------------ groups, inputs
def test_grouping_levels(tiny):
    posts = pd.concat(
        [
            tiny["posts"],
            _posts(
                [
                    dict(
                        account="tv2",
                        network="facebook",
                        media_type="photo",
                        published_at="2018-03-09 10:00",
                        likes=6,
                        comments=0,
                        shares=0,
                        reach=300,
                    )
                ]
            ).assign(post_id="extra"),
        ],
        ignore_index=True,
    )
    fol = pd.concat([tiny["followers"], _followers([("tv2", "facebook", "2018-03-31", 900)])])
    data = {"posts": posts, "followers": fol}
    by_acc = compute(
        data,
        ["engagement_rate_reach", "followers", "engagement_rate_followers"],
        by=("collectivite", "account", "network"),
        start="2018-03-01",
        n_boot=0,
    )
    assert set(by_acc["account"]) == {"tv", "tv2", "tv_x", "tv_yt"}
    pooled = compute(
        data,
        ["engagement_rate_reach", "followers", "engagement_rate_followers"],
        start="2018-03-01",
        n_boot=0,
    )
    assert pooled["account"].isna().all()
    fb = pooled[pooled["network"] == "facebook"].set_index("indicator")["value"]
    assert fb["engagement_rate_reach"] == pytest.approx((21 + 6) / (200 + 300) * 100)
    assert fb["followers"] == 1100 + 900  # summed over the two accounts
    # each post weighs by its own account's followers: Σ A / Σ F_i = 27 / (3·1100 + 1·900)
    assert fb["engagement_rate_followers"] == pytest.approx(27 / 4200 * 100)
    by_net = compute(data, ["posts"], by=("network",), freq=None, n_boot=0)
    assert by_net["collectivite"].isna().all()
    assert by_net.set_index("network")["value"]["facebook"] == 4


def test_accepted_input_shapes_give_the_same_result(tiny):
    expected = compute(tiny, n_boot=0, collectivites=COLLECTIVITES)
    clean_like = types.SimpleNamespace(**tiny, audience=None)
    pd.testing.assert_frame_equal(
        compute(clean_like, n_boot=0, collectivites=COLLECTIVITES), expected
    )
    pd.testing.assert_frame_equal(
        compute(
            tiny["posts"],
            followers=tiny["followers"],
            conversations=tiny["conversations"],
            collectivites=COLLECTIVITES,
            n_boot=0,
        ),
        expected,
    )


def test_result_follows_the_schema_and_inputs_are_untouched(tiny):
    before = {k: v.copy(deep=True) for k, v in tiny.items()}
    res = compute(tiny, n_boot=50, random_state=1, collectivites=COLLECTIVITES)
    for k, v in tiny.items():
        pd.testing.assert_frame_equal(v, before[k])
    validate(res, "indicators")
    assert list(res.columns) == [
        "collectivite",
        "account",
        "network",
        "period",
        "indicator",
        "value",
        "unit",
        "n",
        "ci_low",
        "ci_high",
        "status",
    ]
    assert str(res["n"].dtype) == "Int64"


def test_media_types_with_categorical_input(tiny):
    posts = tiny["posts"].copy()
    posts["media_type"] = pd.Categorical(posts["media_type"])
    posts["network"] = pd.Categorical(posts["network"])
    res = compute(posts, ["media_mix", "video_view_rate"], n_boot=0)
    fb = res[res["network"] == "facebook"].set_index("indicator")["value"]
    assert fb["media_mix:video"] == pytest.approx(100 / 3)
    assert fb["video_view_rate"] == pytest.approx(40 / 60 * 100)


# ------------------------------------------------------------------------------- errors
def test_bad_input_gets_a_clear_error(tiny):
    with pytest.raises(SchemaError, match="published_at"):
        compute(tiny["posts"].drop(columns="published_at"), n_boot=0)
    naive = tiny["posts"].assign(published_at=tiny["posts"]["published_at"].dt.tz_localize(None))
    with pytest.raises(SchemaError, match="tz-aware"):
        compute(naive, n_boot=0)
    with pytest.raises(SchemaError, match="'likes' must be numeric"):
        compute(tiny["posts"].assign(likes="many"), n_boot=0)
    with pytest.raises(ValueError, match="unknown column"):
        compute(tiny, by=("city",), n_boot=0)
    with pytest.raises(ValueError, match="aggregation"):
        compute(tiny, aggregation="median", n_boot=0)
    with pytest.raises(KeyError, match="unknown indicator"):
        compute(tiny, ["engagement_rate"], n_boot=0)
    with pytest.raises(ValueError, match="n_boot"):
        compute(tiny, n_boot=-1)
    with pytest.raises(TypeError, match="posts DataFrame"):
        compute([1, 2, 3])


# ------------------------------------------------------------------------------ catalog
def test_catalog_is_a_complete_data_dictionary():
    cat = catalog()
    assert len(cat) >= 25 and cat["id"].is_unique
    assert list(cat["family"].drop_duplicates()) == list(FAMILIES)
    for col in ("label_fr", "label_en", "formula", "unit", "networks", "aggregation", "reference"):
        assert cat[col].astype(str).str.len().gt(0).all(), col
    required = {
        "followers",
        "follower_growth_rate",
        "followers_per_1000_inhabitants",
        "posts",
        "posts_per_week",
        "media_mix",
        "reach_rate",
        "engagement_rate_reach",
        "engagement_rate_impressions",
        "engagement_rate_followers",
        "applause_rate",
        "conversation_rate",
        "amplification_rate",
        "ctr",
        "video_view_rate",
        "bonson_p1",
        "bonson_p2",
        "bonson_p3",
        "bonson_c1",
        "bonson_c2",
        "bonson_c3",
        "bonson_v1",
        "bonson_v2",
        "bonson_v3",
        "bonson_e",
        "response_rate",
        "median_response_time",
        "response_within_24h",
    }
    assert required <= set(cat["id"])
    assert cat.set_index("id").loc["bonson_p3", "reference"].startswith("Bonsón")
    assert (cat["label_fr"] != cat["label_en"]).sum() > 20  # really translated


def test_catalog_renders_markdown():
    md = catalog(["bonson"], markdown=True, lang="fr")
    lines = md.strip().splitlines()
    assert lines[0].startswith("| id | label | formula")
    assert len(lines) == 2 + 10  # header, rule, P1–V3 and E
    assert "Popularité" in md


def test_resolve_families_and_objects():
    assert [i.id for i in resolve("responsiveness")][0] == "response_rate"
    assert resolve([INDICATORS["ctr"], "ctr"]) == [INDICATORS["ctr"]]
    assert INDICATORS["ctr"].label("en") == "Click-through rate (CTR)"
    assert INDICATORS["bonson_e"].interval and not INDICATORS["posts"].interval


def test_edge_cases_empty_and_unknown_media(tiny):
    empty = compute(tiny["posts"].iloc[:0], n_boot=10)
    assert empty.empty and list(empty.columns)[:4] == [
        "collectivite",
        "account",
        "network",
        "period",
    ]
    outside = compute(tiny, start="2030-01-01", n_boot=0)
    assert outside.empty
    only_followers = compute({"followers": tiny["followers"]}, ["followers", "posts"], n_boot=0)
    assert set(only_followers.loc[only_followers["indicator"] == "posts", "value"]) == {0}
    no_media = tiny["posts"].assign(media_type=None)
    mix = compute(no_media, ["media_mix"], n_boot=0)
    assert set(mix["indicator"]) == {"media_mix:unknown"}
    assert (mix.loc[mix["value"].notna(), "value"] == 100).all()
