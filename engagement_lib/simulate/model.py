"""The generative model: scenario → canonical truth tables (:class:`Panel`).

Model (all draws from one seeded :class:`numpy.random.Generator`, vectorised)
-----------------------------------------------------------------------------
1. **Followers.** Per account and day, the expected followers follow
   ``E[d] = E[d-1] · (1 + g/365)`` (``g`` the yearly log-growth, anchored on a
   known count when one is published), with gross new followers
   ``Poisson(E·(g + c)/365)``, losses ``Poisson(E·c/365)`` (``c`` the churn),
   plus the follows brought by each post (viral jumps) and scripted events
   (Saint-Dizier's Snapchat relaunch, Romans' LinkedIn ramp from zero).
2. **Posting schedule.** Posts per account-day ``~ Poisson(rate · weekday
   habit)``; local hour from the network's habit profile (office hours on
   weekdays); topic from the account's mix, tilted towards office-hour topics
   on weekday office hours (a habit that confounds naive heatmaps).
3. **Latent attention** ``L = exp(σ Z)`` (median 1) times, for a small share
   of viral posts, ``s · (1 + Lomax(α))`` (heavy tails).
4. **Expected interactions**
   ``m = E · rate_net · account · media · topic · time[weekday, hour] · L``;
   each metric ``~ NegBin(mean, k)`` (gamma-Poisson) with its own split and
   topic multiplier; reach, impressions, clicks, views, completions and follows
   derive from the same latent, so metrics are correlated like real ones.
5. **Audience** monthly age/gender shares (Dirichlet around planted profiles),
   **conversations** (questions in comments, private messages, mentions) with
   reply delays shaped by office hours, weekends and team size.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..errors import EngagementError
from ..schema import MEDIA_TYPES, METRICS, NETWORKS
from ._ids import hash_authors, make_post_ids, page_id
from ._text import make_texts
from .scenario import (
    AGE_BRACKETS,
    GENDER_BRACKETS,
    TOPICS,
    AccountSpec,
    CollectiviteSpec,
    Responsiveness,
    Scenario,
    default_scenario,
)

__all__ = ["Panel", "simulate_panel"]

PARIS = "Europe/Paris"
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MEDIA = MEDIA_TYPES
_NET_CAT = pd.CategoricalDtype(NETWORKS, ordered=False)
_MEDIA_CAT = pd.CategoricalDtype(MEDIA_TYPES, ordered=False)


@dataclass(frozen=True)
class Panel:
    """A simulated panel: canonical truth tables and the planted effects.

    Attributes
    ----------
    posts, followers, audience, conversations : pandas.DataFrame
        Canonical tables (pass :func:`engagement_lib.schema.validate`), with
        ``source_format="truth"`` and ``source_file``/``source_row`` missing.
    planted_effects : dict
        Every planted effect with its value and status (published fact or
        assumption); the content of ``truth/planted_effects.json``.
    scenario : Scenario
        The scenario simulated (after scaling).
    seed : int
        The seed used.
    """

    posts: pd.DataFrame
    followers: pd.DataFrame
    audience: pd.DataFrame
    conversations: pd.DataFrame
    planted_effects: dict
    scenario: Scenario = field(repr=False)
    seed: int = 20190304


# --------------------------------------------------------------------------- helpers


def _strings(values, codes=None):
    """A pandas ``str`` array: ``values[codes]`` (or ``values``), built through pyarrow (fast)."""
    arr = values if isinstance(values, pa.Array) else pa.array(list(values) if codes is not None else values,
                                                                 pa.string())
    if codes is not None:
        arr = pc.take(arr, pa.array(np.asarray(codes, dtype=np.int64)))
    return pd.array(arr, dtype="str")


def _network_cat(networks: np.ndarray, codes=None) -> pd.Categorical:
    """Categorical of network names (``networks[codes]``), built from integer codes."""
    lookup = np.array([NETWORKS.index(n) for n in networks], dtype=np.int64)
    return pd.Categorical.from_codes(lookup if codes is None else lookup[codes], dtype=_NET_CAT)


def _constant(value, n, dtype="str"):
    """A column of ``n`` identical values (None gives a missing column)."""
    if dtype == "str":
        return _strings(pa.array([value], pa.string()), np.zeros(n, dtype=np.int64))
    return pd.array(np.full(n, value, dtype=object), dtype=dtype)


def _nb(rng: np.random.Generator, mean: np.ndarray, k: float) -> np.ndarray:
    """Negative-binomial counts with the given means and shape k (gamma-Poisson)."""
    mean = np.maximum(np.asarray(mean, dtype=np.float64), 0.0)
    lam = rng.gamma(k, 1.0, size=mean.shape) * (mean / k)
    return rng.poisson(lam)


def _draw_categorical(rng, probs: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Draw one category per element; ``probs[rows[i]]`` are its probabilities."""
    cdf = np.cumsum(probs, axis=1)
    cdf /= cdf[:, -1:]
    u = rng.random(len(rows))
    out = np.empty(len(rows), dtype=np.int64)
    # chunk to bound the temporary (n × categories) boolean array
    step = 1_000_000
    for s in range(0, len(rows), step):
        sl = slice(s, s + step)
        out[sl] = (u[sl, None] > cdf[rows[sl]]).sum(axis=1)
    return np.minimum(out, probs.shape[1] - 1)


def time_multiplier_table(scenario: Scenario, network: str) -> np.ndarray:
    """Return the planted 7 × 24 posting-time multipliers (Europe/Paris) of a network.

    Rows are weekdays (Monday = 0), columns local hours. The table is
    normalised to a geometric mean of 1 over the 168 slots; all ones when
    ``posting_time`` is switched off.
    """
    if not scenario.enabled("posting_time"):
        return np.ones((7, 24))
    spec = scenario.effects.posting_time[network]
    table = np.outer(np.asarray(spec["weekday"], float), np.asarray(spec["hour"], float))
    for days, h0, h1, factor in spec["bumps"]:
        for d in days:
            table[d, h0 : h1 + 1] *= factor
    return table / np.exp(np.log(table).mean())


def _topic_multipliers(scenario: Scenario, network: str) -> dict[str, dict[str, float]]:
    """Per topic: engagement multiplier and per-metric multipliers on this network."""
    out = {}
    on = scenario.enabled("media_topic")
    for topic in TOPICS:
        spec = scenario.effects.topic_effects[topic]
        eff = spec.get(network, spec["*"])
        row = {"engagement": float(eff["engagement"]) if on else 1.0}
        for m in ("likes", "comments", "shares", "saves", "clicks", "views"):
            row[m] = float(eff["metrics"].get(m, 1.0)) if on else 1.0
        out[topic] = row
    return out


def _media_multipliers(scenario: Scenario, network: str) -> dict[str, float]:
    spec = scenario.networks[network]
    on = scenario.enabled("media_topic")
    return {m: (float(spec.media_multiplier.get(m, 1.0)) if on else 1.0) for m in spec.media_mix}


# --------------------------------------------------------------------------- scaling


_SYN_NETWORKS = (  # (network, probability of having it, median followers per inhabitant, median posts/day)
    ("facebook", 1.0, 0.12, 0.7),
    ("x", 0.55, 0.04, 1.0),
    ("instagram", 0.4, 0.03, 0.5),
    ("linkedin", 0.15, 0.02, 0.3),
    ("youtube", 0.15, 0.005, 0.1),
)


def _expand(scenario: Scenario, scale: float, rng: np.random.Generator) -> Scenario:
    """Scale the number of collectivités: keep the scenario's own ones, add synthetic ones."""
    if not np.isfinite(scale) or scale <= 0:
        raise EngagementError(f"scale must be a positive number, got {scale!r}")
    n_real = len(scenario.collectivites)
    target = max(1, round(n_real * scale))
    if target <= n_real:
        keep = {c.id for c in scenario.collectivites[:target]}
        return scenario.only(collectivites=keep) if target < n_real else scenario
    from .scenario import _CITY, _mix

    extra_c, extra_a = [], []
    start = scenario.start
    for i in range(target - n_real):
        cid = f"synthetic_{i + 1:05d}"
        pop = int(np.exp(rng.normal(np.log(15_000), 1.0)))
        resp = Responsiveness(
            team_fte=float(np.clip(rng.lognormal(0.0, 0.5), 0.5, 6.0)),
            median_minutes=float(np.exp(rng.normal(np.log(120.0), 0.6))),
            sigma=0.9,
            never_answered=float(np.clip(rng.beta(2, 6), 0.02, 0.8)),
        )
        extra_c.append(CollectiviteSpec(cid, f"Commune synthétique {i + 1}", "commune", pop, resp, synthetic=True))
        for net, p, fpi, rate in _SYN_NETWORKS:
            if rng.random() >= p:
                continue
            followers = max(50.0, pop * fpi * float(rng.lognormal(0.0, 0.6)))
            extra_a.append(
                AccountSpec(
                    cid, net, f"{cid}_{net}", f"Commune synthétique {i + 1}", followers,
                    ((start, None, rate * float(rng.lognormal(0.0, 0.5))),), _mix(**_CITY),
                )
            )
    return dataclasses.replace(
        scenario,
        collectivites=scenario.collectivites + tuple(extra_c),
        accounts=scenario.accounts + tuple(extra_a),
    )


# --------------------------------------------------------------------------- main


def simulate_panel(
    scenario: Scenario | None = None,
    *,
    seed: int = 20190304,
    scale: float = 1.0,
    start: str | None = None,
    end: str | None = None,
) -> Panel:
    """Simulate a panel of collectivités' social-media accounts.

    Parameters
    ----------
    scenario : Scenario, optional
        What to simulate; :func:`default_scenario` when omitted.
    seed : int, default 20190304
        Seed of the local random generator: the same seed gives the same panel.
    scale : float, default 1.0
        Multiplies the number of collectivités: ``scale=K`` keeps the
        scenario's collectivités and adds synthetic ones (ids
        ``synthetic_00001``...) up to ``round(K × n)``; ``K < 1`` keeps the
        first ones. ``scale=1000`` gives about 5,000 collectivités and ~10
        million posts.
    start, end : str, optional
        Inclusive period (``"YYYY-MM-DD"``); default: the scenario's period
        (2016-01-01 to 2019-02-28 for the default scenario).

    Returns
    -------
    Panel
        Canonical ``posts``, ``followers``, ``audience`` and ``conversations``
        tables and the ``planted_effects`` dictionary.

    Raises
    ------
    EngagementError
        If the period or the scale is invalid.

    Examples
    --------
    >>> from engagement_lib.simulate import default_scenario, simulate_panel
    >>> sc = default_scenario().only(collectivites=["romans_sur_isere"], networks=["instagram"])
    >>> panel = simulate_panel(sc.without("posting_time"), seed=1)
    >>> sorted(panel.posts["account"].unique())
    ['musee_chaussure', 'romans_ig']
    """
    scenario = scenario if scenario is not None else default_scenario()
    if not isinstance(scenario, Scenario):
        raise EngagementError(f"scenario must be a Scenario, got {type(scenario).__name__}")
    start = start or scenario.start
    end = end or scenario.end
    try:
        days = pd.date_range(pd.Timestamp(start), pd.Timestamp(end), freq="D", unit="us")
    except (ValueError, TypeError) as exc:
        raise EngagementError(f"invalid period {start!r} to {end!r}: {exc}") from None
    if len(days) == 0:
        raise EngagementError(f"empty period: start {start} is after end {end}")
    children = np.random.SeedSequence(int(seed)).spawn(6)
    rng_scale = np.random.default_rng(children[0])
    scenario = _expand(scenario, scale, rng_scale)
    chunks = _chunks(scenario, days)
    parts, sims = [], []
    for k, sub in enumerate(chunks):
        # one chunk (the usual case) draws from the seed's own streams; big panels are
        # simulated collectivité group by group to bound memory (chunk k: its own streams)
        streams = children[1:] if k == 0 else np.random.SeedSequence([int(seed), 1, k]).spawn(5)
        rng_post, rng_text, rng_fol, rng_aud, rng_conv = (np.random.default_rng(x) for x in streams)
        sim = _Simulation(sub, days, rng_post, rng_text, rng_fol, int(seed))
        posts = sim.posts()
        followers = sim.followers()
        audience = _audience(sub, sim, rng_aud)
        conversations = _conversations(sub, sim, posts, rng_conv, int(seed))
        parts.append((posts, followers, audience, conversations))
        sims.append(sim)
    if len(parts) == 1:
        posts, followers, audience, conversations = parts[0]
        merged = sims[0]
    else:
        tables = []
        for i in range(4):  # one table at a time, releasing the chunks as we go
            pieces = [p[i] for p in parts]
            for j in range(len(parts)):
                parts[j] = (*parts[j][:i], None, *parts[j][i + 1:])
            tables.append(pd.concat(pieces, ignore_index=True))
            del pieces
        posts, followers, audience, conversations = tables
        conversations["conversation_id"] = _conversation_ids(len(conversations))
        merged = _merge_sims(sims)
    from ._planted import planted_effects

    effects = planted_effects(scenario, merged, posts, followers, audience, conversations, seed=int(seed), scale=scale)
    return Panel(posts, followers, audience, conversations, effects, scenario, int(seed))


#: Expected posts per simulated chunk (bounds the memory of the temporaries).
CHUNK_POSTS = 1_500_000


def _expected_posts(account: AccountSpec, days: pd.DatetimeIndex) -> float:
    total = 0.0
    for s, e, r in account.activity:
        lo = max(pd.Timestamp(s), days[0])
        hi = min(pd.Timestamp(e) if e else days[-1], days[-1])
        total += r * max((hi - lo).days + 1, 0)
    return total


def _chunks(scenario: Scenario, days: pd.DatetimeIndex) -> list[Scenario]:
    """Split a scenario into groups of whole collectivités of about CHUNK_POSTS posts."""
    load: dict[str, float] = {}
    for a in scenario.accounts:
        load[a.collectivite] = load.get(a.collectivite, 0.0) + _expected_posts(a, days)
    if sum(load.values()) <= CHUNK_POSTS:
        return [scenario]
    groups, current, size = [], [], 0.0
    for c in scenario.collectivites:
        if current and size + load.get(c.id, 0.0) > CHUNK_POSTS:
            groups.append(current)
            current, size = [], 0.0
        current.append(c)
        size += load.get(c.id, 0.0)
    groups.append(current)
    out = []
    for g in groups:
        ids = {c.id for c in g}
        out.append(dataclasses.replace(
            scenario, collectivites=tuple(g), accounts=tuple(a for a in scenario.accounts if a.collectivite in ids)
        ))
    return out


def _conversation_ids(n: int) -> pd.api.extensions.ExtensionArray:
    digits = pc.utf8_lpad(pa.array(np.arange(n)).cast(pa.string()), 8, "0")
    return pd.array(pc.binary_join_element_wise("conv", digits, ""), dtype="str")


def _merge_sims(sims):
    """The per-account state the planted-effects document needs, across chunks."""
    from types import SimpleNamespace

    return SimpleNamespace(
        accounts=[a for s in sims for a in s.accounts],
        followers_matrix=np.vstack([s.followers_matrix for s in sims]),
        exists=np.vstack([s.exists for s in sims]),
        g=np.concatenate([s.g for s in sims]),
        churn=np.concatenate([s.churn for s in sims]),
        post_viral=np.concatenate([s.post_viral for s in sims]),
        days=sims[0].days,
    )


class _Simulation:
    """State shared by the steps of one simulation (private)."""

    def __init__(self, scenario, days, rng, rng_text, rng_fol, seed):
        self.scenario = scenario
        self.days = days
        self.rng = rng
        self.rng_text = rng_text
        self.rng_fol = rng_fol
        self.seed = seed
        self.accounts = list(scenario.accounts)
        self.A = len(self.accounts)
        self.D = len(days)
        self.net = np.array([a.network for a in self.accounts])
        self.coll_ids = [c.id for c in scenario.collectivites]
        self.coll_code = np.array([self.coll_ids.index(a.collectivite) for a in self.accounts])
        self.day_index = {d: i for i, d in enumerate(days.strftime("%Y-%m-%d"))}
        self._expected_followers()
        self._schedule()

    # ---- helpers
    def _day(self, date: str | None, default: int) -> int:
        if date is None:
            return default
        ts = pd.Timestamp(date)
        return int((ts - self.days[0]) / pd.Timedelta(days=1))

    def _special(self, effect: str, account: AccountSpec) -> bool:
        spec = getattr(self.scenario.effects, {"snapchat_relaunch": "snapchat_relaunch",
                                               "linkedin_join": "linkedin_join"}[effect])
        return account.collectivite == spec["collectivite"] and account.network == spec["network"]

    # ---- followers: expected trajectory
    def _expected_followers(self):
        sc, A, D = self.scenario, self.A, self.D
        growth_on = sc.enabled("follower_growth")
        g = np.array([
            (a.growth if a.growth is not None else sc.networks[a.network].growth) if growth_on else 0.0
            for a in self.accounts
        ])
        churn = np.array([sc.networks[a.network].churn for a in self.accounts])
        t = np.arange(D, dtype=float)
        E = np.empty((A, D))
        extra_new = np.zeros((A, D))
        exists = np.ones((A, D), dtype=bool)
        sd = sc.effects.snapchat_relaunch
        lj = sc.effects.linkedin_join
        for i, a in enumerate(self.accounts):
            anchor_day = self._day(a.followers_date, 0)
            rate = np.log1p(g[i] / 365.0)
            E[i] = a.followers * np.exp(rate * (t - anchor_day))
            if self._special("linkedin_join", a) and a.joined:
                if sc.enabled("linkedin_join"):
                    j = self._day(lj["join_date"], 0)
                    tt = np.maximum(t - j, 0.0)
                    ramp = lj["followers_after_ramp"] * (1 - np.exp(-tt / lj["ramp_days"]))
                    E[i] = ramp * np.exp(rate * tt)
                    exists[i] = t >= j
                else:
                    E[i] = lj["followers_after_ramp"] * np.exp(rate * t)
            elif a.joined:
                j = self._day(a.joined, 0)
                exists[i] = t >= j
                E[i] = np.where(exists[i], E[i], 0.0)
            if self._special("snapchat_relaunch", a):
                # scripted flows: slow before the relaunch, a lasting step up after
                r = self._day(sd["relaunch_date"], D)
                after = sc.enabled("snapchat_relaunch")
                new = np.where((t >= r) & after, sd["daily_new_followers_after"], sd["daily_new_followers_before"])
                c = churn[i] / 365.0
                e = np.empty(D)
                cur = a.followers
                for d in range(D):
                    cur = cur + new[d] - cur * c
                    e[d] = cur
                E[i] = e
                extra_new[i] = new
                g[i] = 0.0
        self.g, self.churn, self.E, self.extra_new, self.exists = g, churn, E, extra_new, exists

    # ---- schedule: posts per account-day, then local times
    def _schedule(self):
        sc, rng, A, D = self.scenario, self.rng, self.A, self.D
        rate = np.zeros((A, D))
        for i, a in enumerate(self.accounts):
            periods = a.activity
            if self._special("linkedin_join", a) and not sc.enabled("linkedin_join"):
                periods = tuple((self.days[0].strftime("%Y-%m-%d"), e, r) for _, e, r in periods)
            for s, e, r in periods:
                d0 = max(self._day(s, 0), 0)
                d1 = min(self._day(e, D - 1), D - 1)
                if d1 >= d0:
                    rate[i, d0 : d1 + 1] = r
        rate *= self.exists
        wd = self.days.day_of_week.to_numpy()
        share = np.array([sc.effects.posting_habits[a.network]["weekday_share"] for a in self.accounts])
        share = share / share.mean(axis=1, keepdims=True)
        counts = rng.poisson(rate * share[:, wd])
        flat = np.repeat(np.arange(A * D), counts.ravel())
        self.p_acct = flat // D
        self.p_day = flat % D
        self.N = len(flat)

    # ---- posts
    def posts(self) -> pd.DataFrame:
        sc, rng, N = self.scenario, self.rng, self.N
        acc, day = self.p_acct, self.p_day
        net = self.net[acc]
        wd_day = self.days.day_of_week.to_numpy()[day]
        weekend = wd_day >= 5
        # local hour from the posting habits of the network
        nets = sorted(set(self.net))
        habit = np.zeros((len(nets) * 2, 24))
        for k, n in enumerate(nets):
            h = sc.effects.posting_habits[n]
            habit[2 * k] = h["weekday"]
            habit[2 * k + 1] = h["weekend"]
        net_code = np.searchsorted(nets, net)
        hour = _draw_categorical(rng, habit, 2 * net_code + weekend)
        # whole minutes: most exports print HH:MM, so the truth keeps no seconds
        minute = rng.integers(0, 60, N)
        local_naive = (
            self.days.to_numpy()[day] + hour.astype("timedelta64[h]") + minute.astype("timedelta64[m]")
        )
        local = pd.DatetimeIndex(local_naive).tz_localize(
            PARIS, ambiguous=np.ones(N, dtype=bool), nonexistent="shift_forward"
        )
        utc = local.tz_convert("UTC")
        local_wd = local.day_of_week.to_numpy()
        local_hour = local.hour.to_numpy()
        office = (local_wd < 5) & (local_hour >= 8) & (local_hour < 18)

        # media type: account mix (Grand Est Facebook raises its video share during the experiment)
        vx = sc.effects.video_experiment
        exp_start = self._day(vx["start_date"], self.D)
        in_exp_acct = np.array([a.collectivite == vx["collectivite"] and a.network == vx["network"]
                                for a in self.accounts])
        media_probs = np.zeros((self.A * 2, len(_MEDIA)))
        for i, a in enumerate(self.accounts):
            mix = dict(sc.networks[a.network].media_mix)
            for j, m in enumerate(_MEDIA):
                media_probs[2 * i, j] = mix.get(m, 0.0)
            if in_exp_acct[i]:
                video = vx["video_share_after"]
                other = {m: w for m, w in mix.items() if m != "video"}
                tot = sum(other.values())
                mix = {**{m: w * (1 - video) / tot for m, w in other.items()}, "video": video}
            for j, m in enumerate(_MEDIA):
                media_probs[2 * i + 1, j] = mix.get(m, 0.0)
        in_exp = in_exp_acct[acc] & (day >= exp_start)
        media = _draw_categorical(rng, media_probs, 2 * acc + in_exp)

        # topic: account mix, tilted by the office-hours habit
        aff = np.array([sc.effects.topic_office_affinity[t] for t in TOPICS])
        topic_probs = np.zeros((self.A * 2, len(TOPICS)))
        for i, a in enumerate(self.accounts):
            w = np.array([a.topic_mix.get(t, 0.0) for t in TOPICS])
            topic_probs[2 * i] = w / aff  # outside office hours
            topic_probs[2 * i + 1] = w * aff  # weekday office hours
        topic = _draw_categorical(rng, topic_probs, 2 * acc + office)

        # latent attention with heavy tails
        ht = sc.effects.heavy_tails
        if sc.enabled("heavy_tails"):
            latent = np.exp(ht["sigma"] * rng.standard_normal(N))
            viral = rng.random(N) < ht["viral_share"]
            latent[viral] *= ht["viral_scale"] * (1.0 + rng.pareto(ht["viral_pareto_shape"], viral.sum()))
        else:
            latent = np.exp(ht["sigma_off"] * rng.standard_normal(N))
            viral = np.zeros(N, dtype=bool)

        E = self.E[acc, day]
        acct_mult = np.array([a.account_multiplier for a in self.accounts])[acc]
        cols = {m: np.full(N, -1, dtype=np.int64) for m in METRICS}
        label = np.full(N, None, dtype=object)
        is_paid = np.full(N, None, dtype=object)

        for n in nets:
            spec = sc.networks[n]
            rows = np.flatnonzero(net == n)
            if rows.size == 0:
                continue
            k = spec.dispersion
            tmult = time_multiplier_table(sc, n)[local_wd[rows], local_hour[rows]]
            mm = _media_multipliers(sc, n)
            media_mult = np.array([mm.get(m, 1.0) for m in _MEDIA])[media[rows]]
            tm = _topic_multipliers(sc, n)
            tmat = {key: np.array([tm[t][key] for t in TOPICS])[topic[rows]]
                    for key in ("engagement", "likes", "comments", "shares", "saves", "clicks", "views")}
            L = latent[rows]
            e = E[rows]
            base = e * acct_mult[rows] * tmult
            m_eng = base * spec.engagement_rate * media_mult * tmat["engagement"] * L
            is_video = np.isin(media[rows], [_MEDIA.index("video"), _MEDIA.index("reel"), _MEDIA.index("live")])
            # paid boosts (a nuisance, not a planted effect): Facebook 2 %, Instagram 1 %
            paid = np.zeros(rows.size, dtype=bool)
            if n in ("facebook", "instagram"):
                paid = rng.random(rows.size) < (0.02 if n == "facebook" else 0.01)
            if n in ("facebook", "instagram", "x", "linkedin"):
                is_paid[rows] = paid
            reach_boost = np.where(paid, 1.6, 1.0)
            noise = lambda s, size=rows.size: np.exp(s * rng.standard_normal(size))  # noqa: E731

            inter = {}
            for m in ("likes", "comments", "shares", "saves"):
                w = spec.split.get(m, 0.0)
                if w > 0:
                    inter[m] = _nb(rng, m_eng * w * tmat[m], k)
            engaged = sum(inter.get(m, 0) for m in ("likes", "comments", "shares"))
            exposure = None
            meta_views = False
            if spec.reach_rate is not None:
                reach = e * spec.reach_rate * np.sqrt(tmult) * media_mult**0.5 * L**0.75 * noise(0.3) * reach_boost
                reach = np.maximum(np.round(reach).astype(np.int64), engaged + inter.get("saves", 0))
                impressions = np.maximum(
                    np.round(reach * spec.impressions_per_reach * noise(0.12)).astype(np.int64), reach
                )
                if "reach" in spec.metrics:
                    cols["reach"][rows] = reach
                if "impressions" in spec.metrics:
                    cols["impressions"][rows] = impressions
                elif "views" in spec.metrics:  # Meta's "views" era: views replace impressions, every post
                    cols["views"][rows] = impressions
                    meta_views = True
                exposure = reach.astype(float)
            elif spec.impressions_per_reach > 0:
                imp = e * spec.impressions_per_reach * np.sqrt(tmult) * L**0.75 * noise(0.3)
                impressions = np.maximum(np.round(imp).astype(np.int64), engaged)
                if "impressions" in spec.metrics:
                    cols["impressions"][rows] = impressions
                exposure = impressions.astype(float)
            # views
            views = None
            if n == "snapchat":
                sd = sc.effects.snapchat_relaunch
                step = 0.0
                if self.scenario.enabled("snapchat_relaunch"):
                    coll = np.array([a.collectivite for a in self.accounts])[acc[rows]]
                    after = day[rows] >= self._day(sd["relaunch_date"], self.D)
                    step = np.where((coll == sd["collectivite"]) & after, sd["log_views_step"], 0.0)
                mean_v = e * spec.view_rate * np.sqrt(tmult) * tmat["views"] * L**0.5 * np.exp(step)
                views = _nb(rng, mean_v, 8.0)
                cols["views"][rows] = views
            elif n in ("youtube", "tiktok"):
                mean_v = e * spec.view_rate * tmult * tmat["views"] * L
                views = np.maximum(_nb(rng, mean_v, 3.0), engaged)
                cols["views"][rows] = views
                if "impressions" in spec.metrics:
                    cols["impressions"][rows] = np.maximum(
                        np.round(views * spec.impressions_per_reach / max(spec.view_rate, 1e-9) * noise(0.3)).astype(
                            np.int64
                        ),
                        views,
                    )
                exposure = views.astype(float)
            elif "views" in spec.metrics and exposure is not None and not meta_views:
                vrows = np.flatnonzero(is_video)
                lift_v = np.ones(rows.size)
                lift_c = np.ones(rows.size)
                if n == vx["network"]:
                    grp = in_exp[rows] & is_video
                    g_idx = np.flatnonzero(grp)
                    if g_idx.size:
                        # alternate the arms in publication order, per account
                        order = np.lexsort((utc.asi8[rows][g_idx], acc[rows][g_idx]))
                        arm_new = np.zeros(g_idx.size, dtype=bool)
                        acc_sorted = acc[rows][g_idx][order]
                        first = np.r_[True, acc_sorted[1:] != acc_sorted[:-1]]
                        pos = np.arange(g_idx.size) - np.maximum.accumulate(np.where(first, np.arange(g_idx.size), 0))
                        arm_new[order] = pos % 2 == 0
                        label[rows[g_idx]] = np.where(arm_new, vx["arm_new"], vx["arm_old"])
                        if sc.enabled("video_format_experiment"):
                            lift_v[g_idx[arm_new]] = 1.0 + vx["views_lift"]
                            lift_c[g_idx[arm_new]] = 1.0 + vx["completions_lift"]
                v_mean = exposure * spec.view_rate * tmat["views"] * lift_v
                views_all = _nb(rng, v_mean, 6.0)
                cols["views"][rows[vrows]] = views_all[vrows]
                if "completions" in spec.metrics and spec.completion_rate > 0:
                    c_mean = exposure * spec.view_rate * spec.completion_rate * lift_c
                    comp = np.minimum(_nb(rng, c_mean, 6.0), views_all)
                    cols["completions"][rows[vrows]] = comp[vrows]
            if n == "tiktok" and views is not None and "completions" in spec.metrics:
                cols["completions"][rows] = np.minimum(_nb(rng, views * spec.completion_rate, 6.0), views)
            for m, v in inter.items():
                if m in spec.metrics:
                    cols[m][rows] = v
            # clicks
            if "clicks" in spec.metrics and exposure is not None:
                link_boost = np.where(media[rows] == _MEDIA.index("link"), 2.0, 1.0)
                c_mean = exposure * spec.click_rate * tmat["clicks"] * link_boost * L**0.25
                cols["clicks"][rows] = _nb(rng, c_mean, 3.0)
            # follows from the post (viral posts make follower jumps)
            if exposure is not None and spec.follow_rate > 0:
                f = _nb(rng, exposure * spec.follow_rate, 2.0)
            else:
                f = np.zeros(rows.size, dtype=np.int64)
            if "follows" in spec.metrics:
                cols["follows"][rows] = f
            self._post_follows = getattr(self, "_post_follows", np.zeros(N, dtype=np.int64))
            if sc.enabled("follower_growth"):
                self._post_follows[rows] = f

        # identifiers, permalinks, texts
        ms = utc.asi8 // 1000  # microseconds → milliseconds
        handles = [a.display_name.replace(" ", "") if a.network == "x" else a.account for a in self.accounts]
        pages = [page_id(a.account, a.network) for a in self.accounts]
        pid_parts, link_parts, positions = [], [], []
        for n in nets:
            rows = np.flatnonzero(net == n)
            if rows.size == 0:
                continue
            pid, link = make_post_ids(n, ms[rows], acc[rows], handles, pages, rng,
                                      media=np.asarray(_MEDIA, dtype=object)[media[rows]])
            pid_parts.append(pid)
            link_parts.append(link.cast(pa.string()))
            positions.append(rows)
        inverse = np.empty(N, dtype=np.int64)
        inverse[np.concatenate(positions)] = np.arange(N)
        post_id = pc.take(pa.concat_arrays(pid_parts), pa.array(inverse))
        permalink = pc.take(pa.concat_arrays(link_parts), pa.array(inverse))
        place_names = sorted({c.id if not c.synthetic else "_synthetic" for c in sc.collectivites})
        place_of_coll = np.array([
            place_names.index("_synthetic" if c.synthetic else c.id) for c in sc.collectivites
        ])
        texts = make_texts(topic, TOPICS, place_of_coll[self.coll_code[acc]], place_names, self.rng_text)

        self.post_latent = latent
        self.post_viral = viral
        self.post_utc = utc
        self.post_local_wd, self.post_local_hour = local_wd, local_hour
        self.post_follows = getattr(self, "_post_follows", np.zeros(N, dtype=np.int64))

        frame = {
            "collectivite": _strings(self.coll_ids, self.coll_code[acc]),
            "account": _strings([a.account for a in self.accounts], acc),
            "network": _network_cat(self.net, acc),
            "post_id": _strings(post_id),
            "published_at": utc,
            "media_type": pd.Categorical.from_codes(media, dtype=_MEDIA_CAT),
            "topic": _strings(TOPICS, topic),
            "label": pd.array(label, dtype="str"),
            "text": pd.array(texts, dtype="str"),
            "permalink": _strings(permalink),
            "is_paid": pd.array(is_paid, dtype="boolean"),
        }
        for m in METRICS:
            v = cols[m]
            frame[m] = pd.arrays.IntegerArray(np.maximum(v, 0), v < 0)
        frame["metric_era"] = _constant(sc.metric_era, N)
        frame["source_format"] = _constant("truth", N)
        frame["source_file"] = _constant(None, N)
        frame["source_row"] = _constant(None, N, "Int64")
        frame["exported_at"] = pd.DatetimeIndex(np.full(N, np.datetime64("NaT", "us"))).tz_localize("UTC")
        posts = pd.DataFrame(frame)
        posts.index = pd.RangeIndex(N)
        order = np.lexsort((post_id.to_numpy(zero_copy_only=False), utc.asi8, acc, self.coll_code[acc]))
        self.post_order = order
        posts = posts.take(order).reset_index(drop=True)
        self.post_acct_sorted = acc[order]
        self.post_day_sorted = day[order]
        return posts

    # ---- followers
    def followers(self) -> pd.DataFrame:
        sc, rng, A, D = self.scenario, self.rng_fol, self.A, self.D
        E = self.E
        gross_rate = (np.maximum(self.g, 0.0) + self.churn)[:, None] / 365.0
        loss_rate = (self.churn[:, None] + np.maximum(-self.g, 0.0)[:, None]) / 365.0
        lost_mean = E * loss_rate
        jumps = np.zeros((A, D))
        np.add.at(jumps, (self.p_acct, self.p_day), self.post_follows)
        # the follows brought by posts are part of the planted growth, not on top of it:
        # the smooth inflow is reduced by their average rate (per follower-day) so that
        # the realised growth stays at the planted rate while viral posts still make jumps
        exposure = (E * self.exists).sum(axis=1)
        per_follower_day = np.divide(jumps.sum(axis=1), exposure, out=np.zeros(A), where=exposure > 0)
        smooth = np.maximum(gross_rate - per_follower_day[:, None], 0.0)
        new_mean = np.where(self.extra_new > 0, self.extra_new, E * smooth)
        new = rng.poisson(new_mean * self.exists) + jumps.astype(np.int64)
        lost = rng.poisson(lost_mean * self.exists)
        followers = np.zeros((A, D), dtype=np.int64)
        start_level = np.array([
            0 if a.joined and (not self._special("linkedin_join", a) or sc.enabled("linkedin_join"))
            else round(E[i, 0]) for i, a in enumerate(self.accounts)
        ])
        for i in range(A):  # running total; losses cannot exceed the followers present
            f = start_level[i] + np.cumsum(new[i] - lost[i])
            if f.min() < 0:
                cur = start_level[i]
                for d in range(D):
                    lost[i, d] = min(lost[i, d], cur + new[i, d])
                    cur = cur + new[i, d] - lost[i, d]
                    f[d] = cur
            followers[i] = f
        self.followers_matrix = followers
        mask = self.exists
        acc_idx, day_idx = np.nonzero(mask)
        dates = self.days[day_idx].tz_localize("UTC")
        flows = {a.account: sc.networks[a.network].flows for a in self.accounts}
        has_new = np.array(["new" in flows[a.account] for a in self.accounts])[acc_idx]
        has_lost = np.array(["lost" in flows[a.account] for a in self.accounts])[acc_idx]
        n = len(acc_idx)
        frame = pd.DataFrame({
            "collectivite": _strings(self.coll_ids, self.coll_code[acc_idx]),
            "account": _strings([a.account for a in self.accounts], acc_idx),
            "network": _network_cat(self.net, acc_idx),
            "date": dates,
            "followers": pd.array(followers[acc_idx, day_idx], dtype="Int64"),
            "new_followers": pd.arrays.IntegerArray(new[acc_idx, day_idx].astype(np.int64), ~has_new),
            "lost_followers": pd.arrays.IntegerArray(lost[acc_idx, day_idx].astype(np.int64), ~has_lost),
            "source_format": _constant("truth", n),
            "source_file": _constant(None, n),
            "source_row": _constant(None, n, "Int64"),
        })
        order = np.lexsort((day_idx, acc_idx, self.coll_code[acc_idx]))
        return frame.take(order).reset_index(drop=True)


# --------------------------------------------------------------------------- audience


def audience_profile(scenario: Scenario, account: AccountSpec) -> np.ndarray:
    """Planted age shares (brackets of AGE_BRACKETS) of an account's followers."""
    aud = scenario.effects.audience
    if account.collectivite == "toulouse" and account.network in aud["toulouse"]:
        if scenario.enabled("audience_targeting"):
            return np.asarray(aud["toulouse"][account.network], float)
        return np.asarray(aud["neutral"], float)
    return np.asarray(aud["default"].get(account.network, aud["neutral"]), float)


def _audience(scenario: Scenario, sim: _Simulation, rng: np.random.Generator) -> pd.DataFrame:
    """Monthly age and gender shares per account (Dirichlet around the planted profile)."""
    month_days = np.flatnonzero(sim.days.day == 1)
    keep_acc = [i for i, a in enumerate(sim.accounts) if scenario.networks[a.network].has_audience]
    blocks = []
    for dim, brackets, conc in (("age", AGE_BRACKETS, 800.0), ("gender", GENDER_BRACKETS, 2000.0)):
        base = np.zeros((sim.A, len(brackets)))
        for i in keep_acc:
            a = sim.accounts[i]
            if dim == "age":
                v = audience_profile(scenario, a)
            else:
                v = np.asarray(scenario.effects.audience["gender"].get(a.network, [0.5, 0.49, 0.01]), float)
            base[i] = v / v.sum()
        blocks.append((dim, brackets, conc, base))
    acc_i, day_i = np.meshgrid(np.asarray(keep_acc, dtype=np.int64), month_days, indexing="ij")
    acc_i, day_i = acc_i.ravel(), day_i.ravel()
    # platforms hide demographics of tiny audiences
    ok = sim.exists[acc_i, day_i] & (sim.followers_matrix[acc_i, day_i] >= 100)
    acc_i, day_i = acc_i[ok], day_i[ok]
    parts = []
    for dim, brackets, conc, base in blocks:
        k = len(brackets)
        draws = rng.gamma(base[acc_i] * conc + 1e-3)
        share = np.round(draws / draws.sum(axis=1, keepdims=True), 4)
        share[:, -1] = np.maximum(0.0, np.round(1.0 - share[:, :-1].sum(axis=1), 4))
        parts.append(pd.DataFrame({
            "acc": np.repeat(acc_i, k), "day": np.repeat(day_i, k), "dim_order": 0 if dim == "age" else 1,
            "b": np.tile(np.arange(k), len(acc_i)), "dimension": dim,
            "bracket": np.asarray(brackets, dtype=object)[np.tile(np.arange(k), len(acc_i))],
            "share": share.ravel(),
        }))
    long = pd.concat(parts, ignore_index=True).sort_values(["acc", "day", "dim_order", "b"], kind="stable")
    acc = long["acc"].to_numpy()
    n = len(long)
    frame = pd.DataFrame({
        "collectivite": _strings(sim.coll_ids, sim.coll_code[acc]),
        "account": _strings([a.account for a in sim.accounts], acc),
        "network": _network_cat(sim.net, acc),
        "date": sim.days[long["day"].to_numpy()].tz_localize("UTC"),
        "dimension": pd.array(long["dimension"].to_numpy(), dtype="str"),
        "bracket": pd.array(long["bracket"].to_numpy(), dtype="str"),
        "share": long["share"].to_numpy(dtype=float),
        "source_format": _constant("truth", n),
        "source_file": _constant(None, n),
        "source_row": _constant(None, n, "Int64"),
    })
    return frame


# --------------------------------------------------------------------------- conversations

_MESSAGE_RATE = {"facebook": 0.012, "instagram": 0.006, "x": 0.0, "linkedin": 0.002, "youtube": 0.0,
                 "snapchat": 0.004, "viadeo": 0.0, "tiktok": 0.002}  # per day per sqrt(follower), ASSUMPTION
_MENTION_RATE = {"x": 0.010}  # ASSUMPTION
_QUESTION_SHARE = 0.04  # share of comments that ask something of the collectivité, ASSUMPTION
_COMMENT_CHANNEL = {"x": "reply"}


def responsiveness_of(scenario: Scenario, cid: str) -> Responsiveness:
    """Reply behaviour used for a collectivité (neutral when the effect is off)."""
    if not scenario.enabled("responsiveness"):
        return scenario.effects.neutral_responsiveness
    return scenario.collectivite(cid).responsiveness


def _conversations(scenario, sim, posts, rng, seed) -> pd.DataFrame:
    # 1. questions in comments (replies on X)
    comments = posts["comments"].to_numpy(dtype="float64", na_value=0.0).astype(np.int64)
    n_q = rng.binomial(comments, _QUESTION_SHARE)
    src = np.repeat(np.arange(len(posts)), n_q)
    pub = posts["published_at"].array.asi8[src]
    delay_us = (rng.exponential(4 * 3600, len(src)) * 1e6).astype(np.int64)
    c_recv = pub + delay_us
    c_acct = sim.post_acct_sorted[src]
    c_post = posts["post_id"].to_numpy()[src]
    c_chan = np.array([_COMMENT_CHANNEL.get(n, "comment") for n in sim.net])[c_acct]
    # 2. private messages and 3. mentions, Poisson per account-day
    recv, accs, chans = [c_recv], [c_acct], [c_chan]
    sqrtF = np.sqrt(np.maximum(sim.followers_matrix, 0))
    hour_w = np.array([0.2, 0.1, 0.05, 0.05, 0.05, 0.1, 0.4, 1.0, 2.0, 2.5, 2.6, 2.5, 2.4, 2.4, 2.5, 2.5, 2.4, 2.4,
                       2.6, 2.8, 2.8, 2.4, 1.5, 0.6])
    for rates, chan in ((_MESSAGE_RATE, "message"), (_MENTION_RATE, "mention")):
        r = np.array([rates.get(n, 0.0) for n in sim.net])[:, None] * sqrtF * sim.exists
        counts = rng.poisson(r)
        flat = np.repeat(np.arange(sim.A * sim.D), counts.ravel())
        a_i, d_i = flat // sim.D, flat % sim.D
        hour = _draw_categorical(rng, hour_w[None, :], np.zeros(len(flat), dtype=np.int64))
        secs = hour * 3600 + rng.integers(0, 3600, len(flat))
        local = pd.DatetimeIndex(sim.days.to_numpy()[d_i] + secs.astype("timedelta64[s]"))
        utc = local.tz_localize(PARIS, ambiguous=np.ones(len(flat), dtype=bool), nonexistent="shift_forward")
        recv.append(utc.tz_convert("UTC").as_unit("us").asi8)
        accs.append(a_i)
        chans.append(np.full(len(flat), chan))
    received = np.concatenate(recv)
    acc = np.concatenate(accs)
    channel = np.concatenate(chans)
    post_id = np.concatenate([c_post, np.full(len(received) - len(c_post), None, dtype=object)])
    # keep what falls inside the period
    end_us = (sim.days[-1] + pd.Timedelta(days=1)).tz_localize(PARIS).tz_convert("UTC").as_unit("us").value
    keep = received < end_us
    received, acc, channel, post_id = received[keep], acc[keep], channel[keep], post_id[keep]
    n = len(received)
    # reply delays: office hours, weekends, team size
    coll = sim.coll_code[acc]
    params = [responsiveness_of(scenario, c) for c in sim.coll_ids]
    p_never = np.array([p.never_answered for p in params])[coll]
    med = np.array([p.median_minutes for p in params])[coll]
    sig = np.array([p.sigma for p in params])[coll]
    o_start = np.array([p.office_start for p in params])[coll]
    o_end = np.array([p.office_end for p in params])[coll]
    cover = np.array([p.weekend_cover for p in params])[coll]
    local = pd.DatetimeIndex(received.astype("datetime64[us]")).tz_localize("UTC").tz_convert(PARIS)
    wd = local.day_of_week.to_numpy()
    hr = local.hour.to_numpy() + local.minute.to_numpy() / 60.0
    day0 = local.tz_localize(None).normalize().to_numpy()
    weekend = wd >= 5
    on_duty = (~weekend & (hr >= o_start) & (hr < o_end)) | (weekend & (rng.random(n) < cover))
    # next office opening (local wall time)
    add_days = np.where(weekend, 7 - wd, np.where(hr < o_start, 0, np.where(wd == 4, 3, 1)))
    add_days = np.where(~weekend & (hr >= o_end), np.where(wd == 4, 3, 1), add_days)
    opening = day0 + add_days.astype("timedelta64[D]") + (o_start * 3600).astype("timedelta64[s]")
    opening_utc = (
        pd.DatetimeIndex(opening).tz_localize(PARIS, ambiguous=np.ones(n, dtype=bool), nonexistent="shift_forward")
        .tz_convert("UTC").as_unit("us").asi8
    )
    pickup = np.where(on_duty, received, np.maximum(opening_utc, received))
    delay_min = np.exp(np.log(med) + sig * rng.standard_normal(n))
    replied = pickup + (delay_min * 60e6).astype(np.int64)
    never = rng.random(n) < p_never
    # authors: a pool per account, skewed towards regulars; hashed once per distinct author
    pool = np.maximum(50, np.bincount(acc, minlength=sim.A) // 3)
    who = (pool[acc] * rng.random(n) ** 2).astype(np.int64)
    base = int(pool.max()) + 1
    code = acc.astype(np.int64) * base + who
    uniq, inv = np.unique(code, return_inverse=True)
    prefix = [f"{a.network}:{a.account}:" for a in sim.accounts]
    keys = [f"{prefix[c // base]}{c % base}" for c in uniq.tolist()]
    authors = np.array(hash_authors(keys, f"engagement-sim-{seed}"), dtype=object)[inv]
    order = np.lexsort((post_id.astype(str), channel, received, acc, coll))
    received, acc, channel, post_id = received[order], acc[order], channel[order], post_id[order]
    replied, never, authors, coll = replied[order], never[order], authors[order], coll[order]
    frame = pd.DataFrame({
        "collectivite": _strings(sim.coll_ids, coll),
        "account": _strings([a.account for a in sim.accounts], acc),
        "network": _network_cat(sim.net, acc),
        "conversation_id": _conversation_ids(n),
        "channel": pd.array(channel.astype(object), dtype="str"),
        "received_at": pd.DatetimeIndex(received.astype("datetime64[us]")).tz_localize("UTC"),
        "replied_at": pd.DatetimeIndex(np.where(never, np.datetime64("NaT", "us"), replied.astype("datetime64[us]")))
        .tz_localize("UTC"),
        "author": pd.array(authors, dtype="str"),
        "post_id": pd.array(post_id, dtype="str"),
        "source_format": pd.array(np.full(n, "truth", dtype=object), dtype="str"),
        "source_file": pd.array(np.full(n, None, dtype=object), dtype="str"),
        "source_row": pd.array(np.full(n, None, dtype=object), dtype="Int64"),
    })
    return frame


def engagement_per_follower(posts: pd.DataFrame, followers: pd.DataFrame) -> pd.Series:
    """Interactions (likes + comments + shares, missing counted as 0) per follower
    on the day of publication (Europe/Paris calendar day). Unit: fraction."""
    inter = posts[["likes", "comments", "shares"]].fillna(0).sum(axis=1).astype(float)
    day = posts["published_at"].dt.tz_convert(PARIS).dt.tz_localize(None).dt.normalize()
    key = pd.MultiIndex.from_arrays([posts["account"].astype(str), posts["network"].astype(str), day])
    f = followers.assign(day=followers["date"].dt.tz_localize(None))
    fmap = pd.Series(
        f["followers"].astype(float).to_numpy(),
        index=pd.MultiIndex.from_arrays([f["account"].astype(str), f["network"].astype(str), f["day"]]),
    )
    denom = fmap.reindex(key).to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(denom > 0, inter.to_numpy() / denom, np.nan)
    return pd.Series(out, index=posts.index, name="engagement_per_follower")

