"""References cited by the indicator definitions (one place, reused by every family)."""

from __future__ import annotations

BONSON = (
    "Bonsón, E. & Ratkai, M. (2013). A set of metrics to assess stakeholder engagement and "
    "social legitimacy on a corporate Facebook page. Online Information Review 37(5), 787-803, "
    "doi:10.1108/OIR-03-2012-0054; used for municipalities by Bonsón, Royo & Ratkai (2015), "
    "Government Information Quarterly 32(1), 52-62. Formula table as widely reproduced "
    "(the paper's table itself was not retrieved)."
)
KAUSHIK = (
    "Kaushik, A. (2011). Best social media metrics: conversation, amplification, applause, "
    "economic value. Occam's Razor (kaushik.net); per-follower variant as in Rival IQ and "
    "TrueSocialMetrics."
)
HOOTSUITE = "Hootsuite (2019). How to calculate engagement rate (blog.hootsuite.com)."
RIVALIQ = (
    "Rival IQ Social Media Industry Benchmark Reports (2019-2025): "
    "(likes + comments + shares) / followers, per post."
)
XADS = "X Ads API, analytics metrics by objective (developer.x.com): click rate, media view rate."
BAROMETERS = (
    "Public-sector per-inhabitant normalisation: MyObservatoire; informer-autrement.fr "
    "barometers of régions and large cities (2012-2017). Population: INSEE population "
    "municipale (collectivites.csv)."
)
SPROUT = (
    "Sprout Social Index (2013, 2015, Q3 2017): response rate and response time; "
    "Fanpage Karma response-time bins 0-2 h, 2-8 h, 8-24 h, > 24 h."
)
PRACTICE = (
    "Practitioner monthly reporting (Hootsuite government benchmarks; "
    "indicators_literature.md B.4)."
)
