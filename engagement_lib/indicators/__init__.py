"""Cited indicators: defined once, comparable across networks, with honest uncertainty.

* :data:`INDICATORS` — the registry (id → :class:`Indicator`), in catalog order;
* :func:`catalog` — the data dictionary as a DataFrame (or a Markdown table);
* :func:`compute` — tidy long results per entity and local calendar period,
  with a status when a value cannot be computed and bootstrap intervals;
* :func:`monthly_dashboard` — the ~15 indicators a community manager follows,
  month over month.

Families: :mod:`.audience`, :mod:`.activity`, :mod:`.visibility`,
:mod:`.engagement`, :mod:`.bonson`, :mod:`.responsiveness`. Conventions follow
``indicator_catalog.md`` (shared reference); every indicator documents its
formula, unit, networks, aggregation and reference.
"""

from __future__ import annotations

from . import activity, audience, bonson, engagement, responsiveness, visibility  # noqa: F401
from ._compute import compute
from ._periods import TZ
from ._recipes import STATUS
from .dashboard import DASHBOARD_INDICATORS, MonthlyDashboard, monthly_dashboard
from .engagement import interaction_components
from .registry import FAMILIES, INDICATORS, Indicator, catalog, resolve, unit_label

__all__ = [
    "INDICATORS",
    "FAMILIES",
    "STATUS",
    "TZ",
    "DASHBOARD_INDICATORS",
    "Indicator",
    "MonthlyDashboard",
    "catalog",
    "compute",
    "interaction_components",
    "monthly_dashboard",
    "resolve",
    "unit_label",
]
