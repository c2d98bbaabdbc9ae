"""The subcommands of the ``engagement`` command, one module each.

Each module has ``add_parser(subparsers)`` (which sets ``run`` as the
parser's default) and ``run(args) -> int``; :mod:`engagement_lib.cli` wires
them, with the ``simulate`` subcommand it defines itself, and turns
exceptions into exit codes and one-line messages (:mod:`._common`).
"""

from __future__ import annotations

from . import catalog, clean, indicators, report

__all__ = ["SUBCOMMANDS"]

#: Subcommand modules, in the order ``engagement --help`` lists them.
SUBCOMMANDS = (clean, indicators, report, catalog)
