"""Observatory-scale panels written straight to a partitioned Parquet store.

:func:`simulate_panel` with ``scale=K`` already simulates big panels group
of collectivités by group of collectivités, but returns the whole panel in
memory (about 0.5 kB per post: 10 million posts ≈ 5 GB, 50 million do not
fit). :func:`write_partitioned` runs the same chunks — same scenario
expansion, same chunking, same random streams — and appends each chunk's
canonical tables to a store (:mod:`engagement_lib.store`) as soon as it is
drawn, so memory stays at one chunk (~1.5 million posts) whatever ``K``.

The store holds exactly the tables ``simulate_panel(scale=K, seed=...)``
returns (same rows and values, row order aside); only the planted-effects
document, which needs the whole panel at once, is not produced.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..errors import EngagementError
from .scenario import Scenario, default_scenario

__all__ = ["TABLES", "expected_posts", "scale_for_posts", "write_partitioned"]

#: Canonical tables a simulated panel has.
TABLES = ("posts", "followers", "audience", "conversations")


def _days(scenario: Scenario, start, end) -> pd.DatetimeIndex:
    start = start or scenario.start
    end = end or scenario.end
    try:
        days = pd.date_range(pd.Timestamp(start), pd.Timestamp(end), freq="D", unit="us")
    except (ValueError, TypeError) as exc:
        raise EngagementError(f"invalid period {start!r} to {end!r}: {exc}") from None
    if len(days) == 0:
        raise EngagementError(f"empty period: start {start} is after end {end}")
    return days


def _expanded(scenario: Scenario | None, scale: float, seed: int):
    """The scaled scenario, exactly as ``simulate_panel`` expands it, and the seed's streams."""
    from .model import _expand

    scenario = scenario if scenario is not None else default_scenario()
    if not isinstance(scenario, Scenario):
        raise EngagementError(f"scenario must be a Scenario, got {type(scenario).__name__}")
    children = np.random.SeedSequence(int(seed)).spawn(6)
    return _expand(scenario, scale, np.random.default_rng(children[0])), children


def expected_posts(scale: float = 1.0, *, seed: int = 20190304, scenario: Scenario | None = None,
                   start: str | None = None, end: str | None = None) -> float:
    """Expected number of posts of ``simulate_panel(scale=scale, seed=seed)`` (no simulation)."""
    from .model import _expected_posts

    scenario, _ = _expanded(scenario, scale, seed)
    days = _days(scenario, start, end)
    return float(sum(_expected_posts(a, days) for a in scenario.accounts))


def scale_for_posts(n_posts: float, *, seed: int = 20190304, scenario: Scenario | None = None,
                    start: str | None = None, end: str | None = None) -> float:
    """The ``scale`` whose panel has about ``n_posts`` posts (from a scale-1000 pilot expansion)."""
    if not n_posts > 0:
        raise EngagementError(f"n_posts must be positive, got {n_posts!r}")
    pilot = 1000.0
    per_scale = expected_posts(pilot, seed=seed, scenario=scenario, start=start, end=end) / pilot
    return max(float(n_posts) / per_scale, 1e-3)


def _conversation_ids(first: int, n: int):
    """``conv00000000``... numbered from ``first`` (as simulate_panel numbers the whole panel)."""
    digits = pc.utf8_lpad(pa.array(np.arange(first, first + n)).cast(pa.string()), 8, "0")
    return pd.array(pc.binary_join_element_wise("conv", digits, ""), dtype="str")


def write_partitioned(
    path,
    *,
    scale: float = 1.0,
    seed: int = 20190304,
    scenario: Scenario | None = None,
    start: str | None = None,
    end: str | None = None,
    tables: Sequence[str] = TABLES,
    compact: bool = True,
    progress: bool = False,
) -> dict:
    """Simulate a panel chunk by chunk into a partitioned Parquet store.

    Parameters
    ----------
    path : str or path-like
        Store folder (see :func:`engagement_lib.store.write_store`); tables
        already there are replaced.
    scale, seed, scenario, start, end
        As in :func:`engagement_lib.simulate.simulate_panel`.
    tables : sequence of str
        Which of ``posts``, ``followers``, ``audience``, ``conversations``
        to write (all by default).
    compact : bool, default True
        Rewrite each partition as one file at the end
        (:func:`engagement_lib.store.compact_store`): one chunk of
        collectivités leaves one small file per network and month.
    progress : bool, default False
        Print one line per chunk (rows, seconds).

    Returns
    -------
    dict
        ``{"path", "scale", "seed", "chunks", "rows": {table: n}, "seconds"}``.

    Notes
    -----
    Memory is that of one chunk (:data:`engagement_lib.simulate.model.CHUNK_POSTS`
    expected posts), not of the panel. Conversation ids are numbered across
    chunks in chunk order, as ``simulate_panel`` numbers them.
    """
    from ..store import compact_store, write_store
    from .model import _audience, _chunks, _conversations, _Simulation

    unknown = [t for t in tables if t not in TABLES]
    if unknown or not tables:
        raise EngagementError(f"tables={tuple(tables)!r}: choose among {', '.join(TABLES)}")
    t0 = time.perf_counter()
    scenario, children = _expanded(scenario, scale, seed)
    days = _days(scenario, start, end)
    chunks = _chunks(scenario, days)
    rows = dict.fromkeys(tables, 0)
    n_conv = 0
    path = Path(path).expanduser()
    for k, sub in enumerate(chunks):
        tk = time.perf_counter()
        streams = children[1:] if k == 0 else np.random.SeedSequence([int(seed), 1, k]).spawn(5)
        rng_post, rng_text, rng_fol, rng_aud, rng_conv = (np.random.default_rng(x) for x in streams)
        sim = _Simulation(sub, days, rng_post, rng_text, rng_fol, int(seed))
        # same call order as simulate_panel; a table not asked for is not drawn (each table
        # has its own stream and is drawn after the posts, so the others do not change;
        # audience and conversations read the follower trajectories)
        out = {"posts": sim.posts()}
        if {"followers", "audience", "conversations"} & set(tables):
            out["followers"] = sim.followers()
        if "audience" in tables:
            out["audience"] = _audience(sub, sim, rng_aud)
        if "conversations" in tables:
            conversations = _conversations(sub, sim, out["posts"], rng_conv, int(seed))
            if len(chunks) > 1:
                conversations["conversation_id"] = _conversation_ids(n_conv, len(conversations))
            n_conv += len(conversations)
            out["conversations"] = conversations
            del conversations
        write_store({t: out[t] for t in tables}, path, mode="overwrite" if k == 0 else "append")
        for t in tables:
            rows[t] += len(out[t])
        del out, sim
        if progress:
            print(f"chunk {k + 1}/{len(chunks)}: {rows.get('posts', 0):,} posts so far "
                  f"({time.perf_counter() - tk:.1f} s)", flush=True)
    if compact and len(chunks) > 1:
        compact_store(path, list(tables))
    return {
        "path": path,
        "scale": float(scale),
        "seed": int(seed),
        "chunks": len(chunks),
        "rows": rows,
        "seconds": time.perf_counter() - t0,
    }
