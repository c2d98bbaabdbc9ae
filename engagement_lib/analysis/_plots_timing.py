"""Figures of :mod:`engagement_lib.analysis.timing` (seaborn heatmaps, fr/en labels).

Every heatmap shows uncertainty or sample size, not just a colour per cell:
the naive heatmap writes the number of posts in each cell and hatches the
cells with too few posts to mean anything; the adjusted heatmap colours the
estimated ratio on a log scale, hatches the cells whose interval includes 1
(no evidence that the slot differs from the average slot) and greys the cells
that could not be estimated.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.colors import TwoSlopeNorm
from matplotlib.patches import Patch, Rectangle

from ..i18n import WEEKDAYS, check_lang, label, pick

__all__ = ["plot_naive_heatmap", "plot_timing_effects", "plot_naive_vs_adjusted"]

_T = {
    "naive_title": {"fr": "Moyenne brute par créneau", "en": "Raw mean per slot"},
    "median_title": {"fr": "Médiane brute par créneau", "en": "Raw median per slot"},
    "count_title": {"fr": "Publications par créneau (habitudes)", "en": "Posts per slot (habits)"},
    "adjusted_title": {
        "fr": "Effet ajusté (contenu, compte, période)",
        "en": "Adjusted effect (content, account, period)",
    },
    "ratio": {"fr": "Rapport au créneau moyen", "en": "Ratio to the average slot"},
    "ratio_ref": {"fr": "Rapport au créneau de référence", "en": "Ratio to the reference slot"},
    "mean": {"fr": "Interactions par publication", "en": "Interactions per post"},
    "n_posts": {"fr": "Nombre de publications", "en": "Number of posts"},
    "ci_includes_1": {
        "fr": "hachuré : l'intervalle à 95 % contient 1",
        "en": "hatched: 95% interval includes 1",
    },
    "too_few": {"fr": "gris : trop peu de publications", "en": "grey: too few posts"},
    "sparse": {"fr": "hachuré : moins de {n} publications", "en": "hatched: fewer than {n} posts"},
}


def _t(key: str, lang: str, **kw) -> str:
    return pick(_T[key], lang).format(**kw)


def _select(frame: pd.DataFrame, network) -> pd.DataFrame:
    if network is None:
        if "network" in frame.columns and frame["network"].nunique() > 1:
            raise ValueError(
                "several networks in the frame: pass network=... (one heatmap per network)"
            )
        return frame
    if "network" not in frame.columns:
        raise ValueError("network= given but the frame has no 'network' column")
    out = frame[frame["network"].astype(str) == str(network)]
    if out.empty:
        raise ValueError(f"no rows for network {network!r}")
    return out


def _grid(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    grid = frame.pivot_table(
        index="weekday", columns="hour_start", values=column, aggfunc="first", dropna=False
    )
    return grid.reindex(index=range(7))


def _ticklabels(ax, frame: pd.DataFrame, lang: str):
    blocks = (
        frame[["hour_start", "hour_end"]].drop_duplicates().sort_values("hour_start")
        .itertuples(index=False)
    )
    ax.set_xticklabels([f"{int(a):02d}–{int(b):02d}" for a, b in blocks], rotation=0)
    ax.set_yticklabels(WEEKDAYS[lang], rotation=0)
    ax.set_xlabel(label("hour", lang))
    ax.set_ylabel(label("weekday", lang))


def _hatch(ax, mask: np.ndarray, hatch: str = "//", color: str = "0.55"):
    for i, j in zip(*np.nonzero(mask)):
        ax.add_patch(Rectangle((j, i), 1, 1, fill=False, hatch=hatch, edgecolor=color, lw=0))


def _write_masked(ax, counts: pd.DataFrame, shown: np.ndarray):
    """Write the number of posts in the cells seaborn masked (not estimated)."""
    for i in range(counts.shape[0]):
        for j in range(counts.shape[1]):
            n = int(counts.iat[i, j])
            if n and not shown[i, j]:
                ax.text(j + 0.5, i + 0.5, f"n={n}", ha="center", va="center", fontsize=7,
                        color="0.35")


def plot_naive_heatmap(
    naive: pd.DataFrame,
    *,
    network: str | None = None,
    stat: str = "mean",
    min_posts: int = 30,
    lang: str = "fr",
    ax=None,
    cmap: str = "rocket_r",
):
    """Heatmap of the raw mean (or median, or post count) per weekday × hour cell.

    Parameters
    ----------
    naive : pandas.DataFrame
        Output of :func:`engagement_lib.analysis.timing.naive_heatmap`.
    network : str, optional
        Network to draw (needed when the frame holds several).
    stat : {"mean", "median", "n"}, default "mean"
        What the colour shows; ``"n"`` draws the posting habits.
    min_posts : int, default 30
        Cells with fewer posts are hatched.
    lang : {"fr", "en"}, default "fr"
    ax : matplotlib Axes, optional
    cmap : str, default "rocket_r"

    Returns
    -------
    matplotlib.axes.Axes
    """
    check_lang(lang)
    frame = _select(naive, network)
    ax = ax or plt.subplots(figsize=(8, 4))[1]
    values = _grid(frame, stat).astype(float)
    counts = _grid(frame, "n").fillna(0).astype(int)
    annot = np.empty(values.shape, dtype=object)
    for i in range(values.shape[0]):
        for j in range(values.shape[1]):
            v, n = values.iat[i, j], counts.iat[i, j]
            if stat == "n":
                annot[i, j] = f"{n}" if n else ""
            else:
                annot[i, j] = "" if n == 0 or np.isnan(v) else f"{v:,.0f}\nn={n}"
    bar = label("posts", lang) if stat == "n" else _t("mean", lang)
    sns.heatmap(
        values, ax=ax, cmap=cmap, annot=annot, fmt="", annot_kws={"fontsize": 7},
        cbar_kws={"label": bar}, linewidths=0.5, linecolor="white",
        mask=values.isna() | (counts == 0),
    )
    if stat != "n":
        _hatch(ax, ((counts > 0) & (counts < min_posts)).to_numpy())
    title = {"mean": "naive_title", "median": "median_title", "n": "count_title"}[stat]
    ax.set_title(_t(title, lang) + (f" — {label(network, lang)}" if network else ""))
    _ticklabels(ax, frame, lang)
    if stat != "n":
        ax.legend(
            handles=[Patch(facecolor="white", edgecolor="0.55", hatch="//",
                           label=_t("sparse", lang, n=min_posts))],
            loc="upper center", bbox_to_anchor=(0.5, -0.14), fontsize=7, frameon=False,
        )
    return ax


def plot_timing_effects(
    effects: pd.DataFrame,
    *,
    network: str | None = None,
    lang: str = "fr",
    ax=None,
    cmap: str = "vlag",
    limit: float | None = None,
):
    """Heatmap of the adjusted slot effects with their uncertainty.

    Colour: the estimated ratio on a log scale, centred on 1 (blue below,
    red above). Text: the ratio and the number of posts. Hatched: the 95 %
    interval includes 1. Grey: not estimated (too few posts).

    Parameters
    ----------
    effects : pandas.DataFrame
        :attr:`PostingTimeEffects.effects_` (or :func:`posting_time_effects`).
    network : str, optional
    lang : {"fr", "en"}, default "fr"
    ax : matplotlib Axes, optional
    cmap : str, default "vlag"
    limit : float, optional
        Colour range in ratio (e.g. 2 → 0.5 to 2); default from the data.

    Returns
    -------
    matplotlib.axes.Axes
    """
    check_lang(lang)
    frame = _select(effects, network)
    ax = ax or plt.subplots(figsize=(8, 4))[1]
    est = _grid(frame, "estimate").astype(float)
    lo = _grid(frame, "ci_low").astype(float)
    hi = _grid(frame, "ci_high").astype(float)
    counts = _grid(frame, "n").fillna(0).astype(int)
    logv = np.log2(est)
    span = np.log2(limit) if limit else max(float(np.nanmax(np.abs(logv.to_numpy()))), 0.1)
    if not np.isfinite(span):
        span = 1.0
    annot = np.empty(est.shape, dtype=object)
    for i in range(est.shape[0]):
        for j in range(est.shape[1]):
            v, n = est.iat[i, j], counts.iat[i, j]
            annot[i, j] = (f"n={n}" if n else "") if np.isnan(v) else f"×{v:.2f}\nn={n}"
    ax.set_facecolor("0.88")
    sns.heatmap(
        logv, ax=ax, cmap=cmap, norm=TwoSlopeNorm(0.0, -span, span), annot=annot, fmt="",
        annot_kws={"fontsize": 7}, linewidths=0.5, linecolor="white", mask=logv.isna(),
        cbar_kws={"label": _t("ratio", lang)},
    )
    cbar = ax.collections[0].colorbar
    ticks = [t for t in (-2, -1, -0.5, 0, 0.5, 1, 2) if abs(t) <= span + 1e-9]
    cbar.set_ticks(ticks)
    cbar.set_ticklabels([f"×{2**t:.2g}" for t in ticks])
    includes_one = ((lo <= 1) & (hi >= 1)).to_numpy() & ~np.isnan(est.to_numpy())
    _hatch(ax, includes_one)
    _write_masked(ax, counts, ~np.isnan(est.to_numpy()))
    if "status" in frame.columns and (frame["status"] == "reference").any():
        cbar.set_label(_t("ratio_ref", lang))
    ax.set_title(_t("adjusted_title", lang) + (f" — {label(network, lang)}" if network else ""))
    _ticklabels(ax, frame, lang)
    ax.legend(
        handles=[Patch(facecolor="white", edgecolor="0.55", hatch="//",
                       label=_t("ci_includes_1", lang)),
                 Patch(facecolor="0.88", label=_t("too_few", lang))],
        loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=2, fontsize=7, frameon=False,
    )
    return ax


def plot_naive_vs_adjusted(
    naive: pd.DataFrame,
    effects: pd.DataFrame,
    *,
    network: str,
    lang: str = "fr",
    min_posts: int = 30,
    figsize=(18, 4.6),
):
    """Three panels: posting habits (posts per cell), raw mean, adjusted effect.

    Shows how office-hours habits mislead: the busiest cells are not the best
    ones, and the highest raw means often sit in small cells lifted by one
    viral post.

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, axes = plt.subplots(1, 3, figsize=figsize, constrained_layout=True)
    plot_naive_heatmap(naive, network=network, stat="n", lang=lang, ax=axes[0], cmap="Greys")
    plot_naive_heatmap(naive, network=network, stat="mean", lang=lang, ax=axes[1],
                       min_posts=min_posts)
    plot_timing_effects(effects, network=network, lang=lang, ax=axes[2])
    return fig
