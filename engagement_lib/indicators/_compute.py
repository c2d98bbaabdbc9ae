"""The in-memory engine behind :func:`compute`.

Pipeline (each step vectorised; one pass over the posts):

1. **Entities and periods.** Every (collectivite, account, network) seen in
   posts, followers or conversations gets an integer code (categorical codes
   or one hash factorisation); every timestamp gets a local period code by
   binary search over the periods' UTC boundaries.
2. **Cells** = (account, period) for every period between an account's first
   and last activity, so a month without posts is a row with 0 posts.
3. **Decomposable sums per cell**: the posts are read in chunks; for each
   term a recipe needs (:mod:`._recipes`), ``np.bincount`` adds the chunk's
   column into the cells. Follower counts (end, start) and conversation
   counts are aggregated per cell too. Terms involving the follower count
   are derived per cell (F is constant within an account and period).
4. **Roll-up** of the cell sums to the ``by`` groups (a sparse matrix
   product), then each recipe's final formula, count and status.
5. Optional **bootstrap** intervals (:mod:`._bootstrap`) re-run steps 3–4 on
   posts resampled within each group and period.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import sparse

from .. import schema
from ._blocks import CONV_EXPRS, ConvBlock, PostBlock, media_codes
from ._data import ENTITY, Tables, as_tables
from ._periods import TZ, Periods, make_periods, utc_int
from ._recipes import (
    STATUS,
    VALUED,
    FollowerStat,
    MediaMix,
    Options,
    Term,
    needed_terms,
    post,
)
from .registry import resolve

__all__ = ["compute", "Engine"]

_CHUNK = 1 << 19
_DENSE_LIMIT = 1 << 25
_BY_CHOICES = ENTITY


def _factorize(col: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes and string uniques of a column (categorical codes are reused)."""
    if isinstance(col.dtype, pd.CategoricalDtype):
        return col.cat.codes.to_numpy().astype(np.int64), np.asarray(
            col.cat.categories.astype(str), dtype=object
        )
    codes, uniques = pd.factorize(col)
    return codes.astype(np.int64), np.asarray(pd.Index(uniques).astype(str), dtype=object)


def _entities(frames: dict[str, pd.DataFrame]):
    """Entity table (sorted by collectivite, account, network) and row codes per table."""
    parts = {name: [_factorize(f[c]) for c in ENTITY] for name, f in frames.items()}
    vocab = []
    for j in range(3):
        values = [p[j][1] for p in parts.values()]
        vocab.append(pd.Index(np.unique(np.concatenate(values))) if values else pd.Index([]))
    sizes = [max(len(v), 1) for v in vocab]
    keys, uniq_keys = {}, []
    for name, cols in parts.items():
        combined = np.zeros(len(frames[name]), dtype=np.int64)
        for j, (codes, uniques) in enumerate(cols):
            remap = vocab[j].get_indexer(uniques).astype(np.int64)
            combined = combined * sizes[j] + remap[codes]
        row_codes, uniques = pd.factorize(combined)
        keys[name] = (row_codes, np.asarray(uniques, dtype=np.int64))
        uniq_keys.append(np.asarray(uniques, dtype=np.int64))
    all_keys = np.unique(np.concatenate(uniq_keys)) if uniq_keys else np.array([], np.int64)
    codes = {
        name: np.searchsorted(all_keys, uniques)[row_codes]
        for name, (row_codes, uniques) in keys.items()
    }
    rest = all_keys.copy()
    cols = {}
    for j in (2, 1, 0):
        cols[ENTITY[j]] = np.asarray(vocab[j], dtype=object)[rest % sizes[j]]
        rest //= sizes[j]
    table = pd.DataFrame({c: pd.array(cols[c], dtype="str") for c in ENTITY})
    return table, codes


def _str_column(values, codes: np.ndarray, n: int | None = None) -> pd.Series:
    """A ``str`` column taking ``values[codes]`` (code -1 → missing)."""
    arr = pd.array(list(values) or [""], dtype="str")
    if codes is None:
        return pd.Series(pd.array([np.nan] * n, dtype="str"))
    return pd.Series(arr.take(np.asarray(codes, dtype=np.int64), allow_fill=True))


@dataclass
class _Context:
    """Per-group context handed to the recipes."""

    weeks: np.ndarray
    population: np.ndarray
    reported: dict = field(default_factory=dict)

    def reports(self, metric: str) -> np.ndarray:
        return self.reported[metric]

    def take(self, idx) -> _Context:
        return _Context(
            self.weeks[idx], self.population[idx], {k: v[idx] for k, v in self.reported.items()}
        )


class Engine:
    """State shared by the point estimates and the bootstrap (see module doc)."""

    def __init__(self, tables: Tables, by, freq, tz, start, end, opts: Options):
        self.tables = tables
        self.opts = opts
        frames = {
            n: getattr(tables, n)
            for n in ("posts", "followers", "conversations")
            if getattr(tables, n) is not None
        }
        self.entities, ecodes = _entities(frames)
        times = {"posts": "published_at", "followers": "date", "conversations": "received_at"}
        self.periods: Periods = make_periods(
            [f[times[n]] for n, f in frames.items()], freq=freq, tz=tz, start=start, end=end
        )
        n_ent, n_per = len(self.entities), len(self.periods)
        self.n_periods = n_per
        pcodes = {n: self.periods.codes(f[times[n]]) for n, f in frames.items()}
        self._build_cells(ecodes, pcodes, n_ent, n_per)
        self._build_groups(by)
        self.row_cell = {n: self._cell_of(ecodes[n], pcodes[n]) for n in frames}
        self._lookup = None
        self.media = media_codes(tables.posts) if tables.posts is not None else None

    # -- cells and groups -------------------------------------------------------------
    def _build_cells(self, ecodes, pcodes, n_ent, n_per):
        pmin = np.full(n_ent, n_per, dtype=np.int64)
        pmax = np.full(n_ent, -1, dtype=np.int64)
        for name, e in ecodes.items():
            p = pcodes[name]
            ok = p >= 0
            np.minimum.at(pmin, e[ok], p[ok])
            np.maximum.at(pmax, e[ok], p[ok])
        lengths = np.clip(pmax - pmin + 1, 0, None)
        self.cell_e = np.repeat(np.arange(n_ent), lengths)
        offsets = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        self.cell_p = np.repeat(pmin, lengths) + offsets
        self.cell_key = self.cell_e * max(n_per, 1) + self.cell_p
        self.n_cells = len(self.cell_key)

    def _cell_of(self, e, p) -> np.ndarray:
        """Cell index of each row (-1 when its period is outside the requested range)."""
        n_per = max(self.n_periods, 1)
        ok = p >= 0
        key = e * n_per + p
        out = np.full(len(e), -1, dtype=np.int64)
        if len(self.entities) * n_per <= _DENSE_LIMIT:
            if getattr(self, "_lookup", None) is None:
                self._lookup = np.full(len(self.entities) * n_per, -1, dtype=np.int32)
                self._lookup[self.cell_key] = np.arange(self.n_cells, dtype=np.int32)
            out[ok] = self._lookup[key[ok]]
        else:
            out[ok] = np.searchsorted(self.cell_key, key[ok])
        return out

    def _build_groups(self, by):
        by = tuple(by)
        unknown = [c for c in by if c not in _BY_CHOICES]
        if unknown:
            raise ValueError(f"by={by!r}: unknown column(s) {unknown}; choose among {_BY_CHOICES}")
        self.by = tuple(c for c in _BY_CHOICES if c in by)
        ent = self.entities
        if self.by:
            codes, uniques = pd.MultiIndex.from_frame(ent[list(self.by)]).factorize(sort=True)
            self.groups = uniques.to_frame(index=False)
            self.groups.columns = list(self.by)
        else:
            codes = np.zeros(len(ent), dtype=np.int64)
            self.groups = pd.DataFrame(index=range(1))
        self.ent_group = np.asarray(codes, dtype=np.int64)
        n_per = max(self.n_periods, 1)
        key2 = self.ent_group[self.cell_e] * n_per + self.cell_p
        g2_keys, self.cell_g2 = np.unique(key2, return_inverse=True)
        self.g2_group = g2_keys // n_per
        self.g2_p = g2_keys % n_per
        self.n_g2 = len(g2_keys)
        self.rollup = sparse.csr_matrix(
            (np.ones(self.n_cells), (self.cell_g2, np.arange(self.n_cells))),
            shape=(self.n_g2, self.n_cells),
        )

    # -- decomposable sums per cell ---------------------------------------------------
    def post_sums(self, terms: list[Term]) -> np.ndarray:
        """Σ per cell of each post term (one chunked pass over the posts)."""
        out = np.zeros((self.n_cells, len(terms)))
        posts = self.tables.posts
        if posts is None or not terms:
            return out
        cells = self.row_cell["posts"]
        for lo in range(0, len(posts), _CHUNK):
            rows = slice(lo, min(lo + _CHUNK, len(posts)))
            cell = cells[rows]
            valid = cell >= 0
            full = bool(valid.all())
            if not full:
                cell = cell[valid]
            block = PostBlock(posts, rows, self.media, self.opts)
            for k, term in enumerate(terms):
                col = block.term(term)
                if col is not None and not full:
                    col = col[valid]
                out[:, k] += np.bincount(cell, weights=col, minlength=self.n_cells)
        return out

    def conv_delays(self) -> np.ndarray:
        conv = self.tables.conversations
        received = utc_int(conv["received_at"])
        replied = utc_int(conv["replied_at"])
        missing = conv["replied_at"].isna().to_numpy()
        delays = (replied - received) / 3.6e9
        delays[missing] = np.nan
        return delays

    def conv_sums(self, terms: list[Term]) -> np.ndarray:
        out = np.zeros((self.n_cells, len(terms)))
        if self.tables.conversations is None or not terms:
            return out
        cell = self.row_cell["conversations"]
        valid = cell >= 0
        block = ConvBlock(self.conv_delays(), valid)
        for k, term in enumerate(terms):
            col = block.term(term)
            out[:, k] = np.bincount(cell[valid], weights=col, minlength=self.n_cells)
        return out

    def conv_median(self) -> np.ndarray:
        """Median reply delay (hours) per group — not decomposable, computed directly."""
        out = np.full(self.n_g2, np.nan)
        if self.tables.conversations is None:
            return out
        cell = self.row_cell["conversations"]
        delays = self.conv_delays()
        ok = (cell >= 0) & ~np.isnan(delays)
        if ok.any():
            med = pd.Series(delays[ok]).groupby(self.cell_g2[cell[ok]]).median()
            out[med.index.to_numpy()] = med.to_numpy()
        return out

    def follower_cells(self) -> dict[str, np.ndarray]:
        """Per cell: F_end, F_start (and whether known), rows, and the F basis of rates.

        F_end is the last count of the period; F_start the last count of the
        previous period (unknown when the account has no count then: a count taken
        inside the period would miss part of the period's growth).
        """
        n = self.n_cells
        end = np.zeros(n)
        has = np.zeros(n, dtype=bool)
        rows = np.zeros(n)
        fol = self.tables.followers
        if fol is not None:
            cell = self.row_cell["followers"]
            count = fol["followers"].array
            ok = (cell >= 0) & ~np.asarray(count.isna(), dtype=bool)
            if ok.any():
                values = np.asarray(count.to_numpy(dtype="float64", na_value=np.nan))[ok]
                when = utc_int(fol["date"])[ok]
                c = cell[ok]
                grouped = pd.DataFrame({"c": c, "t": when}).groupby("c", sort=False)["t"]
                last = grouped.idxmax()
                idx = last.index.to_numpy()
                end[idx] = values[last.to_numpy()]
                has[idx] = True
                rows = np.bincount(c, minlength=n).astype("float64")
        prev = np.arange(n) - 1
        follows = np.zeros(n, dtype=bool)
        follows[1:] = (self.cell_e[1:] == self.cell_e[:-1]) & (
            self.cell_p[1:] == self.cell_p[:-1] + 1
        )
        has_start = follows & np.roll(has, 1)
        start = np.where(has_start, end[prev], 0.0)
        has_both = has & has_start
        if self.opts.follower_basis == "end":
            basis, has_basis = end, has
        else:
            basis, has_basis = (start + end) / 2.0, has_both
        has_basis = has_basis & (basis > 0)
        return {
            "end": np.where(has, end, 0.0),
            "has_end": has.astype("float64"),
            "end_both": np.where(has_both, end, 0.0),
            "start_both": np.where(has_both, start, 0.0),
            "has_both": has_both.astype("float64"),
            "rows": rows,
            "_basis": np.where(has_basis, basis, 0.0),
            "_has_basis": has_basis,
        }

    # -- from cell sums to group aggregates -------------------------------------------
    @staticmethod
    def base_term(term: Term) -> tuple[Term, str | None]:
        """Split a post term into its follower-free base and how F enters."""
        if term.source != "posts":
            return term, None
        mask = term.mask - {"followers", "pos:followers"}
        if term.expr == "followers":
            return Term("posts", "one", mask), "times_f"
        if term.expr.endswith("/followers"):
            return Term("posts", term.expr[: -len("/followers")], mask), "per_f"
        if mask != term.mask:
            return Term("posts", term.expr, mask), "has_f"
        return term, None

    @staticmethod
    def derive(term: Term, base: np.ndarray, fcells: dict, idx=slice(None)) -> np.ndarray:
        """Cell value of ``term`` from its base sums (F is constant within a cell)."""
        _, how = Engine.base_term(term)
        if how is None:
            return base
        h = fcells["_has_basis"][idx]
        f = fcells["_basis"][idx]
        if base.ndim == 2:
            h, f = h[:, None], f[:, None]
        if how == "has_f":
            return np.where(h, base, 0.0)
        if how == "times_f":
            return np.where(h, base * f, 0.0)
        safe = np.where(h, f, 1.0)
        return np.where(h, base / safe, 0.0)


def _check_boot(n_boot, ci):
    if int(n_boot) != n_boot or n_boot < 0:
        raise ValueError(f"n_boot must be a non-negative integer, got {n_boot!r}")
    if not 0 < ci < 1:
        raise ValueError(f"ci must be in (0, 1), got {ci!r}")


def _population(engine: Engine, tables: Tables, opts: Options) -> np.ndarray:
    """Population of each group: sum over its distinct collectivités (NaN if unknown)."""
    colls = tables.collectivites
    if colls is None:
        from ..datasets import load_dataset

        colls = load_dataset("collectivites")
    column = "population" if opts.population == "insee" else "population_article"
    if column not in colls.columns or "id" not in colls.columns:
        pop_of = {}
    else:
        values = pd.to_numeric(colls[column], errors="coerce").astype("float64")
        pop_of = dict(zip(colls["id"].astype(str), values))
    pairs = pd.DataFrame(
        {"g": engine.ent_group, "c": engine.entities["collectivite"].astype(str)}
    ).drop_duplicates()
    pairs["pop"] = pairs["c"].map(pop_of).astype("float64")
    g = pairs["g"].to_numpy()
    values = pairs["pop"].to_numpy()
    n = len(engine.groups)
    unknown = np.bincount(g, weights=np.isnan(values), minlength=n).astype(float) > 0
    pop = np.bincount(g, weights=np.nan_to_num(values), minlength=n).astype(float)
    pop[unknown] = np.nan
    return pop[engine.g2_group]


def _plan(inds, opts: Options, media_present):
    """Output rows (id, unit, recipe, indicator) with the media mix expanded."""
    rows = []
    for ind in inds:
        if isinstance(ind.recipe, MediaMix):
            for m, recipe in ind.recipe.expand(media_present):
                rows.append((f"{ind.id}:{m}", ind.unit, recipe, ind))
        else:
            rows.append((ind.id, ind.unit, ind.recipe, ind))
    return rows


def compute(
    data,
    indicators=None,
    *,
    by=("collectivite", "network"),
    freq: str | None = "MS",
    tz: str = TZ,
    start=None,
    end=None,
    aggregation: str = "ratio_of_sums",
    follower_basis: str = "end",
    include_saves: bool = False,
    include_clicks: bool = False,
    population: str = "insee",
    min_posts: int = 10,
    n_boot: int = 1000,
    ci: float = 0.95,
    random_state=None,
    followers: pd.DataFrame | None = None,
    conversations: pd.DataFrame | None = None,
    collectivites: pd.DataFrame | None = None,
    validate: bool = True,
    engine: str | None = None,
) -> pd.DataFrame:
    """Compute catalog indicators per entity and period, as a tidy long table.

    Parameters
    ----------
    data : CleanData-like, dict of DataFrames or DataFrame
        The cleaned data: an object with ``posts``/``followers``/
        ``conversations`` attributes (e.g. ``cleaning.CleanData``), a dict
        with those keys, or the canonical posts frame itself.
    indicators : list of str, optional
        Indicator ids or family names (see :func:`catalog`); default: all.
    by : tuple of str, default ("collectivite", "network")
        Grouping columns among ``collectivite``, ``account``, ``network``.
        Columns not in ``by`` are missing in the result; accounts grouped
        together have their posts pooled and their followers summed.
    freq : str or None, default "MS"
        Period frequency, anchored on local period starts (calendar months);
        ``None`` gives one period for the whole data.
    tz : str, default "Europe/Paris"
        Zone of the calendar: a post at 2018-03-31 23:30 UTC is in April.
    start, end : str or Timestamp, optional
        Keep only periods starting on or after ``start`` and before ``end``.
    aggregation : {"ratio_of_sums", "mean_of_ratios"}
        Rates over a period: Σnum / Σden (default; each post weighs by its
        denominator) or the mean of per-post ratios (each post weighs the same).
    follower_basis : {"end", "mean"}
        Followers F of the follower-based rates: count at the end of the
        period, or the mean of the start and end counts.
    include_saves, include_clicks : bool, default False
        Add saves and/or clicks to the interactions A = likes + comments + shares.
    population : {"insee", "article"}
        Population of ``followers_per_1000_inhabitants``: INSEE population
        municipale (default) or the figure printed in the 2019 article.
    min_posts : int, default 10
        Below this many posts (conversations) the status is "small sample"
        (the value is still given).
    n_boot : int, default 1000
        Bootstrap resamples for the intervals of rate indicators (posts, or
        conversations, resampled within each group and period); 0 for no
        intervals. Cost grows with posts × n_boot: use 0 on large data.
    ci : float, default 0.95
        Coverage of the percentile bootstrap interval.
    random_state : int, numpy Generator or None
        Seed of the bootstrap.
    followers, conversations, collectivites : DataFrame, optional
        Tables added to (or overriding) ``data``. ``collectivites`` (for
        populations) defaults to ``load_dataset("collectivites")``.
    validate : bool, default True
        Check the result against ``schema.IndicatorResultsSchema``.
    engine : {None, "pandas", "dask"}
        ``"dask"`` runs the same recipes out of core on Dask DataFrames, or
        on the path of a store (:mod:`engagement_lib.store`) given as
        ``data``; point estimates only (``n_boot=0``). ``None``: Dask when an
        input is a Dask DataFrame, else pandas. See ``docs/scale.md``.

    Returns
    -------
    pandas.DataFrame
        One row per (group, period, indicator): ``collectivite``, ``account``,
        ``network``, ``period`` (UTC instant of the local period start),
        ``indicator``, ``value``, ``unit``, ``n`` (posts, conversations or
        follower rows behind the value), ``ci_low``, ``ci_high``, ``status``.
        A value that cannot be computed is missing, never 0, and ``status``
        says why: "no posts", "not reported by this network" (the metric is
        missing on every post of the network), "not reported for these
        posts", "no follower data", "no video posts", "zero denominator",
        "no population", "no conversations", "no replies"; "small sample"
        flags a value from fewer than ``min_posts`` units.

    Notes
    -----
    Each indicator is defined once, as decomposable sums plus a final
    formula (:mod:`engagement_lib.indicators._recipes`); the sums are taken
    in one chunked pass over the posts.

    Examples
    --------
    >>> from engagement_lib.indicators import compute
    >>> res = compute(clean, ["engagement_rate_reach"], n_boot=0)  # doctest: +SKIP
    """
    params = dict(locals())  # the call's arguments, for the engine hook below
    from ._dask import needs_routing, route_compute  # no Dask import on the pandas path

    if engine is not None or needs_routing(data, followers, conversations):
        return route_compute(compute, **params)
    opts = Options(
        aggregation=aggregation,
        follower_basis=follower_basis,
        include_saves=include_saves,
        include_clicks=include_clicks,
        min_posts=min_posts,
        population=population,
    )
    _check_boot(n_boot, ci)
    tables = as_tables(
        data, followers=followers, conversations=conversations, collectivites=collectivites
    )
    inds = resolve(indicators)
    if tables.posts is None and tables.followers is None and tables.conversations is None:
        raise ValueError("no posts, followers or conversations given")
    engine = Engine(tables, by, freq, tz, start, end, opts)
    return _run(
        engine, inds, opts, tables, n_boot=n_boot, ci=ci, rng=random_state, validate=validate
    )


def _run(engine: Engine, inds, opts, tables, *, n_boot, ci, rng, validate):
    from ._bootstrap import bootstrap_intervals

    if engine.n_g2 == 0:  # nothing in the requested periods
        out = schema.empty("indicators")
        return schema.validate(out, "indicators") if validate else out

    media_present = []
    if engine.media is not None:
        seen = np.bincount(engine.media[engine.media >= 0], minlength=len(schema.MEDIA_TYPES))
        media_present = [m for m, k in zip(schema.MEDIA_TYPES, seen) if k]
        if (engine.media < 0).any():  # missing or unrecognised media type
            media_present.append("unknown")
    plan = _plan(inds, opts, media_present)

    terms: list[Term] = []
    reported: set[str] = set()
    for _, _, recipe, _ in plan:
        t, r = needed_terms(recipe, opts)
        terms += [x for x in t if x not in terms]
        reported |= r
    # cell sums of the follower-free base terms, per source
    post_base, conv_terms = [], []
    for t in terms:
        base, _ = Engine.base_term(t)
        if base.source == "posts" and base not in post_base:
            post_base.append(base)
        if t.source == "conversations" and t.expr in CONV_EXPRS and t not in conv_terms:
            conv_terms.append(t)
    psums = engine.post_sums(post_base)
    csums = engine.conv_sums(conv_terms)
    fcells = engine.follower_cells()
    base_cols = {t: psums[:, k] for k, t in enumerate(post_base)}
    base_cols.update({t: csums[:, k] for k, t in enumerate(conv_terms)})

    agg: dict[Term, np.ndarray] = {}
    for t in terms:
        if t.source == "followers":
            cell_values = fcells[t.expr]
        elif t.source == "conversations" and t.expr == "median_delay":
            agg[t] = engine.conv_median()
            continue
        else:
            cell_values = Engine.derive(t, base_cols[Engine.base_term(t)[0]], fcells)
        agg[t] = engine.rollup @ cell_values

    ctx = _context(engine, tables, opts, inds, reported, base_cols)
    n_g2, k_out = engine.n_g2, len(plan)
    value = np.full((n_g2, k_out), np.nan)
    count = np.zeros((n_g2, k_out))
    status = np.zeros((n_g2, k_out), dtype=np.int8)
    with np.errstate(all="ignore"):
        for j, (_, _, recipe, _) in enumerate(plan):
            value[:, j] = recipe.value(agg, ctx, opts)
            count[:, j] = recipe.n(agg, ctx, opts)
            status[:, j] = recipe.status(agg, ctx, opts)
    valued = np.isin(status, VALUED)
    value[~valued] = np.nan

    low = np.full((n_g2, k_out), np.nan)
    high = np.full((n_g2, k_out), np.nan)
    boot = [j for j, (_, _, r, _) in enumerate(plan) if r.bootstrap]
    if n_boot and boot and n_g2:
        lo, hi = bootstrap_intervals(
            engine,
            [plan[j][2] for j in boot],
            fcells,
            ctx,
            opts,
            n_boot=int(n_boot),
            ci=ci,
            random_state=rng,
        )
        low[:, boot], high[:, boot] = lo, hi
        low[~valued], high[~valued] = np.nan, np.nan

    keep = np.ones((n_g2, k_out), dtype=bool)
    for j, (ind_id, _, recipe, _) in enumerate(plan):
        if ind_id.startswith("media_mix:"):
            term = post(recipe.num)
            used = np.bincount(engine.g2_group, weights=agg[term], minlength=len(engine.groups))
            keep[:, j] = used[engine.g2_group] > 0
    out = _assemble(engine, plan, value, count, status, low, high, keep)
    return schema.validate(out, "indicators") if validate else out


def _context(engine, tables, opts, inds, reported, base_cols):
    days = engine.periods.days
    weeks = days[engine.g2_p] / 7.0 if len(days) else np.zeros(engine.n_g2)
    needs_pop = any(
        isinstance(i.recipe, FollowerStat) and i.recipe.kind == "per_1000" for i in inds
    )
    pop = _population(engine, tables, opts) if needs_pop else np.full(engine.n_g2, np.nan)
    ctx = _Context(weeks=weeks, population=pop)
    if reported:
        networks = engine.entities["network"].astype(str).to_numpy()
        net_codes, net_names = pd.factorize(networks)
        cell_net = net_codes[engine.cell_e]
        presence = np.zeros((len(engine.groups), len(net_names)), dtype=bool)
        presence[engine.ent_group, net_codes] = True
        for metric in reported:
            col = base_cols[post("one", metric)]
            by_net = np.bincount(cell_net, weights=col, minlength=len(net_names)) > 0
            ctx.reported[metric] = (presence & by_net).any(axis=1)[engine.g2_group]
    return ctx


def _assemble(engine, plan, value, count, status, low, high, keep) -> pd.DataFrame:
    n_g2, k_out = value.shape
    flat = keep.ravel()
    g_idx = np.repeat(np.arange(n_g2), k_out)[flat]
    j_idx = np.tile(np.arange(k_out), n_g2)[flat]
    group = engine.g2_group[g_idx]
    out = {}
    for col in ENTITY:
        if col in engine.by:
            out[col] = _str_column(engine.groups[col].astype(str), group)
        else:
            out[col] = _str_column([], None, len(g_idx))
    starts = engine.periods.starts_utc
    out["period"] = (
        pd.Series(starts[engine.g2_p[g_idx]])
        if len(starts)
        else pd.Series(pd.DatetimeIndex([], tz="UTC").as_unit("us"))
    )
    out["indicator"] = _str_column([p[0] for p in plan], j_idx)
    out["value"] = value.ravel()[flat]
    out["unit"] = _str_column([p[1] for p in plan], j_idx)
    out["n"] = pd.array(np.rint(count.ravel()[flat]).astype(np.int64), dtype="Int64")
    out["ci_low"] = low.ravel()[flat]
    out["ci_high"] = high.ravel()[flat]
    out["status"] = _str_column(STATUS, status.ravel()[flat].astype(np.int64))
    frame = pd.DataFrame(
        {k: (v.reset_index(drop=True) if isinstance(v, pd.Series) else v) for k, v in out.items()}
    )
    return frame
