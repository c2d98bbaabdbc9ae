"""Content types clustered by engagement: which posts make people comment, share, click or scroll past.

Three layers, each a scikit-learn estimator:

:class:`EngagementFeatures` (transformer, DataFrame → array)
    Per-post engagement features, comparable across a village and a région:
    the post's engagement *level* and its *mix* (which metric rises above that
    level), each relative to reach or followers, log-scaled, then centred and
    scaled *within* its account and network (robust median / MAD).
:class:`EngagementProfileClusterer` (array-level core, passes ``check_estimator``)
    ``StandardScaler`` → neutral imputation of not-reported metrics →
    ``KMeans`` / ``MiniBatchKMeans`` / ``GaussianMixture``, the number of
    clusters chosen over a range by silhouette or BIC.
:class:`EngagementClusters` (thin DataFrame front)
    Chains the two, names the clusters from their centroids in French and
    English ("Lancent la conversation" / "Conversation starters", "Partagées
    et relayées" / "Shared and relayed", "Passées inaperçues" / "Scrolled
    past"...) and keeps a readable profile table.

Also here: :func:`bootstrap_stability` (adjusted Rand index of refits on
bootstrap resamples), :class:`TextTopics` (TF-IDF on the French texts, then
NMF or k-means; defined in ``_text_topics``), :func:`association` and
:func:`association_by` (cluster × media type / topic cross-tabulation,
chi-square test and Cramér's V with a bootstrap interval; defined in
``_association``). Figures are in :mod:`engagement_lib.analysis._plots_clusters`.

Features in one paragraph
-------------------------
Each metric is compared with what the account usually gets for the same reach
(or followers; or, where neither is known, with the account's own usual post):
``E0 = b_gm · d_i``. The post's **level** is the precision-weighted mean
log-ratio of its counts to ``E0`` over the metrics its network reports (a
post seen by more people lifts every metric together); its **mix** is, per
metric, ``log((n + 1) / (E0 · e^level + 1))``: more comments (shares,
clicks...) than its own level predicts. Level and mix are then centred and
scaled within the account and network, so that a village and a région share
one scale. Formulas in :class:`EngagementFeatures`.

A metric a network does not report stays missing (NaN) through the features;
the clusterer imputes it *after* standardisation with 0, i.e. "the account's
typical value" — never with a count of 0.

References
----------
Rousseeuw, P. J. (1987). Silhouettes: a graphical aid to the interpretation and
validation of cluster analysis. *J. Comput. Appl. Math.* 20, 53-65.
Schwarz, G. (1978). Estimating the dimension of a model. *Ann. Stat.* 6(2), 461-464.
Pelleg, D. & Moore, A. (2000). X-means: extending k-means with efficient
estimation of the number of clusters. *ICML 2000* (BIC of a k-means partition).
Hennig, C. (2007). Cluster-wise assessment of cluster stability. *Comput. Stat.
Data Anal.* 52(1), 258-271.
Hubert, L. & Arabie, P. (1985). Comparing partitions. *J. Classif.* 2, 193-218.
Kaufman, L. & Rousseeuw, P. J. (1990). *Finding Groups in Data*. Wiley (an
average silhouette below 0.25: "no substantial structure has been found").
Lawless, J. F. (1987). Negative binomial and mixed Poisson regression. *Can. J.
Stat.* 15(3), 209-225 (variance of counts beyond Poisson, for the level weights).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClusterMixin, TransformerMixin, clone
from sklearn.cluster import KMeans, MiniBatchKMeans
from sklearn.exceptions import ConvergenceWarning
from sklearn.impute import SimpleImputer
from sklearn.metrics import adjusted_rand_score, silhouette_score
from sklearn.mixture import GaussianMixture
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted

from ..errors import EngagementError
from ..i18n import check_lang, label, pick
from ._association import Association, association, association_by
from ._text_topics import TextTopics, french_stop_words

try:  # scikit-learn >= 1.6
    from sklearn.utils.validation import validate_data as _validate_data
except ImportError:  # pragma: no cover - older scikit-learn

    def _validate_data(estimator, X, *, reset=True, **kwargs):
        kwargs.pop("ensure_all_finite", None)
        return estimator._validate_data(X, reset=reset, force_all_finite="allow-nan", **kwargs)


__all__ = [
    "DEFAULT_METRICS",
    "EngagementFeatures",
    "EngagementProfileClusterer",
    "EngagementClusters",
    "StabilityResult",
    "bootstrap_stability",
    "attach_followers",
    "cluster_by",
    "name_clusters",
    "TextTopics",
    "french_stop_words",
    "Association",
    "association",
    "association_by",
]

#: Metrics used by default (those present in the frame are kept).
DEFAULT_METRICS = ("likes", "comments", "shares", "saves", "clicks", "views")

_DENOMINATORS = ("reach", "followers")
_MAD_TO_SD = 1.4826
_IQR_TO_SD = 1.349


# --------------------------------------------------------------------------- features


def _check_frame(posts, columns: Sequence[str], what: str) -> None:
    if not isinstance(posts, pd.DataFrame):
        raise EngagementError(
            f"{what}: expected a pandas DataFrame of posts, found {type(posts).__name__}"
        )
    missing = [c for c in columns if c not in posts.columns]
    if missing:
        raise EngagementError(
            f"{what}: missing column(s) {', '.join(map(repr, missing))}; "
            f"found {', '.join(map(str, posts.columns))}"
        )


def _as_float(series: pd.Series, column: str) -> np.ndarray:
    """A count column as float64 with NaN for missing; clear error on text or negatives."""
    values = pd.to_numeric(series, errors="coerce")
    bad = values.isna() & series.notna()
    if bad.any():
        shown = ", ".join(f"row {i}: {v!r}" for i, v in series[bad].head(5).items())
        raise EngagementError(f"column {column!r}: expected counts (numbers), found {shown}")
    out = values.to_numpy(dtype="float64", na_value=np.nan)
    neg = out < 0
    if neg.any():
        rows = series.index[neg][:5]
        shown = ", ".join(f"row {i}: {series.loc[i]!r}" for i in rows)
        raise EngagementError(f"column {column!r}: counts must not be negative, found {shown}")
    return out


def _group_keys(posts: pd.DataFrame, groups: Sequence[str]) -> pd.MultiIndex:
    keys = {}
    for col in groups:
        col_values = posts[col]
        if col_values.isna().any():
            rows = ", ".join(map(str, col_values.index[col_values.isna()][:5]))
            raise EngagementError(
                f"column {col!r}: missing values at rows {rows}; every post needs its {col}"
            )
        keys[col] = col_values.astype(str).to_numpy(dtype=object)
    return pd.MultiIndex.from_arrays(list(keys.values()), names=list(groups))


def _factorize_groups(index: pd.MultiIndex) -> tuple[np.ndarray, pd.MultiIndex]:
    """Group code of each row and the unique groups, from the level codes (no tuples built)."""
    shape = tuple(len(level) for level in index.levels)
    combined = np.ravel_multi_index(tuple(np.asarray(c) for c in index.codes), shape)
    codes, unique_combined = pd.factorize(combined)
    parts = np.unravel_index(unique_combined, shape)
    uniques = pd.MultiIndex.from_arrays(
        [index.levels[i].to_numpy()[parts[i]] for i in range(len(shape))], names=index.names
    )
    return codes.astype(np.intp), uniques


def _robust_scale(values: np.ndarray) -> float:
    """1.4826·MAD, else IQR/1.349, else NaN (no spread)."""
    v = values[~np.isnan(values)]
    if v.size < 2:
        return np.nan
    mad = _MAD_TO_SD * np.median(np.abs(v - np.median(v)))
    if mad > 0:
        return float(mad)
    q1, q3 = np.percentile(v, [25, 75])
    iqr = (q3 - q1) / _IQR_TO_SD
    return float(iqr) if iqr > 0 else np.nan


def attach_followers(posts: pd.DataFrame, followers: pd.DataFrame) -> pd.DataFrame:
    """Return a copy of ``posts`` with a ``followers`` column: the count at publication.

    The follower count is the last daily value of the same account and network
    on or before the post's ``published_at`` (an as-of join); posts published
    before the first known count get ``<NA>``.

    Parameters
    ----------
    posts : DataFrame
        Canonical posts (``account``, ``network``, ``published_at``).
    followers : DataFrame
        Canonical followers table (``account``, ``network``, ``date``, ``followers``).

    Returns
    -------
    DataFrame
        A new frame, same rows and order as ``posts``, plus ``followers`` (Int64).
    """
    _check_frame(posts, ["account", "network", "published_at"], "attach_followers(posts)")
    _check_frame(followers, ["account", "network", "date", "followers"], "attach_followers(followers)")
    left = pd.DataFrame(
        {
            "_row": np.arange(len(posts)),
            "_key": _group_keys(posts, ["account", "network"]).to_flat_index().map(str),
            "_t": pd.to_datetime(posts["published_at"], utc=True),
        }
    )
    right = pd.DataFrame(
        {
            "_key": _group_keys(followers, ["account", "network"]).to_flat_index().map(str),
            "_t": pd.to_datetime(followers["date"], utc=True),
            "followers": followers["followers"].astype("Int64"),
        }
    ).dropna(subset=["followers"])
    joined = pd.merge_asof(
        left.dropna(subset=["_t"]).sort_values("_t"),
        right.sort_values("_t"),
        on="_t",
        by="_key",
        direction="backward",
    ).set_index("_row")
    out = posts.drop(columns=["followers"], errors="ignore").copy()
    out["followers"] = joined["followers"].reindex(np.arange(len(posts))).to_numpy()
    out["followers"] = out["followers"].astype("Int64")
    return out


class EngagementFeatures(TransformerMixin, BaseEstimator):
    """Per-post engagement features, normalised within account and network.

    For post *i* of group *g* (an account on a network) and metric *m* with
    count ``n_im`` and denominator ``d_i`` (reach, followers or 1, see the
    module docstring):

    1. *Expected count at the account's usual rate*: ``E0_im = b_gm · d_i``
       with ``b_gm = Σ n_m / Σ d`` over the group's posts reporting *m*.
    2. *Level* (overall engagement, a precision-weighted log-ratio):
       ``level_i = Σ_m w_im log((n_im + ½) / (E0_im + ½)) / Σ_m w_im`` with
       ``w_im = E0_im / (1 + φ E0_im)``, the inverse variance of a log count
       under a negative binomial of squared coefficient of variation φ
       (``overdispersion``): small counts weigh little, and no count weighs
       more than ``1/φ``. Every metric moves together when a post is simply
       seen by more people: that is the level. Low level = *scrolled past*.
    3. *Mix* (``profile="level+mix"``): ``mix_im = log((n_im + 1) / (E0_im e^level_i + 1))``,
       the metric's excess over what the post's own level predicts: does it
       get *more comments than its own engagement level* would give? The
       ``+1`` on both sides shrinks the mix of tiny counts towards 0 (one
       comment instead of 0.3 expected is not a "conversation starter").
       ``profile="metrics"`` uses the per-metric log-ratios
       ``log((n_im + ½) / (E0_im + ½))`` instead.
    4. Each feature is centred on its group median and divided by its group
       robust scale (1.4826 × MAD, else IQR / 1.349; groups with fewer than
       ``min_group_size`` values, or no spread, borrow the median scale of
       their network's other groups). The scale is floored at ``scale_floor``
       times that network scale: a metric that is almost always 0 for an
       account (two comments a year) has a tiny MAD that would turn its rare
       non-zero counts into extreme values. The result is clipped to
       ±``clip`` robust standard deviations, so that a handful of viral posts
       cannot claim a cluster of their own.

    A group never seen in ``fit`` gets its rates and medians from the data
    passed to ``transform`` (its own typical post) and its network's pooled
    scales. A metric the network does not report stays NaN.

    Parameters
    ----------
    metrics : sequence of str, default DEFAULT_METRICS
        Metric columns to use; those absent from the frame, or missing on every
        post, are dropped (listed in ``dropped_metrics_``).
    groups : sequence of str, default ("account", "network")
        Columns whose combination is a group (normalisation unit).
    denominator : {"auto", "reach", "followers", None}, default "auto"
        What a metric is taken relative to. ``"auto"`` picks, per group, reach
        if at least ``min_coverage`` of its posts report it, else followers,
        else none (counts relative to the account's own usual post). A post
        missing the chosen denominator uses the group's median.
    profile : {"level+mix", "metrics"}, default "level+mix"
    overdispersion : float, default 0.25
        φ above: squared coefficient of variation of a count beyond Poisson
        noise (0.25 = a count is typically ±50 % off its expectation for
        reasons other than chance).
    min_coverage : float, default 0.5
    min_group_size : int, default 5
    scale_floor : float, default 0.5
    clip : float or None, default 5.0

    Attributes
    ----------
    metrics_ : list of str
        Metrics kept.
    dropped_metrics_ : list of str
        Requested metrics absent or entirely missing in the training frame.
    feature_names_out_ : list of str
        ``["level", "<metric>_mix", ...]`` or the metric names.
    group_stats_ : DataFrame
        One row per group: ``n_posts``, ``denominator``, ``coverage``,
        ``denominator_median``, ``<metric>_rate`` (``b_gm``),
        ``<metric>_lift_median``, ``<feature>_median``, ``<feature>_scale``.
    pooled_scale_ : DataFrame
        Median scale per network (rows) and feature (columns), used for small groups.
    """

    def __init__(
        self,
        metrics=DEFAULT_METRICS,
        *,
        groups=("account", "network"),
        denominator="auto",
        profile="level+mix",
        overdispersion=0.25,
        min_coverage=0.5,
        min_group_size=5,
        scale_floor=0.5,
        clip=5.0,
    ):
        self.metrics = metrics
        self.groups = groups
        self.denominator = denominator
        self.profile = profile
        self.overdispersion = overdispersion
        self.min_coverage = min_coverage
        self.min_group_size = min_group_size
        self.scale_floor = scale_floor
        self.clip = clip

    # -- helpers ---------------------------------------------------------------------
    def _counts(self, posts, kinds, den_medians):
        """Counts (n, p) with NaN, and the per-row denominator (1 where none)."""
        n = len(posts)
        den = np.ones(n)
        for name in _DENOMINATORS:
            use = kinds == name
            if use.any() and name in posts.columns:
                den[use] = _as_float(posts[name], name)[use]
        bad = (np.isnan(den) | (den <= 0)) & (kinds != "none")
        den[bad] = den_medians[bad]
        counts = np.column_stack(
            [
                _as_float(posts[m], m) if m in posts.columns else np.full(n, np.nan)
                for m in self.metrics_
            ]
        )
        return counts, den

    @staticmethod
    def _rates(counts, den, codes, n_groups):
        """b_gm = Σ counts / Σ denominators over the group's posts reporting the metric."""
        rates = np.full((n_groups, counts.shape[1]), np.nan)
        for j in range(counts.shape[1]):
            ok = ~np.isnan(counts[:, j])
            num = np.bincount(codes[ok], weights=counts[ok, j], minlength=n_groups)
            dsum = np.bincount(codes[ok], weights=den[ok], minlength=n_groups)
            with np.errstate(invalid="ignore", divide="ignore"):
                rates[:, j] = np.where(dsum > 0, num / dsum, np.nan)
        return rates

    def _features(self, counts, expected0):
        """(lift, F): per-metric log-ratios and the stage-2 inputs."""
        lift = np.log((counts + 0.5) / (expected0 + 0.5))
        if self.profile == "metrics":
            return lift, lift
        w = expected0 / (1.0 + self.overdispersion * expected0)
        w = np.where(np.isnan(lift), 0.0, w)
        total = w.sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            level = np.where(total > 0, np.nansum(w * np.nan_to_num(lift), axis=1) / total, np.nan)
        mix = np.log((counts + 1.0) / (expected0 * np.exp(level)[:, None] + 1.0))
        return lift, np.column_stack([level, mix])

    def _choose_denominators(self, posts, codes, n_groups):
        """Per group: denominator kind, coverage and median value."""
        if self.denominator not in ("auto", "reach", "followers", None, "none"):
            raise EngagementError(
                f"denominator={self.denominator!r}; expected 'auto', 'reach', 'followers' or None"
            )
        order = (
            _DENOMINATORS
            if self.denominator == "auto"
            else () if self.denominator in (None, "none") else (self.denominator,)
        )
        kind = np.array(["none"] * n_groups, dtype=object)
        coverage = np.zeros(n_groups)
        median = np.full(n_groups, np.nan)
        counts = np.bincount(codes, minlength=n_groups)
        for name in reversed(order):  # later in the loop = preferred
            if name not in posts.columns:
                continue
            d = _as_float(posts[name], name)
            ok = ~np.isnan(d) & (d > 0)
            cov = np.bincount(codes, weights=ok, minlength=n_groups) / np.maximum(counts, 1)
            med = pd.Series(np.where(ok, d, np.nan)).groupby(codes).median()
            med = med.reindex(range(n_groups)).to_numpy()
            take = cov >= self.min_coverage
            kind[take] = name
            coverage[take] = cov[take]
            median[take] = med[take]
        return kind, coverage, median

    @staticmethod
    def _group_median(values, codes, n_groups):
        frame = pd.DataFrame(values)
        center = frame.groupby(codes).median().reindex(range(n_groups)).to_numpy()
        n_valid = frame.notna().groupby(codes).sum().reindex(range(n_groups)).to_numpy()
        return center, n_valid

    @staticmethod
    def _group_scale(values, codes, n_groups):
        scale = np.full((n_groups, values.shape[1]), np.nan)
        order = np.argsort(codes, kind="stable")
        bounds = np.searchsorted(codes[order], np.arange(n_groups + 1))
        for g in range(n_groups):
            rows = order[bounds[g] : bounds[g + 1]]
            if rows.size == 0:
                continue
            block = values[rows]
            for j in range(values.shape[1]):
                scale[g, j] = _robust_scale(block[:, j])
        return scale

    def _networks(self, index):
        if "network" in self.groups:
            return np.asarray(index.get_level_values("network"), dtype=object)
        return np.array(["(all)"] * len(index), dtype=object)

    # -- fit / transform -------------------------------------------------------------
    def fit(self, posts, y=None):
        """Learn the per-group denominators, rates, medians and scales.

        Parameters
        ----------
        posts : DataFrame
            Posts with the ``groups`` columns and some of the metric columns.
        y : ignored

        Returns
        -------
        self
        """
        groups = list(self.groups)
        _check_frame(posts, groups, "EngagementFeatures.fit")
        if not 0 <= self.min_coverage <= 1:
            raise EngagementError(f"min_coverage={self.min_coverage!r}; expected a share in [0, 1]")
        if self.profile not in ("level+mix", "metrics"):
            raise EngagementError(f"profile={self.profile!r}; expected 'level+mix' or 'metrics'")
        if not self.overdispersion >= 0:
            raise EngagementError(f"overdispersion={self.overdispersion!r}; expected a number >= 0")
        requested = list(dict.fromkeys(self.metrics))
        kept, dropped = [], []
        for m in requested:
            if m in posts.columns and not np.isnan(_as_float(posts[m], m)).all():
                kept.append(m)
            else:
                dropped.append(m)
        if not kept:
            raise EngagementError(
                "EngagementFeatures.fit: none of the metrics "
                f"{', '.join(map(repr, requested))} has any value in the frame"
            )
        self.metrics_ = kept
        self.dropped_metrics_ = dropped
        self.feature_names_out_ = (
            list(kept) if self.profile == "metrics" else ["level", *(f"{m}_mix" for m in kept)]
        )

        index = _group_keys(posts, groups)
        codes, uniques = _factorize_groups(index)
        n_groups = len(uniques)
        kind, coverage, den_median = self._choose_denominators(posts, codes, n_groups)
        counts, den = self._counts(posts, kind[codes], den_median[codes])
        rates = self._rates(counts, den, codes, n_groups)
        lift, F = self._features(counts, rates[codes] * den[:, None])
        lift_median, _ = self._group_median(lift, codes, n_groups)
        center, n_valid = self._group_median(F, codes, n_groups)
        scale = self._group_scale(F, codes, n_groups)

        stats = pd.DataFrame(
            {
                "n_posts": np.bincount(codes, minlength=n_groups),
                "denominator": kind,
                "coverage": coverage,
                "denominator_median": den_median,
            },
            index=uniques,
        )
        for j, m in enumerate(self.metrics_):
            stats[f"{m}_rate"] = rates[:, j]
            stats[f"{m}_lift_median"] = lift_median[:, j]
        network = self._networks(stats.index)
        pooled = {}
        for j, name in enumerate(self.feature_names_out_):
            ok = (n_valid[:, j] >= self.min_group_size) & ~np.isnan(scale[:, j])
            overall = float(np.median(scale[ok, j])) if ok.any() else 1.0
            by_net = pd.Series(scale[ok, j]).groupby(network[ok]).median().to_dict()
            pooled[name] = by_net | {"(all)": overall}
            fallback = np.array([pooled[name].get(net, overall) for net in network])
            own = np.where(ok, scale[:, j], fallback)
            stats[f"{name}_median"] = center[:, j]
            stats[f"{name}_scale"] = np.maximum(own, self.scale_floor * fallback)
        self.group_stats_ = stats
        self.pooled_scale_ = pd.DataFrame(pooled)
        self.n_features_in_ = len(self.metrics_)
        return self

    def _aligned(self, posts):
        """Per-row (lift, F) and the group statistics aligned with the rows."""
        groups = list(self.groups)
        _check_frame(posts, groups, "EngagementFeatures.transform")
        index = _group_keys(posts, groups)
        # per-group arrays taken row by row (no row-wide copy of the whole stats table)
        row_codes, row_groups = _factorize_groups(index)
        row = self.group_stats_.index.get_indexer(row_groups)[row_codes]
        unseen = row < 0
        take = np.where(unseen, 0, row)
        stats = self.group_stats_
        names = self.feature_names_out_

        def per_row(columns, dtype=float):
            values = stats[columns].to_numpy(dtype=dtype)[take]
            if unseen.any():
                values[unseen] = np.nan if dtype is float else None
            return values

        kinds = per_row("denominator", object)
        den_med = per_row("denominator_median")
        rates = per_row([f"{m}_rate" for m in self.metrics_])
        lift_med = per_row([f"{m}_lift_median" for m in self.metrics_])
        center = per_row([f"{f}_median" for f in names])
        scale = per_row([f"{f}_scale" for f in names])
        if unseen.any():
            sub = posts.loc[unseen]
            codes, uniques = _factorize_groups(index[unseen])
            kind, _, med = self._choose_denominators(sub, codes, len(uniques))
            counts_new, den_new = self._counts(sub, kind[codes], med[codes])
            rates_new = self._rates(counts_new, den_new, codes, len(uniques))
            lift_new, F_new = self._features(counts_new, rates_new[codes] * den_new[:, None])
            nets = self._networks(index[unseen])
            kinds[unseen] = kind[codes]
            den_med[unseen] = med[codes]
            rates[unseen] = rates_new[codes]
            lift_med[unseen] = self._group_median(lift_new, codes, len(uniques))[0][codes]
            center[unseen] = self._group_median(F_new, codes, len(uniques))[0][codes]
            scale[unseen] = np.column_stack(
                [
                    [self.pooled_scale_[f].get(net, self.pooled_scale_[f]["(all)"]) for net in nets]
                    for f in names
                ]
            )
        counts, den = self._counts(posts, kinds, den_med)
        lift, F = self._features(counts, rates * den[:, None])
        return lift - lift_med, F, center, scale

    def log_lift(self, posts) -> pd.DataFrame:
        """Per-metric log-ratio to the account's typical post: ``exp`` of it reads "× usual".

        ``log((n + ½) / (E0 + ½))`` minus its group median, so 0 is the
        account's typical post on that metric and ``log 2`` twice as many (say)
        comments at equal reach.

        Returns
        -------
        DataFrame
            Same index as ``posts``, one column per metric in ``metrics_``.
        """
        check_is_fitted(self, "group_stats_")
        lift, _, _, _ = self._aligned(posts)
        return pd.DataFrame(lift, index=posts.index, columns=self.metrics_)

    def transform(self, posts):
        """Return the features ``(n_posts, n_features)``; NaN where a metric is not reported."""
        return self._transform_with_lift(posts)[0]

    def _transform_with_lift(self, posts):
        """(features, log-lifts) in one pass over the posts."""
        check_is_fitted(self, "group_stats_")
        lift, F, center, scale = self._aligned(posts)
        X = (F - center) / scale
        X = X if self.clip is None else np.clip(X, -self.clip, self.clip)
        return X, lift

    def get_feature_names_out(self, input_features=None):
        """Names of the output features (``"level"``, ``"<metric>_mix"``... or the metrics)."""
        check_is_fitted(self, "group_stats_")
        return np.asarray(self.feature_names_out_, dtype=object)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False  # a DataFrame of posts with named columns
        tags.input_tags.allow_nan = True
        return tags


# --------------------------------------------------------------------------- core clusterer


def _kmeans_bic(Z: np.ndarray, labels: np.ndarray, inertia: float, k: int) -> float:
    """BIC of a hard k-means partition under identical spherical Gaussians (Pelleg & Moore 2000).

    ``BIC = -2 log L + p log n`` with ``p = (k - 1) + k d + 1`` (lower is better,
    the convention of :meth:`sklearn.mixture.GaussianMixture.bic`).
    """
    n, d = Z.shape
    if n <= k:
        return np.nan
    var = inertia / (d * (n - k))
    if var <= 0:
        return -np.inf
    sizes = np.bincount(labels, minlength=k).astype(float)
    sizes = sizes[sizes > 0]
    loglik = float(
        np.sum(sizes * np.log(sizes))
        - n * np.log(n)
        - n * d / 2 * np.log(2 * np.pi * var)
        - d * (n - k) / 2
    )
    p = (k - 1) + k * d + 1
    return -2 * loglik + p * np.log(n)


class EngagementProfileClusterer(ClusterMixin, BaseEstimator):
    """Array-level engagement-profile clustering with the number of clusters chosen by the data.

    The model is a :class:`~sklearn.pipeline.Pipeline`: ``StandardScaler`` →
    ``SimpleImputer(fill_value=0)`` (a missing feature — a metric the network
    does not report — becomes the account's typical value, never a count of
    0) → ``KMeans``, ``MiniBatchKMeans`` or ``GaussianMixture``. When
    ``n_clusters`` is None, every ``k`` in ``k_range`` is fitted and the best
    by ``selection`` kept: the highest silhouette (Rousseeuw 1987, computed on
    a random sample of at most ``silhouette_sample_size`` rows) or the lowest
    BIC (Schwarz 1978; the mixture's own for ``"gmm"``, the spherical
    k-means BIC of Pelleg & Moore 2000 otherwise). Cluster labels are sorted
    by size (0 = the largest).

    Parameters
    ----------
    n_clusters : int or None, default None
        Fixed number of clusters; None selects it over ``k_range``.
    method : {"kmeans", "minibatch", "gmm"}, default "kmeans"
    k_range : (int, int), default (2, 8)
        Inclusive range of candidate numbers of clusters (clipped to ``n_samples - 1``).
    selection : {"auto", "silhouette", "bic"}, default "auto"
        ``"auto"`` = silhouette for k-means, BIC for the mixture.
    n_init : int, default 4
        Restarts of each k-means / mixture fit.
    silhouette_sample_size : int, default 3000
        Rows sampled for the silhouette (its cost grows as n²; Rousseeuw 1987).
    batch_size : int, default 4096
        ``MiniBatchKMeans`` batch size.
    covariance_type : str, default "full"
        ``GaussianMixture`` covariance type.
    reg_covar : float, default 1e-2
        Variance floor of the mixture, in standardised units. Imputed
        (not-reported) metrics are exactly 0 and would otherwise attract a
        degenerate component that only separates networks.
    max_iter : int, default 300
    random_state : int, RandomState or None, default None

    Attributes
    ----------
    pipeline_ : Pipeline
        The fitted scaler → imputer → model.
    n_clusters_ : int
        Number of clusters kept.
    labels_ : ndarray of shape (n_samples,)
    cluster_centers_ : ndarray of shape (n_clusters_, n_features_in_)
        Centres (k-means) or means (mixture) in standardised units, in label order.
    selection_ : DataFrame
        One row per candidate ``k``: ``silhouette``, ``bic``, ``inertia``, ``selected``.
    selection_criterion_ : str
        ``"silhouette"`` or ``"bic"`` (``selection="auto"`` resolved).
    label_map_ : ndarray
        Model component → reported label (size order).
    n_iter_ : int
        Iterations of the kept model's best run.
    n_features_in_ : int
    feature_names_in_ : ndarray of str
        Only when fitted on a DataFrame with string column names.
    """

    def __init__(
        self,
        n_clusters=None,
        *,
        method="kmeans",
        k_range=(2, 8),
        selection="auto",
        n_init=4,
        silhouette_sample_size=3000,
        batch_size=4096,
        covariance_type="full",
        reg_covar=1e-2,
        max_iter=300,
        random_state=None,
    ):
        self.n_clusters = n_clusters
        self.method = method
        self.k_range = k_range
        self.selection = selection
        self.n_init = n_init
        self.silhouette_sample_size = silhouette_sample_size
        self.batch_size = batch_size
        self.covariance_type = covariance_type
        self.reg_covar = reg_covar
        self.max_iter = max_iter
        self.random_state = random_state

    def _model(self, k, seed):
        if self.method == "kmeans":
            return KMeans(k, n_init=self.n_init, max_iter=self.max_iter, random_state=seed)
        if self.method == "minibatch":
            return MiniBatchKMeans(
                k,
                n_init=self.n_init,
                max_iter=self.max_iter,
                batch_size=self.batch_size,
                random_state=seed,
            )
        if self.method == "gmm":
            return GaussianMixture(
                k,
                covariance_type=self.covariance_type,
                reg_covar=self.reg_covar,
                n_init=self.n_init,
                max_iter=self.max_iter,
                random_state=seed,
            )
        raise ValueError(f"method={self.method!r}; expected 'kmeans', 'minibatch' or 'gmm'")

    def _candidates(self, n_samples):
        if self.n_clusters is not None:
            k = int(self.n_clusters)
            if k < 1:
                raise ValueError(f"n_clusters={self.n_clusters!r}; expected an integer >= 1")
            if k > n_samples:
                raise ValueError(f"n_clusters={k} is more than the {n_samples} samples")
            return [k]
        lo, hi = self.k_range
        if lo < 2 or hi < lo:
            raise ValueError(f"k_range={self.k_range!r}; expected (low, high) with 2 <= low <= high")
        hi = min(hi, n_samples - 1)
        return list(range(lo, max(lo, hi) + 1)) if hi >= 2 else [1]

    def fit(self, X, y=None):
        """Standardise, impute, fit each candidate ``k`` and keep the best.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Engagement features; NaN = not reported.
        y : ignored

        Returns
        -------
        self
        """
        X = _validate_data(
            self, X, ensure_all_finite="allow-nan", ensure_min_samples=2, dtype=np.float64
        )
        selection = self.selection
        if selection == "auto":
            selection = "bic" if self.method == "gmm" else "silhouette"
        if selection not in ("silhouette", "bic"):
            raise ValueError(f"selection={self.selection!r}; expected 'auto', 'silhouette' or 'bic'")
        random_state = check_random_state(self.random_state)
        # one integer seed shared by every candidate k, so refits are reproducible
        seed = int(random_state.randint(np.iinfo(np.int32).max))
        prep = Pipeline(
            [
                ("scale", StandardScaler()),
                ("impute", SimpleImputer(strategy="constant", fill_value=0.0, keep_empty_features=True)),
            ]
        )
        Z = prep.fit_transform(X)
        n = Z.shape[0]
        sample = None
        if self.silhouette_sample_size and n > self.silhouette_sample_size:
            sample = np.sort(
                random_state.choice(n, self.silhouette_sample_size, replace=False)
            )
        rows, fitted = [], {}
        for k in self._candidates(n):
            model = self._model(k, seed)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                labels = model.fit_predict(Z)
            n_labels = len(np.unique(labels))
            sil = np.nan
            if 2 <= n_labels <= n - 1:
                zs, ls = (Z, labels) if sample is None else (Z[sample], labels[sample])
                if 2 <= len(np.unique(ls)) <= len(ls) - 1:
                    sil = float(silhouette_score(zs, ls))
            if self.method == "gmm":
                bic = float(model.bic(Z))
                inertia = np.nan
            else:
                inertia = float(model.inertia_)
                bic = _kmeans_bic(Z, labels, inertia, k)
            rows.append({"k": k, "silhouette": sil, "bic": bic, "inertia": inertia})
            fitted[k] = (model, labels)
        table = pd.DataFrame(rows)
        crit = table[selection].to_numpy(dtype=float)
        if np.isnan(crit).all():
            best = int(table["k"].iloc[0])
        elif selection == "silhouette":
            best = int(table["k"].iloc[int(np.nanargmax(crit))])
        else:
            best = int(table["k"].iloc[int(np.nanargmin(crit))])
        table["selected"] = table["k"] == best
        model, raw = fitted[best]
        sizes = np.bincount(raw, minlength=best)
        order = np.argsort(-sizes, kind="stable")  # order[new] = old
        label_map = np.empty(best, dtype=np.intp)
        label_map[order] = np.arange(best)
        centers = model.means_ if self.method == "gmm" else model.cluster_centers_

        self.pipeline_ = Pipeline(prep.steps + [("cluster", model)])
        self.n_clusters_ = best
        self.label_map_ = label_map
        self.labels_ = label_map[raw]
        self.cluster_centers_ = np.asarray(centers)[order]
        self.selection_ = table
        self.selection_criterion_ = selection
        self.n_iter_ = int(model.n_iter_)
        return self

    def predict(self, X):
        """Cluster label of each row (0 = the largest cluster in training)."""
        check_is_fitted(self, "pipeline_")
        X = _validate_data(self, X, ensure_all_finite="allow-nan", dtype=np.float64, reset=False)
        return self.label_map_[self.pipeline_.predict(X)]

    def transform_standardised(self, X):
        """The standardised, imputed matrix the clustering model sees."""
        check_is_fitted(self, "pipeline_")
        X = _validate_data(self, X, ensure_all_finite="allow-nan", dtype=np.float64, reset=False)
        return self.pipeline_[:-1].transform(X)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True  # NaN = metric not reported, imputed after scaling
        return tags

    def _more_tags(self):  # scikit-learn < 1.6
        return {"allow_nan": True}


# --------------------------------------------------------------------------- stability


@dataclass(frozen=True)
class StabilityResult:
    """Bootstrap stability of a clustering.

    Attributes
    ----------
    replicates : DataFrame
        One row per bootstrap replicate: ``ari`` (adjusted Rand index between
        the reference partition and the refit's predictions on all rows) and
        ``jaccard_<c>`` (best Jaccard match of reference cluster ``c``).
    ari_mean, ari_low, ari_high : float
        Mean and percentile interval of the ARI over replicates.
    jaccard : Series
        Mean best-match Jaccard per reference cluster (Hennig 2007:
        below 0.5 = dissolved, 0.6-0.75 = patterns, above 0.85 = highly stable).
    """

    replicates: pd.DataFrame
    ari_mean: float
    ari_low: float
    ari_high: float
    jaccard: pd.Series
    confidence: float


def bootstrap_stability(
    estimator, X, *, n_boot=20, confidence=0.95, random_state=None
) -> StabilityResult:
    """Stability of a fitted clustering under bootstrap resampling of its rows.

    For each replicate *b*, the rows are resampled with replacement, a clone
    of the estimator with ``n_clusters`` fixed to the fitted ``n_clusters_``
    is refitted on them, and its predictions on *all* rows are compared with
    the reference partition (``estimator.predict(X)``) by the adjusted Rand
    index (Hubert & Arabie 1985; 1 = identical, ~0 = chance) and per cluster
    by the best-match Jaccard coefficient (Hennig 2007).

    Parameters
    ----------
    estimator : fitted EngagementProfileClusterer or EngagementClusters
    X : array-like or DataFrame
        The data the estimator was fitted on (a posts frame for the front).
    n_boot : int, default 20
    confidence : float, default 0.95
        Coverage of the percentile interval of the ARI.
    random_state : int or None
        Seed of the resampling (``numpy.random.default_rng``).

    Returns
    -------
    StabilityResult
    """
    if isinstance(estimator, EngagementClusters):
        check_is_fitted(estimator, "clusterer_")
        X = estimator.features_.transform(X)
        estimator = estimator.clusterer_
    check_is_fitted(estimator, "pipeline_")
    X = np.asarray(X, dtype=float)
    reference = estimator.predict(X)
    k = estimator.n_clusters_
    rng = np.random.default_rng(random_state)
    n = X.shape[0]
    rows = []
    ref_sets = [reference == c for c in range(k)]
    for b in range(n_boot):
        idx = rng.integers(0, n, n)
        seed = int(rng.integers(2**31 - 1))
        refit = clone(estimator).set_params(n_clusters=k, random_state=seed)
        refit.fit(X[idx])
        pred = refit.predict(X)
        row = {"replicate": b, "ari": adjusted_rand_score(reference, pred)}
        for c, in_c in enumerate(ref_sets):
            best = 0.0
            for c2 in np.unique(pred):
                in_c2 = pred == c2
                union = np.count_nonzero(in_c | in_c2)
                if union:
                    best = max(best, np.count_nonzero(in_c & in_c2) / union)
            row[f"jaccard_{c}"] = best
        rows.append(row)
    reps = pd.DataFrame(rows)
    alpha = (1 - confidence) / 2
    jac = reps[[f"jaccard_{c}" for c in range(k)]].mean()
    jac.index = pd.RangeIndex(k, name="cluster")
    return StabilityResult(
        replicates=reps,
        ari_mean=float(reps["ari"].mean()),
        ari_low=float(reps["ari"].quantile(alpha)),
        ari_high=float(reps["ari"].quantile(1 - alpha)),
        jaccard=jac.rename("jaccard"),
        confidence=confidence,
    )


# --------------------------------------------------------------------------- names

#: Readable name of a cluster dominated by one metric.
_METRIC_NAMES = {
    "comments": {"fr": "Lancent la conversation", "en": "Conversation starters"},
    "shares": {"fr": "Partagées et relayées", "en": "Shared and relayed"},
    "clicks": {"fr": "Font cliquer", "en": "Click-throughs"},
    "saves": {"fr": "Gardées pour plus tard", "en": "Saved for later"},
    "likes": {"fr": "Appréciées (j'aime)", "en": "Liked"},
    "views": {"fr": "Regardées", "en": "Watched"},
    "completions": {"fr": "Regardées jusqu'au bout", "en": "Watched to the end"},
    "follows": {"fr": "Font s'abonner", "en": "Bring followers"},
}
_SHORT = {
    "comments": {"fr": "commentaires", "en": "comments"},
    "shares": {"fr": "partages", "en": "shares"},
    "clicks": {"fr": "clics", "en": "clicks"},
    "saves": {"fr": "enregistrements", "en": "saves"},
    "likes": {"fr": "j'aime", "en": "likes"},
    "views": {"fr": "vues", "en": "views"},
}
_GENERIC_SHORT = {
    "standout": {"fr": "très vues", "en": "high reach"},
    "scrolled_past": {"fr": "peu vues", "en": "low reach"},
}
_GENERIC_NAMES = {
    "standout": {"fr": "Publications phares (tout au-dessus)", "en": "Stand-outs (everything up)"},
    "scrolled_past": {"fr": "Passées inaperçues", "en": "Scrolled past"},
    "typical": {"fr": "Publications ordinaires", "en": "Typical posts"},
}


def _metric_of(feature: str) -> str:
    return feature[: -len("_mix")] if feature.endswith("_mix") else feature


def _profile_key(center: np.ndarray, names: Sequence[str], threshold: float) -> tuple[str, str | None]:
    """(kind, secondary) of one centroid in standardised units."""
    c = np.asarray(center, dtype=float)
    names = list(names)
    level = c[names.index("level")] if "level" in names else None
    idx = [j for j, f in enumerate(names) if f != "level"]
    signal = c[idx]
    metrics = [_metric_of(names[j]) for j in idx]
    order = np.argsort(-signal, kind="stable")
    if level is None:  # plain per-metric lifts
        if signal.size == 0:
            return "typical", None
        second = metrics[order[1]] if signal.size > 1 and signal[order[1]] >= threshold else None
        if signal.min() >= threshold:
            return "standout", None
        if signal.max() < threshold:
            return ("scrolled_past" if signal.mean() <= -threshold / 2 else "typical"), None
        return metrics[order[0]], second
    # level + mix: a metric above the post's own level names the cluster first
    level_word = "standout" if level >= threshold else "scrolled_past" if level <= -threshold else None
    if signal.size and signal[order[0]] >= threshold:
        if signal.size > 1 and signal[order[1]] >= threshold:
            return metrics[order[0]], metrics[order[1]]
        if level_word is not None:
            return metrics[order[0]], level_word
        if signal[order[-1]] <= -threshold:
            return metrics[order[0]], f"few_{metrics[order[-1]]}"
        return metrics[order[0]], None
    return level_word or "typical", None


def name_clusters(centers, feature_names, *, lang="fr", threshold=0.5) -> list[str]:
    """Readable, unique names of clusters from their centroids.

    A centroid is read in standardised units (SD of each feature across all
    posts). With the default ``level + mix`` features: a metric whose mix is
    at least ``threshold`` names the cluster ("conversation starters" for
    comments, "shared and relayed" for shares, "click-throughs"...);
    otherwise the level does: at least ``threshold`` → "stand-outs", at most
    ``-threshold`` → "scrolled past", else "typical posts". With plain
    per-metric features: all metrics high → "stand-outs", none reaching
    ``threshold`` → "scrolled past" (mean below ``-threshold/2``) or "typical",
    else the highest metric. Two clusters with the same name are told apart by
    their second feature (another metric, or "stand-outs"/"scrolled past"),
    then by a number.

    Parameters
    ----------
    centers : array-like of shape (n_clusters, n_features)
    feature_names : sequence of str
        ``"level"``, ``"<metric>_mix"`` or metric names.
    lang : {"fr", "en"}
    threshold : float, default 0.5
        Standard deviations that make a feature stand out.

    Returns
    -------
    list of str
    """
    check_lang(lang)
    centers = np.atleast_2d(np.asarray(centers, dtype=float))
    names = list(feature_names)
    keys = [_profile_key(c, names, threshold) for c in centers]

    def word(kind, short=False):
        if kind.startswith("few_"):
            metric = pick(_SHORT.get(kind[4:], {"fr": kind[4:], "en": kind[4:]}), lang)
            return pick({"fr": f"peu de {metric}", "en": f"few {metric}"}, lang)
        if kind in _GENERIC_NAMES:
            table = _GENERIC_SHORT if short else _GENERIC_NAMES
            return pick(table[kind], lang)
        table = _SHORT if short else _METRIC_NAMES
        return pick(table.get(kind, {"fr": label(kind, "fr"), "en": label(kind, "en")}), lang)

    out = [word(k[0]) for k in keys]
    counts = pd.Series(out).value_counts()
    for i, key in enumerate(keys):
        if counts[out[i]] > 1 and key[1] is not None:
            joiner = ", " if key[1].startswith("few_") else " + "
            out[i] = f"{out[i]}{joiner}{word(key[1], short=True)}"
    seen: dict[str, int] = {}
    final = []
    counts = pd.Series(out).value_counts()
    for name in out:
        if counts[name] > 1:
            seen[name] = seen.get(name, 0) + 1
            final.append(f"{name} ({seen[name]})")
        else:
            final.append(name)
    return final


# --------------------------------------------------------------------------- DataFrame front


class EngagementClusters(ClusterMixin, BaseEstimator):
    """Engagement profiles of posts, from a posts DataFrame, with readable names.

    Chains :class:`EngagementFeatures` and :class:`EngagementProfileClusterer`
    (see both for the formulas) and names each cluster from its centroid
    (:func:`name_clusters`), in French and English.

    This front takes a DataFrame with named columns, so scikit-learn's common
    checks (which feed numeric 2-D arrays) do not apply to it; the array-level
    core :class:`EngagementProfileClusterer` passes them. The tag
    ``input_tags.two_d_array = False`` records that.

    Parameters
    ----------
    n_clusters : int or None, default None
        None selects the number over ``k_range``.
    metrics, groups, denominator, profile, min_coverage, min_group_size
        Passed to :class:`EngagementFeatures`.
    method, k_range, selection, n_init, silhouette_sample_size, batch_size, random_state
        Passed to :class:`EngagementProfileClusterer`.
    name_threshold : float, default 0.5
        See :func:`name_clusters`.

    Attributes
    ----------
    features_ : EngagementFeatures
    clusterer_ : EngagementProfileClusterer
    labels_ : ndarray
    n_clusters_ : int
    selection_ : DataFrame
    cluster_names_ : dict
        ``{"fr": [...], "en": [...]}``, one name per cluster label.
    profiles_ : DataFrame
        One row per cluster: ``n_posts``, ``share``, ``name_fr``, ``name_en``,
        ``lift_<metric>`` (median multiplicative lift over the account's
        typical post, at equal reach; NaN where no post of the cluster reports
        the metric) and ``z_<feature>`` (centroid, standardised units:
        ``z_level``, ``z_comments_mix``...).
    """

    def __init__(
        self,
        n_clusters=None,
        *,
        metrics=DEFAULT_METRICS,
        groups=("account", "network"),
        denominator="auto",
        profile="level+mix",
        min_coverage=0.5,
        min_group_size=5,
        method="kmeans",
        k_range=(2, 8),
        selection="auto",
        n_init=4,
        silhouette_sample_size=3000,
        batch_size=4096,
        name_threshold=0.5,
        random_state=None,
    ):
        self.n_clusters = n_clusters
        self.metrics = metrics
        self.groups = groups
        self.denominator = denominator
        self.profile = profile
        self.min_coverage = min_coverage
        self.min_group_size = min_group_size
        self.method = method
        self.k_range = k_range
        self.selection = selection
        self.n_init = n_init
        self.silhouette_sample_size = silhouette_sample_size
        self.batch_size = batch_size
        self.name_threshold = name_threshold
        self.random_state = random_state

    def fit(self, posts, y=None):
        """Build the features, cluster them, name and profile the clusters.

        Parameters
        ----------
        posts : DataFrame
            Posts with the ``groups`` columns and some metric columns
            (canonical posts table; a ``followers`` column, see
            :func:`attach_followers`, is used as a denominator where reach is missing).
        y : ignored

        Returns
        -------
        self
        """
        self.features_ = EngagementFeatures(
            self.metrics,
            groups=self.groups,
            denominator=self.denominator,
            profile=self.profile,
            min_coverage=self.min_coverage,
            min_group_size=self.min_group_size,
        ).fit(posts)
        X, log_lift = self.features_._transform_with_lift(posts)
        self.clusterer_ = EngagementProfileClusterer(
            self.n_clusters,
            method=self.method,
            k_range=self.k_range,
            selection=self.selection,
            n_init=self.n_init,
            silhouette_sample_size=self.silhouette_sample_size,
            batch_size=self.batch_size,
            random_state=self.random_state,
        ).fit(X)
        self.labels_ = self.clusterer_.labels_
        self.n_clusters_ = self.clusterer_.n_clusters_
        self.selection_ = self.clusterer_.selection_
        metrics = self.features_.metrics_
        features = self.features_.feature_names_out_
        centers = self.clusterer_.cluster_centers_
        self.cluster_names_ = {
            lang: name_clusters(centers, features, lang=lang, threshold=self.name_threshold)
            for lang in ("fr", "en")
        }
        lift = np.exp(log_lift)
        profile = pd.DataFrame(lift, columns=metrics).groupby(self.labels_).median()
        profile = profile.reindex(range(self.n_clusters_))
        sizes = np.bincount(self.labels_, minlength=self.n_clusters_)
        table = pd.DataFrame(
            {
                "n_posts": sizes,
                "share": sizes / sizes.sum(),
                "name_fr": self.cluster_names_["fr"],
                "name_en": self.cluster_names_["en"],
            },
            index=pd.RangeIndex(self.n_clusters_, name="cluster"),
        )
        for m in metrics:
            table[f"lift_{m}"] = profile[m].to_numpy()
        for j, f in enumerate(features):
            table[f"z_{f}"] = centers[:, j]
        self.profiles_ = table
        return self

    def predict(self, posts):
        """Cluster label of each post (see ``cluster_names_`` for the names)."""
        check_is_fitted(self, "clusterer_")
        return self.clusterer_.predict(self.features_.transform(posts))

    def names(self, lang="fr") -> list[str]:
        """Cluster names in ``lang``, indexed by label."""
        check_is_fitted(self, "clusterer_")
        return list(self.cluster_names_[check_lang(lang)])

    def assign(self, posts, *, lang="fr") -> pd.DataFrame:
        """Return a copy of ``posts`` with ``cluster`` (int) and ``cluster_name`` (str) columns."""
        labels = self.predict(posts)
        out = posts.copy()
        out["cluster"] = labels
        out["cluster_name"] = pd.Categorical.from_codes(labels, categories=self.names(lang))
        return out

    def profile_table(self, *, lang="fr") -> pd.DataFrame:
        """The profiles with labelled columns, for a report (lifts rounded to 2 decimals)."""
        check_is_fitted(self, "clusterer_")
        p = self.profiles_
        name_col = pick({"fr": "Profil", "en": "Profile"}, lang)
        out = pd.DataFrame(
            {
                name_col: p[f"name_{lang}"],
                label("posts", lang): p["n_posts"],
                label("share", lang): p["share"].round(3),
            }
        )
        times = pick({"fr": "× habituel", "en": "× usual"}, lang)
        for m in self.features_.metrics_:
            out[f"{label(m, lang)} ({times})"] = p[f"lift_{m}"].round(2)
        return out

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False  # a DataFrame of posts with named columns
        tags.input_tags.allow_nan = True
        return tags


def cluster_by(posts: pd.DataFrame, *, by="network", min_posts=50, **params) -> dict:
    """Fit one :class:`EngagementClusters` per value of ``by`` (default: per network).

    Parameters
    ----------
    posts : DataFrame
    by : str, default "network"
    min_posts : int, default 50
        Values of ``by`` with fewer posts are skipped (listed under the key
        ``"_skipped"`` with their post counts) rather than clustered on too little data.
    **params
        Passed to :class:`EngagementClusters`.

    Returns
    -------
    dict
        ``{value: fitted EngagementClusters}``, plus ``"_skipped"``.
    """
    _check_frame(posts, [by], "cluster_by")
    out, skipped = {}, {}
    for value, sub in posts.groupby(by, observed=True, sort=True):
        if len(sub) < min_posts:
            skipped[value] = len(sub)
            continue
        out[value] = EngagementClusters(**params).fit(sub)
    out["_skipped"] = skipped
    return out
