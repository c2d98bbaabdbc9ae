"""Seeded, vectorised bootstrap intervals for the rate indicators.

Units (posts, or conversations) are resampled with replacement **within
each group and period** — the multinomial bootstrap: a group of n posts gets
n draws among its own posts. For a block of ``B`` resamples the draws become
a weights matrix ``W`` (units × B, how often each unit was drawn), and every
decomposable sum of the recipes is recomputed for all resamples at once as a
sparse product ``cells × units @ (x ⊙ W)``; the recipe's own final formula
then runs on ``(groups, B)`` arrays. No Python loop over resamples.

The interval is the percentile interval of the resampled values. Follower
counts are not resampled (F is a fixed property of the period).
"""

from __future__ import annotations

import warnings
from contextlib import contextmanager

import numpy as np
from scipy import sparse

from ._blocks import ConvBlock, PostBlock
from ._recipes import needed_terms

__all__ = ["bootstrap_intervals", "multinomial_weights"]

#: Largest units × resamples block held in memory at once.
_BUDGET = 4_000_000
#: Largest number of units per batch of groups.
_MAX_UNITS = 200_000


def multinomial_weights(starts, sizes, n_boot, rng) -> np.ndarray:
    """Bootstrap weights for units sorted by group.

    Parameters
    ----------
    starts, sizes : numpy.ndarray
        For each unit (sorted by group), the position of its group's first
        unit and the group's size.
    n_boot : int
        Number of resamples.
    rng : numpy.random.Generator

    Returns
    -------
    numpy.ndarray
        ``(units, n_boot)`` float array; each column sums to the number of
        units and, within each group, to the group's size.
    """
    n = len(starts)
    draws = starts[:, None] + np.floor(rng.random((n, n_boot)) * sizes[:, None]).astype(np.int64)
    flat = (draws + np.arange(n_boot, dtype=np.int64) * n).ravel()
    return np.bincount(flat, minlength=n * n_boot).reshape(n_boot, n).T.astype("float64")


def bootstrap_intervals(engine, recipes, fcells, ctx, opts, *, n_boot, ci, random_state):
    """Percentile intervals ``(low, high)``, each of shape (groups, len(recipes))."""
    from ._compute import Engine

    rng = np.random.default_rng(random_state)
    low = np.full((engine.n_g2, len(recipes)), np.nan)
    high = np.full_like(low, np.nan)
    quantiles = [(1 - ci) / 2, 1 - (1 - ci) / 2]
    for source in ("posts", "conversations"):
        cols = [j for j, r in enumerate(recipes) if r.source == source]
        table = getattr(engine.tables, source)
        if not cols or table is None:
            continue
        terms = []
        for j in cols:
            for t in needed_terms(recipes[j], opts, value_only=True)[0]:
                if t not in terms:
                    terms.append(t)
        base = []
        for t in terms:
            b = Engine.base_term(t)[0]
            if b not in base:
                base.append(b)
        make = _block_factory(engine, source, table, opts)
        row_cell = engine.row_cell[source]
        units = np.flatnonzero(row_cell >= 0)
        unit_g2 = engine.cell_g2[row_cell[units]]
        order = np.argsort(unit_g2, kind="stable")
        units, unit_g2 = units[order], unit_g2[order]
        counts = np.bincount(unit_g2, minlength=engine.n_g2)
        firsts = np.cumsum(counts) - counts
        for ga, gb in _batches(counts):
            lo_u, hi_u = firsts[ga], firsts[gb - 1] + counts[gb - 1]
            if hi_u == lo_u:
                continue
            values = _batch(
                engine,
                source,
                make,
                base,
                terms,
                [recipes[j] for j in cols],
                fcells,
                ctx.take(slice(ga, gb)),
                opts,
                units[lo_u:hi_u],
                unit_g2[lo_u:hi_u],
                ga,
                gb,
                firsts,
                counts,
                n_boot,
                rng,
            )
            with np.errstate(all="ignore"), _quiet():
                for k, j in enumerate(cols):
                    q = np.nanquantile(values[k], quantiles, axis=1)
                    low[ga:gb, j], high[ga:gb, j] = q[0], q[1]
    return low, high


def _block_factory(engine, source, table, opts):
    """rows → block of expressions for the units of ``source``."""
    if source == "posts":
        return lambda rows: PostBlock(table, rows, engine.media, opts)
    delays = engine.conv_delays()
    return lambda rows: ConvBlock(delays, rows)


def _batches(counts):
    """Consecutive group ranges holding at most _MAX_UNITS units (or one big group)."""
    ga, total = 0, 0
    for g, c in enumerate(counts):
        if total and total + c > _MAX_UNITS:
            yield ga, g
            ga, total = g, 0
        total += c
    if len(counts):
        yield ga, len(counts)


def _batch(
    engine,
    source,
    make,
    base,
    terms,
    recipes,
    fcells,
    ctx,
    opts,
    rows,
    g2,
    ga,
    gb,
    firsts,
    counts,
    n_boot,
    rng,
):
    from ._compute import Engine

    nb = len(rows)
    unit_cell = engine.row_cell[source][rows]
    uniq, local = np.unique(unit_cell, return_inverse=True)
    to_cell = sparse.csr_matrix((np.ones(nb), (local, np.arange(nb))), shape=(len(uniq), nb))
    to_group = sparse.csr_matrix(
        (np.ones(len(uniq)), (engine.cell_g2[uniq] - ga, np.arange(len(uniq)))),
        shape=(gb - ga, len(uniq)),
    )
    block = make(rows)
    columns = [block.term(t) for t in base]
    starts = (firsts[g2] - firsts[ga]).astype(np.int64)
    sizes = counts[g2].astype(np.int64)
    step = max(1, min(n_boot, _BUDGET // max(nb, 1)))
    out = [np.full((gb - ga, n_boot), np.nan) for _ in recipes]
    for b0 in range(0, n_boot, step):
        bb = min(step, n_boot - b0)
        weights = multinomial_weights(starts, sizes, bb, rng)
        sums = {
            t: to_cell @ (weights if col is None else col[:, None] * weights)
            for t, col in zip(base, columns)
        }
        agg = {}
        for t in terms:
            cell_values = Engine.derive(t, sums[Engine.base_term(t)[0]], fcells, uniq)
            agg[t] = to_group @ cell_values
        with np.errstate(all="ignore"):
            for k, recipe in enumerate(recipes):
                out[k][:, b0 : b0 + bb] = recipe.value(agg, ctx, opts)
    return out


@contextmanager
def _quiet():
    """Silence numpy's 'All-NaN slice' warnings (a group whose value is always missing)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        yield
