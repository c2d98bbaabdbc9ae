"""Per-unit values of the recipe expressions (posts and conversations).

A block evaluates :class:`~engagement_lib.indicators._recipes.Term` columns
for a set of rows (a slice for the chunked main pass, an index array for the
bootstrap): ``term(t)`` is ``expr`` on each row, 0 where a requirement of
``mask`` fails. Missing metrics read as 0 *only* together with their
"reported" mask, so a missing value never enters a sum as a zero.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..schema import MEDIA_TYPES
from ._recipes import VIDEO_TYPES, Options, Term, needs

__all__ = ["media_codes", "PostBlock", "ConvBlock", "CONV_EXPRS"]

_VIDEO_CODES = np.array([MEDIA_TYPES.index(m) for m in VIDEO_TYPES], dtype=np.int16)


def media_codes(posts: pd.DataFrame) -> np.ndarray:
    """Index of each post's media type in ``schema.MEDIA_TYPES`` (-1 if unknown/missing)."""
    if "media_type" not in posts.columns:
        return np.full(len(posts), -1, dtype=np.int16)
    col = posts["media_type"]
    if isinstance(col.dtype, pd.CategoricalDtype):
        codes = col.cat.codes.to_numpy()
        cats = pd.Index(col.cat.categories.astype(str))
    else:
        codes, uniques = pd.factorize(col)
        cats = pd.Index(pd.Index(uniques).astype(str))
    lookup = np.append(pd.Index(MEDIA_TYPES).get_indexer(cats), -1).astype(np.int16)
    return lookup[codes]


class PostBlock:
    """Expressions over the posts ``rows`` of ``posts``."""

    def __init__(self, posts: pd.DataFrame, rows, media: np.ndarray, opts: Options):
        self._posts = posts
        self._rows = rows
        self._media = media[rows]
        self._opts = opts
        self._n = len(self._media)
        self._vals: dict[str, np.ndarray] = {}
        self._rep: dict[str, np.ndarray] = {}
        self._cache: dict[str, np.ndarray] = {}

    def _load(self, metric: str) -> None:
        if metric in self._vals:
            return
        if metric in self._posts.columns:
            arr = self._posts[metric].array[self._rows]
            self._vals[metric] = np.asarray(arr.to_numpy(dtype="float64", na_value=0.0))
            self._rep[metric] = ~np.asarray(arr.isna(), dtype=bool)
        else:
            self._vals[metric] = np.zeros(self._n)
            self._rep[metric] = np.zeros(self._n, dtype=bool)

    def reported(self, req: str) -> np.ndarray:
        """Boolean array: does each row meet requirement ``req``?"""
        key = "?" + req
        if key in self._cache:
            return self._cache[key]
        if req == "interactions":
            out = np.zeros(self._n, dtype=bool)
            for m in self._opts.interactions:
                self._load(m)
                out |= self._rep[m]
        elif req == "video":
            out = np.isin(self._media, _VIDEO_CODES)
        elif req.startswith("pos:"):
            expr = req[4:]
            out = self.value(expr) > 0
            for r in needs(expr):
                out &= self.reported(r)
        else:
            self._load(req)
            out = self._rep[req]
        self._cache[key] = out
        return out

    def value(self, expr: str) -> np.ndarray:
        """Float array of ``expr`` on each row (0 where an input is missing)."""
        if expr in self._cache:
            return self._cache[expr]
        if expr == "one":
            out = np.ones(self._n)
        elif "/" in expr:
            num, den = expr.split("/", 1)
            d = self.value(den)
            out = np.zeros(self._n)
            np.divide(self.value(num), d, out=out, where=d > 0)
        elif expr == "interactions":
            out = np.zeros(self._n)
            for m in self._opts.interactions:
                self._load(m)
                out = out + self._vals[m]
        elif expr.startswith("ge1:"):
            self._load(expr[4:])
            out = (self._vals[expr[4:]] >= 1).astype("float64")
        elif expr == "media:unknown":
            out = (self._media < 0).astype("float64")
        elif expr.startswith("media:"):
            out = (self._media == MEDIA_TYPES.index(expr[6:])).astype("float64")
        else:
            self._load(expr)
            out = self._vals[expr]
        self._cache[expr] = out
        return out

    def term(self, term: Term) -> np.ndarray | None:
        """The column of ``term``; None for ``("one", ∅)`` (plain count)."""
        if term.expr == "one" and not term.mask:
            return None
        out = self.value(term.expr)
        if term.mask:
            keep = np.ones(self._n, dtype=bool)
            for req in term.mask:
                keep &= self.reported(req)
            out = np.where(keep, out, 0.0)
        return out


#: Conversation expressions: received (one), answered, delay bins (hours).
CONV_EXPRS = {
    "one": None,
    "replied": (None, None),
    "d<2": (None, 2.0),
    "2<=d<8": (2.0, 8.0),
    "8<=d<24": (8.0, 24.0),
    "d>=24": (24.0, None),
    "d<24": (None, 24.0),
}


class ConvBlock:
    """Expressions over the conversations ``rows``."""

    def __init__(self, delays_h: np.ndarray, rows):
        self._d = delays_h[rows]

    def term(self, term: Term) -> np.ndarray | None:
        if term.expr not in CONV_EXPRS:
            raise KeyError(f"unknown conversation expression {term.expr!r}")
        bounds = CONV_EXPRS[term.expr]
        if bounds is None:
            return None
        lo, hi = bounds
        d = self._d
        keep = ~np.isnan(d)
        with np.errstate(invalid="ignore"):
            if lo is not None:
                keep &= d >= lo
            if hi is not None:
                keep &= d < hi
        return keep.astype("float64")
