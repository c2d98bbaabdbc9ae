"""``engagement indicators EXPORTS --out FILE``: the indicator table of a folder of exports.

Reads and cleans the exports, then computes the catalog indicators
(:func:`engagement_lib.indicators.compute`) per collectivité and network
(``--by``) and calendar month (``--freq``, Europe/Paris calendar), in the
tidy long layout: ``collectivite, account, network, period, indicator,
value, unit, n, ci_low, ci_high, status``. A value that cannot be computed
is missing and its ``status`` says why. ``--out`` ends in ``.csv`` or
``.parquet``.
"""

from __future__ import annotations

from ._common import (
    CliError,
    Steps,
    add_progress_options,
    description,
    output_path,
    show_progress,
)
from ._inputs import (
    add_input_options,
    collectivites_frame,
    load_exports,
    month_arg,
    positive_int,
)
from ._names import resolve_collectivite

__all__ = ["add_parser", "run", "resolve_indicators"]

_FREQS = {"month": "MS", "week": "W-MON", "quarter": "QS", "year": "YS", "all": None}
_BY = ("collectivite", "account", "network")


def resolve_indicators(names) -> list[str] | None:
    """Indicator ids or family names from the command line (``None``: all)."""
    from ..indicators import resolve

    if not names:
        return None
    items = [n.strip() for text in names for n in str(text).split(",") if n.strip()]
    try:
        return [i.id for i in resolve(items)]
    except KeyError as exc:
        message = exc.args[0] if exc.args else str(exc)
        raise CliError(str(message).split(";")[0],
                       hint="`engagement catalog` lists the indicators and families") from None


def _by(text: str) -> tuple[str, ...]:
    cols = tuple(c.strip() for c in text.split(",") if c.strip())
    bad = [c for c in cols if c not in _BY]
    if bad or not cols:
        raise CliError(f"--by {text!r}: unknown column(s) {', '.join(bad) or '(none)'}",
                       hint=f"choose among {', '.join(_BY)}, comma-separated")
    return cols


def add_parser(sub) -> None:
    """Register the subcommand."""
    p = sub.add_parser(
        "indicators",
        help="compute the indicator table (tidy CSV or Parquet) of a folder of exports",
        description=description(__doc__),
    )
    add_input_options(p)
    p.add_argument("--out", required=True, metavar="FILE",
                   help="output file, .csv or .parquet")
    p.add_argument("--population", type=positive_int, metavar="N",
                   help="population of the collectivité (default: INSEE population of the "
                        "bundled collectivités)")
    p.add_argument("--indicators", action="append", metavar="IDS",
                   help="indicator ids or families, comma-separated (default: all; "
                        "`engagement catalog` lists them)")
    p.add_argument("--by", default="collectivite,network",
                   help="grouping columns among collectivite, account, network "
                        "(default collectivite,network)")
    p.add_argument("--freq", choices=sorted(_FREQS), default="month",
                   help="period length (default month; 'all' = one period)")
    p.add_argument("--from", dest="start", type=month_arg, metavar="YYYY-MM",
                   help="first month to keep")
    p.add_argument("--to", dest="end", type=month_arg, metavar="YYYY-MM",
                   help="last month to keep (included)")
    p.add_argument("--aggregation", choices=("ratio_of_sums", "mean_of_ratios"),
                   default="ratio_of_sums", help="how rates aggregate over a period")
    p.add_argument("--n-boot", type=int, default=1000, metavar="B",
                   help="bootstrap resamples of the rate intervals (0: no intervals; default 1000)")
    p.add_argument("--seed", type=int, default=20190304, help="seed of the bootstrap")
    add_progress_options(p)
    p.set_defaults(run=run)


def run(args) -> int:
    """Run ``engagement indicators``."""
    from ..indicators import compute

    out = output_path(args.out, suffixes=(".csv", ".parquet"))
    ids = resolve_indicators(args.indicators)
    by = _by(args.by)
    if args.n_boot < 0:
        raise CliError(f"--n-boot {args.n_boot}: expected 0 or more",
                       hint="use 0 for no intervals")
    if args.start is not None and args.end is not None and args.end < args.start:
        raise CliError(f"--to {args.end} is before --from {args.start}",
                       hint="swap the two months")
    coll = resolve_collectivite(args.collectivite) if args.collectivite else None
    population = args.population or (coll.population if coll else None)
    progress = show_progress(args)
    steps = Steps(["read and clean", "compute"], enabled=progress, desc="indicators")
    try:
        with steps.step("read and clean"):
            loaded = load_exports(args, progress=progress, collectivite=coll.id if coll else None)
        data = loaded.data
        if not (len(data.posts) or len(data.followers) or len(data.conversations)):
            raise CliError(
                f"the exports in {args.exports!r} hold no posts, follower counts or "
                "conversations (only audience or page metrics)",
                hint="add the post-level and follower exports of the accounts",
            )
        with steps.step("compute"):
            results = compute(
                data, ids, by=by, freq=_FREQS[args.freq],
                start=args.start.start_time if args.start is not None else None,
                end=(args.end + 1).start_time if args.end is not None else None,
                aggregation=args.aggregation, n_boot=args.n_boot, random_state=args.seed,
                collectivites=collectivites_frame(coll.id, population) if coll else None,
            )
    finally:
        steps.close()
    if results.empty:
        raise CliError("no period of the data falls between --from and --to",
                       hint="check the months; the exports cover "
                            f"{_coverage(data)}")
    if out.suffix.lower() == ".parquet":
        results.to_parquet(out, index=False)
    else:
        results.to_csv(out, index=False, lineterminator="\n")
    ok = int((results["status"] == "ok").sum())
    print(f"{len(results):,} indicator values ({ok:,} ok, {len(results) - ok:,} missing or small "
          f"samples, see 'status') from {loaded.n_files} files written to {out}")
    return 0


def _coverage(data) -> str:
    times = [data.posts["published_at"]] if len(data.posts) else []
    if len(data.followers):
        times.append(data.followers["date"])
    if not times:
        return "no dated rows"
    lo = min(t.min() for t in times).tz_convert("Europe/Paris")
    hi = max(t.max() for t in times).tz_convert("Europe/Paris")
    return f"{lo:%Y-%m} to {hi:%Y-%m}"
