"""Engagement indicators: rates whose denominator is in the id.

Interactions of a post: Aᵢ = Lᵢ + Cᵢ + Sᵢ (likes — all reactions —,
comments, shares), plus saves with ``include_saves=True`` and clicks with
``include_clicks=True`` (the convention of X and LinkedIn's own rates).
Components a network does not report add nothing: on YouTube exports
without shares, A = L + C (see :func:`interaction_components`). A post
whose components are all missing is left out.

Rates aggregate over a period as a **ratio of sums** by default
(ΣA / ΣR: each post weighs by its reach) or, with
``aggregation="mean_of_ratios"``, as the mean of the per-post ratios
(Hootsuite's "average ERR": each post weighs the same). Only posts
reporting both the numerator and the denominator count in either.
"""

from __future__ import annotations

import pandas as pd

from ._recipes import Options, PostRate, PostSum
from ._refs import HOOTSUITE, KAUSHIK, PRACTICE, RIVALIQ, XADS
from .registry import Indicator, register
from .visibility import IMPRESSION_NETWORKS, REACH_NETWORKS, VIEW_NETWORKS

__all__ = ["interaction_components"]

_SOCIAL = ("facebook", "instagram", "x", "linkedin", "youtube", "tiktok")
_SHARE_NETWORKS = ("facebook", "instagram", "x", "linkedin", "tiktok")
_CLICK_NETWORKS = ("facebook", "x", "linkedin")
_RATE = "ratio of sums (default) or mean of post ratios"

TOTAL_INTERACTIONS = Indicator(
    id="total_interactions",
    family="engagement",
    label_fr="Interactions",
    label_en="Interactions",
    formula="ΣA, A = L + C + S (+ V, + K if chosen)",
    unit="count",
    networks=_SOCIAL,
    aggregation="sum over posts",
    reference=PRACTICE,
    recipe=PostSum("interactions"),
)
TOTAL_LIKES = Indicator(
    id="total_likes",
    family="engagement",
    label_fr="Mentions J'aime / réactions",
    label_en="Likes / reactions",
    formula="ΣL",
    unit="count",
    networks=_SOCIAL,
    aggregation="sum over posts",
    reference=PRACTICE,
    recipe=PostSum("likes"),
)
TOTAL_COMMENTS = Indicator(
    id="total_comments",
    family="engagement",
    label_fr="Commentaires",
    label_en="Comments",
    formula="ΣC",
    unit="count",
    networks=_SOCIAL,
    aggregation="sum over posts",
    reference=PRACTICE,
    recipe=PostSum("comments"),
)
TOTAL_SHARES = Indicator(
    id="total_shares",
    family="engagement",
    label_fr="Partages",
    label_en="Shares",
    formula="ΣS",
    unit="count",
    networks=_SHARE_NETWORKS,
    aggregation="sum over posts",
    reference=PRACTICE,
    recipe=PostSum("shares"),
    note="Retweets/reposts on X and LinkedIn.",
)
TOTAL_CLICKS = Indicator(
    id="total_clicks",
    family="engagement",
    label_fr="Clics",
    label_en="Clicks",
    formula="ΣK",
    unit="count",
    networks=_CLICK_NETWORKS,
    aggregation="sum over posts",
    reference=PRACTICE,
    recipe=PostSum("clicks"),
)
ENGAGEMENT_RATE_REACH = Indicator(
    id="engagement_rate_reach",
    family="engagement",
    label_fr="Taux d'engagement (sur la couverture)",
    label_en="Engagement rate by reach",
    formula="ΣA / ΣR × 100",
    unit="%",
    networks=REACH_NETWORKS,
    aggregation=_RATE,
    reference=HOOTSUITE + " ('ERR'; needs owner insights).",
    recipe=PostRate("interactions", "reach", scale=100.0),
)
ENGAGEMENT_RATE_IMPRESSIONS = Indicator(
    id="engagement_rate_impressions",
    family="engagement",
    label_fr="Taux d'engagement (sur les impressions)",
    label_en="Engagement rate by impressions",
    formula="ΣA / ΣI × 100",
    unit="%",
    networks=IMPRESSION_NETWORKS,
    aggregation=_RATE,
    reference=HOOTSUITE + " Native rate of X and LinkedIn (which count clicks: include_clicks).",
    recipe=PostRate("interactions", "impressions", scale=100.0),
)
ENGAGEMENT_RATE_FOLLOWERS = Indicator(
    id="engagement_rate_followers",
    family="engagement",
    label_fr="Taux d'engagement (sur les abonnés)",
    label_en="Engagement rate by followers",
    formula="ΣA / (N × F) × 100",
    unit="% per post",
    networks=_SOCIAL,
    aggregation=_RATE,
    reference=RIVALIQ,
    recipe=PostRate("interactions", "followers", scale=100.0),
)
APPLAUSE_RATE = Indicator(
    id="applause_rate",
    family="engagement",
    label_fr="Taux d'approbation (applause)",
    label_en="Applause rate",
    formula="ΣL / (N × F) × 100",
    unit="% per post",
    networks=_SOCIAL,
    aggregation=_RATE,
    reference=KAUSHIK,
    recipe=PostRate("likes", "followers", scale=100.0),
)
CONVERSATION_RATE = Indicator(
    id="conversation_rate",
    family="engagement",
    label_fr="Taux de conversation",
    label_en="Conversation rate",
    formula="ΣC / (N × F) × 100",
    unit="% per post",
    networks=_SOCIAL,
    aggregation=_RATE,
    reference=KAUSHIK,
    recipe=PostRate("comments", "followers", scale=100.0),
)
AMPLIFICATION_RATE = Indicator(
    id="amplification_rate",
    family="engagement",
    label_fr="Taux d'amplification",
    label_en="Amplification rate",
    formula="ΣS / (N × F) × 100",
    unit="% per post",
    networks=_SHARE_NETWORKS,
    aggregation=_RATE,
    reference=KAUSHIK,
    recipe=PostRate("shares", "followers", scale=100.0),
)
CTR = Indicator(
    id="ctr",
    family="engagement",
    label_fr="Taux de clics (CTR)",
    label_en="Click-through rate (CTR)",
    formula="ΣK / ΣI × 100",
    unit="%",
    networks=_CLICK_NETWORKS,
    aggregation=_RATE,
    reference=XADS + " ('click rate').",
    recipe=PostRate("clicks", "impressions", scale=100.0),
)
VIDEO_VIEW_RATE = Indicator(
    id="video_view_rate",
    family="engagement",
    label_fr="Taux de vues des vidéos",
    label_en="Video view rate",
    formula="ΣW / ΣI × 100 over video posts",
    unit="%",
    networks=tuple(n for n in VIEW_NETWORKS if n in IMPRESSION_NETWORKS),
    aggregation=_RATE,
    reference=XADS + " ('media view rate').",
    recipe=PostRate("views", "impressions", scale=100.0, filter="video"),
    note="View definitions differ by network (3 s Facebook, 2 s X, any play elsewhere).",
)

register(
    TOTAL_INTERACTIONS,
    TOTAL_LIKES,
    TOTAL_COMMENTS,
    TOTAL_SHARES,
    TOTAL_CLICKS,
    ENGAGEMENT_RATE_REACH,
    ENGAGEMENT_RATE_IMPRESSIONS,
    ENGAGEMENT_RATE_FOLLOWERS,
    APPLAUSE_RATE,
    CONVERSATION_RATE,
    AMPLIFICATION_RATE,
    CTR,
    VIDEO_VIEW_RATE,
)


def interaction_components(posts: pd.DataFrame, *, include_saves=False, include_clicks=False):
    """Which metrics make up the interactions A on each network of ``posts``.

    Parameters
    ----------
    posts : pandas.DataFrame
        Canonical posts.
    include_saves, include_clicks : bool
        As in :func:`~engagement_lib.indicators.compute`.

    Returns
    -------
    pandas.DataFrame
        One row per network: ``components`` (the metrics reported by at least
        one post, joined by " + ") and ``missing`` (the chosen components the
        network's posts never report).
    """
    wanted = Options(include_saves=include_saves, include_clicks=include_clicks).interactions
    rows = []
    for network, group in posts.groupby(posts["network"].astype(str), sort=True):
        have = [m for m in wanted if m in group.columns and group[m].notna().any()]
        rows.append(
            {
                "network": network,
                "components": " + ".join(have),
                "missing": ", ".join(m for m in wanted if m not in have),
            }
        )
    return pd.DataFrame(rows, columns=["network", "components", "missing"])
