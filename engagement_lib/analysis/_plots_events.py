"""Figures of :mod:`engagement_lib.analysis.events` (fr/en labels)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns

from ..i18n import check_lang, label, pick

__all__ = ["plot_interrupted_time_series", "plot_arms", "plot_change_point_scan"]

_T = {
    "observed": {"fr": "Observé", "en": "Observed"},
    "fitted": {"fr": "Modèle segmenté", "en": "Segmented model"},
    "counterfactual": {"fr": "Sans l'événement (contrefactuel)", "en": "Without the event (counterfactual)"},
    "event": {"fr": "Événement", "en": "Event"},
    "level": {"fr": "saut de niveau", "en": "level change"},
    "f_stat": {"fr": "Statistique F de rupture", "en": "Break F statistic"},
    "estimated": {"fr": "Date estimée", "en": "Estimated date"},
    "known": {"fr": "Date connue", "en": "Known date"},
    "scan_title": {"fr": "Recherche de la date de rupture", "en": "Change-point search"},
    "arm": {"fr": "Bras", "en": "Arm"},
    "lift": {"fr": "hausse relative", "en": "relative lift"},
}


def _t(key, lang):
    return pick(_T[key], lang)


def plot_interrupted_time_series(
    its,
    *,
    lang: str = "fr",
    ax=None,
    ylabel: str | None = None,
    title: str | None = None,
    rolling: int | None = None,
):
    """Observed series, segmented fit and counterfactual of an :class:`InterruptedTimeSeries`.

    Parameters
    ----------
    its : InterruptedTimeSeries
        Fitted.
    lang : {"fr", "en"}, default "fr"
    ax : matplotlib Axes, optional
    ylabel, title : str, optional
    rolling : int, optional
        Also draw a centred rolling mean of the observations (periods).

    Returns
    -------
    matplotlib.axes.Axes
    """
    check_lang(lang)
    ax = ax or plt.subplots(figsize=(10, 4))[1]
    fit = its.fitted_
    ax.scatter(fit["date"], fit["observed"], s=6, color="0.6", label=_t("observed", lang))
    if rolling:
        ax.plot(fit["date"], fit["observed"].rolling(rolling, center=True, min_periods=1).mean(),
                color="0.35", lw=1)
    before, after = fit[~fit["after"]], fit[fit["after"]]
    ax.plot(before["date"], before["trend"], color="C0", lw=2, label=_t("fitted", lang))
    ax.plot(after["date"], after["trend"], color="C0", lw=2)
    ax.plot(after["date"], after["counterfactual"], color="C0", lw=1.5, ls="--",
            label=_t("counterfactual", lang))
    event = pd.Timestamp(its.event)
    ax.axvline(event, color="C3", lw=1)
    lvl = its.effects_.set_index("term").loc["level_change"]
    text = f"{_t('event', lang)} {event:%Y-%m-%d}\n{_t('level', lang)}: {lvl['estimate']:+.2f} " \
           f"[{lvl['ci_low']:+.2f} ; {lvl['ci_high']:+.2f}]"
    if "relative" in lvl and pd.notna(lvl.get("relative")):
        text += f"\n(×{np.exp(lvl['estimate']):.2f})"
    ax.text(0.01, 0.97, text, transform=ax.transAxes, va="top", fontsize=8,
            bbox={"facecolor": "white", "alpha": 0.8, "edgecolor": "none"})
    ax.set_xlabel(label("date", lang))
    if ylabel:
        ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    ax.legend(loc="upper right", fontsize=8)
    return ax


def plot_arms(
    posts: pd.DataFrame,
    result: pd.DataFrame,
    *,
    treatment: str,
    control: str,
    outcome: str = "views",
    denominator: str | None = None,
    arm: str = "label",
    lang: str = "fr",
    ax=None,
    arm_labels: dict | None = None,
):
    """Per-post values of the two arms (log scale) with the estimated lift.

    Parameters
    ----------
    posts : pandas.DataFrame
    result : pandas.DataFrame
        Output of :func:`compare_arms` for the same outcome.
    treatment, control, outcome, denominator, arm
        As given to :func:`compare_arms`.
    arm_labels : dict, optional
        Display names of the arms.

    Returns
    -------
    matplotlib.axes.Axes
    """
    check_lang(lang)
    ax = ax or plt.subplots(figsize=(5, 4))[1]
    sub = posts[posts[arm].astype("object").isin([treatment, control])]
    val = pd.to_numeric(sub[outcome], errors="coerce").astype(float)
    if denominator:
        den = pd.to_numeric(sub[denominator], errors="coerce").astype(float)
        val = val / den.where(den > 0)
    names = arm_labels or {}
    frame = pd.DataFrame({
        "arm": sub[arm].astype("object").map(lambda a: names.get(a, a)),
        "value": val.to_numpy(),
    }).dropna()
    order = [names.get(control, control), names.get(treatment, treatment)]
    sns.boxplot(frame, x="arm", y="value", order=order, ax=ax, color="0.9", showfliers=False,
                log_scale=True)
    sns.stripplot(frame, x="arm", y="value", order=order, ax=ax, size=3, alpha=0.6,
                  hue="arm", hue_order=order, legend=False)
    reg = result.set_index("method").loc["regression"]
    ax.set_title(
        f"{_t('lift', lang)}: {reg['estimate']:+.0%} [{reg['ci_low']:+.0%} ; {reg['ci_high']:+.0%}]",
        fontsize=10,
    )
    ax.set_xlabel(_t("arm", lang))
    ylab = label(outcome, lang) + (f" / {label(denominator, lang)}" if denominator else "")
    ax.set_ylabel(ylab)
    return ax


def plot_change_point_scan(scan, *, known=None, lang: str = "fr", ax=None):
    """F statistic over the candidate dates of a :class:`ChangePointScan`.

    Parameters
    ----------
    scan : ChangePointScan
        Fitted.
    known : date-like, optional
        A known event date to mark for comparison.

    Returns
    -------
    matplotlib.axes.Axes
    """
    check_lang(lang)
    ax = ax or plt.subplots(figsize=(10, 3))[1]
    prof = scan.profile_.replace(-np.inf, np.nan)
    ax.plot(prof["date"], prof["f_stat"], color="C0", lw=1)
    ax.axvline(scan.date_, color="C3", lw=1.5,
               label=f"{_t('estimated', lang)} {scan.date_:%Y-%m-%d} (p = {scan.p_value_:.3f})")
    if known is not None:
        ax.axvline(pd.Timestamp(known), color="0.3", lw=1, ls=":",
                   label=f"{_t('known', lang)} {pd.Timestamp(known):%Y-%m-%d}")
    ax.set_ylabel(_t("f_stat", lang))
    ax.set_xlabel(label("date", lang))
    ax.set_title(_t("scan_title", lang))
    ax.legend(fontsize=8)
    return ax
