"""Community-manager responsiveness: how often, and how fast, citizens get an answer.

"Le community manager est le standardiste du XXIe siècle" — *La Gazette des
communes*, 4 March 2019. The article credits short validation circuits for a
reactive community manager, and Romans-sur-Isère's whole communication
service for being "autonomous and reactive"; the Grand Est answers with a
2.5-FTE team. This module measures that from the canonical
``conversations`` table (one row per inbound comment or message, with the
time of the first reply, if any).

Definitions (for a group of received conversations)
---------------------------------------------------
* **delay** ``d = replied_at − received_at`` in hours (missing: never answered).
* **response rate** ``= answered / received`` (%; Fanpage Karma's "response
  rate", Sprout Social Index). Wilson interval.
* **median response time** ``= median(d)`` over answered conversations
  (hours; Sprout Social Index). Seeded percentile-bootstrap interval.
* **share answered within h hours** ``= #{d < h} / received`` (%; h = 2, 8, 24).
  Wilson interval. Bins ``0–2 h``, ``2–8 h``, ``8–24 h``, ``> 24 h``,
  ``never`` (Fanpage Karma) partition the received conversations.
* **office-hours delay**: the part of ``d`` that falls inside office hours
  (:class:`OfficeHours`, Europe/Paris wall clock), i.e. the delay a team
  "sees" when nights and weekends do not count.

Conversations received too close to the end of the observation window
cannot be judged (their answer may come after the export): those received
within ``grace`` of ``observed_until`` are left out of every indicator, and
counted in the ``n_too_recent`` column. Dropping *all* recent conversations
(answered or not) keeps the estimates unbiased; dropping only the unanswered
ones would inflate the response rate.

Figures (labels in French or English with ``lang=``): :func:`plot_response_bins`,
:func:`plot_response_profile`, :func:`plot_office_hours_effect`.

The formulas are those of the indicator catalog (``response_rate``,
``median_response_time``, ``response_within_24h`` and the Fanpage Karma bins
of :mod:`engagement_lib.indicators`); this module adds intervals, the
office-hours clock and the "too recent to judge" rule.

All times are analysed in Europe/Paris local time (DST-safe: timestamps are
stored in UTC and converted, never shifted by a fixed offset).

References
----------
* Sprout Social Index (2013, 2015, Q3 2017): response rate and response time;
  government among the least responsive industries.
* Fanpage Karma response-time bins 0–2 h, 2–8 h, 8–24 h, > 24 h.
* Wilson (1927); Newcombe (1998) for the difference of two proportions.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import SchemaError
from ._intervals import (
    bootstrap_replicates,
    check_ci,
    newcombe_diff,
    percentile,
    rng_from,
    wilson,
)
from ._plots_compare import plot_office_hours_effect, plot_response_bins, plot_response_profile

__all__ = [
    "TZ",
    "DELAY_BINS",
    "OfficeHours",
    "french_public_holidays",
    "with_delays",
    "response_summary",
    "response_bins",
    "response_profile",
    "office_hours_effect",
    "compare_responsiveness",
    # figures (engagement_lib.analysis._plots_compare)
    "plot_response_bins",
    "plot_response_profile",
    "plot_office_hours_effect",
]

#: Local timezone of the analyses.
TZ = "Europe/Paris"

#: Default bin edges (hours) of the reply delay, as Fanpage Karma's.
DELAY_BINS = (2.0, 8.0, 24.0)

_ENTITY = ("collectivite", "account", "network")


def french_public_holidays(years: Sequence[int]) -> list[pd.Timestamp]:
    """Public holidays of metropolitan France (Code du travail art. L3133-1).

    1 January, Easter Monday, 1 May, 8 May, Ascension (Easter + 39 days),
    Whit Monday (Easter + 50 days), 14 July, 15 August, 1 November,
    11 November, 25 December. (Alsace-Moselle's Good Friday and 26 December
    are not included.)
    """
    from dateutil.easter import easter

    out = []
    for y in sorted(set(int(y) for y in years)):
        e = pd.Timestamp(easter(y))
        fixed = [(1, 1), (5, 1), (5, 8), (7, 14), (8, 15), (11, 1), (11, 11), (12, 25)]
        out += [pd.Timestamp(y, m, d) for m, d in fixed]
        out += [e + pd.Timedelta(days=k) for k in (1, 39, 50)]
    return sorted(out)


def _hours(value) -> float:
    if isinstance(value, str):
        hh, _, mm = value.partition(":")
        return int(hh) + (int(mm) if mm else 0) / 60
    return float(value)


@dataclass(frozen=True)
class OfficeHours:
    """Opening hours of the team answering, in Europe/Paris wall-clock time.

    Parameters
    ----------
    start, end : float or "HH:MM"
        Daily opening and closing time (default 09:00–18:00).
    weekdays : tuple of int
        Open days, Monday = 0 (default Monday–Friday).
    holidays : bool
        Whether French public holidays are closed (:func:`french_public_holidays`).
    """

    start: float | str = 9.0
    end: float | str = 18.0
    weekdays: tuple[int, ...] = (0, 1, 2, 3, 4)
    holidays: bool = True

    def __post_init__(self):
        s, e = _hours(self.start), _hours(self.end)
        if not 0 <= s < e <= 24:
            raise ValueError(f"office hours need 0 <= start < end <= 24; got {self.start!r}–{self.end!r}")
        if not set(self.weekdays) <= set(range(7)) or not self.weekdays:
            raise ValueError(f"weekdays must be a non-empty subset of 0..6; got {self.weekdays!r}")

    @property
    def hours_per_day(self) -> float:
        """Open hours per open day."""
        return _hours(self.end) - _hours(self.start)

    def is_open(self, local: pd.Series) -> pd.Series:
        """Whether each local timestamp falls inside office hours."""
        open_day = self._open_days(local.dt.normalize())
        tod = local.dt.hour + local.dt.minute / 60 + local.dt.second / 3600
        return pd.Series(
            open_day & (tod >= _hours(self.start)).to_numpy() & (tod < _hours(self.end)).to_numpy(),
            index=local.index,
        )

    def _open_days(self, days: pd.Series) -> np.ndarray:
        days = days.dt.tz_localize(None) if days.dt.tz is not None else days
        ok = days.dt.day_of_week.isin(self.weekdays).to_numpy(copy=True)
        if self.holidays and len(days.dropna()):
            years = range(days.min().year, days.max().year + 1)
            ok &= ~days.isin(french_public_holidays(years)).to_numpy()
        return ok

    def working_hours_between(self, start_local: pd.Series, end_local: pd.Series) -> pd.Series:
        """Office hours elapsed between two local timestamps (NaN where ``end`` is missing)."""
        s = start_local.dt.tz_localize(None)
        e = end_local.dt.tz_localize(None)
        both = pd.concat([s, e]).dropna()
        out = pd.Series(np.nan, index=start_local.index)
        if both.empty:
            return out
        first = both.min().normalize()
        days = pd.Series(pd.date_range(first, both.max().normalize() + pd.Timedelta(days=1)))
        open_ = self._open_days(days).astype(float)
        cum = np.concatenate([[0.0], np.cumsum(open_)])  # open days strictly before day k
        length, h0 = self.hours_per_day, _hours(self.start)

        def clock(ts: pd.Series) -> np.ndarray:
            k = ((ts.dt.normalize() - first) / pd.Timedelta(days=1)).to_numpy()
            valid = ~np.isnan(k)
            ki = np.where(valid, k, 0).astype(int)
            tod = (ts - ts.dt.normalize()) / pd.Timedelta(hours=1)
            part = np.clip(tod.to_numpy(dtype=float) - h0, 0, length)
            w = cum[ki] * length + open_[ki] * part
            return np.where(valid, w, np.nan)

        out[:] = clock(e) - clock(s)
        return out


def _check(conversations: pd.DataFrame, needed) -> None:
    missing = [c for c in needed if c not in conversations.columns]
    if missing:
        raise SchemaError(
            f"conversations: missing column(s) {', '.join(map(repr, missing))}; "
            f"found {', '.join(map(str, conversations.columns)) or '(none)'}"
        )
    for col in ("received_at", "replied_at"):
        if col in conversations.columns and not isinstance(
            conversations[col].dtype, pd.DatetimeTZDtype
        ):
            raise SchemaError(
                f"conversations: column {col!r} must hold tz-aware timestamps (UTC); "
                f"found dtype {conversations[col].dtype} — validate the table first "
                "(engagement_lib.validate(df, 'conversations'))"
            )


def _bin_labels(bins: Sequence[float]) -> list[str]:
    edges = [0.0, *map(float, bins)]
    fmt = lambda h: f"{h:g}"  # noqa: E731
    labels = [f"{fmt(a)}\u2013{fmt(b)} h" for a, b in zip(edges[:-1], edges[1:])]
    return [*labels, f"> {fmt(edges[-1])} h", "never"]


def with_delays(
    conversations: pd.DataFrame,
    *,
    office_hours: OfficeHours | Mapping[str, OfficeHours] | None = None,
    bins: Sequence[float] = DELAY_BINS,
) -> pd.DataFrame:
    """Annotate each conversation with its reply delay, bin and local time.

    Added columns: ``answered`` (bool), ``delay_hours`` (float, NaN when never
    answered), ``delay_bin`` (ordered categorical: ``"0–2 h"``, ``"2–8 h"``,
    ``"8–24 h"``, ``"> 24 h"``, ``"never"`` with the default ``bins``),
    ``received_local`` (Europe/Paris), ``hour`` (0–23), ``weekday``
    (0 = Monday), ``in_office_hours`` (bool) and ``office_delay_hours`` (the
    office hours elapsed before the reply).

    Parameters
    ----------
    conversations : pandas.DataFrame
        Canonical ``conversations`` table (tz-aware ``received_at``,
        ``replied_at``). It is not modified.
    office_hours : OfficeHours or mapping, optional
        Default :class:`OfficeHours()` (Monday–Friday 09:00–18:00, French
        public holidays closed). A mapping ``{collectivité id: OfficeHours}``
        gives each team its own hours (key ``"*"``: the default for the others).
    bins : sequence of float
        Increasing upper bin edges in hours.
    """
    _check(conversations, ["received_at", "replied_at"])
    bins = [float(b) for b in bins]
    if any(b <= a for a, b in zip([0.0, *bins[:-1]], bins)):
        raise ValueError(f"bins must be increasing positive hours; got {bins!r}")
    out = conversations.copy()
    delay = (out["replied_at"] - out["received_at"]) / pd.Timedelta(hours=1)
    delay = delay.astype("float")
    if (delay < 0).any():
        bad = out.index[delay < 0][:5]
        raise SchemaError(
            "conversations: replied_at earlier than received_at in row(s) "
            + ", ".join(map(str, bad))
        )
    labels = _bin_labels(bins)
    codes = np.searchsorted(np.asarray(bins), delay.fillna(0).to_numpy(), side="right")
    codes = np.where(delay.isna().to_numpy(), len(bins) + 1, codes)
    local = out["received_at"].dt.tz_convert(TZ)
    replied_local = out["replied_at"].dt.tz_convert(TZ)
    out["answered"] = delay.notna().to_numpy()
    out["delay_hours"] = delay
    out["delay_bin"] = pd.Categorical.from_codes(codes, categories=labels, ordered=True)
    out["received_local"] = local
    out["hour"] = local.dt.hour.astype("int64")
    out["weekday"] = local.dt.day_of_week.astype("int64")
    in_office = np.zeros(len(out), dtype=bool)
    office_delay = np.full(len(out), np.nan)
    for oh, rows in _office_hours_of(out, office_hours):
        in_office[rows] = oh.is_open(local.iloc[rows]).to_numpy()
        office_delay[rows] = oh.working_hours_between(local.iloc[rows],
                                                      replied_local.iloc[rows]).to_numpy()
    out["in_office_hours"] = in_office
    out["office_delay_hours"] = office_delay
    return out


def _office_hours_of(df: pd.DataFrame, office_hours):
    """Yield (OfficeHours, positional rows) pairs: one team's hours per collectivité."""
    if office_hours is None or isinstance(office_hours, OfficeHours):
        yield office_hours or OfficeHours(), np.arange(len(df))
        return
    if not isinstance(office_hours, Mapping):
        raise TypeError(
            "office_hours must be an OfficeHours or a mapping collectivité id → OfficeHours; "
            f"got {type(office_hours).__name__}"
        )
    if "collectivite" not in df.columns:
        raise SchemaError("conversations: per-collectivité office hours need a 'collectivite' column")
    coll = df["collectivite"].astype("str").to_numpy()
    default = office_hours.get("*", OfficeHours())
    for cid in np.unique(coll):
        oh = office_hours.get(cid, default)
        if not isinstance(oh, OfficeHours):
            raise TypeError(f"office_hours[{cid!r}] must be an OfficeHours; got {type(oh).__name__}")
        yield oh, np.flatnonzero(coll == cid)


def _judgeable(df: pd.DataFrame, observed_until, grace) -> pd.Series:
    if grace is None:
        return pd.Series(True, index=df.index)
    if observed_until is None:
        observed_until = pd.concat([df["received_at"], df["replied_at"]]).max()
    else:
        observed_until = pd.Timestamp(observed_until)
        if observed_until.tz is None:
            observed_until = observed_until.tz_localize("UTC")
    return df["received_at"] <= observed_until - pd.Timedelta(grace)


def _prepared(conversations, office_hours, bins, observed_until, grace):
    df = with_delays(conversations, office_hours=office_hours, bins=bins)
    return df.assign(_judge=_judgeable(df, observed_until, grace).to_numpy())


def _median_ci(values: np.ndarray, *, ci, n_boot, rng) -> tuple[float, float, float]:
    values = values[np.isfinite(values)]
    if len(values) == 0:
        return np.nan, np.nan, np.nan
    reps = bootstrap_replicates(values, lambda x: np.median(x, axis=1), n_boot=n_boot, rng=rng)
    lo, hi = percentile(reps, ci) if len(values) > 1 else (np.nan, np.nan)
    return float(np.median(values)), lo, hi


def _groups(df: pd.DataFrame, by: list[str]):
    if not by:
        yield {}, df
        return
    for key, g in df.groupby(by, observed=True, sort=True):
        key = key if isinstance(key, tuple) else (key,)
        yield dict(zip(by, key)), g


def _as_list(value) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def response_summary(
    conversations: pd.DataFrame,
    *,
    by: str | Sequence[str] | None = _ENTITY,
    within_hours: Sequence[float] = (2.0, 8.0, 24.0),
    office_hours: OfficeHours | Mapping[str, OfficeHours] | None = None,
    observed_until=None,
    grace: str | pd.Timedelta | None = "7D",
    min_n: int = 20,
    ci: float = 0.95,
    n_boot: int = 2000,
    random_state=None,
) -> pd.DataFrame:
    """Response rate, median response time and shares answered within h hours.

    See the module docstring for the definitions. One row per group and
    indicator, in the long layout of the indicator results
    (``indicator``, ``value``, ``unit``, ``n``, ``ci_low``, ``ci_high``,
    ``status``):

    * ``response_rate`` (%), Wilson interval, ``n`` = conversations judged;
    * ``never_answered`` (%) = 100 − response rate, Wilson interval;
    * ``median_response_time`` (hours) over answered conversations,
      percentile bootstrap, ``n`` = answered;
    * ``median_office_response_time`` (office hours elapsed, same interval);
    * ``response_within_<h>h`` (% of judged conversations answered in < h hours).

    Parameters
    ----------
    conversations : pandas.DataFrame
        Canonical ``conversations`` table.
    by : str, list of str or None
        Grouping columns (default: per account).
    within_hours : sequence of float
        Horizons of the ``response_within_<h>h`` indicators.
    office_hours : OfficeHours, optional
        For the office-hours delay.
    observed_until : timestamp, optional
        End of the observation window (default: latest timestamp in the table).
    grace : str or Timedelta or None
        Conversations received within ``grace`` of ``observed_until`` are too
        recent to judge and left out (``None`` keeps all).
    min_n : int
        Below this many judged conversations the status says "small sample".
    ci : float
    n_boot : int
    random_state : int, numpy.random.Generator or None

    Returns
    -------
    pandas.DataFrame
        ``by…``, ``indicator``, ``value``, ``unit``, ``n``, ``ci_low``,
        ``ci_high``, ``n_too_recent``, ``status``.
    """
    by = _as_list(by)
    ci = check_ci(ci)
    rng = rng_from(random_state)
    df = _prepared(conversations, office_hours, DELAY_BINS, observed_until, grace)
    rows = []
    for key, g in _groups(df, by):
        judged = g[g["_judge"]]
        n, k = len(judged), int(judged["answered"].sum())
        recent = len(g) - n
        status = "ok" if n >= min_n else f"small sample (< {min_n} conversations)"
        if n == 0:
            status = "no conversation old enough to judge"

        def add(ind, value, unit, nn, lo, hi, st=status, key=key, recent=recent):
            rows.append({**key, "indicator": ind, "value": value, "unit": unit, "n": nn,
                         "ci_low": lo, "ci_high": hi, "n_too_recent": recent, "status": st})

        lo, hi = wilson(k, n, ci)
        add("response_rate", 100 * k / n if n else np.nan, "%", n, 100 * lo, 100 * hi)
        lo, hi = wilson(n - k, n, ci)
        add("never_answered", 100 * (n - k) / n if n else np.nan, "%", n, 100 * lo, 100 * hi)
        ans = judged[judged["answered"]]
        st = status if len(ans) else "no answered conversation"
        med, lo, hi = _median_ci(ans["delay_hours"].to_numpy(float), ci=ci, n_boot=n_boot, rng=rng)
        add("median_response_time", med, "hours", len(ans), lo, hi, st)
        med, lo, hi = _median_ci(ans["office_delay_hours"].to_numpy(float), ci=ci, n_boot=n_boot,
                                 rng=rng)
        add("median_office_response_time", med, "office hours", len(ans), lo, hi, st)
        for h in within_hours:
            kk = int((judged["delay_hours"] < h).sum())
            lo, hi = wilson(kk, n, ci)
            add(f"response_within_{h:g}h", 100 * kk / n if n else np.nan, "%", n, 100 * lo, 100 * hi)
    return pd.DataFrame(rows, columns=[*by, "indicator", "value", "unit", "n", "ci_low", "ci_high",
                                       "n_too_recent", "status"])


def response_bins(
    conversations: pd.DataFrame,
    *,
    by: str | Sequence[str] | None = _ENTITY,
    bins: Sequence[float] = DELAY_BINS,
    observed_until=None,
    grace: str | pd.Timedelta | None = "7D",
    ci: float = 0.95,
) -> pd.DataFrame:
    """Distribution of conversations over reply-delay bins, with Wilson intervals.

    The bins (``0–2 h``, ``2–8 h``, ``8–24 h``, ``> 24 h``, ``never`` by
    default) partition the judged conversations: shares add up to 1 per group.

    Returns
    -------
    pandas.DataFrame
        ``by…``, ``delay_bin`` (ordered categorical), ``n``, ``n_total``,
        ``share``, ``ci_low``, ``ci_high``.
    """
    by = _as_list(by)
    ci = check_ci(ci)
    df = _prepared(conversations, None, bins, observed_until, grace)
    df = df[df["_judge"]]
    labels = list(df["delay_bin"].cat.categories)
    rows = []
    for key, g in _groups(df, by):
        counts = g["delay_bin"].value_counts().reindex(labels, fill_value=0)
        total = int(counts.sum())
        for lab, c in counts.items():
            lo, hi = wilson(c, total, ci)
            rows.append({**key, "delay_bin": lab, "n": int(c), "n_total": total,
                         "share": c / total if total else np.nan, "ci_low": lo, "ci_high": hi})
    out = pd.DataFrame(rows, columns=[*by, "delay_bin", "n", "n_total", "share", "ci_low", "ci_high"])
    out["delay_bin"] = pd.Categorical(out["delay_bin"], categories=labels, ordered=True)
    return out


def response_profile(
    conversations: pd.DataFrame,
    *,
    by: str | Sequence[str] | None = "collectivite",
    at: str = "hour",
    within: float = 2.0,
    office_hours: OfficeHours | Mapping[str, OfficeHours] | None = None,
    observed_until=None,
    grace: str | pd.Timedelta | None = "7D",
    ci: float = 0.95,
    n_boot: int = 1000,
    random_state=None,
) -> pd.DataFrame:
    """Responsiveness by hour, weekday or weekday × hour of *receipt* (Europe/Paris).

    Per slot: conversations received, response rate, share answered within
    ``within`` hours (Wilson intervals) and median delay of the answered ones
    (bootstrap interval).

    Parameters
    ----------
    at : {"hour", "weekday", "weekday_hour"}
        Slot of the local receipt time (weekday 0 = Monday).

    Returns
    -------
    pandas.DataFrame
        ``by…``, slot column(s), ``n``, ``response_rate``, ``rr_low``,
        ``rr_high``, ``within_share``, ``within_low``, ``within_high``,
        ``median_hours``, ``median_low``, ``median_high`` (rates as fractions).
    """
    slots = {"hour": ["hour"], "weekday": ["weekday"], "weekday_hour": ["weekday", "hour"]}
    if at not in slots:
        raise ValueError(f"at must be one of {', '.join(slots)}; got {at!r}")
    by = _as_list(by)
    ci = check_ci(ci)
    rng = rng_from(random_state)
    df = _prepared(conversations, office_hours, DELAY_BINS, observed_until, grace)
    df = df[df["_judge"]]
    rows = []
    for key, g in _groups(df, [*by, *slots[at]]):
        n, k = len(g), int(g["answered"].sum())
        kw = int((g["delay_hours"] < within).sum())
        rr = wilson(k, n, ci)
        ww = wilson(kw, n, ci)
        med, mlo, mhi = _median_ci(g.loc[g["answered"], "delay_hours"].to_numpy(float), ci=ci,
                                   n_boot=n_boot, rng=rng)
        rows.append({**key, "n": n, "response_rate": k / n, "rr_low": rr[0], "rr_high": rr[1],
                     "within_share": kw / n, "within_low": ww[0], "within_high": ww[1],
                     "median_hours": med, "median_low": mlo, "median_high": mhi})
    out = pd.DataFrame(rows, columns=[*by, *slots[at], "n", "response_rate", "rr_low", "rr_high",
                                      "within_share", "within_low", "within_high", "median_hours",
                                      "median_low", "median_high"])
    out.attrs["within"] = within
    return out


def office_hours_effect(
    conversations: pd.DataFrame,
    *,
    by: str | Sequence[str] | None = "collectivite",
    within: float = 2.0,
    office_hours: OfficeHours | Mapping[str, OfficeHours] | None = None,
    observed_until=None,
    grace: str | pd.Timedelta | None = "7D",
    ci: float = 0.95,
    n_boot: int = 2000,
    random_state=None,
) -> pd.DataFrame:
    """Answered faster in office hours than in the evening or at the weekend?

    Conversations are split by whether they were *received* inside
    :class:`OfficeHours`. Per group:

    * ``within_office``, ``within_outside``: share answered within ``within``
      hours; ``within_diff = office − outside`` with Newcombe's interval;
    * ``rate_office``, ``rate_outside``, ``rate_diff``: response rates, idem;
    * ``median_office``, ``median_outside`` (hours, answered only, each with
      a percentile-bootstrap interval) and ``median_ratio = outside / office``
      with a percentile-bootstrap interval (the two sides resampled
      independently). For conversations received in office hours the team is
      on duty, so ``median_office`` is the team's own reply speed, free of the
      wait for the office to open.

    Returns
    -------
    pandas.DataFrame
        One row per group with the columns above, ``n_office``,
        ``n_outside`` and ``*_low`` / ``*_high`` interval bounds.
    """
    by = _as_list(by)
    ci = check_ci(ci)
    rng = rng_from(random_state)
    df = _prepared(conversations, office_hours, DELAY_BINS, observed_until, grace)
    df = df[df["_judge"]]
    rows = []
    for key, g in _groups(df, by):
        o, x = g[g["in_office_hours"]], g[~g["in_office_hours"]]
        no, nx = len(o), len(x)
        wo, wx = int((o["delay_hours"] < within).sum()), int((x["delay_hours"] < within).sum())
        ro, rx = int(o["answered"].sum()), int(x["answered"].sum())
        wd = newcombe_diff(wo, no, wx, nx, ci)
        rd = newcombe_diff(ro, no, rx, nx, ci)
        do = o.loc[o["answered"], "delay_hours"].to_numpy(float)
        dx = x.loc[x["answered"], "delay_hours"].to_numpy(float)
        med = lambda v: np.median(v, axis=1)  # noqa: E731
        ro_ = bootstrap_replicates(do, med, n_boot=n_boot, rng=rng)
        rx_ = bootstrap_replicates(dx, med, n_boot=n_boot, rng=rng)
        olo, ohi = percentile(ro_, ci) if len(do) > 1 else (np.nan, np.nan)
        xlo, xhi = percentile(rx_, ci) if len(dx) > 1 else (np.nan, np.nan)
        if len(do) and len(dx):
            with np.errstate(divide="ignore", invalid="ignore"):
                mlo, mhi = percentile(rx_ / ro_, ci)
                ratio = float(np.median(dx) / np.median(do))
        else:
            mlo = mhi = ratio = np.nan
        rows.append({
            **key, "n_office": no, "n_outside": nx,
            "within_office": wo / no if no else np.nan, "within_outside": wx / nx if nx else np.nan,
            "within_diff": (wo / no - wx / nx) if no and nx else np.nan,
            "within_diff_low": wd[0], "within_diff_high": wd[1],
            "rate_office": ro / no if no else np.nan, "rate_outside": rx / nx if nx else np.nan,
            "rate_diff": (ro / no - rx / nx) if no and nx else np.nan,
            "rate_diff_low": rd[0], "rate_diff_high": rd[1],
            "median_office": float(np.median(do)) if len(do) else np.nan,
            "median_office_low": olo, "median_office_high": ohi,
            "median_outside": float(np.median(dx)) if len(dx) else np.nan,
            "median_outside_low": xlo, "median_outside_high": xhi,
            "median_ratio": ratio, "median_ratio_low": mlo, "median_ratio_high": mhi,
        })
    out = pd.DataFrame(rows)
    out.attrs["within"] = within
    return out


def _select(df: pd.DataFrame, filt: Mapping[str, str], side: str) -> pd.DataFrame:
    missing = [c for c in filt if c not in df.columns]
    if missing:
        raise SchemaError(f"conversations: missing column(s) {missing} used in filter {side}")
    sel = df
    for col, val in filt.items():
        sel = sel[sel[col].astype("str") == str(val)]
    if sel.empty:
        raise ValueError(f"filter {side}={dict(filt)} selects no conversation")
    return sel


def compare_responsiveness(
    conversations: pd.DataFrame,
    *,
    a: Mapping[str, str],
    b: Mapping[str, str],
    within: float = 24.0,
    observed_until=None,
    grace: str | pd.Timedelta | None = "7D",
    ci: float = 0.95,
    n_boot: int = 4000,
    random_state=None,
) -> pd.DataFrame:
    """Is team *a* faster or more responsive than team *b*?

    Three effect sizes with intervals:

    * ``median_ratio = median delay a / median delay b`` (answered
      conversations; percentile bootstrap, the sides resampled independently):
      below 1 means *a* answers faster;
    * ``rate_diff = response rate a − response rate b`` (Newcombe);
    * ``within_diff`` = difference of the shares answered within ``within`` hours
      (Newcombe).

    Parameters
    ----------
    a, b : mapping
        Column → value filters, e.g. ``{"collectivite": "romans_sur_isere"}``.

    Returns
    -------
    pandas.DataFrame
        One row per effect: ``effect``, ``value_a``, ``value_b``,
        ``estimate``, ``ci_low``, ``ci_high``, ``n_a``, ``n_b``, ``unit``.
    """
    ci = check_ci(ci)
    rng = rng_from(random_state)
    df = _prepared(conversations, None, DELAY_BINS, observed_until, grace)
    df = df[df["_judge"]]
    ga, gb = _select(df, a, "a"), _select(df, b, "b")
    da = ga.loc[ga["answered"], "delay_hours"].to_numpy(float)
    db = gb.loc[gb["answered"], "delay_hours"].to_numpy(float)
    med = lambda v: np.median(v, axis=1)  # noqa: E731
    if len(da) and len(db):
        ra = bootstrap_replicates(da, med, n_boot=n_boot, rng=rng)
        rb = bootstrap_replicates(db, med, n_boot=n_boot, rng=rng)
        with np.errstate(divide="ignore", invalid="ignore"):
            lo, hi = percentile(ra / rb, ci)
        ma, mb = float(np.median(da)), float(np.median(db))
    else:
        lo = hi = ma = mb = np.nan
    na, nb = len(ga), len(gb)
    ka, kb = int(ga["answered"].sum()), int(gb["answered"].sum())
    wa, wb = int((ga["delay_hours"] < within).sum()), int((gb["delay_hours"] < within).sum())
    rlo, rhi = newcombe_diff(ka, na, kb, nb, ci)
    wlo, whi = newcombe_diff(wa, na, wb, nb, ci)
    rows = [
        {"effect": "median_ratio", "value_a": ma, "value_b": mb,
         "estimate": ma / mb if mb else np.nan, "ci_low": lo, "ci_high": hi,
         "n_a": len(da), "n_b": len(db), "unit": "ratio of median delays (hours)"},
        {"effect": "rate_diff", "value_a": ka / na, "value_b": kb / nb,
         "estimate": ka / na - kb / nb, "ci_low": rlo, "ci_high": rhi, "n_a": na, "n_b": nb,
         "unit": "difference of response rates"},
        {"effect": f"within_{within:g}h_diff", "value_a": wa / na, "value_b": wb / nb,
         "estimate": wa / na - wb / nb, "ci_low": wlo, "ci_high": whi, "n_a": na, "n_b": nb,
         "unit": f"difference of shares answered within {within:g} h"},
    ]
    out = pd.DataFrame(rows)
    out.attrs["a"], out.attrs["b"] = dict(a), dict(b)
    return out
