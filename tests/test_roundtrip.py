"""End-to-end round trip: simulated truth → export files → read + clean → equals the truth.

Two bundles, written exactly as ``engagement simulate`` writes ``datasets/raw``
(overlapping periods, French-Excel re-saves, IDs in scientific notation,
French/English/bilingual headers), are read back from one collectivité's
folder and cleaned:

* ``era``: Romans-sur-Isère over 18 months in the 2016-2019 layouts (legacy
  Facebook Insights, Instagram Graph JSON for two accounts, LinkedIn
  workbooks, Meta daily series and audience files);
* ``modern``: Val-de-Marne in today's layouts (Meta Business Suite FR/EN,
  X ``account_analytics_content``, LinkedIn, YouTube Studio, TikTok).

Posts are matched on their permalink (unique per post), so that an ID the
bundle destroyed can be checked too. What a format cannot carry is not
compared, by rule rather than case by case: a column that is empty in a whole
file (legacy LinkedIn labels have no views), the time of day of a date-only
export (``published_at_precision == "day"``), the characters cp1252 cannot
hold in a French-Excel re-save, the post types a format lumps together
(:data:`FORMAT_TYPES`, from export_formats.md), and Instagram IDs that Excel
destroyed in every export of a post (an Instagram URL holds a shortcode, not
the numeric ID: cleaning keys such posts on the shortcode and flags them).
"""

from __future__ import annotations

import re

import pandas as pd
import pytest

from engagement_lib.cleaning import clean
from engagement_lib.schema import METRICS

pytestmark = pytest.mark.slow

BUNDLES = {
    # a seed whose plan has mangled-ID files, cp1252 re-saves and overlapping periods
    "era": {"collectivite": "romans_sur_isere", "seed": 11},
    "modern": {"collectivite": "val_de_marne", "seed": 1},
}

#: Canonical type → the type the format can still tell (export_formats.md §1.1, §1.2, §3.2, §7).
FORMAT_TYPES = {
    # Legacy Insights "Type": Photo, Video, Link, Status, Event only.
    "facebook_insights_legacy": {"album": "photo", "story": "photo", "reel": "video",
                                 "live": "video", "other": "text"},
    # Graph API media_type: IMAGE, VIDEO, CAROUSEL_ALBUM.
    "instagram_graph_json": {"reel": "video", "live": "video", "story": "photo",
                             "link": "photo", "text": "photo", "event": "photo",
                             "other": "photo"},
    # YouTube Studio: no live flag in the table.
    "youtube_studio_table": {"live": "video"},
}


def _expected_type(layout: str, language: str, permalink: str, truth: str) -> str:
    if layout == "meta_business_suite_posts" and truth == "reel" and language != "en":
        # French exports type Reels "Vidéos": only a /reel/ permalink tells them apart.
        return "reel" if "/reel/" in str(permalink) else "video"
    return FORMAT_TYPES.get(layout, {}).get(truth, truth)


@pytest.fixture(scope="module", params=list(BUNDLES))
def roundtrip(request, tmp_path_factory):
    from engagement_lib.simulate import (
        default_scenario,
        modern_scenario,
        simulate_panel,
        write_bundle,
    )

    name = request.param
    spec = BUNDLES[name]
    out = tmp_path_factory.mktemp(f"bundle_{name}")
    if name == "era":
        panel = simulate_panel(default_scenario().only(collectivites=[spec["collectivite"]]),
                               seed=spec["seed"], start="2017-01-01", end="2018-06-30")
        write_bundle(panel, out, seed=spec["seed"], modern=False)
        folder = out / "raw" / spec["collectivite"]
    else:
        small_era = simulate_panel(default_scenario().only(collectivites=["saint_dizier"]),
                                   seed=spec["seed"], start="2018-01-01", end="2018-01-31")
        panel = simulate_panel(modern_scenario(), seed=spec["seed"])
        write_bundle(small_era, out, seed=spec["seed"], modern=panel)
        folder = out / "raw" / "modern" / spec["collectivite"]
    index = pd.read_csv(out / "export_plan.csv", keep_default_na=False)
    index = index[index["file"] != ""].set_index("file")
    data = clean(folder)
    rel = data.posts["source_file"].map(lambda p: p.replace(str(out / "raw") + "/", ""))
    info = index.reindex(rel.to_numpy())[["resave", "language"]].reset_index(drop=True)
    posts = pd.concat([data.posts, info.set_axis(["_resave", "_language"], axis=1)], axis=1)
    truth = {t: getattr(panel, t)[getattr(panel, t)["collectivite"] == spec["collectivite"]]
             for t in ("posts", "followers", "audience")}
    return name, truth, data, posts, index


def _same(a: pd.Series, b: pd.Series) -> pd.Series:
    a, b = a.astype("object"), b.astype("object")
    return (a == b).fillna(False).astype(bool) | (a.isna() & b.isna())


def test_the_bundle_exercises_the_mess(roundtrip):
    name, _, data, _, index = roundtrip
    posts = index[(index["table"] == "posts")]
    assert (posts["mangle_ids"].astype(float) > 0).any()
    assert (posts["resave"] == "fr_excel").any()
    assert posts["overlap"].astype(str).str.lower().eq("true").any()
    t = data.report.totals
    assert t["duplicates_merged"] > 0
    if name == "modern":  # numeric IDs (Business Suite, X) are the ones Excel destroys
        assert t["ids_rekeyed"] > 0
    assert t["rows_read"] == t["rows_kept"] + t["duplicates_merged"] + t["rows_quarantined"]
    assert len(data.quarantine) == 0, data.quarantine.head().to_string()


def test_every_post_comes_back_once(roundtrip):
    _, truth, data, _, _ = roundtrip
    key = ["network", "permalink"]
    got = set(map(tuple, data.posts[key].astype(str).to_numpy()))
    assert got == set(map(tuple, truth["posts"][key].astype(str).to_numpy()))
    assert data.posts["post_id"].is_unique and len(data.posts) == len(truth["posts"])


def test_post_ids_equal_the_truth_or_the_shortcode_when_destroyed(roundtrip):
    _, truth, data, _, _ = roundtrip
    m = truth["posts"].merge(data.posts, on=["network", "permalink"], suffixes=("_t", "_c"))
    same = m["post_id_t"] == m["post_id_c"]
    flagged = data.flags[data.flags["flag"] == "rekeyed_from_shortcode"]
    keyed = set(zip(flagged["source_file"], flagged["source_row"].astype(int), strict=True))
    other = m[~same]
    shortcode = other["permalink"].map(lambda u: re.search(r"/(?:p|reels?|tv)/([\w-]+)", u)[1])
    assert (other["network"] == "instagram").all()
    assert (other["post_id_c"] == shortcode).all()
    assert all((f, int(r)) in keyed for f, r in zip(other["source_file_c"], other["source_row_c"],
                                                     strict=True))
    assert same.mean() > 0.9


def test_post_values_timestamps_and_entities_equal_the_truth(roundtrip):
    _, truth, _, posts, _ = roundtrip
    m = truth["posts"].merge(posts, on=["network", "permalink"], suffixes=("_t", "_c"),
                             validate="1:1")
    exact = m.get("published_at_precision", pd.Series("exact", index=m.index)) != "day"
    assert (m.loc[exact, "published_at_t"].dt.floor("min")
            == m.loc[exact, "published_at_c"].dt.floor("min")).all()
    local = m.loc[~exact, "published_at_t"].dt.tz_convert("Europe/Paris").dt.date
    assert (local == m.loc[~exact, "published_at_c"].dt.tz_convert("Europe/Paris").dt.date).all()
    for col in ("collectivite", "account"):
        assert (m[f"{col}_t"].astype(str) == m[f"{col}_c"].astype(str)).all(), col
    compared = 0
    for col in (*METRICS, "is_paid"):
        carried = m.groupby("source_file_c")[f"{col}_c"].transform(lambda s: s.notna().any())
        sub = m[carried]
        bad = sub.loc[~_same(sub[f"{col}_t"], sub[f"{col}_c"]),
                      ["source_file_c", "post_id_t", f"{col}_t", f"{col}_c"]]
        assert bad.empty, f"{col}:\n{bad.head().to_string()}"
        compared += len(sub)
    assert compared > 5 * len(m)  # most metrics are carried by most files
    lossy = m["_resave"] == "fr_excel"
    expected_text = m["text_t"].where(~lossy, m["text_t"].map(
        lambda s: s if pd.isna(s) else s.encode("cp1252", "replace").decode("cp1252")))
    assert _same(expected_text, m["text_c"]).all()


def test_media_types_equal_the_truth_as_far_as_each_format_tells(roundtrip):
    _, truth, data, posts, _ = roundtrip
    m = truth["posts"].merge(posts, on=["network", "permalink"], suffixes=("_t", "_c"))
    files = data.report.files
    untyped = set(files.loc[files["media_type_unreported"] == files["rows_read"], "source_file"])
    expected = [  # a file without any post type (X Premium, old LinkedIn labels): "other"
        "other" if src in untyped else _expected_type(f, lang, link, t)
        for src, f, lang, link, t in zip(
            m["source_file_c"], m["source_format_c"], m["_language"], m["permalink"],
            m["media_type_t"].astype(str), strict=True)]
    got = m["media_type_c"].astype(str)
    assert (got == pd.Series(expected, index=m.index)).all(), m.loc[
        got != pd.Series(expected, index=m.index),
        ["source_format_c", "media_type_t", "media_type_c"]].head().to_string()


def test_followers_equal_the_truth(roundtrip):
    _, truth, data, _, _ = roundtrip
    key = ["network", "account", "date"]
    m = truth["followers"].merge(data.followers, on=key, how="right", suffixes=("_t", "_c"),
                                 indicator=True)
    assert (m["_merge"] == "both").all()  # no invented day
    assert len(m) > 100
    exported = set(zip(data.followers["network"].astype(str), data.followers["account"],
                       strict=True))
    t = truth["followers"]
    expected = t[[(n, a) in exported for n, a in zip(t["network"].astype(str), t["account"],
                                                     strict=True)]]
    assert len(expected) == len(m)  # every day of every exported account comes back
    for col in ("followers", "new_followers", "lost_followers"):
        carried = m.groupby("source_file_c")[f"{col}_c"].transform(lambda s: s.notna().any())
        sub = m[carried]
        assert _same(sub[f"{col}_t"].astype("Int64"), sub[f"{col}_c"]).all(), col


def test_audience_snapshots_equal_the_truth(roundtrip):
    _, truth, data, _, _ = roundtrip
    key = ["network", "account", "date", "dimension", "bracket"]
    m = truth["audience"].merge(data.audience, on=key, how="right", suffixes=("_t", "_c"),
                                indicator=True)
    assert len(m) > 0 and (m["_merge"] == "both").all()
    assert ((m["share_t"] - m["share_c"]).abs() < 5e-4).all()
