"""Benchmark: reading a Meta Business Suite export vs plain CSV tokenizers.

A Facebook posts export (34 columns, like the real 2025 files) of ``--rows``
posts is written with the project's own writer (optionally re-saved by a
French Excel), then read in the same run by:

* ``engagement_lib.readers.read_export`` — sniffing, layout detection,
  header normalisation, typed parsing (IDs, month-first dates, French
  numbers), issues and provenance: the full reader;
* ``pandas.read_csv(dtype=str)`` and DuckDB ``read_csv(all_varchar=true)`` —
  anchors that only tokenize the file into strings (no typing, no checks;
  DuckDB, which has no cp1252, gets a UTF-8 copy of a ``fr_excel`` file).

It prints wall times (best of ``--repeat``), the ratio to each anchor and the
reader's peak traced memory relative to the file size. The ratio measures
what the careful parsing costs; exports are usually a few thousand rows.

Usage::

    .venv/bin/python benchmarks/bench_readers.py                 # 200,000 rows
    .venv/bin/python benchmarks/bench_readers.py --rows 5000     # smoke run
    .venv/bin/python benchmarks/bench_readers.py --resave fr_excel
"""

from __future__ import annotations

import argparse
import tempfile
import time
import tracemalloc
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from engagement_lib.readers import read_export
from engagement_lib.simulate.exports import write_export


def _table(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    page = "104857600012345"
    posts = 1234567890123456 + np.arange(n)
    kinds = rng.choice(["photo", "video", "link", "reel", "album"], n)
    return pd.DataFrame({
        "account": "Ville de Toulouse", "network": "facebook",
        "post_id": [f"{page}_{p}" for p in posts],
        "published_at": pd.Timestamp("2024-01-01", tz="UTC")
        + pd.to_timedelta(rng.integers(0, 365 * 86400, n), unit="s"),
        "media_type": kinds,
        "text": rng.choice(["Conseil municipal ce soir à 18h, ordre du jour",
                            "Fête de la musique : le programme 🎶", "Travaux rue d’Alsace"], n),
        "permalink": [f"https://www.facebook.com/{page}/posts/{p}" for p in posts],
        "is_paid": rng.random(n) < 0.05,
        **{m: pd.array(rng.integers(0, 50000, n), dtype="Int64")
           for m in ("impressions", "reach", "likes", "comments", "shares", "clicks")},
        "views": pd.array(rng.integers(0, 50000, n), dtype="Int64"),
    })


def _best(fn, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=200_000)
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--resave", choices=["fr_excel", "fr_excel_utf8"], default=None)
    ap.add_argument("--seed", type=int, default=20190304)
    args = ap.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        path = write_export("meta_business_suite_posts", _table(args.rows, args.seed),
                            Path(tmp), exported_at=pd.Timestamp("2024-12-31", tz="UTC"),
                            language="fr", resave=args.resave,
                            rng=np.random.default_rng(args.seed))
        write_s = time.perf_counter() - t
        size_mb = path.stat().st_size / 1e6
        sep = ";" if args.resave else ","
        enc = "cp1252" if args.resave == "fr_excel" else "utf-8-sig"

        ours = _best(lambda: read_export(path), args.repeat)
        pandas_s = _best(lambda: pd.read_csv(path, dtype=str, sep=sep, encoding=enc),
                         args.repeat)
        con = duckdb.connect()
        con.execute("SET threads=2")
        duck_path = path
        if args.resave == "fr_excel":  # DuckDB has no cp1252: give it a UTF-8 copy
            duck_path = Path(tmp) / "utf8_copy.csv"
            duck_path.write_text(path.read_text(encoding="cp1252"), encoding="utf-8")
        duck_s = _best(lambda: con.execute(
            f"SELECT * FROM read_csv('{duck_path}', all_varchar=true, delim='{sep}')").df(),
            args.repeat)

        tracemalloc.start()
        (raw,) = read_export(path)
        peak = tracemalloc.get_traced_memory()[1] / 1e6
        tracemalloc.stop()
        assert raw.n_rows == args.rows and raw.issues.empty

    print(f"rows={args.rows:,} file={size_mb:.1f} MB resave={args.resave} "
          f"(written in {write_s:.1f} s)")
    print(f"read_export              {ours:8.2f} s   {args.rows / ours:10,.0f} rows/s")
    print(f"pandas.read_csv(str)     {pandas_s:8.2f} s   ratio read_export/pandas = "
          f"{ours / pandas_s:.1f}")
    print(f"duckdb read_csv(varchar) {duck_s:8.2f} s   ratio read_export/duckdb = "
          f"{ours / duck_s:.1f}")
    print(f"read_export peak traced memory {peak:.0f} MB = {peak / size_mb:.1f} x file size")


if __name__ == "__main__":
    main()
