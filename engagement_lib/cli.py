"""The ``engagement`` command.

Subcommands
-----------
clean
    ``engagement clean EXPORTS --out DIR``: read a folder of platform exports
    and write the canonical tables (Parquet and CSV), a data dictionary and
    the cleaning report (:mod:`engagement_lib._cli.clean`).
indicators
    ``engagement indicators EXPORTS --out FILE``: the tidy indicator table
    (:mod:`engagement_lib._cli.indicators`).
report
    ``engagement report EXPORTS --collectivite NAME --month YYYY-MM --out
    report.html``: the monthly HTML report (:mod:`engagement_lib._cli.report`).
catalog
    ``engagement catalog``: the indicator catalog, or the supported export
    layouts with ``--layouts`` (:mod:`engagement_lib._cli.catalog`).
simulate
    Regenerate the simulated datasets: ``engagement simulate --out datasets
    [--seed N] [--scale K]`` writes ``raw/``, ``truth/`` and
    ``MANIFEST.sha256`` (see :func:`engagement_lib.simulate.write_bundle`);
    ``--format parquet`` writes the canonical tables as a partitioned store
    instead, chunk by chunk (:mod:`engagement_lib.simulate.scale`).

Exit codes: 0 success; 1 user or data error, reported on one line
(``engagement: error: ...``) followed by a ``hint: ...`` line; 2 usage error
(argparse); 3 internal error. ``--debug`` (before or after the subcommand)
shows the full traceback instead.
"""

from __future__ import annotations

import argparse
import sys
import time

from . import __version__
from ._cli import SUBCOMMANDS
from ._cli._common import EXIT_DATA, EXIT_INTERNAL, hint_for, one_line
from .errors import EngagementError

DEFAULT_SEED = 20190304


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}")
    return value


def _add_simulate(sub) -> None:
    p = sub.add_parser(
        "simulate",
        help="regenerate the simulated datasets (raw exports, truth tables, manifest)",
        description="Simulate the panel of collectivités and write raw exports, truth tables "
        "(Parquet), planted_effects.json and MANIFEST.sha256 into --out.",
    )
    p.add_argument("--out", required=True, metavar="DIR", help="output folder (e.g. datasets)")
    p.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})")
    p.add_argument("--scale", type=_positive_float, default=1.0, metavar="K",
                   help="multiply the number of collectivités by K (synthetic ones are added; default 1)")
    p.add_argument("--no-raw", action="store_true", help="write the truth tables only (no export files)")
    p.add_argument("--no-modern", action="store_true", help="skip the modern-layout bundle")
    p.add_argument("--format", choices=("bundle", "parquet"), default="bundle",
                   help="bundle (default): raw exports, truth tables and manifest; parquet: the "
                        "canonical tables only, as a store partitioned by network and month, "
                        "simulated chunk by chunk so any --scale fits in memory (docs/scale.md)")
    p.add_argument("--quiet", action="store_true", help="print nothing on success")


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of the ``engagement`` command."""
    parser = argparse.ArgumentParser(
        prog="engagement",
        description="Social-media analytics for French collectivités: "
        "read exports, compute indicators, write reports.",
    )
    parser.add_argument("--version", action="version", version=f"engagement_lib {__version__}")
    parser.add_argument("--debug", action="store_true", help="show full tracebacks on error")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in SUBCOMMANDS:
        module.add_parser(sub)
    _add_simulate(sub)
    for choice in sub.choices.values():  # `--debug` also after the subcommand
        choice.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                            help="show full tracebacks on error")
    return parser


def _run_simulate(args) -> int:
    from .simulate import simulate_panel, write_bundle

    if args.format == "parquet":
        return _run_simulate_store(args)
    t0 = time.perf_counter()
    panel = simulate_panel(seed=args.seed, scale=args.scale)
    manifest = write_bundle(panel, args.out, seed=args.seed, raw=not args.no_raw, modern=not args.no_modern)
    if not args.quiet:
        n = sum(1 for _ in manifest.read_text(encoding="utf-8").splitlines())
        print(
            f"simulated {len(panel.posts):,} posts of {panel.posts['account'].nunique()} accounts "
            f"(seed {args.seed}, scale {args.scale:g}); wrote {n} files listed in {manifest} "
            f"in {time.perf_counter() - t0:.1f} s"
        )
    return 0


def _run_simulate_store(args) -> int:
    from .simulate.scale import write_partitioned

    info = write_partitioned(args.out, scale=args.scale, seed=args.seed, progress=not args.quiet)
    if not args.quiet:
        rows = ", ".join(f"{n:,} {t}" for t, n in info["rows"].items())
        print(f"simulated {rows} (seed {args.seed}, scale {args.scale:g}, {info['chunks']} "
              f"chunks) into the store {info['path']} in {info['seconds']:.1f} s")
    return 0


_COMMANDS = {"simulate": _run_simulate}


def _user_error(exc: BaseException) -> bool:
    """Whether an exception is the user's or the data's (exit 1) rather than a bug (exit 3)."""
    return isinstance(exc, EngagementError | OSError)


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code (0 ok, 1 data error, 2 usage, 3 internal)."""
    parser = build_parser()
    # argparse exits by itself: 0 for --help/--version, 2 (EXIT_USAGE) for a usage error.
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    runner = _COMMANDS.get(args.command) or args.run
    try:
        return runner(args)
    except KeyboardInterrupt:
        print("engagement: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        if args.debug:
            raise
        message = one_line(exc) or type(exc).__name__
        if _user_error(exc):
            print(f"engagement: error: {message}", file=sys.stderr)
            hint = hint_for(exc)
            if hint:
                print(f"hint: {hint}", file=sys.stderr)
            return EXIT_DATA
        print(f"engagement: internal error: {type(exc).__name__}: {message}", file=sys.stderr)
        print("hint: this is a bug; rerun with --debug and report the traceback to the "
              "engagement_lib maintainers", file=sys.stderr)
        return EXIT_INTERNAL


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
