"""Simulated panels of collectivités' social-media accounts, with planted effects.

The simulator runs the data flow backwards: it draws canonical *truth* tables
from a :class:`Scenario` (the five collectivités of the 2019 *La Gazette des
communes* article by default) and writes them out in each platform's export
format, so that readers get round-trip tests and analyses get recovery tests.

Public API
----------
default_scenario, modern_scenario
    The scenarios of the bundled datasets.
Scenario
    Immutable description; ``without(*effects)`` and ``only(...)`` derive variants.
simulate_panel
    Scenario → :class:`Panel` (``posts, followers, audience, conversations,
    planted_effects``).
write_bundle
    Panel → ``raw/`` exports, ``truth/`` Parquet + ``planted_effects.json``,
    ``MANIFEST.sha256``.
"""

from __future__ import annotations

from .model import Panel, engagement_per_follower, simulate_panel, time_multiplier_table
from .scenario import (
    EFFECTS,
    TOPICS,
    AccountSpec,
    CollectiviteSpec,
    NetworkSpec,
    Responsiveness,
    Scenario,
    default_scenario,
    modern_scenario,
)

__all__ = [
    "EFFECTS",
    "TOPICS",
    "AccountSpec",
    "CollectiviteSpec",
    "NetworkSpec",
    "Responsiveness",
    "Scenario",
    "Panel",
    "default_scenario",
    "modern_scenario",
    "simulate_panel",
    "write_bundle",
    "engagement_per_follower",
    "time_multiplier_table",
]


def write_bundle(panel, out_dir, *, seed, **kwargs):
    """Write a panel's exports, truth tables and manifest (see :mod:`.bundle`)."""
    from .bundle import write_bundle as _write_bundle

    return _write_bundle(panel, out_dir, seed=seed, **kwargs)
