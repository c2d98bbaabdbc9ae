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
:func:`scan` counts the line feeds (and the NUL and CR bytes) of the range and
returns *cut* offsets, each just after a line feed that ends a record, roughly
evenly spaced, and which line feeds end records (the others are inside quoted
cells: the caller derives every record's physical line number from them); or
no cuts when it cannot prove where records end (then the range is parsed in one
piece, as before).

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
#: Quote and line-feed offsets are kept between the passes unless a span has more
#: than one per this many bytes (odd files: found again in the second pass instead).
SPARSE = 16

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


def _first_pass(view, a: int, b: int):
    """Quote and line-feed offsets of ``view[a:b]`` (absolute; None when more than one
    per :data:`SPARSE` bytes, not kept), and their numbers, NUL and CR counts."""
    part = view[a:b]
    quotes = np.flatnonzero(part == _QUOTE)
    feeds = np.flatnonzero(part == _LF)
    keep = len(part) // SPARSE
    nuls = returns = 0
    if np.count_nonzero(part < 0x0E) > len(feeds):  # control bytes other than line feeds
        nuls, returns = int(np.count_nonzero(part == 0)), int(np.count_nonzero(part == _CR))
    return (len(quotes), quotes + a if len(quotes) <= keep else None,
            len(feeds), feeds + a if len(feeds) <= keep else None, nuls, returns)


def _second_pass(view, a: int, b: int, start: int, delimiter: int, even: bool,
                 quotes: np.ndarray | None, feeds: np.ndarray | None, targets: list[int],
                 want_ends: bool):
    """For the span ``view[a:b]``: None when it has a stray quote, else (the first
    record end at or after each target, or None; the indices among the span's line
    feeds of those outside quotes, if wanted; the span's first record end or None).

    ``even``: whether an even number of quotes precede ``a`` (from ``start``).
    """
    if quotes is None:
        quotes = np.flatnonzero(view[a:b] == _QUOTE) + a
    # quotes preceded by an even number of quotes (from the range start)
    opening = quotes[0::2] if even else quotes[1::2]
    prev = view[np.maximum(opening - 1, 0)]
    if not ((opening == start) | (prev == delimiter) | (prev == _LF) | (prev == _QUOTE)).all():
        return None
    if feeds is None:
        feeds = np.flatnonzero(view[a:b] == _LF) + a
    outside = (np.searchsorted(quotes, feeds) % 2 == 0) == even  # line feeds ending records
    ends = feeds[outside] + 1
    after = np.searchsorted(ends, targets, side="left")
    cuts = [int(ends[k]) if k < len(ends) else None for k in after]
    return (cuts, np.flatnonzero(outside) if want_ends else None,
            int(ends[0]) if len(ends) else None)


def scan(data, start: int, end: int, delimiter: str, *, threads: int | None = None,
         pieces: int | None = None) -> Scan:
    """Line feeds of ``data[start:end]`` and where to cut it into pieces of whole records.

    Two passes over the bytes, each on parallel threads, span by span
    (:data:`STEP` bytes): the first finds the quotes and line feeds (and counts
    NUL and CR bytes), the second, knowing how many quotes precede each span,
    checks for stray quotes and tells which line feeds end records.

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
    first = in_parallel(lambda s: _first_pass(view, *s), spans, threads)
    feeds, nuls, returns = (sum(f[k] for f in first) for k in (2, 4, 5))
    if pieces < 2 or len(delimiter) != 1 or ord(delimiter) > 0x7F:
        return Scan(feeds, [], nuls, returns)
    # whether an even number of quotes precede each span
    even = np.cumsum([0] + [f[0] for f in first[:-1]]) % 2 == 0
    targets = sorted({start + size * k // pieces for k in range(1, pieces)})
    where = np.searchsorted(bounds, targets, side="right") - 1  # span of each target
    want_ends = feeds <= size // SPARSE
    second = in_parallel(
        lambda i: _second_pass(view, *spans[i], start, ord(delimiter), bool(even[i]),
                               first[i][1], first[i][3],
                               [t for t, w in zip(targets, where, strict=True) if w == i],
                               want_ends),
        range(len(spans)), threads)
    if any(got is None for got in second):
        return Scan(feeds, [], nuls, returns)
    cuts, pending = [], False  # pending: a target with no record end after it in its span
    for span_cuts, _, first_end in second:
        found = []
        if pending and first_end is not None:  # the next record end, in a later span
            found.append(first_end)
            pending = False
        for cut in span_cuts:
            if cut is None:
                pending = True
            else:
                found.append(cut)
        for cut in found:
            if cut < end and (not cuts or cut > cuts[-1]):
                cuts.append(cut)
    ended = None
    if want_ends:
        first_feed = np.cumsum([0] + [f[2] for f in first[:-1]])  # line feeds before each span
        ended = np.concatenate([local + first_feed[i]
                                for i, (_, local, _) in enumerate(second)])
    return Scan(feeds, cuts, nuls, returns, ended)
