"""Figures of the indicators (seaborn), with French or English labels.

This module holds the dashboard figures and a few generic helpers (a fixed
colour per network, indicator labels, month axes). Analysis modules keep
their own figures next to their code. Every function takes the data first,
keyword-only options after, and returns the matplotlib Figure.
"""

from __future__ import annotations

import math

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns

from .i18n import check_lang, label, network_label
from .indicators._periods import TZ
from .indicators.registry import INDICATORS, unit_label
from .schema import NETWORKS

__all__ = [
    "network_palette",
    "indicator_label",
    "dashboard_plot",
    "interval_plot",
]


def network_palette(networks=None) -> dict[str, tuple]:
    """A fixed colour per network (the same in every figure; colour-blind safe).

    Parameters
    ----------
    networks : iterable of str, optional
        Networks to include (default: all of :class:`~engagement_lib.schema.Network`).

    Returns
    -------
    dict
        network value → RGB tuple.
    """
    colours = sns.color_palette("colorblind", len(NETWORKS))
    fixed = dict(zip(NETWORKS, colours))
    wanted = NETWORKS if networks is None else list(dict.fromkeys(map(str, networks)))
    grey = (0.5, 0.5, 0.5)
    return {n: fixed.get(n, grey) for n in wanted}


def indicator_label(indicator: str, lang: str = "fr", *, unit: bool = True) -> str:
    """Label of an indicator id (``"media_mix:video"`` included), with its unit.

    Examples
    --------
    >>> indicator_label("ctr", "en")
    'Click-through rate (CTR) (%)'
    """
    check_lang(lang)
    base, _, part = str(indicator).partition(":")
    if base not in INDICATORS:
        return str(indicator)
    ind = INDICATORS[base]
    text = ind.label(lang) + (f" — {label(part, lang)}" if part else "")
    return f"{text} ({unit_label(ind.unit, lang)})" if unit else text


def _facets(n: int, ncols: int, height: float, aspect: float):
    ncols = max(1, min(ncols, n))
    nrows = max(1, math.ceil(n / ncols))
    fig, axes = plt.subplots(
        nrows, ncols, figsize=(ncols * height * aspect, nrows * height), squeeze=False
    )
    for ax in axes.flat[n:]:
        ax.set_visible(False)
    return fig, axes.flat[:n]


def _legend_room(fig, inches: float = 0.55) -> float:
    """Share of the figure height kept free at the bottom for a figure legend."""
    return min(0.3, inches / fig.get_figheight())


def _local_months(periods: pd.Series) -> pd.Series:
    return pd.to_datetime(periods).dt.tz_convert(TZ).dt.tz_localize(None)


def dashboard_plot(
    data,
    *,
    indicators=None,
    lang: str | None = None,
    ncols: int = 4,
    height: float = 2.3,
    aspect: float = 1.45,
    interval: bool = True,
):
    """Small multiples of the dashboard: one panel per indicator, a line per network.

    Parameters
    ----------
    data : MonthlyDashboard or pandas.DataFrame
        A dashboard (its ``history`` is drawn and its month highlighted) or
        long results of :func:`~engagement_lib.indicators.compute`.
    indicators : list of str, optional
        Indicators to draw (default: those in ``data``, in order).
    lang : {"fr", "en"}, optional
        Default: the dashboard's language, else French.
    ncols : int, default 4
        Panels per row.
    height, aspect : float
        Size of one panel (inches) and its width / height.
    interval : bool, default True
        Shade the bootstrap interval where there is one.

    Returns
    -------
    matplotlib.figure.Figure
    """
    month = None
    if hasattr(data, "history"):
        lang = lang or data.lang
        month = data.month.tz_localize(None)
        title = f"{getattr(data, 'name', None) or data.collectivite} — {data.month:%Y-%m}"
        results = data.history
    else:
        results, title = data, None
    lang = check_lang(lang or "fr")
    ids = list(dict.fromkeys(results["indicator"])) if indicators is None else list(indicators)
    frame = results[results["indicator"].isin(ids)].copy()
    frame["month"] = _local_months(frame["period"])
    frame["net"] = frame["network"].astype(str)
    palette = network_palette(sorted(frame["net"].dropna().unique()))
    fig, axes = _facets(len(ids), ncols, height, aspect)
    months = pd.DatetimeIndex(sorted(frame["month"].dropna().unique()))
    span = (
        (months.min() - pd.Timedelta(days=15), months.max() + pd.Timedelta(days=15))
        if len(months)
        else None
    )
    locator_step = max(1, math.ceil(len(months) / 4))
    for ax, ind in zip(axes, ids):
        part = frame[frame["indicator"] == ind]
        if part["value"].notna().any():
            sns.lineplot(
                data=part,
                x="month",
                y="value",
                hue="net",
                palette=palette,
                marker="o",
                markersize=3.5,
                ax=ax,
                legend=False,
                errorbar=None,
            )
        if interval:
            for net, g in part.groupby("net"):
                ax.fill_between(
                    g["month"], g["ci_low"], g["ci_high"], color=palette[net], alpha=0.18, lw=0
                )
        if month is not None:
            ax.axvline(month, color="0.3", lw=0.8, ls=":")
        ax.set_title(indicator_label(ind, lang), fontsize=8.5)
        ax.set_xlabel("")
        ax.set_ylabel("")
        ax.tick_params(labelsize=7)
        if span is not None:
            ax.set_xlim(*span)
        ax.xaxis.set_major_locator(mdates.MonthLocator(interval=locator_step))
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%m/%y"))
        if not part["value"].notna().any():
            ax.text(
                0.5,
                0.5,
                label("no_data", lang),
                ha="center",
                va="center",
                transform=ax.transAxes,
                color="0.5",
                fontsize=8,
            )
    handles = [plt.Line2D([], [], color=c, marker="o", lw=1.5) for c in palette.values()]
    fig.legend(
        handles,
        [network_label(n, lang) for n in palette],
        loc="lower center",
        ncol=max(1, len(palette)),
        frameon=False,
        fontsize=8,
        title=label("network", lang),
    )
    if title:
        fig.suptitle(title, fontsize=11)
    fig.tight_layout(rect=(0, _legend_room(fig), 1, 1))
    return fig


def interval_plot(
    data,
    *,
    y: str = "network",
    hue: str | None = None,
    col: str = "indicator",
    lang: str = "fr",
    col_wrap: int = 3,
    height: float = 2.6,
    aspect: float = 1.4,
    order=None,
):
    """Point estimates with their intervals, one panel per ``col`` value.

    Parameters
    ----------
    data : pandas.DataFrame
        Long results with ``value``, ``ci_low``, ``ci_high`` and the columns
        named by ``y``, ``hue`` and ``col`` (e.g. the output of ``compute``,
        possibly with an added ``aggregation`` column).
    y : str, default "network"
        Column on the vertical axis (network labels are translated).
    hue : str, optional
        Column distinguishing variants within a panel (dodged).
    col : str, default "indicator"
        Column of the panels (indicator ids are labelled with their unit).
    lang : {"fr", "en"}
    col_wrap : int
        Panels per row.
    height, aspect : float
        Size of one panel.
    order : list, optional
        Order of the ``y`` categories (default: sorted).

    Returns
    -------
    matplotlib.figure.Figure
    """
    check_lang(lang)
    panels = list(dict.fromkeys(data[col]))
    fig, axes = _facets(len(panels), col_wrap, height, aspect)
    cats = sorted(data[y].dropna().astype(str).unique()) if order is None else list(order)
    hues = [None] if hue is None else list(dict.fromkeys(data[hue]))
    colours = dict(zip(hues, sns.color_palette("deep", len(hues))))
    step = 0.6 / max(len(hues), 1)
    for ax, panel in zip(axes, panels):
        part = data[data[col] == panel]
        for k, h in enumerate(hues):
            sub = part if h is None else part[part[hue] == h]
            pos = {c: i for i, c in enumerate(cats)}
            ys = (
                np.array([pos.get(str(v), np.nan) for v in sub[y]])
                + (k - (len(hues) - 1) / 2) * step
            )
            val = sub["value"].to_numpy(float)
            lo = val - sub["ci_low"].to_numpy(float)
            hi = sub["ci_high"].to_numpy(float) - val
            err = np.vstack([np.nan_to_num(lo), np.nan_to_num(hi)])
            ax.errorbar(
                val,
                ys,
                xerr=err,
                fmt="o",
                ms=4,
                capsize=2,
                lw=1,
                color=colours[h],
                label=None if h is None else str(h),
            )
        ax.set_yticks(range(len(cats)))
        ax.set_yticklabels(
            [network_label(c, lang) if y == "network" else c for c in cats], fontsize=8
        )
        ax.set_ylim(len(cats) - 0.5, -0.5)
        ax.set_title(indicator_label(panel, lang) if col == "indicator" else str(panel), fontsize=9)
        ax.tick_params(axis="x", labelsize=7)
        ax.grid(axis="x", alpha=0.3)
    if hue is not None:
        handles = [plt.Line2D([], [], color=colours[h], marker="o", lw=1) for h in hues]
        fig.legend(
            handles,
            [str(h) for h in hues],
            loc="lower center",
            ncol=len(hues),
            frameon=False,
            fontsize=8,
        )
        fig.tight_layout(rect=(0, _legend_room(fig, 0.45), 1, 1))
    else:
        fig.tight_layout()
    return fig
