"""Threads for large tables: how many, a parallel map, a background task.

pyarrow's compute kernels and CSV parser, and numpy's array operations, release
the GIL, so a large file's independent pieces of work (the pieces of its body,
a column built from others) run truly in parallel. Work that holds the GIL for
long stretches (pandas' own loops) gains nothing and may lose: keep it on the
calling thread. On one CPU every helper here runs its work inline, in order.

The number of threads is the number of CPUs this process may use (at most 8),
or the environment variable ``ENGAGEMENT_LIB_THREADS`` when set (``1``: no
threads at all), read at each call.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

__all__ = ["workers", "in_parallel", "background", "MIN_ROWS"]

#: Columns shorter than this are converted on the calling thread (starting
#: threads costs more than it saves on small files).
MIN_ROWS = 50_000


def workers(rows: int | None = None) -> int:
    """Threads to use: ``ENGAGEMENT_LIB_THREADS``, else the CPUs this process may
    run on (at most 8); one for columns of fewer than :data:`MIN_ROWS` rows."""
    if rows is not None and rows < MIN_ROWS:
        return 1
    asked = os.environ.get("ENGAGEMENT_LIB_THREADS", "").strip()
    if asked.isdigit() and int(asked) > 0:
        return min(int(asked), 64)
    try:
        n = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        n = os.cpu_count() or 1
    return max(1, min(n, 8))


def in_parallel(func, items, threads: int) -> list:
    """``[func(x) for x in items]`` on ``threads`` threads (in order; the first error raised)."""
    items = list(items)
    if threads <= 1 or len(items) <= 1:
        return [func(x) for x in items]
    with ThreadPoolExecutor(max_workers=min(threads, len(items))) as pool:
        return list(pool.map(func, items))


_POOL: ThreadPoolExecutor | None = None
_POOL_LOCK = threading.Lock()


def _pool() -> ThreadPoolExecutor:
    """The executor of :func:`background` tasks (made on first use; its idle threads
    wait for the next task and end with the interpreter)."""
    global _POOL
    with _POOL_LOCK:
        if _POOL is None:
            _POOL = ThreadPoolExecutor(max_workers=workers(), thread_name_prefix="engagement")
        return _POOL


def _forget_pool() -> None:
    """In a forked child the pool's threads do not exist: make a new pool there."""
    global _POOL, _POOL_LOCK
    _POOL, _POOL_LOCK = None, threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_pool)


def background(func, *args, rows: int | None = None) -> Callable[[], object]:
    """Queue ``func(*args)`` for a worker thread; return a function that waits for
    its result (and raises its error). Inline when :func:`workers` is 1 (one CPU,
    or fewer than :data:`MIN_ROWS` ``rows``).

    Tasks must not wait for other background tasks (the workers are few).
    """
    if workers(rows) <= 1:
        result = func(*args)
        return lambda: result
    return _pool().submit(func, *args).result
