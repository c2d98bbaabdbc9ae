"""Visibility indicators: how many people and screens the posts reached.

Reach is the number of distinct people who saw a post (owner-only insights:
Facebook, Instagram, TikTok, Snapchat); X and LinkedIn report impressions
only, so their reach-based indicators are missing with the status "not
reported by this network". Reach summed over posts counts a person once per
post seen, so ``total_reach`` is not the period's unique reach.
"""

from __future__ import annotations

from ._recipes import PostRate, PostSum
from ._refs import HOOTSUITE, PRACTICE
from .registry import Indicator, register

REACH_NETWORKS = ("facebook", "instagram", "tiktok", "snapchat")
IMPRESSION_NETWORKS = ("facebook", "instagram", "x", "linkedin", "youtube")
VIEW_NETWORKS = ("facebook", "instagram", "x", "linkedin", "youtube", "tiktok", "snapchat")

TOTAL_REACH = Indicator(
    id="total_reach",
    family="visibility",
    label_fr="Couverture cumulée des publications",
    label_en="Reach summed over posts",
    formula="ΣR",
    unit="count",
    networks=REACH_NETWORKS,
    aggregation="sum over posts reporting reach",
    reference=PRACTICE,
    recipe=PostSum("reach"),
    note="Counts a person once per post seen (not the period's unique reach).",
)
TOTAL_IMPRESSIONS = Indicator(
    id="total_impressions",
    family="visibility",
    label_fr="Impressions",
    label_en="Impressions",
    formula="ΣI",
    unit="count",
    networks=IMPRESSION_NETWORKS,
    aggregation="sum over posts reporting impressions",
    reference=PRACTICE,
    recipe=PostSum("impressions"),
    note=(
        "Meta replaced impressions by views in 2025 (see posts.metric_era); YouTube impressions "
        "are thumbnail impressions."
    ),
)
REACH_PER_POST = Indicator(
    id="reach_per_post",
    family="visibility",
    label_fr="Couverture moyenne par publication",
    label_en="Reach per post",
    formula="ΣR / N",
    unit="people/post",
    networks=REACH_NETWORKS,
    aggregation="mean over posts reporting reach",
    reference=HOOTSUITE,
    recipe=PostRate("reach", "one"),
)
REACH_RATE = Indicator(
    id="reach_rate",
    family="visibility",
    label_fr="Taux de couverture",
    label_en="Reach rate",
    formula="ΣR / (N × F) × 100",
    unit="% per post",
    networks=REACH_NETWORKS,
    aggregation="ratio of sums (default) or mean of post ratios",
    reference="Practitioner convention (reach / followers); " + HOOTSUITE,
    recipe=PostRate("reach", "followers", scale=100.0),
    note="Can exceed 100 %: reach includes people who do not follow the account.",
)
IMPRESSIONS_PER_POST = Indicator(
    id="impressions_per_post",
    family="visibility",
    label_fr="Impressions par publication",
    label_en="Impressions per post",
    formula="ΣI / N",
    unit="impressions/post",
    networks=IMPRESSION_NETWORKS,
    aggregation="mean over posts reporting impressions",
    reference=PRACTICE,
    recipe=PostRate("impressions", "one"),
)
TOTAL_VIDEO_VIEWS = Indicator(
    id="total_video_views",
    family="visibility",
    label_fr="Vues de vidéos",
    label_en="Video views",
    formula="ΣW over video posts (video, reel, live)",
    unit="count",
    networks=VIEW_NETWORKS,
    aggregation="sum over video posts reporting views",
    reference=PRACTICE,
    recipe=PostSum("views", filter="video"),
    note="A 'view' is 3 s on Facebook, 2 s on X, any play on TikTok and Instagram Reels.",
)

register(
    TOTAL_REACH,
    TOTAL_IMPRESSIONS,
    REACH_PER_POST,
    REACH_RATE,
    IMPRESSIONS_PER_POST,
    TOTAL_VIDEO_VIEWS,
)
