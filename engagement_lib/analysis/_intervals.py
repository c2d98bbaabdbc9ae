"""Interval helpers shared by the comparison and responsiveness analyses.

Private: the public modules document, for each estimate, which interval it
uses. Proportions get Wilson intervals and differences of proportions
Newcombe's hybrid score interval (both through :mod:`statsmodels`);
everything else gets a seeded percentile bootstrap.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint

_CHUNK_CELLS = 4_000_000  # bootstrap draws per chunk (bounds memory: ~32 MB of int64)


def check_ci(ci: float) -> float:
    """Return ``ci`` if it is a level in (0, 1), else raise a ValueError."""
    if not 0 < ci < 1:
        raise ValueError(f"ci must be a confidence level in (0, 1), e.g. 0.95; got {ci!r}")
    return float(ci)


def rng_from(random_state) -> np.random.Generator:
    """A numpy Generator from ``None``, an int seed or an existing Generator."""
    if isinstance(random_state, np.random.Generator):
        return random_state
    if isinstance(random_state, np.random.RandomState):
        raise TypeError("pass an int seed or a numpy Generator, not a legacy RandomState")
    return np.random.default_rng(random_state)


def wilson(k, n, ci: float = 0.95) -> tuple[float, float]:
    """Wilson score interval of a proportion ``k / n`` (NaN, NaN when n = 0).

    Reference: Wilson (1927), *JASA* 22(158): 209–212; Brown, Cai & DasGupta
    (2001), *Statistical Science* 16(2): 101–133 (recommended for small n).
    """
    if n <= 0:
        return (np.nan, np.nan)
    low, high = proportion_confint(int(k), int(n), alpha=1 - ci, method="wilson")
    return float(low), float(high)


def newcombe_diff(k1, n1, k2, n2, ci: float = 0.95) -> tuple[float, float]:
    """Newcombe's hybrid score interval of ``k1/n1 − k2/n2``.

    Reference: Newcombe (1998), *Statistics in Medicine* 17: 873–890 (method 10).
    """
    if n1 <= 0 or n2 <= 0:
        return (np.nan, np.nan)
    low, high = confint_proportions_2indep(
        int(k1), int(n1), int(k2), int(n2), method="newcomb", compare="diff", alpha=1 - ci
    )
    return float(low), float(high)


def bootstrap_replicates(
    values: np.ndarray,
    statistic: Callable[[np.ndarray], np.ndarray],
    *,
    n_boot: int,
    rng: np.random.Generator,
) -> np.ndarray:
    """Replicates of ``statistic`` over rows of ``values`` resampled with replacement.

    ``statistic`` receives a ``(b, n, ...)`` array of resampled rows and returns
    ``b`` values (vectorised over the first axis). Work is chunked so memory
    stays bounded whatever ``n_boot × n``.
    """
    values = np.asarray(values)
    n = len(values)
    if n == 0:
        return np.full(n_boot, np.nan)
    per_chunk = max(1, _CHUNK_CELLS // max(n, 1))
    out = np.empty(n_boot)
    done = 0
    while done < n_boot:
        b = min(per_chunk, n_boot - done)
        idx = rng.integers(0, n, size=(b, n))
        out[done : done + b] = statistic(values[idx])
        done += b
    return out


def bootstrap_sums(
    table: np.ndarray, *, n_boot: int, rng: np.random.Generator
) -> np.ndarray:
    """Column sums of ``table`` (n units × k columns) over bootstrap resamples of its rows.

    Returns an ``(n_boot, k)`` array. Units (posts, or whole weeks of posts
    for a block bootstrap) are resampled with replacement; the same draws
    serve every column, so ratios of column sums stay paired.
    """
    table = np.asarray(table, dtype=float)
    n, k = table.shape
    if n == 0:
        return np.full((n_boot, k), np.nan)
    per_chunk = max(1, _CHUNK_CELLS // n)
    out = np.empty((n_boot, k))
    done = 0
    while done < n_boot:
        b = min(per_chunk, n_boot - done)
        idx = rng.integers(0, n, size=(b, n))
        for j in range(k):
            out[done : done + b, j] = table[:, j][idx].sum(axis=1)
        done += b
    return out


def percentile(replicates: np.ndarray, ci: float) -> tuple[float, float]:
    """Percentile interval of bootstrap replicates (NaN where replicates are NaN)."""
    reps = np.asarray(replicates, dtype=float)
    reps = reps[np.isfinite(reps)]
    if len(reps) == 0:
        return (np.nan, np.nan)
    alpha = 1 - ci
    low, high = np.quantile(reps, [alpha / 2, 1 - alpha / 2])
    return float(low), float(high)
