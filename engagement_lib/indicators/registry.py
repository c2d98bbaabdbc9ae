"""The indicator registry: every indicator defined once, with its metadata.

An :class:`Indicator` carries what a reader needs to trust and reuse the
number — id, French and English labels, formula, unit, the networks whose
exports provide its inputs, how it aggregates over a period, a reference —
and its :mod:`recipe <engagement_lib.indicators._recipes>`, the only place
where it is computed. Family modules (``audience``, ``activity``,
``visibility``, ``engagement``, ``bonson``, ``responsiveness``) register
their indicators here at import; :func:`catalog` renders the data dictionary.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..i18n import check_lang
from ..schema import NETWORKS
from ._recipes import Recipe

__all__ = [
    "Indicator",
    "INDICATORS",
    "FAMILIES",
    "register",
    "resolve",
    "catalog",
    "unit_label",
    "status_label",
]

#: Indicator families, in catalog order.
FAMILIES = ("audience", "activity", "visibility", "engagement", "bonson", "responsiveness")

#: All networks (for indicators defined wherever their inputs exist).
ALL_NETWORKS = tuple(NETWORKS)

_UNIT_LABELS = {
    "count": {"fr": "nombre", "en": "count"},
    "%": {"fr": "%", "en": "%"},
    "% per post": {"fr": "% par publication", "en": "% per post"},
    "‰": {"fr": "‰", "en": "‰"},
    "posts/week": {"fr": "publications/semaine", "en": "posts/week"},
    "people/post": {"fr": "personnes/publication", "en": "people/post"},
    "impressions/post": {"fr": "impressions/publication", "en": "impressions/post"},
    "likes/post": {"fr": "j'aime/publication", "en": "likes/post"},
    "comments/post": {"fr": "commentaires/publication", "en": "comments/post"},
    "shares/post": {"fr": "partages/publication", "en": "shares/post"},
    "per post per 1000 followers": {
        "fr": "par publication pour 1000 abonnés",
        "en": "per post per 1000 followers",
    },
    "hours": {"fr": "heures", "en": "hours"},
}


_STATUS_LABELS = {
    "ok": {"fr": "ok", "en": "ok"},
    "small sample": {"fr": "petit échantillon", "en": "small sample"},
    "zero denominator": {"fr": "dénominateur nul", "en": "zero denominator"},
    "not reported for these posts": {
        "fr": "non renseigné pour ces publications",
        "en": "not reported for these posts",
    },
    "no follower data": {"fr": "pas de données d'abonnés", "en": "no follower data"},
    "no population": {"fr": "population inconnue", "en": "no population"},
    "no replies": {"fr": "aucune réponse", "en": "no replies"},
    "not reported by this network": {
        "fr": "non fourni par ce réseau",
        "en": "not reported by this network",
    },
    "no video posts": {"fr": "aucune vidéo", "en": "no video posts"},
    "no conversations": {"fr": "aucune conversation", "en": "no conversations"},
    "no posts": {"fr": "aucune publication", "en": "no posts"},
}


def status_label(status: str, lang: str = "fr") -> str:
    """User-facing label of a result status (unknown statuses come back unchanged)."""
    check_lang(lang)
    return _STATUS_LABELS.get(status, {}).get(lang, status)


def unit_label(unit: str, lang: str = "fr") -> str:
    """User-facing label of a unit (unknown units come back unchanged)."""
    check_lang(lang)
    return _UNIT_LABELS.get(unit, {}).get(lang, unit)


@dataclass(frozen=True)
class Indicator:
    """One indicator of the catalog.

    Attributes
    ----------
    id : str
        Stable identifier (English, snake_case; the denominator is in the id).
    family : str
        One of :data:`FAMILIES`.
    label_fr, label_en : str
        User-facing labels.
    formula : str
        The definition, in the notation of ``indicator_catalog.md`` (per post
        i: likes L, comments C, shares S, saves V, clicks K, reach R,
        impressions I, video views W; N posts; F followers; A interactions).
    unit : str
        Unit of ``value`` (see :func:`unit_label`).
    networks : tuple of str
        Networks whose exports provide the inputs. Elsewhere the value is
        computed if the data allow, otherwise it is missing with a status.
    aggregation : str
        How the indicator aggregates over a period.
    reference : str
        Where the definition comes from.
    recipe : Recipe
        How it is computed (see :mod:`engagement_lib.indicators._recipes`).
    note : str
        Caveats (what differs between networks, known ambiguities).
    """

    id: str
    family: str
    label_fr: str
    label_en: str
    formula: str
    unit: str
    networks: tuple[str, ...]
    aggregation: str
    reference: str
    recipe: Recipe
    note: str = ""

    def label(self, lang: str = "fr") -> str:
        """The label in ``lang`` (``"fr"`` or ``"en"``)."""
        return self.label_fr if check_lang(lang) == "fr" else self.label_en

    @property
    def interval(self) -> bool:
        """Whether :func:`compute` gives this indicator a bootstrap interval."""
        return bool(self.recipe.bootstrap)


#: id → Indicator (filled by the family modules at import; :func:`resolve` gives catalog order).
INDICATORS: dict[str, Indicator] = {}


def _ordered(indicators) -> list[Indicator]:
    """Indicators in catalog order: by family, then in registration order."""
    return sorted(indicators, key=lambda i: FAMILIES.index(i.family))


def register(*indicators: Indicator) -> None:
    """Add indicators to the registry (ids must be new)."""
    for ind in indicators:
        if ind.id in INDICATORS:
            raise ValueError(f"indicator {ind.id!r} is already registered")
        if ind.family not in FAMILIES:
            raise ValueError(f"indicator {ind.id!r}: unknown family {ind.family!r}")
        unknown = set(ind.networks) - set(ALL_NETWORKS)
        if unknown:
            raise ValueError(f"indicator {ind.id!r}: unknown network(s) {sorted(unknown)}")
        INDICATORS[ind.id] = ind


def resolve(indicators=None) -> list[Indicator]:
    """Turn ids, family names or Indicator objects into a list of indicators.

    ``None`` means every registered indicator. Composite indicators bring no
    extra rows: only what is asked for is returned.

    Raises
    ------
    KeyError
        For an unknown id or family, listing the known ones.
    """
    if indicators is None:
        return _ordered(INDICATORS.values())
    if isinstance(indicators, (str, Indicator)):
        indicators = [indicators]
    out: list[Indicator] = []
    for item in indicators:
        if isinstance(item, Indicator):
            found = [item]
        elif item in INDICATORS:
            found = [INDICATORS[item]]
        elif item in FAMILIES:
            found = [i for i in _ordered(INDICATORS.values()) if i.family == item]
        else:
            raise KeyError(
                f"unknown indicator or family {item!r}; families: {', '.join(FAMILIES)}; "
                f"indicators: {', '.join(INDICATORS)}"
            )
        out.extend(i for i in found if i not in out)
    return out


_COLUMNS = [
    "id",
    "family",
    "label_fr",
    "label_en",
    "formula",
    "unit",
    "networks",
    "aggregation",
    "interval",
    "reference",
    "note",
]


def catalog(indicators=None, *, markdown: bool = False, lang: str = "en"):
    """The data dictionary of the indicators.

    Parameters
    ----------
    indicators : list of str, optional
        Ids or family names (default: all).
    markdown : bool, default False
        Return a Markdown table (for the docs) instead of a DataFrame.
    lang : {"en", "fr"}
        Label column shown in the Markdown table.

    Returns
    -------
    pandas.DataFrame or str
        One row per indicator: id, family, labels, formula, unit, networks
        (comma-separated), aggregation, interval (bootstrap interval given by
        :func:`compute`), reference, note.
    """
    rows = [
        {
            "id": i.id,
            "family": i.family,
            "label_fr": i.label_fr,
            "label_en": i.label_en,
            "formula": i.formula,
            "unit": i.unit,
            "networks": ", ".join(i.networks),
            "aggregation": i.aggregation,
            "interval": i.interval,
            "reference": i.reference,
            "note": i.note,
        }
        for i in resolve(indicators)
    ]
    frame = pd.DataFrame(rows, columns=_COLUMNS)
    if not markdown:
        return frame
    check_lang(lang)
    shown = ["id", f"label_{lang}", "formula", "unit", "networks", "aggregation", "reference"]
    header = ["id", "label", "formula", "unit", "networks", "aggregation", "reference"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for _, row in frame[shown].iterrows():
        cells = [str(v).replace("|", "\\|").replace("\n", " ") for v in row]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"
