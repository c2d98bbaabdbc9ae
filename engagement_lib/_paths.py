"""Root-anchored paths of the project (one place, cookiecutter-data-science style).

The bundled data live in ``<repository root>/datasets``. Set the environment
variable ``ENGAGEMENT_DATA_DIR`` to point the library at another folder (for
example a copy of the data outside the repository).
"""

from __future__ import annotations

import os
from pathlib import Path

#: Environment variable that overrides the location of the ``datasets`` folder.
DATA_DIR_ENV = "ENGAGEMENT_DATA_DIR"

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_ROOT = PACKAGE_DIR.parent


def data_dir() -> Path:
    """Return the folder holding the bundled datasets.

    Returns
    -------
    pathlib.Path
        ``$ENGAGEMENT_DATA_DIR`` when set, otherwise ``<repo>/datasets``.
    """
    override = os.environ.get(DATA_DIR_ENV)
    return Path(override).expanduser().resolve() if override else REPO_ROOT / "datasets"


def notebooks_dir() -> Path:
    """Return the folder of the research notebooks."""
    return REPO_ROOT / "notebooks"


def output_dir() -> Path:
    """Return the git-ignored folder where notebooks and commands write outputs."""
    return REPO_ROOT / "build" / "outputs"
