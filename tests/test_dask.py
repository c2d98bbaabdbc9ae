"""The Dask engine: same indicator tables as pandas, on any partitioning; Dask stays optional."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from importlib.util import find_spec

import numpy as np
import pandas as pd
import pytest

from engagement_lib.errors import SchemaError
from engagement_lib.indicators import compute, monthly_dashboard
from engagement_lib.simulate import simulate_panel
from engagement_lib.store import StoreError, write_store

HAS_DASK = find_spec("dask") is not None
needs_dask = pytest.mark.skipif(
    not HAS_DASK, reason="dask not installed (CI: pip install -e '.[dev,scale]')"
)
pytestmark = pytest.mark.filterwarnings(
    "ignore:The inplace keyword in DataFrame.reset_index:Warning"  # inside dask's parquet reader
)
SOURCES = ("posts", "followers", "conversations")


@pytest.fixture(scope="module")
def panel():
    """The simulated panel of the five collectivités, 8 months (seed 20190304)."""
    return simulate_panel(seed=20190304, start="2018-01-01", end="2018-08-31")


@pytest.fixture(scope="module")
def tables(panel):
    return {t: getattr(panel, t) for t in SOURCES}


@pytest.fixture(scope="module")
def store(tables, tmp_path_factory):
    path = tmp_path_factory.mktemp("store")
    write_store(tables, path)
    return path


def _lazy(tables, npartitions=4, *, seed=None):
    import dask.dataframe as dd

    out = {}
    for name, frame in tables.items():
        if seed is not None:  # any row order, any partitioning
            frame = frame.sample(frac=1.0, random_state=seed)
        out[name] = dd.from_pandas(frame, npartitions=npartitions, sort=False)
    return out


def _equal(a: pd.DataFrame, b: pd.DataFrame) -> None:
    assert len(a) > 0
    pd.testing.assert_frame_equal(a, b, check_exact=False, rtol=1e-9, atol=1e-12)


# --------------------------------------------------------------------------- equality
@needs_dask
@pytest.mark.parametrize(
    "options",
    [
        {},  # every indicator, per collectivité x network x Paris month
        {"by": ("account",), "freq": "W-MON", "start": "2018-03-15", "end": "2018-06-10"},
        {"by": ("collectivite",), "freq": "QS", "aggregation": "mean_of_ratios",
         "follower_basis": "mean", "include_saves": True, "include_clicks": True,
         "population": "article", "min_posts": 3},
        {"by": (), "freq": None},
    ],
    ids=["monthly", "weekly-accounts", "quarterly-options", "whole-period"],
)
def test_dask_equals_pandas_on_the_simulated_panel(tables, options):
    expected = compute(tables, n_boot=0, **options)
    got = compute(_lazy(tables, 5), n_boot=0, **options)
    _equal(expected, got)
    # the table covers every family, including the median and follower-based ones
    assert {"median_response_time", "follower_growth_rate", "media_mix:photo"} <= set(
        got["indicator"].str.replace(r":(?!photo).*", "", regex=True)
    ) or options.get("by") == ("account",)


@needs_dask
@pytest.mark.slow
def test_partitioning_and_row_order_do_not_matter(tables):
    expected = compute(tables, n_boot=0)
    for npartitions, seed in ((1, None), (13, 1)):
        _equal(expected, compute(_lazy(tables, npartitions, seed=seed), n_boot=0))


@needs_dask
@pytest.mark.slow
def test_store_path_with_each_engine(tables, store):
    expected = compute(tables, n_boot=0)
    _equal(expected, compute(str(store), engine="dask", n_boot=0))
    _equal(expected, compute(store, engine="pandas", n_boot=0))
    _equal(expected, compute(store, n_boot=0))  # a path defaults to pandas


@needs_dask
@pytest.mark.slow
def test_monthly_dashboard_through_dask_keeps_the_intervals(tables, store):
    from engagement_lib.store import read_store

    kwargs = {"collectivite": "toulouse", "month": "2018-06", "n_boot": 200, "random_state": 3}
    expected = monthly_dashboard(tables, **kwargs)
    for data, engine in ((store, "dask"), (read_store(store, "dask"), None)):
        got = monthly_dashboard(data, engine=engine, **kwargs)
        pd.testing.assert_frame_equal(expected.tidy, got.tidy)
        pd.testing.assert_frame_equal(expected.table, got.table)
    assert expected.tidy["ci_low"].notna().any()


@needs_dask
def test_dask_median_is_exact():
    """Medians are not decomposable: the Dask engine shuffles delays, never averages medians."""
    import dask.dataframe as dd

    rng = np.random.default_rng(5)
    n = 301
    received = pd.Timestamp("2018-05-02 08:00", tz="UTC") + pd.to_timedelta(
        rng.integers(0, 20 * 24 * 60, n), unit="min"
    )
    delays = pd.to_timedelta(np.round(rng.lognormal(1.0, 1.2, n) * 60), unit="min")
    conv = pd.DataFrame({
        "collectivite": pd.array(["toulouse"] * n, dtype="str"),
        "account": pd.array(["tls_fb"] * n, dtype="str"),
        "network": pd.Categorical(["facebook"] * n),
        "received_at": received.as_unit("us"),
        "replied_at": (received + delays).as_unit("us"),
    })
    # sorted by delay: each partition holds a different range, so a median of medians is wrong
    conv = conv.iloc[np.argsort(delays.to_numpy())].reset_index(drop=True)
    lazy = dd.from_pandas(conv, npartitions=4, sort=False)
    got = compute({"conversations": lazy}, ["median_response_time"], n_boot=0)
    exact = float(np.median(delays.total_seconds() / 3600))
    assert got["value"].tolist() == pytest.approx([exact], rel=1e-12)
    parts = [np.median((p["replied_at"] - p["received_at"]).dt.total_seconds() / 3600)
             for p in (lazy.partitions[i].compute() for i in range(lazy.npartitions))]
    assert not np.isclose(np.median(parts), exact)  # the shortcut would have been wrong


@needs_dask
def test_entity_outside_the_periods_counts_as_in_pandas(tables):
    """An account seen only before ``start`` still tells which networks a group uses."""
    posts = tables["posts"]
    x_old = posts[(posts["network"] == "x")].copy()
    x_old["published_at"] = x_old["published_at"] - pd.DateOffset(years=3)
    x_old["account"] = x_old["account"] + "_old"
    mixed = {**tables, "posts": pd.concat([posts, x_old], ignore_index=True)}
    options = {"by": ("collectivite",), "start": "2018-01-01", "n_boot": 0}
    _equal(compute(mixed, **options), compute(_lazy(mixed, 3), **options))


@needs_dask
def test_local_cluster_path(store, tables):
    pytest.importorskip("distributed", reason="the scale extra brings dask.distributed")
    from engagement_lib.store import local_cluster

    expected = compute(tables, ["posts", "engagement_rate_reach"], n_boot=0)
    with local_cluster(n_workers=1, threads_per_worker=2) as client:
        assert client.status == "running"
        got = compute(store, ["posts", "engagement_rate_reach"], engine="dask", n_boot=0)
    _equal(expected, got)


# --------------------------------------------------------------------------- errors
@needs_dask
def test_clear_errors(tables, store, tmp_path):
    lazy = _lazy(tables, 2)
    with pytest.raises(ValueError, match="n_boot=1000.*pass n_boot=0"):
        compute(lazy)
    with pytest.raises(ValueError, match="engine='spark'"):
        compute(tables, engine="spark")
    with pytest.raises(SchemaError, match="posts: missing column.*'published_at'"):
        compute({"posts": lazy["posts"].drop(columns="published_at")}, n_boot=0)
    with pytest.raises(StoreError, match="is not a store"):
        compute(str(tmp_path), engine="dask", n_boot=0)
    with pytest.raises(ValueError, match="by=.*'weekday'"):
        compute(lazy, by=("weekday",), n_boot=0)
    with pytest.raises(ValueError, match="'paris' not in the data; found: grand_est"):
        monthly_dashboard(store, collectivite="paris", engine="dask")


# --------------------------------------------------------------------------- optional dependency
def _run(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code],
                          capture_output=True, text=True, timeout=300)


_PANDAS_PATH = """
    from engagement_lib.indicators import compute, monthly_dashboard
    from engagement_lib.simulate import default_scenario, simulate_panel
    from engagement_lib.store import read_store, write_store
    sc = default_scenario().only(collectivites=["saint_dizier"])
    p = simulate_panel(sc, seed=1, start="2018-01-01", end="2018-03-31")
    tables = {"posts": p.posts, "followers": p.followers, "conversations": p.conversations}
    compute(tables, n_boot=20)
    write_store(tables, STORE)
    compute(STORE, n_boot=0)
    monthly_dashboard(read_store(STORE), collectivite="saint_dizier", n_boot=20)
    print("PANDAS PATH OK")
"""


def test_import_and_pandas_path_do_not_import_dask(tmp_path):
    """engagement_lib never imports Dask itself outside the Dask engine.

    (pandera, a dependency, probes for an installed Dask on its own; the
    tracer records who asks for Dask.)
    """
    res = _run(textwrap.dedent(f"""
        import builtins, sys
        asked = []
        _import = builtins.__import__
        def tracer(name, globals=None, locals=None, fromlist=(), level=0):
            caller = (globals or {{}}).get("__name__", "")
            if level == 0 and name.split(".")[0] in ("dask", "distributed") \\
                    and caller.startswith("engagement_lib"):
                asked.append(caller)
            return _import(name, globals, locals, fromlist, level)
        builtins.__import__ = tracer
        import engagement_lib, engagement_lib.indicators, engagement_lib.store
        import engagement_lib.simulate.scale
        print("AFTER IMPORT", sorted(m for m in sys.modules if m.split(".")[0] == "dask"))
        STORE = {str(tmp_path)!r}
    """) + textwrap.dedent(_PANDAS_PATH) + 'print("ASKED", asked)\n')
    assert res.returncode == 0, res.stderr[-2000:]
    assert "AFTER IMPORT []" in res.stdout
    assert "PANDAS PATH OK" in res.stdout
    assert "ASKED []" in res.stdout


def test_pandas_path_works_without_dask(tmp_path):
    res = _run(textwrap.dedent(f"""
        import sys
        class NoDask:  # as if Dask were not installed
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] in ("dask", "distributed"):
                    raise ModuleNotFoundError(f"No module named {{name!r}}")
        sys.meta_path.insert(0, NoDask())
        STORE = {str(tmp_path)!r}
    """) + textwrap.dedent(_PANDAS_PATH))
    assert res.returncode == 0, res.stderr[-2000:]
    assert "PANDAS PATH OK" in res.stdout


def test_missing_dask_names_the_extra(tmp_path):
    res = _run(textwrap.dedent(f"""
        import sys
        sys.modules["dask"] = None  # as if Dask were not installed
        sys.modules["dask.dataframe"] = None
        import pandas as pd
        from engagement_lib.indicators import compute
        from engagement_lib.store import write_store
        from engagement_lib.simulate import default_scenario, simulate_panel
        sc = default_scenario().only(collectivites=["saint_dizier"])
        p = simulate_panel(sc, seed=1, start="2018-01-01", end="2018-01-31")
        write_store({{"posts": p.posts}}, {str(tmp_path)!r})
        try:
            compute({str(tmp_path)!r}, engine="dask", n_boot=0)
        except ImportError as exc:
            print("ERROR", type(exc).__name__, exc)
    """))
    assert res.returncode == 0, res.stderr[-2000:]
    assert "ERROR MissingDependencyError" in res.stdout
    assert "pip install 'engagement-lib[scale]'" in res.stdout
