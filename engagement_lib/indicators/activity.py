"""Activity indicators: how much, and in which formats, the account publishes."""

from __future__ import annotations

from ._recipes import MediaMix, PerWeek, PostCount
from ._refs import PRACTICE
from .registry import ALL_NETWORKS, Indicator, register

POSTS = Indicator(
    id="posts",
    family="activity",
    label_fr="Publications",
    label_en="Posts",
    formula="N: posts published in the period (Europe/Paris time)",
    unit="count",
    networks=ALL_NETWORKS,
    aggregation="count",
    reference=PRACTICE,
    recipe=PostCount(),
    note="0 is a real value: the account published nothing that period.",
)
POSTS_PER_WEEK = Indicator(
    id="posts_per_week",
    family="activity",
    label_fr="Publications par semaine",
    label_en="Posts per week",
    formula="N / (days in the period / 7)",
    unit="posts/week",
    networks=ALL_NETWORKS,
    aggregation="count / weeks (local calendar days)",
    reference="Rival IQ and Hootsuite posting frequency. " + PRACTICE,
    recipe=PerWeek(),
    note="A period cut by the start or end of the data counts its full length.",
)
MEDIA_MIX = Indicator(
    id="media_mix",
    family="activity",
    label_fr="Part des publications par format",
    label_en="Share of posts by media type",
    formula="N_type / N × 100, one row per media type (indicator 'media_mix:<type>')",
    unit="%",
    networks=ALL_NETWORKS,
    aggregation="count ratio",
    reference=PRACTICE,
    recipe=MediaMix(),
    note=(
        "Only media types the group ever uses get a row; posts with a missing or unrecognised "
        "media type count as 'media_mix:unknown'."
    ),
)

register(POSTS, POSTS_PER_WEEK, MEDIA_MIX)
