"""Figures of the content-type analysis (seaborn), with French or English labels.

Every function takes ``lang="fr"|"en"`` and an optional ``ax`` (or returns a
new figure), and returns the matplotlib ``Figure``. Labels come from
:mod:`engagement_lib.i18n` (metrics, media types, networks) or are defined
here with :func:`~engagement_lib.i18n.pick`.
"""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns

from ..i18n import check_lang, label, pick

__all__ = ["plot_selection", "plot_profiles", "plot_association", "plot_top_terms"]

_TEXT = {
    "k": {"fr": "Nombre de groupes", "en": "Number of clusters"},
    "silhouette": {"fr": "Silhouette (plus haut = mieux)", "en": "Silhouette (higher is better)"},
    "bic": {"fr": "BIC (plus bas = mieux)", "en": "BIC (lower is better)"},
    "selected": {"fr": "retenu", "en": "selected"},
    "profile": {"fr": "Profil d'engagement", "en": "Engagement profile"},
    "lift_title": {
        "fr": "Engagement par rapport à la publication habituelle du compte (× à couverture égale)",
        "en": "Engagement relative to the account's usual post (× at equal reach)",
    },
    "residual_title": {
        "fr": "Sur- et sous-représentation (résidus ajustés ; |r| > 2 = notable)",
        "en": "Over- and under-representation (adjusted residuals; |r| > 2 = notable)",
    },
    "topic": {"fr": "Thème", "en": "Topic"},
    "weight": {"fr": "Poids du terme", "en": "Term weight"},
    "topics_title": {"fr": "Mots les plus caractéristiques de chaque thème", "en": "Top terms of each topic"},
}


def _t(key, lang):
    return pick(_TEXT[key], lang)


def _new_ax(ax, figsize):
    if ax is None:
        fig, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax.figure, ax


def plot_selection(model, *, lang="fr", axes=None):
    """Silhouette and BIC against the number of clusters, the kept one marked.

    Parameters
    ----------
    model : fitted EngagementClusters, EngagementProfileClusterer or TextTopics
        Anything with a ``selection_`` table (``k``, ``silhouette``, optional ``bic``, ``selected``).
    lang : {"fr", "en"}
    axes : sequence of two Axes, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    check_lang(lang)
    table = model.selection_
    crits = [c for c in ("silhouette", "bic") if c in table and table[c].notna().any()]
    if axes is None:
        fig, axes = plt.subplots(1, len(crits), figsize=(4.5 * len(crits), 3.2), layout="constrained")
        axes = np.atleast_1d(axes)
    fig = axes[0].figure
    best = table.loc[table["selected"], "k"].iloc[0]
    for ax, crit in zip(axes, crits):
        sns.lineplot(data=table, x="k", y=crit, marker="o", ax=ax)
        ax.axvline(best, color="0.5", linestyle="--", label=f"k = {best} ({_t('selected', lang)})")
        ax.set_xlabel(_t("k", lang))
        ax.set_ylabel(_t(crit, lang))
        ax.legend(loc="best", fontsize="small")
    return fig


def plot_profiles(model, *, lang="fr", ax=None):
    """Heatmap of each cluster's median lift per metric (× the account's usual post).

    Colours are on a log2 scale centred at ×1 (blue below, red above); cells
    read "×2.5". Rows are the cluster names in ``lang`` with their share of posts.

    Parameters
    ----------
    model : fitted EngagementClusters
    lang : {"fr", "en"}
    ax : Axes, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    check_lang(lang)
    p = model.profiles_
    metrics = list(model.features_.metrics_)
    lifts = p[[f"lift_{m}" for m in metrics]].to_numpy(dtype=float)
    rows = [f"{name} ({share:.0%})" for name, share in zip(p[f"name_{lang}"], p["share"])]
    cols = [textwrap.fill(label(m, lang), 14) for m in metrics]
    fig, ax = _new_ax(ax, (1.4 * len(metrics) + 3.5, 0.6 * len(rows) + 1.6))
    with np.errstate(divide="ignore"):
        logs = np.log2(lifts)
    annot = np.vectorize(lambda v: "" if np.isnan(v) else f"×{v:.1f}")(lifts)
    lim = max(1.0, float(np.nanmax(np.abs(logs))) if np.isfinite(logs).any() else 1.0)
    sns.heatmap(
        pd.DataFrame(logs, index=rows, columns=cols),
        annot=annot,
        fmt="",
        cmap="RdBu_r",
        center=0,
        vmin=-lim,
        vmax=lim,
        cbar_kws={"label": "log2 (×)"},
        ax=ax,
    )
    ax.set_title(_t("lift_title", lang), fontsize="medium")
    ax.set_ylabel(_t("profile", lang))
    ax.set_xlabel("")
    return fig


def plot_association(result, *, lang="fr", ax=None, row_names=None, title=None):
    """Heatmap of the adjusted residuals of a cross-tabulation, cells annotated with counts.

    Parameters
    ----------
    result : Association
        From :func:`~engagement_lib.analysis.clusters.association`.
    lang : {"fr", "en"}
    ax : Axes, optional
    row_names : sequence of str, optional
        Labels of the rows (e.g. the cluster names in ``lang``); default: the
        values, translated by :func:`~engagement_lib.i18n.label` when known.
    title : str, optional
        Default: Cramér's V with its interval, and the chi-square p-value.

    Returns
    -------
    matplotlib.figure.Figure
    """
    check_lang(lang)
    resid = result.residuals
    rows = list(row_names) if row_names is not None else [label(v, lang) for v in resid.index]
    cols = [textwrap.fill(label(v, lang), 14) for v in resid.columns]
    fig, ax = _new_ax(ax, (1.3 * len(cols) + 3.5, 0.6 * len(rows) + 1.8))
    lim = max(3.0, float(np.nanmax(np.abs(resid.to_numpy()))))
    sns.heatmap(
        pd.DataFrame(resid.to_numpy(), index=rows, columns=cols),
        annot=result.table.to_numpy(),
        fmt="d",
        cmap="RdBu_r",
        center=0,
        vmin=-lim,
        vmax=lim,
        cbar_kws={"label": pick({"fr": "résidu ajusté", "en": "adjusted residual"}, lang)},
        ax=ax,
    )
    ax.set_xlabel(label(result.col, lang))
    ax.set_ylabel(label(result.row, lang) if result.row != "cluster" else _t("profile", lang))
    if title is None:
        p = "p < 0.001" if result.p_value < 0.001 else f"p = {result.p_value:.3f}"
        ci = pick({"fr": "IC", "en": "CI"}, lang)
        title = (
            f"{_t('residual_title', lang)}\n"
            f"V de Cramér = {result.cramers_v:.2f} ({ci} {result.confidence:.0%} "
            f"{result.ci_low:.2f}–{result.ci_high:.2f}), {p}"
            if lang == "fr"
            else f"{_t('residual_title', lang)}\n"
            f"Cramér's V = {result.cramers_v:.2f} ({result.confidence:.0%} {ci} "
            f"{result.ci_low:.2f}–{result.ci_high:.2f}), {p}"
        )
    ax.set_title(title, fontsize="medium")
    return fig


def plot_top_terms(topics, *, n=8, lang="fr", col_wrap=4):
    """Bar charts of the ``n`` heaviest terms of each topic.

    Parameters
    ----------
    topics : fitted TextTopics
    n : int, default 8
    lang : {"fr", "en"}
    col_wrap : int, default 4

    Returns
    -------
    matplotlib.figure.Figure
    """
    check_lang(lang)
    terms = topics.top_terms(n)
    terms["panel"] = [f"{_t('topic', lang)} {t}" for t in terms["topic"]]
    grid = sns.catplot(
        data=terms,
        x="weight",
        y="term",
        col="panel",
        col_wrap=min(col_wrap, topics.n_topics_),
        kind="bar",
        sharey=False,
        height=2.6,
        aspect=1.2,
        color="C0",
    )
    grid.set_titles("{col_name}")
    grid.set_axis_labels(_t("weight", lang), "")
    grid.figure.suptitle(_t("topics_title", lang), y=1.02)
    return grid.figure
