"""Bundled datasets: ``list_datasets()`` and ``load_dataset(name)``.

Every dataset is a file under the data folder (``datasets/`` at the repository
root, or ``$ENGAGEMENT_DATA_DIR``): ``collectivites`` and the simulated truth
tables (``truth/<table>.parquet`` → ``"truth/posts"``...). Tables known to
:mod:`engagement_lib.schema` are typed on load (categoricals, nullable
integers, tz-aware UTC timestamps).
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from ._paths import data_dir
from .errors import DatasetNotFoundError
from .schema import TABLES, validate

__all__ = ["list_datasets", "load_dataset", "dataset_path"]

_SUFFIXES = (".csv", ".parquet", ".json")
_SKIP_DIRS = {"raw"}  # raw exports are read with engagement_lib.readers


def _catalogue(root: Path) -> dict[str, Path]:
    found = {}
    if not root.is_dir():
        return found
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if not path.is_file() or path.suffix not in _SUFFIXES or rel.parts[0] in _SKIP_DIRS:
            continue
        found[rel.with_suffix("").as_posix()] = path
    return found


def list_datasets() -> list[str]:
    """Return the names of the bundled datasets, sorted.

    Returns
    -------
    list of str
        Names accepted by :func:`load_dataset`, e.g. ``"collectivites"`` or
        ``"truth/posts"``.
    """
    return sorted(_catalogue(data_dir()))


def dataset_path(name: str) -> Path:
    """Return the file behind a dataset name; raise a helpful error if unknown."""
    catalogue = _catalogue(data_dir())
    try:
        return catalogue[name]
    except KeyError:
        known = ", ".join(sorted(catalogue)) or "(none: is the data folder empty?)"
        raise DatasetNotFoundError(
            f"unknown dataset {name!r} in {data_dir()}; known datasets: {known}"
        ) from None


def load_dataset(name: str) -> pd.DataFrame | dict:
    """Load a bundled dataset, typed.

    Parameters
    ----------
    name : str
        A name from :func:`list_datasets`.

    Returns
    -------
    pandas.DataFrame or dict
        A frame (validated against its canonical schema when the file stem is
        a canonical table name) or, for JSON files, the parsed document.

    Raises
    ------
    DatasetNotFoundError
        If the name is unknown; the message lists the known names.
    """
    path = dataset_path(name)
    if path.suffix == ".json":
        return json.loads(path.read_text(encoding="utf-8"))
    if path.suffix == ".parquet":
        frame = pd.read_parquet(path)
    else:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    table = path.stem
    return validate(frame, table) if table in TABLES else frame
