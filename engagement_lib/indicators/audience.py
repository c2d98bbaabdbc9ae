"""Audience indicators: how many follow the account, and how fast that changes.

Computed from the ``followers`` table (one row per account and day, count at
the end of the day). For a period: F_end is the last known count in the
period; F_start the last count of the previous period. Without a count in
the previous period the growth is missing ("no follower data"): a count
taken inside the period would miss part of its growth (so the first period
of a series, and a single period with ``freq=None``, have no growth). When
several accounts form one group (``by`` without ``account``), counts are
summed over the accounts with data — a person following two accounts
counts twice.

``followers_per_1000_inhabitants`` uses the INSEE *population municipale*
(``collectivites.population``, the latest legal population) by default: it
is official, dated and comparable between collectivités. ``population=
"article"`` uses the figures printed in *La Gazette des communes* (4 March
2019), to reproduce the article's era; Val-de-Marne has none there.
"""

from __future__ import annotations

from ._recipes import FollowerStat
from ._refs import BAROMETERS, HOOTSUITE, PRACTICE
from .registry import Indicator, register

_NETWORKS = ("facebook", "instagram", "x", "youtube", "tiktok", "snapchat", "viadeo")

FOLLOWERS = Indicator(
    id="followers",
    family="audience",
    label_fr="Abonnés (fin de période)",
    label_en="Followers (end of period)",
    formula="F_end: last follower count of the period",
    unit="count",
    networks=_NETWORKS,
    aggregation="last value in the period (summed over accounts)",
    reference=PRACTICE,
    recipe=FollowerStat("end"),
    note="LinkedIn page exports give new followers only, not the running total.",
)
NET_FOLLOWER_GROWTH = Indicator(
    id="net_follower_growth",
    family="audience",
    label_fr="Évolution nette des abonnés",
    label_en="Net follower growth",
    formula="F_end − F_start",
    unit="count",
    networks=_NETWORKS,
    aggregation="end minus start of the period (summed over accounts with both)",
    reference=PRACTICE,
    recipe=FollowerStat("growth"),
)
FOLLOWER_GROWTH_RATE = Indicator(
    id="follower_growth_rate",
    family="audience",
    label_fr="Taux de croissance des abonnés",
    label_en="Follower growth rate",
    formula="(F_end − F_start) / F_start × 100",
    unit="%",
    networks=_NETWORKS,
    aggregation="ratio of sums over accounts (start as denominator)",
    reference=HOOTSUITE + " Start of period as denominator, for reproducibility.",
    recipe=FollowerStat("growth_rate"),
)
FOLLOWERS_PER_1000 = Indicator(
    id="followers_per_1000_inhabitants",
    family="audience",
    label_fr="Abonnés pour 1000 habitants",
    label_en="Followers per 1000 inhabitants",
    formula="F_end / population × 1000",
    unit="‰",
    networks=_NETWORKS,
    aggregation="last value in the period / population",
    reference=BAROMETERS,
    recipe=FollowerStat("per_1000"),
    note=(
        "Population: INSEE population municipale by default; population='article' uses the "
        "Gazette's 2019 figures. Several collectivités in one group: sum of their populations."
    ),
)

register(FOLLOWERS, NET_FOLLOWER_GROWTH, FOLLOWER_GROWTH_RATE, FOLLOWERS_PER_1000)
