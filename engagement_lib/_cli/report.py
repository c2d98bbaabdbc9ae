"""``engagement report EXPORTS --collectivite NAME --month YYYY-MM --out report.html``.

Reads and cleans a folder of exports and writes the monthly report of the
collectivité: one self-contained HTML file (figures embedded, no external
resource), in French by default (``--lang en`` for English). See
:mod:`engagement_lib.report` for its contents.
"""

from __future__ import annotations

import os

import pandas as pd

from ._common import (
    CliError,
    Steps,
    add_progress_options,
    description,
    output_path,
    show_progress,
)
from ._inputs import add_input_options, load_exports, month_arg, positive_int
from ._names import resolve_collectivite

__all__ = ["add_parser", "run"]


def add_parser(sub) -> None:
    """Register the subcommand."""
    p = sub.add_parser(
        "report",
        help="write the monthly HTML report of a collectivité from a folder of exports",
        description=description(__doc__),
    )
    add_input_options(p, collectivite_required=True)
    p.add_argument("--month", required=True, type=month_arg, metavar="YYYY-MM",
                   help="the month reported on (calendar month, Paris time)")
    p.add_argument("--population", type=positive_int, metavar="N",
                   help="population of the collectivité, for followers per 1000 inhabitants "
                        "(default for the five bundled collectivités: their INSEE population)")
    p.add_argument("--lang", choices=("fr", "en"), default="fr",
                   help="language of the report (default fr)")
    p.add_argument("--out", required=True, metavar="FILE", help="the report to write (.html)")
    p.add_argument("--n-boot", type=int, default=1000, metavar="B",
                   help="bootstrap resamples of the intervals (0: none; default 1000)")
    p.add_argument("--seed", type=int, default=20190304, help="seed of the bootstrap")
    add_progress_options(p)
    p.set_defaults(run=run)


def run(args) -> int:
    """Run ``engagement report``."""
    os.environ.setdefault("MPLBACKEND", "Agg")  # no display needed, even without $DISPLAY
    from ..report import ReportError, build_report, local_month

    out = output_path(args.out, suffixes=(".html", ".htm"))
    coll = resolve_collectivite(args.collectivite)
    population = args.population or coll.population
    if population is None:
        raise CliError(
            f"no population known for {args.collectivite!r}",
            hint="give it with --population N (INSEE population municipale, "
                 "https://www.insee.fr), e.g. --population 32911",
        )
    if args.n_boot < 0:
        raise CliError(f"--n-boot {args.n_boot}: expected 0 or more",
                       hint="use 0 for no intervals")
    # The report looks back twelve months (trend, posting times) plus the month before
    # (follower growth of the first one): older exports need not be cleaned.
    since = local_month(args.month) - pd.DateOffset(months=12)
    progress = show_progress(args)
    steps = Steps(["read and clean", "report"], enabled=progress, desc="report")
    try:
        with steps.step("read and clean"):
            loaded = load_exports(args, progress=progress, collectivite=coll.id, since=since)
        with steps.step("report"):
            try:
                html = build_report(
                    loaded.data, collectivite=coll.id, population=population,
                    month=args.month, lang=args.lang, name=coll.name, n_boot=args.n_boot,
                    random_state=args.seed, failures=loaded.failures, n_files=loaded.n_files,
                    older=(loaded.n_older, since), progress=progress,
                )
            except ReportError as exc:
                raise CliError(str(exc), hint="choose a month the exports cover, or add the "
                                              "exports of that month to the folder") from exc
    finally:
        steps.close()
    out.write_text(html, encoding="utf-8")
    print(f"report of {coll.name} for {args.month} ({args.lang}) written to {out} "
          f"({len(html.encode('utf-8')) / 1e6:.1f} MB, {loaded.n_files} files read"
          + (f", {len(loaded.failures)} unreadable files skipped" if loaded.failures else "")
          + ")")
    return 0
