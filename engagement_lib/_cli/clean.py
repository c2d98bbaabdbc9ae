"""``engagement clean EXPORTS --out DIR``: the canonical tables, a data dictionary, the cleaning report.

Writes, in ``DIR``:

* ``posts``, ``followers``, ``audience``, ``conversations`` and any other
  table the readers found (``page_metrics``), plus ``quarantine`` and
  ``flags``, each as Parquet (typed) and CSV — or, with ``--format parquet``,
  as a store partitioned by network and month (:mod:`engagement_lib.store`);
* ``data_dictionary.csv``: every column written, its type, its missing
  values and its meaning;
* ``cleaning_report.csv`` (per file, with a ``TOTAL`` row: read = kept +
  merged + quarantined) and ``cleaning_report.txt`` (the readable summary in
  ``--lang``); ``unreadable_files.csv`` with ``--skip-unreadable``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ._common import CliError, add_progress_options, description, show_progress
from ._dictionary import data_dictionary
from ._inputs import add_input_options, load_exports
from ._names import resolve_collectivite

__all__ = ["add_parser", "run", "write_tables"]

_CSV = {
    "standard": {"sep": ",", "decimal": ".", "encoding": "utf-8"},
    # what a French spreadsheet opens without an import wizard
    "excel-fr": {"sep": ";", "decimal": ",", "encoding": "utf-8-sig"},
}


def add_parser(sub) -> None:
    """Register the subcommand."""
    p = sub.add_parser(
        "clean",
        help="read a folder of exports and write the canonical tables and the cleaning report",
        description=description(__doc__),
    )
    add_input_options(p)
    p.add_argument("--out", required=True, metavar="DIR", help="output folder (created if missing)")
    p.add_argument("--csv", choices=sorted(_CSV), default="standard",
                   help="CSV dialect: 'standard' (comma, UTF-8) or 'excel-fr' (semicolon, decimal "
                        "comma, UTF-8 with BOM)")
    p.add_argument("--lang", choices=("fr", "en"), default="fr",
                   help="language of cleaning_report.txt (default fr)")
    p.add_argument("--format", choices=("files", "parquet"), default="files",
                   help="files (default): one Parquet and one CSV file per table; parquet: a "
                        "store partitioned by network and month (engagement_lib.store), for "
                        "large data and Dask (docs/scale.md)")
    add_progress_options(p)
    p.set_defaults(run=run)


def write_tables(tables: dict[str, pd.DataFrame], out: Path, *, csv: str = "standard"
                 ) -> list[Path]:
    """Write each table as ``<name>.parquet`` and ``<name>.csv``; return the paths."""
    dialect = _CSV[csv]
    written = []
    for name, frame in tables.items():
        pq = out / f"{name}.parquet"
        frame.to_parquet(pq, index=False)
        path = out / f"{name}.csv"
        frame.to_csv(path, index=False, lineterminator="\n", **dialect)
        written += [pq, path]
    return written


def run(args) -> int:
    """Run ``engagement clean``."""
    cid = resolve_collectivite(args.collectivite).id if args.collectivite else None
    out = Path(args.out).expanduser()
    if out.exists() and not out.is_dir():
        raise CliError(f"--out {str(out)!r} is a file, expected a folder",
                       hint="give a folder name; it is created if missing")
    loaded = load_exports(args, progress=show_progress(args), collectivite=cid)
    data = loaded.data
    out.mkdir(parents=True, exist_ok=True)
    tables = {**data.tables, **data.other, "quarantine": data.quarantine, "flags": data.flags}
    if getattr(args, "format", "files") == "parquet":
        from ..store import write_store

        write_store(tables, out)
    else:
        write_tables(tables, out, csv=args.csv)
    data_dictionary(tables).to_csv(out / "data_dictionary.csv", index=False, lineterminator="\n",
                                   encoding=_CSV[args.csv]["encoding"],
                                   sep=_CSV[args.csv]["sep"])
    data.report.to_frame().to_csv(out / "cleaning_report.csv", index=False, lineterminator="\n",
                                  **_CSV[args.csv])
    summary = data.report.summary(args.lang)
    if loaded.failures:
        pd.DataFrame({"file": [f.path for f in loaded.failures],
                      "error": [str(f) for f in loaded.failures]}).to_csv(
            out / "unreadable_files.csv", index=False, lineterminator="\n", **_CSV[args.csv])
        head = "Fichiers illisibles (ignorés)" if args.lang == "fr" else "Unreadable files (skipped)"
        summary += f"\n{head}: {len(loaded.failures)}\n" + "\n".join(
            f"  {f}" for f in loaded.failures)
    (out / "cleaning_report.txt").write_text(summary + "\n", encoding="utf-8")
    t = data.report.totals
    print(f"cleaned {loaded.n_files} files: {t['rows_read']:,} rows read, {t['rows_kept']:,} kept, "
          f"{t['duplicates_merged']:,} duplicates merged, {t['rows_quarantined']:,} quarantined"
          + (f"; {len(loaded.failures)} unreadable files skipped" if loaded.failures else "")
          + f"; tables written to {out}")
    return 0
