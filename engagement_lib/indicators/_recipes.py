"""Recipes: how an indicator turns decomposable sums into a value and a status.

Every indicator is computed in two steps, so that one definition serves the
in-memory engine, the bootstrap and (later) a Dask engine:

(a) **decomposable aggregates** — sums over the units of a group (posts,
    conversations, daily follower rows): sums of a metric, counts of posts,
    counts of posts with at least one like... Each is a :class:`Term`
    ``(source, expr, mask)``: the sum over units of ``expr`` on the units
    where every requirement of ``mask`` holds (the metric is reported, the
    post is a video...). Sums add up across chunks, partitions and accounts.
(b) **a final formula** on those aggregates (:meth:`Recipe.value`), plus the
    number of units behind it (:meth:`Recipe.n`) and a status saying why a
    value is missing (:meth:`Recipe.status`).

A recipe never says *which* terms it needs: the engine finds out by calling
``value``/``n``/``status`` once on a recorder (:func:`needed_terms`), so the
formula written in (b) is the only place the indicator is defined.

Per-post expressions (``expr``)
-------------------------------
``"one"`` (1 per post), a metric of :data:`engagement_lib.schema.METRICS`,
``"interactions"`` (likes + comments + shares [+ saves] [+ clicks], see
:class:`Options`), ``"ge1:<metric>"`` (1 if the metric is at least 1),
``"media:<type>"`` (1 if the post has that media type), ``"followers"``
(followers of the post's account in the period, per ``follower_basis``),
and ratios ``"<expr>/<expr>"`` (per-post ratio, for the mean of ratios).

Requirements (``mask``)
-----------------------
a metric or ``"interactions"`` (reported: not missing), ``"followers"``
(follower count known and positive), ``"video"`` (media type video, reel or
live), ``"pos:<expr>"`` (the expression is reported and positive).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from ..schema import METRICS

__all__ = [
    "Term",
    "post",
    "fol",
    "conv",
    "Options",
    "STATUS",
    "VALUED",
    "Recipe",
    "PostRate",
    "PostSum",
    "PostCount",
    "PerWeek",
    "MediaMix",
    "Composite",
    "FollowerStat",
    "ConvRate",
    "ConvMedian",
    "needed_terms",
    "needs",
    "VIDEO_TYPES",
    "AGGREGATIONS",
    "FOLLOWER_BASES",
    "POPULATIONS",
]

#: Media types counted as video posts.
VIDEO_TYPES = ("video", "reel", "live")
AGGREGATIONS = ("ratio_of_sums", "mean_of_ratios")
FOLLOWER_BASES = ("end", "mean")
POPULATIONS = ("insee", "article")

#: Status vocabulary, by increasing priority (a later status wins when several apply).
STATUS = (
    "ok",
    "small sample",
    "zero denominator",
    "not reported for these posts",
    "no follower data",
    "no population",
    "no replies",
    "not reported by this network",
    "no video posts",
    "no conversations",
    "no posts",
)
(
    OK,
    SMALL,
    ZERO,
    MISSING,
    NO_FOLLOWERS,
    NO_POPULATION,
    NO_REPLIES,
    NOT_REPORTED,
    NO_VIDEO,
    NO_CONVERSATIONS,
    NO_POSTS,
) = range(len(STATUS))
#: Statuses that come with a value.
VALUED = (OK, SMALL)
_FILTER_STATUS = {"video": NO_VIDEO}


class Term(NamedTuple):
    """A decomposable aggregate: Σ over units of ``expr`` where ``mask`` holds."""

    source: str
    expr: str
    mask: frozenset = frozenset()


def post(expr: str, *mask) -> Term:
    """A sum over posts (``mask`` items may be given as strings or sets)."""
    return Term("posts", expr, _flat(mask))


def fol(name: str) -> Term:
    """A follower aggregate of the period (see the engine for the names)."""
    return Term("followers", name, frozenset())


def conv(expr: str, *mask) -> Term:
    """A sum over received conversations."""
    return Term("conversations", expr, _flat(mask))


def _flat(items) -> frozenset:
    out = set()
    for item in items:
        if isinstance(item, str):
            out.add(item)
        else:
            out.update(item)
    return frozenset(out)


@dataclass(frozen=True)
class Options:
    """Choices that change a definition; every one is explicit in ``compute``.

    Attributes
    ----------
    aggregation : {"ratio_of_sums", "mean_of_ratios"}
        Rate over a period: Σnum / Σden (default), or the mean of the
        per-post ratios (Hootsuite's "average ERR").
    follower_basis : {"end", "mean"}
        F = followers at the end of the period, or the mean of start and end.
    include_saves, include_clicks : bool
        Add saves / clicks to the interactions A = likes + comments + shares
        (where the network reports them).
    min_posts : int
        Below this many posts (or conversations) the status says "small sample".
    population : {"insee", "article"}
        Population used per 1000 inhabitants.
    """

    aggregation: str = "ratio_of_sums"
    follower_basis: str = "end"
    include_saves: bool = False
    include_clicks: bool = False
    min_posts: int = 10
    population: str = "insee"

    def __post_init__(self):
        for name, allowed in (
            ("aggregation", AGGREGATIONS),
            ("follower_basis", FOLLOWER_BASES),
            ("population", POPULATIONS),
        ):
            if getattr(self, name) not in allowed:
                raise ValueError(
                    f"{name}={getattr(self, name)!r}; expected one of {', '.join(allowed)}"
                )
        if int(self.min_posts) != self.min_posts or self.min_posts < 0:
            raise ValueError(f"min_posts must be a non-negative integer, got {self.min_posts!r}")

    @property
    def interactions(self) -> tuple[str, ...]:
        """Metrics summed into the interactions A of a post."""
        extra = (("saves",) if self.include_saves else ()) + (
            ("clicks",) if self.include_clicks else ()
        )
        return ("likes", "comments", "shares", *extra)


def needs(expr: str) -> frozenset:
    """Requirements implied by using a per-post expression."""
    if "/" in expr:
        num, den = expr.split("/", 1)
        return needs(num) | needs(den)
    if expr in METRICS or expr in ("interactions", "followers"):
        return frozenset({expr})
    if expr.startswith("ge1:"):
        return frozenset({expr[4:]})
    return frozenset()


def div(num, den):
    """num / den, missing (NaN) where den is 0 — never a silent 0."""
    num = np.asarray(num, dtype="float64")
    den = np.asarray(den, dtype="float64")
    out = np.full(np.broadcast(num, den).shape, np.nan)
    np.divide(num, den, out=out, where=den != 0)
    return out


def apply_status(shape, conditions) -> np.ndarray:
    """Status codes from ``(condition, code)`` pairs: the highest-priority code wins."""
    status = np.full(shape, OK, dtype=np.int8)
    for cond, code in sorted(conditions, key=lambda c: c[1]):
        status = np.where(np.asarray(cond, dtype=bool), np.int8(code), status)
    return status


class Recipe:
    """Base class: ``value``, ``n`` and ``status`` from aggregates (see module doc).

    ``agg[term]`` gives an array per group (shape ``(G,)``, or ``(G, B)`` in
    the bootstrap); ``ctx`` gives per-group context (``ctx.weeks``,
    ``ctx.population``, ``ctx.reports(metric)``).
    """

    source = "posts"
    bootstrap = False

    def value(self, agg, ctx, opts: Options):  # pragma: no cover - abstract
        raise NotImplementedError

    def n(self, agg, ctx, opts: Options):  # pragma: no cover - abstract
        raise NotImplementedError

    def status(self, agg, ctx, opts: Options):  # pragma: no cover - abstract
        raise NotImplementedError


def _metric_conditions(q, filt, agg, ctx):
    """Statuses for requirements of ``q`` that no post of the group meets."""
    conds = []
    extra = frozenset({filt}) if filt else frozenset()
    for req in sorted(q):
        if req in ("video",) or req.startswith("pos:"):
            continue
        count = agg[post("one", {req} | extra)]
        if req == "followers":
            conds.append((count == 0, NO_FOLLOWERS))
        else:
            conds.append((count == 0, MISSING))
            conds.append(((count == 0) & ~ctx.reports(req), NOT_REPORTED))
    if filt:
        conds.append((agg[post("one", filt)] == 0, _FILTER_STATUS.get(filt, MISSING)))
    conds.append((agg[post("one")] == 0, NO_POSTS))
    return conds


@dataclass(frozen=True)
class PostRate(Recipe):
    """A rate over the posts of a group: ``scale × Σnum / Σden``.

    Only posts where both ``num`` and ``den`` are reported (and ``filter``
    holds) count in either sum. With ``aggregation="mean_of_ratios"`` the
    value is ``scale × mean(numᵢ / denᵢ)`` over those posts with denᵢ > 0.
    With ``den="one"`` it is a per-post average (the two aggregations agree).
    """

    num: str
    den: str = "one"
    scale: float = 1.0
    filter: str | None = None
    bootstrap: bool = True

    @property
    def q(self) -> frozenset:
        return (
            needs(self.num)
            | needs(self.den)
            | (frozenset({self.filter}) if self.filter else frozenset())
        )

    def _mean_of_ratios(self, opts) -> bool:
        return opts.aggregation == "mean_of_ratios" and self.den != "one"

    def value(self, agg, ctx, opts):
        q = self.q
        if self._mean_of_ratios(opts):
            q2 = q | {f"pos:{self.den}"}
            return self.scale * div(agg[post(f"{self.num}/{self.den}", q2)], agg[post("one", q2)])
        return self.scale * div(agg[post(self.num, q)], agg[post(self.den, q)])

    def n(self, agg, ctx, opts):
        q = self.q | ({f"pos:{self.den}"} if self._mean_of_ratios(opts) else set())
        return agg[post("one", q)]

    def status(self, agg, ctx, opts):
        q = self.q
        n = self.n(agg, ctx, opts)
        den = n if self._mean_of_ratios(opts) else agg[post(self.den, q)]
        conds = [
            (n < opts.min_posts, SMALL),
            (den <= 0, ZERO),
            (agg[post("one", q)] == 0, MISSING),
            *_metric_conditions(q, self.filter, agg, ctx),
        ]
        return apply_status(np.shape(n), conds)


@dataclass(frozen=True)
class PostSum(Recipe):
    """A total over the posts of a group: ``scale × Σexpr`` (reported posts only)."""

    expr: str
    filter: str | None = None
    scale: float = 1.0

    @property
    def q(self) -> frozenset:
        return needs(self.expr) | (frozenset({self.filter}) if self.filter else frozenset())

    def value(self, agg, ctx, opts):
        return self.scale * np.asarray(agg[post(self.expr, self.q)], dtype="float64")

    def n(self, agg, ctx, opts):
        return agg[post("one", self.q)]

    def status(self, agg, ctx, opts):
        n = self.n(agg, ctx, opts)
        conds = [(n == 0, MISSING), *_metric_conditions(self.q, self.filter, agg, ctx)]
        return apply_status(np.shape(n), conds)


@dataclass(frozen=True)
class PostCount(Recipe):
    """The number of posts of the group (0 is a real value here)."""

    def value(self, agg, ctx, opts):
        return np.asarray(agg[post("one")], dtype="float64")

    def n(self, agg, ctx, opts):
        return agg[post("one")]

    def status(self, agg, ctx, opts):
        return apply_status(np.shape(agg[post("one")]), [])


@dataclass(frozen=True)
class PerWeek(Recipe):
    """Posts per week: N / (local calendar days of the period / 7)."""

    def value(self, agg, ctx, opts):
        return div(agg[post("one")], ctx.weeks)

    def n(self, agg, ctx, opts):
        return agg[post("one")]

    def status(self, agg, ctx, opts):
        return apply_status(np.shape(agg[post("one")]), [(ctx.weeks <= 0, ZERO)])


@dataclass(frozen=True)
class MediaMix(Recipe):
    """Share of posts per media type; the engine expands it to one row per type."""

    def expand(self, media_types) -> list[tuple[str, Recipe]]:
        return [
            (m, PostRate(f"media:{m}", "one", scale=100.0, bootstrap=False)) for m in media_types
        ]


@dataclass(frozen=True)
class Composite(Recipe):
    """Sum of other indicators' values (Bonsón's E = P3 + C3 + V3)."""

    parts: tuple[str, ...]
    bootstrap: bool = True

    def _recipes(self):
        from .registry import INDICATORS

        return [INDICATORS[p].recipe for p in self.parts]

    def value(self, agg, ctx, opts):
        return sum(r.value(agg, ctx, opts) for r in self._recipes())

    def n(self, agg, ctx, opts):
        ns = [np.asarray(r.n(agg, ctx, opts), dtype="float64") for r in self._recipes()]
        return np.minimum.reduce(np.broadcast_arrays(*ns))

    def status(self, agg, ctx, opts):
        stats = [r.status(agg, ctx, opts) for r in self._recipes()]
        return np.maximum.reduce(np.broadcast_arrays(*stats)).astype(np.int8)


@dataclass(frozen=True)
class FollowerStat(Recipe):
    """Audience figures from the followers table.

    ``kind``: ``"end"`` (Σ over accounts of the last count in the period),
    ``"growth"`` (Σ end − Σ start over accounts with both), ``"growth_rate"``
    (growth / Σ start, ×100) or ``"per_1000"`` (end / population × 1000).
    """

    kind: str
    source = "followers"

    def value(self, agg, ctx, opts):
        end_both, start_both = agg[fol("end_both")], agg[fol("start_both")]
        if self.kind == "end":
            return np.asarray(agg[fol("end")], dtype="float64")
        if self.kind == "growth":
            return np.asarray(end_both - start_both, dtype="float64")
        if self.kind == "growth_rate":
            return 100.0 * div(end_both - start_both, start_both)
        return 1000.0 * div(agg[fol("end")], ctx.population)

    def n(self, agg, ctx, opts):
        return agg[fol("rows")]

    def status(self, agg, ctx, opts):
        has = agg[fol("has_both")] if self.kind.startswith("growth") else agg[fol("has_end")]
        conds = [(has == 0, NO_FOLLOWERS)]
        if self.kind == "growth_rate":
            conds.append((agg[fol("start_both")] <= 0, ZERO))
        if self.kind == "per_1000":
            conds.append((~(np.asarray(ctx.population) > 0), NO_POPULATION))
        return apply_status(np.shape(has), conds)


@dataclass(frozen=True)
class ConvRate(Recipe):
    """Share of received conversations meeting ``expr`` (×100)."""

    expr: str
    source = "conversations"
    bootstrap = True

    def value(self, agg, ctx, opts):
        return 100.0 * div(agg[conv(self.expr)], agg[conv("one")])

    def n(self, agg, ctx, opts):
        return agg[conv("one")]

    def status(self, agg, ctx, opts):
        n = agg[conv("one")]
        return apply_status(np.shape(n), [(n < opts.min_posts, SMALL), (n == 0, NO_CONVERSATIONS)])


@dataclass(frozen=True)
class ConvMedian(Recipe):
    """Median delay to the first reply (hours), over answered conversations."""

    source = "conversations"

    def value(self, agg, ctx, opts):
        return np.asarray(agg[conv("median_delay")], dtype="float64")

    def n(self, agg, ctx, opts):
        return agg[conv("replied")]

    def status(self, agg, ctx, opts):
        n = agg[conv("replied")]
        return apply_status(
            np.shape(n),
            [
                (n < opts.min_posts, SMALL),
                (n == 0, NO_REPLIES),
                (agg[conv("one")] == 0, NO_CONVERSATIONS),
            ],
        )


class _Recorder(dict):
    """Stands in for the aggregates and the context while recording terms."""

    def __init__(self):
        super().__init__()
        self.terms: list[Term] = []
        self.reported: set[str] = set()
        self.weeks = np.zeros(1)
        self.population = np.zeros(1)

    def __getitem__(self, term):
        if term not in self.terms:
            self.terms.append(term)
        return np.zeros(1)

    def reports(self, metric):
        self.reported.add(metric)
        self[post("one", metric)]
        return np.zeros(1, dtype=bool)


def needed_terms(recipe: Recipe, opts: Options, *, value_only: bool = False):
    """Terms (and ``ctx.reports`` metrics) a recipe reads, found by recording.

    Returns
    -------
    terms : list of Term
    reported : set of str
    """
    rec = _Recorder()
    with np.errstate(all="ignore"):
        recipe.value(rec, rec, opts)
        if not value_only:
            recipe.n(rec, rec, opts)
            recipe.status(rec, rec, opts)
    return rec.terms, rec.reported
