"""Benchmark: engagement-profile clustering of many posts (MiniBatchKMeans path).

Times and peak memory of

* **engagement_lib** — ``EngagementClusters(method="minibatch", n_clusters=K)``
  fitted on a posts DataFrame: per-account features (rates, level and mix,
  robust normalisation), ``StandardScaler``, neutral imputation, ``MiniBatchKMeans``;

against two named anchors run in the same process on the same data:

* **anchor A: sklearn KMeans** — plain ``sklearn.cluster.KMeans`` (Lloyd,
  ``n_init=1``) on the same standardised matrix (the cost the mini-batch path saves);
* **anchor B: MiniBatchKMeans, raw** — ``MiniBatchKMeans`` on the raw count
  matrix (missing → 0), without the feature pipeline (the pipeline's overhead).

The posts are synthetic: ``--accounts`` accounts spread over five networks,
negative-binomial counts with a shared per-post level, and the metrics each
network does not report left missing, as in the canonical posts table.

Timing runs without tracing; peak memory is measured in a second run of each
phase with :mod:`tracemalloc` (Python and NumPy allocations; memory allocated
inside compiled OpenMP code is not seen), unless ``--no-memory``.

``MiniBatchKMeans`` makes one OpenMP parallel region per mini-batch: on a
machine whose cores are busy with other work, each region waits for its
threads and the mini-batch path can become slower than Lloyd's algorithm;
``--threads 1`` shows the single-thread cost (the load average is printed).

Usage::

    .venv/bin/python benchmarks/bench_clusters.py               # 1,000,000 posts
    .venv/bin/python benchmarks/bench_clusters.py --threads 1   # one thread per phase
    .venv/bin/python benchmarks/bench_clusters.py --posts 20000  # smoke run
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import resource
import time
import tracemalloc

import numpy as np
import pandas as pd
import sklearn
from sklearn.cluster import KMeans, MiniBatchKMeans
from threadpoolctl import threadpool_limits

from engagement_lib.analysis.clusters import EngagementClusters

NETWORKS = {  # network: metrics NOT reported
    "facebook": ["saves", "views"],
    "instagram": ["shares", "clicks"],
    "x": ["saves"],
    "linkedin": ["saves", "views"],
    "youtube": ["saves", "clicks"],
}
RATES = {"likes": 0.03, "comments": 0.004, "shares": 0.003, "saves": 0.002, "clicks": 0.01, "views": 0.5}


def make_posts(n_posts: int, n_accounts: int, seed: int) -> pd.DataFrame:
    """Synthetic canonical-like posts with heavy tails and per-network missing metrics."""
    rng = np.random.default_rng(seed)
    networks = np.array(list(NETWORKS))
    account_network = networks[np.arange(n_accounts) % len(networks)]
    account_size = np.exp(rng.uniform(np.log(500), np.log(500_000), n_accounts))
    account = rng.integers(0, n_accounts, n_posts)
    reach = np.maximum(1, account_size[account] * rng.lognormal(-1.0, 0.7, n_posts)).round()
    level = rng.lognormal(0.0, 1.0, n_posts)
    posts = {
        "account": np.char.add("acc", account.astype(str)),
        "network": account_network[account],
        "reach": pd.array(reach.astype(np.int64), dtype="Int64"),
    }
    for metric, rate in RATES.items():
        kind = rng.lognormal(0.0, 0.4, n_posts)  # content-type mix
        mean = reach * rate * level * kind
        counts = rng.negative_binomial(4, 4 / (4 + mean))
        col = pd.array(counts, dtype="Int64")
        missing = np.isin(posts["network"], [n for n, m in NETWORKS.items() if metric in m])
        col[missing] = pd.NA
        posts[metric] = col
    return pd.DataFrame(posts)


def measure(fn, memory: bool):
    """(seconds, peak MiB or None, result) of fn()."""
    gc.collect()
    start = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - start
    peak = None
    if memory:
        del result
        gc.collect()
        tracemalloc.start()
        result = fn()
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    return seconds, peak, result


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=1_000_000, help="number of posts (default 1e6)")
    parser.add_argument("--accounts", type=int, default=250, help="number of accounts")
    parser.add_argument("--k", type=int, default=6, help="number of clusters")
    parser.add_argument("--seed", type=int, default=20190304)
    parser.add_argument("--no-memory", action="store_true", help="skip the tracemalloc runs")
    parser.add_argument(
        "--threads", type=int, default=None,
        help="limit the OpenMP/BLAS threads of every phase (threadpoolctl); default: library default",
    )
    args = parser.parse_args(argv)
    with threadpool_limits(limits=args.threads):
        _run(args)


def _run(args) -> None:
    memory = not args.no_memory

    print(
        f"python {platform.python_version()}, numpy {np.__version__}, pandas {pd.__version__}, "
        f"scikit-learn {sklearn.__version__}"
    )
    t0 = time.perf_counter()
    posts = make_posts(args.posts, args.accounts, args.seed)
    print(f"{len(posts):,} posts, {args.accounts} accounts, k = {args.k} "
          f"(data generated in {time.perf_counter() - t0:.1f} s); threads: "
          f"{args.threads or 'library default'}; load average {os.getloadavg()[0]:.1f}")

    def ours():
        return EngagementClusters(
            n_clusters=args.k, method="minibatch", n_init=1, random_state=0
        ).fit(posts)

    t_ours, m_ours, model = measure(ours, memory)
    Z = model.clusterer_.transform_standardised(model.features_.transform(posts))
    raw = posts[list(RATES)].astype("float64").fillna(0.0).to_numpy()

    def anchor_kmeans():
        return KMeans(args.k, n_init=1, random_state=0).fit(Z)

    def anchor_raw():
        return MiniBatchKMeans(args.k, n_init=1, batch_size=4096, random_state=0).fit(raw)

    t_a, m_a, _ = measure(anchor_kmeans, memory)
    t_b, m_b, _ = measure(anchor_raw, memory)

    def mem(v):
        return "   (not measured)" if v is None else f"{v:10.1f} MiB"

    print()
    print(f"{'phase':52s} {'time':>9s}   {'peak memory':>14s}")
    print(f"{'engagement_lib EngagementClusters (minibatch)':52s} {t_ours:8.2f}s   {mem(m_ours)}")
    print(f"{'anchor A: sklearn KMeans on the standardised matrix':52s} {t_a:8.2f}s   {mem(m_a)}")
    print(f"{'anchor B: MiniBatchKMeans on the raw counts':52s} {t_b:8.2f}s   {mem(m_b)}")
    print()
    print(f"ratio engagement_lib / anchor A (KMeans): {t_ours / t_a:6.2f}x time")
    print(f"ratio engagement_lib / anchor B (raw MiniBatchKMeans): {t_ours / t_b:6.2f}x time")
    if memory:
        print(f"ratio engagement_lib / anchor A: {m_ours / m_a:6.2f}x peak memory")
        print(f"ratio engagement_lib / anchor B: {m_ours / m_b:6.2f}x peak memory")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"process peak RSS (all phases and the data): {rss:.0f} MiB")


if __name__ == "__main__":
    main()
