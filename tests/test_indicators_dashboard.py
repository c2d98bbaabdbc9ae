"""The monthly dashboard: month over month per network, French and English tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from engagement_lib.indicators import DASHBOARD_INDICATORS, monthly_dashboard
from engagement_lib.indicators.dashboard import format_value

PARIS = "Europe/Paris"
COLLECTIVITES = pd.DataFrame({"id": ["town"], "population": [10_000]})


def _post(account, network, when, **metrics):
    row = {
        "collectivite": "town",
        "account": account,
        "network": network,
        "published_at": pd.Timestamp(when, tz=PARIS).tz_convert("UTC"),
        "media_type": "photo",
        **metrics,
    }
    return row


@pytest.fixture(scope="module")
def data():
    rows = [
        # February: 2 Facebook posts, A = 4 + 6 = 10 on reach 100 + 100
        _post("t", "facebook", "2018-02-05 10:00", likes=4, comments=0, shares=0, reach=100),
        _post("t", "facebook", "2018-02-15 10:00", likes=6, comments=0, shares=0, reach=100),
        # March: 4 Facebook posts, A = 3 × 5 + 15 = 30 on reach 4 × 100 = 400
        *[
            _post(
                "t", "facebook", f"2018-03-{d:02d} 10:00", likes=5, comments=0, shares=0, reach=100
            )
            for d in (2, 9, 16)
        ],
        _post("t", "facebook", "2018-03-23 10:00", likes=10, comments=5, shares=0, reach=100),
        # X only in March
        _post("t_x", "x", "2018-03-10 10:00", likes=2, comments=0, shares=1, impressions=100),
        # another town, never shown
        {**_post("o", "facebook", "2018-04-02 10:00", likes=1), "collectivite": "other"},
    ]
    posts = pd.DataFrame(rows)
    for m in ("likes", "comments", "shares", "reach", "impressions"):
        posts[m] = posts[m].astype("Int64")
    posts["post_id"] = [str(i) for i in range(len(posts))]
    followers = pd.DataFrame(
        {
            "collectivite": "town",
            "account": "t",
            "network": "facebook",
            "date": pd.to_datetime(["2018-01-31", "2018-02-28", "2018-03-31"])
            .tz_localize(PARIS)
            .tz_convert("UTC"),
            "followers": pd.array([800, 1000, 1200], dtype="Int64"),
        }
    )
    return {"posts": posts, "followers": followers}


def test_month_over_month_changes(data):
    dash = monthly_dashboard(data, collectivite="town", n_boot=0, collectivites=COLLECTIVITES)
    assert dash.month == pd.Timestamp("2018-03-01", tz=PARIS)  # last month with a post
    fb = dash.tidy[dash.tidy["network"] == "facebook"].set_index("indicator")
    # ERR: March 30 / 400 = 7.5 %, February 10 / 200 = 5 % → +2.5 points, +50 %
    assert fb.loc["engagement_rate_reach", "value"] == pytest.approx(7.5)
    assert fb.loc["engagement_rate_reach", "previous"] == pytest.approx(5.0)
    assert fb.loc["engagement_rate_reach", "change"] == pytest.approx(2.5)
    assert fb.loc["engagement_rate_reach", "change_pct"] == pytest.approx(50.0)
    # followers 1000 → 1200: +200, +20 %; growth rate 25 % (Feb) → 20 % (Mar)
    assert fb.loc["followers", "change"] == 200
    assert fb.loc["followers", "change_pct"] == pytest.approx(20.0)
    assert fb.loc["follower_growth_rate", "previous"] == pytest.approx(25.0)
    assert fb.loc["follower_growth_rate", "change"] == pytest.approx(-5.0)
    assert fb.loc["posts", "change"] == 2
    x = dash.tidy[dash.tidy["network"] == "x"].set_index("indicator")
    assert np.isnan(x.loc["posts", "previous"])  # X has no February row at all
    assert x.loc["engagement_rate_reach", "status"] == "not reported by this network"
    assert set(dash.tidy["indicator"]) == set(DASHBOARD_INDICATORS)
    assert (dash.tidy["collectivite"] == "town").all()


def test_readable_tables_in_french_and_english(data):
    fr = monthly_dashboard(data, collectivite="town", n_boot=0, collectivites=COLLECTIVITES)
    assert list(fr.table.columns) == ["Facebook", "X (Twitter)"]
    assert len(fr.table) == len(DASHBOARD_INDICATORS)
    row = "Taux d'engagement (sur la couverture) (%)"
    assert fr.table.loc[row, "Facebook"] == "7,50\u202f% * (+2,50 pt ; +50,0\u202f%)"
    assert fr.table.loc[row, "X (Twitter)"] == "— (non fourni par ce réseau)"
    en = monthly_dashboard(
        data, collectivite="town", n_boot=0, lang="en", collectivites=COLLECTIVITES
    )
    assert en.table.loc["Engagement rate by reach (%)", "Facebook"] == "7.50% * (+2.50 pt; +50.0%)"
    assert en.table.loc["Followers (end of period) (count)", "Facebook"] == "1,200 (+200; +20.0%)"
    assert en.tidy["label"].iloc[0] != fr.tidy["label"].iloc[0]


def test_month_history_and_intervals(data):
    dash = monthly_dashboard(
        data,
        collectivite="town",
        month="2018-02",
        history=2,
        n_boot=200,
        random_state=0,
        collectivites=COLLECTIVITES,
    )
    assert dash.month == pd.Timestamp("2018-02-01", tz=PARIS)
    months = dash.history["period"].dt.tz_convert(PARIS).dt.month
    assert set(months) == {1, 2}
    fb = dash.tidy[dash.tidy["network"] == "facebook"].set_index("indicator")
    assert (
        fb.loc["engagement_rate_reach", "ci_low"]
        <= 5.0
        <= fb.loc["engagement_rate_reach", "ci_high"]
    )
    assert "other" not in set(dash.history["collectivite"])


def test_dashboard_options_and_errors(data):
    dash = monthly_dashboard(
        data,
        collectivite="town",
        n_boot=0,
        indicators=["posts", "ctr"],
        aggregation="mean_of_ratios",
        collectivites=COLLECTIVITES,
    )
    assert set(dash.tidy["indicator"]) == {"posts", "ctr"}
    with pytest.raises(ValueError, match="not in the data"):
        monthly_dashboard(data, collectivite="nowhere")
    with pytest.raises(TypeError, match="unexpected option"):
        monthly_dashboard(data, collectivite="town", colour="red")
    with pytest.raises(ValueError, match="unsupported language"):
        monthly_dashboard(data, collectivite="town", lang="de")


@pytest.mark.parametrize(
    ("value", "unit", "lang", "expected"),
    [
        (1234567, "count", "fr", "1\u202f234\u202f567"),
        (1234567, "count", "en", "1,234,567"),
        (12.345, "%", "fr", "12,3\u202f%"),
        (0.01234, "% per post", "en", "0.01%"),
        (3.5, "hours", "en", "3.50 h"),
        (np.nan, "%", "fr", "—"),
    ],
)
def test_format_value(value, unit, lang, expected):
    assert format_value(value, unit, lang) == expected
