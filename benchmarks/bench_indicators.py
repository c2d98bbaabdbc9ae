"""Benchmark: the monthly indicator table vs the same aggregation in DuckDB.

A canonical panel is simulated at scale with numpy (default: 10 million posts
of 5,000 collectivités over 12 months, ~15,000 accounts on five networks,
each network leaving out the metrics its exports lack, plus one follower
count per account and day). Then, in the same run and on the same pandas
frames:

* ``engagement_lib.indicators.compute`` — every post and audience indicator
  per (collectivité, network, Europe/Paris month), without intervals
  (``n_boot=0``), as the validated tidy long table;
* one DuckDB SQL query (``SET threads=2``) computing the same values — the
  same paired sums (a rate uses only posts reporting both its numerator and
  denominator), follower counts at month end summed over accounts, Paris
  months — unpivoted to the same long layout and fetched as a DataFrame.

It prints both wall times, their ratio (target ≤ 1.0) and the peak memory
of each call above the process baseline, relative to the input frames
(target: input + peak < 3 × input), then checks that both give the same
numbers.

Usage::

    .venv/bin/python benchmarks/bench_indicators.py            # 10M posts
    .venv/bin/python benchmarks/bench_indicators.py --posts 200000   # smoke run
"""

from __future__ import annotations

import argparse
import ctypes
import gc
import os
import threading
import time

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from engagement_lib.indicators import compute, resolve
from engagement_lib.schema import MEDIA_TYPES, NETWORKS

NETS = ["facebook", "instagram", "x", "linkedin", "youtube"]
NET_P = [0.35, 0.25, 0.25, 0.10, 0.05]
#: metrics each network's exports lack (missing on all its posts)
NOT_REPORTED = {
    "facebook": {"saves"},
    "instagram": {"shares", "clicks"},
    "x": {"reach", "saves"},
    "linkedin": {"reach", "saves"},
    "youtube": {"reach", "shares", "clicks", "saves"},
}
MEDIA = ["photo", "video", "link", "text", "album"]
METRICS = ["likes", "comments", "shares", "saves", "clicks", "reach", "impressions", "views"]
INDICATORS = [i.id for i in resolve() if i.family != "responsiveness"]


# --------------------------------------------------------------------------- data
def simulate(n_posts: int, n_coll: int, months: int, seed: int):
    """Canonical posts and followers frames (numpy-generated, schema dtypes)."""
    rng = np.random.default_rng(seed)
    n_acc = 3 * n_coll
    acc_coll = np.repeat(np.arange(n_coll), 3)
    acc_net = rng.choice(len(NETS), n_acc, p=NET_P)
    weights = rng.lognormal(0.0, 1.0, n_acc)
    counts = rng.multinomial(n_posts, weights / weights.sum())
    acc = np.repeat(np.arange(n_acc), counts)  # exports come per account...
    t0 = pd.Timestamp("2018-01-01", tz="Europe/Paris").tz_convert("UTC").value // 1000
    t1 = pd.Timestamp(f"{2018 + months // 12}-{months % 12 + 1:02d}-01", tz="Europe/Paris")
    span = t1.tz_convert("UTC").value // 1000 - t0
    when = np.sort(acc * float(span) + rng.random(n_posts) * span)  # ...chronologically
    published = t0 + (when - acc * float(span)).astype(np.int64)
    net = acc_net[acc]
    coll_names = np.array([f"coll_{i:05d}" for i in range(n_coll)], dtype=object)
    acc_names = np.array([f"acc_{i:05d}" for i in range(n_acc)], dtype=object)
    media = rng.choice(len(MEDIA), n_posts, p=[0.4, 0.15, 0.2, 0.15, 0.1])
    size = rng.lognormal(0.0, 1.0, n_acc)[acc]
    posts = {
        "collectivite": _str(coll_names, acc_coll[acc]),
        "account": _str(acc_names, acc),
        "network": pd.Categorical.from_codes(
            np.array([NETWORKS.index(n) for n in NETS])[net], categories=NETWORKS
        ),
        "post_id": _str(np.array([str(i) for i in range(n_posts)], dtype=object), None),
        "published_at": pd.to_datetime(published, unit="us", utc=True),
        "media_type": pd.Categorical.from_codes(
            np.array([MEDIA_TYPES.index(m) for m in MEDIA])[media], categories=MEDIA_TYPES
        ),
    }
    reach = rng.negative_binomial(1, 1 / (1 + 800 * size))
    means = {"likes": 0.02, "comments": 0.002, "shares": 0.004, "saves": 0.003, "clicks": 0.01}
    for m in METRICS:
        if m == "reach":
            values = reach
        elif m == "impressions":
            values = reach + rng.poisson(0.4 * reach + 1)
        elif m == "views":
            values = rng.binomial(reach + 1, 0.3)
        else:
            values = rng.binomial(reach, means[m])
        missing = np.zeros(n_posts, dtype=bool)
        for k, name in enumerate(NETS):
            if m in NOT_REPORTED[name]:
                missing |= net == k
        if m == "views":
            missing |= media != MEDIA.index("video")
        missing |= rng.random(n_posts) < 0.002  # a few cells lost in exports
        posts[m] = pd.arrays.IntegerArray(values.astype(np.int64), missing)
    posts = pd.DataFrame(posts)

    days = pd.date_range("2018-01-01", t1.tz_localize(None), freq="D", inclusive="left")
    n_days = len(days)
    start = rng.integers(100, 50_000, n_acc)
    growth = rng.normal(3.0, 2.0, (n_acc, n_days)).clip(0).cumsum(axis=1).astype(np.int64)
    day_utc = days.tz_localize("Europe/Paris").tz_convert("UTC").as_unit("us").asi8
    followers = pd.DataFrame(
        {
            "collectivite": _str(coll_names, np.repeat(acc_coll, n_days)),
            "account": _str(acc_names, np.repeat(np.arange(n_acc), n_days)),
            "network": pd.Categorical.from_codes(
                np.repeat(np.array([NETWORKS.index(n) for n in NETS])[acc_net], n_days),
                categories=NETWORKS,
            ),
            "date": pd.to_datetime(np.tile(day_utc, n_acc), unit="us", utc=True),
            "followers": pd.array((start[:, None] + growth).ravel(), dtype="Int64"),
        }
    )
    collectivites = pd.DataFrame(
        {"id": coll_names.astype(str), "population": rng.integers(1_000, 500_000, n_coll)}
    )
    return posts, followers, collectivites


def from_simulator(scale: float, months: int, seed: int):
    """The library's own simulator at scale (posts and followers of ``months`` months)."""
    from engagement_lib.datasets import load_dataset
    from engagement_lib.simulate import simulate_panel

    end = pd.Timestamp("2018-01-01") + pd.DateOffset(months=months) - pd.Timedelta(days=1)
    panel = simulate_panel(scale=scale, seed=seed, start="2018-01-01", end=f"{end:%Y-%m-%d}")
    known = load_dataset("collectivites")[["id", "population"]]
    ids = panel.posts["collectivite"].unique()
    rng = np.random.default_rng(seed)
    synthetic = pd.DataFrame({"id": ids, "population": rng.integers(1_000, 500_000, len(ids))})
    collectivites = pd.concat([known, synthetic[~synthetic["id"].isin(known["id"])]])
    return panel.posts, panel.followers, collectivites


def _str(values, codes):
    arr = pa.array(values.tolist(), type=pa.string())
    if codes is not None:
        arr = arr.take(pa.array(codes))
    return pd.array(arr.to_pandas(), dtype="str")


# --------------------------------------------------------------------------- duckdb
def duckdb_sql() -> str:
    """One query: per account-month sums → join follower counts → per collectivité × network."""
    # interactions: sum of the reported components, defined when at least one is reported
    inter = "(coalesce(likes,0) + coalesce(comments,0) + coalesce(shares,0))"
    rep = "(likes IS NOT NULL OR comments IS NOT NULL OR shares IS NOT NULL)"

    def paired(num, den, nmask, dmask, name):
        both = f"({nmask} AND {dmask})"
        return [
            f"sum(CASE WHEN {both} THEN {num} END) AS {name}_num",
            f"sum(CASE WHEN {both} THEN {den} END) AS {name}_den",
            f"count_if({both}) AS {name}_n",
        ]

    nn = lambda m: f"{m} IS NOT NULL"  # noqa: E731
    video = "media_type IN ('video', 'reel', 'live')"
    per_acc = [
        "count(*) AS posts",
        *[f"sum({m}) AS s_{m}" for m in METRICS],
        *[f"count({m}) AS c_{m}" for m in METRICS],
        *[f"count_if({m} >= 1) AS g_{m}" for m in ("likes", "comments", "shares")],
        f"sum(CASE WHEN {rep} THEN {inter} END) AS s_a",
        f"count_if({rep}) AS c_a",
        *paired(inter, "reach", rep, nn("reach"), "err"),
        *paired(inter, "impressions", rep, nn("impressions"), "eri"),
        *paired("clicks", "impressions", nn("clicks"), nn("impressions"), "ctr"),
        f"sum(CASE WHEN {video} AND views IS NOT NULL AND impressions IS NOT NULL "
        "THEN views END) AS vvr_num",
        f"sum(CASE WHEN {video} AND views IS NOT NULL AND impressions IS NOT NULL "
        "THEN impressions END) AS vvr_den",
        f"count_if({video} AND views IS NOT NULL AND impressions IS NOT NULL) AS vvr_n",
        f"count_if({video}) AS n_video",
        f"sum(CASE WHEN {video} THEN views END) AS s_vviews",
        f"count_if({video} AND views IS NOT NULL) AS c_vviews",
        *[f"count_if(media_type = '{m}') AS m_{m}" for m in MEDIA],
    ]
    month = "date_trunc('month', timezone('Europe/Paris', {col}))"
    sums = ", ".join(
        f"sum({c}) AS {c}"
        for c in ["posts"]
        + [f"s_{m}" for m in METRICS]
        + [f"c_{m}" for m in METRICS]
        + ["g_likes", "g_comments", "g_shares", "s_a", "c_a"]
        + [f"{r}_{k}" for r in ("err", "eri", "ctr", "vvr") for k in ("num", "den", "n")]
        + ["n_video", "s_vviews", "c_vviews"]
        + [f"m_{m}" for m in MEDIA]
    )
    fol = [
        # follower-weighted sums: Σ over accounts with a month-end count
        "sum(CASE WHEN f_end > 0 THEN s_a END) AS erf_num",
        "sum(CASE WHEN f_end > 0 THEN c_a * f_end END) AS erf_den",
        "sum(CASE WHEN f_end > 0 THEN c_a END) AS erf_n",
        *[
            f"sum(CASE WHEN f_end > 0 THEN s_{m} END) AS {m}_f_num, "
            f"sum(CASE WHEN f_end > 0 THEN c_{m} * f_end END) AS {m}_f_den, "
            f"sum(CASE WHEN f_end > 0 THEN c_{m} END) AS {m}_f_n"
            for m in ("likes", "comments", "shares", "reach")
        ],
        "sum(f_end) AS followers",
        "sum(CASE WHEN f_start IS NOT NULL THEN f_end END) AS f_end_both",
        "sum(f_start) AS f_start_both",
        "sum(f_rows) AS f_rows",
        "max(population) AS population",
    ]
    pct = lambda num, den: f"100.0 * ({num}) / nullif({den}, 0)"  # noqa: E731
    ratio = lambda num, den: f"1.0 * ({num}) / nullif({den}, 0)"  # noqa: E731
    values = {
        "followers": ("followers", "f_rows"),
        "net_follower_growth": ("f_end_both - f_start_both", "f_rows"),
        "follower_growth_rate": (pct("f_end_both - f_start_both", "f_start_both"), "f_rows"),
        "followers_per_1000_inhabitants": ("1000.0 * followers / population", "f_rows"),
        "posts": ("coalesce(posts, 0)", "coalesce(posts, 0)"),
        "posts_per_week": ("coalesce(posts, 0) / (days / 7.0)", "coalesce(posts, 0)"),
        **{f"media_mix:{m}": (pct(f"m_{m}", "posts"), "posts") for m in MEDIA},
        "total_reach": ("s_reach", "c_reach"),
        "total_impressions": ("s_impressions", "c_impressions"),
        "reach_per_post": (ratio("s_reach", "c_reach"), "c_reach"),
        "reach_rate": (pct("reach_f_num", "reach_f_den"), "reach_f_n"),
        "impressions_per_post": (ratio("s_impressions", "c_impressions"), "c_impressions"),
        "total_video_views": ("s_vviews", "c_vviews"),
        "total_interactions": ("s_a", "c_a"),
        "total_likes": ("s_likes", "c_likes"),
        "total_comments": ("s_comments", "c_comments"),
        "total_shares": ("s_shares", "c_shares"),
        "total_clicks": ("s_clicks", "c_clicks"),
        "engagement_rate_reach": (pct("err_num", "err_den"), "err_n"),
        "engagement_rate_impressions": (pct("eri_num", "eri_den"), "eri_n"),
        "engagement_rate_followers": (pct("erf_num", "erf_den"), "erf_n"),
        "applause_rate": (pct("likes_f_num", "likes_f_den"), "likes_f_n"),
        "conversation_rate": (pct("comments_f_num", "comments_f_den"), "comments_f_n"),
        "amplification_rate": (pct("shares_f_num", "shares_f_den"), "shares_f_n"),
        "ctr": (pct("ctr_num", "ctr_den"), "ctr_n"),
        "video_view_rate": (pct("vvr_num", "vvr_den"), "vvr_n"),
        "bonson_p1": (pct("g_likes", "c_likes"), "c_likes"),
        "bonson_p2": (ratio("s_likes", "c_likes"), "c_likes"),
        "bonson_p3": ("1000.0 * likes_f_num / nullif(likes_f_den, 0)", "likes_f_n"),
        "bonson_c1": (pct("g_comments", "c_comments"), "c_comments"),
        "bonson_c2": (ratio("s_comments", "c_comments"), "c_comments"),
        "bonson_c3": ("1000.0 * comments_f_num / nullif(comments_f_den, 0)", "comments_f_n"),
        "bonson_v1": (pct("g_shares", "c_shares"), "c_shares"),
        "bonson_v2": (ratio("s_shares", "c_shares"), "c_shares"),
        "bonson_v3": ("1000.0 * shares_f_num / nullif(shares_f_den, 0)", "shares_f_n"),
        "bonson_e": (
            "1000.0 * (likes_f_num / nullif(likes_f_den, 0) + comments_f_num / "
            "nullif(comments_f_den, 0) + shares_f_num / nullif(shares_f_den, 0))",
            "least(likes_f_n, comments_f_n, shares_f_n)",
        ),
    }
    structs = ",\n        ".join(
        f"{{'indicator': '{k}', 'value': CAST({v} AS DOUBLE), 'n': CAST({n} AS BIGINT)}}"
        for k, (v, n) in values.items()
    )
    return f"""
WITH p AS (
    SELECT collectivite, account, network, {month.format(col="published_at")} AS period,
           {", ".join(per_acc)}
    FROM posts GROUP BY ALL
), f_day AS (
    SELECT collectivite, account, network, {month.format(col="date")} AS period,
           arg_max(followers, date) AS f_end, count(*) AS f_rows
    FROM followers WHERE followers IS NOT NULL GROUP BY ALL
), f AS (
    SELECT *, CASE WHEN lag(period) OVER w = period - INTERVAL 1 MONTH
                   THEN lag(f_end) OVER w END AS f_start
    FROM f_day
    WINDOW w AS (PARTITION BY collectivite, account, network ORDER BY period)
), acc AS (
    SELECT coalesce(p.collectivite, f.collectivite) AS collectivite,
           coalesce(p.network, f.network) AS network,
           coalesce(p.period, f.period) AS period, p.* EXCLUDE (collectivite, network, period),
           f.f_end, f.f_start, f.f_rows, c.population
    FROM p FULL JOIN f USING (collectivite, account, network, period)
    LEFT JOIN collectivites c ON c.id = coalesce(p.collectivite, f.collectivite)
), g AS (
    SELECT collectivite, network, period, {sums}, {", ".join(fol)},
           date_diff('day', period, period + INTERVAL 1 MONTH) AS days
    FROM acc GROUP BY collectivite, network, period
)
SELECT collectivite, network, timezone('UTC', timezone('Europe/Paris', period)) AS period,
       u.indicator, u.value, u.n
FROM g, LATERAL (SELECT unnest([
        {structs}
    ], recursive := true)) AS u
ORDER BY collectivite, network, period
"""


def run_duckdb(posts, followers, collectivites):
    con = duckdb.connect()
    con.execute("SET threads=2")
    con.register("posts", posts)
    con.register("followers", followers)
    con.register("collectivites", collectivites)
    return con.execute(duckdb_sql()).df()


def run_ours(posts, followers, collectivites):
    return compute(
        posts,
        INDICATORS,
        followers=followers,
        collectivites=collectivites,
        n_boot=0,
    )


# --------------------------------------------------------------------------- measure
def _rss() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _release():
    gc.collect()
    pa.default_memory_pool().release_unused()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except OSError:  # not glibc
        pass


def measure(fn, *args):
    """Wall time, CPU time (all threads) and peak RSS above the baseline (sampled every 2 ms)."""
    _release()
    base = _rss()
    peak = [base]
    done = threading.Event()

    def sample():
        while not done.is_set():
            peak[0] = max(peak[0], _rss())
            time.sleep(0.002)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    t0, c0 = time.perf_counter(), time.process_time()
    result = fn(*args)
    elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
    done.set()
    thread.join()
    peak[0] = max(peak[0], _rss())
    return result, elapsed, cpu, peak[0] - base


def compare(ours: pd.DataFrame, duck: pd.DataFrame) -> str:
    """Check that both engines give the same values and counts."""
    ours = ours[ours["indicator"].isin(duck["indicator"].unique())]
    key = ["collectivite", "network", "period", "indicator"]
    duck = duck.assign(
        period=pd.to_datetime(duck["period"]).dt.tz_localize("UTC")
        if duck["period"].dt.tz is None
        else duck["period"].dt.tz_convert("UTC")
    )
    merged = ours.merge(duck, on=key, how="left", suffixes=("", "_duck"), indicator=True)
    missing = int((merged["_merge"] != "both").sum())
    ok = merged["status"].isin(["ok", "small sample"])
    a, b = merged.loc[ok, "value"].to_numpy(), merged.loc[ok, "value_duck"].to_numpy(float)
    close = np.isclose(a, b, rtol=1e-9, atol=1e-9, equal_nan=True)
    same_n = (merged.loc[ok, "n"].to_numpy() == merged.loc[ok, "n_duck"].to_numpy()).mean()
    text = (
        f"rows compared: {len(merged):,} ({ok.sum():,} with a value); "
        f"absent from DuckDB: {missing}; values equal: {close.mean():.4%}; counts equal: "
        f"{same_n:.4%}"
    )
    if missing or not close.all() or same_n < 1:
        bad = merged.loc[ok].loc[~close, key + ["value", "value_duck", "n", "n_duck"]]
        raise AssertionError(text + "\n" + bad.head(10).to_string())
    return text


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=10_000_000, help="number of posts")
    parser.add_argument("--collectivites", type=int, default=5_000)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--seed", type=int, default=20190304)
    parser.add_argument("--repeat", type=int, default=1, help="runs of each engine (best kept)")
    parser.add_argument(
        "--source",
        choices=["numpy", "simulate"],
        default="numpy",
        help="numpy: fast direct generator (default); simulate: "
        "engagement_lib.simulate.simulate_panel(scale=...) — realistic but slow at 10M posts",
    )
    parser.add_argument(
        "--scale",
        type=float,
        default=1000.0,
        help="with --source simulate: collectivités × scale (1000 ≈ 5,000)",
    )
    args = parser.parse_args(argv)
    n_coll = min(args.collectivites, max(1, args.posts // 20))

    t0 = time.perf_counter()
    if args.source == "simulate":
        posts, followers, collectivites = from_simulator(args.scale, args.months, args.seed)
        n_coll = posts["collectivite"].nunique()
    else:
        posts, followers, collectivites = simulate(args.posts, n_coll, args.months, args.seed)
    size_p = posts.memory_usage(deep=True).sum()
    size_f = followers.memory_usage(deep=True).sum()
    size = size_p + size_f
    print(
        f"simulated {len(posts):,} posts ({size_p / 1e6:,.0f} MB) and {len(followers):,} follower "
        f"rows ({size_f / 1e6:,.0f} MB) of {n_coll:,} collectivités, {posts['account'].nunique():,}"
        f" accounts, {args.months} months in {time.perf_counter() - t0:.1f} s"
    )
    runs = {"engagement_lib": run_ours, "duckdb": run_duckdb}
    first = posts["collectivite"].iloc[:1]
    for fn in runs.values():  # warm up: imports and first-call set-up are not timed
        fn(
            posts[posts["collectivite"].isin(first)],
            followers[followers["collectivite"].isin(first)],
            collectivites,
        )
    best = {}
    for name, fn in runs.items():
        for _ in range(args.repeat):
            result, elapsed, cpu, peak = measure(fn, posts, followers, collectivites)
            if name not in best or elapsed < best[name][1]:
                best[name] = (result, elapsed, cpu, peak)
            del result
        result, elapsed, cpu, peak = best[name]
        print(
            f"{name:>15}: {elapsed:7.2f} s wall, {cpu:7.2f} s CPU, {len(result):,} rows, "
            f"peak +{peak / 1e6:,.0f} MB → (input + peak) / input = {(size + peak) / size:.2f}"
        )
    ratio = best["engagement_lib"][1] / best["duckdb"][1]
    cpu_ratio = best["engagement_lib"][2] / best["duckdb"][2]
    print(
        f"ratio engagement_lib / duckdb = {ratio:.2f} wall (target ≤ 1.0), {cpu_ratio:.2f} CPU "
        "(DuckDB runs 2 threads, engagement_lib 1)"
    )
    print(compare(best["engagement_lib"][0], best["duckdb"][0]))


if __name__ == "__main__":
    main()
