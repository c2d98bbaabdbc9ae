"""Which collectivité the user means: ``"Romans-sur-Isère"``, ``romans_sur_isere``...

The bundled table of collectivités (:func:`engagement_lib.load_dataset`
``("collectivites")``) gives the id, the display name and the INSEE
population of the five collectivités of the article; any other name is
accepted as is (an analyst's own collectivité), its id being the name in
snake_case.
"""

from __future__ import annotations

from dataclasses import dataclass

from ._common import CliError
from ._inputs import slugify

__all__ = ["Collectivite", "resolve_collectivite"]


@dataclass(frozen=True)
class Collectivite:
    """A collectivité as the command line understood it."""

    id: str
    name: str
    population: int | None  # INSEE population when the collectivité is bundled


def _known():
    try:
        from ..datasets import load_dataset

        return load_dataset("collectivites")
    except Exception:  # the table is a convenience: an analyst's own name works without it
        return None


def resolve_collectivite(name: str) -> Collectivite:
    """Resolve ``--collectivite NAME`` (id or display name, accents and case ignored)."""
    slug = slugify(name)
    if not slug:
        raise CliError(f"--collectivite {name!r} is not a usable name",
                       hint="give a name with letters, e.g. --collectivite 'Romans-sur-Isère'")
    table = _known()
    if table is not None:
        for _, row in table.iterrows():
            if slug in (str(row["id"]), slugify(row["name"])):
                return Collectivite(str(row["id"]), str(row["name"]), int(row["population"]))
    return Collectivite(slug, str(name).strip(), None)
