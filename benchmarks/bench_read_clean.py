"""Benchmark: read + clean a large Meta Business Suite posts export, against DuckDB.

The file
--------
A simulated Facebook page (the modern scenario's Val-de-Marne page) is written
by the library's own writer, ``write_export("meta_business_suite_posts", ...)``
(French headers, UTF-8 with BOM, month-first ``Heure de publication``, captions
with commas, quotes, accents and emoji). The writer emits rows one at a time,
so its sample (a few hundred posts) is then replicated to ``--rows`` rows with
pandas: every copy gets a fresh post ID (in ``Identifiant de la publication``
and in the permalink) and a fresh publication time (uniform over 2020-2025, in
Paris wall-clock time), so that IDs stay unique and timestamps realistic.
Captions are cut to 40 characters (``--caption-chars``): ``--rows 1000000``
then gives about 300 MB (the issue asks for about 270 MB; the simulated
captions are long). The file lives in a temporary folder, deleted at the end.

The contenders (each in a fresh subprocess, so that its peak memory, ``VmHWM``, is its own)
-----------------------------------------------------------------------------
* **engagement_lib**: ``readers.read_export(path)`` then ``cleaning.clean(...)``
  — layout detection, typed parsing with every bad cell recorded, physical
  line numbers, then timezones (DST-safe), ID checks, media types, metric
  eras, de-duplication, quarantine, report and ``schema.validate``; with 2
  threads (``ENGAGEMENT_LIB_THREADS=2``: the body is parsed in pieces, some
  columns are converted on a second thread);
* **DuckDB** (the anchor): ``SET threads = 2`` then
  ``CREATE TABLE t AS SELECT * FROM read_csv(path)`` (its own sniffing and
  type inference into its own table).

Times exclude imports (each child imports, then starts the clock) and the
one-time warm-up of pandera (it builds schemas and imports its optional
backends, dask and hypothesis among them, on the first validation: seconds,
once per process; printed apart); the peak resident memory includes both.
Each contender runs ``--repeat`` times, alternating, and the best time is
kept (the ratio is of the best times; with ``--repeat`` > 1 the medians are
printed too). Expect noise: on a shared 2-core machine, or a virtual machine
where first-touched memory is slow (the host backs each new page), single runs
of engagement_lib (about 1.2 GB touched, DuckDB about 0.7 GB) vary by a few
tenths of a second; run ``uptime`` first and compare with its load. The script then checks the work was done: every row read, none
quarantined, the post IDs those written.

Usage::

    .venv/bin/python benchmarks/bench_read_clean.py --rows 20000      # smoke run
    .venv/bin/python benchmarks/bench_read_clean.py                   # 1,000,000 rows
    .venv/bin/python benchmarks/bench_read_clean.py --rows 200000 --profile
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from _measure import PEAK_SNIPPET

PAGE_ACCOUNT = "valdemarne"
EXPORT_NAME = "Jan-01-2020_Dec-31-2025_{page}.csv"  # Meta's file name: the range, the page id
ID_HEADER = "Identifiant de la publication"
PAGE_HEADER = "ID de la Page"
LINK_HEADER = "Permalien"
TIME_HEADER = "Heure de publication"
TITLE_HEADER = "Titre"

# ---------------------------------------------------------------------------
# The file
# ---------------------------------------------------------------------------


def writer_sample(folder: Path, seed: int) -> Path:
    """A real ``meta_business_suite_posts`` export of one simulated page (writer output)."""
    from engagement_lib.simulate import modern_scenario, simulate_panel
    from engagement_lib.simulate.exports import write_export

    panel = simulate_panel(modern_scenario().only(accounts=[PAGE_ACCOUNT]), seed=seed)
    exported = panel.posts["published_at"].max().normalize() + pd.Timedelta(days=2)
    return Path(write_export("meta_business_suite_posts", panel.posts, folder,
                             exported_at=exported, language="fr",
                             rng=np.random.default_rng(seed)))


def replicate(sample: Path, rows: int, folder: Path, seed: int,
              caption_chars: int = 40) -> tuple[Path, set[str]]:
    """The writer's rows copied to ``rows`` rows with fresh IDs and times.

    Captions (``Titre``) are cut to ``caption_chars`` characters: the simulated
    captions are long; 40 characters give about 300 MB per million rows.

    Returns the file and the post IDs the reader must give back
    (``<page id>_<post id>``, the key of every Meta layout).
    """
    rng = np.random.default_rng(seed)
    frame = pd.read_csv(sample, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    frame = frame[frame[ID_HEADER] != ""].reset_index(drop=True)
    # each permalink = text before the ID + ID + text after it
    split = [link.partition(i) for link, i in zip(frame[LINK_HEADER], frame[ID_HEADER],
                                                  strict=True)]
    before = np.array([b for b, _, _ in split], dtype=object)
    after = np.array([a for _, _, a in split], dtype=object)
    take = np.tile(np.arange(len(frame)), math.ceil(rows / len(frame)))[:rows]
    big = frame.iloc[take].reset_index(drop=True)
    ids = (np.int64(900_000_000_000_000) + np.arange(rows, dtype="int64")).astype(str)
    big[TITLE_HEADER] = big[TITLE_HEADER].str.slice(0, caption_chars)
    big[ID_HEADER] = ids
    big[LINK_HEADER] = before[take] + ids.astype(object) + after[take]
    start = pd.Timestamp("2020-01-01", tz="UTC").value // 60_000_000_000
    end = pd.Timestamp("2025-12-30", tz="UTC").value // 60_000_000_000
    utc = pd.to_datetime(rng.integers(start, end, rows) * 60_000_000_000, utc=True)
    big[TIME_HEADER] = utc.tz_convert("Europe/Paris").strftime("%m/%d/%Y %H:%M")
    page = frame[PAGE_HEADER].iloc[0]
    path = folder / EXPORT_NAME.format(page=page)
    big.to_csv(path, index=False, encoding="utf-8-sig", lineterminator="\n")
    return path, {f"{page}_{i}" for i in ids}


# ---------------------------------------------------------------------------
# Measured runs (each in its own process)
# ---------------------------------------------------------------------------

_OURS = PEAK_SNIPPET + """
import json, resource, sys, time
from engagement_lib.readers import read_export
from engagement_lib.cleaning import clean
from engagement_lib.schema import empty, validate
path, ids_out, profile = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
w0 = time.perf_counter()
for name in ("posts", "followers", "audience", "conversations"):
    validate(empty(name), name)  # pandera imports its backends (dask, hypothesis...) lazily
t0 = time.perf_counter()
exports = read_export(path)
t1 = time.perf_counter()
if profile:
    import cProfile, pstats
    prof = cProfile.Profile()
    prof.enable()
data = clean(exports, collectivite="val_de_marne", account="valdemarne")
t2 = time.perf_counter()
if profile:
    prof.disable()
    pstats.Stats(prof, stream=sys.stderr).sort_stats("cumulative").print_stats(25)
if ids_out:
    data.posts[["post_id"]].to_parquet(ids_out)
t = data.report.totals
print(json.dumps({"read": t1 - t0, "clean": t2 - t1, "total": t2 - t0, "warmup": t0 - w0,
                  "rss_mb": peak_mb(),
                  "rows_read": int(t["rows_read"]), "kept": int(t["rows_kept"]),
                  "quarantined": int(t["rows_quarantined"]), "merged": int(t["duplicates_merged"]),
                  "dst_ambiguous": int(t["dst_ambiguous"])}))
"""

_DUCK = PEAK_SNIPPET + """
import json, resource, sys, time
import duckdb
con = duckdb.connect()
con.execute("SET threads = 2")
t0 = time.perf_counter()
con.execute("CREATE TABLE t AS SELECT * FROM read_csv(?)", [sys.argv[1]])
t1 = time.perf_counter()
rows = con.execute("SELECT count(*) FROM t").fetchone()[0]
print(json.dumps({"total": t1 - t0, "rows": rows,
                  "rss_mb": peak_mb()}))
"""


def run_child(script: str, *args: str) -> dict:
    """Run one measured child process (2 threads at most, as DuckDB); return its JSON
    line (stderr passes through)."""
    env = os.environ | {"ENGAGEMENT_LIB_THREADS": "2"}
    out = subprocess.run([sys.executable, "-c", script, *args], stdout=subprocess.PIPE,
                         text=True, check=False, env=env)
    if out.returncode != 0:
        raise SystemExit(f"benchmark child failed (exit {out.returncode})")
    return json.loads(out.stdout.strip().splitlines()[-1])


def keep_best(best: dict | None, new: dict) -> dict:
    """Best time so far; the peak memory is the worst seen."""
    if best is None:
        return new
    winner = new if new["total"] < best["total"] else best
    return winner | {"rss_mb": max(best["rss_mb"], new["rss_mb"])}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000, help="rows of the export (1e6)")
    ap.add_argument("--repeat", type=int, default=1,
                    help="runs per contender (best kept, median printed too)")
    ap.add_argument("--seed", type=int, default=20190304)
    ap.add_argument("--caption-chars", type=int, default=40,
                    help="cut captions to this length (40: about 300 MB per million rows)")
    ap.add_argument("--profile", action="store_true",
                    help="print a cProfile of clean() (to stderr) from the last run")
    args = ap.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="bench_read_clean_") as tmp:
        tmp = Path(tmp)
        t = time.perf_counter()
        (tmp / "sample").mkdir()
        sample = writer_sample(tmp / "sample", args.seed)
        sample_kb = sample.stat().st_size // 1000
        path, expected_ids = replicate(sample, args.rows, tmp, args.seed, args.caption_chars)
        with open(path, "rb") as f:  # on disk now, not written back during the runs
            os.fsync(f.fileno())
        made = time.perf_counter() - t
        size_mb = path.stat().st_size / 1e6
        ids_file = tmp / "ids.parquet"
        ours = duck = None
        ours_totals, duck_totals = [], []
        for i in range(args.repeat):  # alternate, so that a change of machine load hits both
            run = run_child(_DUCK, str(path))
            duck_totals.append(run["total"])
            duck = keep_best(duck, run)
            last = i == args.repeat - 1
            run = run_child(_OURS, str(path), str(ids_file) if last else "",
                            "1" if args.profile and last else "0")
            ours_totals.append(run["total"])
            ours = keep_best(ours, run)
        got = pd.read_parquet(ids_file)["post_id"]

    problems = []
    if duck["rows"] != args.rows:
        problems.append(f"DuckDB read {duck['rows']} rows, {args.rows} written")
    if ours["rows_read"] != args.rows or ours["kept"] != args.rows:
        problems.append(f"engagement_lib read {ours['rows_read']} and kept {ours['kept']} "
                        f"rows, {args.rows} written")
    if set(got) != expected_ids:
        problems.append("the cleaned post IDs are not the ones written")
    ratio = ours["total"] / duck["total"]
    print(f"rows {args.rows:,}   file {size_mb:.0f} MB   (made in {made:.0f} s from the "
          f"meta_business_suite_posts writer's sample of {sample_kb} kB)")
    print(f"engagement_lib read_export + clean  {ours['total']:7.2f} s  (read {ours['read']:.2f} s"
          f" + clean {ours['clean']:.2f} s)  peak RSS {ours['rss_mb']:6.0f} MB")
    print(f"DuckDB CREATE TABLE, 2 threads     {duck['total']:7.2f} s"
          f"{'':33}peak RSS {duck['rss_mb']:6.0f} MB")
    if args.repeat > 1:
        mo, md = statistics.median(ours_totals), statistics.median(duck_totals)
        print(f"medians of {args.repeat} runs: engagement_lib {mo:.2f} s, DuckDB {md:.2f} s, "
              f"ratio {mo / md:.2f}")
    print(f"(not timed: imports, and pandera's one-time warm-up {ours['warmup']:.1f} s)")
    print(f"ratio engagement_lib / DuckDB = {ratio:.2f} (best times; target <= 2); "
          f"peak memory {ours['rss_mb'] / 1024:.2f} GB (target < 2 GB)")
    print(f"kept {ours['kept']:,}  quarantined {ours['quarantined']:,}  merged "
          f"{ours['merged']:,}  repeated autumn times {ours['dst_ambiguous']:,}")
    for p in problems:
        print("CHECK FAILED:", p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
