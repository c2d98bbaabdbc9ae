"""The ``engagement`` command.

Subcommands
-----------
simulate
    Regenerate the simulated datasets: ``engagement simulate --out datasets
    [--seed N] [--scale K]`` writes ``raw/``, ``truth/`` and
    ``MANIFEST.sha256`` (see :func:`engagement_lib.simulate.write_bundle`).

Errors are reported on one line (``engagement: error: ...``) with exit code
1; ``--debug`` shows the full traceback instead.
"""

from __future__ import annotations

import argparse
import sys
import time

from . import __version__
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
    _add_simulate(sub)
    return parser


def _run_simulate(args) -> int:
    from .simulate import simulate_panel, write_bundle

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


_COMMANDS = {"simulate": _run_simulate}


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    try:
        return _COMMANDS[args.command](args)
    except (EngagementError, OSError, ValueError) as exc:
        if args.debug:
            raise
        message = " ".join(str(exc).split()) or type(exc).__name__
        print(f"engagement: error: {message}", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
