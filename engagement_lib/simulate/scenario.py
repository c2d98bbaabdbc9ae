"""Scenario objects: who posts where, how much, and which effects are planted.

A :class:`Scenario` is an immutable description of a simulated panel: the
collectivités, their accounts (:class:`AccountSpec`), the per-network
behaviour (:class:`NetworkSpec`) and the parameters of the nine planted
effects (:class:`Effects`). :func:`default_scenario` returns the five
collectivités of the 2019 *La Gazette des communes* article.

Provenance of every number
--------------------------
Every parameter is either a **published fact** (the article, INSEE, the
barometers quoted in ``calibration_notes.md``) or an **assumption** chosen to be
plausible. In this module each assumption carries a ``# ASSUMPTION`` comment
and each fact a ``# FACT`` comment with its source; the same status is written
next to every planted effect in ``planted_effects.json`` and in the data card
(``datasets/README.md``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from ..errors import EngagementError

__all__ = [
    "EFFECTS",
    "TOPICS",
    "AGE_BRACKETS",
    "GENDER_BRACKETS",
    "AccountSpec",
    "CollectiviteSpec",
    "NetworkSpec",
    "Responsiveness",
    "Effects",
    "Scenario",
    "default_scenario",
    "modern_scenario",
]

#: Names of the planted effects, as accepted by :meth:`Scenario.without`.
EFFECTS = (
    "audience_targeting",
    "posting_time",
    "media_topic",
    "snapchat_relaunch",
    "video_format_experiment",
    "linkedin_join",
    "responsiveness",
    "heavy_tails",
    "follower_growth",
)

#: Post topics (``posts.topic``); French texts come from ``texts/fr.json``.
TOPICS = (
    "service_alert",
    "event_culture",
    "heritage_quiz",
    "museum_countdown",
    "job_offer",
    "council_news",
    "sport",
    "works_roadworks",
    "environment",
    "tourism",
)

#: Age brackets of the audience table and the midpoints used for mean ages (years).
AGE_BRACKETS = ("13-17", "18-24", "25-34", "35-44", "45-54", "55-64", "65+")
AGE_MIDPOINTS = (15.0, 21.0, 29.5, 39.5, 49.5, 59.5, 72.0)  # ASSUMPTION: 65+ → 72
GENDER_BRACKETS = ("F", "M", "U")


def _freeze(mapping):
    """Read-only nested mapping (dataclasses stay hashable-free but immutable)."""
    if isinstance(mapping, Mapping):
        return MappingProxyType({k: _freeze(v) for k, v in mapping.items()})
    return mapping


def _thaw(mapping):
    if isinstance(mapping, Mapping):
        return {k: _thaw(v) for k, v in mapping.items()}
    if isinstance(mapping, tuple):
        return [_thaw(v) for v in mapping]
    return mapping


# --------------------------------------------------------------------------- specs


@dataclass(frozen=True)
class NetworkSpec:
    """How one network behaves in the simulation (all values ASSUMPTIONS
    calibrated so the panel lands in the ranges of ``calibration_notes.md``).

    Attributes
    ----------
    name : str
        A :class:`engagement_lib.schema.Network` value.
    engagement_rate : float
        Median interactions (likes + comments + shares) per post per follower
        of a post with every multiplier at 1.
    split : mapping
        Share of the interactions going to likes, comments, shares (and saves).
    reach_rate : float or None
        Median reach per post per follower (None: the network gives no reach).
    impressions_per_reach : float
        Impressions / reach (or impressions per follower when no reach).
    click_rate : float
        Clicks per impression (or per reach).
    view_rate : float
        Video views per reach (per follower for stories and YouTube).
    completion_rate : float
        Completions per video view (the old video format).
    follow_rate : float
        Follows gained per unit of reach (impressions when the network has no
        reach; views for video-first networks): viral posts make follower jumps.
    metrics : tuple of str
        Metrics of ``schema.METRICS`` this network reports; others are NA.
    media_mix : mapping
        Share of each media type among posts.
    media_multiplier : mapping
        Engagement multiplier per media type (media/topic effect).
    growth : float
        Yearly follower growth (log scale, e.g. 0.2 ≈ +22 %/year).
    churn : float
        Yearly share of followers lost (gross unfollows).
    flows : tuple of str
        Which daily follower flows the platform gives (``"new"``, ``"lost"``);
        the others are NA in the followers table.
    has_audience : bool
        Whether the platform gives age/gender shares of followers.
    dispersion : float
        Negative-binomial shape *k* of each count given its mean.
    """

    name: str
    engagement_rate: float
    split: Mapping[str, float]
    reach_rate: float | None
    impressions_per_reach: float
    click_rate: float
    view_rate: float
    completion_rate: float
    follow_rate: float
    metrics: tuple[str, ...]
    media_mix: Mapping[str, float]
    media_multiplier: Mapping[str, float]
    growth: float
    churn: float
    flows: tuple[str, ...] = ("new", "lost")
    has_audience: bool = True
    dispersion: float = 4.0


@dataclass(frozen=True)
class Responsiveness:
    """Reply behaviour of a collectivité's team (planted effect 7, ASSUMPTIONS).

    Attributes
    ----------
    team_fte : float
        Full-time equivalents answering (Grand Est 2.5 is a FACT of the article).
    median_minutes : float
        Median reply delay (working minutes) for a message received in office hours.
    sigma : float
        Log-normal spread of the delay.
    never_answered : float
        Share of inbound messages never answered.
    office_start, office_end : float
        Office hours (local decimal hours, Monday-Friday).
    weekend_cover : float
        Probability that a weekend message is handled on the weekend
        (otherwise it waits for Monday's office hours).
    """

    team_fte: float
    median_minutes: float
    sigma: float
    never_answered: float
    office_start: float = 9.0
    office_end: float = 18.0
    weekend_cover: float = 0.1


@dataclass(frozen=True)
class CollectiviteSpec:
    """A collectivité of the panel (ids as in ``datasets/collectivites.csv``)."""

    id: str
    name: str
    kind: str
    population: int
    responsiveness: Responsiveness
    synthetic: bool = False


@dataclass(frozen=True)
class AccountSpec:
    """One account of one collectivité on one network.

    Attributes
    ----------
    collectivite, network, account : str
        Identity of the account (``account`` is the handle used in ``posts.account``).
    display_name : str
        Page name as the platform shows it (used by export file names).
    followers : float
        Followers on ``followers_date`` (the panel start when None).
    followers_date : str or None
        Anchor date of ``followers`` (a FACT for Toulouse on X).
    growth : float or None
        Yearly log-growth; None takes the network's default.
    activity : tuple of (start, end, posts_per_day)
        Posting periods; ``end`` None means until the end of the panel.
        Before the first start the account does not exist yet.
    topic_mix : mapping
        Relative weight of each topic among the account's posts.
    account_multiplier : float
        Engagement multiplier of the account (how lively its community is).
    joined : str or None
        Date the account was opened inside the panel (follower series from 0).
    """

    collectivite: str
    network: str
    account: str
    display_name: str
    followers: float
    activity: tuple[tuple[str, str | None, float], ...]
    topic_mix: Mapping[str, float]
    followers_date: str | None = None
    growth: float | None = None
    account_multiplier: float = 1.0
    joined: str | None = None


@dataclass(frozen=True)
class Effects:
    """Parameters of the nine planted effects (see ``planted_effects.json``)."""

    #: posting_time: (weekday factors, hour factors, bumps) per network, Europe/Paris.
    posting_time: Mapping[str, Mapping]
    #: media_topic: per-topic multipliers of engagement and of each metric, per network.
    topic_effects: Mapping[str, Mapping]
    #: audience_targeting: Toulouse age shares per network + the default profile.
    audience: Mapping[str, Mapping]
    #: snapchat_relaunch (Saint-Dizier).
    snapchat_relaunch: Mapping[str, object]
    #: video_format_experiment (Grand Est).
    video_experiment: Mapping[str, object]
    #: linkedin_join (Romans-sur-Isère).
    linkedin_join: Mapping[str, object]
    #: heavy_tails: lognormal sigma of the post latent, viral share and Pareto shape.
    heavy_tails: Mapping[str, float]
    #: responsiveness parameters used when the effect is switched off.
    neutral_responsiveness: Responsiveness
    #: posting habits (not an effect): share of posts by hour, weekday vs weekend.
    posting_habits: Mapping[str, Mapping]
    #: topic affinity to office hours (habit that confounds naive heatmaps).
    topic_office_affinity: Mapping[str, float]


# --------------------------------------------------------------------------- scenario


@dataclass(frozen=True)
class Scenario:
    """An immutable description of a simulated panel.

    Build one with :func:`default_scenario`; derive variants with
    :meth:`without` (switch planted effects off) and :meth:`only` (keep a few
    collectivités or networks for small, fast panels).

    Attributes
    ----------
    name : str
        Short identifier (``"gazette_2019"``, ``"modern"``).
    collectivites : tuple of CollectiviteSpec
    accounts : tuple of AccountSpec
    networks : mapping of str to NetworkSpec
    effects : Effects
    disabled : frozenset of str
        Planted effects switched off (names from :data:`EFFECTS`).
    metric_era : str
        Family of metric behind impressions/views (``"impressions"`` or ``"views"``).
    start, end : str
        Default simulated period (inclusive dates).
    """

    name: str
    collectivites: tuple[CollectiviteSpec, ...]
    accounts: tuple[AccountSpec, ...]
    networks: Mapping[str, NetworkSpec]
    effects: Effects
    disabled: frozenset[str] = field(default_factory=frozenset)
    metric_era: str = "impressions"
    start: str = "2016-01-01"
    end: str = "2019-02-28"

    def enabled(self, effect: str) -> bool:
        """Return whether a planted effect is switched on."""
        if effect not in EFFECTS:
            raise EngagementError(f"unknown planted effect {effect!r}; expected one of {', '.join(EFFECTS)}")
        return effect not in self.disabled

    def without(self, *effects: str) -> Scenario:
        """Return a copy with the named planted effects switched off.

        Parameters
        ----------
        *effects : str
            Names from :data:`EFFECTS`, e.g. ``"posting_time"``.

        Returns
        -------
        Scenario
            A new scenario; ``self`` is unchanged.

        Raises
        ------
        EngagementError
            If a name is not a planted effect.
        """
        unknown = [e for e in effects if e not in EFFECTS]
        if unknown:
            raise EngagementError(
                f"unknown planted effect(s) {', '.join(map(repr, unknown))}; "
                f"expected names among {', '.join(EFFECTS)}"
            )
        return dataclasses.replace(self, disabled=self.disabled | frozenset(effects))

    def only(
        self,
        collectivites: Iterable[str] | None = None,
        networks: Iterable[str] | None = None,
        accounts: Iterable[str] | None = None,
    ) -> Scenario:
        """Return a copy restricted to some collectivités, networks or accounts.

        Parameters
        ----------
        collectivites, networks, accounts : iterable of str, optional
            Ids to keep (None keeps all). A single string is accepted too.

        Returns
        -------
        Scenario
            A new scenario with the matching accounts (at least one).

        Raises
        ------
        EngagementError
            If an id is unknown or nothing is left.
        """

        def norm(values, known, what):
            if values is None:
                return None
            values = {values} if isinstance(values, str) else set(values)
            unknown = sorted(values - set(known))
            if unknown:
                raise EngagementError(
                    f"unknown {what} {', '.join(map(repr, unknown))}; known: {', '.join(sorted(set(known)))}"
                )
            return values

        keep_c = norm(collectivites, [c.id for c in self.collectivites], "collectivité(s)")
        keep_n = norm(networks, [a.network for a in self.accounts], "network(s)")
        keep_a = norm(accounts, [a.account for a in self.accounts], "account(s)")
        kept = tuple(
            a
            for a in self.accounts
            if (keep_c is None or a.collectivite in keep_c)
            and (keep_n is None or a.network in keep_n)
            and (keep_a is None or a.account in keep_a)
        )
        if not kept:
            raise EngagementError("Scenario.only(...) leaves no account to simulate")
        ids = {a.collectivite for a in kept}
        return dataclasses.replace(
            self,
            accounts=kept,
            collectivites=tuple(c for c in self.collectivites if c.id in ids),
        )

    def collectivite(self, cid: str) -> CollectiviteSpec:
        """Return the spec of one collectivité."""
        for c in self.collectivites:
            if c.id == cid:
                return c
        raise EngagementError(f"unknown collectivité {cid!r}")


# --------------------------------------------------------------------------- defaults

_M = ("impressions", "reach", "views", "likes", "comments", "shares", "saves", "clicks", "follows", "completions")


def _networks(era: str) -> dict[str, NetworkSpec]:
    """Per-network behaviour. All values are ASSUMPTIONS tuned so that the
    median engagement per post per follower lands in the calibration ranges
    (Rival IQ 2019: FB 0.09 %, IG 1.60 %, X 0.045 %; see calibration_notes C.1).
    """
    modern = era == "views"
    nets = {
        "facebook": NetworkSpec(
            name="facebook",
            engagement_rate=0.0008,  # ASSUMPTION calibrated to Rival IQ FB 0.09 % (FACT C.1)
            split={"likes": 0.74, "comments": 0.12, "shares": 0.14},
            reach_rate=0.11,  # ASSUMPTION: organic reach ≈ 11 % of fans (2016-2018)
            impressions_per_reach=1.45,
            click_rate=0.03,
            view_rate=0.45,
            completion_rate=0.12,
            follow_rate=0.0004,
            # Legacy Insights: reach, impressions, reactions, comments, shares, clicks,
            # video views and views to 95 % (completions). No saves, no per-post follows.
            metrics=("impressions", "reach", "views", "likes", "comments", "shares", "clicks", "completions"),
            media_mix={"photo": 0.44, "album": 0.10, "video": 0.13, "link": 0.25, "text": 0.05, "event": 0.03},
            # Photos/videos/albums above links and statuses: Rival IQ, Swello (FACT, direction only).
            media_multiplier={"photo": 1.3, "album": 1.55, "video": 1.4, "link": 0.6, "text": 0.7, "event": 1.0},
            growth=0.18,  # ASSUMPTION (Toulouse overrides with the 24 %/year FACT)
            churn=0.05,
        ),
        "instagram": NetworkSpec(
            name="instagram",
            engagement_rate=0.0085,  # ASSUMPTION calibrated to Rival IQ IG 1.22-1.60 % (FACT C.1)
            split={"likes": 0.955, "comments": 0.045, "shares": 0.0, "saves": 0.02},
            reach_rate=0.32,
            impressions_per_reach=1.4,
            click_rate=0.0,
            view_rate=0.55,
            completion_rate=0.2,
            follow_rate=0.0015,
            # Graph API of the era: impressions, reach, likes, comments, saved, video views.
            metrics=("impressions", "reach", "views", "likes", "comments", "saves")
            + (("shares", "follows") if modern else ()),
            media_mix=(
                {"photo": 0.50, "album": 0.18, "reel": 0.32}
                if modern
                else {"photo": 0.68, "album": 0.16, "video": 0.16}
            ),
            media_multiplier={"photo": 1.0, "album": 1.25, "video": 1.1, "reel": 1.15, "story": 0.5},
            growth=0.45,
            churn=0.08,
            flows=("new",),
        ),
        "x": NetworkSpec(
            name="x",
            engagement_rate=0.00030,  # ASSUMPTION calibrated to Rival IQ X 0.045 % (FACT C.1)
            split={"likes": 0.58, "comments": 0.10, "shares": 0.32},
            reach_rate=None,  # the tweet activity export gives no reach
            impressions_per_reach=0.025,  # impressions per follower (median)
            click_rate=0.006,
            view_rate=0.10,
            completion_rate=0.0,
            follow_rate=0.0002,
            metrics=("impressions", "views", "likes", "comments", "shares", "clicks", "follows"),
            media_mix={"text": 0.38, "photo": 0.42, "video": 0.08, "link": 0.12},
            media_multiplier={"text": 0.8, "photo": 1.3, "video": 1.4, "link": 0.8},
            growth=0.17,
            churn=0.06,
            flows=(),  # no follower export in the classic analytics
        ),
        "linkedin": NetworkSpec(
            name="linkedin",
            engagement_rate=0.0035,  # ASSUMPTION (documented range 0.2-2 %)
            split={"likes": 0.80, "comments": 0.07, "shares": 0.13},
            reach_rate=None,
            impressions_per_reach=0.35,  # impressions per follower
            click_rate=0.012,
            view_rate=0.25,
            completion_rate=0.0,
            follow_rate=0.001,
            metrics=("impressions", "views", "likes", "comments", "shares", "clicks", "follows"),
            media_mix={"link": 0.42, "photo": 0.40, "video": 0.08, "text": 0.10},
            media_multiplier={"link": 0.9, "photo": 1.2, "video": 1.3, "text": 0.8},
            growth=0.35,
            churn=0.03,
            flows=("new",),  # new followers only, no unfollows nor running total
            has_audience=False,  # seniority/job function, no age brackets
        ),
        "youtube": NetworkSpec(
            name="youtube",
            engagement_rate=0.004,  # ASSUMPTION (documented range 0.1-2 %)
            split={"likes": 0.82, "comments": 0.10, "shares": 0.08},
            reach_rate=None,
            impressions_per_reach=2.5,  # thumbnail impressions per subscriber
            click_rate=0.0,
            view_rate=0.25,  # views per subscriber (median)
            completion_rate=0.0,
            follow_rate=0.003,
            # Studio table: views, impressions, likes, comments, shares, subscribers gained.
            metrics=("impressions", "views", "likes", "comments", "shares", "follows"),
            media_mix={"video": 0.94, "live": 0.06},
            media_multiplier={"video": 1.0, "live": 0.8},
            growth=0.25,
            churn=0.04,
        ),
        "snapchat": NetworkSpec(
            name="snapchat",
            engagement_rate=0.0,  # stories: views only
            split={},
            reach_rate=None,
            impressions_per_reach=0.0,
            click_rate=0.0,
            view_rate=0.22,  # story views per follower (median) ASSUMPTION
            completion_rate=0.0,
            follow_rate=0.0,
            metrics=("views",),
            media_mix={"story": 1.0},
            media_multiplier={"story": 1.0},
            growth=0.3,
            churn=0.10,
            flows=(),  # manual figures: total only
        ),
        "viadeo": NetworkSpec(
            name="viadeo",
            engagement_rate=0.0015,  # ASSUMPTION (documented range 0.05-0.5 %)
            split={"likes": 0.85, "comments": 0.15},
            reach_rate=None,
            impressions_per_reach=0.0,
            click_rate=0.0,
            view_rate=0.0,
            completion_rate=0.0,
            follow_rate=0.0,
            metrics=("likes", "comments"),
            media_mix={"link": 0.7, "text": 0.3},
            media_multiplier={"link": 1.0, "text": 1.0},
            growth=-0.05,  # a declining network
            churn=0.06,
            flows=(),
            has_audience=False,
        ),
        "tiktok": NetworkSpec(
            name="tiktok",
            engagement_rate=0.03,  # ASSUMPTION (Rival IQ 2024 TikTok 2.63 %, FACT C.1)
            split={"likes": 0.88, "comments": 0.04, "shares": 0.08, "saves": 0.05},
            reach_rate=None,
            impressions_per_reach=0.0,
            click_rate=0.0,
            view_rate=1.4,  # views per follower (median; For You reach)
            completion_rate=0.18,
            follow_rate=0.002,
            metrics=("views", "likes", "comments", "shares", "saves", "completions"),  # no follows column
            media_mix={"reel": 1.0},
            media_multiplier={"reel": 1.0},
            growth=0.8,
            churn=0.06,
        ),
    }
    if modern:
        # Meta's "views" era: Facebook content exports give views/reach/reactions...,
        # no impressions any more; reels appear.
        nets["facebook"] = dataclasses.replace(
            nets["facebook"],
            engagement_rate=0.0006,
            metrics=("views", "reach", "likes", "comments", "shares", "clicks"),
            media_mix={"photo": 0.48, "album": 0.08, "video": 0.08, "reel": 0.14, "link": 0.2, "text": 0.02},
            media_multiplier={
                "photo": 1.3, "album": 1.55, "video": 1.3, "reel": 1.45, "link": 0.6, "text": 0.7, "event": 1.0,
            },
        )
        nets["instagram"] = dataclasses.replace(
            nets["instagram"],
            engagement_rate=0.0045,
            metrics=("views", "reach", "likes", "comments", "shares", "saves", "follows"),
            split={"likes": 0.93, "comments": 0.035, "shares": 0.035, "saves": 0.03},
        )
        nets["x"] = dataclasses.replace(
            nets["x"],
            engagement_rate=0.00025,
            # account_analytics_content: impressions, likes, bookmarks, shares, follows, replies, reposts, clicks.
            metrics=("impressions", "likes", "comments", "shares", "saves", "clicks", "follows"),
            split={"likes": 0.58, "comments": 0.10, "shares": 0.32, "saves": 0.03},
        )
    return nets


def _posting_time() -> dict[str, dict]:
    """Weekday × hour multipliers (Europe/Paris). ASSUMPTIONS whose *direction*
    follows calibration_notes C.2/C.4 (Hootsuite government: FB weekend mornings,
    X weekday mornings; Sprout: Tue-Thu mornings best for B2B, i.e. LinkedIn;
    IG evenings per scenario.md).

    Each entry: ``weekday`` (Mon..Sun factors), ``hour`` (0..23 factors) and
    ``bumps`` (weekday list, first hour, last hour inclusive, factor; a factor
    below 1 is a dip).

    Every network of the recovery test (Facebook, Instagram, X, LinkedIn) has a
    best window *and* a worst window placed in hours its community managers
    actually post in, aligned on the 3-hour blocks of
    :class:`~engagement_lib.analysis.timing.PostingTimeEffects`: a worst hour
    at 4 a.m., when nobody posts, could never be found in the data. Sizes were
    chosen so that each extreme is identifiable on the panel's sample size
    (checked over 20 seeds: 85-100 % of panels per network and extreme, see
    tests/test_timing.py); Instagram and LinkedIn, with 3-4 posts a week per
    account, need the largest contrasts (×2.0 on evenings; ×2.2 on Tuesday-Thursday mornings).
    """
    night = [0.55, 0.5, 0.47, 0.45, 0.44, 0.5, 0.62, 0.8]  # 00-07h, unique minimum at 04h
    day = [0.95, 1.0, 1.02, 1.02, 1.0, 0.97, 0.96, 0.97, 0.99, 1.0, 1.0, 1.02, 1.0]  # 08-20h
    late = [0.92, 0.82, 0.7]  # 21-23h
    base_hour = night + day + late
    return {
        "facebook": {
            "weekday": [1.0, 0.98, 1.0, 1.0, 0.97, 1.08, 1.12],
            "hour": base_hour,
            "bumps": [
                ([5, 6], 9, 11, 1.45), ([6], 9, 11, 1.1),  # weekend mornings; best Sun 09-12
                ([0, 1, 2, 3, 4], 18, 20, 0.75), ([4], 18, 20, 0.65),  # weekday evenings; worst Fri 18-21
            ],
        },
        "instagram": {
            "weekday": [0.97, 0.96, 1.0, 0.98, 1.0, 1.04, 1.06],
            "hour": base_hour,
            "bumps": [
                ([0, 1, 2, 3, 4, 5, 6], 18, 20, 2.0), ([6], 18, 20, 1.1),  # evenings; best Sun 18-21
                ([0, 1, 2, 3, 4], 9, 11, 0.55), ([0], 9, 11, 0.8),  # school-day mornings; worst Mon 09-12
            ],
        },
        "x": {
            "weekday": [1.06, 1.05, 1.04, 1.08, 1.0, 0.85, 0.82],
            "hour": base_hour,
            "bumps": [
                ([0, 1, 2, 3], 6, 8, 1.5), ([3], 6, 8, 1.1),  # weekday mornings; best Thu 06-09
                ([5, 6], 15, 17, 0.6), ([6], 15, 17, 0.9),  # weekend afternoons; worst Sun 15-18
            ],
        },
        "linkedin": {
            "weekday": [1.04, 1.08, 1.05, 1.05, 0.98, 0.7, 0.65],
            "hour": base_hour,
            "bumps": [
                ([1, 2, 3], 9, 11, 2.2), ([1], 9, 11, 1.1),  # Tue-Thu mornings; best Tue 09-12
                ([4], 15, 17, 0.45),  # Friday afternoon; worst Fri 15-18
            ],
        },
        "youtube": {
            "weekday": [0.98, 0.97, 1.0, 1.0, 1.02, 1.05, 1.04],
            "hour": base_hour,
            "bumps": [([4, 5, 6], 17, 20, 1.2), ([5], 18, 18, 1.05)],
        },
        "snapchat": {
            "weekday": [0.97, 0.97, 1.02, 0.98, 1.03, 1.06, 1.0],
            "hour": base_hour,
            "bumps": [([0, 1, 2, 3, 4, 5, 6], 17, 21, 1.3), ([2], 18, 18, 1.06)],
        },
        "viadeo": {
            "weekday": [1.04, 1.05, 1.04, 1.03, 0.98, 0.7, 0.66],
            "hour": base_hour,
            "bumps": [([0, 1, 2, 3], 9, 11, 1.2), ([1], 9, 9, 1.05)],
        },
        "tiktok": {
            "weekday": [0.98, 0.98, 1.0, 1.0, 1.02, 1.05, 1.05],
            "hour": base_hour,
            "bumps": [([0, 1, 2, 3, 4, 5, 6], 18, 22, 1.35), ([4], 21, 21, 1.06)],
        },
    }


def _posting_habits() -> dict[str, dict]:
    """When community managers post (habit, not an effect; ASSUMPTION).

    Weekday posts cluster in office hours (08-18h), weekend posts are rarer and
    scheduled mid-morning; Instagram and Snapchat also get evening posts.
    ``weekday_share`` is the relative posting rate Monday..Sunday.
    """
    office = [0, 0, 0, 0, 0, 0, 0.2, 1.2, 3.0, 4.0, 4.2, 4.0, 2.6, 2.2, 3.4, 3.8, 3.6, 3.0, 2.0, 0.9, 0.6, 0.4, 0.2, 0.05]
    weekend = [0, 0, 0, 0, 0, 0, 0.1, 0.6, 1.8, 3.0, 3.2, 2.6, 1.6, 1.2, 1.6, 1.8, 1.8, 1.6, 1.6, 1.2, 1.0, 0.6, 0.3, 0.05]
    evening = [0, 0, 0, 0, 0, 0, 0.2, 1.0, 2.4, 3.2, 3.4, 3.2, 2.4, 2.2, 3.0, 3.2, 3.2, 3.0, 3.0, 2.8, 2.6, 1.8, 0.8, 0.1]
    base = {"weekday_share": [1.12, 1.12, 1.12, 1.12, 1.06, 0.6, 0.5], "weekday": office, "weekend": weekend}
    social = {"weekday_share": [1.06, 1.06, 1.08, 1.06, 1.06, 0.85, 0.8], "weekday": evening, "weekend": evening}
    return {
        "facebook": base,
        "x": {**base, "weekday_share": [1.15, 1.15, 1.15, 1.15, 1.1, 0.5, 0.4]},
        "linkedin": {**base, "weekday_share": [1.2, 1.2, 1.2, 1.2, 1.1, 0.1, 0.1]},
        "viadeo": {**base, "weekday_share": [1.2, 1.2, 1.2, 1.2, 1.1, 0.1, 0.1]},
        "youtube": base,
        "instagram": social,
        "snapchat": social,
        "tiktok": social,
    }


def _topic_effects() -> dict[str, dict]:
    """Topic effects (planted effect 3, ASSUMPTIONS whose direction follows the
    article and scenario.md): ``engagement`` multiplies every interaction,
    ``metrics`` multiplies single metrics on top. Key ``"*"`` applies to every
    network; a network key overrides it for that network.
    """
    return {
        "service_alert": {"*": {"engagement": 0.9, "metrics": {"shares": 4.0, "clicks": 1.6}}},
        "event_culture": {"*": {"engagement": 1.3, "metrics": {"shares": 1.2, "saves": 1.4}}},
        "heritage_quiz": {"*": {"engagement": 1.5, "metrics": {"comments": 8.0}}},
        "museum_countdown": {"*": {"engagement": 1.35, "metrics": {"likes": 1.2, "saves": 2.0, "comments": 1.5}}},
        "job_offer": {
            "*": {"engagement": 0.7, "metrics": {"clicks": 2.0, "shares": 1.5}},
            "linkedin": {"engagement": 1.4, "metrics": {"clicks": 4.0, "shares": 3.0}},
        },
        "council_news": {"*": {"engagement": 0.6, "metrics": {"comments": 1.6}}},
        "sport": {"*": {"engagement": 1.15, "metrics": {"shares": 1.1}}},
        "works_roadworks": {"*": {"engagement": 0.75, "metrics": {"comments": 1.8, "shares": 1.5, "clicks": 1.3}}},
        "environment": {"*": {"engagement": 1.0, "metrics": {"shares": 1.2}}},
        "tourism": {"*": {"engagement": 1.3, "metrics": {"shares": 1.3, "saves": 1.6}}},
    }


#: Topic affinity to weekday office hours (>1) or evenings/weekends (<1): a posting
#: habit that makes naive heatmaps misleading (ASSUMPTION).
_TOPIC_OFFICE = {
    "service_alert": 1.6,
    "event_culture": 0.45,
    "heritage_quiz": 0.7,
    "museum_countdown": 0.8,
    "job_offer": 2.5,
    "council_news": 2.2,
    "sport": 0.4,
    "works_roadworks": 1.8,
    "environment": 1.1,
    "tourism": 0.5,
}


def _audience() -> dict[str, dict]:
    """Age shares (brackets of :data:`AGE_BRACKETS`) and gender shares.

    Toulouse per network (planted effect 1, ASSUMPTION following the article's
    FACT that Facebook targets seniors, Twitter professionals and
    Instagram/Snapchat young people). ``default`` per network applies to every
    other account, and to Toulouse when the effect is switched off
    (``neutral``).
    """
    return {
        "toulouse": {
            "facebook": [0.01, 0.05, 0.12, 0.16, 0.19, 0.23, 0.24],
            "instagram": [0.05, 0.31, 0.34, 0.15, 0.09, 0.04, 0.02],
            "snapchat": [0.16, 0.46, 0.24, 0.08, 0.04, 0.015, 0.005],
            "x": [0.01, 0.09, 0.28, 0.29, 0.20, 0.10, 0.03],
            "youtube": [0.04, 0.18, 0.26, 0.21, 0.15, 0.10, 0.06],
        },
        "default": {
            "facebook": [0.02, 0.10, 0.22, 0.22, 0.19, 0.15, 0.10],
            "instagram": [0.05, 0.27, 0.34, 0.18, 0.10, 0.04, 0.02],
            "snapchat": [0.18, 0.44, 0.24, 0.08, 0.04, 0.015, 0.005],
            "x": [0.02, 0.12, 0.28, 0.26, 0.18, 0.10, 0.04],
            "youtube": [0.05, 0.18, 0.26, 0.21, 0.15, 0.10, 0.05],
            "tiktok": [0.14, 0.38, 0.26, 0.12, 0.06, 0.03, 0.01],
        },
        "neutral": [0.03, 0.15, 0.25, 0.20, 0.16, 0.12, 0.09],
        "gender": {
            "facebook": [0.58, 0.41, 0.01],
            "instagram": [0.61, 0.38, 0.01],
            "snapchat": [0.57, 0.41, 0.02],
            "x": [0.44, 0.55, 0.01],
            "youtube": [0.42, 0.57, 0.01],
            "tiktok": [0.56, 0.42, 0.02],
        },
    }


def _effects() -> Effects:
    return Effects(
        posting_time=_posting_time(),
        topic_effects=_topic_effects(),
        audience=_audience(),
        snapchat_relaunch={
            "collectivite": "saint_dizier",
            "network": "snapchat",
            "first_active": "2016-03-01",  # FACT: joined Snapchat in 2016 (month ASSUMPTION)
            "stopped": "2016-10-31",  # ASSUMPTION: "found it too basic" and stopped
            "relaunch_date": "2018-09-15",  # ASSUMPTION given by scenario.md (Journées du patrimoine)
            "log_views_step": 0.9,  # ASSUMPTION: step on log(story views / follower)
            "daily_new_followers_before": 0.15,  # ASSUMPTION
            "daily_new_followers_after": 3.0,  # ASSUMPTION: lasting step up in growth
        },
        video_experiment={
            "collectivite": "grand_est",
            "network": "facebook",
            "start_date": "2018-10-01",  # ASSUMPTION ("autumn 2018")
            "arm_new": "format:court_sous_titre",
            "arm_old": "format:classique",
            "views_lift": 0.30,  # ASSUMPTION: relative lift of expected views
            "completions_lift": 0.80,  # ASSUMPTION: relative lift of expected completions
            "video_share_after": 0.6,  # ASSUMPTION: share of video posts during the experiment (0.35
            # gave ~50 posts per arm: views detected on 85 %, completion on 65 % of 20 simulated panels;
            # 0.6 gives ~80 per arm: 100 % and 95 %)
        },
        linkedin_join={
            "collectivite": "romans_sur_isere",
            "network": "linkedin",
            "join_date": "2017-06-15",  # ASSUMPTION ("mid-2017"); joining itself is a FACT
            "ramp_days": 120.0,  # ASSUMPTION: time constant of the initial follower ramp
            "followers_after_ramp": 900.0,  # ASSUMPTION
        },
        heavy_tails={
            "sigma": 1.3,  # ASSUMPTION: log-normal spread of the post latent
            "viral_share": 0.015,  # ASSUMPTION: share of posts that go viral
            "viral_pareto_shape": 1.6,  # ASSUMPTION: tail of the viral boost
            "viral_scale": 6.0,  # ASSUMPTION: minimum viral boost
            "sigma_off": 0.35,  # used when heavy_tails is switched off
        },
        neutral_responsiveness=Responsiveness(
            team_fte=2.0, median_minutes=120.0, sigma=0.8, never_answered=0.2,
            office_start=0.0, office_end=24.0, weekend_cover=1.0,
        ),
        posting_habits=_posting_habits(),
        topic_office_affinity=_TOPIC_OFFICE,
    )


def _mix(**weights: float) -> dict[str, float]:
    return {t: float(weights.get(t, 0.0)) for t in TOPICS if weights.get(t, 0.0) > 0}


_CITY = dict(
    service_alert=0.14, event_culture=0.22, council_news=0.12, sport=0.10,
    works_roadworks=0.10, environment=0.08, tourism=0.10, job_offer=0.02,
)
_DEPT = dict(
    service_alert=0.16, event_culture=0.16, council_news=0.18, sport=0.08,
    works_roadworks=0.10, environment=0.14, tourism=0.08, job_offer=0.05,
)
_PRO = dict(job_offer=0.45, council_news=0.25, environment=0.1, event_culture=0.1, works_roadworks=0.1)

_PANEL = ("2016-01-01", None)


def _accounts() -> tuple[AccountSpec, ...]:
    """The accounts the article names. Follower sizes and posting rates are
    ASSUMPTIONS except Toulouse on X (FACT: ≈124,000 followers on 3 March 2016,
    ladepeche.fr / cotetoulouse.fr, see calibration_notes C.3).
    """
    A = AccountSpec
    full = lambda rate: ((*_PANEL, rate),)  # noqa: E731
    return (
        # Toulouse: Facebook and Twitter since 2009, Instagram, then Snapchat (FACT: article).
        A("toulouse", "facebook", "toulouse", "Ville de Toulouse", 105_000, full(1.4), _mix(**_CITY),
          growth=0.215),  # FACT: big-city FB pages +24 %/year (informer-autrement 2017) → log 0.215
        A("toulouse", "x", "toulouse_x", "Toulouse", 124_000, full(3.5), _mix(**{**_CITY, "job_offer": 0.04}),
          followers_date="2016-03-03", growth=0.17),  # FACT: ≈124,000 followers on 3 March 2016
        A("toulouse", "instagram", "toulouse_ig", "toulouse", 14_000, full(0.6),
          _mix(event_culture=0.3, tourism=0.25, sport=0.15, environment=0.1, heritage_quiz=0.05, service_alert=0.05,
               works_roadworks=0.05, council_news=0.05)),
        A("toulouse", "snapchat", "toulouse_snap", "toulouse", 2_500, (("2016-09-01", None, 0.35),),
          _mix(event_culture=0.4, sport=0.25, tourism=0.2, service_alert=0.15)),
        # Romans-sur-Isère: LinkedIn for job offers, two Instagram accounts (town + shoe museum).
        A("romans_sur_isere", "facebook", "romans", "Ville de Romans-sur-Isère", 8_500, full(0.8),
          _mix(**_CITY, heritage_quiz=0.12, museum_countdown=0.04), account_multiplier=1.2),
        A("romans_sur_isere", "instagram", "romans_ig", "villederomans", 1_800, full(0.5),
          _mix(heritage_quiz=0.3, event_culture=0.25, tourism=0.2, sport=0.1, environment=0.1, council_news=0.05),
          account_multiplier=1.2),
        A("romans_sur_isere", "instagram", "musee_chaussure", "museechaussure", 1_400, full(0.35),
          _mix(museum_countdown=0.55, event_culture=0.25, heritage_quiz=0.1, tourism=0.1), account_multiplier=1.15),
        A("romans_sur_isere", "linkedin", "romans_li", "Ville de Romans-sur-Isère", 0.0,
          (("2017-06-15", None, 0.3),), _mix(**_PRO), joined="2017-06-15"),
        # Saint-Dizier: Facebook, Twitter (ASSUMPTION) and Snapchat (FACT: 2016 attempt, relaunch).
        A("saint_dizier", "facebook", "saint_dizier", "Ville de Saint-Dizier", 7_000, full(0.7), _mix(**_CITY)),
        A("saint_dizier", "x", "saint_dizier_x", "SaintDizier", 2_400, full(0.45), _mix(**_CITY)),
        A("saint_dizier", "snapchat", "saint_dizier_snap", "saintdizier", 120,
          (("2016-03-01", "2016-10-31", 0.35), ("2018-09-15", None, 0.8)),
          _mix(event_culture=0.45, heritage_quiz=0.15, sport=0.2, tourism=0.2)),
        # Val-de-Marne: seven networks (FACT: article).
        A("val_de_marne", "facebook", "valdemarne", "Val-de-Marne, le Département", 38_000, full(1.1), _mix(**_DEPT)),
        A("val_de_marne", "x", "valdemarne_x", "valdemarne", 30_000, full(2.2), _mix(**_DEPT)),
        A("val_de_marne", "instagram", "valdemarne_ig", "valdemarne", 5_500, full(0.5),
          _mix(event_culture=0.3, environment=0.2, tourism=0.2, sport=0.15, service_alert=0.05, council_news=0.1)),
        A("val_de_marne", "snapchat", "valdemarne_snap", "valdemarne94", 1_500, full(0.25),
          _mix(event_culture=0.5, sport=0.3, service_alert=0.2)),
        A("val_de_marne", "linkedin", "valdemarne_li", "Département du Val-de-Marne", 7_500, full(0.4), _mix(**_PRO)),
        A("val_de_marne", "viadeo", "valdemarne_viadeo", "Département du Val-de-Marne", 900, full(0.05),
          _mix(job_offer=0.7, council_news=0.3)),
        A("val_de_marne", "youtube", "valdemarne_yt", "Val-de-Marne", 2_200, full(0.1),
          _mix(event_culture=0.4, council_news=0.3, environment=0.15, sport=0.15)),
        # Grand Est: six networks (FACT: article); the choice of the sixth (Snapchat) is an ASSUMPTION.
        A("grand_est", "facebook", "grandest", "Région Grand Est", 55_000, full(1.8), _mix(**_DEPT)),
        A("grand_est", "x", "grandest_x", "regiongrandest", 24_000, full(2.6), _mix(**_DEPT)),
        A("grand_est", "instagram", "grandest_ig", "regiongrandest", 4_500, full(0.6),
          _mix(tourism=0.35, event_culture=0.3, environment=0.15, sport=0.15, council_news=0.05)),
        A("grand_est", "linkedin", "grandest_li", "Région Grand Est", 9_000, full(0.55), _mix(**_PRO)),
        A("grand_est", "youtube", "grandest_yt", "Région Grand Est", 2_800, full(0.15),
          _mix(event_culture=0.35, council_news=0.35, tourism=0.2, environment=0.1)),
        A("grand_est", "snapchat", "grandest_snap", "regiongrandest", 900, full(0.2),
          _mix(event_culture=0.5, tourism=0.3, sport=0.2)),
    )


def _collectivites() -> tuple[CollectiviteSpec, ...]:
    """Populations are FACTS (INSEE, see datasets/collectivites.csv); team
    behaviour is an ASSUMPTION except Grand Est's 2.5 FTE (FACT: article) and
    Romans' reactive, autonomous service (FACT, qualitative: article)."""
    R = Responsiveness
    C = CollectiviteSpec
    return (
        C("toulouse", "Toulouse", "commune", 511_684, R(4.0, 55.0, 0.9, 0.18, 8.5, 18.0, 0.25)),
        C("romans_sur_isere", "Romans-sur-Isère", "commune", 32_911, R(3.0, 20.0, 0.8, 0.08, 8.0, 18.5, 0.4)),
        C("saint_dizier", "Saint-Dizier", "commune", 22_811, R(1.0, 180.0, 1.0, 0.35, 9.0, 17.0, 0.05)),
        C("val_de_marne", "Val-de-Marne", "departement", 1_415_367, R(3.0, 110.0, 0.9, 0.22, 9.0, 18.0, 0.1)),
        C("grand_est", "Grand Est", "region", 5_560_079, R(2.5, 170.0, 1.0, 0.28, 9.0, 17.5, 0.05)),
    )


def default_scenario() -> Scenario:
    """Return the scenario of the five collectivités of the 2019 article.

    Returns
    -------
    Scenario
        Toulouse, Romans-sur-Isère, Saint-Dizier, Val-de-Marne and Grand Est
        with the accounts the article names, 2016-01-01 to 2019-02-28, and all
        nine planted effects switched on.

    Examples
    --------
    >>> from engagement_lib.simulate import default_scenario
    >>> s = default_scenario().only(collectivites=["romans_sur_isere"], networks=["linkedin"])
    >>> [a.account for a in s.accounts]
    ['romans_li']
    """
    return Scenario(
        name="gazette_2019",
        collectivites=_collectivites(),
        accounts=_accounts(),
        networks=_freeze(_networks("impressions")),
        effects=_effects(),
    )


def modern_scenario() -> Scenario:
    """Return the smaller "today's layouts" scenario (one collectivité, ASSUMPTIONS).

    Val-de-Marne in the second half of 2025, in Meta's "views" era, with a
    TikTok account (départements were breaking through on TikTok, FACT:
    Observatoire/Swello 2023); used for ``datasets/raw/modern``.
    """
    base = default_scenario()
    A = AccountSpec
    period = (("2025-07-01", None, 0.0),)

    def rate(r):
        return (("2025-07-01", None, r),)

    accounts = (
        A("val_de_marne", "facebook", "valdemarne", "Val-de-Marne, le Département", 96_000, rate(1.2), _mix(**_DEPT)),
        A("val_de_marne", "instagram", "valdemarne_ig", "valdemarne", 41_000, rate(0.8),
          _mix(event_culture=0.3, environment=0.2, tourism=0.2, sport=0.15, service_alert=0.05, council_news=0.1)),
        A("val_de_marne", "x", "valdemarne_x", "valdemarne", 52_000, rate(1.2), _mix(**_DEPT)),
        A("val_de_marne", "linkedin", "valdemarne_li", "Département du Val-de-Marne", 48_000, rate(0.6), _mix(**_PRO)),
        A("val_de_marne", "youtube", "valdemarne_yt", "Val-de-Marne", 6_500, rate(0.12),
          _mix(event_culture=0.4, council_news=0.3, environment=0.15, sport=0.15)),
        A("val_de_marne", "tiktok", "valdemarne_tt", "valdemarne", 8_000, rate(0.35),
          _mix(event_culture=0.35, sport=0.25, tourism=0.2, environment=0.2)),
    )
    del period
    return dataclasses.replace(
        base,
        name="modern",
        accounts=accounts,
        collectivites=tuple(c for c in base.collectivites if c.id == "val_de_marne"),
        networks=_freeze(_networks("views")),
        metric_era="views",
        start="2025-07-01",
        end="2025-12-31",
        # the 2016-2019 events do not exist in this period
        disabled=frozenset({"snapchat_relaunch", "video_format_experiment", "linkedin_join"}),
    )


def scenario_parameters(scenario: Scenario) -> dict:
    """Plain-dict view of a scenario's network and account parameters (for JSON)."""
    return {
        "networks": {k: _thaw(dataclasses.asdict(v)) for k, v in sorted(scenario.networks.items())},
        "accounts": [_thaw(dataclasses.asdict(a)) for a in scenario.accounts],
    }
