"""Record boundaries inside a CSV byte range, so that its pieces parse in parallel.

Why
---
The columnar fast path (:mod:`._columnar`) hands the body of a large export to
:func:`pyarrow.csv.read_csv`. With quoted line breaks allowed
(``newlines_in_values=True``, which Meta's multi-line captions need), Arrow's
own multi-threaded reader has to find block boundaries by a serial quote-aware
pass and was slower than one thread. This module finds boundaries itself, with
numpy over the raw bytes (in parallel threads: numpy releases the GIL), and the
caller parses the pieces in parallel threads (:mod:`engagement_lib._threads`),
each with the same options as the whole range, one thread per piece (pyarrow
releases the GIL too), then stacks the tables.

What is found
-------------
:func:`scan` counts the line feeds of the range and returns *cut* offsets, each
just after a line feed that ends a record, roughly evenly spaced; or no cuts
when it cannot prove where records end (then the range is parsed in one piece,
as before).

Proof that the pieces parse as the whole range does
---------------------------------------------------
The CSV dialect is the one both parsers use: ``"`` quotes, ``""`` inside quotes
is a quote, no escape character, and the range starts at the start of a record
(just below the header). A tokeniser reading it is, at each byte, in one of
these states: start of a field, inside an unquoted field, inside a quoted
field, or just after a quote met inside a quoted field. A quote

* at the start of a field opens a quoted field;
* inside a quoted field moves to "just after a quote";
* "just after a quote" is an escaped quote (back inside the quoted field);
* inside an *unquoted* field (``ab"c``, or ``"a"b"c`` after a closed quote)
  is a literal character: call it a *stray* quote.

Claim: if no quote is stray, then at every byte the tokeniser is inside a
quoted field exactly when an odd number of quotes precede that byte. By
induction over the quotes: each non-stray quote flips the parity and the
"inside quotes" state together (an opening quote: outside → inside; a quote
inside: inside → just after a quote, which ends the quoted part unless the next
byte is the escaping quote, which flips both back); other bytes change neither
parity nor whether the tokeniser is inside quotes.

Stray quotes are detected without running the tokeniser: under the claim (true
for all quotes before the first stray one), a quote preceded by an even number
of quotes is outside quoted parts, so it is stray unless it starts a field
(it is the first byte of the range, or follows the delimiter or a line feed) or
is the escaping second quote of a pair (it follows a quote). :func:`scan` checks
this for every quote of the range and returns no cuts if one fails.

So a line feed preceded by an even number of quotes is outside quotes and ends
a record (blank lines included: they are records neither parser keeps, and a
cut after one changes nothing); the bytes after it start a record, which is
the state each piece's parse starts in. The tokeniser's path through every
piece is then the whole range's path; each piece ends with the line feed that
ended its last record, and the whole range's records are the pieces' records,
in order. Invalid UTF-8 or a row of another width fails in some piece exactly
when it fails in the whole range (a cut after a line feed never splits a UTF-8
character), and the caller then takes the careful path in both cases.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._threads import in_parallel, workers

__all__ = ["Scan", "scan"]

#: Bytes per numpy scanning step (bounded memory: a few arrays of this size).
STEP = 8 << 20
#: Smallest piece worth a parse of its own.
MIN_PIECE = 16 << 20
#: Pieces per thread (a little more than one: pieces end at record ends, not evenly).
PIECES_PER_THREAD = 2
#: Line feeds looked at first after a cut's target offset (more if all are quoted).
WINDOW = 1 << 16

_QUOTE, _LF, _CR = 0x22, 0x0A, 0x0D


@dataclass(frozen=True)
class Scan:
    """What :func:`scan` found in a byte range.

    Attributes
    ----------
    line_feeds : int
        Number of ``\\n`` bytes in the range.
    nuls, returns : int
        Numbers of NUL and ``\\r`` bytes in the range (files with NUL bytes or
        old Mac line ends take the careful path).
    cuts : list of int
        Offsets (absolute, increasing, strictly inside the range) at which a
        record starts; empty when the range is one piece.
    record_ends : numpy.ndarray of int64 or None
        Which line feeds end a record (outside quotes), as indices among the
        range's line feeds in order; None when not worked out (a small range,
        or a stray quote). With them a record's physical line is the header's
        plus one plus the line feeds before it, quoted ones included.
    """

    line_feeds: int
    cuts: list[int]
    nuls: int = 0
    returns: int = 0
    record_ends: np.ndarray | None = None


def _counts(view, a: int, b: int) -> tuple[int, int, int, int]:
    """(quotes, line feeds, NULs, carriage returns) in ``view[a:b]``."""
    part = view[a:b]
    return tuple(int(np.count_nonzero(part == byte)) for byte in (_QUOTE, _LF, 0, _CR))


def _record_end(view, t: int, b: int, quotes: np.ndarray, even: bool) -> int | None:
    """Offset just after the first line feed of ``view[t:b]`` outside quotes, or None.

    ``quotes``: absolute offsets of the quotes of ``view[t:b]`` (at least);
    ``even``: whether an even number of quotes precede ``t``.
    """
    first = np.searchsorted(quotes, t)
    for stop in (min(t + WINDOW, b), b):
        feeds = np.flatnonzero(view[t:stop] == _LF) + t
        before = np.searchsorted(quotes, feeds) - first  # quotes between t and each feed
        outside = before % 2 == (0 if even else 1)
        if outside.any():
            return int(feeds[np.argmax(outside)]) + 1
        if stop == b:
            break
    return None


def _span(view, a: int, b: int, start: int, delimiter: int, even: bool,
          targets: list[int]) -> tuple[bool, list[int | None], np.ndarray | None]:
    """(no stray quote in ``view[a:b]``, the record end after each target in it, the
    indices among the span's line feeds of those outside quotes).

    ``even``: whether an even number of quotes precede ``a`` (from ``start``).
    """
    quotes = np.flatnonzero(view[a:b] == _QUOTE) + a
    # quotes preceded by an even number of quotes (from the range start)
    opening = quotes[0::2] if even else quotes[1::2]
    prev = view[np.maximum(opening - 1, 0)]
    ok = (opening == start) | (prev == delimiter) | (prev == _LF) | (prev == _QUOTE)
    if not ok.all():
        return False, [], None
    ends = []
    for t in targets:
        even_t = even == (np.searchsorted(quotes, t) % 2 == 0)
        ends.append(_record_end(view, t, b, quotes, even_t))
    feeds = np.flatnonzero(view[a:b] == _LF) + a
    outside = (np.searchsorted(quotes, feeds) % 2 == 0) == even
    return True, ends, np.flatnonzero(outside)


def scan(data, start: int, end: int, delimiter: str, *, threads: int | None = None,
         pieces: int | None = None) -> Scan:
    """Line feeds of ``data[start:end]`` and where to cut it into pieces of whole records.

    Parameters
    ----------
    data : bytes or mmap.mmap
        The whole file (not copied).
    start, end : int
        The range; ``start`` is the first byte of a record.
    delimiter : str
        One ASCII character.
    threads : int, optional
        Scanning threads (default :func:`workers`).
    pieces : int, optional
        Pieces wanted (default: :data:`PIECES_PER_THREAD` per thread, none
        smaller than :data:`MIN_PIECE`).

    Returns
    -------
    Scan
        A cut at the first record end at or after each of ``pieces - 1``
        evenly spaced targets; none when the range has a stray quote (see the
        module docstring).
    """
    threads = workers() if threads is None else threads
    size = end - start
    if pieces is None:
        pieces = min(PIECES_PER_THREAD * threads, size // MIN_PIECE)
    view = np.frombuffer(data, dtype=np.uint8)  # no copy; released on return
    bounds = list(range(start, end, STEP)) + [end]
    spans = list(zip(bounds[:-1], bounds[1:], strict=True))
    counted = in_parallel(lambda s: _counts(view, *s), spans, threads)
    feeds, nuls, returns = (sum(c[k] for c in counted) for k in (1, 2, 3))
    if pieces < 2 or len(delimiter) != 1 or ord(delimiter) > 0x7F:
        return Scan(feeds, [], nuls, returns)
    # whether an even number of quotes precede each span
    even = np.cumsum([0] + [c[0] for c in counted[:-1]]) % 2 == 0
    targets = sorted({start + size * k // pieces for k in range(1, pieces)})
    where = np.searchsorted(bounds, targets, side="right") - 1  # span of each target
    jobs = [(i, [t for t, w in zip(targets, where, strict=True) if w == i])
            for i in range(len(spans))]
    found = in_parallel(lambda j: _span(view, *spans[j[0]], start, ord(delimiter),
                                        bool(even[j[0]]), j[1]), jobs, threads)
    if not all(ok for ok, _, _ in found):
        return Scan(feeds, [], nuls, returns)
    first_feed = np.cumsum([0] + [c[1] for c in counted[:-1]])  # line feeds before each span
    ended = np.concatenate([local + first_feed[i] for i, (_, _, local) in enumerate(found)])
    cuts = []
    for i, (_, ends, _) in enumerate(found):
        for cut in ends:
            k = i + 1
            while cut is None and k < len(spans):  # no record end in the span: the next
                cut = _span(view, *spans[k], start, ord(delimiter), bool(even[k]),
                            [spans[k][0]])[1][0]
                k += 1
            if cut is not None and cut < end and (not cuts or cut > cuts[-1]):
                cuts.append(cut)
    return Scan(feeds, cuts, nuls, returns, ended)
