"""Bundled datasets: listing, typed loading, helpful errors, relocatable data folder."""

from __future__ import annotations

import pandas as pd
import pytest

from engagement_lib import datasets
from engagement_lib.errors import DatasetNotFoundError


def test_collectivites_are_listed_and_typed():
    assert "collectivites" in datasets.list_datasets()
    table = datasets.load_dataset("collectivites")
    assert set(table["id"]) == {
        "toulouse", "romans_sur_isere", "saint_dizier", "val_de_marne", "grand_est",
    }
    assert isinstance(table["kind"].dtype, pd.CategoricalDtype)
    assert str(table["population"].dtype) == "Int64"
    # INSEE codes are strings: a leading zero or a Corsican 2A code must survive.
    assert table.set_index("id").loc["toulouse", "insee_code"] == "31555"


def test_article_and_insee_populations_are_close_but_distinct():
    table = datasets.load_dataset("collectivites").set_index("id")
    both = table.dropna(subset=["population_article"])
    ratio = both["population"] / both["population_article"]
    assert ratio.between(0.85, 1.15).all(), ratio
    assert pd.isna(table.loc["val_de_marne", "population_article"])  # the article gives none


def test_unknown_name_lists_known_datasets():
    with pytest.raises(DatasetNotFoundError) as info:
        datasets.load_dataset("collectivitez")
    assert "unknown dataset 'collectivitez'" in str(info.value)
    assert "collectivites" in str(info.value)


def test_environment_variable_points_elsewhere(tmp_path, monkeypatch):
    (tmp_path / "extra").mkdir()
    pd.DataFrame({"a": ["1", "2"]}).to_csv(tmp_path / "extra" / "mine.csv", index=False)
    monkeypatch.setenv("ENGAGEMENT_DATA_DIR", str(tmp_path))
    assert datasets.list_datasets() == ["extra/mine"]
    assert datasets.load_dataset("extra/mine")["a"].tolist() == ["1", "2"]
    with pytest.raises(DatasetNotFoundError, match="extra/mine"):
        datasets.load_dataset("collectivites")
