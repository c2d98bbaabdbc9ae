"""Compare collectivités fairly: sizes, strategies, audiences and engagement.

*La Gazette des communes* (4 March 2019) describes strategies, not league
tables: "each network has its own editorial line and audience" (Facebook for
seniors, Twitter for professionals, Instagram and Snapchat for the young,
LinkedIn for job offers). A fair comparison therefore

1. puts a collectivité next to its **peers** (same kind, same population
   stratum: :func:`peer_stratum`) and **normalises** by inhabitants
   (:func:`per_inhabitant`, :func:`audience_size`) and by followers
   (:func:`engagement_rates`);
2. describes **what** each one publishes where (:func:`strategy_fingerprint`);
3. checks whether each network **reaches the audience aimed at**
   (:func:`age_profile`, :func:`audience_difference`, :func:`targeting_check`);
4. compares engagement **within a network**, as effect sizes with intervals
   (:func:`compare_engagement`), and ranks only where the intervals separate
   the groups (:func:`rank_groups`).

Figures (seaborn/matplotlib, labels in French or English with ``lang=``):
:func:`plot_per_inhabitant`, :func:`plot_fingerprint`, :func:`plot_age_profile`,
:func:`plot_targeting`, :func:`plot_engagement_rates`, :func:`plot_rate_ratios`.

Every function takes tidy canonical tables (see :mod:`engagement_lib.schema`)
first and keyword-only options after; none modifies its input.

References
----------
* Observatoire socialmedia des territoires & Swello (2023), *Réseaux sociaux et
  collectivités locales françaises*; informer-autrement.fr barometers of the
  grandes villes (> 100,000 inhabitants), 2012–2017: per-inhabitant,
  per-stratum comparisons rather than raw fan counts.
* Rival IQ (2019), *Social Media Industry Benchmark Report*: engagement rate
  per post by followers = interactions / followers.
* Bonsón, Royo & Ratkai (2015), *Government Information Quarterly* 32(1):
  52–62 (media and content types drive engagement).
* Goldstein & Spiegelhalter (1996), *JRSS A* 159(3): 385–443, on league tables:
  rank intervals instead of point ranks.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from itertools import combinations

import numpy as np
import pandas as pd
from scipy import stats

from ..errors import SchemaError
from ..i18n import check_lang, pick
from ._intervals import bootstrap_sums, check_ci, percentile, rng_from
from ._plots_compare import (
    plot_age_profile,
    plot_engagement_rates,
    plot_fingerprint,
    plot_per_inhabitant,
    plot_rate_ratios,
    plot_targeting,
)

__all__ = [
    "STRATA",
    "STRATA_SOURCES",
    "peer_stratum",
    "stratum_label",
    "per_inhabitant",
    "follower_snapshot",
    "audience_size",
    "strategy_fingerprint",
    "parse_age_bracket",
    "age_profile",
    "audience_difference",
    "targeting_check",
    "interactions",
    "followers_at_post",
    "engagement_rates",
    "compare_engagement",
    "rank_groups",
    # figures (engagement_lib.analysis._plots_compare)
    "plot_per_inhabitant",
    "plot_fingerprint",
    "plot_age_profile",
    "plot_targeting",
    "plot_engagement_rates",
    "plot_rate_ratios",
]

_ENTITY = ["collectivite", "account", "network"]

# ----------------------------------------------------------------------------
# Peer strata
# ----------------------------------------------------------------------------

#: Peer strata: scheme → list of (stratum id, lower bound inclusive, upper bound
#: exclusive, French label, English label). Bounds are INSEE "population
#: municipale" counts; only communes are split by population.
STRATA: dict[str, list[tuple[str, int, float, str, str]]] = {
    "observatoire": [
        ("commune_lt_2k", 0, 2_000, "Communes de moins de 2 000 hab.", "Municipalities < 2,000"),
        ("petite_ville", 2_000, 20_000, "Petites villes (2 000–19 999 hab.)",
         "Small towns (2,000–19,999)"),
        ("ville_moyenne", 20_000, 100_000, "Villes moyennes (20 000–99 999 hab.)",
         "Medium-sized towns (20,000–99,999)"),
        ("grande_ville", 100_000, np.inf, "Grandes villes (100 000 hab. et plus)",
         "Large cities (100,000 and more)"),
    ],
    "dgf": [
        (f"commune_{lo}_{'plus' if hi == np.inf else hi - 1}", lo, hi,
         f"Communes de {lo:,} à {hi - 1:,} hab.".replace(",", "\u202f") if hi != np.inf
         else f"Communes de {lo:,} hab. et plus".replace(",", "\u202f"),
         f"Municipalities {lo:,}–{hi - 1:,}" if hi != np.inf else f"Municipalities {lo:,}+")
        for lo, hi in [
            (0, 500), (500, 1_000), (1_000, 2_000), (2_000, 3_500), (3_500, 5_000),
            (5_000, 7_500), (7_500, 10_000), (10_000, 15_000), (15_000, 20_000),
            (20_000, 35_000), (35_000, 50_000), (50_000, 75_000), (75_000, 100_000),
            (100_000, 200_000), (200_000, np.inf),
        ]
    ],
}

#: Where each stratification comes from (shown in notebooks and reports).
STRATA_SOURCES = {
    "observatoire": (
        "Size classes used by the French barometers of collectivités on social networks: "
        "villages under 2,000 inhabitants, petites villes, villes moyennes (20,000–100,000) "
        "and grandes villes (over 100,000) — Observatoire socialmedia des territoires & "
        "Swello, 'Réseaux sociaux et collectivités locales françaises' (2023); Cap'Com / "
        "Observatoire 2018 study (May 2019); informer-autrement.fr barometers of the "
        "grandes villes (2012–2017). The 2,000 threshold is also INSEE's historical "
        "urban/rural commune threshold. Départements, régions and intercommunalités form "
        "one stratum per kind."
    ),
    "dgf": (
        "The 15 demographic groups of communes used for the dotation globale de "
        "fonctionnement (Code des communes art. L234-3, now Code général des collectivités "
        "territoriales art. L2334-3) and in the DGCL's yearly 'Les collectivités locales "
        "en chiffres'. Départements, régions and intercommunalités form one stratum per kind."
    ),
}

_KIND_LABELS = {
    "departement": ("Départements", "Départements"),
    "region": ("Régions", "Regions"),
    "intercommunalite": ("Intercommunalités", "Inter-municipal bodies"),
}


def _check_columns(df: pd.DataFrame, needed: Sequence[str], table: str) -> None:
    missing = [c for c in needed if c not in df.columns]
    if missing:
        raise SchemaError(
            f"{table}: missing column(s) {', '.join(map(repr, missing))}; "
            f"found {', '.join(map(str, df.columns)) or '(none)'}"
        )


def _as_list(value) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def peer_stratum(
    collectivites: pd.DataFrame, *, scheme: str = "observatoire", population: str = "population"
) -> pd.DataFrame:
    """Assign each collectivité to a peer stratum (kind, then population class).

    Parameters
    ----------
    collectivites : pandas.DataFrame
        The ``collectivites`` table (``id``, ``kind`` and a population column).
    scheme : {"observatoire", "dgf"}
        ``"observatoire"``: communes < 2,000 / petites villes 2,000–19,999 /
        villes moyennes 20,000–99,999 / grandes villes ≥ 100,000; ``"dgf"``:
        the 15 demographic groups of the DGF. Sources in :data:`STRATA_SOURCES`.
        Départements, régions and intercommunalités are one stratum per kind.
    population : str
        Population column to classify on (``"population"``, the latest INSEE
        count, or ``"population_article"``).

    Returns
    -------
    pandas.DataFrame
        A copy with ``stratum`` (id) and ``stratum_rank`` (0 = smallest
        communes, kinds after the communes) columns added.
    """
    if scheme not in STRATA:
        raise ValueError(f"unknown strata scheme {scheme!r}; expected one of {', '.join(STRATA)}")
    _check_columns(collectivites, ["kind", population], "collectivites")
    out = collectivites.copy()
    kind = out["kind"].astype("str")
    pop = pd.to_numeric(out[population], errors="coerce").astype("float")
    strata = STRATA[scheme]
    stratum = pd.Series(pd.NA, index=out.index, dtype="object")
    rank = pd.Series(np.nan, index=out.index)
    for i, (sid, lo, hi, _fr, _en) in enumerate(strata):
        hit = (kind == "commune") & (pop >= lo) & (pop < hi)
        stratum[hit] = sid
        rank[hit] = i
    for j, k in enumerate(_KIND_LABELS):
        hit = kind == k
        stratum[hit] = k
        rank[hit] = len(strata) + j
    unknown = (kind == "commune") & pop.isna()
    if unknown.any():
        rows = ", ".join(map(str, out.index[unknown][:5]))
        raise SchemaError(
            f"collectivites: column {population!r} is missing for commune row(s) {rows}; "
            "a commune cannot be stratified without its population"
        )
    out["stratum"] = stratum.astype("str")
    out["stratum_rank"] = rank.astype("Int64")
    return out


def stratum_label(stratum: str, lang: str = "fr", *, scheme: str = "observatoire") -> str:
    """User-facing label of a stratum id (``"ville_moyenne"`` → ``"Villes moyennes (…)"``)."""
    check_lang(lang)
    for sid, _lo, _hi, fr, en in STRATA[scheme]:
        if sid == stratum:
            return pick({"fr": fr, "en": en}, lang)
    if stratum in _KIND_LABELS:
        fr, en = _KIND_LABELS[stratum]
        return pick({"fr": fr, "en": en}, lang)
    return str(stratum)


# ----------------------------------------------------------------------------
# Per-inhabitant normalisation
# ----------------------------------------------------------------------------


def per_inhabitant(
    data: pd.DataFrame,
    collectivites: pd.DataFrame,
    *,
    columns: str | Sequence[str],
    per: int = 1000,
    population: str = "population",
    on: str = "collectivite",
) -> pd.DataFrame:
    """Divide counts by the collectivité's population.

    ``x_per_<per>_inhabitants = x / population × per`` (unit: per ``per``
    inhabitants, ‰ for the default 1,000), the normalisation of the French
    barometers (informer-autrement.fr; MyObservatoire). The population is the
    INSEE *population municipale* of ``collectivites`` (column ``population``;
    ``population_article`` gives the article's figures).

    Parameters
    ----------
    data : pandas.DataFrame
        Any tidy frame with an ``on`` column holding collectivité ids.
    collectivites : pandas.DataFrame
        The ``collectivites`` table (``id`` and the population column).
    columns : str or list of str
        Count columns to normalise.
    per : int
        Denominator scale (1000 → per thousand inhabitants).
    population, on : str
        Population column of ``collectivites``; id column of ``data``.

    Returns
    -------
    pandas.DataFrame
        A copy of ``data`` with ``population`` and one
        ``<column>_per_<per>_inhabitants`` column per input column.

    Raises
    ------
    SchemaError
        If a collectivité of ``data`` is unknown or has no population.
    """
    columns = _as_list(columns)
    _check_columns(data, [on, *columns], "data")
    _check_columns(collectivites, ["id", population], "collectivites")
    pops = (
        collectivites[["id", population]]
        .assign(id=lambda d: d["id"].astype("str"))
        .rename(columns={"id": on, population: "population"})
    )
    if "population" in data.columns:
        data = data.drop(columns="population")
    out = data.assign(**{on: data[on].astype("str")}).merge(pops, on=on, how="left")
    out.index = data.index
    bad = out["population"].isna()
    if bad.any():
        names = sorted(set(out.loc[bad, on].astype("str")))
        raise SchemaError(
            f"data: column {on!r} holds collectivité id(s) with no population in the "
            f"collectivites table: {', '.join(names[:5])}; known ids: "
            f"{', '.join(pops[on].astype('str'))}"
        )
    popf = out["population"].astype("float")
    for col in columns:
        out[f"{col}_per_{per}_inhabitants"] = (
            pd.to_numeric(out[col], errors="coerce").astype("float") / popf * per
        )
    return out


def follower_snapshot(followers: pd.DataFrame, *, at=None) -> pd.DataFrame:
    """Follower count of each account at a date (last known value on or before it).

    Parameters
    ----------
    followers : pandas.DataFrame
        Canonical ``followers`` table.
    at : str or Timestamp, optional
        Date of the snapshot (naive values are read as UTC); default: the last
        date of the table. Accounts with no known count on or before ``at``
        are left out.

    Returns
    -------
    pandas.DataFrame
        One row per account: ``collectivite``, ``account``, ``network``,
        ``date`` (of the count used) and ``followers``.
    """
    _check_columns(followers, [*_ENTITY, "date", "followers"], "followers")
    known = followers.loc[followers["followers"].notna(), [*_ENTITY, "date", "followers"]]
    if at is not None:
        at = pd.Timestamp(at)
        at = at.tz_localize("UTC") if at.tz is None else at.tz_convert("UTC")
        known = known[known["date"] <= at]
    last = known.sort_values("date").groupby(_ENTITY, observed=True, sort=True).tail(1)
    return last.reset_index(drop=True).assign(followers=lambda d: d["followers"].astype("Int64"))


def audience_size(
    followers: pd.DataFrame,
    collectivites: pd.DataFrame,
    *,
    at=None,
    per: int = 1000,
    population: str = "population",
    scheme: str = "observatoire",
) -> pd.DataFrame:
    """Followers per account and per thousand inhabitants, with the peer stratum.

    ``followers_per_1000_inhabitants = F / population × 1000`` (‰; indicator
    catalog). A row ``network == "all"`` per collectivité sums its accounts;
    the same person following two accounts counts twice (the platforms give no
    de-duplicated audience), so read it as "subscriptions", not people.

    Returns
    -------
    pandas.DataFrame
        ``collectivite``, ``account``, ``network``, ``date``, ``followers``,
        ``population``, ``followers_per_<per>_inhabitants``, ``kind``,
        ``stratum``.
    """
    snap = follower_snapshot(followers, at=at)
    snap = snap.assign(network=snap["network"].astype("str"))
    total = (
        snap.groupby("collectivite", sort=True)
        .agg(followers=("followers", "sum"), date=("date", "max"))
        .reset_index()
        .assign(account="all", network="all")
    )
    both = pd.concat([snap, total[snap.columns]], ignore_index=True)
    both = per_inhabitant(both, collectivites, columns="followers", per=per, population=population)
    strata = peer_stratum(collectivites, scheme=scheme, population=population)
    strata = strata.assign(collectivite=strata["id"].astype("str"), kind=strata["kind"].astype("str"))
    return both.merge(strata[["collectivite", "kind", "stratum"]], on="collectivite", how="left")


# ----------------------------------------------------------------------------
# Strategy fingerprint
# ----------------------------------------------------------------------------


def strategy_fingerprint(
    posts: pd.DataFrame,
    *,
    by: str | Sequence[str] = "collectivite",
    start=None,
    end=None,
    dimensions: Sequence[str] = ("network", "media_type", "topic", "posts_per_week"),
    no_topic: str = "(none)",
) -> pd.DataFrame:
    """What each collectivité publishes where: its "strategy fingerprint".

    Rows (long, tidy), for each ``by`` group:

    * ``dimension == "network"``: share of the group's posts on each network
      (``network == "all"``);
    * ``dimension == "media_type"`` / ``"topic"``: share of the network's posts
      per media type / topic (within network; posts without a topic are
      counted under ``no_topic``);
    * ``dimension == "posts_per_week"``: posts per week on the network,
      ``N / weeks``, weeks counted from the account's first post in the window
      (an account opened mid-period, such as Romans' LinkedIn, is not diluted)
      to ``end`` (default: the last post of the whole table).

    Shares are descriptive of all the posts published (a census, not a
    sample), so they carry no interval.

    Parameters
    ----------
    posts : pandas.DataFrame
        Canonical ``posts`` table.
    by : str or list of str
        Grouping columns (``"collectivite"`` or ``["collectivite", "account"]``).
    start, end : str or Timestamp, optional
        Window (UTC; naive values read as UTC), ``end`` exclusive.
    dimensions : sequence of str
        Which of the four dimensions to return.

    Returns
    -------
    pandas.DataFrame
        ``by…``, ``network``, ``dimension``, ``category``, ``n_posts``,
        ``value`` and ``unit`` (``"share"`` or ``"posts/week"``).
    """
    by = _as_list(by)
    known = {"network", "media_type", "topic", "posts_per_week"}
    if set(dimensions) - known:
        raise ValueError(f"unknown dimension(s) {sorted(set(dimensions) - known)}; expected {sorted(known)}")
    _check_columns(posts, [*by, "network", "published_at", "media_type"], "posts")
    df = _window(posts, start, end)
    df = df.assign(
        network=df["network"].astype("str"),
        media_type=df["media_type"].astype("str"),
        topic=(df["topic"].astype("object").where(df["topic"].notna(), no_topic).astype("str")
               if "topic" in df.columns else no_topic),
    )
    parts = []
    if "network" in dimensions:
        g = df.groupby([*by, "network"], sort=True).size().rename("n_posts").reset_index()
        tot = g.groupby(by)["n_posts"].transform("sum")
        parts.append(g.assign(
            category=g["network"], network="all", dimension="network",
            value=g["n_posts"] / tot, unit="share"))
    for dim in ("media_type", "topic"):
        if dim not in dimensions:
            continue
        g = df.groupby([*by, "network", dim], sort=True).size().rename("n_posts").reset_index()
        tot = g.groupby([*by, "network"])["n_posts"].transform("sum")
        parts.append(g.rename(columns={dim: "category"}).assign(
            dimension=dim, value=g["n_posts"] / tot, unit="share"))
    if "posts_per_week" in dimensions:
        stop = pd.Timestamp(end) if end is not None else df["published_at"].max()
        if stop is not pd.NaT and stop.tz is None:
            stop = stop.tz_localize("UTC")
        keys = [*by, "network"]
        g = df.groupby(keys, sort=True).agg(
            n_posts=("published_at", "size"), first=("published_at", "min")).reset_index()
        if start is not None:
            s0 = _utc(start)
            g["first"] = g["first"].where(g["first"] > s0, s0)
        weeks = ((stop - g["first"]) / pd.Timedelta(days=7)).clip(lower=1 / 7)
        parts.append(g.drop(columns="first").assign(
            dimension="posts_per_week", category="posts_per_week",
            value=g["n_posts"] / weeks, unit="posts/week"))
    cols = [*by, "network", "dimension", "category", "n_posts", "value", "unit"]
    if not parts:
        return pd.DataFrame(columns=cols)
    out = pd.concat([p[cols] for p in parts], ignore_index=True)
    return out.astype({"n_posts": "Int64", "value": "float"})


def _utc(ts) -> pd.Timestamp:
    ts = pd.Timestamp(ts)
    return ts.tz_localize("UTC") if ts.tz is None else ts.tz_convert("UTC")


def _window(posts: pd.DataFrame, start, end, column: str = "published_at") -> pd.DataFrame:
    keep = pd.Series(True, index=posts.index)
    if start is not None:
        keep &= posts[column] >= _utc(start)
    if end is not None:
        keep &= posts[column] < _utc(end)
    return posts[keep]


# ----------------------------------------------------------------------------
# Audience targeting
# ----------------------------------------------------------------------------

_BRACKET = re.compile(
    r"^\s*(?:(?P<gender>[A-Za-z]+)\s*[._:/\s-]\s*)?"
    r"(?:(?P<lo>\d{1,3})\s*(?:-|–|—|to|à)\s*(?P<hi>\d{1,3})|(?P<open>\d{1,3})\s*\+|"
    r"(?P<open2>\d{1,3})\s*(?:and over|et plus|ans et plus))\s*(?:ans|years)?\s*$",
    re.IGNORECASE,
)


def parse_age_bracket(bracket: str) -> tuple[float, float] | None:
    """Parse an age bracket label into ``[low, high)`` years.

    ``"18-24"`` → ``(18, 25)``; ``"65+"`` → ``(65, inf)``; a gender prefix as in
    Facebook's age × gender exports (``"F.18-24"``, ``"M 25-34"``) is ignored.
    Returns ``None`` for labels that are not age brackets (``"unknown"``).
    """
    m = _BRACKET.match(str(bracket))
    if not m:
        return None
    if m["lo"] is not None:
        lo, hi = int(m["lo"]), int(m["hi"])
        if hi < lo:
            return None
        return float(lo), float(hi + 1)
    return float(m["open"] or m["open2"]), np.inf


#: Statistics of an age distribution that :func:`age_profile` reports.
AGE_STATISTICS = ("mean_age", "share_55_plus", "share_18_34", "share_25_54")


def _age_matrix(
    audience: pd.DataFrame, keys: list[str], dimension: str, open_upper: float
) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """Per (keys, date) snapshot: the statistics of the age distribution."""
    _check_columns(audience, [*keys, "date", "dimension", "bracket", "share"], "audience")
    df = audience[audience["dimension"].astype("str") == dimension]
    if df.empty:
        found = ", ".join(sorted(set(audience["dimension"].astype("str")))) or "(none)"
        raise SchemaError(
            f"audience: no rows with dimension == {dimension!r}; found dimension(s): {found}"
        )
    parsed = {b: parse_age_bracket(b) for b in df["bracket"].astype("str").unique()}
    df = df.assign(bracket=df["bracket"].astype("str"))
    df = df[df["bracket"].map(lambda b: parsed[b] is not None)]
    lo = df["bracket"].map(lambda b: parsed[b][0]).astype(float)
    hi = df["bracket"].map(lambda b: parsed[b][1]).astype(float)
    # ages in completed years: "18-24" holds ages 18..24 (midpoint 21), "65+" holds
    # 65..open_upper (midpoint 72 for the default 79)
    top = np.where(np.isinf(hi), np.maximum(open_upper + 1, lo + 1), hi)
    mid = (lo + top - 1) / 2
    share = df["share"].astype(float)

    def overlap(a: float, b: float) -> np.ndarray:
        # share of the bracket's ages inside [a, b), ages uniform within the bracket
        inside = np.clip(np.minimum(top, b) - np.maximum(lo, a), 0, None)
        return inside / (top - lo)

    keys_all = [*keys, "date"]
    work = df[keys_all].assign(
        w=share.to_numpy(),
        wm=share.to_numpy() * mid,
        w55=share.to_numpy() * overlap(55, np.inf),
        w1834=share.to_numpy() * overlap(18, 35),
        w2554=share.to_numpy() * overlap(25, 55),
    )
    agg = work.groupby(keys_all, observed=True, sort=True)[["w", "wm", "w55", "w1834", "w2554"]].sum()
    agg = agg[agg["w"] > 0]
    stats_ = {
        "mean_age": (agg["wm"] / agg["w"]).to_numpy(),
        "share_55_plus": (agg["w55"] / agg["w"]).to_numpy(),
        "share_18_34": (agg["w1834"] / agg["w"]).to_numpy(),
        "share_25_54": (agg["w2554"] / agg["w"]).to_numpy(),
    }
    return agg.reset_index()[keys_all], stats_


_AGE_UNITS = {"mean_age": "years", "share_55_plus": "share", "share_18_34": "share",
              "share_25_54": "share"}


def age_profile(
    audience: pd.DataFrame,
    *,
    by: str | Sequence[str] = ("collectivite", "account", "network"),
    dimension: str = "age",
    statistics: Sequence[str] = AGE_STATISTICS,
    open_upper: float = 79.0,
    method: str = "bootstrap",
    ci: float = 0.95,
    n_boot: int = 2000,
    random_state=None,
) -> pd.DataFrame:
    """Age profile of each account's followers, with intervals over snapshots.

    For each snapshot date the age shares are renormalised over the parsed
    age brackets (unknown ages dropped) and summarised by

    * ``mean_age = Σ_k p_k m_k`` (years), where ``m_k`` is the bracket's
      midpoint in completed years (``"18-24"`` → 21, the demographers'
      convention for age at last birthday) and an open bracket ``"65+"`` is
      read as 65–``open_upper`` (default 79 → midpoint 72, an assumption: the
      platforms give no upper bound);
    * ``share_55_plus``, ``share_18_34``, ``share_25_54`` (fraction of
      followers in those ages; brackets straddling a bound count pro rata,
      assuming uniform ages within the bracket).

    The estimate is the mean over snapshot dates. The platforms compute these
    shares on every follower (a census), so the uncertainty that matters is
    how the reported profile moves from one snapshot to the next: the interval
    resamples snapshot dates (seeded percentile bootstrap, ``method="bootstrap"``)
    or uses Student's t over dates (``method="t"``). With one snapshot no
    interval is given (``status`` says so).

    Parameters
    ----------
    audience : pandas.DataFrame
        Canonical ``audience`` table.
    by : str or list of str
        Columns identifying an audience (default: per account).
    dimension : str
        Which ``dimension`` rows hold the ages (``"age"``; ``"age_gender"``
        also works — the gender prefix of the bracket is ignored and the
        shares summed).
    statistics : sequence of str
        Subset of :data:`AGE_STATISTICS`.
    open_upper : float
        Assumed oldest age (inclusive) of the open top bracket.
    method : {"bootstrap", "t"}
    ci : float
        Confidence level.
    n_boot : int
    random_state : int, numpy.random.Generator or None

    Returns
    -------
    pandas.DataFrame
        ``by…``, ``statistic``, ``value``, ``unit``, ``n_dates``, ``ci_low``,
        ``ci_high``, ``status``.
    """
    by = _as_list(by)
    ci = check_ci(ci)
    if method not in ("bootstrap", "t"):
        raise ValueError(f"method must be 'bootstrap' or 't'; got {method!r}")
    bad = set(statistics) - set(AGE_STATISTICS)
    if bad:
        raise ValueError(f"unknown statistic(s) {sorted(bad)}; expected {list(AGE_STATISTICS)}")
    rng = rng_from(random_state)
    idx, st = _age_matrix(audience, by, dimension, open_upper)
    rows = []
    for key, pos in idx.groupby(by, observed=True, sort=True).indices.items():
        key = key if isinstance(key, tuple) else (key,)
        for name in statistics:
            vals = st[name][pos]
            lo, hi, status = _mean_interval(vals, method=method, ci=ci, n_boot=n_boot, rng=rng)
            rows.append({**dict(zip(by, key)), "statistic": name, "value": float(np.mean(vals)),
                         "unit": _AGE_UNITS[name], "n_dates": len(vals), "ci_low": lo,
                         "ci_high": hi, "status": status})
    return pd.DataFrame(rows, columns=[*by, "statistic", "value", "unit", "n_dates", "ci_low",
                                       "ci_high", "status"])


def _mean_interval(vals, *, method, ci, n_boot, rng):
    vals = np.asarray(vals, dtype=float)
    n = len(vals)
    if n < 2:
        return np.nan, np.nan, "single snapshot: no interval"
    if method == "t":
        half = stats.t.ppf(0.5 + ci / 2, n - 1) * vals.std(ddof=1) / np.sqrt(n)
        m = vals.mean()
        return float(m - half), float(m + half), "ok"
    reps = bootstrap_sums(vals[:, None], n_boot=n_boot, rng=rng)[:, 0] / n
    lo, hi = percentile(reps, ci)
    return lo, hi, "ok" if n >= 5 else "few snapshots (< 5)"


def audience_difference(
    audience: pd.DataFrame,
    *,
    a: Mapping[str, str],
    b: Mapping[str, str],
    statistic: str = "mean_age",
    dimension: str = "age",
    open_upper: float = 79.0,
    ci: float = 0.95,
    n_boot: int = 2000,
    random_state=None,
) -> pd.DataFrame:
    """Difference of an age statistic between two audiences, with its interval.

    ``estimate = mean_t s_a(t) − mean_t s_b(t)``, where ``s(t)`` is the
    statistic of :func:`age_profile` at snapshot ``t``. When both audiences
    were measured on the same dates, the dates are resampled jointly (paired
    bootstrap, which removes the shared date-to-date movement); otherwise each
    side is resampled on its own.

    Parameters
    ----------
    audience : pandas.DataFrame
        Canonical ``audience`` table.
    a, b : mapping
        Column → value filters selecting each audience, e.g.
        ``{"collectivite": "toulouse", "network": "facebook"}``. Each must
        select exactly one account.
    statistic : str
        One of :data:`AGE_STATISTICS`.

    Returns
    -------
    pandas.DataFrame
        One row: ``a``, ``b`` (labels), ``statistic``, ``value_a``, ``value_b``,
        ``estimate``, ``ci_low``, ``ci_high``, ``unit``, ``n_dates``,
        ``paired``, ``status``.
    """
    ci = check_ci(ci)
    if statistic not in AGE_STATISTICS:
        raise ValueError(f"unknown statistic {statistic!r}; expected one of {list(AGE_STATISTICS)}")
    rng = rng_from(random_state)
    series = []
    for side, filt in (("a", a), ("b", b)):
        _check_columns(audience, list(filt), "audience")
        sel = audience
        for col, val in filt.items():
            sel = sel[sel[col].astype("str") == str(val)]
        if sel.empty:
            raise ValueError(f"audience {side}={dict(filt)} selects no rows")
        accounts = sel[_ENTITY].astype("str").drop_duplicates()
        if len(accounts) > 1:
            raise ValueError(
                f"audience {side}={dict(filt)} selects {len(accounts)} accounts "
                f"({'; '.join(accounts['account'])}); add an 'account' filter"
            )
        idx, st = _age_matrix(sel, [], dimension, open_upper)
        series.append(pd.Series(st[statistic], index=idx["date"]).groupby(level=0).mean())
    sa, sb = series
    common = sa.index.intersection(sb.index)
    paired = len(common) >= 2 and len(common) == len(sa) == len(sb)
    est = float(sa.mean() - sb.mean())
    if paired:
        d = (sa.loc[common] - sb.loc[common]).to_numpy()
        reps = bootstrap_sums(d[:, None], n_boot=n_boot, rng=rng)[:, 0] / len(d)
        status = "ok"
    elif len(sa) >= 2 and len(sb) >= 2:
        ra = bootstrap_sums(sa.to_numpy()[:, None], n_boot=n_boot, rng=rng)[:, 0] / len(sa)
        rb = bootstrap_sums(sb.to_numpy()[:, None], n_boot=n_boot, rng=rng)[:, 0] / len(sb)
        reps = ra - rb
        status = "ok (unpaired: snapshot dates differ)"
    else:
        reps = np.array([np.nan])
        status = "single snapshot: no interval"
    lo, hi = percentile(reps, ci)
    return pd.DataFrame([{
        "a": " / ".join(map(str, a.values())), "b": " / ".join(map(str, b.values())),
        "statistic": statistic, "value_a": float(sa.mean()), "value_b": float(sb.mean()),
        "estimate": est, "ci_low": lo, "ci_high": hi, "unit": _AGE_UNITS[statistic],
        "n_dates": int(min(len(sa), len(sb))), "paired": paired, "status": status,
    }])


#: Aimed audience (as in ``datasets/article_networks.csv``) → the age statistic
#: that should be higher on that network than on the collectivité's others.
TARGET_STATISTIC = {
    "seniors": "share_55_plus",
    "young people": "share_18_34",
    "professionals": "share_25_54",
    "job seekers": "share_25_54",
}


def targeting_check(
    audience: pd.DataFrame,
    targets: pd.DataFrame,
    *,
    dimension: str = "age",
    open_upper: float = 79.0,
    ci: float = 0.95,
    n_boot: int = 2000,
    random_state=None,
) -> pd.DataFrame:
    """Does each network reach the audience its strategy aims at?

    For each (collectivité, network) whose aimed audience maps to an age
    statistic (:data:`TARGET_STATISTIC`: seniors → share 55+, young people →
    share 18–34, professionals and job seekers → share 25–54, the working
    ages; age is the only professional proxy the platforms' audience exports
    give), compare that statistic on the network with the mean of the same
    collectivité's other networks:

    ``difference = s_network − mean_{other networks} s``

    with a bootstrap interval resampling snapshot dates (jointly across the
    collectivité's networks when they share dates). ``reached`` is True when
    the interval lies above 0, False when it lies below, and missing when it
    straddles 0 or cannot be computed.

    Parameters
    ----------
    audience : pandas.DataFrame
        Canonical ``audience`` table.
    targets : pandas.DataFrame
        ``collectivite``, ``network``, ``audience_aimed`` (for example
        ``datasets/article_networks.csv``). Networks with several accounts
        (Romans' two Instagram accounts) are averaged per date.

    Returns
    -------
    pandas.DataFrame
        ``collectivite``, ``network``, ``audience_aimed``, ``statistic``,
        ``value``, ``others``, ``difference``, ``ci_low``, ``ci_high``,
        ``n_dates``, ``reached``, ``status``.
    """
    ci = check_ci(ci)
    rng = rng_from(random_state)
    _check_columns(targets, ["collectivite", "network", "audience_aimed"], "targets")
    idx, st = _age_matrix(audience, ["collectivite", "network"], dimension, open_upper)
    idx = idx.assign(collectivite=idx["collectivite"].astype("str"),
                     network=idx["network"].astype("str"))
    rows = []
    tgt = targets.astype({"collectivite": "str", "network": "str", "audience_aimed": "str"})
    tgt = tgt.drop_duplicates(["collectivite", "network", "audience_aimed"])
    for t in tgt.itertuples(index=False):
        stat = TARGET_STATISTIC.get(t.audience_aimed)
        base = {"collectivite": t.collectivite, "network": t.network,
                "audience_aimed": t.audience_aimed, "statistic": stat}
        empty = {"value": np.nan, "others": np.nan, "difference": np.nan, "ci_low": np.nan,
                 "ci_high": np.nan, "n_dates": 0, "reached": pd.NA}
        if stat is None:
            rows.append({**base, **empty, "status": "aimed audience has no age proxy"})
            continue
        mine = idx["collectivite"] == t.collectivite
        wide = (idx[mine].assign(v=st[stat][mine.to_numpy()])
                .pivot_table(index="date", columns="network", values="v", aggfunc="mean"))
        if t.network not in wide.columns:
            rows.append({**base, **empty, "status": "no audience data for this network"})
            continue
        others = [c for c in wide.columns if c != t.network]
        if not others:
            rows.append({**base, **empty, "status": "no other network to compare with"})
            continue
        full = wide.dropna()
        if len(full) >= 2:
            d = (full[t.network] - full[others].mean(axis=1)).to_numpy()
            reps = bootstrap_sums(d[:, None], n_boot=n_boot, rng=rng)[:, 0] / len(d)
            status = "ok"
        else:
            reps = np.array([np.nan])
            status = "fewer than 2 common snapshot dates: no interval"
            full = wide
        value = float(full[t.network].mean())
        oth = float(full[others].mean(axis=1).mean())
        lo, hi = percentile(reps, ci)
        reached = pd.NA if np.isnan(lo) or (lo <= 0 <= hi) else bool(lo > 0)
        rows.append({**base, "value": value, "others": oth, "difference": value - oth,
                     "ci_low": lo, "ci_high": hi, "n_dates": len(full), "reached": reached,
                     "status": status})
    out = pd.DataFrame(rows, columns=["collectivite", "network", "audience_aimed", "statistic",
                                      "value", "others", "difference", "ci_low", "ci_high",
                                      "n_dates", "reached", "status"])
    return out.astype({"reached": "boolean", "n_dates": "Int64"})


# ----------------------------------------------------------------------------
# Engagement per follower
# ----------------------------------------------------------------------------

#: Default interactions: likes (all reactions) + comments + shares (indicator catalog, "A").
INTERACTIONS = ("likes", "comments", "shares")


def interactions(posts: pd.DataFrame, *, metrics: Sequence[str] = INTERACTIONS) -> pd.Series:
    """Interactions per post ``A_i = L_i + C_i + S_i`` (by default).

    A metric the network does not report (missing) is left out of the sum;
    the result is missing only when every metric is missing, never 0.
    """
    metrics = list(metrics)
    _check_columns(posts, metrics, "posts")
    block = posts[metrics].apply(pd.to_numeric, errors="coerce").astype("Float64")
    total = block.sum(axis=1, min_count=1)
    return total.rename("interactions")


def followers_at_post(posts: pd.DataFrame, followers: pd.DataFrame) -> pd.Series:
    """Follower count of the posting account when each post went out.

    The last known ``followers`` value dated on or before ``published_at``
    (same collectivité, account, network); for posts older than the first
    count, the first count after. Missing when the account has no count at
    all (the LinkedIn page export gives no running total).

    Returns
    -------
    pandas.Series
        Aligned on ``posts.index``, ``Float64``.
    """
    _check_columns(posts, [*_ENTITY, "published_at"], "posts")
    _check_columns(followers, [*_ENTITY, "date", "followers"], "followers")
    p = posts[[*_ENTITY, "published_at"]].astype({c: "str" for c in _ENTITY})
    p = p.assign(_row=np.arange(len(p)), _t=p["published_at"].astype("datetime64[us, UTC]"))
    f = followers.loc[followers["followers"].notna(), [*_ENTITY, "date", "followers"]]
    f = f.astype({c: "str" for c in _ENTITY}).assign(
        _t=f["date"].astype("datetime64[us, UTC]"),
        followers=f["followers"].astype("float"))
    out = np.full(len(p), np.nan)
    fg = {k: g.sort_values("_t") for k, g in f.groupby(_ENTITY, sort=False)}
    for key, g in p.groupby(_ENTITY, sort=False):
        if key not in fg:
            continue
        m = pd.merge_asof(g.sort_values("_t"), fg[key][["_t", "followers"]], on="_t",
                          direction="backward")
        miss = m["followers"].isna()
        if miss.any():
            fwd = pd.merge_asof(g.sort_values("_t"), fg[key][["_t", "followers"]], on="_t",
                                direction="forward")
            m.loc[miss, "followers"] = fwd.loc[miss, "followers"]
        out[m["_row"].to_numpy()] = m["followers"].to_numpy()
    return pd.Series(out, index=posts.index, name="followers", dtype="Float64")


def _engagement_table(posts, followers, *, metrics) -> pd.DataFrame:
    """Posts with ``_a`` (interactions), ``_f`` (followers at post) and a status."""
    a = interactions(posts, metrics=metrics)
    f = followers_at_post(posts, followers)
    status = pd.Series("ok", index=posts.index, dtype="object")
    status[a.isna()] = "no interaction metric reported"
    status[f.isna()] = "no follower count for the account"
    status[f.notna() & (f <= 0)] = "zero followers"
    return posts.assign(_a=a.astype("float"), _f=f.astype("float"), _status=status)


def _group_key(df: pd.DataFrame, cols: list[str]) -> pd.Series:
    if not cols:
        return pd.Series("all", index=df.index, dtype="object")
    out = df[cols[0]].astype("str")
    for c in cols[1:]:
        out = out + " / " + df[c].astype("str")
    return out


def _unit_sums(df: pd.DataFrame, block) -> np.ndarray:
    """(A, F) sums per resampling unit: each post, or each calendar block of posts."""
    if block is None:
        return df[["_a", "_f"]].to_numpy(dtype=float)
    period = df["published_at"].dt.tz_convert("Europe/Paris").dt.tz_localize(None).dt.to_period(block)
    return df.groupby(period.to_numpy(), sort=False)[["_a", "_f"]].sum().to_numpy(dtype=float)


def engagement_rates(
    posts: pd.DataFrame,
    followers: pd.DataFrame,
    *,
    by: str | Sequence[str] = ("collectivite", "network"),
    metrics: Sequence[str] = INTERACTIONS,
    block: str | None = None,
    min_posts: int = 10,
    ci: float = 0.95,
    n_boot: int = 2000,
    random_state=None,
) -> pd.DataFrame:
    """Engagement rate per follower, per group, with a bootstrap interval.

    ``rate = Σ_i A_i / Σ_i F_i × 100`` (% per post), where ``A_i`` is the
    post's interactions (:func:`interactions`) and ``F_i`` the account's
    followers when it was published (:func:`followers_at_post`). With a
    constant F this is the indicator catalog's ``engagement_rate_followers =
    ΣA / (N × F)`` (Rival IQ convention); weighting each post by its own F
    keeps a growing account comparable over a long period. A ratio of sums is
    used rather than a mean of post ratios, so one small-audience post cannot
    dominate.

    The interval is a seeded percentile bootstrap resampling posts within the
    group (``block=None``) or whole calendar periods of posts in Europe/Paris
    time (``block="W"`` for weeks, ``"M"`` for months), which respects the
    correlation between posts of the same week (viral streaks, follower jumps).

    Returns
    -------
    pandas.DataFrame
        ``by…``, ``n_posts`` (all posts), ``n_used`` (posts with both A and
        F), ``interactions``, ``follower_exposure`` (ΣF), ``rate``, ``unit``
        (``"% per post"``), ``ci_low``, ``ci_high``, ``status`` (``"ok"``,
        ``"small sample (< min_posts posts)"``, or why nothing could be
        computed).
    """
    by = _as_list(by)
    ci = check_ci(ci)
    rng = rng_from(random_state)
    _check_columns(posts, [*by, "published_at"], "posts")
    df = _engagement_table(posts, followers, metrics=metrics)
    rows = []
    for key, g in df.groupby(by, observed=True, sort=True):
        key = key if isinstance(key, tuple) else (key,)
        ok = g[g["_status"] == "ok"]
        row = {**dict(zip(by, key)), "n_posts": len(g), "n_used": len(ok)}
        if ok.empty:
            reasons = g["_status"].value_counts()
            rows.append({**row, "interactions": np.nan, "follower_exposure": np.nan,
                         "rate": np.nan, "ci_low": np.nan, "ci_high": np.nan,
                         "status": str(reasons.index[0])})
            continue
        a, f = ok["_a"].sum(), ok["_f"].sum()
        sums = bootstrap_sums(_unit_sums(ok, block), n_boot=n_boot, rng=rng)
        lo, hi = percentile(sums[:, 0] / sums[:, 1] * 100, ci)
        status = "ok" if len(ok) >= min_posts else f"small sample (< {min_posts} posts)"
        rows.append({**row, "interactions": a, "follower_exposure": f, "rate": a / f * 100,
                     "ci_low": lo, "ci_high": hi, "status": status})
    cols = [*by, "n_posts", "n_used", "interactions", "follower_exposure", "rate", "ci_low",
            "ci_high", "status"]
    out = pd.DataFrame(rows, columns=cols)
    out.insert(out.columns.get_loc("ci_low"), "unit", "% per post")
    return out


def compare_engagement(
    posts: pd.DataFrame,
    followers: pd.DataFrame,
    *,
    between: str | Sequence[str] = "collectivite",
    within: str | Sequence[str] | None = "network",
    metrics: Sequence[str] = INTERACTIONS,
    method: str = "bootstrap",
    block: str | None = None,
    adjust: str = "bonferroni",
    min_posts: int = 10,
    ci: float = 0.95,
    n_boot: int = 4000,
    random_state=None,
) -> pd.DataFrame:
    """Pairwise differences in per-follower engagement, as rate ratios with intervals.

    Engagement rates differ by an order of magnitude between networks
    (Rival IQ 2019: Facebook 0.09 %, Instagram 1.6 %, Twitter 0.045 % per
    post per follower), so collectivités are compared **within** a network.
    For every pair of ``between`` groups inside each ``within`` block:

    ``ratio = rate_a / rate_b``, where a rate is interactions per follower per
    post (see :func:`engagement_rates`). Two methods (``method=``):

    ``"bootstrap"`` (default)
        Rates are ratios of sums; groups are resampled independently (posts or
        calendar ``block`` s), the interval is the percentile interval of the
        ratio of the resampled rates. No distributional assumption, robust to
        the heavy tails of per-post engagement.
    ``"negbin"``
        A negative-binomial (NB2) regression of each post's interactions on
        the group, with ``log(F_i)`` as offset (statsmodels
        ``discrete.NegativeBinomial``, dispersion estimated by maximum
        likelihood, sandwich HC0 covariance). ``exp(β_a − β_b)`` is the ratio
        of the expected interactions per follower; Wald intervals on the log
        scale. Faster, and the usual count model (Cameron & Trivedi 2013,
        *Regression Analysis of Count Data*), but it weighs posts equally
        rather than by audience, so its ratio can differ from the bootstrap's
        when follower counts vary a lot within a group.

    Multiplicity: with ``adjust="bonferroni"`` each of the ``m`` pairs of a
    block gets a ``1 − (1 − ci)/m`` interval, so the intervals of a block
    hold *simultaneously* at level ``ci`` and a ranking (any pair separated)
    is claimed wrongly at most ``1 − ci`` of the time when all groups are
    equal. ``adjust="none"`` gives per-pair intervals.

    Parameters
    ----------
    posts, followers : pandas.DataFrame
        Canonical tables.
    between : str or list of str
        Columns defining the groups compared (``"collectivite"``, or
        ``["collectivite", "account"]``).
    within : str, list of str or None
        Columns defining the blocks inside which groups are compared.
    metrics : sequence of str
        Metrics summed into interactions.
    block : str, optional
        Calendar period resampled as a whole by the bootstrap (``"W"``, ``"M"``).
    min_posts : int
        Groups with fewer usable posts are left out (listed in ``attrs["excluded"]``).
    ci : float
        Simultaneous confidence level per block.
    n_boot : int
    random_state : int, numpy.random.Generator or None

    Returns
    -------
    pandas.DataFrame
        One row per pair: ``within…``, ``group_a``, ``group_b``, ``n_a``,
        ``n_b``, ``rate_a``, ``rate_b`` (% per post), ``ratio``, ``ci_low``,
        ``ci_high``, ``ci_level`` (per-pair level after adjustment),
        ``separated`` (interval excludes 1), ``method``. ``attrs["rates"]``
        holds the per-group rates and ``attrs["excluded"]`` the groups left
        out with the reason.
    """
    between, within = _as_list(between), _as_list(within)
    ci = check_ci(ci)
    if method not in ("bootstrap", "negbin"):
        raise ValueError(f"method must be 'bootstrap' or 'negbin'; got {method!r}")
    if adjust not in ("bonferroni", "none"):
        raise ValueError(f"adjust must be 'bonferroni' or 'none'; got {adjust!r}")
    rng = rng_from(random_state)
    _check_columns(posts, [*between, *within, "published_at"], "posts")
    df = _engagement_table(posts, followers, metrics=metrics)
    df = df.assign(_g=_group_key(df, between), _w=_group_key(df, within))
    rows, rate_rows, excluded = [], [], []
    for _wkey, block_df in df.groupby("_w", sort=True):
        wvals = dict(zip(within, block_df[within].iloc[0])) if within else {}
        wvals = {k: str(v) for k, v in wvals.items()}
        usable = {}
        for gkey, g in block_df.groupby("_g", sort=True):
            ok = g[g["_status"] == "ok"]
            if len(ok) < min_posts:
                why = (f"small sample ({len(ok)} usable posts < {min_posts})" if len(ok)
                       else str(g["_status"].value_counts().index[0]))
                excluded.append({**wvals, "group": gkey, "n_posts": len(g), "reason": why})
                continue
            usable[gkey] = ok
        if len(usable) < 2:
            for gkey, ok in usable.items():
                rate_rows.append({**wvals, "group": gkey, "n": len(ok),
                                  "rate": ok["_a"].sum() / ok["_f"].sum() * 100})
            continue
        pairs = list(combinations(sorted(usable), 2))
        level = 1 - (1 - ci) / len(pairs) if adjust == "bonferroni" else ci
        if method == "bootstrap":
            rates = {g: ok["_a"].sum() / ok["_f"].sum() * 100 for g, ok in usable.items()}
            reps = {}
            for g, ok in usable.items():
                s = bootstrap_sums(_unit_sums(ok, block), n_boot=n_boot, rng=rng)
                reps[g] = np.log(s[:, 0]) - np.log(s[:, 1])
            for ga, gb in pairs:
                lo, hi = percentile(reps[ga] - reps[gb], level)
                rows.append(_pair_row(wvals, ga, gb, usable, rates, np.exp(lo), np.exp(hi),
                                      level, "bootstrap"))
        else:
            rates, contrast = _negbin(usable)
            z = stats.norm.ppf(0.5 + level / 2)
            for ga, gb in pairs:
                est, se = contrast(ga, gb)
                rows.append(_pair_row(wvals, ga, gb, usable, rates, np.exp(est - z * se),
                                      np.exp(est + z * se), level, "negbin"))
        for g, ok in usable.items():
            rate_rows.append({**wvals, "group": g, "n": len(ok), "rate": rates[g]})
    cols = [*within, "group_a", "group_b", "n_a", "n_b", "rate_a", "rate_b", "ratio", "ci_low",
            "ci_high", "ci_level", "separated", "method"]
    out = pd.DataFrame(rows, columns=cols)
    out["separated"] = out["separated"].astype("bool")
    out.attrs["rates"] = pd.DataFrame(rate_rows, columns=[*within, "group", "n", "rate"])
    out.attrs["excluded"] = pd.DataFrame(excluded, columns=[*within, "group", "n_posts", "reason"])
    out.attrs["within"] = within
    out.attrs["ci"] = ci
    return out


def _pair_row(wvals, ga, gb, usable, rates, lo, hi, level, method):
    ratio = rates[ga] / rates[gb]
    return {**wvals, "group_a": ga, "group_b": gb, "n_a": len(usable[ga]), "n_b": len(usable[gb]),
            "rate_a": rates[ga], "rate_b": rates[gb], "ratio": ratio, "ci_low": float(lo),
            "ci_high": float(hi), "ci_level": level, "separated": bool(lo > 1 or hi < 1),
            "method": method}


def _negbin(usable: dict[str, pd.DataFrame]):
    """Fit NB2 with log-follower offset; return rates and a contrast function."""
    import warnings

    from statsmodels.discrete.discrete_model import NegativeBinomial
    from statsmodels.tools.sm_exceptions import ConvergenceWarning

    names = sorted(usable)
    y = np.concatenate([usable[g]["_a"].to_numpy(dtype=float) for g in names])
    off = np.concatenate([np.log(usable[g]["_f"].to_numpy(dtype=float)) for g in names])
    gi = np.concatenate([np.full(len(usable[g]), i) for i, g in enumerate(names)])
    x = np.zeros((len(y), len(names)))
    x[np.arange(len(y)), gi] = 1.0  # one indicator per group, no intercept
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", RuntimeWarning)
        start = np.append(np.log([max(usable[g]["_a"].sum(), 0.5) / usable[g]["_f"].sum()
                                  for g in names]), 1.0)
        res = NegativeBinomial(np.round(y), x, offset=off, loglike_method="nb2").fit(
            start_params=start, disp=0, maxiter=300, cov_type="HC0")
    beta = np.asarray(res.params)[: len(names)]
    cov = np.asarray(res.cov_params())[: len(names), : len(names)]
    rates = {g: float(np.exp(beta[i]) * 100) for i, g in enumerate(names)}
    pos = {g: i for i, g in enumerate(names)}

    def contrast(ga, gb):
        c = np.zeros(len(names))
        c[pos[ga]], c[pos[gb]] = 1.0, -1.0
        return float(c @ beta), float(np.sqrt(c @ cov @ c))

    return rates, contrast


def rank_groups(pairwise: pd.DataFrame) -> pd.DataFrame:
    """Rank groups only as far as the pairwise intervals allow.

    Within each block, a group's best possible rank is ``1 + (number of
    groups separated above it)`` and its worst ``K − (number of groups
    separated below it)`` (rank intervals in the spirit of Goldstein &
    Spiegelhalter 1996). Groups whose intervals overlap share a rank range:
    ``rank`` reads ``"1"`` when the place is certain and ``"2–4"`` otherwise.

    Parameters
    ----------
    pairwise : pandas.DataFrame
        Output of :func:`compare_engagement`.

    Returns
    -------
    pandas.DataFrame
        ``within…``, ``group``, ``rate``, ``n``, ``rank_best``, ``rank_worst``,
        ``rank`` (label), ``n_groups``, ``ranked`` (True when the place is
        certain), sorted by block then rate (highest first).
    """
    if "rates" not in pairwise.attrs:
        raise ValueError("rank_groups needs the output of compare_engagement (attrs['rates'])")
    within = list(pairwise.attrs.get("within", []))
    rates = pairwise.attrs["rates"]
    rows = []
    blocks = rates.groupby(within, sort=True) if within else [((), rates)]
    for key, rb in blocks:
        key = key if isinstance(key, tuple) else (key,)
        pw = pairwise
        for c, v in zip(within, key):
            pw = pw[pw[c] == v]
        k = len(rb)
        for r in rb.itertuples(index=False):
            g = r.group
            above = (((pw["group_a"] == g) & pw["separated"] & (pw["ratio"] < 1))
                     | ((pw["group_b"] == g) & pw["separated"] & (pw["ratio"] > 1))).sum()
            below = (((pw["group_a"] == g) & pw["separated"] & (pw["ratio"] > 1))
                     | ((pw["group_b"] == g) & pw["separated"] & (pw["ratio"] < 1))).sum()
            best, worst = 1 + int(above), k - int(below)
            rows.append({**dict(zip(within, key)), "group": g, "rate": r.rate, "n": r.n,
                         "rank_best": best, "rank_worst": worst,
                         "rank": str(best) if best == worst else f"{best}\u2013{worst}",
                         "n_groups": k, "ranked": best == worst})
    out = pd.DataFrame(rows, columns=[*within, "group", "rate", "n", "rank_best", "rank_worst",
                                      "rank", "n_groups", "ranked"])
    return out.sort_values([*within, "rate"], ascending=[True] * len(within) + [False],
                           ignore_index=True)
