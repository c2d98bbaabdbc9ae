"""The monthly dashboard of a community manager: ~15 indicators per network.

"Mature collectivités analyse their results every month with a good fifteen
indicators" (*La Gazette des communes*, 4 March 2019). The default list
follows the practitioners' monthly set (``indicators_literature.md`` B.4):
followers and their growth, posting frequency, reach, impressions, reach
rate, interactions, engagement rates with their denominator stated (reach;
followers, which every network allows), Kaushik's applause, conversation
and amplification rates, clicks and CTR, video views and view rate,
response rate and median response time. Mentions, share of voice and
sentiment need data the exports do not hold.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..i18n import check_lang, network_label
from ._compute import compute
from ._data import as_tables
from ._periods import TZ
from .registry import INDICATORS, resolve, status_label, unit_label

__all__ = ["DASHBOARD_INDICATORS", "MonthlyDashboard", "monthly_dashboard", "format_value"]

#: The default monthly set (B.4 of the literature notes, in that order).
DASHBOARD_INDICATORS = (
    "followers",
    "net_follower_growth",
    "follower_growth_rate",
    "followers_per_1000_inhabitants",
    "posts",
    "posts_per_week",
    "total_reach",
    "total_impressions",
    "reach_rate",
    "total_interactions",
    "engagement_rate_reach",
    "engagement_rate_followers",
    "applause_rate",
    "conversation_rate",
    "amplification_rate",
    "total_clicks",
    "ctr",
    "total_video_views",
    "video_view_rate",
    "response_rate",
    "median_response_time",
)

_POINT_UNITS = {"%", "% per post", "‰"}
_COMPUTE_OPTIONS = {
    "aggregation",
    "follower_basis",
    "include_saves",
    "include_clicks",
    "population",
    "min_posts",
    "followers",
    "conversations",
    "collectivites",
}


@dataclass(frozen=True)
class MonthlyDashboard:
    """A collectivité's month, per network, with the change from the previous month.

    Attributes
    ----------
    collectivite : str
    month : pandas.Timestamp
        Local (Europe/Paris) start of the month shown.
    lang : str
    tidy : pandas.DataFrame
        One row per (network, indicator) for the month: ``value``, ``unit``,
        ``n``, ``ci_low``, ``ci_high``, ``status``, the previous month's
        ``previous`` and ``previous_status``, ``change`` (absolute; points for
        rates) and ``change_pct`` (relative, %), plus ``label`` and
        ``unit_label`` in ``lang``.
    table : pandas.DataFrame
        The readable wide table: one row per indicator (labels), one column
        per network, cells such as ``"1,23 % (+0,12 pt ; +10,8 %)"``.
    history : pandas.DataFrame
        The :func:`compute` results of the months shown in the figure.
    name : str, optional
        The collectivité's name (from the ``collectivites`` table), for titles.
    """

    collectivite: str
    month: pd.Timestamp
    lang: str
    tidy: pd.DataFrame
    table: pd.DataFrame
    history: pd.DataFrame
    name: str | None = None

    def plot(self, **kwargs):
        """The dashboard figure (see :func:`engagement_lib.plots.dashboard_plot`)."""
        from ..plots import dashboard_plot

        return dashboard_plot(self, **kwargs)


def _local_month(value) -> pd.Timestamp:
    stamp = pd.Timestamp(value)
    stamp = stamp.tz_localize(TZ) if stamp.tzinfo is None else stamp.tz_convert(TZ)
    return stamp.normalize().replace(day=1)


def _subset(frame, collectivite):
    if frame is None:
        return None
    return frame[frame["collectivite"].astype(str) == collectivite]


def monthly_dashboard(
    data,
    *,
    collectivite: str,
    month=None,
    lang: str = "fr",
    indicators=DASHBOARD_INDICATORS,
    history: int = 12,
    n_boot: int = 1000,
    ci: float = 0.95,
    random_state=None,
    engine: str | None = None,
    **options,
) -> MonthlyDashboard:
    """The monthly dashboard of one collectivité, per network.

    Parameters
    ----------
    data : CleanData-like, dict of DataFrames or DataFrame
        As for :func:`~engagement_lib.indicators.compute`.
    collectivite : str
        Collectivité id (e.g. ``"grand_est"``).
    month : str or Timestamp, optional
        Month to show (``"2018-11"``); default: the last month in which the
        collectivité published.
    lang : {"fr", "en"}
        Language of labels and number formats in ``table`` and the figure.
    indicators : sequence of str
        Indicator ids (default :data:`DASHBOARD_INDICATORS`).
    history : int, default 12
        Months kept in ``history`` for the figure (the month and those before).
    n_boot, ci, random_state
        Bootstrap intervals, as in ``compute``.
    engine : {None, "pandas", "dask"}
        With a Dask DataFrame or a store path as ``data``: the collectivité's
        rows are read through Dask (``"dask"``) or pyarrow (``"pandas"``, the
        default for a path), then the in-memory engine runs on them, so the
        result (intervals included) equals the in-memory one.
    **options
        Passed to ``compute``: ``aggregation``, ``follower_basis``,
        ``include_saves``, ``include_clicks``, ``population``, ``min_posts``,
        ``followers``, ``conversations``, ``collectivites``.

    Returns
    -------
    MonthlyDashboard
    """
    check_lang(lang)
    unknown = set(options) - _COMPUTE_OPTIONS
    if unknown:
        raise TypeError(
            f"unexpected option(s) {sorted(unknown)}; accepted: {sorted(_COMPUTE_OPTIONS)}"
        )
    if int(history) != history or history < 2:
        raise ValueError(f"history must be an integer ≥ 2 (months), got {history!r}")
    from ._dask import dashboard_inputs, needs_routing  # no Dask import on the pandas path

    if engine is not None or needs_routing(data, options.get("followers"),
                                           options.get("conversations")):
        data, options = dashboard_inputs(data, options, collectivite=collectivite, engine=engine)
    frames = {
        k: options.pop(k) for k in ("followers", "conversations", "collectivites") if k in options
    }
    tables = as_tables(data, **frames)
    ids = [i.id for i in resolve(list(indicators))]
    known = sorted(
        set().union(
            *(
                set(getattr(tables, t)["collectivite"].astype(str).unique())
                for t in ("posts", "followers", "conversations")
                if getattr(tables, t) is not None
            )
        )
    )
    if collectivite not in known:
        raise ValueError(
            f"collectivite {collectivite!r} not in the data; found: {', '.join(known)}"
        )
    posts = _subset(tables.posts, collectivite)
    if month is None:
        if posts is None or posts.empty:
            raise ValueError(f"{collectivite!r} has no posts: give month= explicitly")
        month = posts["published_at"].max()
    month = _local_month(month)
    first = month - pd.DateOffset(months=int(history) - 1)
    results = compute(
        {
            "posts": posts,
            "followers": _subset(tables.followers, collectivite),
            "conversations": _subset(tables.conversations, collectivite),
        },
        ids,
        by=("collectivite", "network"),
        start=first,
        end=month + pd.DateOffset(months=1),
        collectivites=tables.collectivites,
        n_boot=n_boot,
        ci=ci,
        random_state=random_state,
        **options,
    )
    tidy = _tidy(results, month, lang, ids)
    return MonthlyDashboard(
        collectivite=collectivite,
        month=month,
        lang=lang,
        tidy=tidy,
        table=_wide(tidy, lang, ids),
        history=results,
        name=_name(tables.collectivites, collectivite),
    )


def _name(collectivites, collectivite) -> str | None:
    """The collectivité's name from the given (or bundled) collectivites table."""
    if collectivites is None:
        from ..datasets import load_dataset
        from ..errors import EngagementError

        try:
            collectivites = load_dataset("collectivites")
        except EngagementError:
            return None
    if not {"id", "name"} <= set(collectivites.columns):
        return None
    names = dict(zip(collectivites["id"].astype(str), collectivites["name"].astype(str)))
    return names.get(collectivite)


def _tidy(results, month, lang, ids) -> pd.DataFrame:
    start = month.tz_convert("UTC")
    prev_start = (month - pd.DateOffset(months=1)).tz_convert("UTC")
    key = ["collectivite", "network", "indicator"]
    cur = results[results["period"] == start]
    prev = results.loc[results["period"] == prev_start, key + ["value", "status"]].rename(
        columns={"value": "previous", "status": "previous_status"}
    )
    tidy = cur.merge(prev, on=key, how="left")
    tidy["change"] = tidy["value"] - tidy["previous"]
    with np.errstate(all="ignore"):
        rel = 100.0 * tidy["change"] / tidy["previous"].abs()
    tidy["change_pct"] = rel.where(tidy["previous"].abs() > 0)
    base = tidy["indicator"].str.split(":").str[0]
    tidy["label"] = [
        INDICATORS[b].label(lang) + (f" — {s.split(':', 1)[1]}" if ":" in s else "")
        for b, s in zip(base, tidy["indicator"])
    ]
    tidy["unit_label"] = [unit_label(u, lang) for u in tidy["unit"]]
    order = {i: k for k, i in enumerate(ids)}
    tidy["_order"] = base.map(order)
    tidy = tidy.sort_values(["network", "_order", "indicator"], kind="stable").drop(
        columns="_order"
    )
    cols = [
        "collectivite",
        "network",
        "period",
        "indicator",
        "label",
        "value",
        "unit",
        "unit_label",
        "n",
        "ci_low",
        "ci_high",
        "status",
        "previous",
        "previous_status",
        "change",
        "change_pct",
    ]
    return tidy[cols].reset_index(drop=True)


def format_value(value, unit: str = "count", lang: str = "fr", *, signed: bool = False) -> str:
    """Format a number for a reader: French or English separators, unit suffix.

    Examples
    --------
    >>> format_value(12345.678, "count", "fr")
    '12\\u202f346'
    >>> format_value(1.2345, "%", "en")
    '1.23%'
    """
    check_lang(lang)
    if value is None or (isinstance(value, float) and math.isnan(value)) or pd.isna(value):
        return "—"
    size = abs(value)
    decimals = (
        0
        if size >= 100 or (unit == "count" and float(value).is_integer())
        else (1 if size >= 10 else 2)
    )
    text = f"{value:{'+' if signed else ''},.{decimals}f}"
    if lang == "fr":
        text = text.replace(",", "\u202f").replace(".", ",")
    suffix = {"%": "%", "% per post": "%", "‰": "‰", "hours": " h"}.get(unit, "")
    if suffix in ("%", "‰"):
        suffix = ("\u202f" if lang == "fr" else "") + suffix
    return text + suffix


def _cell(row, lang) -> str:
    if row["status"] not in ("ok", "small sample"):
        return "— (" + status_label(row["status"], lang) + ")"
    text = format_value(row["value"], row["unit"], lang)
    if row["status"] == "small sample":
        text += " *"
    if pd.notna(row["change"]):
        points = row["unit"] in _POINT_UNITS
        change = format_value(row["change"], "count" if not points else "x", lang, signed=True)
        change += " pt" if points else ""
        parts = [change]
        if pd.notna(row["change_pct"]):
            parts.append(format_value(row["change_pct"], "%", lang, signed=True))
        text += " (" + (" ; " if lang == "fr" else "; ").join(parts) + ")"
    return text


def _wide(tidy, lang, ids) -> pd.DataFrame:
    if tidy.empty:
        return pd.DataFrame()
    cells = tidy.assign(
        cell=[_cell(r, lang) for _, r in tidy.iterrows()],
        net=[network_label(n, lang) for n in tidy["network"]],
    )
    row_label = cells["label"] + " (" + cells["unit_label"] + ")"
    order = list(dict.fromkeys(row_label))
    table = cells.assign(row=row_label).pivot(index="row", columns="net", values="cell")
    table = table.reindex(order)
    table.index.name = "indicateur" if lang == "fr" else "indicator"
    table.columns.name = None
    return table.fillna("—")
