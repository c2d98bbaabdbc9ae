"""Event impacts: did a dated change (a relaunch, a new format) move the figures?

Three tools, each returning an effect size with its interval:

* :class:`InterruptedTimeSeries` — segmented regression of a daily or weekly
  series on time, with a level change and a slope change at a known date,
  and autocorrelation-robust (Newey–West) errors. Example: Saint-Dizier came
  back to Snapchat for the Journées du patrimoine with an in-house bitmoji,
  "a real trigger" (*La Gazette des communes*, 4 March 2019): did story views
  per follower and the daily follower gain step up?
* :func:`compare_arms` — a two-arm comparison of posts tagged by arm (the
  posts ``label`` column, e.g. Meta's custom labels), for a format experiment
  such as the Grand Est région's video formats: relative lift with intervals
  from a regression (HC3 errors), a seeded bootstrap, and a permutation test.
* :class:`ChangePointScan` — when the date is unknown: scan every candidate
  date, take the one that best splits the series (sup-F statistic), and judge
  it against a block bootstrap of the no-break model.

:func:`event_series` builds the series from the canonical tables (local
calendar days in ``Europe/Paris``).

References
----------
Wagner, A. K., Soumerai, S. B., Zhang, F. & Ross-Degnan, D. (2002). Segmented
regression analysis of interrupted time series studies in medication use
research. *Journal of Clinical Pharmacy and Therapeutics* 27, 299–309.
Newey, W. K. & West, K. D. (1987). A simple, positive semi-definite,
heteroskedasticity and autocorrelation consistent covariance matrix.
*Econometrica* 55(3), 703–708; (1994) Automatic lag selection in covariance
matrix estimation. *Review of Economic Studies* 61(4), 631–653.
Andrews, D. W. K. (1993). Tests for parameter instability and structural
change with unknown change point. *Econometrica* 61(4), 821–856.
Künsch, H. R. (1989). The jackknife and the bootstrap for general stationary
observations. *Annals of Statistics* 17(3), 1217–1241.
Efron, B. & Tibshirani, R. (1993). *An Introduction to the Bootstrap*,
Chapman & Hall (percentile intervals, ch. 13; permutation tests, ch. 15).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats
from threadpoolctl import threadpool_limits

from ..errors import EngagementError

__all__ = [
    "TZ",
    "event_series",
    "newey_west_lags",
    "InterruptedTimeSeries",
    "compare_arms",
    "ChangePointScan",
    "plot_interrupted_time_series",
    "plot_arms",
    "plot_change_point_scan",
]

#: Timezone of the calendar days.
TZ = "Europe/Paris"

_FREQS = {"D": "D", "W": "W-MON"}
_AGGS = ("sum", "mean", "median", "count", "last", "max", "min", "geomean", "mean_log1p")


# --------------------------------------------------------------------------- series
def event_series(
    data: pd.DataFrame,
    *,
    value: str | None,
    date: str | None = None,
    denominator: str | None = None,
    freq: str = "D",
    agg: str = "sum",
    change: bool = False,
    where: dict | None = None,
    start=None,
    end=None,
    fill_value: float | None = None,
    tz: str = TZ,
) -> pd.DataFrame:
    """Aggregate a canonical table into a daily or weekly series (local calendar).

    Parameters
    ----------
    data : pandas.DataFrame
        Canonical posts (dated by ``published_at``) or followers (``date``).
    value : str or None
        Column to aggregate (``"views"``, ``"followers"``...); None with
        ``agg="count"`` counts rows (posts per day).
    date : str, optional
        Date column; default ``published_at`` if present, else ``date``.
    denominator : str, optional
        Per-row denominator: the row value becomes ``value / denominator``
        (e.g. story views per follower); rows with a missing or zero
        denominator are skipped.
    freq : {"D", "W"}, default "D"
        Days, or ISO weeks starting on Monday (dated by their Monday).
    agg : str, default "sum"
        ``"sum"``, ``"mean"``, ``"median"``, ``"count"``, ``"last"``,
        ``"max"``, ``"min"``, ``"geomean"`` (exp of the mean log of positive
        values) or ``"mean_log1p"`` (mean of log(1 + x): a robust "typical"
        level for heavy-tailed counts).
    change : bool, default False
        Return the period-to-period change of the aggregate (e.g. the net
        daily follower gain from the running ``followers`` total). The first
        period, having no predecessor, is dropped.
    where : dict, optional
        Equality filters, e.g. ``{"account": "saint_dizier_snap"}``.
    start, end : date-like, optional
        Local calendar bounds (inclusive). Default: the data's range.
    fill_value : float, optional
        Value of the periods with no row (e.g. 0 for daily sums of views when
        nothing was posted). Default: missing (NaN), which the estimators
        drop — the right choice for means and rates.
    tz : str, default ``"Europe/Paris"``

    Returns
    -------
    pandas.DataFrame
        ``date`` (tz-naive local calendar day or week start), ``value``,
        ``n`` (rows behind the value), one row per period from start to end.
    """
    if where:
        for col, val in where.items():
            if col not in data.columns:
                raise EngagementError(f"event_series: filter column {col!r} not found")
            data = data[data[col].astype(str) == str(val)]
    date = date or ("published_at" if "published_at" in data.columns else "date")
    if date not in data.columns:
        raise EngagementError(f"event_series: date column {date!r} not found")
    if agg not in _AGGS:
        raise ValueError(f"agg={agg!r}: expected one of {', '.join(_AGGS)}")
    if freq not in _FREQS:
        raise ValueError(f"freq={freq!r}: expected 'D' (days) or 'W' (weeks)")
    if value is None and agg != "count":
        raise ValueError("value=None is only allowed with agg='count'")
    stamps = data[date]
    if isinstance(stamps.dtype, pd.DatetimeTZDtype):
        local = stamps.dt.tz_convert(tz).dt.tz_localize(None)
    else:
        local = pd.to_datetime(stamps)
    day = local.dt.normalize()
    if freq == "W":
        day = day - pd.to_timedelta(day.dt.day_of_week, unit="D")
    if value is None:
        vals = pd.Series(1.0, index=data.index)
    else:
        if value not in data.columns:
            raise EngagementError(f"event_series: value column {value!r} not found")
        vals = pd.to_numeric(data[value], errors="coerce").astype(float)
    if denominator is not None:
        den = pd.to_numeric(data[denominator], errors="coerce").astype(float)
        vals = vals / den.where(den > 0)
    frame = pd.DataFrame({"date": day.to_numpy(), "v": vals.to_numpy()})
    frame = frame[frame["date"].notna()]
    valid = frame.dropna(subset=["v"])
    grouped = valid.groupby("date")["v"]
    if agg == "count":
        out = frame.groupby("date").size().astype(float)
        n = out
    elif agg == "geomean":
        pos = valid[valid["v"] > 0]
        out = np.exp(np.log(pos["v"]).groupby(pos["date"]).mean())
        n = pos.groupby("date").size()
    elif agg == "mean_log1p":
        out = np.log1p(valid["v"].clip(lower=0)).groupby(valid["date"]).mean()
        n = grouped.size()
    elif agg == "last":
        out = valid.sort_values("date").groupby("date")["v"].last()
        n = grouped.size()
    else:
        out = grouped.agg(agg)
        n = grouped.size()
    lo = pd.Timestamp(start) if start is not None else (out.index.min() if len(out) else None)
    hi = pd.Timestamp(end) if end is not None else (out.index.max() if len(out) else None)
    if lo is None or hi is None:
        return pd.DataFrame({"date": pd.Series(dtype="datetime64[us]"), "value": [], "n": []})
    if freq == "W":
        lo = lo - pd.Timedelta(days=lo.day_of_week)
    index = pd.date_range(lo.normalize(), hi.normalize(), freq=_FREQS[freq])
    series = out.reindex(index)
    if fill_value is not None:
        series = series.fillna(fill_value)
    result = pd.DataFrame(
        {"date": index, "value": series.to_numpy(dtype=float),
         "n": n.reindex(index).fillna(0).to_numpy(dtype="int64")}
    )
    if change:
        result["value"] = result["value"].diff()
        result = result.iloc[1:].reset_index(drop=True)
    return result


def newey_west_lags(n_obs: int) -> int:
    """Newey–West (1994) rule of thumb for the HAC truncation lag.

    :math:`\\lfloor 4 (T / 100)^{2/9} \\rfloor` — e.g. 5 lags for a year of
    daily data, 3 for two years of weekly data.
    """
    return int(np.floor(4 * (max(n_obs, 1) / 100.0) ** (2.0 / 9.0)))


def _prepare_series(data, x, y) -> pd.DataFrame:
    if isinstance(data, pd.Series):
        frame = pd.DataFrame({"date": data.index, "value": data.to_numpy()})
        x, y = "date", "value"
    else:
        missing = [c for c in (x, y) if c not in data.columns]
        if missing:
            raise EngagementError(
                f"series: missing column(s) {missing}; found {', '.join(map(str, data.columns))}"
            )
        frame = data[[x, y]].rename(columns={x: "date", y: "value"})
    dates = frame["date"]
    if isinstance(dates.dtype, pd.DatetimeTZDtype):
        dates = dates.dt.tz_convert(TZ).dt.tz_localize(None)
    frame = frame.assign(
        date=pd.to_datetime(dates), value=pd.to_numeric(frame["value"], errors="coerce")
    )
    frame = frame.dropna(subset=["date", "value"]).sort_values("date")
    if frame["date"].duplicated().any():
        raise EngagementError("series: duplicated dates; aggregate first (see event_series)")
    return frame.reset_index(drop=True)


def _transform(values: np.ndarray, transform):
    if transform is None:
        return values
    if transform == "log":
        if (values <= 0).any():
            raise EngagementError(
                "transform='log' needs positive values; use 'log1p' for counts with zeros"
            )
        return np.log(values)
    if transform == "log1p":
        if (values < 0).any():
            raise EngagementError("transform='log1p' needs non-negative values")
        return np.log1p(values)
    raise ValueError(f"transform={transform!r}: expected None, 'log' or 'log1p'")


def _base_design(dates: pd.Series, t: np.ndarray, *, trend: bool, seasonality) -> pd.DataFrame:
    X = pd.DataFrame({"const": 1.0}, index=dates.index)
    if trend:
        X["trend"] = t
    if seasonality == "weekday":
        wd = dates.dt.day_of_week
        for d in range(1, 7):
            col = (wd == d).to_numpy(dtype=float)
            if col.any() and not col.all():
                X[f"weekday[{d}]"] = col
    elif seasonality == "month":
        mo = dates.dt.month
        for m in range(2, 13):
            col = (mo == m).to_numpy(dtype=float)
            if col.any() and not col.all():
                X[f"month[{m}]"] = col
    elif seasonality is not None:
        raise ValueError(f"seasonality={seasonality!r}: expected 'weekday', 'month', 'auto' or None")
    return X


def _auto_seasonality(dates: pd.Series, seasonality):
    if seasonality != "auto":
        return seasonality
    step = dates.diff().dt.days.median() if len(dates) > 1 else 1
    return "weekday" if step is not None and step < 2 else None


# --------------------------------------------------------------------------- ITS
class InterruptedTimeSeries:
    """Segmented regression with a level and a slope change at a dated event.

    Model, for period :math:`t` (time in days since the event, :math:`D_t =
    [t \\ge 0]`):

    .. math::

        y_t = \\beta_0 + \\beta_1 t + \\beta_2 D_t + \\beta_3 t D_t
              + \\text{season}_t + \\varepsilon_t

    :math:`\\beta_2` is the **level change** at the event (unit of ``y``; with
    ``transform="log"`` or ``"log1p"`` it is reported as a relative change
    :math:`e^{\\beta_2} - 1` too), :math:`\\beta_3` the **slope change** (unit
    of ``y`` per day). OLS estimates with Newey–West (HAC, Bartlett kernel)
    standard errors, so that the day-to-day autocorrelation of social-media
    series does not make the intervals too narrow. ``maxlags`` defaults to the
    Newey–West (1994) rule :func:`newey_west_lags`; lags count observations,
    so a series with a long gap (a dormant account) treats the two sides of
    the gap as neighbours — harmless for the level estimate, documented here
    so nobody is surprised.

    Parameters
    ----------
    event : date-like
        Date of the event (local calendar day); the first period on or after
        it is the first "after" period.
    x, y : str, default "date", "value"
        Columns of the series (e.g. the output of :func:`event_series`). A
        pandas Series indexed by date is accepted too.
    transform : {None, "log", "log1p"}, default None
        Transform of ``y`` before fitting.
    trend : bool, default True
        Include the pre-event linear trend :math:`\\beta_1`. Set False when
        the "before" data are far from the event (e.g. an account dormant for
        two years): extrapolating a trend across a gap is fragile.
    slope_change : bool, default True
        Include :math:`\\beta_3`.
    seasonality : {"auto", "weekday", "month", None}, default "auto"
        Weekday dummies for daily series ("auto"), nothing for weekly ones.
    exclude : tuple of two date-likes, optional
        A transition window dropped from the fit (e.g. the event weekend).
    maxlags : int, optional
        HAC truncation lag (default: Newey–West rule on the number of
        observations).
    alpha : float, default 0.05
        ``1 - alpha`` intervals.

    Attributes
    ----------
    effects_ : pandas.DataFrame
        Rows ``level_change``, ``slope_change`` (if fitted) and
        ``effect_at_end`` (level + slope × days from the event to the last
        observation): ``estimate``, ``ci_low``, ``ci_high``, ``p_value``,
        ``unit``, and for log transforms ``relative``, ``relative_low``,
        ``relative_high`` (:math:`e^{x} - 1`).
    fitted_ : pandas.DataFrame
        ``date``, ``observed`` (transformed), ``fitted``, ``trend`` (the fit
        with the seasonal dummies at their average), ``counterfactual`` (the
        trend with the event terms set to zero), ``after``.
    result_ : statsmodels RegressionResults
    maxlags_ : int
    n_before_, n_after_ : int
    """

    def __init__(
        self,
        *,
        event,
        x: str = "date",
        y: str = "value",
        transform: str | None = None,
        trend: bool = True,
        slope_change: bool = True,
        seasonality="auto",
        exclude=None,
        maxlags: int | None = None,
        alpha: float = 0.05,
    ):
        self.event = event
        self.x = x
        self.y = y
        self.transform = transform
        self.trend = trend
        self.slope_change = slope_change
        self.seasonality = seasonality
        self.exclude = exclude
        self.maxlags = maxlags
        self.alpha = alpha

    def fit(self, data):
        """Fit the segmented regression; returns ``self``."""
        frame = _prepare_series(data, self.x, self.y)
        event = pd.Timestamp(self.event)
        if event.tzinfo is not None:
            event = event.tz_convert(TZ).tz_localize(None)
        if self.exclude is not None:
            lo, hi = (pd.Timestamp(d) for d in self.exclude)
            frame = frame[(frame["date"] < lo) | (frame["date"] > hi)].reset_index(drop=True)
        after = (frame["date"] >= event).to_numpy()
        self.n_before_, self.n_after_ = int((~after).sum()), int(after.sum())
        if self.n_before_ < 3 or self.n_after_ < 3:
            raise EngagementError(
                f"interrupted time series: need at least 3 observations on each side of "
                f"{event.date()}, found {self.n_before_} before and {self.n_after_} after"
            )
        y = _transform(frame["value"].to_numpy(float), self.transform)
        t = ((frame["date"] - event) / pd.Timedelta(days=1)).to_numpy(float)
        X = _base_design(
            frame["date"], t, trend=self.trend,
            seasonality=_auto_seasonality(frame["date"], self.seasonality),
        )
        X["level_change"] = after.astype(float)
        if self.slope_change:
            X["slope_change"] = t * after
        self.maxlags_ = newey_west_lags(len(y)) if self.maxlags is None else int(self.maxlags)
        with threadpool_limits(limits=1, user_api="blas"):
            res = sm.OLS(y, X).fit(cov_type="HAC", cov_kwds={"maxlags": self.maxlags_})
        self.result_ = res
        z = stats.norm.ppf(1 - self.alpha / 2)
        b, V = res.params, res.cov_params()
        rows = []
        unit = "log points" if self.transform else "unit of y"
        terms = [("level_change", {"level_change": 1.0}, unit)]
        if self.slope_change:
            terms.append(("slope_change", {"slope_change": 1.0}, f"{unit} per day"))
            horizon = float(t.max())
            terms.append(
                ("effect_at_end", {"level_change": 1.0, "slope_change": horizon}, unit)
            )
        for name, weights, u in terms:
            w = pd.Series(0.0, index=b.index)
            for k, v in weights.items():
                w[k] = v
            est = float(w @ b)
            se = float(np.sqrt(w @ V @ w))
            row = {
                "term": name, "estimate": est, "ci_low": est - z * se, "ci_high": est + z * se,
                "std_error": se, "p_value": float(2 * stats.norm.sf(abs(est / se))) if se > 0 else np.nan,
                "unit": u,
            }
            if self.transform and name != "slope_change":
                row.update(relative=np.expm1(est), relative_low=np.expm1(est - z * se),
                           relative_high=np.expm1(est + z * se))
            rows.append(row)
        self.effects_ = pd.DataFrame(rows)
        smooth = X.copy()  # seasonal dummies at their mean: the path without weekly wiggles
        for col in smooth.columns:
            if col.startswith(("weekday[", "month[")):
                smooth[col] = smooth[col].mean()
        counter = smooth.copy()
        counter["level_change"] = 0.0
        if self.slope_change:
            counter["slope_change"] = 0.0
        self.fitted_ = pd.DataFrame({
            "date": frame["date"], "observed": y, "fitted": res.fittedvalues,
            "trend": smooth.to_numpy() @ b.to_numpy(),
            "counterfactual": counter.to_numpy() @ b.to_numpy(), "after": after,
        })
        return self


# --------------------------------------------------------------------------- arms
def _arm_values(posts, arm, treatment, control, outcome, denominator, scale):
    for col in [arm, outcome] + ([denominator] if denominator else []):
        if col not in posts.columns:
            raise EngagementError(f"posts: column {col!r} not found")
    labels = posts[arm].astype("object")
    found = sorted({str(v) for v in labels.dropna().unique()})
    for name in (treatment, control):
        if name not in found:
            raise EngagementError(
                f"posts: arm {name!r} not found in column {arm!r}; found {found or 'no labels'}"
            )
    sub = posts[labels.isin([treatment, control])]
    num = pd.to_numeric(sub[outcome], errors="coerce").astype(float)
    den = (pd.to_numeric(sub[denominator], errors="coerce").astype(float)
           if denominator else pd.Series(np.nan, index=sub.index))
    ok = num.notna() & (num >= 0)
    if denominator:
        ok &= den.notna() & (den > 0)
    if scale == "log":
        val = np.log1p(num) - (np.log1p(den) if denominator else 0.0)
    elif scale == "mean":
        val = num / den if denominator else num
    else:
        raise ValueError(f"scale={scale!r}: expected 'log' or 'mean'")
    is_t = (sub[arm].astype("object") == treatment).to_numpy()
    return sub[ok.to_numpy()], val[ok].to_numpy(float), is_t[ok.to_numpy()], int((~ok).sum())


def _covariates(sub: pd.DataFrame, covariates) -> np.ndarray:
    blocks = []
    for col in covariates:
        if col not in sub.columns:
            raise EngagementError(f"posts: covariate column {col!r} not found")
        s = sub[col]
        if pd.api.types.is_numeric_dtype(s) and not isinstance(s.dtype, pd.CategoricalDtype):
            v = pd.to_numeric(s, errors="coerce").astype(float).to_numpy()
            if np.isnan(v).any():
                raise EngagementError(f"posts: covariate {col!r} has missing values among the arms")
            blocks.append(v[:, None])
        else:
            d = pd.get_dummies(s.astype("object").fillna("_missing"), drop_first=True, dtype=float)
            if d.shape[1]:
                blocks.append(d.to_numpy())
    return np.hstack(blocks) if blocks else np.empty((len(sub), 0))


def _arm_effect(val, is_t, Z, scale):
    """Regression estimate (log: difference; mean: relative lift via delta) and its HC3 SE."""
    X = np.column_stack([np.ones(len(val)), is_t.astype(float), Z])
    res = sm.OLS(val, X).fit(cov_type="HC3")
    b, V = np.asarray(res.params), np.asarray(res.cov_params())
    if scale == "log":
        return b[1], np.sqrt(V[1, 1])
    # relative lift = b1 / (control mean at the covariates' average) by the delta method
    xbar = np.concatenate([[1.0, 0.0], Z.mean(axis=0)]) if Z.size else np.array([1.0, 0.0])
    base = float(xbar @ b)
    grad = np.zeros_like(b)
    grad[1] = 1.0 / base
    grad -= (b[1] / base**2) * np.concatenate([xbar, np.zeros(len(b) - len(xbar))])
    return b[1] / base, float(np.sqrt(grad @ V @ grad))


def _stat(val, is_t, Z, scale):
    if Z.size:
        return _arm_effect(val, is_t, Z, scale)[0]
    mt, mc = val[is_t].mean(), val[~is_t].mean()
    return mt - mc if scale == "log" else mt / mc - 1.0


def compare_arms(
    posts: pd.DataFrame,
    *,
    treatment: str,
    control: str,
    outcome: str = "views",
    denominator: str | None = None,
    arm: str = "label",
    scale: str = "log",
    covariates: Sequence[str] = (),
    n_boot: int = 1999,
    n_perm: int = 1999,
    alpha: float = 0.05,
    random_state=None,
) -> pd.DataFrame:
    """Two-arm comparison of a format experiment: relative lift with intervals.

    Posts of each arm are identified by ``posts[arm]`` (by default the
    ``label`` column, Meta's custom labels). The per-post value is
    ``log(1 + outcome)`` (``scale="log"``; minus ``log(1 + denominator)``
    when a denominator is given, e.g. completions per view) or the raw
    ``outcome`` (``/ denominator``) with ``scale="mean"``.

    Effect size (relative lift of the treatment arm over the control arm)
      * ``scale="log"``: :math:`e^{\\Delta} - 1` where :math:`\\Delta` is the
        difference of mean log values — the lift of the geometric mean
        (typical post), robust to viral outliers. For a multiplicative
        effect on the expected count it estimates that multiplier minus one.
      * ``scale="mean"``: :math:`\\bar y_T / \\bar y_C - 1`, the lift of the
        arithmetic mean (sensitive to outliers).
      * ``hedges_g``: standardised mean difference on the analysis scale
        (Hedges' small-sample correction), for comparison across outcomes.

    Three rows, one per method
      * ``regression``: OLS of the value on the arm indicator (and
        ``covariates``) with HC3 errors; normal interval (delta method for
        ``scale="mean"``).
      * ``bootstrap``: ``n_boot`` resamples within each arm (seeded by
        ``random_state``), percentile interval of the same statistic.
      * ``permutation``: ``n_perm`` random re-labellings of the arms (valid
        when the arms were assigned independently of the outcome, as by
        alternation or randomisation); two-sided p-value
        :math:`(1 + \\#\\{|s^*| \\ge |s|\\}) / (1 + B)`. No interval.

    Parameters
    ----------
    posts : pandas.DataFrame
        Canonical posts with the arm column.
    treatment, control : str
        Arm labels (e.g. ``"format:court_sous_titre"``, ``"format:classique"``).
    outcome : str, default "views"
    denominator : str, optional
        Makes the value a rate (``"views"`` for a completion rate,
        ``"reach"`` for views per reach). Posts with a missing outcome or a
        missing/zero denominator are excluded and counted (``n_excluded``).
    arm : str, default "label"
    scale : {"log", "mean"}, default "log"
    covariates : sequence of str, default ()
        Control columns (numeric as is, others as dummies), e.g. ``"topic"``.
    n_boot, n_perm : int, default 1999
    alpha : float, default 0.05
    random_state : int or numpy Generator, optional

    Returns
    -------
    pandas.DataFrame
        One row per method: ``method``, ``estimate`` (relative lift,
        unitless), ``ci_low``, ``ci_high``, ``p_value``, ``difference`` (on
        the analysis scale) and ``hedges_g``, ``n_treatment``, ``n_control``,
        ``n_excluded``, ``outcome``, ``scale``.
    """
    rng = np.random.default_rng(random_state)
    sub, val, is_t, n_excl = _arm_values(posts, arm, treatment, control, outcome, denominator, scale)
    nt, nc = int(is_t.sum()), int((~is_t).sum())
    if nt < 2 or nc < 2:
        raise EngagementError(
            f"compare_arms: need at least 2 posts per arm, found {nt} ({treatment}) and {nc} ({control})"
        )
    Z = _covariates(sub, covariates)
    z = stats.norm.ppf(1 - alpha / 2)
    to_rel = np.expm1 if scale == "log" else (lambda v: v)
    with threadpool_limits(limits=1, user_api="blas"):
        est, se = _arm_effect(val, is_t, Z, scale)
        s_obs = _stat(val, is_t, Z, scale)
        idx_t, idx_c = np.flatnonzero(is_t), np.flatnonzero(~is_t)
        boots = np.empty(n_boot)
        for i in range(n_boot):
            take = np.concatenate([rng.choice(idx_t, nt), rng.choice(idx_c, nc)])
            boots[i] = _stat(val[take], is_t[take], Z[take] if Z.size else Z, scale)
        perms = np.empty(n_perm)
        for i in range(n_perm):
            perms[i] = _stat(val, rng.permutation(is_t), Z, scale)
    centre = 0.0
    p_perm = (1 + np.sum(np.abs(perms - centre) >= abs(s_obs - centre) - 1e-12)) / (1 + n_perm)
    diff = val[is_t].mean() - val[~is_t].mean()
    sd = np.sqrt(((nt - 1) * val[is_t].var(ddof=1) + (nc - 1) * val[~is_t].var(ddof=1)) / (nt + nc - 2))
    g = diff / sd * (1 - 3 / (4 * (nt + nc) - 9)) if sd > 0 else np.nan
    lo_b, hi_b = np.quantile(boots, [alpha / 2, 1 - alpha / 2])
    common = {
        "difference": diff, "hedges_g": g, "n_treatment": nt, "n_control": nc,
        "n_excluded": n_excl, "outcome": outcome + (f" / {denominator}" if denominator else ""),
        "scale": scale,
    }
    rows = [
        {"method": "regression", "estimate": float(to_rel(est)),
         "ci_low": float(to_rel(est - z * se)), "ci_high": float(to_rel(est + z * se)),
         "p_value": float(2 * stats.norm.sf(abs(est / se))) if se > 0 else np.nan, **common},
        {"method": "bootstrap", "estimate": float(to_rel(s_obs)), "ci_low": float(to_rel(lo_b)),
         "ci_high": float(to_rel(hi_b)),
         "p_value": float(min(1.0, 2 * min(np.mean(boots <= 0), np.mean(boots >= 0)))), **common},
        {"method": "permutation", "estimate": float(to_rel(s_obs)), "ci_low": np.nan,
         "ci_high": np.nan, "p_value": float(p_perm), **common},
    ]
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- change point
class ChangePointScan:
    """Search an unknown break date: sup-F scan with a block-bootstrap p-value.

    For every candidate date :math:`\\tau` (observed dates, trimming
    ``trim`` of the series at each end), the segmented model of
    :class:`InterruptedTimeSeries` with the event at :math:`\\tau` is compared
    to the no-break model (trend + seasonality) by
    :math:`F(\\tau) = \\frac{(SSR_0 - SSR_\\tau)/k}{SSR_\\tau/(T - p)}`
    (:math:`k` = 1 or 2 break terms). The estimate is
    :math:`\\hat\\tau = \\arg\\max F(\\tau)` (least-squares break date) and the
    statistic :math:`\\sup_\\tau F(\\tau)` (Andrews 1993). Its null
    distribution is not an F: the p-value comes from a moving-block bootstrap
    of the no-break model's residuals (block length :math:`\\lceil T^{1/3}
    \\rceil` by default), which keeps the short-range autocorrelation; each
    bootstrap series is scanned the same way. Computation uses the
    Frisch–Waugh–Lovell theorem, so a scan costs one small projection per
    candidate.

    Parameters
    ----------
    x, y : str, default "date", "value"
    transform : {None, "log", "log1p"}, default None
    trend : bool, default True
    slope_change : bool, default True
        Break in slope as well as level (k = 2); False scans for a level shift.
    seasonality : {"auto", "weekday", "month", None}, default "auto"
    trim : float, default 0.1
        Share of the observations excluded at each end (a break needs data on
        both sides).
    n_boot : int, default 499
    block : int, optional
        Bootstrap block length (observations).
    alpha : float, default 0.05
    random_state : int or numpy Generator, optional

    Attributes
    ----------
    date_ : pandas.Timestamp
        Estimated break date (first "after" period).
    statistic_ : float
        sup-F.
    p_value_ : float
    status_ : str
        ``"change point detected"`` or ``"no detectable change point"``.
    profile_ : pandas.DataFrame
        ``date``, ``f_stat`` for every candidate (for plotting).
    effects_ : pandas.DataFrame
        :class:`InterruptedTimeSeries` effects at ``date_`` (their intervals
        ignore that the date was searched for: read them as descriptive).
    """

    def __init__(
        self,
        *,
        x: str = "date",
        y: str = "value",
        transform: str | None = None,
        trend: bool = True,
        slope_change: bool = True,
        seasonality="auto",
        trim: float = 0.1,
        n_boot: int = 499,
        block: int | None = None,
        alpha: float = 0.05,
        random_state=None,
    ):
        self.x = x
        self.y = y
        self.transform = transform
        self.trend = trend
        self.slope_change = slope_change
        self.seasonality = seasonality
        self.trim = trim
        self.n_boot = n_boot
        self.block = block
        self.alpha = alpha
        self.random_state = random_state

    def fit(self, data):
        """Scan the candidate dates and bootstrap the sup-F; returns ``self``."""
        if not 0 < self.trim < 0.5:
            raise ValueError(f"trim={self.trim!r}: expected a share in (0, 0.5)")
        frame = _prepare_series(data, self.x, self.y)
        T = len(frame)
        if T < 20:
            raise EngagementError(f"change-point scan: need at least 20 observations, found {T}")
        y = _transform(frame["value"].to_numpy(float), self.transform)
        t = ((frame["date"] - frame["date"].iloc[0]) / pd.Timedelta(days=1)).to_numpy(float)
        X0 = _base_design(
            frame["date"], t, trend=self.trend,
            seasonality=_auto_seasonality(frame["date"], self.seasonality),
        ).to_numpy()
        lo, hi = int(np.ceil(self.trim * T)), int(np.floor((1 - self.trim) * T))
        cand = np.arange(max(lo, 2), min(hi, T - 2) + 1)
        k = 2 if self.slope_change else 1
        # break regressors for all candidates, residualised on the base design (FWL)
        D = (np.arange(T)[:, None] >= cand[None, :]).astype(float)  # T x C
        blocks = [D] + ([D * (t[:, None] - t[cand][None, :])] if self.slope_change else [])
        with threadpool_limits(limits=1, user_api="blas"):
            Q0, _ = np.linalg.qr(X0)
            R = [B - Q0 @ (Q0.T @ B) for B in blocks]  # each T x C
            # per-candidate 2x2 (or 1x1) Gram matrices, inverted once
            G = np.empty((len(cand), k, k))
            for i in range(k):
                for j in range(k):
                    G[:, i, j] = np.einsum("tc,tc->c", R[i], R[j])
            det_ok = np.linalg.det(G) > 1e-10 * np.maximum(G[:, 0, 0], 1e-300) ** k
            Ginv = np.zeros_like(G)
            Ginv[det_ok] = np.linalg.inv(G[det_ok])
            p = X0.shape[1] + k

            def scan(yv):
                r0 = yv - Q0 @ (Q0.T @ yv)
                ssr0 = float(r0 @ r0)
                u = np.stack([Rb.T @ r0 for Rb in R], axis=1)  # C x k
                gain = np.einsum("ci,cij,cj->c", u, Ginv, u)
                ssr = np.maximum(ssr0 - gain, 1e-300)
                return ((ssr0 - ssr) / k) / (ssr / (T - p))

            f_obs = scan(y)
            f_obs[~det_ok] = -np.inf
            best = int(np.argmax(f_obs))
            sup = float(f_obs[best])
            # block bootstrap of the no-break residuals
            rng = np.random.default_rng(self.random_state)
            fitted0 = y - (y - Q0 @ (Q0.T @ y))
            resid0 = y - fitted0
            L = self.block or int(np.ceil(T ** (1 / 3)))
            n_blocks = int(np.ceil(T / L))
            sups = np.empty(self.n_boot)
            for b in range(self.n_boot):
                starts = rng.integers(0, T - L + 1, n_blocks)
                e = np.concatenate([resid0[s : s + L] for s in starts])[:T]
                fb = scan(fitted0 + e - e.mean())
                fb[~det_ok] = -np.inf
                sups[b] = fb.max()
        self.statistic_ = sup
        self.p_value_ = float((1 + np.sum(sups >= sup)) / (1 + self.n_boot))
        self.date_ = frame["date"].iloc[cand[best]]
        self.status_ = (
            "change point detected" if self.p_value_ < self.alpha else "no detectable change point"
        )
        self.profile_ = pd.DataFrame({"date": frame["date"].iloc[cand].to_numpy(), "f_stat": f_obs})
        self.block_ = L
        its = InterruptedTimeSeries(
            event=self.date_, transform=self.transform, trend=self.trend,
            slope_change=self.slope_change, seasonality=self.seasonality, alpha=self.alpha,
        ).fit(frame)
        self.effects_ = its.effects_
        return self


# --------------------------------------------------------------------------- plots
def plot_interrupted_time_series(*args, **kwargs):
    """Observed series, fit and counterfactual; see :mod:`._plots_events`."""
    from ._plots_events import plot_interrupted_time_series as _plot

    return _plot(*args, **kwargs)


def plot_arms(*args, **kwargs):
    """Per-post values of the two arms with the lift; see :mod:`._plots_events`."""
    from ._plots_events import plot_arms as _plot

    return _plot(*args, **kwargs)


def plot_change_point_scan(*args, **kwargs):
    """F statistic across candidate dates; see :mod:`._plots_events`."""
    from ._plots_events import plot_change_point_scan as _plot

    return _plot(*args, **kwargs)
