"""Benchmark: ``engagement report`` on a folder of exports, against plainly loading the files.

The issue's target: the monthly report of Romans-sur-Isère for January 2019,
from the bundled raw exports (``datasets/raw/romans_sur_isere``: 133 files,
CSV, XLSX and JSON of Facebook, Instagram and LinkedIn), written in under
10 s.

Measured, in the same run:

* **end to end** — the installed ``engagement report`` command in a fresh
  subprocess (interpreter start, imports, reading, cleaning, indicators,
  figures, HTML), with ``--jobs 1`` and with the default number of reading
  processes; best and median wall time over ``--repeat`` runs, the CPU time
  of the child, and the peak resident memory of the children;
* **stages** — in this process, imports excluded: reading the files
  (``jobs=1`` and parallel), ``cleaning.clean`` of the exports reaching
  into the report's 13-month window (what the command cleans; all of them
  for reference), ``report.build_report``; pandera's one-time schema
  building and the imports of the plotting and modelling libraries are
  timed apart;
* **anchor** — loading the same files the plain way (``pandas.read_csv``
  with delimiter sniffing, ``pandas.read_excel`` of every sheet,
  ``json.load``): no layout detection, no typing, no cleaning — the floor
  any careful reader sits above.

The machine's load average is printed at the start and the end: on a shared
machine wall times inflate with the load, CPU times much less.

Usage::

    .venv/bin/python benchmarks/bench_report.py                 # Romans-sur-Isère, Jan 2019
    .venv/bin/python benchmarks/bench_report.py --size small    # smoke run (Facebook only)
    .venv/bin/python benchmarks/bench_report.py --exports DIR --collectivite NAME --month YYYY-MM
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_SECONDS = 10.0


def _load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def _children_usage():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime, r.ru_maxrss / 1024  # s, MB (Linux: KiB)


def _script() -> list[str]:
    exe = Path(sys.executable).with_name("engagement")
    return [str(exe)] if exe.is_file() else [sys.executable, "-m", "engagement_lib.cli"]


def end_to_end(exports: Path, args, jobs: int, out: Path) -> dict:
    """Run the command ``args.repeat`` times; wall (best, median), CPU per run, peak memory."""
    cmd = [*_script(), "report", str(exports), "--collectivite", args.collectivite,
           "--month", args.month, "--out", str(out), "--jobs", str(jobs), "--no-progress"]
    if args.population:
        cmd += ["--population", str(args.population)]
    walls, cpus = [], []
    for _ in range(args.repeat):
        cpu0, _ = _children_usage()
        t0 = time.perf_counter()
        done = subprocess.run(cmd, capture_output=True, text=True)
        walls.append(time.perf_counter() - t0)
        cpus.append(_children_usage()[0] - cpu0)
        if done.returncode != 0:
            raise SystemExit(f"engagement report failed ({done.returncode}):\n{done.stderr}")
    return {"best": min(walls), "median": statistics.median(walls), "cpu": min(cpus),
            "peak_mb": _children_usage()[1], "size_mb": out.stat().st_size / 1e6}


def _timed(fn):
    c0, t0 = time.process_time(), time.perf_counter()
    result = fn()
    return result, time.perf_counter() - t0, time.process_time() - c0


def plain_load(files: list[Path]) -> int:
    """The anchor: open every file with the obvious pandas/json call; count what loaded."""
    import pandas as pd

    loaded = 0
    for path in files:
        data = path.read_bytes()
        try:
            if data[:4] == b"PK\x03\x04":
                pd.read_excel(io.BytesIO(data), sheet_name=None)
            elif data.lstrip()[:1] in (b"{", b"["):
                json.loads(data)
            else:
                text = None
                for enc in ("utf-8-sig", "utf-16", "latin-1"):
                    try:
                        text = data.decode(enc)
                        break
                    except UnicodeDecodeError:
                        continue
                pd.read_csv(io.StringIO(text), sep=None, engine="python",
                            on_bad_lines="skip")
            loaded += 1
        except Exception:  # noqa: BLE001 - the anchor only counts what loads plainly
            pass
    return loaded


def stages(exports: Path, args, jobs: int) -> dict:
    """Reading (1 and ``jobs`` processes), cleaning and the report, in this process."""
    import pandas as pd

    from engagement_lib._cli._inputs import _older
    from engagement_lib._cli._parallel import read_folder
    from engagement_lib.cleaning import clean
    from engagement_lib.readers import list_exports
    from engagement_lib.report import build_report, local_month, slugify

    cid = slugify(args.collectivite)
    files = list_exports(exports)
    out = {"files": len(files)}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        n, out["anchor_wall"], out["anchor_cpu"] = _timed(lambda: plain_load(files))
        out["anchor_loaded"] = n
        from engagement_lib.schema import empty, validate

        _, out["warm_wall"], out["warm_cpu"] = _timed(  # pandera builds its schemas once
            lambda: [validate(empty(t), t) for t in ("posts", "followers", "audience",
                                                      "conversations")])
        raw, out["read1_wall"], out["read1_cpu"] = _timed(lambda: read_folder(exports, jobs=1))
        _, out["readN_wall"], _ = _timed(lambda: read_folder(exports, jobs=jobs))
        since = local_month(args.month) - pd.DateOffset(months=12)
        recent = [e for e in raw if not _older(e, since)]
        data, out["clean_wall"], out["clean_cpu"] = _timed(
            lambda: clean(recent, collectivite=cid))
        _, out["clean_all_wall"], out["clean_all_cpu"] = _timed(
            lambda: clean(list(raw), collectivite=cid))
        _, out["imports_wall"], out["imports_cpu"] = _timed(
            lambda: [__import__(m) for m in ("engagement_lib.plots", "engagement_lib.analysis.timing",
                                             "engagement_lib.analysis.responsiveness")])
        population = args.population or 32911
        html, out["report_wall"], out["report_cpu"] = _timed(lambda: build_report(
            data, collectivite=cid, population=population, month=args.month))
    out["tables"] = len(raw)
    out["recent"] = len(recent)
    out["html_mb"] = len(html.encode()) / 1e6
    return out


def _small(folder: Path, tmp: Path) -> Path:
    """A smoke-test folder: the Facebook exports only."""
    target = tmp / folder.name
    for sub in sorted(folder.iterdir()):
        if sub.is_dir() and sub.name == "facebook":
            shutil.copytree(sub, target / sub.name)
    return target


def main(argv=None) -> int:
    from engagement_lib._cli._parallel import default_jobs

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=("full", "small"), default="full",
                        help="full: every export of the folder; small: Facebook only (smoke run)")
    parser.add_argument("--exports", type=Path,
                        default=ROOT / "datasets" / "raw" / "romans_sur_isere")
    parser.add_argument("--collectivite", default="Romans-sur-Isère")
    parser.add_argument("--population", type=int, default=None)
    parser.add_argument("--month", default="2019-01")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=default_jobs(),
                        help="reading processes of the parallel runs (default: CPUs, at most 4)")
    args = parser.parse_args(argv)
    if not args.exports.is_dir():
        raise SystemExit(f"{args.exports}: no such folder (run `make data` first)")
    print(f"load average at start: {_load()}  (CPUs: {os.cpu_count()})")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        exports = _small(args.exports, tmp) if args.size == "small" else args.exports
        print(f"exports: {exports} ({args.size}); {args.collectivite}, {args.month}")
        cpu0, _ = _children_usage()
        t0 = time.perf_counter()
        subprocess.run([*_script(), "catalog", "--layouts"], capture_output=True, check=True)
        startup = (time.perf_counter() - t0, _children_usage()[0] - cpu0)
        runs = {}
        for jobs in dict.fromkeys([1, args.jobs]):
            runs[jobs] = end_to_end(exports, args, jobs, tmp / f"report-{jobs}.html")
        st = stages(exports, args, args.jobs)
    print(f"\n{st['files']} files -> {st['tables']} tables; report {st['html_mb']:.2f} MB")
    print("\nend to end: `engagement report` in a fresh process")
    for jobs, r in runs.items():
        print(f"  --jobs {jobs}: best {r['best']:6.2f} s  median {r['median']:6.2f} s  "
              f"CPU {r['cpu']:6.2f} s   (target < {TARGET_SECONDS:.0f} s: "
              f"{'PASS' if r['best'] < TARGET_SECONDS else 'FAIL'})")
    print(f"  peak resident memory of the children: {max(r['peak_mb'] for r in runs.values()):.0f} MB")
    print(f"  for scale: `engagement catalog --layouts` (start-up and imports only) "
          f"{startup[0]:.2f} s, CPU {startup[1]:.2f} s")
    print("\nstages, in one process (imports excluded)     wall       CPU")
    print(f"  anchor: plain pandas/json load         {st['anchor_wall']:8.2f} s {st['anchor_cpu']:8.2f} s"
          f"   ({st['anchor_loaded']}/{st['files']} files loaded plainly)")
    print(f"  pandera warm-up (schemas, once)        {st['warm_wall']:8.2f} s {st['warm_cpu']:8.2f} s")
    print(f"  read (readers, 1 process)              {st['read1_wall']:8.2f} s {st['read1_cpu']:8.2f} s")
    print(f"  read ({args.jobs} processes)                    {st['readN_wall']:8.2f} s")
    print(f"  clean ({st['recent']} exports reaching the window)   {st['clean_wall']:8.2f} s "
          f"{st['clean_cpu']:8.2f} s")
    print(f"  clean (all {st['tables']} exports, for reference)   {st['clean_all_wall']:8.2f} s "
          f"{st['clean_all_cpu']:8.2f} s")
    print(f"  imports of plots and analyses          {st['imports_wall']:8.2f} s {st['imports_cpu']:8.2f} s")
    print(f"  build_report                           {st['report_wall']:8.2f} s {st['report_cpu']:8.2f} s")
    best = min(r["best"] for r in runs.values())
    print(f"\nratio end to end (best) / anchor: {best / st['anchor_wall']:.1f}x; "
          f"read (1 process) / anchor: {st['read1_wall'] / st['anchor_wall']:.1f}x")
    print(f"load average at end: {_load()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
