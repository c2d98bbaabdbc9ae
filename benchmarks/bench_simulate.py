"""Throughput of the simulator (posts per second) against a plain numpy anchor.

What is timed
-------------
* ``simulate_panel(scale=K)`` for the K that gives about ``--posts`` posts
  (default one million): the full model — followers, schedule, metrics,
  identifiers, French texts, audience, conversations, planted-effects file.
* The **anchor**: drawing the same number of negative-binomial variates with
  plain numpy (``Generator.negative_binomial``), the irreducible core of the
  per-post metrics. The ratio says how many "bare NB draws" the full model
  costs per post.
* The small panels other tests simulate (one or two accounts, posting_time
  off, 20 seeds): seconds per seed.

Peak memory: the tracemalloc peak of the anchor call, and for the simulator
the growth of the process's peak resident set size during the call
(tracemalloc would slow the pandas/pyarrow code it traces several-fold).

Usage::

    .venv/bin/python benchmarks/bench_simulate.py                 # 1,000,000 posts
    .venv/bin/python benchmarks/bench_simulate.py --posts 50000   # quick smoke run
"""

from __future__ import annotations

import argparse
import resource
import time
import tracemalloc

import numpy as np

from engagement_lib.simulate import default_scenario, simulate_panel


def _timed(fn):
    tracemalloc.start()
    t0 = time.perf_counter()
    out = fn()
    elapsed = time.perf_counter() - t0
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return out, elapsed, peak


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=1_000_000, help="target number of posts (default 1e6)")
    parser.add_argument("--seed", type=int, default=20190304)
    parser.add_argument("--small-seeds", type=int, default=20, help="seeds of the small-panel timing")
    args = parser.parse_args(argv)

    # posts per synthetic collectivité, measured on a short pilot run
    pilot = simulate_panel(seed=args.seed, scale=20)
    base = simulate_panel(seed=args.seed)
    per_extra = (len(pilot.posts) - len(base.posts)) / (len(pilot.scenario.collectivites) - 5)
    scale = max(1.0, (5 + max(args.posts - len(base.posts), 0) / per_extra) / 5)

    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    c0 = time.process_time()
    panel = simulate_panel(seed=args.seed, scale=scale)
    t_sim = time.perf_counter() - t0
    cpu_sim = time.process_time() - c0
    mem_sim = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss0) * 1024
    n = len(panel.posts)
    rng = np.random.default_rng(args.seed)
    _, t_anchor, mem_anchor = _timed(lambda: rng.negative_binomial(4.0, 0.02, size=n))

    small = default_scenario().only(accounts=["romans", "romans_ig"]).without("posting_time")
    t0 = time.perf_counter()
    for s in range(args.small_seeds):
        simulate_panel(small, seed=s)
    per_seed = (time.perf_counter() - t0) / args.small_seeds

    print(f"simulate_panel: {n:,} posts of {len(panel.scenario.collectivites):,} collectivités "
          f"({panel.posts['account'].nunique():,} accounts), scale {scale:.1f}")
    print(f"  time {t_sim:.2f} s wall ({cpu_sim:.2f} s CPU)  →  {n / t_sim:,.0f} posts/s"
          f"   peak RSS growth {mem_sim / 2**20:,.0f} MiB")
    print(f"  also written: {len(panel.followers):,} follower-days, {len(panel.audience):,} audience rows, "
          f"{len(panel.conversations):,} conversations")
    print(f"anchor (numpy negative_binomial, {n:,} draws): {t_anchor:.3f} s  →  {n / t_anchor:,.0f} draws/s"
          f"   peak memory {mem_anchor / 2**20:,.0f} MiB")
    print(f"ratio simulate / anchor: {t_sim / t_anchor:.1f}×")
    print(f"small panel (2 accounts, posting_time off): {per_seed:.3f} s per seed over {args.small_seeds} seeds")


if __name__ == "__main__":
    main()
