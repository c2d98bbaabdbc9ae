"""Reading an analyst's exports folder for a subcommand: checks, options, cleaning.

The subcommands ``clean``, ``indicators`` and ``report`` all start the same
way: check that the folder exists and holds exports, read every file
(:func:`engagement_lib.readers.read_exports`), clean them
(:func:`engagement_lib.cleaning.clean`). The errors a user can make there
become one-line :class:`CliError` messages with a hint.
"""

from __future__ import annotations

import argparse
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..report._data import slugify
from ._common import LAYOUTS_HINT, CliError
from ._parallel import default_jobs, read_folder

__all__ = ["add_input_options", "Loaded", "load_exports", "slugify", "month_arg",
           "positive_int", "collectivites_frame"]

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")

EXAMPLE_FOLDER = "datasets/raw/romans_sur_isere"


def month_arg(text: str) -> pd.Period:
    """argparse type of ``--month YYYY-MM``."""
    match = _MONTH.match(text.strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise argparse.ArgumentTypeError(f"expected a month as YYYY-MM (e.g. 2019-01), got {text!r}")
    return pd.Period(text.strip(), freq="M")


def positive_int(text: str) -> int:
    """argparse type of a positive integer (``--population``)."""
    try:
        value = int(text.replace("_", "").replace(" ", "").replace("\u202f", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive whole number, got {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"expected a positive whole number, got {text!r}")
    return value


def add_input_options(parser: argparse.ArgumentParser, *, collectivite_required: bool = False
                      ) -> None:
    """The EXPORTS folder and the options that say whose exports they are."""
    parser.add_argument("exports", metavar="EXPORTS",
                        help="folder of platform exports (CSV, XLSX, JSON, zip), read recursively; "
                             f"e.g. {EXAMPLE_FOLDER}")
    parser.add_argument(
        "--collectivite", metavar="NAME", required=collectivite_required,
        help="the collectivité the exports belong to (a name such as 'Romans-sur-Isère' or an id "
             "such as romans_sur_isere); "
             + ("" if collectivite_required else "default: taken from the folder names "
                "<collectivite>/<network>/<account>/ or from the exports; ")
             + "it labels every row read",
    )
    parser.add_argument("--account", metavar="NAME", default=None,
                        help="account label for exports that name none (default: from the folder "
                             "<network>/<account>/ or the export)")
    parser.add_argument("--timezone", default="Europe/Paris",
                        help="time zone of timestamps without one in the exports "
                             "(default Europe/Paris)")
    parser.add_argument("--jobs", type=positive_int, default=default_jobs(), metavar="N",
                        help="worker processes reading the files (default: the CPUs, at most 4; "
                             "1 reads in this process)")
    parser.add_argument("--skip-unreadable", action="store_true",
                        help="read on past files that are not recognised exports (they are listed "
                             "in the output) instead of stopping")


def collectivites_frame(cid: str, population: int | None) -> pd.DataFrame | None:
    """The one-row collectivités table that gives compute the population."""
    if population is None:
        return None
    return pd.DataFrame({"id": [cid], "population": [int(population)]})


@dataclass(frozen=True)
class Loaded:
    """Cleaned exports, what could not be read, and what was left out as too old."""

    data: object  # CleanData
    failures: tuple  # of readers.ReadFailure
    n_files: int
    n_older: int = 0  # exports read but not cleaned: every row before ``since``


#: Main time column of each table the readers return.
_TIME = {"posts": "published_at", "followers": "date", "audience": "date",
         "conversations": "received_at", "page_metrics": "date"}

#: Margin below ``since``: naive local times and export-date stamps may be off by a day or two.
_MARGIN = pd.Timedelta(days=3)


def _older(export, since: pd.Timestamp) -> bool:
    """Whether every row of a RawExport is dated before ``since`` (when in doubt: False).

    An export with cells the reader could not parse is kept (its undated rows
    must reach cleaning, and the quarantine).
    """
    column = _TIME.get(export.table)
    rows = export.rows
    if column is None or column not in rows.columns or len(export.issues):
        return False
    values = rows[column]
    if not pd.api.types.is_datetime64_any_dtype(values.dtype) or values.isna().any():
        return False
    latest = values.max()
    latest = latest.tz_localize("UTC") if latest.tzinfo is None else latest.tz_convert("UTC")
    return latest < since.tz_convert("UTC") - _MARGIN


def _check_folder(path: Path) -> None:
    if not path.exists():
        raise CliError(
            f"exports folder {str(path)!r} does not exist",
            hint=f"give the folder holding your platform exports, e.g. {EXAMPLE_FOLDER}",
        )
    if not path.is_dir():
        raise CliError(
            f"{str(path)!r} is a file, expected a folder of exports",
            hint="put the export files in a folder (one sub-folder per network is best) "
                 "and give the folder",
        )


def load_exports(args, *, progress: bool, collectivite: str | None,
                 since: pd.Timestamp | None = None) -> Loaded:
    """Read and clean ``args.exports``; raise :class:`CliError` for the user's mistakes.

    Parameters
    ----------
    args : argparse.Namespace
        With ``exports``, ``account``, ``timezone``, ``jobs``, ``skip_unreadable``.
    progress : bool
        Progress bar while reading the files.
    collectivite : str or None
        Collectivité id given to :func:`~engagement_lib.cleaning.clean`.
    since : pandas.Timestamp, optional
        Exports whose every dated row is older (by more than a few days) are
        read but not cleaned: the caller needs nothing before ``since``, and
        such exports cannot change a newer row (duplicates share a date).
        When that would leave nothing, everything is cleaned.
    """
    from ..cleaning import clean

    folder = Path(args.exports).expanduser()
    _check_folder(folder)
    result = read_folder(folder, timezone=args.timezone, progress=progress,
                         jobs=getattr(args, "jobs", 1),
                         errors="collect" if args.skip_unreadable else "raise")
    failures = tuple(result.failures)
    if not len(result):
        if failures:
            raise CliError(
                f"none of the {len(failures)} files in {str(folder)!r} is a recognised export "
                f"(first: {failures[0]})",
                hint=f"check that these are analytics exports from the platforms; {LAYOUTS_HINT}",
            )
        raise CliError(
            f"no export files found in {str(folder)!r} (empty, or only documents and images)",
            hint="put the CSV/XLSX/JSON files downloaded from Meta Business Suite, X, LinkedIn, "
                 "YouTube Studio... in that folder",
        )
    exports = list(result)
    if since is not None:
        recent = [e for e in exports if not _older(e, since)]
        if any(e.table in ("posts", "followers", "conversations") for e in recent):
            exports = recent
    data = clean(exports, collectivite=collectivite, account=args.account,
                 timezone=args.timezone)
    n_files = len({str(e.path) for e in result}) + len(failures)
    return Loaded(data=data, failures=failures, n_files=n_files,
                  n_older=len(result) - len(exports))
