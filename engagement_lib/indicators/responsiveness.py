"""Responsiveness: "the community manager is the switchboard operator of the 21st century".

Computed from the ``conversations`` table (inbound comments and messages
with the time of the first reply), grouped by the period in which the
conversation was *received*. Delay dᵢ = replied_at − received_at, in hours.

* response rate = answered / received × 100;
* median response time = median(dᵢ) over answered conversations (hours);
* response within 24 h = #(dᵢ < 24 h) / received × 100;
* Fanpage Karma's bins 0–2 h, 2–8 h, 8–24 h, > 24 h, each as a share of
  *received* conversations: the four bins plus the unanswered share make
  100 %.

Conversations received near the end of the data may still get an answer
later: the last period's response rate is a lower bound. The analysis module
:mod:`engagement_lib.analysis.responsiveness` adds office-hours delays and
leaves such recent conversations out.
"""

from __future__ import annotations

from ._recipes import ConvMedian, ConvRate
from ._refs import SPROUT
from .registry import Indicator, register

_NETWORKS = ("facebook", "instagram", "x", "linkedin", "youtube", "tiktok")
_SHARE = "share of received conversations"

RESPONSE_RATE = Indicator(
    id="response_rate",
    family="responsiveness",
    label_fr="Taux de réponse",
    label_en="Response rate",
    formula="answered / received × 100",
    unit="%",
    networks=_NETWORKS,
    aggregation="count ratio over conversations received in the period",
    reference=SPROUT,
    recipe=ConvRate("replied"),
)
MEDIAN_RESPONSE_TIME = Indicator(
    id="median_response_time",
    family="responsiveness",
    label_fr="Délai médian de réponse",
    label_en="Median response time",
    formula="median(replied_at − received_at) over answered conversations",
    unit="hours",
    networks=_NETWORKS,
    aggregation="median over answered conversations (not decomposable)",
    reference=SPROUT,
    recipe=ConvMedian(),
    note="Unanswered conversations are left out: read it with the response rate.",
)
RESPONSE_WITHIN_24H = Indicator(
    id="response_within_24h",
    family="responsiveness",
    label_fr="Réponses en moins de 24 h",
    label_en="Answered within 24 h",
    formula="#(d < 24 h) / received × 100",
    unit="%",
    networks=_NETWORKS,
    aggregation=_SHARE,
    reference=SPROUT,
    recipe=ConvRate("d<24"),
)
_BINS = [
    ("0_2h", "d<2", "0–2 h", "d < 2 h"),
    ("2_8h", "2<=d<8", "2–8 h", "2 h ≤ d < 8 h"),
    ("8_24h", "8<=d<24", "8–24 h", "8 h ≤ d < 24 h"),
    ("over_24h", "d>=24", "> 24 h", "d ≥ 24 h"),
]
RESPONSE_BINS = [
    Indicator(
        id=f"response_time_{suffix}",
        family="responsiveness",
        label_fr=f"Réponses en {label}",
        label_en=f"Answered in {label}",
        formula=f"#({cond}) / received × 100",
        unit="%",
        networks=_NETWORKS,
        aggregation=_SHARE,
        reference=SPROUT,
        recipe=ConvRate(expr),
    )
    for suffix, expr, label, cond in _BINS
]

register(RESPONSE_RATE, MEDIAN_RESPONSE_TIME, RESPONSE_WITHIN_24H, *RESPONSE_BINS)
