"""Readers: platform export files → :class:`RawExport` (one per table found).

Public API
----------
read_export(path, *, timezone="Europe/Paris", layout=None) -> list[RawExport]
    One file (CSV, XLSX, JSON or a zip of them); the layout is detected from
    the header signature, never from the file name.
read_exports(folder, *, timezone=..., progress=None, errors="raise") -> ReadResult
    Every file under a folder, recursively, in sorted order; ``errors="collect"``
    keeps going and lists failures in ``result.failures``.
read_table(path, *, mapping, network, ...) -> RawExport
    Any other table, given a canonical column → header mapping.
detect(path) -> Layout
    Which registered layout a file follows.
layouts(kind=None), get_layout(name)
    The registry (see :mod:`engagement_lib.readers._registry` for how a
    platform family module registers its layouts).

Platform family modules (``meta``, ``x``, ``linkedin``, ``youtube``,
``tiktok``, ``snapchat``) register their layouts when imported; they are
imported here, each guarded so that a family not written yet does not break
``import engagement_lib.readers``.
"""

from __future__ import annotations

import importlib

from ._base import ISSUE_COLUMNS, SKIPPED_COLUMNS, RawExport
from ._detect import ReadFailure, ReadResult, detect, list_exports, read_export, read_exports
from ._registry import Layout, Table, get_layout, layouts, register
from .generic import read_table

__all__ = [
    "RawExport",
    "ISSUE_COLUMNS",
    "SKIPPED_COLUMNS",
    "read_export",
    "read_exports",
    "list_exports",
    "read_table",
    "detect",
    "ReadResult",
    "ReadFailure",
    "Layout",
    "Table",
    "register",
    "layouts",
    "get_layout",
]

#: Platform family modules imported for their layout registrations.
FAMILIES = ("meta", "x", "linkedin", "youtube", "tiktok", "snapchat")

for _family in FAMILIES:
    try:
        importlib.import_module(f"{__name__}.{_family}")
    except ModuleNotFoundError as _exc:  # only a family not written yet is tolerated
        if _exc.name != f"{__name__}.{_family}":
            raise
del _family
