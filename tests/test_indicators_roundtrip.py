"""On the simulated panel: indicators from the cleaned exports equal those from the truth.

For each collectivité with a bundled raw folder (``datasets/raw/<collectivite>``),
the exports are read and cleaned (``cleaning.clean(readers.read_exports(...))``)
and every indicator is computed from them and from the truth tables
(``load_dataset("truth/...")``). What an export format cannot carry is not
compared (stated from ``export_formats.md``, not from the code under test):

* the media-type mix — formats lump types together (legacy Facebook Insights
  knows Photo/Video/Link/Status/Event only; the Instagram Graph API
  IMAGE/VIDEO/CAROUSEL_ALBUM);
* inputs a layout does not export at all (X's tweet activity export has no
  follower count, no inbox export exists for conversations...): there the
  cleaned result must say why the value is missing, and never show a number;
* accounts of a network without any export format (Viadeo).
"""

from __future__ import annotations

import os

import numpy as np
import pytest

from engagement_lib._paths import data_dir
from engagement_lib.indicators import compute, resolve

pytestmark = pytest.mark.slow

#: Statuses meaning "the exports do not hold this input".
UNAVAILABLE = {
    "not reported by this network",
    "not reported for these posts",
    "no follower data",
    "no conversations",
    "no replies",
    "no video posts",
}
#: Indicators every format carries (posts, likes, comments): must be fully recovered.
ALWAYS = [
    "posts",
    "posts_per_week",
    "total_likes",
    "total_comments",
    "bonson_p1",
    "bonson_p2",
    "bonson_c1",
    "bonson_c2",
]
KEY = ["collectivite", "account", "network", "period", "indicator"]


def _raw_folders():
    """(truth prefix, raw folder) pairs: the 2016–2019 panel and the modern bundle."""
    raw = data_dir() / "raw"
    if not (data_dir() / "truth" / "posts.parquet").is_file():
        return "datasets/truth/posts.parquet is not there yet (simulator)"
    if not raw.is_dir():
        return "datasets/raw/ is not there yet (raw export bundle)"
    pairs = []
    for prefix, base in (("truth", raw), ("truth/modern", raw / "modern")):
        if base.is_dir() and (data_dir() / prefix / "posts.parquet").is_file():
            pairs += [
                (prefix, p)
                for p in sorted(base.iterdir())
                if p.is_dir() and not p.name.startswith(".") and p.name != "modern"
            ]
    return pairs or "datasets/raw/ holds no collectivité folder yet"


def _cleaning():
    try:
        from engagement_lib.cleaning import clean
        from engagement_lib.readers import read_exports
    except ImportError as exc:  # pragma: no cover - depends on the other modules
        return f"cleaning/readers not importable yet: {exc}"
    return clean, read_exports


#: Cleaning every bundle takes minutes: by default one legacy collectivité (Facebook,
#: Snapchat and X classic exports, whose reach is missing) and the modern bundle.
DEFAULT = {("truth", "saint_dizier"), ("truth/modern", "val_de_marne")}
FULL = os.environ.get("ENGAGEMENT_FULL_ROUNDTRIP") == "1"


def _params():
    folders = _raw_folders()
    if isinstance(folders, str):
        return [pytest.param(None, None, marks=pytest.mark.skip(reason=folders))]
    out = []
    for prefix, folder in folders:
        skip = not FULL and (prefix, folder.name) not in DEFAULT
        marks = pytest.mark.skipif(
            skip, reason="set ENGAGEMENT_FULL_ROUNDTRIP=1 to clean every bundled collectivité"
        )
        out.append(pytest.param(prefix, folder, marks=marks, id=f"{prefix}:{folder.name}"))
    return out


_CACHE: dict = {}


def _pair(prefix, folder):
    """Indicators from the truth and from the cleaned exports of one folder (cached)."""
    key = (prefix, folder)
    if key in _CACHE:
        return _CACHE[key]
    tools = _cleaning()
    if isinstance(tools, str):
        pytest.skip(tools)
    clean, read_exports = tools
    from engagement_lib import load_dataset

    coll = folder.name
    truth = {t: load_dataset(f"{prefix}/{t}") for t in ("posts", "followers", "conversations")}
    if coll not in set(truth["posts"]["collectivite"]):
        pytest.skip(f"{coll} is not in {prefix}")
    cleaned = clean(read_exports(folder, progress=False))
    mine = {k: v[v["collectivite"] == coll] for k, v in truth.items()}
    ids = [i.id for i in resolve() if i.id != "media_mix"]
    options = dict(by=("collectivite", "account", "network"), n_boot=0)
    _CACHE[key] = (compute(mine, ids, **options), compute(cleaned, ids, **options))
    return _CACHE[key]


@pytest.mark.parametrize(("prefix", "folder"), _params())
def test_values_from_cleaned_exports_equal_the_truth(prefix, folder):
    expected, got = _pair(prefix, folder)
    exported = set(zip(got["account"], got["network"]))
    # an account with no export format at all (Viadeo) has nothing to compare
    expected = expected[[k in exported for k in zip(expected["account"], expected["network"])]]
    merged = expected.merge(got, on=KEY, how="outer", suffixes=("_truth", "_clean"), indicator=True)
    present = merged["value_clean"].notna()
    both = present & merged["value_truth"].notna()
    # nothing the exports show is invented or off
    assert (merged.loc[present, "_merge"] == "both").all()
    bad = both & ~np.isclose(merged["value_truth"], merged["value_clean"], rtol=1e-9)
    assert not bad.any(), merged.loc[bad, KEY + ["value_truth", "value_clean"]].head(10)
    assert (merged.loc[both, "n_truth"] == merged.loc[both, "n_clean"]).all()
    assert not (present & merged["value_truth"].isna()).any()
    # what the exports lack is missing with a reason, never a number
    lost = merged["value_truth"].notna() & ~present & (merged["_merge"] == "both")
    reasons = set(merged.loc[lost, "status_clean"])
    assert reasons <= UNAVAILABLE, reasons - UNAVAILABLE
    always = (
        merged["indicator"].isin(ALWAYS)
        & merged["value_truth"].notna()
        & (merged["_merge"] == "both")
    )
    assert present[always].all(), sorted(set(merged.loc[always & ~present, "indicator"]))
    # periods the exports cannot show at all hold no post in the truth either
    only_truth = merged[merged["_merge"] == "left_only"]
    posts = only_truth[only_truth["indicator"] == "posts"]["value_truth"]
    assert (posts == 0).all()


@pytest.mark.parametrize(("prefix", "folder"), _params())
def test_the_comparison_covers_most_of_the_truth(prefix, folder):
    expected, got = _pair(prefix, folder)
    valued = expected["value"].notna()
    merged = expected[valued].merge(got, on=KEY, how="left", suffixes=("", "_clean"))
    assert merged["value_clean"].notna().mean() > 0.4
    assert merged.loc[merged["value_clean"].notna(), "indicator"].nunique() > 20
