"""Tests of engagement_lib.analysis.responsiveness.

Hand-checked delays, bins and office-hour clocks (in Europe/Paris time, across
DST and public holidays), then recovery of a planted team behaviour: share
never answered, reply speed in office hours, "team A faster than team B".
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from engagement_lib.analysis import responsiveness as R
from engagement_lib.errors import SchemaError
from engagement_lib.schema import empty, validate

SEED = 20190304
PARIS = "Europe/Paris"


def conversations(received, replied, *, collectivite="a", network="facebook"):
    """A validated conversations table from UTC timestamps (None = never answered)."""
    n = len(received)
    base = empty("conversations")
    cols = {
        "collectivite": [collectivite] * n if isinstance(collectivite, str) else collectivite,
        "account": [f"{c}_fb" for c in ([collectivite] * n if isinstance(collectivite, str)
                                        else collectivite)],
        "network": [network] * n,
        "conversation_id": [f"c{i}" for i in range(n)],
        "channel": ["message"] * n,
        "received_at": pd.to_datetime(pd.Series(received), utc=True),
        "replied_at": pd.to_datetime(pd.Series(replied, dtype="object"), utc=True),
        "author": ["0123abcd"] * n,
    }
    frame = pd.DataFrame({c: cols.get(c, pd.Series(index=range(n), dtype=base[c].dtype))
                          for c in base.columns})
    return validate(frame, "conversations")


def simulate_team(rng, teams: dict, *, n=3000, start="2018-01-01", days=364):
    """Inbound messages and replies of teams with known behaviour.

    Each team: ``median`` (minutes, log-normal delay once on duty), ``sigma``,
    ``never`` (share never answered), office ``start``/``end`` (local hours,
    Monday–Friday). A message received out of office waits for the next opening.
    """
    frames = []
    for name, t in teams.items():
        day = rng.integers(0, days, n)
        hour_w = np.array([1, 1, 1, 1, 1, 1, 2, 4, 6, 7, 7, 7, 6, 6, 7, 7, 7, 7, 7, 7, 6, 5, 3, 2], float)
        secs = rng.choice(24, n, p=hour_w / hour_w.sum()) * 3600 + rng.integers(0, 3600, n)
        local = (pd.Timestamp(start) + pd.to_timedelta(day, unit="D")
                 + pd.to_timedelta(secs, unit="s"))
        local = pd.Series(local)
        wd = local.dt.day_of_week.to_numpy()
        hr = (local.dt.hour + local.dt.minute / 60).to_numpy()
        on_duty = (wd < 5) & (hr >= t["start"]) & (hr < t["end"])
        add = np.where(wd >= 5, 7 - wd, np.where(hr < t["start"], 0, np.where(wd == 4, 3, 1)))
        opening = local.dt.normalize() + pd.to_timedelta(add, unit="D") + pd.Timedelta(hours=t["start"])
        pickup = local.where(on_duty, opening)
        delay = np.exp(np.log(t["median"]) + t["sigma"] * rng.standard_normal(n))
        replied = pickup + pd.to_timedelta(delay, unit="min")
        never = rng.random(n) < t["never"]
        rec_utc = local.dt.tz_localize(PARIS, ambiguous=True, nonexistent="shift_forward").dt.tz_convert("UTC")
        rep_utc = replied.dt.tz_localize(PARIS, ambiguous=True, nonexistent="shift_forward").dt.tz_convert("UTC")
        rep_utc = rep_utc.where(~never)
        frames.append(pd.DataFrame({"collectivite": name, "received": rec_utc, "replied": rep_utc}))
    df = pd.concat(frames, ignore_index=True)
    return conversations(list(df["received"]), list(df["replied"]), collectivite=list(df["collectivite"]))


ROMANS = {"median": 20.0, "sigma": 0.8, "never": 0.08, "start": 8.0, "end": 18.5}
GRAND_EST = {"median": 170.0, "sigma": 1.0, "never": 0.28, "start": 9.0, "end": 17.5}


# --------------------------------------------------------------------------- delays and clocks


def test_with_delays_bins_and_local_time():
    conv = conversations(
        ["2018-07-02 07:30", "2018-01-08 07:30", "2018-07-02 07:30", "2018-07-02 07:30"],
        ["2018-07-02 08:30", "2018-01-08 09:30", "2018-07-03 08:00", None],
    )
    before = conv.copy()
    out = R.with_delays(conv)
    pd.testing.assert_frame_equal(conv, before)
    assert out["delay_hours"].tolist()[:3] == [1.0, 2.0, 24.5]
    assert out["delay_bin"].astype(str).tolist() == ["0\u20132 h", "2\u20138 h", "> 24 h", "never"]
    # 07:30 UTC is 09:30 in summer (CEST) but 08:30 in winter (CET): office opens at 09:00
    assert out["hour"].tolist()[:2] == [9, 8]
    assert out["in_office_hours"].tolist()[:2] == [True, False]
    assert out["weekday"].tolist()[0] == 0


def test_french_public_holidays_movable_feasts():
    h = set(R.french_public_holidays([2019]))
    for d in ("2019-01-01", "2019-04-22", "2019-05-30", "2019-06-10", "2019-07-14", "2019-12-25"):
        assert pd.Timestamp(d) in h
    assert len(h) == 11 and pd.Timestamp("2019-04-19") not in h  # Good Friday: Alsace-Moselle only


def test_office_delay_skips_nights_weekends_and_holidays():
    # Friday 18 May 2018 17:00 → Tuesday 22 May 10:00 (Monday 21 May 2018 is Whit Monday); CEST = UTC+2
    conv = conversations(["2018-05-18 15:00"], ["2018-05-22 08:00"])
    closed = R.with_delays(conv, office_hours=R.OfficeHours())["office_delay_hours"].iloc[0]
    open_ = R.with_delays(conv, office_hours=R.OfficeHours(holidays=False))["office_delay_hours"].iloc[0]
    assert closed == pytest.approx(1 + 1)  # Fri 17-18 h, Tue 9-10 h
    assert open_ == pytest.approx(1 + 9 + 1)
    # across the autumn DST change: Sat 27 Oct 2018 12:00 CEST → Mon 29 Oct 10:30 CET
    conv = conversations(["2018-10-27 10:00"], ["2018-10-29 09:30"])
    assert R.with_delays(conv)["office_delay_hours"].iloc[0] == pytest.approx(1.5)
    with pytest.raises(ValueError, match="start < end"):
        R.OfficeHours(start="18:00", end="09:00")


def test_per_team_office_hours():
    # Monday 2 July 2018 08:15 local (06:15 UTC): Romans opens at 8, others at 9
    conv = conversations(["2018-07-02 06:15", "2018-07-02 06:15"], [None, None],
                         collectivite=["romans", "other"])
    out = R.with_delays(conv, office_hours={"romans": R.OfficeHours(start="08:00")})
    assert out["in_office_hours"].tolist() == [True, False]


def test_bad_input_is_named():
    naive = pd.DataFrame({"received_at": pd.to_datetime(["2018-01-01"]),
                          "replied_at": pd.to_datetime(["2018-01-02"])})
    with pytest.raises(SchemaError, match="tz-aware"):
        R.with_delays(naive)
    with pytest.raises(SchemaError, match="received_at"):
        R.with_delays(pd.DataFrame({"replied_at": []}))


# --------------------------------------------------------------------------- indicators


def _wilson(k, n, z=1.959963984540054):
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return centre - half, centre + half


def test_response_summary_formulas():
    rec = [f"2018-03-{d:02d} 10:00" for d in range(1, 11)]
    hours = [0.5, 1, 3, 5, 10, 30, 50, None, None, None]
    rep = [None if h is None else str(pd.Timestamp(r) + pd.Timedelta(hours=h)) for r, h in zip(rec, hours)]
    out = R.response_summary(conversations(rec, rep), grace=None, random_state=SEED, min_n=5)
    s = out.set_index("indicator")
    assert s.loc["response_rate", "value"] == pytest.approx(70.0)
    lo, hi = _wilson(7, 10)
    assert s.loc["response_rate", ["ci_low", "ci_high"]].tolist() == pytest.approx([100 * lo, 100 * hi])
    assert s.loc["never_answered", "value"] == pytest.approx(30.0)
    assert s.loc["median_response_time", "value"] == pytest.approx(5.0)
    assert s.loc["median_response_time", "n"] == 7
    assert s.loc["response_within_2h", "value"] == pytest.approx(20.0)
    assert s.loc["response_within_8h", "value"] == pytest.approx(40.0)
    assert s.loc["response_within_24h", "value"] == pytest.approx(50.0)
    assert (s["status"] == "ok").all()


def test_recent_conversations_are_left_out_whatever_their_answer():
    rec = ["2018-03-01 10:00", "2018-03-02 10:00", "2018-03-30 10:00", "2018-03-30 11:00"]
    rep = ["2018-03-01 11:00", None, "2018-03-30 12:00", None]
    conv = conversations(rec, rep)
    s = R.response_summary(conv, grace="7D", random_state=SEED).set_index("indicator")
    assert s.loc["response_rate", "n"] == 2 and s.loc["response_rate", "n_too_recent"] == 2
    assert s.loc["response_rate", "value"] == pytest.approx(50.0)
    assert "small sample" in s.loc["response_rate", "status"]


def test_response_bins_partition_the_conversations(rng):
    conv = simulate_team(rng, {"romans": ROMANS}, n=500)
    bins = R.response_bins(conv, by="collectivite")
    assert bins["share"].sum() == pytest.approx(1.0)
    assert bins["n"].sum() == bins["n_total"].iloc[0]
    assert list(bins["delay_bin"].astype(str)) == ["0\u20132 h", "2\u20138 h", "8\u201324 h", "> 24 h", "never"]
    assert (bins["ci_low"] <= bins["share"]).all() and (bins["share"] <= bins["ci_high"]).all()


# --------------------------------------------------------------------------- recovery


def test_recovers_planted_team_behaviour(rng):
    conv = simulate_team(rng, {"romans": ROMANS, "grand_est": GRAND_EST})
    hours = {"romans": R.OfficeHours(start=8.0, end=18.5, holidays=False),
             "grand_est": R.OfficeHours(start=9.0, end=17.5, holidays=False)}
    summ = R.response_summary(conv, by="collectivite", random_state=SEED).set_index(
        ["collectivite", "indicator"])
    for team, planted in (("romans", ROMANS), ("grand_est", GRAND_EST)):
        never = summ.loc[(team, "never_answered")]
        assert never["ci_low"] <= 100 * planted["never"] <= never["ci_high"]
    eff = R.office_hours_effect(conv, office_hours=hours, random_state=SEED).set_index("collectivite")
    for team, planted in (("romans", ROMANS), ("grand_est", GRAND_EST)):
        row = eff.loc[team]
        # received on duty, the delay is the team's own: median = the planted median
        assert row["median_office_low"] <= planted["median"] / 60 <= row["median_office_high"]
        assert row["within_diff_low"] > 0  # answered within 2 h far more often in office hours
        assert row["median_ratio_low"] > 1
    cmp = R.compare_responsiveness(conv, a={"collectivite": "romans"}, b={"collectivite": "grand_est"},
                                   random_state=SEED).set_index("effect")
    assert cmp.loc["median_ratio", "ci_high"] < 1  # Romans answers faster...
    assert cmp.loc["rate_diff", "ci_low"] > 0  # ...and more often
    truth = 0.28 - 0.08
    assert cmp.loc["rate_diff", "ci_low"] <= truth <= cmp.loc["rate_diff", "ci_high"]


@pytest.mark.slow
def test_wilson_interval_of_never_answered_covers_at_nominal_rate(rng):
    covered, reps = 0, 200
    team = {**GRAND_EST, "never": 0.2}
    for _ in range(reps):
        conv = simulate_team(rng, {"t": team}, n=150)
        s = R.response_summary(conv, by=None, grace=None, n_boot=10, random_state=rng)
        row = s.set_index("indicator").loc["never_answered"]
        covered += row["ci_low"] <= 20.0 <= row["ci_high"]
    assert covered / reps >= 0.90  # nominal 0.95; 200 reps give ±3 points


def test_no_office_effect_for_a_team_always_on_duty(rng):
    always = {"median": 60.0, "sigma": 0.8, "never": 0.1, "start": 0.0, "end": 24.0}
    conv = simulate_team(rng, {"t": always}, n=1500)
    # the generator's duty is Monday-Friday; make it all week by shifting weekend messages out
    conv = conv[R.with_delays(conv)["weekday"].to_numpy() < 5]
    eff = R.office_hours_effect(conv, random_state=SEED).iloc[0]
    assert eff["within_diff_low"] < 0 < eff["within_diff_high"]
    assert eff["median_ratio_low"] < 1 < eff["median_ratio_high"]


def test_response_profile_by_hour_shows_the_evening_gap(rng):
    conv = simulate_team(rng, {"romans": ROMANS}, n=4000)
    prof = R.response_profile(conv, by=None, at="hour", grace=None, random_state=SEED).set_index("hour")
    assert prof.loc[10, "within_low"] > prof.loc[21, "within_high"]
    assert prof["n"].sum() == len(conv)
    wd = R.response_profile(conv, by=None, at="weekday", n_boot=200, random_state=SEED)
    assert wd["weekday"].tolist() == list(range(7))
    with pytest.raises(ValueError, match="at must be"):
        R.response_profile(conv, at="minute")


# --------------------------------------------------------------------------- the bundled truth


def test_recovers_the_planted_responsiveness_of_the_bundled_truth():
    """Planted per collectivité: share never answered, median delay on duty, office hours.

    Five collectivités × two parameters: Bonferroni level 1 − 0.05/10 per interval.
    The bundle is one draw, so one chance miss among the ten intervals is allowed
    (probability of two or more with an unbiased method: about 0.1 %); a biased
    method misses several.
    """
    from engagement_lib import load_dataset

    conv = load_dataset("truth/conversations")
    planted = load_dataset("truth/planted_effects")["effects"]["responsiveness"]
    assert planted["enabled"]
    teams = planted["collectivites"]
    level = 1 - 0.05 / 10
    summ = R.response_summary(conv, by="collectivite", ci=level, n_boot=1000,
                              random_state=SEED).set_index(["collectivite", "indicator"])
    hours = {c: R.OfficeHours(start=t["office_hours"][0], end=t["office_hours"][1], holidays=False)
             for c, t in teams.items()}
    eff = R.office_hours_effect(conv, office_hours=hours, ci=level, n_boot=1000,
                                random_state=SEED).set_index("collectivite")
    misses = []
    for cid, t in teams.items():
        never = summ.loc[(cid, "never_answered")]
        if not never["ci_low"] <= 100 * t["never_answered_share"] <= never["ci_high"]:
            misses.append((cid, "never_answered", 100 * t["never_answered_share"],
                           never["ci_low"], never["ci_high"]))
        median_h = t["median_delay_minutes_in_office_hours"] / 60
        row = eff.loc[cid]
        if not row["median_office_low"] <= median_h <= row["median_office_high"]:
            misses.append((cid, "median_office", median_h, row["median_office_low"],
                           row["median_office_high"]))
    assert len(misses) <= 1, misses
    # "autonomous and reactive" Romans against the Grand Est's 2.5 FTE
    cmp = R.compare_responsiveness(conv, a={"collectivite": "romans_sur_isere"},
                                   b={"collectivite": "grand_est"}, random_state=SEED)
    cmp = cmp.set_index("effect")
    assert cmp.loc["median_ratio", "ci_high"] < 1
    assert cmp.loc["rate_diff", "ci_low"] > 0
    diff = teams["grand_est"]["never_answered_share"] - teams["romans_sur_isere"]["never_answered_share"]
    assert cmp.loc["rate_diff", "ci_low"] <= diff <= cmp.loc["rate_diff", "ci_high"]


def test_same_definitions_as_the_indicator_catalog(rng):
    """The formulas are the catalog's (engagement_lib.indicators): same values, same n."""
    from engagement_lib.indicators import compute
    from engagement_lib.schema import empty

    conv = simulate_team(rng, {"romans": ROMANS, "grand_est": GRAND_EST}, n=400)
    theirs = compute({"posts": empty("posts"), "conversations": conv},
                     ["response_rate", "median_response_time", "response_within_24h",
                      "response_time_0_2h"], by=("collectivite",), freq=None, n_boot=0)
    theirs = theirs.set_index(["collectivite", "indicator"])
    mine = R.response_summary(conv, by="collectivite", grace=None, n_boot=10, random_state=SEED)
    mine = mine.set_index(["collectivite", "indicator"])
    pairs = {"response_rate": "response_rate", "median_response_time": "median_response_time",
             "response_within_24h": "response_within_24h", "response_time_0_2h": "response_within_2h"}
    for team in ("romans", "grand_est"):
        for their_id, my_id in pairs.items():
            assert mine.loc[(team, my_id), "value"] == pytest.approx(theirs.loc[(team, their_id), "value"])
            assert mine.loc[(team, my_id), "n"] == theirs.loc[(team, their_id), "n"]
