"""Bonsón & Ratkai (2013): popularity, commitment, virality and engagement.

The public-sector literature's standard set, computed per period:

=====  =================================================  ===========================
code   definition                                          unit
=====  =================================================  ===========================
P1     posts with ≥ 1 like / N × 100                       %
P2     ΣL / N                                              likes/post
P3     P2 / F × 1000                                       likes/post per 1000 fans
C1–C3  the same with comments                              (commitment)
V1–V3  the same with shares                                (virality)
E      P3 + C3 + V3                                        per post per 1000 fans
=====  =================================================  ===========================

Reference: Bonsón, E. & Ratkai, M. (2013), *Online Information Review*
37(5), 787–803, doi:10.1108/OIR-03-2012-0054, reused for municipalities by
Bonsón, Royo & Ratkai (2015, GIQ 32(1)) and (2017, *Administration &
Society* 49(3)). The paper's formula table itself was not retrieved: the
structure above is the widely reproduced one (see
``indicators_literature.md`` A.1). "Likes" count all reactions (Facebook
reactions since 2016). Fans F: followers at the end of the period by
default (the papers used a snapshot), or the mean of start and end.

P3, C3 and V3 equal Kaushik's applause, conversation and amplification
rates ×10, and E equals the follower-based engagement rate ×10 when likes,
comments and shares are all reported. E is missing when one of P3, C3, V3
is (e.g. YouTube without shares).
"""

from __future__ import annotations

from ._recipes import Composite, PostRate
from ._refs import BONSON
from .registry import Indicator, register

_LIKE_NETWORKS = ("facebook", "instagram", "x", "linkedin", "youtube", "tiktok")
_SHARE_NETWORKS = ("facebook", "instagram", "x", "linkedin", "tiktok")
_FANS = "per post per 1000 followers"

_SPECS = {
    # code: (metric, networks, fr noun, fr plural, en noun, fr name, en name)
    "p": ("likes", _LIKE_NETWORKS, "j'aime", "j'aime", "like", "Popularité", "Popularity"),
    "c": (
        "comments",
        _LIKE_NETWORKS,
        "commentaire",
        "commentaires",
        "comment",
        "Implication",
        "Commitment",
    ),
    "v": ("shares", _SHARE_NETWORKS, "partage", "partages", "share", "Viralité", "Virality"),
}
_SYMBOL = {"likes": "L", "comments": "C", "shares": "S"}


def _family(code: str) -> list[Indicator]:
    metric, networks, fr_noun, fr_plural, en_noun, fr_name, en_name = _SPECS[code]
    up, sym = code.upper(), _SYMBOL[metric]
    return [
        Indicator(
            id=f"bonson_{code}1",
            family="bonson",
            label_fr=f"{fr_name} {up}1 : part des publications avec ≥ 1 {fr_noun}",
            label_en=f"{en_name} {up}1: share of posts with ≥ 1 {en_noun}",
            formula=f"#(posts with {sym}ᵢ ≥ 1) / N × 100",
            unit="%",
            networks=networks,
            aggregation="count ratio over posts reporting the metric",
            reference=BONSON,
            recipe=PostRate(f"ge1:{metric}", "one", scale=100.0),
        ),
        Indicator(
            id=f"bonson_{code}2",
            family="bonson",
            label_fr=f"{fr_name} {up}2 : {fr_plural} par publication",
            label_en=f"{en_name} {up}2: {en_noun}s per post",
            formula=f"Σ{sym} / N",
            unit=f"{metric}/post",
            networks=networks,
            aggregation="mean over posts reporting the metric",
            reference=BONSON,
            recipe=PostRate(metric, "one"),
        ),
        Indicator(
            id=f"bonson_{code}3",
            family="bonson",
            label_fr=f"{fr_name} {up}3 : {fr_plural} par publication pour 1000 abonnés",
            label_en=f"{en_name} {up}3: {en_noun}s per post per 1000 followers",
            formula=f"{up}2 / F × 1000 = Σ{sym} / (N × F) × 1000",
            unit=_FANS,
            networks=networks,
            aggregation="ratio of sums (default) or mean of post ratios",
            reference=BONSON,
            recipe=PostRate(metric, "followers", scale=1000.0),
        ),
    ]


BONSON_E = Indicator(
    id="bonson_e",
    family="bonson",
    label_fr="Engagement E (P3 + C3 + V3)",
    label_en="Engagement E (P3 + C3 + V3)",
    formula="P3 + C3 + V3",
    unit=_FANS,
    networks=_SHARE_NETWORKS,
    aggregation="sum of P3, C3 and V3",
    reference=BONSON,
    recipe=Composite(("bonson_p3", "bonson_c3", "bonson_v3")),
    note="Missing when one of P3, C3, V3 is (e.g. a network that does not report shares).",
)

register(*_family("p"), *_family("c"), *_family("v"), BONSON_E)
