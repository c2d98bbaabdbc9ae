"""The ``engagement`` command."""

from __future__ import annotations

import argparse
import sys

from . import __version__


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of the ``engagement`` command."""
    parser = argparse.ArgumentParser(
        prog="engagement",
        description="Social-media analytics for French collectivités: "
        "read exports, compute indicators, write reports.",
    )
    parser.add_argument("--version", action="version", version=f"engagement_lib {__version__}")
    parser.add_argument("--debug", action="store_true", help="show full tracebacks on error")
    parser.add_subparsers(dest="command", metavar="COMMAND")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
