"""Tests of the bundled datasets written by engagement_lib.simulate.bundle (``make data``)."""

from __future__ import annotations

import hashlib
import json

import numpy as np
import pandas as pd
import pytest

from engagement_lib._paths import REPO_ROOT
from engagement_lib.datasets import load_dataset
from engagement_lib.schema import METRICS
from engagement_lib.simulate import simulate_panel, write_bundle
from engagement_lib.simulate.bundle import (
    _BILINGUAL,
    _EN_ONLY,
    CSV_LAYOUTS,
    OVERLAP_RATE,
    _slice_posts,
    export_plan,
)

DATASETS = REPO_ROOT / "datasets"
SEED = 20190304
MAX_BYTES = 25 * 1024 * 1024


@pytest.fixture(scope="module")
def panel():
    return simulate_panel(seed=SEED)


def _files(root):
    return sorted(p for p in root.rglob("*") if p.is_file())


def test_committed_datasets_stay_under_25_mb():
    total = sum(p.stat().st_size for p in _files(DATASETS))
    assert 0 < total < MAX_BYTES, f"datasets/ holds {total / 1e6:.1f} MB"


def test_manifest_lists_every_generated_file_with_its_hash():
    lines = (DATASETS / "MANIFEST.sha256").read_text(encoding="utf-8").splitlines()
    listed = dict(reversed(line.split("  ", 1)) for line in lines)
    on_disk = {p.relative_to(DATASETS).as_posix() for sub in ("raw", "truth") for p in _files(DATASETS / sub)}
    assert set(listed) == on_disk | {"export_plan.csv"}
    for rel, digest in listed.items():
        assert hashlib.sha256((DATASETS / rel).read_bytes()).hexdigest() == digest, rel


@pytest.mark.parametrize("name", ["posts", "followers", "audience", "conversations",
                                  "modern/posts", "modern/followers"])
def test_committed_truth_tables_load_and_validate(name):
    frame = load_dataset(f"truth/{name}")  # validated by load_dataset
    assert len(frame) > 0


def test_committed_planted_effects_are_the_default_seed(panel):
    committed = load_dataset("truth/planted_effects")
    assert committed["seed"] == SEED
    assert committed == json.loads(json.dumps(panel.planted_effects))


def test_raw_folder_holds_only_exports():
    """clean("datasets/raw") reads every file without errors="collect"."""
    from engagement_lib.readers import list_exports

    assert not (DATASETS / "raw" / "INDEX.csv").exists()
    names = {p.name for p in list_exports(DATASETS / "raw")}
    assert "export_plan.csv" not in names and "MANIFEST.sha256" not in names


def test_raw_index_lists_every_export_file():
    index = pd.read_csv(DATASETS / "export_plan.csv", dtype=str, keep_default_na=False)
    raw = {p.relative_to(DATASETS / "raw").as_posix() for p in _files(DATASETS / "raw")}
    assert set(index["file"]) == raw - {"MISSING_LAYOUTS.txt"}
    assert index["file"].is_unique
    assert set(index["collectivite"]) == {"toulouse", "romans_sur_isere", "saint_dizier", "val_de_marne",
                                          "grand_est"}
    # exports are made after the period they cover, and named with that export day
    assert (pd.to_datetime(index["exported_at"]) > pd.to_datetime(index["period_end"]).dt.tz_localize("UTC")).all()


def test_export_plan_mess_rates(panel):
    plan = export_plan(panel, seed=SEED)
    posts = plan[plan["table"] == "posts"]
    later = posts.groupby("account").cumcount() > 0
    assert posts.loc[later, "overlap"].mean() == pytest.approx(OVERLAP_RATE, abs=0.08)
    csv_like = plan["layout"].isin(CSV_LAYOUTS)
    assert (plan.loc[~csv_like, "resave"] == "").all() and (plan.loc[~csv_like, "mangle_ids"] == 0).all()
    assert 0.05 < (plan.loc[csv_like, "resave"] != "").mean() < 0.3
    assert plan.loc[(plan["mangle_ids"] > 0), "table"].eq("posts").all()
    assert (plan.loc[plan["language"] == "bilingual", "layout"].isin(_BILINGUAL)).all()
    assert (plan.loc[plan["layout"].isin(_EN_ONLY), "language"] == "en").all()
    assert {"fr", "en"} <= set(plan["language"])
    again = export_plan(panel, seed=SEED)
    pd.testing.assert_frame_equal(plan, again)


def test_latest_export_equals_truth_and_earlier_ones_are_smaller(panel):
    plan = export_plan(panel, seed=SEED)
    plan = plan[plan["account"].isin(["toulouse", "grandest_x"])].reset_index(drop=True)
    slices = _slice_posts(panel.posts, plan)
    rows = pd.concat([s.assign(file=f) for f, s in slices.items()], ignore_index=True)
    truth = panel.posts.set_index("post_id")
    counts = rows["post_id"].value_counts()
    assert (counts > 1).any(), "the plan should make some posts appear in two exports"
    latest = rows.loc[rows.groupby("post_id")["exported_at"].idxmax()].set_index("post_id")
    for m in METRICS:
        pd.testing.assert_series_equal(latest[m], truth.loc[latest.index, m], check_names=False)
    earlier = rows.drop(index=rows.groupby("post_id")["exported_at"].idxmax())
    t = truth.loc[earlier["post_id"]]
    likes_e, likes_t = earlier["likes"].to_numpy(dtype=float), t["likes"].to_numpy(dtype=float)
    assert (likes_e <= likes_t).all() and (likes_e < likes_t).any()
    # every post of the accounts is in at least one export
    assert set(panel.posts.loc[panel.posts["account"].isin(["toulouse", "grandest_x"]), "post_id"]) == set(counts.index)


@pytest.mark.slow
def test_regenerating_with_the_default_seed_reproduces_the_manifest(tmp_path, panel):
    manifest = write_bundle(panel, tmp_path, seed=SEED)
    assert manifest.read_bytes() == (DATASETS / "MANIFEST.sha256").read_bytes()
    assert not np.any([p.name == "MISSING_LAYOUTS.txt" for p in _files(tmp_path / "raw")])
