"""Threads for the columnar fast path: how many, a parallel map, a background task.

pyarrow's compute kernels and CSV parser, and numpy's array operations, release
the GIL, so a large file's independent pieces of work (the pieces of its body,
a column built from others) run truly in parallel. On one CPU every helper
here runs its work inline, in order.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

__all__ = ["workers", "in_parallel", "background"]


def workers() -> int:
    """Threads to use: the CPUs this process may run on (at most 8)."""
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


def background(func, *args) -> Callable[[], object]:
    """Start ``func(*args)`` on another thread; return a function that waits for its
    result (and raises its error). Inline when this process has one CPU."""
    if workers() <= 1:
        result = func(*args)
        return lambda: result
    pool = ThreadPoolExecutor(max_workers=1)
    future = pool.submit(func, *args)
    pool.shutdown(wait=False)  # the thread ends with the task
    return future.result
