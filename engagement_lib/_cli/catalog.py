"""``engagement catalog``: the indicator catalog (data dictionary), or the supported exports.

``engagement catalog`` prints every indicator with its label, unit and
formula; ``--format markdown|csv`` gives the full table (aggregation,
networks, reference, notes); ``--layouts`` lists the export layouts the
readers recognise instead.
"""

from __future__ import annotations

import sys

import pandas as pd

from ._common import description, output_path
from .indicators import resolve_indicators

__all__ = ["add_parser", "run", "layouts_frame"]


def add_parser(sub) -> None:
    """Register the subcommand."""
    p = sub.add_parser(
        "catalog",
        help="list the indicators (id, label, unit, formula, reference) or the supported exports",
        description=description(__doc__),
    )
    p.add_argument("--layouts", action="store_true",
                   help="list the export layouts the readers recognise instead of the indicators")
    p.add_argument("--format", choices=("text", "markdown", "csv"), default="text",
                   help="output format (default text)")
    p.add_argument("--lang", choices=("fr", "en"), default="fr",
                   help="language of the labels (default fr)")
    p.add_argument("--family", action="append", metavar="NAME",
                   help="only this indicator family or id (repeatable)")
    p.add_argument("--out", metavar="FILE", help="write to FILE instead of the screen")
    p.set_defaults(run=run)


def layouts_frame() -> pd.DataFrame:
    """The registered export layouts: ``network, table, kind, layout, description``."""
    from ..readers import layouts

    rows = [{"network": lay.network, "table": lay.table, "kind": lay.kind, "layout": lay.name,
             "description": lay.description} for lay in layouts()]
    return pd.DataFrame(rows, columns=["network", "table", "kind", "layout", "description"]
                        ).sort_values(["network", "table", "layout"], ignore_index=True)


def _indicators_text(frame: pd.DataFrame, lang: str) -> str:
    from ..indicators import unit_label

    lines = []
    for family, part in frame.groupby("family", sort=False):
        lines.append(f"[{family}]")
        for _, r in part.iterrows():
            lines.append(f"  {r['id']}: {r[f'label_{lang}']} ({unit_label(r['unit'], lang)})"
                         f" = {r['formula']}")
    return "\n".join(lines) + "\n"


def _layouts_text(frame: pd.DataFrame) -> str:
    return "".join(f"{r.network:<10} {r.table:<14} {r.kind:<5} {r.layout}"
                   + (f" — {r.description}" if r.description else "") + "\n"
                   for r in frame.itertuples())


def _markdown(frame: pd.DataFrame) -> str:
    header = "| " + " | ".join(frame.columns) + " |\n|" + "---|" * len(frame.columns) + "\n"
    body = "".join("| " + " | ".join(str(v).replace("|", "\\|").replace("\n", " ") for v in row)
                   + " |\n" for row in frame.itertuples(index=False))
    return header + body


def run(args) -> int:
    """Run ``engagement catalog``."""
    from ..indicators import catalog

    if args.layouts:
        frame = layouts_frame()
        text = {"text": _layouts_text, "markdown": _markdown,
                "csv": lambda f: f.to_csv(index=False, lineterminator="\n")}[args.format](frame)
    else:
        ids = resolve_indicators(args.family)
        frame = catalog(ids)
        if args.format == "markdown":
            text = catalog(ids, markdown=True, lang=args.lang)
        elif args.format == "csv":
            text = frame.to_csv(index=False, lineterminator="\n")
        else:
            text = _indicators_text(frame, args.lang)
    if args.out:
        output_path(args.out).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0
