r"""Posting-time effects: which weekday and hour of the day engage more, all else equal.

The article (*La Gazette des communes*, 4 March 2019) says that mature
collectivités use their indicators "to adjust content and posting times". The
naive way to do it — average engagement per weekday × hour cell — is
misleading: community managers post mostly during office hours, the cells
outside them are small and noisy, and what is posted when (videos in the
evening, service alerts in the morning, one big account posting at 8 a.m.)
mixes the effect of the *time* with the effect of the *content* and of the
*account*. This module estimates the time effect with a regression that holds
media type, topic, account and period constant.

Model
-----
For post :math:`i` of account :math:`a` in slot :math:`s` (weekday × block of
hours, in ``Europe/Paris`` local time), with the default ``model="ols"``

.. math::

    \log(1 + y_i) - \log o_i = \alpha_a + \tau_s + \mu_{m(i)} + \kappa_{k(i)}
                               + \pi_{q(i)} + \varepsilon_i

where :math:`y_i` is the outcome (by default *interactions* = likes + comments
+ shares, those the network reports), :math:`o_i` an exposure
(followers at the end of the day before the post; or the post's reach or
impressions; or none), :math:`m` the media type, :math:`k` the topic and
:math:`q` the calendar quarter (absorbing platform changes common to the
accounts). The slot effect reported is :math:`\exp(\tau_s - \bar\tau)`:
the ratio of the engagement of a *typical* post (geometric mean) published in
slot :math:`s` to that of the *average slot* (geometric mean over the
estimable slots), or :math:`\exp(\tau_s - \tau_r)` against a chosen
reference slot :math:`r`. Unit: a ratio (1.25 = a quarter more engagement).

Why least squares on :math:`\log(1 + y)` (the default)
  Engagement is heavy-tailed: a few viral posts collect more interactions
  than months of ordinary ones. Count models (``model="negbin"``, NB2 GLM
  with the dispersion from the Cameron–Trivedi auxiliary regression, or
  ``model="poisson"``, the Poisson pseudo-likelihood) target the *mean*, whose
  score has (near-)infinite variance under such tails: on simulated panels
  with no timing effect their robust Wald tests rejected in 60-90 % of runs at
  the 5 % level. On the log scale the tail becomes light, OLS with HC3 errors
  is well calibrated (no more than about 5 % false detections on the same
  simulations, see ``tests/test_timing.py``), and a multiplicative time effect
  on the expected count is recovered as a multiplicative effect on the typical
  post. Limit: for accounts with a handful of interactions per post the
  :math:`+1` attenuates effects towards 1 (ratios look smaller than they are);
  rankings of slots are unaffected. The count models stay available for
  light-tailed outcomes.

Uncertainty and tests
  Standard errors are heteroskedasticity-robust (HC3) by default;
  ``cluster="account_week"`` clusters by account × ISO week instead (for
  outcomes with shared weekly shocks), at the price of an over-sized joint
  test when many slots are tested. The joint null "no timing effect" (all
  :math:`\tau_s` equal) is a Wald test in its F form (denominator degrees of
  freedom :math:`n - p`, or :math:`G - 1` with :math:`G` clusters). Per-slot
  p-values are given raw and Holm-adjusted: a reader who scans 56 cells for
  "significant" ones should look at ``p_adjusted``. When the joint test does
  not reject at ``alpha`` the status is ``"no detectable effect"``: a valid,
  reportable answer. Cells with fewer than ``min_posts`` posts (default 30)
  are pooled and not reported: with a per-post log standard deviation around
  1.3, such a cell's interval would span a factor of about two either way,
  and its noise would win every "best slot" contest (winner's curse).

Identifying the best slot honestly
  :meth:`PostingTimeEffects.best_slots` returns the slots *not significantly
  below* the estimated best one (one-sided Wald tests of
  :math:`\tau_s < \tau_{\max}`, Holm-adjusted across slots) — in the spirit
  of Hsu's multiple comparisons with the best. It is a set, often of several
  slots, not a single winner; ``worst=True`` gives the set of possible worst
  slots. A slot with few posts can sit in both sets: the data cannot place it.

References
----------
Long, J. S. & Ervin, L. H. (2000). Using heteroscedasticity consistent standard
errors in the linear regression model. *The American Statistician* 54(3),
217–224 (HC3).
Cameron, A. C. & Trivedi, P. K. (2013). *Regression Analysis of Count Data*,
2nd ed., Cambridge University Press (§3.2 NB2, §3.3 auxiliary regression for
the dispersion).
Cameron, A. C. & Miller, D. L. (2015). A practitioner's guide to
cluster-robust inference. *Journal of Human Resources* 50(2), 317–372.
Hsu, J. C. (1996). *Multiple Comparisons: Theory and Methods*, Chapman & Hall.
Holm, S. (1979). A simple sequentially rejective multiple test procedure.
*Scandinavian Journal of Statistics* 6(2), 65–70.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats
from statsmodels.stats.multitest import multipletests
from threadpoolctl import threadpool_limits

from ..errors import EngagementError
from ..schema import METRICS

__all__ = [
    "TZ",
    "INTERACTIONS",
    "add_posting_slot",
    "hour_edges",
    "naive_heatmap",
    "PostingTimeEffects",
    "posting_time_effects",
    "hourly_to_slots",
    "compare_with_planted",
    "identify_extremes",
    "plot_naive_heatmap",
    "plot_timing_effects",
    "plot_naive_vs_adjusted",
]

#: Timezone of the analysis (the collectivités' local time).
TZ = "Europe/Paris"

#: Metrics summed into the default ``"interactions"`` outcome (those a network reports);
#: the indicator catalog's "A" (likes = all reactions), as in :mod:`.compare`.
INTERACTIONS = ("likes", "comments", "shares")

_WEEKDAY_CODES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_SPARSE = "_sparse"
_MODELS = ("negbin", "poisson", "ols")
_DESIGNS = ("interaction", "additive")
_PERIODS = {None: None, "quarter": "Q", "month": "M", "year": "Y"}


# --------------------------------------------------------------------------- slots
def hour_edges(hours: int | Sequence[int] = 3) -> list[int]:
    """Return the edges of the hour blocks, from 0 to 24.

    Parameters
    ----------
    hours : int or sequence of int, default 3
        Either the width of equal blocks (a divisor of 24: 1, 2, 3, 4, 6, 8, 12
        or 24) or explicit increasing edges starting at 0 and ending at 24, for
        example ``[0, 7, 9, 12, 14, 18, 21, 24]`` to lump the night together.

    Returns
    -------
    list of int
        The edges, ``[0, ..., 24]``.
    """
    if isinstance(hours, int | np.integer):
        if hours < 1 or 24 % hours:
            raise ValueError(f"hours={hours!r}: expected a divisor of 24 (1, 2, 3, 4, 6, 8, 12, 24)")
        return list(range(0, 25, int(hours)))
    edges = [int(h) for h in hours]
    if len(edges) < 2 or edges[0] != 0 or edges[-1] != 24 or any(
        b <= a for a, b in zip(edges, edges[1:])
    ):
        raise ValueError(
            f"hours={list(hours)!r}: expected increasing hour edges from 0 to 24, "
            "e.g. [0, 7, 9, 12, 14, 18, 21, 24]"
        )
    return edges


def _slot_label(weekday: int, start: int, end: int) -> str:
    return f"{_WEEKDAY_CODES[weekday]} {start:02d}-{end:02d}"


def _local_times(published_at: pd.Series, tz: str) -> pd.Series:
    if not isinstance(published_at.dtype, pd.DatetimeTZDtype):
        if pd.api.types.is_datetime64_dtype(published_at.dtype):
            raise EngagementError(
                "column 'published_at': naive datetimes (no timezone); expected tz-aware UTC "
                "timestamps (see engagement_lib.schema.validate)"
            )
        try:
            published_at = pd.to_datetime(published_at, utc=True)
        except (ValueError, TypeError) as exc:
            raise EngagementError(
                f"column 'published_at': cannot be read as timestamps ({exc})"
            ) from None
    return published_at.dt.tz_convert(tz)


def add_posting_slot(
    posts: pd.DataFrame, *, hours: int | Sequence[int] = 3, tz: str = TZ
) -> pd.DataFrame:
    """Return a copy of ``posts`` with the local posting time and its slot.

    The UTC ``published_at`` is converted to ``tz`` (DST-safe: a UTC instant
    has exactly one local time, so the spring-forward gap and the repeated
    autumn hour are handled by the timezone database, not by adding offsets).

    Parameters
    ----------
    posts : pandas.DataFrame
        Canonical posts (needs ``published_at``, tz-aware).
    hours : int or sequence of int, default 3
        Hour blocks, see :func:`hour_edges`.
    tz : str, default ``"Europe/Paris"``
        Local timezone of the analysis.

    Returns
    -------
    pandas.DataFrame
        A new frame with the added columns ``local_time`` (tz-aware),
        ``weekday`` (0 = Monday), ``hour`` (0–23), ``hour_start``,
        ``hour_end`` and ``slot`` (e.g. ``"Sat 09-12"``).
    """
    if "published_at" not in posts.columns:
        raise EngagementError("posts: missing column 'published_at' (tz-aware UTC timestamps)")
    edges = np.asarray(hour_edges(hours))
    out = posts.copy()
    local = _local_times(out["published_at"], tz)
    out["local_time"] = local
    out["weekday"] = local.dt.day_of_week.astype("Int64")
    out["hour"] = local.dt.hour.astype("Int64")
    hour = local.dt.hour.to_numpy(dtype=float, na_value=np.nan)
    pos = np.searchsorted(edges, np.nan_to_num(hour, nan=0), side="right") - 1
    start = np.where(np.isnan(hour), np.nan, edges[np.clip(pos, 0, len(edges) - 2)])
    end = np.where(np.isnan(hour), np.nan, edges[np.clip(pos, 0, len(edges) - 2) + 1])
    out["hour_start"] = pd.array(start, dtype="Float64").astype("Int64")
    out["hour_end"] = pd.array(end, dtype="Float64").astype("Int64")
    out["slot"] = [
        None if pd.isna(w) or pd.isna(s) else _slot_label(int(w), int(s), int(e))
        for w, s, e in zip(out["weekday"], out["hour_start"], out["hour_end"])
    ]
    return out


def _all_slots(edges: list[int]) -> pd.DataFrame:
    rows = [
        (w, s, e, _slot_label(w, s, e))
        for w in range(7)
        for s, e in zip(edges[:-1], edges[1:])
    ]
    return pd.DataFrame(rows, columns=["weekday", "hour_start", "hour_end", "slot"])


# --------------------------------------------------------------------------- outcome
def _outcome(frame: pd.DataFrame, outcome) -> tuple[pd.Series, str]:
    """Outcome per post (float, NaN when not computable) and a description."""
    if isinstance(outcome, str) and outcome != "interactions":
        if outcome not in frame.columns:
            raise EngagementError(
                f"posts: outcome column {outcome!r} not found; expected 'interactions' or one "
                f"of the metrics {', '.join(m for m in METRICS if m in frame.columns)}"
            )
        return pd.to_numeric(frame[outcome], errors="coerce").astype(float), outcome
    parts = INTERACTIONS if outcome == "interactions" else tuple(outcome)
    missing = [c for c in parts if c not in frame.columns]
    if outcome != "interactions" and missing:
        raise EngagementError(f"posts: outcome column(s) {missing} not found")
    present = [c for c in parts if c in frame.columns and frame[c].notna().any()]
    if not present:  # e.g. Snapchat stories: views only
        return pd.Series(np.nan, index=frame.index), "not reported (" + " + ".join(parts) + ")"
    values = frame[present].apply(pd.to_numeric, errors="coerce").astype(float)
    total = values.sum(axis=1, min_count=len(present))  # NaN if one reported metric is NA
    return total, " + ".join(present)


def _followers_at_post(frame: pd.DataFrame, followers: pd.DataFrame, tz: str) -> pd.Series:
    """Followers of the post's account at the end of the (local) day before the post.

    The follower table has one row per account and day; the count of the last
    day strictly before the post's local day is used (the audience the post
    could reach when it went out, and not yet inflated by the follows the post
    itself brought), falling back to the same day for an account's first day.
    """
    need = {"account", "network", "date", "followers"}
    if not need <= set(followers.columns):
        raise EngagementError(
            f"followers: missing column(s) {sorted(need - set(followers.columns))}"
        )
    fol = followers.loc[followers["followers"].notna(), ["account", "network", "date", "followers"]]
    fol = fol.assign(
        _day=_local_times(fol["date"], "UTC").dt.tz_localize(None).dt.normalize(),
        _key=fol["account"].astype(str) + "|" + fol["network"].astype(str),
        followers=pd.to_numeric(fol["followers"]).astype(float),
    )
    day = frame["local_time"].dt.tz_localize(None).dt.normalize()
    key = frame["account"].astype(str).to_numpy() + "|" + frame["network"].astype(str).to_numpy()
    right = fol[["_key", "_day", "followers"]].sort_values("_day")

    def asof(days):
        left = pd.DataFrame({"_row": np.arange(len(frame)), "_day": days.to_numpy(), "_key": key})
        merged = pd.merge_asof(
            left.sort_values("_day"), right, on="_day", by="_key", direction="backward"
        )
        return merged.set_index("_row")["followers"].reindex(np.arange(len(frame))).to_numpy()

    before = asof(day - pd.Timedelta(days=1))
    same = asof(day)  # first day of an account: nothing before, take that day's count
    return pd.Series(np.where(np.isnan(before), same, before), index=frame.index)


# --------------------------------------------------------------------------- naive
def naive_heatmap(
    posts: pd.DataFrame,
    *,
    outcome="interactions",
    hours: int | Sequence[int] = 3,
    by: str | None = "network",
    tz: str = TZ,
) -> pd.DataFrame:
    """Mean engagement and number of posts per weekday × hour cell (the naive view).

    This is what a dashboard shows: for every slot, the mean and the median of
    the outcome over the posts published in it, and how many posts there are.
    It mixes the effect of the time with *what* was posted then and *by whom*
    — see :class:`PostingTimeEffects` for the adjusted estimate.

    Parameters
    ----------
    posts : pandas.DataFrame
        Canonical posts.
    outcome : str or sequence of str, default ``"interactions"``
        ``"interactions"`` (sum of :data:`INTERACTIONS` reported by the
        network), a metric column, or a list of metric columns to sum.
    hours : int or sequence of int, default 3
        Hour blocks, see :func:`hour_edges`.
    by : str or None, default ``"network"``
        Column to split by (one heatmap per value), or None.
    tz : str, default ``"Europe/Paris"``

    Returns
    -------
    pandas.DataFrame
        One row per (``by``,) slot, all slots listed even when empty:
        ``weekday``, ``hour_start``, ``hour_end``, ``slot``, ``n`` (posts),
        ``share`` (of the group's posts), ``mean``, ``median`` (of the
        outcome, unit: interactions per post; NaN for an empty cell).
    """
    edges = hour_edges(hours)
    frame = add_posting_slot(posts, hours=edges, tz=tz)
    groups = _split(frame, by)
    out = []
    for key, part in groups:
        y, _ = _outcome(part, outcome)
        part = part.assign(_y=y.to_numpy())
        agg = (
            part.dropna(subset=["slot"])
            .groupby("slot")["_y"]
            .agg(n="size", mean="mean", median="median")
        )
        table = _all_slots(edges).merge(agg, left_on="slot", right_index=True, how="left")
        table["n"] = table["n"].fillna(0).astype("int64")
        table["share"] = table["n"] / max(int(table["n"].sum()), 1)
        if by is not None:
            table.insert(0, by, key)
        out.append(table)
    cols = ([by] if by else []) + [
        "weekday", "hour_start", "hour_end", "slot", "n", "share", "mean", "median"
    ]
    return pd.concat(out, ignore_index=True)[cols] if out else pd.DataFrame(columns=cols)


def _split(frame: pd.DataFrame, by: str | None):
    if by is None:
        return [(None, frame)]
    if by not in frame.columns:
        raise EngagementError(f"posts: column {by!r} (by=) not found")
    return [
        (key, part)
        for key, part in frame.groupby(by, observed=True, sort=True, dropna=False)
        if len(part)
    ]


# --------------------------------------------------------------------------- model
def _dummies(values: pd.Series, prefix: str, reference=None) -> pd.DataFrame:
    """Treatment-coded dummies; drop ``reference`` (default: the most frequent level)."""
    values = values.astype("object").where(values.notna(), "_missing").astype(str)
    counts = values.value_counts()
    if len(counts) < 2:
        return pd.DataFrame(index=values.index)
    ref = counts.index[0] if reference is None else reference
    levels = [lvl for lvl in sorted(counts.index) if lvl != ref]
    return pd.DataFrame(
        {f"{prefix}[{lvl}]": (values == lvl).to_numpy(dtype=float) for lvl in levels},
        index=values.index,
    )


def _nb_alpha(y: np.ndarray, mu: np.ndarray) -> float:
    """Cameron–Trivedi auxiliary OLS: ((y - mu)^2 - y) / mu = alpha * mu + e."""
    z = ((y - mu) ** 2 - y) / mu
    alpha = float(np.sum(mu * z) / np.sum(mu**2))
    return min(max(alpha, 1e-6), 100.0)


class PostingTimeEffects:
    """Weekday × hour posting-time effects, adjusted for content, account and period.

    See the module docstring for the model, the choice of estimator and the
    tests. Follows scikit-learn conventions: parameters are stored by
    ``__init__``, :meth:`fit` returns ``self`` and fitted attributes end in
    ``_``.

    Parameters
    ----------
    outcome : str or sequence of str, default ``"interactions"``
        ``"interactions"`` (likes + comments + shares, those the
        network reports), a metric column (``"views"``, ``"clicks"``…) or a list
        of metric columns to sum. Posts whose outcome is missing are excluded
        and counted in ``tests_["n_excluded"]``.
    offset : {"followers", "reach", "impressions", None} or str, default "followers"
        Exposure entering the model as :math:`\\log o` with coefficient 1:
        ``"followers"`` = the account's followers at the end of the day before
        the post
        (from a ``followers`` column in ``posts`` or the ``followers`` table
        passed to :meth:`fit`); ``"reach"``/``"impressions"`` = the post's own
        reach (then the effects are on the engagement *rate by reach*, and a
        time effect acting through reach is removed — usually not what you
        want); ``None`` = no offset (counts). Posts with a missing or zero
        offset are excluded (counted).
    model : {"ols", "negbin", "poisson"}, default "ols"
        Estimator (see the module docstring for why OLS on log(1 + y) is the
        default for heavy-tailed engagement).
    hours : int or sequence of int, default 3
        Hour blocks (:func:`hour_edges`): 3 gives 8 blocks × 7 days = 56 slots.
    design : {"interaction", "additive"}, default "interaction"
        ``"interaction"``: one effect per weekday × block cell (any
        weekday-by-hour pattern). ``"additive"``: weekday effect × hour-block
        effect (fewer parameters, every cell estimable, but cannot represent
        "weekend *mornings*").
    controls : sequence of str, default ``("media_type", "topic", "account")``
        Columns entered as fixed effects (missing values form their own level;
        constant columns are skipped).
    period : {"quarter", "month", "year", None}, default "quarter"
        Calendar-period fixed effects (local time).
    reference : "mean" or str or tuple, default "mean"
        ``"mean"``: ratios to the geometric mean of the estimable slots;
        a slot label (``"Mon 09-12"``) or ``(weekday, hour)`` tuple: ratios to
        that slot.
    min_posts : int, default 30
        Cells (``design="interaction"``) with fewer posts are pooled into one
        "sparse" level: kept in the fit and in the joint test, but not reported
        (status ``"too few posts"``).
    cluster : {None, "account_week", "account"}, default None
        None gives heteroskedasticity-robust errors (HC3 for OLS, HC0 for the
        count models); otherwise clusters of the robust covariance (few
        accounts make poor clusters).
    alpha : float, default 0.05
        Level of the tests and ``1 - alpha`` intervals.
    by : str or None, default "network"
        Fit one model per value of this column (timing effects differ by network).
    tz : str, default ``"Europe/Paris"``

    Attributes
    ----------
    effects_ : pandas.DataFrame
        One row per (``by``,) slot: ``weekday``, ``hour_start``, ``hour_end``,
        ``slot``, ``n`` (posts in the cell), ``estimate`` (ratio, unitless),
        ``ci_low``, ``ci_high``, ``p_value`` (H0: ratio = 1), ``p_adjusted``
        (Holm over the group's slots), ``status`` (``"ok"``, ``"too few
        posts"``, ``"no posts (additive extrapolation)"``, ``"reference"``).
    tests_ : pandas.DataFrame
        One row per group: the joint Wald test of "no timing effect"
        (``statistic`` F, ``df_num``, ``df_denom``, ``p_value``), ``n_posts``
        used, ``n_excluded`` and the reasons, ``n_clusters``, ``nb_alpha``,
        ``outcome``, ``model``, ``status`` (``"timing effect detected"``, ``"no
        detectable effect"``, ``"not estimable: ..."``).
    results_ : dict
        Group → fitted statsmodels results (for diagnostics).
    hour_counts_ : pandas.DataFrame
        Posts used per (``by``,) ``weekday`` and local ``hour`` (to weight a
        planted or published hourly table, see :func:`compare_with_planted`).

    Examples
    --------
    >>> from engagement_lib.analysis.timing import PostingTimeEffects
    >>> est = PostingTimeEffects(hours=3).fit(posts, followers=followers)  # doctest: +SKIP
    >>> est.tests_[["network", "p_value", "status"]]  # doctest: +SKIP
    >>> est.best_slots()  # doctest: +SKIP
    """

    def __init__(
        self,
        *,
        outcome="interactions",
        offset: str | None = "followers",
        model: str = "ols",
        hours: int | Sequence[int] = 3,
        design: str = "interaction",
        controls: Sequence[str] = ("media_type", "topic", "account"),
        period: str | None = "quarter",
        reference="mean",
        min_posts: int = 30,
        cluster: str | None = None,
        alpha: float = 0.05,
        by: str | None = "network",
        tz: str = TZ,
    ):
        self.outcome = outcome
        self.offset = offset
        self.model = model
        self.hours = hours
        self.design = design
        self.controls = controls
        self.period = period
        self.reference = reference
        self.min_posts = min_posts
        self.cluster = cluster
        self.alpha = alpha
        self.by = by
        self.tz = tz

    # ---------------------------------------------------------------- checks
    def _check_params(self):
        if self.model not in _MODELS:
            raise ValueError(f"model={self.model!r}: expected one of {', '.join(_MODELS)}")
        if self.design not in _DESIGNS:
            raise ValueError(f"design={self.design!r}: expected one of {', '.join(_DESIGNS)}")
        if self.period not in _PERIODS:
            raise ValueError(f"period={self.period!r}: expected quarter, month, year or None")
        if self.cluster not in ("account_week", "account", None):
            raise ValueError(f"cluster={self.cluster!r}: expected 'account_week', 'account' or None")
        if not 0 < self.alpha < 1:
            raise ValueError(f"alpha={self.alpha!r}: expected a level in (0, 1)")
        return hour_edges(self.hours)

    def _reference_slot(self, edges) -> str | None:
        ref = self.reference
        if isinstance(ref, str) and ref == "mean":
            return None
        slots = _all_slots(edges)
        if isinstance(ref, str):
            if ref not in set(slots["slot"]):
                raise ValueError(
                    f"reference={ref!r}: unknown slot; expected 'mean' or a label like "
                    f"{slots['slot'].iloc[3]!r}"
                )
            return ref
        weekday, hour = ref
        hit = slots[(slots["weekday"] == weekday) & (slots["hour_start"] <= hour)
                    & (slots["hour_end"] > hour)]
        if hit.empty:
            raise ValueError(f"reference={ref!r}: expected (weekday 0-6, hour 0-23)")
        return hit["slot"].iloc[0]

    # ---------------------------------------------------------------- fit
    def fit(self, posts: pd.DataFrame, followers: pd.DataFrame | None = None):
        """Estimate the slot effects (one model per ``by`` group).

        Parameters
        ----------
        posts : pandas.DataFrame
            Canonical posts (``published_at``, the outcome metrics, the
            ``controls`` columns). Not modified.
        followers : pandas.DataFrame, optional
            Canonical followers table, needed when ``offset="followers"`` and
            ``posts`` has no ``followers`` column.

        Returns
        -------
        self
        """
        edges = self._check_params()
        ref_slot = self._reference_slot(edges)
        frame = add_posting_slot(posts, hours=edges, tz=self.tz)
        if self.offset == "followers" and "followers" not in frame.columns:
            if followers is None:
                raise EngagementError(
                    "offset='followers' needs a 'followers' column in posts or the followers "
                    "table (fit(posts, followers=...)); or choose offset=None/'reach'"
                )
            frame["followers"] = _followers_at_post(frame, followers, self.tz)
        missing = [c for c in self.controls if c not in frame.columns]
        if missing:
            raise EngagementError(f"posts: control column(s) {missing} not found")
        effects, tests, counts, self.results_, self.contrasts_ = [], [], [], {}, {}
        for key, part in _split(frame, self.by):
            # small dense problems: one BLAS thread is faster and avoids oversubscription
            with threadpool_limits(limits=1, user_api="blas"):
                eff, test, fitted, used = self._fit_group(part, edges, ref_slot)
            hc = used.groupby(["weekday", "hour"]).size().rename("n").reset_index()
            if self.by is not None:
                eff.insert(0, self.by, key)
                test = {self.by: key, **test}
                hc.insert(0, self.by, key)
            counts.append(hc)
            effects.append(eff)
            tests.append(test)
            self.results_[key], self.contrasts_[key] = fitted if fitted else (None, None)
        self.effects_ = pd.concat(effects, ignore_index=True) if effects else pd.DataFrame()
        self.tests_ = pd.DataFrame(tests)
        self.hour_counts_ = pd.concat(counts, ignore_index=True) if counts else pd.DataFrame()
        self.edges_ = edges
        return self

    def _prepare(self, part: pd.DataFrame):
        """Outcome, offset and exclusions for one group."""
        y, described = _outcome(part, self.outcome)
        reasons = pd.Series("", index=part.index, dtype=object)
        reasons[y.isna()] = "outcome missing"
        reasons[(reasons == "") & (y < 0)] = "negative outcome"
        reasons[(reasons == "") & part["slot"].isna()] = "publication time missing"
        log_off = pd.Series(0.0, index=part.index)
        if self.offset is not None:
            if self.offset not in part.columns:
                raise EngagementError(f"posts: offset column {self.offset!r} not found")
            off = pd.to_numeric(part[self.offset], errors="coerce").astype(float)
            bad = off.isna() | (off <= 0)
            reasons[(reasons == "") & bad] = f"{self.offset} missing or zero"
            log_off = np.log(off.where(~bad))
        keep = reasons == ""
        dropped = reasons[~keep].value_counts().to_dict()
        return y[keep], log_off[keep], part[keep], described, dropped

    def _design(self, part: pd.DataFrame, edges, ref_slot):
        """Design matrix and the linear map from parameters to cell effects."""
        cells = _all_slots(edges)
        n_cell = part["slot"].value_counts()
        cells["n"] = cells["slot"].map(n_cell).fillna(0).astype("int64")
        blocks = [pd.DataFrame({"const": 1.0}, index=part.index)]
        if self.design == "interaction":
            ok = cells["n"] >= self.min_posts
            if ref_slot is not None and not ok[cells["slot"] == ref_slot].any():
                raise EngagementError(
                    f"reference slot {ref_slot!r} has fewer than min_posts={self.min_posts} posts"
                )
            reportable = set(cells.loc[ok, "slot"])
            slot = part["slot"].where(part["slot"].isin(reportable), _SPARSE)
            fit_ref = ref_slot
            if fit_ref is None and reportable:  # most populated cell: the most stable baseline
                fit_ref = n_cell[n_cell.index.isin(reportable)].idxmax()
            timing = _dummies(slot, "slot", reference=fit_ref)
            cells["status"] = np.where(ok, "ok", "too few posts")
            cells["_in"] = ok

            def row(c):
                vec = pd.Series(0.0, index=timing.columns)
                name = f"slot[{c['slot']}]"
                if name in vec.index:
                    vec[name] = 1.0
                return vec
        else:
            wd = part["weekday"].astype(int).astype(str)
            hb = part["hour_start"].astype(int).astype(str)
            wd_ref = ref_slot.split()[0] if ref_slot else None
            t_wd = _dummies(
                wd, "weekday",
                reference=None if ref_slot is None else str(_WEEKDAY_CODES.index(wd_ref)),
            )
            t_hb = _dummies(
                hb, "hour",
                reference=None if ref_slot is None else str(int(ref_slot.split()[1][:2])),
            )
            timing = pd.concat([t_wd, t_hb], axis=1)
            seen_wd, seen_hb = set(wd), set(hb)
            cells["_in"] = cells["weekday"].astype(str).isin(seen_wd) & cells[
                "hour_start"
            ].astype(str).isin(seen_hb)
            cells["status"] = np.where(
                ~cells["_in"], "not estimable",
                np.where(cells["n"] > 0, "ok", "no posts (additive extrapolation)"),
            )

            def row(c):
                vec = pd.Series(0.0, index=timing.columns)
                for name in (f"weekday[{c['weekday']}]", f"hour[{c['hour_start']}]"):
                    if name in vec.index:
                        vec[name] = 1.0
                return vec
        blocks.append(timing)
        for col in self.controls:
            blocks.append(_dummies(part[col], col))
        if self.period is not None:
            per = part["local_time"].dt.tz_localize(None).dt.to_period(_PERIODS[self.period])
            blocks.append(_dummies(per.astype(str), "period"))
        X = pd.concat(blocks, axis=1)
        # drop columns that are all zero or collinear with earlier ones (keep timing first)
        X = _drop_collinear(X, protect=list(timing.columns))
        timing_cols = [c for c in timing.columns if c in X.columns]
        L = pd.DataFrame(
            [row(c).reindex(X.columns, fill_value=0.0) for _, c in cells.iterrows()],
            index=cells.index,
        )
        return X, timing_cols, cells, L

    def _fit_group(self, part, edges, ref_slot):
        y, log_off, part, described, dropped = self._prepare(part)
        used = part[["weekday", "hour"]].astype("int64")
        base = {
            "outcome": described,
            "model": self.model,
            "offset": self.offset,
            "n_posts": len(part),
            "n_excluded": int(sum(dropped.values())),
            "excluded_reasons": "; ".join(f"{k}: {v}" for k, v in dropped.items()),
        }
        empty_cells = _all_slots(edges).assign(
            n=0, estimate=np.nan, ci_low=np.nan, ci_high=np.nan,
            p_value=np.nan, p_adjusted=np.nan, status="not estimable",
        )
        if base["excluded_reasons"] and not len(part) and described.startswith("not reported"):
            status = f"not estimable: outcome {described}"
            return empty_cells, {**base, **_no_test(status)}, None, used
        if len(part) < 30:
            status = f"not estimable: only {len(part)} posts"
            return empty_cells, {**base, **_no_test(status)}, None, used
        X, timing_cols, cells, L = self._design(part, edges, ref_slot)
        if len(timing_cols) == 0:
            cells_out = empty_cells.assign(n=cells["n"])
            return cells_out, {**base, **_no_test(
                f"not estimable: fewer than 2 slots with {self.min_posts} posts or more")}, None, used
        res, nb_alpha, groups = self._estimate(y, X, log_off, part)
        b = res.params.to_numpy()
        V = np.asarray(res.cov_params())
        # joint Wald test of all timing coefficients = 0 (F form)
        idx = [X.columns.get_loc(c) for c in timing_cols]
        q = len(idx)
        bt, Vt = b[idx], V[np.ix_(idx, idx)]
        wald = float(bt @ np.linalg.pinv(Vt) @ bt)
        df_denom = (groups - 1) if groups else (len(y) - X.shape[1])
        fstat = wald / q
        p_joint = float(stats.f.sf(fstat, q, max(df_denom, 1)))
        # per-cell effects against the reference (mean of estimable cells or a slot)
        Lm = L.to_numpy()
        inside = cells["_in"].to_numpy()
        if ref_slot is None:
            Lm = Lm - Lm[inside].mean(axis=0)
        else:
            Lm = Lm - Lm[(cells["slot"] == ref_slot).to_numpy()][0]
        est = Lm @ b
        se = np.sqrt(np.maximum(np.einsum("ij,jk,ik->i", Lm, V, Lm), 0))
        z = stats.norm.ppf(1 - self.alpha / 2)
        with np.errstate(divide="ignore", invalid="ignore"):
            pval = 2 * stats.norm.sf(np.abs(est / se))
        cells = cells.assign(
            estimate=np.exp(est), ci_low=np.exp(est - z * se), ci_high=np.exp(est + z * se),
            p_value=pval,
        )
        if ref_slot is not None:
            is_ref = cells["slot"] == ref_slot
            cells.loc[is_ref, ["ci_low", "ci_high", "p_value"]] = np.nan
            cells.loc[is_ref, "status"] = "reference"
        cells.loc[~cells["_in"], ["estimate", "ci_low", "ci_high", "p_value"]] = np.nan
        testable = cells["p_value"].notna()
        cells["p_adjusted"] = np.nan
        if testable.any():
            cells.loc[testable, "p_adjusted"] = multipletests(
                cells.loc[testable, "p_value"], method="holm"
            )[1]
        test = {
            **base,
            "statistic": fstat,
            "df_num": q,
            "df_denom": df_denom,
            "p_value": p_joint,
            "n_clusters": groups,
            "nb_alpha": nb_alpha,
            "status": "timing effect detected" if p_joint < self.alpha else "no detectable effect",
        }
        out = cells[["weekday", "hour_start", "hour_end", "slot", "n", "estimate", "ci_low",
                     "ci_high", "p_value", "p_adjusted", "status"]]
        contrasts = (Lm, cells["_in"].to_numpy(), cells["slot"].to_numpy())
        return out.reset_index(drop=True), test, (res, contrasts), used

    def _estimate(self, y, X, log_off, part):
        groups = None
        if self.cluster == "account_week":
            iso = part["local_time"].dt.isocalendar()
            key = part["account"].astype(str) + "|" + iso["year"].astype(str) + "-" + iso[
                "week"
            ].astype(str)
            codes, uniq = pd.factorize(key)
            groups = len(uniq)
        elif self.cluster == "account":
            codes, uniq = pd.factorize(part["account"].astype(str))
            groups = len(uniq)
        if groups is not None and groups < 2:
            groups = None
        cov = {"cov_type": "cluster", "cov_kwds": {"groups": codes}} if groups else None
        yv, Xv, ov = y.to_numpy(float), X.to_numpy(float), log_off.to_numpy(float)
        nb_alpha = np.nan
        if self.model == "ols":
            target = np.log1p(yv) - ov
            kw = cov or {"cov_type": "HC3"}
            res = sm.OLS(target, Xv).fit(**kw)
        else:
            kw = cov or {"cov_type": "HC0"}
            pois = sm.GLM(yv, Xv, family=sm.families.Poisson(), offset=ov).fit(maxiter=100)
            if self.model == "poisson":
                res = sm.GLM(yv, Xv, family=sm.families.Poisson(), offset=ov).fit(
                    start_params=pois.params, maxiter=100, **kw
                )
            else:
                nb_alpha = _nb_alpha(yv, pois.fittedvalues)
                res = sm.GLM(
                    yv, Xv, family=sm.families.NegativeBinomial(alpha=nb_alpha), offset=ov
                ).fit(start_params=pois.params, maxiter=100, **kw)
        res.params = pd.Series(np.asarray(res.params), index=X.columns)
        return res, nb_alpha, groups

    # ---------------------------------------------------------------- best/worst
    def best_slots(self, *, alpha: float | None = None, worst: bool = False) -> pd.DataFrame:
        """Slots not significantly below the estimated best (or above the worst).

        For each group, the slot with the highest estimate :math:`m` is found;
        every other estimable slot :math:`s` is tested with a one-sided Wald
        test of :math:`\\tau_s \\ge \\tau_m` against :math:`\\tau_s < \\tau_m`,
        Holm-adjusted across slots. The slots not rejected, plus :math:`m`, form
        the returned set ("the best slot is one of these"). With ``worst=True``
        the same is done for the lowest slot.

        Parameters
        ----------
        alpha : float, optional
            Level (default: the estimator's ``alpha``).
        worst : bool, default False
            Look for the worst slots instead of the best.

        Returns
        -------
        pandas.DataFrame
            Rows of :attr:`effects_` in the set, with ``p_vs_extreme`` (Holm
            adjusted) and ``is_extreme`` (the point-estimate best/worst).
        """
        alpha = self.alpha if alpha is None else alpha
        out = []
        for key, res in self.results_.items():
            if res is None:
                continue
            Lm, inside, slots = self.contrasts_[key]
            b = res.params.to_numpy()
            V = np.asarray(res.cov_params())
            est = Lm @ b
            cand = np.flatnonzero(inside)
            sign = -1.0 if worst else 1.0
            m = cand[np.argmax(sign * est[cand])]
            others = cand[cand != m]
            D = Lm[others] - Lm[m]  # tau_s - tau_m
            diff = sign * (D @ b)
            se = np.sqrt(np.maximum(np.einsum("ij,jk,ik->i", D, V, D), 0))
            with np.errstate(divide="ignore", invalid="ignore"):
                p = stats.norm.cdf(diff / se)  # small when s clearly below the best
            p_adj = multipletests(p, method="holm")[1] if len(p) else p
            keep = np.concatenate([[m], others[p_adj >= alpha]])
            padj = dict(zip(others, p_adj))
            eff = self.effects_
            if self.by is not None:
                eff = eff[eff[self.by] == key]
            eff = eff.reset_index(drop=True)
            chosen = eff.loc[eff["slot"].isin(slots[keep])].copy()
            pos = {s: i for i, s in enumerate(slots)}
            chosen["p_vs_extreme"] = [padj.get(pos[s], np.nan) for s in chosen["slot"]]
            chosen["is_extreme"] = chosen["slot"] == slots[m]
            out.append(chosen.sort_values("estimate", ascending=worst))
        return pd.concat(out, ignore_index=True) if out else pd.DataFrame()


def _no_test(status: str) -> dict:
    return {
        "statistic": np.nan, "df_num": np.nan, "df_denom": np.nan, "p_value": np.nan,
        "n_clusters": np.nan, "nb_alpha": np.nan, "status": status,
    }


def _drop_collinear(X: pd.DataFrame, protect: list[str]) -> pd.DataFrame:
    """Drop empty columns and columns linearly dependent on earlier ones (QR pivot-free)."""
    X = X.loc[:, (X != 0).any(axis=0)]
    order = ["const"] + [c for c in protect if c in X.columns] + [
        c for c in X.columns if c != "const" and c not in protect
    ]
    X = X[order]
    keep: list[int] = []
    Q = np.zeros((len(X), 0))
    A = X.to_numpy(float)
    for j in range(A.shape[1]):
        v = A[:, j] - Q @ (Q.T @ A[:, j])
        norm = np.linalg.norm(v)
        if norm > 1e-8 * max(np.linalg.norm(A[:, j]), 1.0):
            keep.append(j)
            Q = np.column_stack([Q, v / norm])
    return X.iloc[:, keep]


def hourly_to_slots(
    table, *, hours: int | Sequence[int] = 3, weights=None
) -> pd.DataFrame:
    """Aggregate a 7 × 24 weekday × hour multiplier table into the analysis slots.

    Useful to put a planted table (``planted_effects.json``) or a published
    "best times" grid on the same footing as :class:`PostingTimeEffects`.

    Parameters
    ----------
    table : array-like, shape (7, 24)
        Multipliers, rows Monday..Sunday, columns local hours 0..23.
    hours : int or sequence of int, default 3
        Hour blocks, see :func:`hour_edges`.
    weights : array-like (7, 24) or DataFrame with ``weekday``, ``hour``, ``n``, optional
        Posts per weekday and hour. The slot value is the weighted geometric
        mean :math:`\\exp(\\sum_h w_h \\log t_h / \\sum_h w_h)` over the hours of
        the block — what a regression on the log scale estimates when the
        block's posts fall on its hours in these proportions. Equal weights
        when omitted or when a block has no post.

    Returns
    -------
    pandas.DataFrame
        ``weekday``, ``hour_start``, ``hour_end``, ``slot``, ``value``.
    """
    arr = np.asarray(table, dtype=float)
    if arr.shape != (7, 24) or not np.all(arr > 0):
        raise ValueError(f"table: expected 7 × 24 positive multipliers, got shape {arr.shape}")
    if weights is None:
        w = np.ones((7, 24))
    elif isinstance(weights, pd.DataFrame):
        w = np.zeros((7, 24))
        for wd, h, n in weights[["weekday", "hour", "n"]].itertuples(index=False):
            w[int(wd), int(h)] += float(n)
    else:
        w = np.asarray(weights, dtype=float)
    edges = hour_edges(hours)
    slots = _all_slots(edges)
    values = []
    for wd, h0, h1 in slots[["weekday", "hour_start", "hour_end"]].itertuples(index=False):
        ww = w[wd, h0:h1]
        if ww.sum() <= 0:
            ww = np.ones(h1 - h0)
        values.append(float(np.exp(np.sum(ww * np.log(arr[wd, h0:h1])) / ww.sum())))
    return slots.assign(value=values)


def compare_with_planted(estimator: PostingTimeEffects, planted: dict) -> pd.DataFrame:
    """Put planted (or published) hourly multipliers next to the estimated slot effects.

    Parameters
    ----------
    estimator : PostingTimeEffects
        A fitted estimator (``by`` groups are looked up in ``planted``).
    planted : dict
        Group (e.g. network) → 7 × 24 table, e.g.
        ``planted_effects["effects"]["posting_time"]["multipliers"]``.

    Returns
    -------
    pandas.DataFrame
        :attr:`PostingTimeEffects.effects_` rows of the groups found in
        ``planted``, plus ``planted`` (the table aggregated by
        :func:`hourly_to_slots` with the posts used as weights, expressed on
        the same reference as the estimates: ratio to the geometric mean of
        the estimable slots, or to the reference slot) and ``covered``
        (planted inside [ci_low, ci_high]; missing where nothing was
        estimated).
    """
    by = estimator.by
    out = []
    for key in estimator.contrasts_:
        if key not in planted or estimator.contrasts_[key] is None:
            continue
        eff = estimator.effects_
        counts = estimator.hour_counts_
        if by is not None:
            eff = eff[eff[by] == key]
            counts = counts[counts[by] == key]
        truth = hourly_to_slots(planted[key], hours=estimator.edges_, weights=counts)
        eff = eff.merge(truth[["slot", "value"]], on="slot", how="left")
        ok = eff["estimate"].notna()
        ref = estimator._reference_slot(estimator.edges_)
        logv = np.log(eff["value"])
        centre = logv[eff["slot"] == ref].iloc[0] if ref else logv[ok].mean()
        eff["planted"] = np.exp(logv - centre)
        eff["covered"] = pd.array(
            np.where(ok, (eff["ci_low"] <= eff["planted"]) & (eff["planted"] <= eff["ci_high"]),
                     pd.NA),
            dtype="boolean",
        )
        if ref:
            eff.loc[eff["slot"] == ref, "covered"] = pd.NA
        out.append(eff.drop(columns="value"))
    return pd.concat(out, ignore_index=True) if out else pd.DataFrame()


def identify_extremes(
    estimator: PostingTimeEffects, comparison: pd.DataFrame, *, alpha: float | None = None
) -> pd.DataFrame:
    """Were the planted best and worst slots found? An honest verdict per group.

    Among the slots the data can estimate (enough posts), the planted best
    (worst) slot is the one with the highest (lowest) planted value in
    ``comparison``. Verdicts:

    * ``"identified"`` — the joint test detects a timing effect, the planted
      slot is in the set of slots not significantly below the estimated best
      (:meth:`PostingTimeEffects.best_slots`; above the worst for "worst"),
      that set holds at most half of the estimable slots, and the planted
      slot is not in the opposite set;
    * ``"consistent, not narrowed down"`` — in the set, but the set is too
      large (or also holds the opposite extreme) to guide a decision;
    * ``"missed"`` — the planted slot is significantly below the estimated
      best (above the worst);
    * ``"no detectable effect"`` — the joint test did not reject.

    Parameters
    ----------
    estimator : PostingTimeEffects
        Fitted.
    comparison : pandas.DataFrame
        Output of :func:`compare_with_planted`.
    alpha : float, optional
        Level of the set (default: the estimator's).

    Returns
    -------
    pandas.DataFrame
        One row per group and extreme: ``extreme``, ``planted_slot``,
        ``planted``, ``estimate`` and interval of that slot,
        ``estimated_slot`` (the point-estimate best/worst), ``set_size``,
        ``n_estimable``, ``in_set``, ``in_opposite_set``, ``status``.
    """
    by = estimator.by
    best_sets = estimator.best_slots(alpha=alpha)
    worst_sets = estimator.best_slots(alpha=alpha, worst=True)
    tests = estimator.tests_
    rows = []
    groups = comparison[by].unique() if by is not None else [None]
    for key in groups:
        comp = comparison if by is None else comparison[comparison[by] == key]
        comp = comp[comp["estimate"].notna()]
        test = tests if by is None else tests[tests[by] == key]
        detected = bool((test["p_value"] < estimator.alpha).any())
        sets = {}
        for name, frame in (("best", best_sets), ("worst", worst_sets)):
            sets[name] = set((frame if by is None else frame[frame[by] == key])["slot"])
        for extreme, opposite in (("best", "worst"), ("worst", "best")):
            pick = comp["planted"].idxmax() if extreme == "best" else comp["planted"].idxmin()
            est_pick = comp["estimate"].idxmax() if extreme == "best" else comp["estimate"].idxmin()
            slot = comp.loc[pick, "slot"]
            in_set = slot in sets[extreme]
            in_opp = slot in sets[opposite]
            small = len(sets[extreme]) <= len(comp) / 2
            if not detected:
                status = "no detectable effect"
            elif not in_set:
                status = "missed"
            elif small and not in_opp:
                status = "identified"
            else:
                status = "consistent, not narrowed down"
            row = {
                "extreme": extreme, "planted_slot": slot, "planted": comp.loc[pick, "planted"],
                "estimate": comp.loc[pick, "estimate"], "ci_low": comp.loc[pick, "ci_low"],
                "ci_high": comp.loc[pick, "ci_high"], "estimated_slot": comp.loc[est_pick, "slot"],
                "set_size": len(sets[extreme]), "n_estimable": len(comp), "in_set": in_set,
                "in_opposite_set": in_opp, "status": status,
            }
            rows.append({by: key, **row} if by is not None else row)
    return pd.DataFrame(rows)


def posting_time_effects(
    posts: pd.DataFrame, followers: pd.DataFrame | None = None, **options
) -> pd.DataFrame:
    """Shortcut: ``PostingTimeEffects(**options).fit(posts, followers).effects_``.

    The joint test per group is attached as ``result.attrs["tests"]``.
    """
    est = PostingTimeEffects(**options).fit(posts, followers)
    out = est.effects_.copy()
    out.attrs["tests"] = est.tests_
    return out


def plot_naive_heatmap(*args, **kwargs):
    """Naive heatmap (mean per cell, n annotated); see :mod:`._plots_timing`."""
    from ._plots_timing import plot_naive_heatmap as _plot

    return _plot(*args, **kwargs)


def plot_timing_effects(*args, **kwargs):
    """Adjusted effects heatmap with uncertainty; see :mod:`._plots_timing`."""
    from ._plots_timing import plot_timing_effects as _plot

    return _plot(*args, **kwargs)


def plot_naive_vs_adjusted(*args, **kwargs):
    """Side-by-side naive and adjusted heatmaps; see :mod:`._plots_timing`."""
    from ._plots_timing import plot_naive_vs_adjusted as _plot

    return _plot(*args, **kwargs)
