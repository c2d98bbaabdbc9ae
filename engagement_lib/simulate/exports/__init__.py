"""Export writers: canonical truth tables → the files platforms hand to a community manager.

The mirror image of :mod:`engagement_lib.readers`. Each platform family module
(``meta``, ``x``, ``linkedin``, ``youtube``, ``tiktok``, ``snapchat``) defines
a ``WRITERS`` dict, layout name → writer function, with the signature::

    writer(table, path, *, exported_at, language="en", resave=None,
           mangle_ids=0.0, rng=None, **layout_options) -> pathlib.Path

``table`` is a slice of a canonical truth table (posts, followers or
audience, columns as :mod:`engagement_lib.schema`, UTC timestamps) for ONE
account; ``path`` a file, or a folder in which the platform's own file name is
used. Layout names are the reader registry's, so that round-trip tests pair a
writer with the layout that reads it back. The "messy" post-processing shared
by every CSV writer (French Excel re-save, IDs turned into scientific
notation) lives in :mod:`._mess`.

Family modules are imported here, each guarded so that a family not written
yet does not break the import.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["WRITERS", "write_export", "LANGUAGES", "RESAVES"]

#: Languages a writer may be asked for ("bilingual" = Meta's mixed EN/FR headers).
LANGUAGES = ("en", "fr", "bilingual")
#: Re-save styles understood by :func:`._mess.apply`.
RESAVES = ("fr_excel", "fr_excel_utf8")

#: Layout name → writer function (filled from the family modules below).
WRITERS: dict[str, Callable] = {}

FAMILIES = ("meta", "x", "linkedin", "youtube", "tiktok", "snapchat")

for _family in FAMILIES:
    try:
        _mod = importlib.import_module(f"{__name__}.{_family}")
    except ModuleNotFoundError as _exc:  # only a family not written yet is tolerated
        if _exc.name != f"{__name__}.{_family}":
            raise
        continue
    for _name, _fn in getattr(_mod, "WRITERS", {}).items():
        if _name in WRITERS and WRITERS[_name] is not _fn:
            raise RuntimeError(f"export writer {_name!r} registered twice")
        WRITERS[_name] = _fn
del _family


def write_export(layout: str, table: pd.DataFrame, path, *, exported_at: pd.Timestamp,
                 language: str = "en", resave: str | None = None, mangle_ids: float = 0.0,
                 rng: np.random.Generator | None = None, **options) -> Path:
    """Write one account's canonical table in a platform export layout.

    Parameters
    ----------
    layout : str
        A key of :data:`WRITERS` (same names as the reader layouts), e.g.
        ``"meta_business_suite_posts"``.
    table : pandas.DataFrame
        Canonical rows of ONE account (posts, followers or audience).
        Not modified.
    path : str or pathlib.Path
        File to write, or a folder (the platform's file name is used inside).
    exported_at : pandas.Timestamp
        When the export is made (UTC); written where the format keeps it
        (file name, workbook properties, JSON metadata).
    language : {"en", "fr", "bilingual"}
        Header language.
    resave : {None, "fr_excel", "fr_excel_utf8"}
        Re-emit the file as French Excel would after opening and saving it.
    mangle_ids : float, default 0.0
        Share of ID cells written in scientific notation (``1.22158E+17``).
    rng : numpy.random.Generator, optional
        Randomness for mangling and layout-specific noise.
    **options
        Layout-specific options (documented by each writer).

    Returns
    -------
    pathlib.Path
        The file written.
    """
    try:
        writer = WRITERS[layout]
    except KeyError:
        raise KeyError(f"no export writer {layout!r}; known: {', '.join(sorted(WRITERS))}") from None
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {LANGUAGES}, not {language!r}")
    if resave is not None and resave not in RESAVES:
        raise ValueError(f"resave must be None or one of {RESAVES}, not {resave!r}")
    if not 0.0 <= mangle_ids <= 1.0:
        raise ValueError(f"mangle_ids is a share in [0, 1], not {mangle_ids!r}")
    return Path(writer(table, path, exported_at=pd.Timestamp(exported_at), language=language,
                       resave=resave, mangle_ids=mangle_ids, rng=rng, **options))
