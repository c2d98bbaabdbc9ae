"""Benchmark: monthly indicators on Dask out of core vs DuckDB, and pandas vs Dask in memory.

Question: can the observatory (every French collectivité on social networks,
several years: tens of millions of posts) compute its monthly indicators on
one 2-core machine with the library's own definitions, and at what cost next
to a columnar SQL engine?

1. **Store.** ``--posts`` simulated posts (default 50 million: about 25,000
   collectivités over the default 38 months, ``simulate_panel(scale=K)``
   chunk by chunk, :func:`engagement_lib.simulate.scale.write_partitioned`)
   are written once into a partitioned Parquet store (network × Paris
   month) in a work folder outside the repository (``--work``, default
   ``$TMPDIR/engagement_bench_scale``); later runs reuse it.
2. **Dask vs DuckDB** on that store, each in a fresh subprocess whose peak
   RSS (process tree) is measured:

   * ``compute(store, INDICATORS, by=("collectivite",), engine="dask", n_boot=0)``
     per (collectivité, Paris month), networks pooled, inside
     ``engagement_lib.store.local_cluster`` (``--cluster``: ``threads`` = one
     worker, 2 threads, no processes — the default, see below; ``processes``
     = 2 worker processes × 1 thread);
   * one DuckDB SQL query (``SET threads=2``) computing the same values from
     the same Parquet files (same masks: a rate uses the posts reporting
     both its numerator and denominator; same Paris months).

   Both sides report checksums (per indicator: sum of the values, and the
   number of groups with posts), compared at the end.
3. **pandas vs Dask** on a store that fits in memory (``--memory-posts``,
   default 5 million): ``read_store`` + in-memory ``compute`` vs the Dask
   engine, same indicators, same checksums.

Why ``threads`` by default: on one machine a worker without processes keeps
the partitions in the process that reduces them — nothing is pickled between
workers and the scheduler, and the partial aggregates are combined in place —
while the per-partition work (numpy, pyarrow) releases the GIL. Two worker
processes each hold their own partitions and ship every partial aggregate to
the scheduler, for no speed gain on 2 cores (``--cluster processes`` measures
it).

Usage::

    .venv/bin/python benchmarks/bench_scale.py                  # 50M posts (long)
    .venv/bin/python benchmarks/bench_scale.py --quick          # smoke run, ~1 min
    .venv/bin/python benchmarks/bench_scale.py --posts 5000000 --memory-posts 1000000
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

#: Monthly indicators computed from the posts (the store holds the posts table only).
INDICATORS = [
    "posts",
    "total_reach",
    "total_impressions",
    "total_interactions",
    "engagement_rate_reach",
    "ctr",
]
#: One row per collectivité, Paris month and indicator, all its networks pooled: at 50
#: million posts ~25,000 collectivités x 38 months x 6 = 5.7 million result rows. (Per
#: collectivité *and network* the tidy table has 12.6 million rows; the in-memory final
#: step then needs ~4.3 GB, over the 4 GB target — see docs/scale.md.)
BY = ("collectivite",)
SEED = 20190304


# --------------------------------------------------------------------------- store
def ensure_store(work: Path, posts: int, seed: int) -> Path:
    """The posts store of about ``posts`` posts in ``work`` (generated once, then reused)."""
    from engagement_lib.simulate.scale import scale_for_posts, write_partitioned

    path = work / f"posts-{posts}-seed-{seed}"
    stamp = path / "bench.json"
    if stamp.exists():
        info = json.loads(stamp.read_text())
        print(f"store: reusing {path} ({info['rows']:,} posts, scale {info['scale']:.1f})")
        return path
    if path.exists():
        shutil.rmtree(path)
    scale = scale_for_posts(posts, seed=seed)
    print(f"store: simulating ~{posts:,} posts (scale {scale:.1f}) into {path} ...", flush=True)
    t0 = time.perf_counter()
    info = write_partitioned(path, scale=scale, seed=seed, tables=("posts",),
                             progress=posts >= 5_000_000)
    seconds = time.perf_counter() - t0
    stamp.write_text(json.dumps({"rows": info["rows"]["posts"], "scale": scale, "seed": seed,
                                 "chunks": info["chunks"], "seconds": seconds}))
    print(f"store: {info['rows']['posts']:,} posts in {info['chunks']} chunks, "
          f"{_du(path) / 1e9:.2f} GB on disk, {seconds:.0f} s")
    return path


def _du(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


# --------------------------------------------------------------------------- sides
def duckdb_sql(store: Path) -> str:
    """One query: the INDICATORS per (collectivité, Paris month), same masks."""
    inter = "(coalesce(likes, 0) + coalesce(comments, 0) + coalesce(shares, 0))"
    rep = "(likes IS NOT NULL OR comments IS NOT NULL OR shares IS NOT NULL)"

    def rate(num, den, mask, name):
        both = f"({mask})"
        return (f"100.0 * sum(CASE WHEN {both} THEN {num} END) "
                f"/ nullif(sum(CASE WHEN {both} THEN {den} END), 0) AS {name}")

    files = (store / "posts").as_posix() + "/**/*.parquet"
    return f"""
    WITH p AS (
        SELECT collectivite,
               date_trunc('month', timezone('Europe/Paris', published_at)) AS month,
               reach, impressions, likes, comments, shares, clicks
        FROM read_parquet('{files}', hive_partitioning = true)
    )
    SELECT collectivite, month,
        count(*) AS posts,
        sum(reach) AS total_reach,
        sum(impressions) AS total_impressions,
        sum(CASE WHEN {rep} THEN {inter} END) AS total_interactions,
        {rate(inter, "reach", f"{rep} AND reach IS NOT NULL", "engagement_rate_reach")},
        {rate("clicks", "impressions", "clicks IS NOT NULL AND impressions IS NOT NULL", "ctr")}
    FROM p
    GROUP BY collectivite, month
    """


def _checksums_long(res) -> dict:
    values = res.groupby("indicator", sort=True)["value"].sum()
    groups = int(((res["indicator"] == "posts") & (res["value"] > 0)).sum())
    return {"sums": {k: float(v) for k, v in values.items()}, "groups": groups, "rows": len(res)}


def _checksums_wide(res) -> dict:
    sums = {k: float(res[k].astype("float64").sum()) for k in INDICATORS}
    return {"sums": sums, "groups": len(res), "rows": len(res)}


def worker(side: str, store: Path, cluster: str) -> dict:
    """Run one side in this (fresh) process; return its timings and checksums."""
    t_import = time.perf_counter()
    if side == "duckdb":
        import duckdb

        t0 = time.perf_counter()
        con = duckdb.connect()
        con.execute("SET threads = 2")
        res = con.execute(duckdb_sql(store)).df()
        seconds = time.perf_counter() - t0
        return {"seconds": seconds, **_checksums_wide(res)}
    from engagement_lib.indicators import compute
    from engagement_lib.store import local_cluster, read_store

    if side == "pandas":
        t0 = time.perf_counter()
        cols = ["collectivite", "account", "network", "published_at", "reach", "impressions",
                "likes", "comments", "shares", "clicks"]
        tables = read_store(store, "pandas", tables=["posts"], columns={"posts": cols})
        t_read = time.perf_counter() - t0
        res = compute(tables, INDICATORS, by=BY, n_boot=0, validate=False)
        seconds = time.perf_counter() - t0
        return {"seconds": seconds, "read_seconds": t_read, "import_seconds": t0 - t_import,
                **_checksums_long(res)}
    options = {"threads": {"n_workers": 1, "threads_per_worker": 2, "processes": False},
               "processes": {"n_workers": 2, "threads_per_worker": 1, "processes": True}}
    with local_cluster(**options[cluster]):
        t0 = time.perf_counter()
        res = compute(str(store), INDICATORS, by=BY, engine="dask", n_boot=0, validate=False)
        seconds = time.perf_counter() - t0
    return {"seconds": seconds, **_checksums_long(res)}


def _hwm(pid: int) -> int:
    """Peak resident memory (VmHWM) of a process since it started its program, in bytes."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def run_side(side: str, store: Path, cluster: str = "threads") -> dict:
    """Run a side in a fresh subprocess; add its peak memory.

    ``peak_rss`` is the larger of the main process's own high-water mark
    (``VmHWM``, exact for one process — the threads cluster, DuckDB, pandas)
    and the largest sum of resident memory of the whole process tree seen by
    polling every 50 ms (worker processes of the ``processes`` cluster).
    ``ru_maxrss`` is not used: it would count the parent's memory inherited
    at fork time.
    """
    cmd = [sys.executable, __file__, "--worker", side, "--store", str(store),
           "--cluster", cluster]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = {"tree": 0, "hwm": 0}
    stop = threading.Event()

    def poll():
        try:
            import psutil
        except ImportError:
            psutil = None
        while not stop.is_set():
            peak["hwm"] = max(peak["hwm"], _hwm(proc.pid))
            if psutil is not None:
                try:
                    root = psutil.Process(proc.pid)
                    rss = sum(p.memory_info().rss for p in [root, *root.children(recursive=True)])
                    peak["tree"] = max(peak["tree"], rss)
                except psutil.Error:
                    pass
            time.sleep(0.05)

    watcher = threading.Thread(target=poll, daemon=True)
    watcher.start()
    out, err = proc.communicate()
    stop.set()
    watcher.join()
    if proc.returncode != 0:
        raise RuntimeError(f"{side} side failed ({proc.returncode}):\n{err[-3000:]}")
    result = json.loads(out.strip().splitlines()[-1])
    result["peak_rss"] = max(peak["tree"], peak["hwm"], result.pop("self_hwm", 0))
    return result


# --------------------------------------------------------------------------- report
def _gb(n: float) -> str:
    return f"{n / 1e9:.2f} GB"


def compare(a: dict, b: dict, names=("a", "b")) -> list[str]:
    """Checksum differences (relative 1e-9) between two sides; empty when they agree."""
    problems = []
    if a["groups"] != b["groups"]:
        problems.append(f"groups with posts: {names[0]} {a['groups']:,} vs {names[1]} {b['groups']:,}")
    for k in INDICATORS:
        x, y = a["sums"].get(k, math.nan), b["sums"].get(k, math.nan)
        if not math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-6):
            problems.append(f"{k}: Σ {names[0]} {x!r} vs {names[1]} {y!r}")
    return problems


def report(title: str, left: tuple[str, dict], right: tuple[str, dict]) -> list[str]:
    (ln, lr), (rn, rr) = left, right
    print(f"\n{title}")
    print(f"  {'side':<22}{'time':>10}{'peak RSS':>12}{'result rows':>14}")
    for name, res in (left, right):
        extra = f"  (read {res['read_seconds']:.1f} s)" if "read_seconds" in res else ""
        print(f"  {name:<22}{res['seconds']:>9.1f}s{_gb(res['peak_rss']):>12}"
              f"{res['rows']:>14,}{extra}")
    print(f"  ratio {ln} / {rn}: {lr['seconds'] / rr['seconds']:.2f}")
    problems = compare(lr, rr, (ln, rn))
    print("  same values: " + ("yes (checksums of every indicator agree)" if not problems
                               else "NO\n    " + "\n    ".join(problems)))
    return problems


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=50_000_000,
                        help="posts of the out-of-core store (default 50,000,000)")
    parser.add_argument("--memory-posts", type=int, default=5_000_000,
                        help="posts of the in-memory pandas vs Dask comparison (default 5,000,000)")
    parser.add_argument("--quick", action="store_true",
                        help="smoke run: 300,000 and 100,000 posts in a temporary folder")
    parser.add_argument("--work", default=os.path.join(tempfile.gettempdir(),
                                                       "engagement_bench_scale"),
                        help="folder of the generated stores (outside the repository)")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--cluster", choices=("threads", "processes"), default="threads",
                        help="Dask LocalCluster: one worker with 2 threads (default) or 2 "
                             "worker processes")
    parser.add_argument("--generate-only", action="store_true", help="write the stores and stop")
    parser.add_argument("--skip-memory", action="store_true",
                        help="skip the pandas vs Dask comparison")
    parser.add_argument("--worker", choices=("dask", "duckdb", "pandas"), help=argparse.SUPPRESS)
    parser.add_argument("--store", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        result = worker(args.worker, Path(args.store), args.cluster)
        result["self_hwm"] = _hwm(os.getpid())  # read last: the exact peak of this process
        print(json.dumps(result))
        return 0

    temp = None
    if args.quick:
        args.posts, args.memory_posts = 300_000, 100_000
        temp = tempfile.mkdtemp(prefix="bench_scale_")
        args.work = temp
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    try:
        big = ensure_store(work, args.posts, args.seed)
        small = None if args.skip_memory else ensure_store(work, args.memory_posts, args.seed)
        if args.generate_only:
            return 0
        import dask
        import duckdb

        import engagement_lib

        print(f"\nengagement_lib {engagement_lib.__version__}, dask {dask.__version__}, "
              f"duckdb {duckdb.__version__}, {os.cpu_count()} cores; indicators per "
              f"{' x '.join(BY)} x Paris month: {', '.join(INDICATORS)}")
        rows = json.loads((big / "bench.json").read_text())["rows"]
        dk = run_side("dask", big, args.cluster)
        db = run_side("duckdb", big)
        problems = report(f"{rows:,} posts, out of core (store {_gb(_du(big))} on disk)",
                          (f"Dask ({args.cluster})", dk), ("DuckDB (2 threads)", db))
        if small is not None:
            rows_s = json.loads((small / "bench.json").read_text())["rows"]
            pd_side = run_side("pandas", small)
            dk_s = run_side("dask", small, args.cluster)
            problems += report(f"{rows_s:,} posts, in memory", ("pandas", pd_side),
                               (f"Dask ({args.cluster})", dk_s))
        limit = 4e9
        print(f"\npeak memory of the Dask side at {rows:,} posts: {_gb(dk['peak_rss'])} "
              f"({'under' if dk['peak_rss'] < limit else 'OVER'} the 4 GB target)")
        return 1 if problems or dk["peak_rss"] >= limit else 0
    finally:
        if temp:
            shutil.rmtree(temp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
