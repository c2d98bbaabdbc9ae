"""The library's own exceptions: every one says where and what went wrong."""

from __future__ import annotations


class EngagementError(Exception):
    """Base class of every error raised on purpose by engagement_lib."""


class SchemaError(EngagementError, ValueError):
    """A table does not follow its canonical schema (see :mod:`engagement_lib.schema`)."""


class CleaningError(EngagementError, ValueError):
    """Cleaning cannot proceed (bad argument, broken RawExport) or a report does not add up."""


class DatasetNotFoundError(EngagementError, KeyError):
    """An unknown bundled dataset was asked for."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class ExportFormatError(EngagementError, ValueError):
    """An export file cannot be read: unknown layout, truncated, empty or binary.

    Parameters
    ----------
    message : str
        What was expected and what was found.
    path : str or pathlib.Path, optional
        The file concerned.
    line : int, optional
        1-based line number in the file, when known.
    column : str, optional
        The column concerned, when known.
    """

    def __init__(self, message, *, path=None, line=None, column=None):
        self.path = None if path is None else str(path)
        self.line = line
        self.column = column
        where = []
        if self.path is not None:
            where.append(self.path)
        if line is not None:
            where.append(f"line {line}")
        if column is not None:
            where.append(f"column {column!r}")
        prefix = ", ".join(where)
        super().__init__(f"{prefix}: {message}" if prefix else message)
