"""The Dask engine behind ``compute(..., engine="dask")``: same recipes, out of core.

Nothing here defines an indicator. The engine splits the in-memory engine
(:mod:`._compute`) at its decomposable step and runs each half where it
belongs:

1. **Periods** — one cheap pass for the first and last timestamp of each
   table (Parquet reads only those columns); :func:`._periods.make_periods`
   then gives the same local calendar as in memory.
2. **Partial aggregates per partition** — on each pandas partition, the
   in-memory :class:`._compute.Engine` itself computes the decomposable sums
   of every term the recipes need (``Engine.post_sums``/``conv_sums``: the
   same :class:`._blocks.PostBlock` / ``ConvBlock`` code, the same masks),
   per (account, period) cell. Periods are anchored on the global first
   boundary, so a cell's period code means the same in every partition.
3. **Combine** — a Dask tree reduction adds the partial sums of a cell across
   partitions (sums are what make the recipes decomposable). Follower counts
   are combined as "count at the latest date" / "count at the earliest date"
   of the cell (plus the number of rows), which is what the in-memory engine
   reads from them.
4. **Final formulas** — a :class:`DaskEngine` (an ``Engine`` whose cell sums
   come from step 3 instead of a pass over rows) goes through the very same
   ``_run``: roll-up to the ``by`` groups, each recipe's ``value``, ``n`` and
   ``status``, the tidy table.

**Medians are not decomposable.** The median reply delay is computed
exactly: every answered conversation's delay (``Engine.conv_delays``) is
shuffled to its (group, period) by Dask's ``groupby(...).median()``, which
holds one group's delays at a time — no approximation, and a cost that grows
with the number of answered conversations (a shuffle), not with posts.

**Bootstrap intervals** resample posts within each group and period, which
needs a group's posts in one place: the Dask engine computes point estimates
and ``n_boot`` must be 0. :func:`monthly_dashboard` (one collectivité) reads
that collectivité's rows through Dask and then runs the in-memory engine, so
its intervals are available and identical.

Dask is imported only inside the functions that need it: importing this
module, or using the pandas path, never imports Dask.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

import numpy as np
import pandas as pd

from ..schema import MEDIA_TYPES, METRICS
from ._blocks import CONV_EXPRS
from ._compute import Engine, _check_boot, _plan, _run
from ._data import ENTITY, Tables, _check
from ._periods import make_periods, utc_int
from ._recipes import MediaMix, Options, Term, conv, needed_terms, needs, post
from .registry import resolve

__all__ = [
    "ENGINES",
    "DaskEngine",
    "compute_dask",
    "dashboard_inputs",
    "is_lazy",
    "needs_routing",
    "route_compute",
]

#: Accepted values of ``engine=``.
ENGINES = ("pandas", "dask")
_TIME = {"posts": "published_at", "followers": "date", "conversations": "received_at"}
_SOURCES = ("posts", "followers", "conversations")
_KEYS = [*ENTITY, "period"]
#: Rows per partition when in-memory frames are handed to the Dask engine.
PARTITION_ROWS = 1 << 20
_NO_TIME_LAST = np.iinfo(np.int64).min
_NO_TIME_FIRST = np.iinfo(np.int64).max


# --------------------------------------------------------------------------- routing
def is_lazy(obj) -> bool:
    """Whether ``obj`` is a Dask collection (checked without importing Dask)."""
    return any(cls.__module__.split(".")[0] == "dask" for cls in type(obj).__mro__)


def _frames_of(data) -> dict:
    if data is None:
        return {}
    if isinstance(data, Mapping):
        return {k: data.get(k) for k in (*_SOURCES, "collectivites")}
    if isinstance(data, pd.DataFrame) or is_lazy(data):
        return {"posts": data}
    return {k: getattr(data, k, None) for k in (*_SOURCES, "collectivites")}


def _is_path(data) -> bool:
    return isinstance(data, str | os.PathLike)


def needs_routing(data, *frames) -> bool:
    """Whether ``compute``/``monthly_dashboard`` must leave the plain pandas path.

    True for a store path or when any input table is a Dask collection.
    """
    if _is_path(data):
        return True
    values = [*_frames_of(data).values(), *frames]
    return any(v is not None and is_lazy(v) for v in values)


def _check_engine(engine) -> None:
    if engine is not None and engine not in ENGINES:
        raise ValueError(f"engine={engine!r}; expected one of {', '.join(ENGINES)}")


#: Columns of each table that compute can read (projection of a store).
_READ = {
    "posts": [*ENTITY, "published_at", "media_type", *METRICS],
    "followers": [*ENTITY, "date", "followers"],
    "conversations": [*ENTITY, "received_at", "replied_at"],
}


def _read_path(path, engine: str, *, filters=None) -> dict:
    from ..store import read_store, store_info, time_bounds

    info = store_info(path)
    names = [n for n in (*_SOURCES, "collectivites") if n in info["tables"]]
    if not any(n in info["tables"] for n in _SOURCES):
        raise ValueError(
            f"store {str(path)!r} holds no posts, followers or conversations "
            f"(tables: {', '.join(info['tables']) or 'none'})"
        )
    columns = {
        n: [c for c in _READ[n] if c in info["tables"][n]["columns"]] for n in names if n in _READ
    }
    tables = read_store(path, engine, tables=names, columns=columns, filters=filters)
    if not filters:  # the manifest knows each table's first and last timestamp
        bounds = {n: time_bounds(info, n) for n in _SOURCES if n in tables}
        tables["_bounds"] = {n: b for n, b in bounds.items() if b is not None}
    return tables


def _materialise(frame):
    if frame is None or not is_lazy(frame):
        return frame
    return frame.compute()


def _lazy(frame):
    if frame is None or is_lazy(frame):
        return frame
    from ..store import require_dask

    dd = require_dask("compute(..., engine='dask')")
    return dd.from_pandas(frame, npartitions=max(1, -(-len(frame) // PARTITION_ROWS)),
                          sort=False)


def route_compute(compute_fn, **params):
    """Dispatch ``compute`` on a store path or Dask input (the hook in ``compute``).

    ``engine=None`` means Dask when an input is a Dask collection, pandas
    otherwise; a store path is read with the chosen engine.
    """
    engine = params.pop("engine")
    _check_engine(engine)
    data = params.pop("data")
    extra = {k: params.pop(k) for k in ("followers", "conversations", "collectivites")}
    bounds = {}
    if _is_path(data):
        data = _read_path(data, engine or "pandas")
        bounds = data.pop("_bounds", {})
    frames = {k: v for k, v in _frames_of(data).items() if v is not None}
    frames.update({k: v for k, v in extra.items() if v is not None})
    if engine is None:
        engine = "dask" if any(is_lazy(v) for v in frames.values()) else "pandas"
    if engine == "pandas":
        tables = {k: _materialise(v) for k, v in frames.items()}
        return compute_fn(tables, **params)
    return compute_dask(frames, time_bounds=bounds, **params)


def dashboard_inputs(data, options: dict, *, collectivite: str, engine=None):
    """The collectivité's rows as pandas frames (the hook in ``monthly_dashboard``).

    A dashboard shows one collectivité: its posts, follower counts and
    conversations (every date, so statuses match the in-memory run) are read
    through Dask or from the store, filtered on ``collectivite`` (Parquet
    statistics skip other row groups), then handed to the in-memory engine.

    Returns
    -------
    data : dict of DataFrame
    options : dict
        ``options`` with ``followers``/``conversations``/``collectivites`` now pandas.
    """
    _check_engine(engine)
    options = dict(options)
    extra = {k: options.pop(k) for k in ("followers", "conversations", "collectivites")
             if k in options}
    if _is_path(data):
        frames = _read_path(data, engine or "pandas",
                            filters=[("collectivite", "==", collectivite)])
        frames.pop("_bounds", None)
    else:
        frames = {k: v for k, v in _frames_of(data).items() if v is not None}
    frames.update({k: v for k, v in extra.items() if v is not None})
    lazy_input = _is_path(data) or any(is_lazy(v) for v in frames.values())
    out = {}
    for name, frame in frames.items():
        if name in _SOURCES and is_lazy(frame):
            frame = frame[frame["collectivite"] == collectivite]
        out[name] = frame
    computed = _compute_all(out)
    if lazy_input and not _found(computed, collectivite):
        known = _known_collectivites(data, frames)
        raise ValueError(
            f"collectivite {collectivite!r} not in the data; found: {', '.join(known)}"
        )
    data_out = {k: v for k, v in computed.items() if k in _SOURCES}
    for k in ("collectivites",):
        if k in computed:
            options[k] = computed[k]
    return data_out, options


def _compute_all(frames: dict) -> dict:
    lazy = {k: v for k, v in frames.items() if is_lazy(v)}
    if not lazy:
        return dict(frames)
    import dask

    values = dask.compute(*lazy.values())
    return {**frames, **dict(zip(lazy, values))}


def _found(frames: dict, collectivite: str) -> bool:
    return any(
        f is not None and len(f) and (f["collectivite"].astype(str) == collectivite).any()
        for k, f in frames.items()
        if k in _SOURCES
    )


def _known_collectivites(data, frames) -> list[str]:
    if _is_path(data):
        from ..store import read_store

        names = [n for n in _SOURCES if n in frames]
        found = read_store(data, "pandas", tables=names,
                           columns={n: ["collectivite"] for n in names})
        values = [f["collectivite"].astype(str).unique() for f in found.values()]
    else:
        values = []
        for name in _SOURCES:
            frame = frames.get(name)
            if frame is None:
                continue
            col = frame["collectivite"]
            values.append(np.asarray((col.unique().compute() if is_lazy(col) else col.unique())
                                     .astype(str)))
    return sorted(set().union(*map(set, values))) if values else []


# --------------------------------------------------------------------------- plan
def _superset_terms(inds, opts: Options):
    """Base post terms and conversation terms of every recipe (all media types)."""
    plan = _plan(inds, opts, [*MEDIA_TYPES, "unknown"])
    terms: list[Term] = []
    for _, _, recipe, _ in plan:
        for t in needed_terms(recipe, opts)[0]:
            if t not in terms:
                terms.append(t)
    # base terms in the order _run asks for them (its cell sums are then handed over
    # without a copy), then the counts the partitions need and the media types
    post_base, conv_terms = [], []
    for t in terms:
        base, _ = Engine.base_term(t)
        if base.source == "posts" and base not in post_base:
            post_base.append(base)
        if t.source == "conversations" and t.expr in CONV_EXPRS and t not in conv_terms:
            conv_terms.append(t)
    mix = any(isinstance(i.recipe, MediaMix) for i in inds)
    extra = [post("one")] + [post(f"media:{m}") for m in (*MEDIA_TYPES, "unknown") if mix]
    post_base += [t for t in extra if t not in post_base]
    conv_terms += [conv("one")] if conv("one") not in conv_terms else []
    sources = {t.source for t in terms}
    median = conv("median_delay") in terms
    return post_base, conv_terms, sources, median


def _metrics_of(terms: list[Term], opts: Options) -> list[str]:
    """Metric columns the post terms read (through the recipes' own ``needs``)."""
    found: set[str] = set()

    def add(req: str) -> None:
        if req in METRICS:
            found.add(req)
        elif req == "interactions":
            found.update(opts.interactions)
        elif req.startswith("pos:"):
            for r in needs(req[4:]):
                add(r)

    for t in terms:
        for req in needs(t.expr) | t.mask:
            add(req)
    return [m for m in METRICS if m in found]


# --------------------------------------------------------------------------- partitions
def _entity_columns(eng: Engine, ent_idx: np.ndarray) -> dict:
    return {c: eng.entities[c].to_numpy(dtype=object)[ent_idx] for c in ENTITY}


def _partition_engine(name, part, spec) -> Engine:
    _check(part, name)
    tables = Tables(**{s: (part if s == name else None) for s in _SOURCES}, collectivites=None)
    return Engine(tables, (), spec["freq"], spec["tz"], spec["start"], spec["end"], spec["opts"])


def _cells_frame(eng: Engine, keep: np.ndarray, values: dict) -> pd.DataFrame:
    """Rows for the kept cells, plus one row (period -1) per entity with none kept."""
    ent = eng.cell_e[keep]
    orphan = np.ones(len(eng.entities), dtype=bool)
    orphan[ent] = False
    orphans = np.flatnonzero(orphan)
    cols = _entity_columns(eng, np.concatenate([ent, orphans]))
    frame = {c: pd.array(v, dtype="str") for c, v in cols.items()}
    frame["period"] = np.concatenate([eng.cell_p[keep], np.full(len(orphans), -1)]).astype(
        np.int64
    )
    for name, (arr, fill) in values.items():
        frame[name] = np.concatenate([arr[keep], np.full(len(orphans), fill, dtype=arr.dtype)])
    return pd.DataFrame(frame)


def _post_chunk(part: pd.DataFrame, spec: dict) -> pd.DataFrame:
    if not len(part):
        return spec["meta"]
    eng = _partition_engine("posts", part, spec)
    sums = eng.post_sums(spec["terms"])
    keep = sums[:, spec["terms"].index(post("one"))] > 0
    values = {f"t{k}": (sums[:, k], 0.0) for k in range(sums.shape[1])}
    return _cells_frame(eng, keep, values)


def _conv_chunk(part: pd.DataFrame, spec: dict) -> pd.DataFrame:
    if not len(part):
        return spec["meta"]
    eng = _partition_engine("conversations", part, spec)
    sums = eng.conv_sums(spec["terms"])
    keep = sums[:, spec["terms"].index(conv("one"))] > 0
    values = {f"t{k}": (sums[:, k], 0.0) for k in range(sums.shape[1])}
    return _cells_frame(eng, keep, values)


def _follower_chunk(part: pd.DataFrame, spec: dict) -> pd.DataFrame:
    """Per cell: rows with a count, and the (time, count) at the latest and earliest date."""
    if not len(part):
        return spec["meta"]
    eng = _partition_engine("followers", part, spec)
    n = eng.n_cells
    cell = eng.row_cell["followers"]
    count = part["followers"].array
    ok = (cell >= 0) & ~np.asarray(count.isna(), dtype=bool)
    seen = np.bincount(cell[cell >= 0], minlength=n) > 0
    rows = np.zeros(n)
    t_last = np.full(n, _NO_TIME_LAST, dtype=np.int64)
    t_first = np.full(n, _NO_TIME_FIRST, dtype=np.int64)
    v_last = np.full(n, np.nan)
    v_first = np.full(n, np.nan)
    if ok.any():
        values = np.asarray(count.to_numpy(dtype="float64", na_value=np.nan))[ok]
        when = utc_int(part["date"])[ok]
        c = cell[ok]
        grouped = pd.DataFrame({"c": c, "t": when}).groupby("c", sort=False)["t"]
        last, first = grouped.idxmax(), grouped.idxmin()
        idx = last.index.to_numpy()
        t_last[idx], v_last[idx] = when[last.to_numpy()], values[last.to_numpy()]
        fi = first.reindex(idx).to_numpy()
        t_first[idx], v_first[idx] = when[fi], values[fi]
        rows = np.bincount(c, minlength=n).astype("float64")
    values = {
        "rows": (rows, 0.0),
        "t_last": (t_last, _NO_TIME_LAST),
        "v_last": (v_last, np.nan),
        "t_first": (t_first, _NO_TIME_FIRST),
        "v_first": (v_first, np.nan),
    }
    return _cells_frame(eng, seen, values)


def _delay_chunk(part: pd.DataFrame, spec: dict) -> pd.DataFrame:
    """Delay (hours) of each answered conversation, keyed by its ``by`` group and period."""
    if not len(part):
        return spec["meta"]
    eng = _partition_engine("conversations", part, spec)
    cell = eng.row_cell["conversations"]
    delays = eng.conv_delays()
    ok = (cell >= 0) & ~np.isnan(delays)
    ent = eng.cell_e[cell[ok]]
    frame = {
        c: pd.array(eng.entities[c].to_numpy(dtype=object)[ent], dtype="str") for c in spec["by"]
    }
    frame["period"] = eng.cell_p[cell[ok]].astype(np.int64)
    frame["delay"] = delays[ok]
    return pd.DataFrame(frame)


def _sum_cells(frame: pd.DataFrame) -> pd.DataFrame:
    """Combine partial sums: add the rows of each (entity, period) cell."""
    if not len(frame):
        return frame
    return frame.groupby(_KEYS, sort=False, observed=True).sum().reset_index()


def _combine_followers(frame: pd.DataFrame) -> pd.DataFrame:
    """Latest and earliest count of each cell across partitions (first row wins ties)."""
    if not len(frame):
        return frame
    frame = frame.reset_index(drop=True)
    grouped = frame.groupby(_KEYS, sort=False, observed=True)
    out = grouped["rows"].sum().reset_index()
    last = grouped["t_last"].idxmax().to_numpy()
    first = grouped["t_first"].idxmin().to_numpy()
    for col, idx in (("t_last", last), ("v_last", last), ("t_first", first), ("v_first", first)):
        out[col] = frame[col].to_numpy()[idx]
    return out


def _meta(columns: dict) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=d) for c, d in columns.items()})


def _cell_meta(extra: dict) -> pd.DataFrame:
    return _meta({**{c: "str" for c in ENTITY}, "period": "int64", **extra})


# --------------------------------------------------------------------------- engine
class DaskEngine(Engine):
    """An :class:`Engine` whose per-cell sums come from combined partition aggregates.

    Cells, groups and periods are built by the parent's own methods from the
    (entity, period) keys of the combined partial tables; ``post_sums``,
    ``conv_sums``, ``follower_cells`` and ``conv_median`` serve the combined
    aggregates instead of reading rows. ``media`` holds the code of each
    media type present in the periods, -1 for unknown (``_run`` only asks
    which are present; a type seen only outside the periods has no row in
    the result either way).
    """

    def __init__(self, periods, by, opts, *, posts=None, post_terms=(), followers=None,
                 conversations=None, conv_terms=(), medians=None, collectivites=None):
        self.tables = Tables(None, None, None, collectivites)
        self.opts = opts
        self.periods = periods
        self.n_periods = len(periods)
        frames = {
            n: f for n, f in (("posts", posts), ("followers", followers),
                              ("conversations", conversations)) if f is not None
        }
        from ._compute import _entities

        self.entities, ecodes = _entities(frames)
        n_ent, n_per = len(self.entities), len(periods)
        pcodes = {n: f["period"].to_numpy(dtype=np.int64) for n, f in frames.items()}
        self._build_cells(ecodes, pcodes, n_ent, n_per)
        self._build_groups(by)
        self.row_cell = {n: self._cell_of(ecodes[n], pcodes[n]) for n in frames}
        # cell sums of every computed term; the partial tables are not kept
        self._sums = {}
        for source, known in (("posts", list(post_terms)), ("conversations", list(conv_terms))):
            if source in frames:
                self._sums[source] = (known, self._to_cells(source, frames[source], len(known)))
        self._fol = None
        if followers is not None:
            self._fol = {c: followers[c].to_numpy() for c in
                         ("rows", "t_last", "v_last", "t_first", "v_first")}
        self._medians = medians
        self.media = None
        if posts is not None:
            known, sums = self._sums["posts"]
            codes = {m: MEDIA_TYPES.index(m) for m in MEDIA_TYPES} | {"unknown": -1}
            self.media = np.asarray(
                [c for m, c in codes.items()
                 if post(f"media:{m}") in known and sums[:, known.index(post(f"media:{m}"))].any()],
                dtype=np.int16,
            )

    def _to_cells(self, source: str, frame: pd.DataFrame, k: int) -> np.ndarray:
        cell = self.row_cell[source]
        ok = cell >= 0
        out = np.zeros((self.n_cells, k))
        for j in range(k):
            col = frame[f"t{j}"].to_numpy(dtype="float64")
            out[:, j] = np.bincount(cell[ok], weights=col[ok], minlength=self.n_cells)
        return out

    def _cell_sums(self, source: str, terms: list[Term]) -> np.ndarray:
        """The cell sums of ``terms`` (handed over: ``_run`` asks once per source)."""
        if source not in self._sums or not terms:
            return np.zeros((self.n_cells, len(terms)))
        known, sums = self._sums.pop(source)
        idx = [known.index(t) for t in terms]
        return sums if idx == list(range(sums.shape[1])) else sums[:, idx]

    def post_sums(self, terms):
        return self._cell_sums("posts", terms)

    def conv_sums(self, terms):
        return self._cell_sums("conversations", terms)

    def follower_cells(self):
        """The parent's follower logic, run on each cell's earliest and latest count."""
        fol = self._fol
        if fol is None:
            return super().follower_cells()
        cell = self.row_cell["followers"]
        has = (cell >= 0) & (fol["t_last"] != _NO_TIME_LAST)
        t_first, t_last = fol["t_first"][has], fol["t_last"][has]
        two = t_first < t_last
        times = np.concatenate([t_first[two], t_last])
        values = np.concatenate([fol["v_first"][has][two], fol["v_last"][has]])
        cells = np.concatenate([cell[has][two], cell[has]])
        synthetic = pd.DataFrame({
            "date": pd.to_datetime(times, unit="us", utc=True),
            "followers": pd.array(values, dtype="Float64"),
        })
        saved_tables, saved_cells = self.tables, self.row_cell["followers"]
        self.tables = Tables(None, synthetic, None, saved_tables.collectivites)
        self.row_cell["followers"] = cells
        try:
            out = super().follower_cells()
        finally:
            self.tables, self.row_cell["followers"] = saved_tables, saved_cells
        ok = cell >= 0
        out["rows"] = np.bincount(cell[ok], weights=fol["rows"][ok], minlength=self.n_cells)
        return out

    def conv_median(self):
        out = np.full(self.n_g2, np.nan)
        med = self._medians
        if med is None or not len(med):
            return out
        keys = self.groups.iloc[self.g2_group].reset_index(drop=True).astype(str)
        keys["period"] = self.g2_p.astype(np.int64)
        target = pd.MultiIndex.from_frame(keys)
        source = pd.MultiIndex.from_frame(
            med.reset_index()[[*keys.columns]].astype({c: str for c in self.by})
        )
        pos = source.get_indexer(target)
        found = pos >= 0
        out[found] = med.to_numpy(dtype="float64")[pos[found]]
        return out


# --------------------------------------------------------------------------- compute
def compute_dask(
    frames: dict,
    indicators=None,
    *,
    by=("collectivite", "network"),
    freq="MS",
    tz,
    start=None,
    end=None,
    aggregation="ratio_of_sums",
    follower_basis="end",
    include_saves=False,
    include_clicks=False,
    population="insee",
    min_posts=10,
    n_boot=1000,
    ci=0.95,
    random_state=None,
    validate=True,
    time_bounds=None,
) -> pd.DataFrame:
    """:func:`compute` on Dask DataFrames (see the module doc); same result as in memory.

    ``time_bounds`` (table → first and last timestamp, e.g. from a store's
    manifest) spares the pass that finds them.
    """
    import dask

    opts = Options(
        aggregation=aggregation,
        follower_basis=follower_basis,
        include_saves=include_saves,
        include_clicks=include_clicks,
        min_posts=min_posts,
        population=population,
    )
    _check_boot(n_boot, ci)
    if n_boot:
        raise ValueError(
            f"n_boot={n_boot}: the Dask engine computes point estimates only (a bootstrap "
            "resamples the posts of each group and period in one place); pass n_boot=0, or "
            "use monthly_dashboard / compute on an in-memory subset for intervals"
        )
    unknown = [c for c in by if c not in ENTITY]
    if unknown:
        raise ValueError(f"by={tuple(by)!r}: unknown column(s) {unknown}; choose among {ENTITY}")
    inds = resolve(indicators)
    lazy = {n: _lazy(frames.get(n)) for n in _SOURCES if frames.get(n) is not None}
    if not lazy:
        raise ValueError("no posts, followers or conversations given")
    collectivites = _materialise(frames.get("collectivites"))
    for name, frame in lazy.items():
        _check(frame._meta, name)
    post_terms, conv_terms, sources, median = _superset_terms(inds, opts)
    media = any(t.expr.startswith("media:") or "video" in t.mask for t in post_terms)
    columns = {
        "posts": [*ENTITY, "published_at", *(["media_type"] if media else []),
                  *_metrics_of(post_terms, opts)],
        "followers": [*ENTITY, "date", "followers"],
        "conversations": [*ENTITY, "received_at", "replied_at"],
    }
    lazy = {n: f[[c for c in columns[n] if c in f.columns]] for n, f in lazy.items()}

    # 1. the calendar, from each table's first and last timestamp
    known = dict(time_bounds or {})
    todo = {n: f for n, f in lazy.items() if n not in known}
    found = dask.compute(*[x for n, f in todo.items()
                           for x in (f[_TIME[n]].min(), f[_TIME[n]].max())])
    known.update({n: found[2 * k: 2 * k + 2] for k, n in enumerate(todo)})
    times = [
        pd.Series(pd.DatetimeIndex(list(known[n]), tz="UTC").as_unit("us")) for n in lazy
    ]
    periods = make_periods(times, freq=freq, tz=tz, start=start, end=end)
    if len(periods) == 0:
        from ._compute import compute

        empty = {n: f._meta for n, f in lazy.items()}
        return compute(empty, inds, by=by, freq=freq, tz=tz, start=start, end=end,
                       collectivites=collectivites, n_boot=0, validate=validate,
                       **_option_kwargs(opts))

    # 2-3. partial aggregates per partition, combined by a tree reduction
    base = {"freq": freq, "tz": tz, "start": periods.bounds[0], "end": periods.bounds[-1],
            "opts": opts}
    todo, names = [], []
    if "posts" in lazy:
        meta = _cell_meta({f"t{k}": "float64" for k in range(len(post_terms))})
        spec = {**base, "terms": post_terms, "meta": meta}
        todo.append(lazy["posts"].reduction(
            _post_chunk, aggregate=_sum_cells, combine=_sum_cells, meta=meta,
            chunk_kwargs={"spec": spec}))
        names.append("posts")
    if "conversations" in lazy:
        meta = _cell_meta({f"t{k}": "float64" for k in range(len(conv_terms))})
        spec = {**base, "terms": conv_terms, "meta": meta}
        todo.append(lazy["conversations"].reduction(
            _conv_chunk, aggregate=_sum_cells, combine=_sum_cells, meta=meta,
            chunk_kwargs={"spec": spec}))
        names.append("conversations")
        if median:
            by_cols = [c for c in ENTITY if c in by]
            dmeta = _meta({**{c: "str" for c in by_cols}, "period": "int64",
                           "delay": "float64"})
            delays = lazy["conversations"].map_partitions(
                _delay_chunk, {**base, "by": by_cols, "meta": dmeta}, meta=dmeta)
            todo.append(delays.groupby([*by_cols, "period"])["delay"].median())
            names.append("medians")
    if "followers" in lazy:
        meta = _cell_meta({"rows": "float64", "t_last": "int64", "v_last": "float64",
                           "t_first": "int64", "v_first": "float64"})
        spec = {**base, "meta": meta}
        todo.append(lazy["followers"].reduction(
            _follower_chunk, aggregate=_combine_followers, combine=_combine_followers,
            meta=meta, chunk_kwargs={"spec": spec}))
        names.append("followers")
    results = dict(zip(names, dask.compute(*todo)))
    del todo, lazy
    _release_memory()

    # 4. the in-memory engine's final formulas on the combined aggregates
    engine = DaskEngine(
        periods, by, opts,
        posts=results.pop("posts", None), post_terms=post_terms,
        followers=results.pop("followers", None),
        conversations=results.pop("conversations", None), conv_terms=conv_terms,
        medians=results.pop("medians", None), collectivites=collectivites,
    )
    del results
    _release_memory()
    tables = Tables(None, None, None, collectivites)
    return _run(engine, inds, opts, tables, n_boot=0, ci=ci, rng=None, validate=validate)


def _release_memory() -> None:
    """Hand memory freed by the reduction back to the system before the next stage.

    The partitions' Arrow buffers (pyarrow's pool) and the partial tables are
    freed by then, but allocators keep freed pages for reuse; the final stage
    allocates large arrays elsewhere, so without this the peak adds both.
    """
    import gc

    gc.collect()
    try:
        import pyarrow as pa

        pa.default_memory_pool().release_unused()
    except (ImportError, AttributeError):  # pragma: no cover
        pass
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: nothing to trim
        pass


def _option_kwargs(opts: Options) -> dict:
    return {
        "aggregation": opts.aggregation,
        "follower_basis": opts.follower_basis,
        "include_saves": opts.include_saves,
        "include_clicks": opts.include_clicks,
        "min_posts": opts.min_posts,
        "population": opts.population,
    }

