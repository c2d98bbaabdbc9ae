"""Tests of engagement_lib.simulate: the generative model, the scenario and the planted effects."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from engagement_lib.errors import EngagementError
from engagement_lib.schema import METRICS, validate
from engagement_lib.simulate import (
    EFFECTS,
    TOPICS,
    default_scenario,
    engagement_per_follower,
    simulate_panel,
    time_multiplier_table,
)
from engagement_lib.simulate._ids import X_EPOCH_MS
from engagement_lib.simulate._planted import CALIBRATION_TARGETS, SNAPCHAT_VIEWS_TARGET

SEED = 20190304
PARIS = "Europe/Paris"


@pytest.fixture(scope="module")
def panel():
    return simulate_panel(seed=SEED)


@pytest.fixture(scope="module")
def panel_off():
    """The same panel with every planted effect switched off."""
    return simulate_panel(default_scenario().without(*EFFECTS), seed=SEED)


def _interactions(posts):
    return posts[["likes", "comments", "shares"]].fillna(0).sum(axis=1).astype(float)


def _local(ts):
    return ts.dt.tz_convert(PARIS)


# --------------------------------------------------------------------------- schema and determinism


@pytest.mark.parametrize("table", ["posts", "followers", "audience", "conversations"])
def test_truth_tables_validate(panel, table):
    frame = getattr(panel, table)
    typed = validate(frame, table)
    assert len(typed) == len(frame) > 0
    assert (frame["source_format"] == "truth").all()
    assert frame["source_file"].isna().all() and frame["source_row"].isna().all()


def test_same_seed_same_panel_other_seed_differs(panel):
    again = simulate_panel(seed=SEED)
    pd.testing.assert_frame_equal(again.posts, panel.posts)
    pd.testing.assert_frame_equal(again.conversations, panel.conversations)
    assert again.planted_effects == panel.planted_effects
    other = simulate_panel(seed=SEED + 1)
    assert not other.posts["likes"].equals(panel.posts["likes"])


def test_collectivite_ids_match_the_bundled_csv(panel):
    csv = pd.read_csv(pd.io.common.stringify_path(
        __import__("engagement_lib")._paths.REPO_ROOT / "datasets" / "collectivites.csv"))
    assert set(panel.posts["collectivite"]) == set(csv["id"])
    assert [c.id for c in default_scenario().collectivites] == list(csv["id"])


# --------------------------------------------------------------------------- calibration


@pytest.mark.parametrize("network", sorted(CALIBRATION_TARGETS.keys() - {"tiktok"}))
def test_median_engagement_per_follower_in_calibration_range(panel, network):
    lo, hi, _, _ = CALIBRATION_TARGETS[network]
    posts = panel.posts[panel.posts["network"] == network]
    rate = engagement_per_follower(posts, panel.followers) * 100
    assert rate.notna().mean() > 0.99
    assert lo <= rate.median() <= hi, f"{network}: median {rate.median():.4f} % not in [{lo}, {hi}]"


def test_snapchat_story_views_per_follower_in_range(panel):
    posts = panel.posts[panel.posts["network"] == "snapchat"]
    f = panel.followers.assign(day=panel.followers["date"].dt.tz_localize(None)).set_index(["account", "day"])
    day = _local(posts["published_at"]).dt.tz_localize(None).dt.normalize()
    denom = f["followers"].reindex(pd.MultiIndex.from_arrays([posts["account"], day])).to_numpy(dtype=float)
    ratio = posts["views"].to_numpy(dtype=float) / denom * 100
    lo, hi, _, _ = SNAPCHAT_VIEWS_TARGET
    assert lo <= np.nanmedian(ratio) <= hi


@pytest.mark.parametrize("network", ["facebook", "instagram", "x", "linkedin", "youtube"])
def test_heavy_tails_mean_over_median_at_least_three(panel, network, panel_off):
    inter = _interactions(panel.posts[panel.posts["network"] == network])
    assert inter.mean() / inter.median() >= 3
    # the tails come from the planted effect: without it the ratio is far smaller
    off = panel_off.posts
    inter_off = _interactions(off[(off["network"] == network) & (off["collectivite"] == "toulouse")])
    on = _interactions(panel.posts[(panel.posts["network"] == network) & (panel.posts["collectivite"] == "toulouse")])
    if len(on) > 100:
        assert inter_off.mean() / inter_off.median() < on.mean() / on.median()


def test_public_pages_post_several_times_a_week(panel):
    fb = panel.posts[panel.posts["network"] == "facebook"]
    weeks = (pd.Timestamp("2019-02-28") - pd.Timestamp("2016-01-01")).days / 7
    per_week = fb.groupby("account").size() / weeks
    assert (per_week >= 4).all(), per_week


# --------------------------------------------------------------------------- metric realism


def test_metrics_a_network_does_not_report_are_missing(panel):
    p = panel.posts
    assert p.loc[p["network"] == "x", "reach"].isna().all()
    snap = p[p["network"] == "snapchat"]
    assert snap["views"].notna().all()
    assert snap[[m for m in METRICS if m != "views"]].isna().all().all()
    assert p.loc[p["network"] == "facebook", "saves"].isna().all()
    assert p.loc[p["network"] == "youtube", "clicks"].isna().all()
    # completions only for Facebook videos (views to 95 %)
    comp = p["completions"].notna()
    assert set(p.loc[comp, "network"]) == {"facebook"}
    assert set(p.loc[comp, "media_type"].astype(str)) <= {"video", "live", "reel"}
    assert (p.loc[comp, "completions"] <= p.loc[comp, "views"]).all()
    # reported metrics are present, never silently missing
    assert p.loc[p["network"] == "facebook", ["reach", "impressions", "likes", "comments", "shares"]].notna().all().all()


def test_metric_coherence(panel):
    p = panel.posts
    r = p["reach"].notna()
    assert (p.loc[r, "impressions"] >= p.loc[r, "reach"]).all()
    assert (p.loc[r, "reach"] >= p.loc[r, ["likes", "comments", "shares"]].fillna(0).sum(axis=1)).all()


def test_identifiers_are_platform_shaped(panel):
    p = panel.posts
    assert p["post_id"].is_unique
    x = p[p["network"] == "x"]
    ms = x["post_id"].astype("int64").to_numpy() // 2**22 + X_EPOCH_MS
    assert (ms == x["published_at"].astype("int64").to_numpy() // 1000).all()
    li = p[p["network"] == "linkedin"]
    assert li["post_id"].str.match(r"^urn:li:activity:\d{19}$").all()
    act = li["post_id"].str.rsplit(":", n=1).str[1].astype("int64").to_numpy() // 2**22
    assert (act == li["published_at"].astype("int64").to_numpy() // 1000).all()
    fb = p[p["network"] == "facebook"]
    assert fb["post_id"].str.match(r"^\d{15}_\d{15,16}$").all()
    in_link = fb["permalink"].str.extract(r"/(?:posts|reel|videos)/(\d+)", expand=False)
    assert (in_link == fb["post_id"].str.split("_").str[1]).all()
    kinds = fb["media_type"].astype(str)
    assert fb["permalink"][kinds == "reel"].str.contains("/reel/").all()
    assert fb["permalink"][kinds.isin(["video", "live"])].str.contains("/videos/").all()
    assert p.loc[p["network"] == "youtube", "post_id"].str.match(r"^[A-Za-z0-9_-]{11}$").all()


def test_texts_are_french_and_topic_specific(panel):
    p = panel.posts
    assert set(p["topic"]) <= set(TOPICS)
    assert p["text"].str.len().between(40, 400).all()
    assert p["text"].str.contains("[éèàêç]", regex=True).mean() > 0.8
    quiz = p[p["topic"] == "heritage_quiz"]
    assert quiz["text"].str.contains("[Oo]ù", regex=True).mean() > 0.9
    jobs = p[p["topic"] == "job_offer"]
    assert jobs["text"].str.contains("recrut|emploi|poste", case=False, regex=True).mean() > 0.95


def test_texts_can_be_clustered_into_topics_but_not_trivially(panel):
    from sklearn.cluster import KMeans
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics import adjusted_rand_score
    from stop_words import get_stop_words

    sample = panel.posts.sample(3000, random_state=0)
    X = TfidfVectorizer(min_df=3, max_df=0.3, sublinear_tf=True,
                        stop_words=get_stop_words("french")).fit_transform(sample["text"])
    labels = KMeans(len(TOPICS), n_init=10, random_state=0).fit_predict(X)
    ari = adjusted_rand_score(sample["topic"], labels)
    assert 0.6 <= ari < 0.99


# --------------------------------------------------------------------------- planted effects


def test_planted_effects_document_every_effect(panel):
    pe = panel.planted_effects
    assert set(pe["effects"]) == set(EFFECTS)
    for name, eff in pe["effects"].items():
        assert eff["enabled"] is True, name
        assert eff["status"] in {"assumption", "published_fact"}, name
        assert eff["basis"], name
    assert pe["seed"] == SEED and pe["period"] == {"start": "2016-01-01", "end": "2019-02-28"}


def test_posting_time_tables_and_slots(panel):
    pt = panel.planted_effects["effects"]["posting_time"]
    for network, table in pt["multipliers"].items():
        t = np.asarray(table)
        assert t.shape == (7, 24)
        assert np.isclose(np.exp(np.log(t).mean()), 1.0)
        best = pt["best_slot"][network]
        assert t[best["weekday"], best["hour"]] == t.max()
    assert pt["best_slot"]["facebook"]["weekday"] in (5, 6)  # weekend mornings
    assert 6 <= pt["best_slot"]["facebook"]["hour"] <= 12
    assert pt["best_slot"]["x"]["weekday"] < 5 and pt["best_slot"]["x"]["hour"] <= 11
    assert pt["best_slot"]["instagram"]["hour"] >= 18


def test_posting_time_effect_shows_in_the_data_and_vanishes_when_off(panel):
    def corr(p):
        fb = p.posts[(p.posts["network"] == "facebook") & (p.posts["account"] == "toulouse")]
        loc = _local(fb["published_at"])
        mult = time_multiplier_table(default_scenario(), "facebook")[loc.dt.day_of_week, loc.dt.hour]
        resid = np.log1p(_interactions(fb)) - np.log1p(_interactions(fb)).rolling(60, min_periods=1).mean()
        return np.corrcoef(np.log(mult), resid)[0, 1]

    off = simulate_panel(default_scenario().only(accounts=["toulouse"]).without("posting_time"), seed=SEED)
    assert corr(panel) > 0.1
    assert abs(corr(off)) < 0.08
    assert np.allclose(off.planted_effects["effects"]["posting_time"]["multipliers"]["facebook"], 1.0)
    assert off.planted_effects["effects"]["posting_time"]["enabled"] is False


def test_media_and_topic_effects(panel):
    mt = panel.planted_effects["effects"]["media_topic"]
    fb = mt["media_multipliers"]["facebook"]
    assert min(fb["photo"], fb["video"], fb["album"]) > max(fb["link"], fb["text"])
    topic = mt["topic_multipliers"]
    assert topic["facebook"]["heritage_quiz"]["comments"] > 3
    assert topic["facebook"]["service_alert"]["shares"] > 2
    assert topic["linkedin"]["job_offer"]["clicks"] > 2 and topic["linkedin"]["job_offer"]["shares"] > 2
    # in the data: quizzes draw more comments per like than the rest, alerts more shares
    p = panel.posts[panel.posts["network"].isin(["facebook", "instagram"])]
    cpl = p["comments"].astype(float) / (p["likes"].astype(float) + 1)
    assert cpl[p["topic"] == "heritage_quiz"].median() > 3 * cpl[p["topic"] != "heritage_quiz"].median()
    fbp = panel.posts[panel.posts["network"] == "facebook"]
    spl = fbp["shares"].astype(float) / (fbp["likes"].astype(float) + 1)
    assert spl[fbp["topic"] == "service_alert"].median() > 2 * spl[fbp["topic"] != "service_alert"].median()
    li = panel.posts[panel.posts["network"] == "linkedin"]
    cpi = li["clicks"].astype(float) / li["impressions"].astype(float)
    assert cpi[li["topic"] == "job_offer"].median() > 2 * cpi[li["topic"] != "job_offer"].median()


def test_toulouse_audience_targeting_recoverable(panel, panel_off):
    eff = panel.planted_effects["effects"]["audience_targeting"]
    assert eff["share_55_plus"]["facebook"] > 0.4 > eff["share_55_plus"]["instagram"]
    assert eff["share_18_34"]["instagram"] > 0.5 and eff["share_18_34"]["snapchat"] > 0.6
    assert eff["mean_age_difference_facebook_minus_instagram"] > 10
    mids = dict(zip(eff["age_brackets"], eff["age_midpoints"]))

    def mean_age(p, network):
        a = p.audience
        a = a[(a["collectivite"] == "toulouse") & (a["network"] == network) & (a["dimension"] == "age")]
        return (a["share"] * a["bracket"].map(mids)).groupby(a["date"]).sum().mean()

    diff = mean_age(panel, "facebook") - mean_age(panel, "instagram")
    assert diff == pytest.approx(eff["mean_age_difference_facebook_minus_instagram"], abs=1.0)
    assert abs(mean_age(panel_off, "facebook") - mean_age(panel_off, "instagram")) < 1.0
    shares = panel.audience.groupby(["account", "date", "dimension"])["share"].sum()
    assert np.allclose(shares, 1.0, atol=1e-3)


def test_saint_dizier_snapchat_relaunch(panel):
    sd = panel.planted_effects["effects"]["snapchat_relaunch"]
    p = panel.posts[panel.posts["account"] == "saint_dizier_snap"]
    day = _local(p["published_at"]).dt.tz_localize(None).dt.normalize()
    dormant = (day > sd["stopped"]) & (day < sd["relaunch_date"])
    assert not dormant.any() and (day < sd["stopped"]).sum() > 30 and (day >= sd["relaunch_date"]).sum() > 30
    f = panel.followers[panel.followers["account"] == "saint_dizier_snap"]
    fol = f.set_index(f["date"].dt.tz_localize(None))["followers"].astype(float)
    lvf = np.log(p["views"].astype(float).to_numpy() / fol.reindex(day).to_numpy())
    after = (day >= sd["relaunch_date"]).to_numpy()
    assert lvf[after].mean() - lvf[~after].mean() == pytest.approx(sd["log_views_step"], abs=0.3)
    new = f["lost_followers"]  # Snapchat gives totals only: flows are missing
    assert new.isna().all()
    growth = fol.diff()
    before = growth[(growth.index > "2017-01-01") & (growth.index < sd["relaunch_date"])].mean()
    later = growth[growth.index >= sd["relaunch_date"]].mean()
    assert later - before > 0.5 * sd["daily_new_followers_step"]


def test_grand_est_video_experiment(panel, panel_off):
    vx = panel.planted_effects["effects"]["video_format_experiment"]
    p = panel.posts[panel.posts["label"].notna()]
    assert set(p["label"]) == {vx["arm_new"], vx["arm_old"]}
    assert set(p["account"]) == {"grandest"} and (p["media_type"] == "video").all()
    assert (p["published_at"] >= pd.Timestamp(vx["start_date"], tz=PARIS)).all()
    arms = p.sort_values("published_at")["label"].to_numpy()
    assert (arms[::2] == arms[0]).all() and (arms[1::2] != arms[0]).all()  # alternation
    lv = np.log(p["views"].astype(float) / p["reach"].astype(float))
    diff = lv[p["label"] == vx["arm_new"]].mean() - lv[p["label"] == vx["arm_old"]].mean()
    assert diff == pytest.approx(vx["views_lift_log"], abs=0.2)
    q = panel_off.posts[panel_off.posts["label"].notna()]
    lq = np.log(q["views"].astype(float) / q["reach"].astype(float))
    assert abs(lq[q["label"] == vx["arm_new"]].mean() - lq[q["label"] == vx["arm_old"]].mean()) < 0.2
    assert panel_off.planted_effects["effects"]["video_format_experiment"]["views_lift_relative"] == 0


def test_romans_joins_linkedin(panel):
    lj = panel.planted_effects["effects"]["linkedin_join"]
    join = pd.Timestamp(lj["join_date"], tz=PARIS)
    li = panel.posts[panel.posts["account"] == "romans_li"]
    assert (li["published_at"] >= join).all() and len(li) > 50
    assert li["topic"].value_counts().idxmax() == "job_offer"
    f = panel.followers[panel.followers["account"] == "romans_li"].sort_values("date")
    assert f["date"].iloc[0] == pd.Timestamp(lj["join_date"], tz="UTC")
    assert f["followers"].iloc[0] < 30 and f["followers"].iloc[-1] > 300
    assert f["new_followers"].notna().all() and f["lost_followers"].isna().all()


def test_responsiveness(panel):
    c = panel.conversations
    assert set(c["channel"]) <= {"comment", "message", "mention", "reply"}
    assert c["author"].str.match(r"^[0-9a-f]{16}$").all()
    assert c.loc[c["channel"].isin(["comment", "reply"]), "post_id"].isin(panel.posts["post_id"]).all()
    resp = panel.planted_effects["effects"]["responsiveness"]["collectivites"]
    delay = (c["replied_at"] - c["received_at"]).dt.total_seconds() / 60
    med = delay.groupby(c["collectivite"]).median()
    assert med["romans_sur_isere"] < med["toulouse"] < med["grand_est"]
    never = c["replied_at"].isna().groupby(c["collectivite"]).mean()
    for cid, spec in resp.items():
        assert never[cid] == pytest.approx(spec["never_answered_share"], abs=0.04)
    # office hours: a Sunday-night message waits longer than a Tuesday-morning one
    loc = _local(c["received_at"])
    sunday_night = (loc.dt.day_of_week == 6) & (loc.dt.hour >= 20)
    tuesday_morning = (loc.dt.day_of_week == 1) & loc.dt.hour.between(9, 11)
    assert delay[sunday_night].median() > 3 * delay[tuesday_morning].median()


def test_follower_growth_and_toulouse_anchor(panel):
    fg = panel.planted_effects["effects"]["follower_growth"]["accounts"]
    for account in ("toulouse", "toulouse_x", "grandest", "valdemarne_ig"):
        assert fg[account]["realised_log_growth_per_year"] == pytest.approx(
            fg[account]["growth_log_per_year"], abs=0.04)
    assert fg["toulouse"]["growth_relative_per_year"] == pytest.approx(0.24, abs=0.01)
    f = panel.followers
    anchor = f[(f["account"] == "toulouse_x") & (f["date"] == pd.Timestamp("2016-03-03", tz="UTC"))]
    assert anchor["followers"].iloc[0] == pytest.approx(124_000, rel=0.02)
    # running totals follow the flows where both are given
    fb = f[f["account"] == "toulouse"].sort_values("date")
    step = fb["followers"].diff().iloc[1:]
    assert (step == (fb["new_followers"] - fb["lost_followers"]).iloc[1:]).all()


# --------------------------------------------------------------------------- scenario API


def test_without_and_only():
    sc = default_scenario()
    off = sc.without("posting_time", "heavy_tails")
    assert not off.enabled("posting_time") and sc.enabled("posting_time")
    with pytest.raises(EngagementError, match="unknown planted effect"):
        sc.without("posting_times")
    small = sc.only(collectivites=["romans_sur_isere"], networks=["instagram"])
    assert {a.account for a in small.accounts} == {"romans_ig", "musee_chaussure"}
    with pytest.raises(EngagementError, match="unknown collectivité"):
        sc.only(collectivites=["paris"])
    with pytest.raises(EngagementError, match="leaves no account"):
        sc.only(collectivites=["saint_dizier"], networks=["linkedin"])
    p = simulate_panel(small.without("posting_time"), seed=3)
    assert set(p.posts["account"]) == {"romans_ig", "musee_chaussure"}
    validate(p.posts, "posts")


def test_scale_adds_synthetic_collectivites():
    sc = default_scenario().only(collectivites=["saint_dizier"])
    p = simulate_panel(sc, seed=5, scale=20, start="2018-01-01", end="2018-03-31")
    ids = set(p.posts["collectivite"])
    assert "saint_dizier" in ids and len(ids) > 10
    assert all(i == "saint_dizier" or i.startswith("synthetic_") for i in ids)
    validate(p.posts, "posts")
    validate(p.followers, "followers")
    assert p.posts["published_at"].min() >= pd.Timestamp("2018-01-01", tz=PARIS)


@pytest.mark.parametrize("kwargs, match", [
    ({"scale": 0}, "scale"),
    ({"start": "2019-01-01", "end": "2018-01-01"}, "empty period"),
    ({"start": "not a date"}, "invalid period"),
])
def test_bad_arguments_raise_clear_errors(kwargs, match):
    with pytest.raises(EngagementError, match=match):
        simulate_panel(default_scenario().only(accounts=["romans_li"]), **kwargs)


# --------------------------------------------------------------------------- command line


def test_cli_simulate_truth_only(tmp_path, capsys):
    from engagement_lib.cli import main

    assert main(["simulate", "--out", str(tmp_path), "--no-raw", "--no-modern", "--seed", "7"]) == 0
    out = capsys.readouterr().out
    assert "posts" in out and "seed 7" in out
    for name in ("posts", "followers", "audience", "conversations"):
        validate(pd.read_parquet(tmp_path / "truth" / f"{name}.parquet"), name)
    lines = (tmp_path / "MANIFEST.sha256").read_text().splitlines()
    assert len(lines) == 5 and all(len(line.split("  ")[0]) == 64 for line in lines)


def _exit_code(argv):
    """Exit code of the command line, whether main returns it or argparse raises SystemExit."""
    from engagement_lib.cli import main

    try:
        return main(argv)
    except SystemExit as exc:
        return exc.code


def test_cli_errors_are_one_line(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert _exit_code(["simulate", "--out", str(blocker / "sub"), "--no-raw", "--no-modern"]) == 1
    err = capsys.readouterr().err
    lines = err.splitlines()
    assert lines[0].startswith("engagement: error:") and "Not a directory" in lines[0]
    assert "Traceback" not in err and all(line.startswith("hint:") for line in lines[1:])
    assert _exit_code(["simulate", "--out", str(tmp_path), "--scale", "-2"]) == 2
    assert "positive number" in capsys.readouterr().err
    assert _exit_code(["--version"]) == 0
    assert "engagement_lib" in capsys.readouterr().out


def test_big_panels_are_simulated_in_chunks(monkeypatch):
    import engagement_lib.simulate.model as model

    sc = default_scenario().only(collectivites=["saint_dizier", "romans_sur_isere"])
    whole = simulate_panel(sc, seed=11, scale=4, start="2018-01-01", end="2018-06-30")
    monkeypatch.setattr(model, "CHUNK_POSTS", 400)
    chunked = simulate_panel(sc, seed=11, scale=4, start="2018-01-01", end="2018-06-30")
    assert len(model._chunks(chunked.scenario, pd.date_range("2018-01-01", "2018-06-30"))) > 2
    for name in ("posts", "followers", "audience", "conversations"):
        validate(getattr(chunked, name), name)
    assert chunked.conversations["conversation_id"].is_unique
    assert set(chunked.posts["collectivite"]) == set(whole.posts["collectivite"])
    assert len(chunked.posts) == pytest.approx(len(whole.posts), rel=0.1)
    assert set(chunked.planted_effects["effects"]["follower_growth"]["accounts"]) == {
        a.account for a in chunked.scenario.accounts}


def test_modern_scenario_lands_in_todays_ranges():
    from engagement_lib.simulate import modern_scenario
    from engagement_lib.simulate._planted import CALIBRATION_TARGETS_MODERN

    p = simulate_panel(modern_scenario(), seed=SEED)
    assert p.planted_effects["period"] == {"start": "2025-07-01", "end": "2025-12-31"}
    assert set(p.posts["metric_era"]) == {"views"}
    assert p.posts.loc[p.posts["network"] == "facebook", "impressions"].isna().all()
    for network, calib in p.planted_effects["calibration"].items():
        lo, hi = CALIBRATION_TARGETS_MODERN[network][:2]
        assert (calib["target_low"], calib["target_high"]) == (lo, hi)
        assert lo <= calib["measured"] <= hi, network


def test_meta_views_era_reports_views_on_every_post():
    from engagement_lib.simulate import modern_scenario

    p = simulate_panel(modern_scenario().only(networks=["facebook", "instagram"]), seed=SEED)
    assert p.posts["views"].notna().all() and p.posts["impressions"].isna().all()
    assert (p.posts["views"] >= p.posts["reach"]).all()
