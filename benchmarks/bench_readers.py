"""Benchmark: read (and clean) a large Meta Business Suite export, against DuckDB.

The issue's measurement is ``benchmarks/bench_read_clean.py`` (the writer's
sample replicated to a million rows). This one is the readers' own check, on a
harder file and with a round trip: a Facebook posts export of ``--rows`` posts
(33 columns, the layout of ``meta_business_suite_posts``: French headers, UTF-8
with BOM, comma delimiter, month-first ``Heure de publication``, captions with
commas, accents, emoji and — for one post in three — line breaks inside quoted
cells, which the reader must count to give physical line numbers) is written
into a temporary folder, then read in the same run, each in a *fresh
subprocess* so that the peak resident memory (``VmHWM``) of each is its own:

* **ours**: ``engagement_lib.readers.read_export`` + ``engagement_lib.cleaning.clean``
  (sniffing, layout detection, typed parsing with every bad cell recorded,
  physical line numbers, then the canonical ``posts`` table validated, with
  quarantine and report); ``read_export`` alone is timed apart;
* **anchor**: DuckDB ``CREATE TABLE t AS SELECT * FROM read_csv(path)`` with
  ``SET threads = 2`` (DuckDB's own sniffing and type inference into its own
  table).

Times are the best of ``--repeat`` runs (a fresh process each, the two
contenders alternating); imports are not timed (our process first reads and
cleans a 50-post file, which also builds the lazily made pandera schemas) but
their memory is in the peak. The script then checks that the cleaned ``posts``
equal the generated truth (every post, IDs, UTC times, media types, metrics,
text) and that nothing was quarantined, so the speed is not bought by dropping
work.

The file is produced by a vectorised generator (the library's writer,
``write_export("meta_business_suite_posts", ...)``, emits rows one at a time
and needs minutes for a million posts); its header, labels and cell formats
come from the writer module, and ``--writer`` uses the writer itself instead.
``--rows 1000000`` gives a file of about 270 MB.

Usage::

    .venv/bin/python benchmarks/bench_readers.py --rows 100000        # quick run
    .venv/bin/python benchmarks/bench_readers.py --rows 1000000       # the issue's size
    .venv/bin/python benchmarks/bench_readers.py --rows 20000 --writer
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from _measure import PEAK_SNIPPET

PAGE = "104857600012345"
PAGE_NAME = "Ville de Toulouse"
EXPORTED = pd.Timestamp("2024-12-31", tz="UTC")
TEXTS = (
    "Conseil municipal ce soir à 18h, ordre du jour",
    "Fête de la musique : le programme 🎶",
    "Travaux rue d’Alsace",
    "Inscriptions « Été jeunes » ouvertes !\nToutes les infos sur toulouse.fr",
    "Collecte des encombrants, quartier Saint-Cyprien\nJeudi 6h–12h",
    "Le « Capitole » s'illumine pour Noël ✨",
)
KINDS = ("photo", "video", "link", "reel", "album", "text")
KIND_P = (0.45, 0.15, 0.15, 0.15, 0.07, 0.03)


# ---------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------


def truth(n: int, seed: int) -> pd.DataFrame:
    """Canonical posts of one Facebook page (what the file must read back to)."""
    rng = np.random.default_rng(seed)
    posts = 1234567890123456 + np.arange(n, dtype="int64")
    ids = pd.Series(posts).astype(str)
    start = pd.Timestamp("2024-01-01", tz="UTC")
    minutes = rng.integers(0, 365 * 24 * 60, n)
    published = start + pd.to_timedelta(minutes, unit="min")
    # the repeated autumn hour reads back as its first occurrence: keep the truth out of it
    second = (published >= pd.Timestamp("2024-10-27 01:00", tz="UTC")) & (
        published < pd.Timestamp("2024-10-27 02:00", tz="UTC"))
    published = published.where(~second, published + pd.Timedelta(hours=1))
    kinds = np.asarray(KINDS)[rng.choice(len(KINDS), n, p=KIND_P)]
    impressions = np.round(rng.lognormal(7.5, 1.2, n)).astype("int64")
    reach = np.floor(impressions * rng.uniform(0.3, 1.0, n)).astype("int64")
    likes = rng.binomial(reach, 0.02)
    base = "https://www.facebook.com/"
    permalink = np.where(kinds == "reel", base + "reel/" + ids,
                         np.where(kinds == "video", base + PAGE + "/videos/" + ids + "/",
                                  base + PAGE + "/posts/" + ids))
    return pd.DataFrame({
        "account": PAGE_NAME,
        "network": "facebook",
        "post_id": PAGE + "_" + ids,
        "published_at": published,
        "media_type": kinds,
        "text": np.asarray(TEXTS, dtype=object)[rng.integers(0, len(TEXTS), n)],
        "permalink": permalink,
        "is_paid": rng.random(n) < 0.05,
        "impressions": pd.array(impressions, dtype="Int64"),
        "reach": pd.array(reach, dtype="Int64"),
        "likes": pd.array(likes, dtype="Int64"),
        "comments": pd.array(rng.binomial(reach, 0.003), dtype="Int64"),
        "shares": pd.array(rng.binomial(reach, 0.002), dtype="Int64"),
        "clicks": pd.array(rng.binomial(reach, 0.01), dtype="Int64"),
    })


def _num(values) -> np.ndarray:
    return np.asarray(values, dtype="int64").astype(str).astype(object)


def write_fast(table: pd.DataFrame, folder: Path, seed: int, language: str = "fr") -> Path:
    """The writer's ``meta_business_suite_posts`` file (impressions era), vectorised.

    Same header, post-type labels, ``Global``/``Lifetime`` date cells, title and
    description split, organic/boosted parts and number formats as
    :func:`engagement_lib.simulate.exports.meta.write_mbs_facebook`.
    """
    from engagement_lib.simulate.exports import meta as writer

    rng = np.random.default_rng(seed + 1)
    n = len(table)
    kinds = table["media_type"].to_numpy()
    video = np.isin(kinds, list(writer._VIDEO_TYPES))
    text = table["text"].to_numpy(dtype=object)
    first_line = pd.Series(text).str.split("\n").str[0].str[:40].to_numpy(dtype=object)
    full_title = rng.random(n) < 0.2
    title = np.where(video, first_line, text)
    desc = np.where(video, text, np.where(full_title, pd.Series(text).str[:25], ""))
    local = table["published_at"].dt.tz_convert("Europe/Paris").dt.strftime("%m/%d/%Y %H:%M")
    paid = table["is_paid"].to_numpy()
    reach = table["reach"].to_numpy(dtype="int64")
    impr = table["impressions"].to_numpy(dtype="int64")
    r_b = np.where(paid, np.round(reach * 0.3), 0).astype("int64")
    r_b = np.where(paid & (reach > 0) & (r_b == 0), 1, r_b)
    v_b = np.where(paid, np.round(impr * 0.3), 0).astype("int64")
    likes, comments, shares, clicks = (table[m].to_numpy(dtype="int64")
                                       for m in ("likes", "comments", "shares", "clicks"))
    link = clicks // 3
    types = writer._MBS_TYPES["fr" if language == "fr" else "en"]
    empty = np.full(n, "", dtype=object)
    values = {
        "post_id": table["post_id"].str.split("_").str[1].to_numpy(dtype=object),
        "page_id": np.full(n, PAGE, dtype=object), "page_name": np.full(n, PAGE_NAME, dtype=object),
        "title": title, "description": desc,
        "duration": np.where(video, _num(rng.integers(8, 240, n)), ""),
        "publish_time": local.to_numpy(dtype=object), "caption_type": empty,
        "permalink": table["permalink"].to_numpy(dtype=object),
        "is_crosspost": np.full(n, "Non" if language == "fr" else "No", dtype=object),
        "is_share": np.full(n, "Non" if language == "fr" else "No", dtype=object),
        "post_type": pd.Series(kinds).map(types).to_numpy(dtype=object),
        "languages": empty, "custom_labels": empty, "funded": empty, "data_comment": empty,
        "date": np.full(n, "Global" if language == "fr" else "Lifetime", dtype=object),
        "impressions": _num(impr), "reach": _num(reach),
        "engagement": _num(likes + comments + shares), "reactions": _num(likes),
        "comments": _num(comments), "shares": _num(shares), "total_clicks": _num(clicks),
        "link_clicks": _num(link), "other_clicks": _num(clicks - link),
        "negative": _num(rng.integers(0, 2, n)),
        "seconds_viewed": np.where(video, _num(rng.integers(0, 5000, n)), ""),
        "video_3s": np.where(video, _num(impr // 2), ""),
        "views_organic": _num(impr - v_b), "views_boosted": _num(v_b),
        "reach_organic": _num(reach - r_b), "reach_boosted": _num(r_b),
    }
    spec = [(f, en, fr) for f, en, fr in writer._FB_HEADERS if f != "views"]
    frame = pd.DataFrame({f"c{i}": values[f] for i, (f, _, _) in enumerate(spec)})
    header = [fr if language == "fr" else en for _, en, fr in spec]
    out = folder / f"Jan-01-2024_Dec-31-2024_{PAGE}.csv"
    frame.to_csv(out, index=False, header=header, encoding="utf-8-sig", lineterminator="\n")
    return out


def write_with_writer(table: pd.DataFrame, folder: Path, seed: int,
                      language: str = "fr") -> Path:
    from engagement_lib.simulate.exports import write_export

    return write_export("meta_business_suite_posts", table, folder, exported_at=EXPORTED,
                        language=language, rng=np.random.default_rng(seed))


# ---------------------------------------------------------------------------
# Measured runs (each in its own process)
# ---------------------------------------------------------------------------

_PEAK = PEAK_SNIPPET


_OURS = _PEAK + """
import json, sys, time
import pandas as pd
from engagement_lib.readers import read_export
from engagement_lib.cleaning import clean
path, warm = sys.argv[1], sys.argv[2]
clean(read_export(warm), collectivite="toulouse", account="ville")  # lazy imports, schemas
t0 = time.perf_counter()
(raw,) = read_export(path)
t1 = time.perf_counter()
data = clean([raw], collectivite="toulouse", account="ville")
t2 = time.perf_counter()
if len(sys.argv) > 3:
    data.posts.to_parquet(sys.argv[3])
print(json.dumps({"read": t1 - t0, "clean": t2 - t1, "total": t2 - t0,
                  "rss_mb": peak_mb(),
                  "rows": raw.n_rows, "issues": len(raw.issues),
                  "posts": len(data.posts), "quarantined": len(data.quarantine)}))
"""

_DUCK = _PEAK + """
import json, sys, time
import duckdb
con = duckdb.connect()
con.execute("SET threads = 2")
t0 = time.perf_counter()
con.execute("CREATE TABLE t AS SELECT * FROM read_csv(?)", [sys.argv[1]])
t1 = time.perf_counter()
rows = con.execute("SELECT count(*) FROM t").fetchone()[0]
print(json.dumps({"total": t1 - t0, "rows": rows, "rss_mb": peak_mb()}))
"""


def _run(script: str, *args: str) -> dict:
    out = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True,
                         check=False)
    if out.returncode != 0:
        raise SystemExit(f"benchmark child failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _best(script: str, args: tuple[str, ...], repeat: int) -> dict:
    runs = [_run(script, *args) for _ in range(repeat)]
    best = min(runs, key=lambda r: r["total"])
    best["rss_mb"] = max(r["rss_mb"] for r in runs)
    return best


def _check(posts_file: Path, expected: pd.DataFrame) -> None:
    """The cleaned posts are the truth: nothing lost, nothing altered."""
    got = pd.read_parquet(posts_file).sort_values("post_id").reset_index(drop=True)
    exp = expected.sort_values("post_id").reset_index(drop=True)
    assert len(got) == len(exp), f"{len(got)} posts read, {len(exp)} written"
    assert (got["post_id"].astype(str).to_numpy() == exp["post_id"].to_numpy()).all()
    assert (got["published_at"].dt.tz_convert("UTC").to_numpy()
            == exp["published_at"].to_numpy()).all(), "published_at differs"
    for col in ("impressions", "reach", "likes", "comments", "shares", "clicks"):
        assert (got[col].astype("int64").to_numpy() == exp[col].astype("int64").to_numpy()).all(), col
    assert (got["media_type"].astype(str).to_numpy() == exp["media_type"].to_numpy()).all()
    assert (got["is_paid"].astype(bool).to_numpy() == exp["is_paid"].to_numpy()).all()
    assert (got["text"].astype(str).to_numpy() == exp["text"].astype(str).to_numpy()).all()


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=1, help="runs per contender (best time kept)")
    ap.add_argument("--seed", type=int, default=20190304)
    ap.add_argument("--language", choices=["fr", "en"], default="fr")
    ap.add_argument("--writer", action="store_true",
                    help="write the file with the library's (row-by-row) writer")
    ap.add_argument("--no-check", action="store_true", help="skip the round-trip check")
    args = ap.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="bench_readers_") as tmp:
        tmp = Path(tmp)
        t = time.perf_counter()
        expected = truth(args.rows, args.seed)
        write = write_with_writer if args.writer else write_fast
        path = write(expected, tmp, args.seed, args.language)
        write_s = time.perf_counter() - t
        size_mb = path.stat().st_size / 1e6
        posts_file = tmp / "posts.parquet"
        (tmp / "warm").mkdir()
        warm = write(truth(50, args.seed + 7), tmp / "warm", args.seed, args.language)
        # alternate the contenders so that a change in machine load hits both
        duck = ours = None
        for _ in range(args.repeat):
            d = _run(_DUCK, str(path))
            o = _run(_OURS, str(path), str(warm),
                     *(() if args.no_check else (str(posts_file),)))
            duck = d if duck is None or d["total"] < duck["total"] else duck | {
                "rss_mb": max(duck["rss_mb"], d["rss_mb"])}
            ours = o if ours is None or o["total"] < ours["total"] else ours | {
                "rss_mb": max(ours["rss_mb"], o["rss_mb"])}
        if not args.no_check:
            _check(posts_file, expected)
        assert duck["rows"] == args.rows, duck

    ratio = ours["total"] / duck["total"]
    print(f"rows={args.rows:,}  file={size_mb:.0f} MB  language={args.language}  "
          f"(written in {write_s:.1f} s{' by the writer' if args.writer else ''})")
    print(f"ours  read_export + clean   {ours['total']:7.2f} s   (read {ours['read']:.2f} s, "
          f"clean {ours['clean']:.2f} s)   peak RSS {ours['rss_mb']:6.0f} MB")
    print(f"duckdb CREATE TABLE (2 thr) {duck['total']:7.2f} s"
          f"{'':33}peak RSS {duck['rss_mb']:6.0f} MB")
    print(f"ratio ours/duckdb = {ratio:.2f}   (target <= 2; read_export alone "
          f"{ours['read'] / duck['total']:.2f})   peak memory {ours['rss_mb'] / 1024:.2f} GB "
          "(target < 2 GB)")
    print(f"posts kept {ours['posts']:,}, quarantined {ours['quarantined']:,}, "
          f"reader issues {ours['issues']:,}" + ("" if args.no_check else
                                                 "; round trip vs truth: OK"))


if __name__ == "__main__":
    main()
