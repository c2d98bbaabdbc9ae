"""What every subcommand shares: exit codes, one-line errors with a hint, progress bars.

Exit codes of the ``engagement`` command:

* ``0`` — success;
* ``1`` — user or data error (missing folder, unreadable export, a month
  without data...): one line ``engagement: error: ...`` and one line
  ``hint: ...`` on stderr;
* ``2`` — usage error (unknown option, bad value), reported by argparse;
* ``3`` — internal error (a bug): one line asking to rerun with ``--debug``
  and to report it.

``--debug`` replaces the one-line message by the full traceback.
"""

from __future__ import annotations

import argparse
import re
import sys
from contextlib import contextmanager
from pathlib import Path

from ..errors import DatasetNotFoundError, EngagementError, ExportFormatError, SchemaError

__all__ = [
    "EXIT_OK",
    "EXIT_DATA",
    "EXIT_USAGE",
    "EXIT_INTERNAL",
    "CliError",
    "hint_for",
    "one_line",
    "description",
    "show_progress",
    "add_progress_options",
    "Steps",
]

EXIT_OK = 0
EXIT_DATA = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3

#: Where to find the supported export formats (quoted in hints).
LAYOUTS_HINT = "`engagement catalog --layouts` lists the supported exports"


class CliError(EngagementError):
    """A user or data error of the command line, with a hint saying what to do.

    Parameters
    ----------
    message : str
        What went wrong (one line: file, what was expected, what was found).
    hint : str, optional
        What the user can do about it.
    """

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.hint = hint


def one_line(text) -> str:
    """Collapse a message onto one line (exceptions may carry newlines)."""
    return " ".join(str(text).split())


def hint_for(exc: BaseException) -> str | None:
    """The hint printed under the error message of a library exception."""
    if isinstance(exc, CliError):
        return exc.hint
    if isinstance(exc, ExportFormatError):
        return (
            "use the file exactly as the platform exported it, or move it out of the folder "
            f"(or add --skip-unreadable to read on); {LAYOUTS_HINT}"
        )
    if isinstance(exc, SchemaError):
        return "the table does not follow the canonical schema; see the data dictionary"
    if isinstance(exc, DatasetNotFoundError):
        return "run `make data` (or `engagement simulate --out datasets`) to regenerate the datasets"
    if isinstance(exc, PermissionError):
        return "check that you may read the input and write the output there"
    if isinstance(exc, FileNotFoundError | NotADirectoryError | IsADirectoryError):
        return "check the path"
    if isinstance(exc, OSError):
        return "check the path, the free disk space and the permissions"
    if isinstance(exc, EngagementError):
        return "rerun with --debug for the details"
    return None


def description(doc: str | None) -> str | None:
    """A module docstring without its first line and reST markup, for ``--help``."""
    if not doc:
        return None
    body = doc.split("\n\n", 1)[1] if "\n\n" in doc else doc
    body = re.sub(r":(?:mod|func|class|data):`~?([^`]+)`", r"\1", body)
    return body.replace("``", "")


def show_progress(args) -> bool:
    """Whether to draw progress bars: ``--progress``/``--no-progress``, else when stderr is a terminal."""
    choice = getattr(args, "progress", None)
    if choice is not None:
        return bool(choice)
    stream = sys.stderr
    return bool(getattr(stream, "isatty", lambda: False)())


def add_progress_options(parser: argparse.ArgumentParser) -> None:
    """``--progress``/``--no-progress`` (default: bars only on a terminal)."""
    parser.add_argument(
        "--progress", action=argparse.BooleanOptionalAction, default=None,
        help="draw progress bars on stderr (default: only when stderr is a terminal)",
    )


class Steps:
    """A progress bar over the named steps of a long command (no-op when disabled)."""

    def __init__(self, names, *, enabled: bool, desc: str):
        self._bar = None
        if enabled:
            from tqdm.auto import tqdm

            self._bar = tqdm(total=len(names), desc=desc, unit="step", file=sys.stderr,
                             leave=False)

    @contextmanager
    def step(self, name: str):
        """Show ``name`` while the block runs, advance the bar after it."""
        if self._bar is not None:
            self._bar.set_postfix_str(name)
        yield
        if self._bar is not None:
            self._bar.update(1)

    def close(self) -> None:
        """Remove the bar."""
        if self._bar is not None:
            self._bar.close()


def output_path(path: str | Path, *, suffixes: tuple[str, ...] | None = None) -> Path:
    """Check an output path: known suffix, parent folder created if missing."""
    out = Path(path).expanduser()
    if out.is_dir():
        raise CliError(f"output {str(out)!r} is a folder, expected a file name",
                       hint="give a file name inside it, e.g. " + str(out / "report.html"))
    if suffixes is not None and out.suffix.lower() not in suffixes:
        raise CliError(
            f"output {str(out)!r}: unsupported file type {out.suffix or '(none)'!r}",
            hint=f"name the output with one of {', '.join(suffixes)}",
        )
    out.parent.mkdir(parents=True, exist_ok=True)
    return out
