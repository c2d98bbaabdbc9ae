"""The partitioned Parquet store: round trips, layout, appends, compaction, errors, CLI."""

from __future__ import annotations

import json
from importlib.util import find_spec
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from engagement_lib import schema
from engagement_lib.errors import SchemaError
from engagement_lib.simulate import simulate_panel
from engagement_lib.store import (
    MANIFEST,
    StoreError,
    compact_store,
    read_store,
    store_info,
    write_store,
)

HAS_DASK = find_spec("dask") is not None
TABLES = ("posts", "followers", "audience", "conversations")
#: Columns identifying a row of each table (to compare frames whatever the row order).
KEYS = {
    "posts": ["post_id"],
    "followers": ["account", "network", "date"],
    "audience": ["account", "network", "date", "dimension", "bracket"],
    "conversations": ["conversation_id"],
    "collectivites": ["id"],
}


@pytest.fixture(scope="module")
def panel():
    """A small simulated panel (two collectivités, every table, seed 7)."""
    from engagement_lib.simulate import default_scenario

    scenario = default_scenario().only(collectivites=["romans_sur_isere", "saint_dizier"])
    return simulate_panel(scenario, seed=7, start="2017-11-01", end="2018-04-30")


@pytest.fixture(scope="module")
def tables(panel):
    return {t: getattr(panel, t) for t in TABLES}


def _same(a: pd.DataFrame, b: pd.DataFrame, keys) -> None:
    """Equal frames (values and dtypes) up to row order."""
    assert list(b.columns) == list(a.columns)
    a = a.sort_values(keys, kind="stable").reset_index(drop=True)
    b = b.sort_values(keys, kind="stable").reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b)


def test_round_trip_every_table(tables, tmp_path):
    write_store(tables, tmp_path / "store")
    back = read_store(tmp_path / "store")
    assert set(back) == set(TABLES)
    for name in TABLES:
        assert len(tables[name]) > 0
        _same(tables[name], back[name], KEYS[name])
        # the canonical schema still holds on what was read
        schema.validate(back[name], name)


def test_layout_network_and_paris_month(tmp_path):
    # 2018-03-31 23:30 UTC is 01:30 on 1 April in Paris: the April folder
    posts = _posts(["2018-03-31 23:30", "2018-03-31 21:00", "2018-10-28 00:30"],
                   networks=["x", "x", "facebook"])
    write_store({"posts": posts}, tmp_path)
    folders = sorted(
        str(p.parent.relative_to(tmp_path / "posts")) for p in (tmp_path / "posts").rglob("*.parquet")
    )
    assert folders == [
        "network=facebook/month=2018-10",
        "network=x/month=2018-03",
        "network=x/month=2018-04",
    ]
    info = store_info(tmp_path)
    assert info["tables"]["posts"]["partition_on"] == ["network", "month"]
    assert info["tables"]["posts"]["rows"] == 3
    # month is a folder key, not a column: read back as the canonical table
    back = read_store(tmp_path)["posts"]
    assert "month" not in back.columns
    assert back["network"].dtype == posts["network"].dtype


def test_unpartitioned_tables_and_partition_filters(tables, tmp_path):
    colls = pd.DataFrame({"id": ["romans_sur_isere", "saint_dizier"], "population": [33_000, 23_000]})
    write_store({**tables, "collectivites": colls}, tmp_path)
    assert store_info(tmp_path)["tables"]["collectivites"]["partition_on"] == []
    assert list((tmp_path / "collectivites").glob("*.parquet"))
    got = read_store(
        tmp_path,
        tables=["posts", "collectivites"],
        filters=[("collectivite", "==", "saint_dizier"), ("month", ">=", "2018-01")],
    )
    posts = tables["posts"]
    local = posts["published_at"].dt.tz_convert("Europe/Paris")
    want = posts[(posts["collectivite"] == "saint_dizier") & (local >= "2018-01-01")]
    _same(want, got["posts"], KEYS["posts"])
    pd.testing.assert_frame_equal(got["collectivites"], colls)


def test_column_projection(tables, tmp_path):
    write_store(tables, tmp_path)
    got = read_store(tmp_path, tables=["posts"], columns={"posts": ["post_id", "likes"]})["posts"]
    assert list(got.columns) == ["post_id", "likes"]
    assert got["likes"].dtype == "Int64"
    with pytest.raises(StoreError, match="no column.*'nope'"):
        read_store(tmp_path, tables=["posts"], columns={"posts": ["nope"]})


def test_append_then_compact(tables, tmp_path):
    posts = tables["posts"]
    half = len(posts) // 2
    write_store({"posts": posts.iloc[:half]}, tmp_path)
    write_store({"posts": posts.iloc[half:]}, tmp_path, mode="append")
    assert store_info(tmp_path)["tables"]["posts"]["rows"] == len(posts)
    leaves = {p.parent for p in (tmp_path / "posts").rglob("*.parquet")}
    assert any(len(list(leaf.glob("*.parquet"))) == 2 for leaf in leaves)
    compact_store(tmp_path)
    for leaf in leaves:
        assert [p.name for p in leaf.glob("*.parquet")] == ["part-0.parquet"]
        # sorted by collectivité, account and time inside each file
        part = pd.read_parquet(leaf / "part-0.parquet")
        order = part.sort_values(["collectivite", "account", "published_at"], kind="stable")
        assert part.index.equals(order.index)
    _same(posts, read_store(tmp_path)["posts"], KEYS["posts"])


def test_overwrite_replaces_only_the_tables_written(tables, tmp_path):
    write_store(tables, tmp_path)
    write_store({"posts": tables["posts"].iloc[:10]}, tmp_path)
    back = read_store(tmp_path)
    assert len(back["posts"]) == 10
    assert len(back["followers"]) == len(tables["followers"])


def test_append_with_other_columns_is_refused(tables, tmp_path):
    posts = tables["posts"]
    write_store({"posts": posts}, tmp_path)
    with pytest.raises(StoreError, match="'likes': Int64 in the store, float64 now"):
        write_store({"posts": posts.astype({"likes": "float64"})}, tmp_path, mode="append")
    assert store_info(tmp_path)["tables"]["posts"]["rows"] == len(posts)


def test_not_a_store(tmp_path):
    with pytest.raises(StoreError, match="no such folder"):
        read_store(tmp_path / "missing")
    (tmp_path / "posts").mkdir()
    with pytest.raises(StoreError, match=f"{MANIFEST} is missing"):
        read_store(tmp_path)
    with pytest.raises(StoreError, match="not part of the store"):
        write_store({"posts": _posts(["2018-01-01 10:00"])}, tmp_path)
    (tmp_path / MANIFEST).write_text(json.dumps({"format": "other"}))
    with pytest.raises(StoreError, match="not an engagement_lib store"):
        store_info(tmp_path)


def test_unknown_table_engine_and_key(tables, tmp_path):
    write_store({"posts": tables["posts"]}, tmp_path)
    with pytest.raises(StoreError, match="no table.*'followers'.*found posts"):
        read_store(tmp_path, tables=["followers"])
    with pytest.raises(ValueError, match="engine='spark'"):
        read_store(tmp_path, "spark")
    with pytest.raises(ValueError, match="unknown key"):
        write_store({"posts": tables["posts"]}, tmp_path, partition_on=("weekday",))


def test_bad_rows_are_named(tmp_path):
    posts = _posts(["2018-01-01 10:00", "2018-01-02 10:00"])
    posts["published_at"] = posts["published_at"].dt.tz_localize(None)
    with pytest.raises(SchemaError, match="'published_at' must hold tz-aware UTC"):
        write_store({"posts": posts}, tmp_path)
    posts = _posts(["2018-01-01 10:00", "2018-01-02 10:00"])
    posts["month"] = "x"
    with pytest.raises(SchemaError, match="'month' clashes"):
        write_store({"posts": posts}, tmp_path / "b")


def test_empty_table_round_trips(tmp_path):
    empty = schema.empty("posts")
    write_store({"posts": empty}, tmp_path)
    back = read_store(tmp_path)["posts"]
    assert len(back) == 0
    assert list(back.columns) == list(empty.columns)


@pytest.mark.skipif(not HAS_DASK, reason="dask not installed (pip install engagement-lib[scale])")
def test_dask_read_equals_pandas_read(tables, tmp_path):
    write_store(tables, tmp_path)
    eager = read_store(tmp_path)
    lazy = read_store(tmp_path, "dask")
    for name in TABLES:
        frame = lazy[name]
        assert type(frame).__module__.startswith("dask")
        assert dict(frame.dtypes) == dict(eager[name].dtypes)
        _same(eager[name], frame.compute(), KEYS[name])


# --------------------------------------------------------------------------- simulate + CLI
def test_write_partitioned_equals_simulate_panel(monkeypatch, tmp_path):
    """Chunk by chunk into the store = the panel simulate_panel returns (chunked too)."""
    from engagement_lib.simulate import model
    from engagement_lib.simulate.scale import write_partitioned

    monkeypatch.setattr(model, "CHUNK_POSTS", 500)  # force several chunks
    kwargs = {"scale": 3, "seed": 11, "start": "2018-01-01", "end": "2018-02-28"}
    info = write_partitioned(tmp_path, **kwargs)
    assert info["chunks"] > 1
    panel = simulate_panel(**kwargs)
    back = read_store(tmp_path)
    for name in TABLES:
        assert info["rows"][name] == len(getattr(panel, name))
        _same(getattr(panel, name), back[name], KEYS[name])
    # one file per partition after compaction
    for leaf in {p.parent for p in (tmp_path / "posts").rglob("*.parquet")}:
        assert len(list(leaf.glob("*.parquet"))) == 1


def test_cli_simulate_format_parquet(tmp_path, capsys):
    from engagement_lib.cli import main

    code = main(["simulate", "--format", "parquet", "--scale", "0.2", "--seed", "5",
                 "--out", str(tmp_path)])
    assert code == 0
    assert "into the store" in capsys.readouterr().out
    panel = simulate_panel(seed=5, scale=0.2)
    back = read_store(tmp_path)
    for name in TABLES:
        _same(getattr(panel, name), back[name], KEYS[name])


@pytest.mark.slow
def test_cli_clean_format_parquet_holds_the_same_tables(tmp_path):
    """`engagement clean --format parquet` = the per-table files of the default format."""
    from engagement_lib.cli import main

    src = Path(__file__).resolve().parents[1] / "datasets" / "raw" / "saint_dizier" / "snapchat"
    if not src.is_dir():
        pytest.skip(f"{src} not available")
    assert main(["clean", str(src), "--out", str(tmp_path / "store"), "--format", "parquet"]) == 0
    assert main(["clean", str(src), "--out", str(tmp_path / "files")]) == 0
    back = read_store(tmp_path / "store")
    files = {p.stem: pd.read_parquet(p) for p in (tmp_path / "files").glob("*.parquet")}
    assert set(back) == set(files)
    assert len(back["posts"]) > 0
    for name, frame in files.items():
        if frame.empty:  # (an empty file loses its categories; the store keeps them)
            assert back[name].empty and list(back[name].columns) == list(frame.columns)
            continue
        keys = [c for c in (*KEYS.get(name, []), "source_file", "source_row") if c in frame]
        keys = keys or list(frame.columns)
        _same(frame, back[name], keys)
    assert (tmp_path / "store" / "cleaning_report.txt").is_file()


# --------------------------------------------------------------------------- helpers
def _posts(times, networks=None) -> pd.DataFrame:
    n = len(times)
    frame = schema.empty("posts")
    frame = pd.DataFrame({c: frame[c].reindex(range(n)) for c in frame.columns})
    frame["collectivite"] = pd.array(["toulouse"] * n, dtype="str")
    frame["account"] = pd.array(["tls"] * n, dtype="str")
    frame["network"] = pd.Categorical(networks or ["x"] * n, categories=schema.NETWORKS)
    frame["post_id"] = pd.array([f"p{i}" for i in range(n)], dtype="str")
    frame["published_at"] = pd.to_datetime(times).tz_localize("UTC").as_unit("us")
    frame["likes"] = pd.array(np.arange(n), dtype="Int64")
    return frame
