"""Read a folder of exports with several worker processes: same result as ``read_exports``.

Reading is the longest step of ``engagement report`` (every file is sniffed,
matched against the registered layouts and parsed, in Python). Files are
independent, so :func:`read_folder` spreads them over ``jobs`` processes and
puts the results back in the sorted file order :func:`engagement_lib.readers.read_exports`
uses (cleaning breaks ties between overlapping exports by that order), with
the same rules for failures: ``errors="raise"`` raises the failure of the
first file in that order, ``"collect"`` lists them all.

Workers are forked on platforms that can fork (they inherit the imported
library: no start-up cost); elsewhere they are spawned. With ``jobs=1`` or
few files, everything is read in this process.
"""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path

from ..errors import ExportFormatError

__all__ = ["read_folder", "default_jobs"]

#: Below this many files the pool costs more than it saves.
MIN_FILES = 8


def default_jobs() -> int:
    """Worker processes by default: the CPUs available to this process, at most 4."""
    try:
        n = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        n = os.cpu_count() or 1
    return max(1, min(4, n))


def _read_one(args):
    """Read one file in a worker: ``(exports, None)`` or ``(None, ExportFormatError)``."""
    from ..readers import read_export

    path, timezone = args
    try:
        return read_export(path, timezone=timezone), None
    except ExportFormatError as exc:
        return None, exc
    except Exception as exc:  # an unexpected bug must still name the file
        return None, ExportFormatError(
            f"unexpected error while reading ({type(exc).__name__}: {exc})", path=path)


def _context():
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def read_folder(folder, *, timezone: str = "Europe/Paris", jobs: int = 1,
                progress: bool = False, errors: str = "raise"):
    """Read every export file under ``folder``, like ``read_exports``, in ``jobs`` processes.

    Parameters
    ----------
    folder : str or pathlib.Path
    timezone : str
        IANA zone of naive timestamps (see :func:`engagement_lib.readers.read_export`).
    jobs : int, default 1
        Worker processes (1: read here, exactly :func:`~engagement_lib.readers.read_exports`).
    progress : bool
        Progress bar over the files.
    errors : {"raise", "collect"}

    Returns
    -------
    engagement_lib.readers.ReadResult
    """
    from ..readers import ReadFailure, ReadResult, list_exports, read_exports

    folder = Path(folder)
    files = list_exports(folder)
    if jobs <= 1 or len(files) < MIN_FILES:
        return read_exports(folder, timezone=timezone, progress=progress, errors=errors)
    if errors not in ("raise", "collect"):
        raise ValueError(f"errors must be 'raise' or 'collect', not {errors!r}")
    tasks = [(str(p), timezone) for p in files]
    chunk = max(1, len(tasks) // (8 * jobs))
    with _context().Pool(processes=min(jobs, len(tasks))) as pool:
        results = pool.imap(_read_one, tasks, chunksize=chunk)
        if progress:
            from tqdm.auto import tqdm

            results = tqdm(results, total=len(tasks), desc="reading exports", unit="file")
        results = list(results)
    exports, failures = [], []
    for path, (found, error) in zip(files, results):
        if error is not None:
            if errors == "raise":
                raise error
            failures.append(ReadFailure(str(path), error))
        else:
            exports.extend(found)
    return ReadResult(exports, failures)
