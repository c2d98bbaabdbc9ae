"""Association between two categorical columns: cross-tabulation, chi-square, Cramér's V.

Used to ask whether engagement clusters go with media types or topics
(:mod:`engagement_lib.analysis.clusters` re-exports these functions).

Formulas
--------
* Pearson's chi-square ``X² = Σ (O - E)² / E`` with ``E = row total × column
  total / n``, on ``(r - 1)(c - 1)`` degrees of freedom, no continuity
  correction (Agresti 2013, §3.2).
* Cramér's V ``= sqrt(X² / (n · (min(r, c) - 1)))``, in [0, 1] (Cramér 1946,
  §21.9); optionally the bias-corrected V of Bergsma (2013). Rough reading
  (Cohen 1988, for min(r, c) - 1 = 1): 0.1 small, 0.3 medium, 0.5 large.
* Adjusted standardised residuals ``(O - E) / sqrt(E (1 - row share)(1 - column
  share))``, approximately N(0, 1) under independence: above +2 a cell is
  over-represented, below -2 under-represented (Agresti 2013, §2.4.5).
* Interval of V: percentile bootstrap (Efron & Tibshirani 1993) resampling the
  *n* posts with replacement; drawing a multinomial table with the observed
  cell shares is the same distribution, and is what is done (fast at any n).

References
----------
Agresti, A. (2013). *Categorical Data Analysis*, 3rd ed. Wiley.
Bergsma, W. (2013). A bias-correction for Cramér's V and Tschuprow's T.
*J. Korean Stat. Soc.* 42(3), 323-328.
Cramér, H. (1946). *Mathematical Methods of Statistics*. Princeton University Press.
Efron, B. & Tibshirani, R. (1993). *An Introduction to the Bootstrap*. Chapman & Hall.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from ..errors import EngagementError

__all__ = ["Association", "association", "association_by", "cramers_v"]


def cramers_v(table, *, bias_corrected: bool = False) -> float:
    """Cramér's V of a contingency table (rows/columns with no count are dropped).

    Returns NaN when fewer than two non-empty rows or columns remain.
    """
    t = np.asarray(table, dtype=float)
    t = t[t.sum(axis=1) > 0][:, t.sum(axis=0) > 0]
    r, c = t.shape
    n = t.sum()
    if r < 2 or c < 2 or n == 0:
        return np.nan
    expected = np.outer(t.sum(axis=1), t.sum(axis=0)) / n
    chi2 = float(((t - expected) ** 2 / expected).sum())
    if not bias_corrected:
        return float(np.sqrt(chi2 / (n * (min(r, c) - 1))))
    if n <= 1:
        return np.nan
    phi2 = max(0.0, chi2 / n - (r - 1) * (c - 1) / (n - 1))
    r_t = r - (r - 1) ** 2 / (n - 1)
    c_t = c - (c - 1) ** 2 / (n - 1)
    denom = min(r_t - 1, c_t - 1)
    return float(np.sqrt(phi2 / denom)) if denom > 0 else np.nan


@dataclass(frozen=True)
class Association:
    """Result of :func:`association` (see the module docstring for the formulas).

    Attributes
    ----------
    row, col : str
        The two columns crossed.
    table : DataFrame
        Counts (rows: ``row`` values, columns: ``col`` values).
    expected : DataFrame
        Counts expected under independence.
    residuals : DataFrame
        Adjusted standardised residuals.
    chi2, p_value : float
    dof : int
    cramers_v, ci_low, ci_high : float
        V and its percentile bootstrap interval.
    n : int
        Posts in the table (rows with a missing value in either column excluded).
    n_excluded : int
        Posts left out because ``row`` or ``col`` was missing.
    min_expected : float
        Smallest expected count (below 5 the chi-square p-value is approximate).
    confidence : float
    bias_corrected : bool
    """

    row: str
    col: str
    table: pd.DataFrame
    expected: pd.DataFrame
    residuals: pd.DataFrame
    chi2: float
    dof: int
    p_value: float
    cramers_v: float
    ci_low: float
    ci_high: float
    n: int
    n_excluded: int
    min_expected: float
    confidence: float
    bias_corrected: bool

    def shares(self, normalize="index") -> pd.DataFrame:
        """Row (``"index"``) or column (``"columns"``) shares of the table."""
        if normalize == "index":
            return self.table.div(self.table.sum(axis=1), axis=0)
        if normalize == "columns":
            return self.table.div(self.table.sum(axis=0), axis=1)
        raise ValueError(f"normalize={normalize!r}; expected 'index' or 'columns'")

    def to_frame(self) -> pd.DataFrame:
        """One-row summary: n, chi2, dof, p_value, cramers_v, ci_low, ci_high, min_expected."""
        return pd.DataFrame(
            [
                {
                    "row": self.row,
                    "col": self.col,
                    "n": self.n,
                    "n_excluded": self.n_excluded,
                    "chi2": self.chi2,
                    "dof": self.dof,
                    "p_value": self.p_value,
                    "cramers_v": self.cramers_v,
                    "ci_low": self.ci_low,
                    "ci_high": self.ci_high,
                    "min_expected": self.min_expected,
                }
            ]
        )


def _labels(data: pd.DataFrame, column: str) -> pd.Series:
    if column not in data.columns:
        raise EngagementError(
            f"association: missing column {column!r}; found {', '.join(map(str, data.columns))}"
        )
    return data[column]


def association(
    data: pd.DataFrame,
    row: str,
    col: str,
    *,
    n_boot: int = 1000,
    confidence: float = 0.95,
    bias_corrected: bool = False,
    random_state=None,
) -> Association:
    """Cross-tabulate two categorical columns; chi-square test and Cramér's V with an interval.

    Parameters
    ----------
    data : DataFrame
        One row per post.
    row, col : str
        Columns to cross (e.g. ``"cluster"`` and ``"media_type"``).
    n_boot : int, default 1000
        Bootstrap replicates for the interval of V (0 = no interval).
    confidence : float, default 0.95
    bias_corrected : bool, default False
        Report Bergsma's (2013) bias-corrected V instead of the classic one.
    random_state : int or None
        Seed of the bootstrap (``numpy.random.default_rng``).

    Returns
    -------
    Association

    Raises
    ------
    EngagementError
        If a column is missing or fewer than two categories are observed in one of them.
    """
    a, b = _labels(data, row), _labels(data, col)
    keep = a.notna() & b.notna()
    table = pd.crosstab(a[keep], b[keep])
    if table.shape[0] < 2 or table.shape[1] < 2:
        raise EngagementError(
            f"association: need at least two observed values in {row!r} and in {col!r}; "
            f"found {table.shape[0]} and {table.shape[1]}"
        )
    counts = table.to_numpy(dtype=float)
    n = int(counts.sum())
    chi2, p, dof, expected = stats.chi2_contingency(counts, correction=False)
    row_share = counts.sum(axis=1, keepdims=True) / n
    col_share = counts.sum(axis=0, keepdims=True) / n
    resid = (counts - expected) / np.sqrt(expected * (1 - row_share) * (1 - col_share))
    v = cramers_v(counts, bias_corrected=bias_corrected)
    lo = hi = np.nan
    if n_boot:
        rng = np.random.default_rng(random_state)
        draws = rng.multinomial(n, (counts / n).ravel(), size=n_boot).reshape(
            n_boot, *counts.shape
        )
        boot = np.array([cramers_v(t, bias_corrected=bias_corrected) for t in draws])
        alpha = (1 - confidence) / 2
        lo, hi = np.nanquantile(boot, [alpha, 1 - alpha])
    like = dict(index=table.index, columns=table.columns)
    return Association(
        row=row,
        col=col,
        table=table,
        expected=pd.DataFrame(expected, **like),
        residuals=pd.DataFrame(resid, **like),
        chi2=float(chi2),
        dof=int(dof),
        p_value=float(p),
        cramers_v=v,
        ci_low=float(lo),
        ci_high=float(hi),
        n=n,
        n_excluded=int((~keep).sum()),
        min_expected=float(expected.min()),
        confidence=confidence,
        bias_corrected=bias_corrected,
    )


def association_by(
    data: pd.DataFrame, row: str, col: str, *, by: str = "network", **kwargs
) -> pd.DataFrame:
    """:func:`association` within each value of ``by`` (default: per network), as a tidy frame.

    Groups where one of the columns has fewer than two observed values get a
    row with NaN statistics and ``status`` saying why (nothing dropped silently).

    Returns
    -------
    DataFrame
        One row per value of ``by``: the columns of :meth:`Association.to_frame`
        plus ``by`` and ``status``.
    """
    _labels(data, by)
    rows = []
    for value, sub in data.groupby(by, observed=True, sort=True):
        try:
            frame = association(sub, row, col, **kwargs).to_frame()
            frame["status"] = "ok"
        except EngagementError as exc:
            frame = pd.DataFrame([{"row": row, "col": col, "n": len(sub), "status": str(exc)}])
        frame.insert(0, by, value)
        rows.append(frame)
    return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()
