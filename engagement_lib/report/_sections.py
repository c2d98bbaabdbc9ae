"""The sections of the monthly report: library results → what the template shows.

Each function takes the selected data (:class:`~._data.ReportData`) and
returns plain dicts and lists of strings and numbers. Every number comes from
a library function (:func:`engagement_lib.indicators.compute`,
:func:`~engagement_lib.indicators.monthly_dashboard`,
:mod:`engagement_lib.analysis`); this module only chooses, formats and
labels. No value is escaped here: the template autoescapes everything.
"""

from __future__ import annotations

import gc
import math
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..i18n import WEEKDAYS, label, media_label, network_label
from ..indicators import INDICATORS, catalog, compute, unit_label
from ..indicators.dashboard import format_value
from ..indicators.registry import status_label
from ..schema import METRICS
from ._data import TZ, ReportData
from ._labels import MONTHS, text

__all__ = [
    "HEADLINE_INDICATORS",
    "TREND_INDICATORS",
    "FOLLOWER_INDICATORS",
    "Options",
    "month_label",
    "headline",
    "network_tables",
    "top_posts",
    "posting_times",
    "responsiveness",
    "gaps",
    "data_summary",
    "glossary",
]

#: Indicators of the "month at a glance" cards (all networks pooled).
HEADLINE_INDICATORS = (
    "followers",
    "net_follower_growth",
    "posts",
    "total_reach",
    "total_impressions",
    "total_interactions",
    "total_video_views",
)

#: Indicators drawn in the trend figure (those with values in the history).
TREND_INDICATORS = (
    "posts",
    "total_impressions",
    "total_interactions",
    "engagement_rate_reach",
    "engagement_rate_followers",
    "ctr",
    "video_view_rate",
    "response_rate",
)

#: Indicators of the follower-growth figure.
FOLLOWER_INDICATORS = ("followers", "net_follower_growth", "follower_growth_rate")

#: Units whose change is shown in points (pt).
_RATE_UNITS = frozenset({"%", "% per post", "‰"})
_OK = ("ok", "small sample")
_TEXT_MAX = 280


@dataclass(frozen=True)
class Options:
    """Options shared by the sections."""

    lang: str = "fr"
    n_boot: int = 1000
    seed: int = 20190304
    history: int = 12
    min_posts: int = 10
    top: int = 3


def month_label(month: pd.Timestamp, lang: str) -> str:
    """``"janvier 2019"`` / ``"January 2019"``."""
    return f"{MONTHS[lang][month.month - 1]} {month.year}"


def _fmt(value, unit: str, lang: str, *, signed: bool = False) -> str:
    return format_value(value, unit, lang, signed=signed)


def _change(change, change_pct, unit: str, lang: str) -> dict | None:
    """The change from the previous month: text and direction (None when unknown)."""
    if change is None or pd.isna(change):
        return None
    points = unit in _RATE_UNITS
    parts = [_fmt(change, "x" if points else "count", lang, signed=True) + (" pt" if points else "")]
    if change_pct is not None and pd.notna(change_pct) and not points:
        parts.append(_fmt(change_pct, "%", lang, signed=True))
    direction = "up" if change > 0 else "down" if change < 0 else "flat"
    return {"text": " ; ".join(parts) if lang == "fr" else "; ".join(parts),
            "direction": direction}


def _definition(indicator: str, lang: str) -> str:
    ind = INDICATORS[indicator.split(":")[0]]
    return f"{ind.label(lang)} = {ind.formula} ({unit_label(ind.unit, lang)})"


# --------------------------------------------------------------------------- headline
def headline(sel: ReportData, opts: Options, *, collectivites) -> list[dict]:
    """Cards of the month, all networks pooled, with the change from the month before."""
    # one month more than shown: the growth of the previous month needs the count before it
    res = compute(sel.tables, list(HEADLINE_INDICATORS), by=("collectivite",),
                  start=sel.previous_month - pd.DateOffset(months=1), end=sel.next_month,
                  n_boot=0,
                  min_posts=opts.min_posts, collectivites=collectivites)
    lang = opts.lang
    cur_start, prev_start = sel.month.tz_convert("UTC"), sel.previous_month.tz_convert("UTC")
    cards = []
    for ind in HEADLINE_INDICATORS:
        rows = res[res["indicator"] == ind]
        cur = rows[rows["period"] == cur_start]
        prev = rows[rows["period"] == prev_start]
        if cur.empty:
            continue
        c = cur.iloc[0]
        p = prev.iloc[0] if len(prev) else None
        if c["status"] not in _OK and (p is None or p["status"] not in _OK):
            continue  # nothing to show for this indicator, either month
        value = c["value"] if c["status"] in _OK else np.nan
        previous = p["value"] if p is not None and p["status"] in _OK else np.nan
        change = value - previous if pd.notna(value) and pd.notna(previous) else None
        pct = 100 * change / abs(previous) if change is not None and previous else None
        cards.append({
            "id": ind,
            "label": INDICATORS[ind].label(lang),
            "definition": _definition(ind, lang),
            "value": _fmt(value, c["unit"], lang) if pd.notna(value)
            else status_label(c["status"], lang),
            "missing": pd.isna(value),
            "change": _change(change, pct, c["unit"], lang),
            "previous": _fmt(previous, c["unit"], lang),
        })
    return cards


# --------------------------------------------------------------------------- per network
def network_tables(dashboard, opts: Options) -> list[dict]:
    """One table per network: the dashboard indicators of the month, formatted."""
    lang = opts.lang
    out = []
    tidy = dashboard.tidy
    for network, part in tidy.groupby("network", sort=False, observed=True):
        rows = []
        for _, r in part.iterrows():
            ok = r["status"] in _OK
            ci = (f"{_fmt(r['ci_low'], r['unit'], lang)} – {_fmt(r['ci_high'], r['unit'], lang)}"
                  if ok and pd.notna(r["ci_low"]) and pd.notna(r["ci_high"]) else "")
            rows.append({
                "id": str(r["indicator"]),
                "anchor": str(r["indicator"]).split(":")[0],
                "label": r["label"],
                "unit": r["unit_label"],
                "definition": _definition(str(r["indicator"]), lang),
                "value": _fmt(r["value"], r["unit"], lang) if ok else "—",
                "small": r["status"] == "small sample",
                "status": r["status"],
                "status_text": "" if r["status"] == "ok" else status_label(r["status"], lang),
                "change": _change(r["change"], r["change_pct"], r["unit"], lang) if ok else None,
                "ci": ci,
                "n": int(r["n"]) if pd.notna(r["n"]) else None,
            })
        out.append({"network": str(network), "label": network_label(str(network), lang),
                    "rows": rows})
    return out


def trend_indicators(dashboard, wanted) -> list[str]:
    """The ``wanted`` indicators that have at least one value in the dashboard history."""
    hist = dashboard.history
    have = set(hist.loc[hist["value"].notna(), "indicator"])
    return [i for i in wanted if i in have]


# --------------------------------------------------------------------------- posts
def _safe_url(url) -> str | None:
    """Only plain web links are rendered as links (no ``javascript:`` or ``data:`` URLs)."""
    if url is None or (isinstance(url, float) and math.isnan(url)) or pd.isna(url):
        return None
    url = str(url).strip()
    return url if url.lower().startswith(("https://", "http://")) else None


def _short(value) -> str:
    if value is None or pd.isna(value):
        return ""
    s = " ".join(str(value).split())
    return s if len(s) <= _TEXT_MAX else s[: _TEXT_MAX - 1].rstrip() + "…"


def _local_time(ts, lang: str) -> str:
    local = pd.Timestamp(ts).tz_convert(TZ)
    return local.strftime("%d/%m/%Y %H:%M" if lang == "fr" else "%Y-%m-%d %H:%M")


def top_posts(sel: ReportData, opts: Options) -> dict:
    """Best and worst posts of the month per account, ranked by interactions.

    Interactions per post are :func:`engagement_lib.analysis.compare.interactions`
    (likes + comments + shares; a metric the network does not report is left
    out, a post with none of them is not ranked).
    """
    from ..analysis.compare import interactions
    from ..indicators import interaction_components

    lang = opts.lang
    posts = sel.in_month("posts")
    components = interaction_components(posts) if len(posts) else pd.DataFrame(
        columns=["network", "components", "missing"])
    accounts = []
    if len(posts):
        posts = posts.assign(_a=interactions(posts).to_numpy(dtype="float64", na_value=np.nan))
        for (network, account), g in posts.groupby(
                [posts["network"].astype(str), posts["account"].astype(str)], sort=True):
            ranked = g[g["_a"].notna()].sort_values(["_a", "published_at"],
                                                    ascending=[False, True], kind="stable")
            best = ranked.head(min(opts.top, len(ranked)))
            n_worst = min(opts.top, len(ranked) - len(best))
            worst = ranked.tail(n_worst).iloc[::-1] if n_worst else ranked.iloc[0:0]
            accounts.append({
                "network": network,
                "network_label": network_label(network, lang),
                "account": account,
                "n_posts": len(g),
                "n_ranked": len(ranked),
                "best": [_post_row(r, lang) for _, r in best.iterrows()],
                "worst": [_post_row(r, lang) for _, r in worst.iterrows()],
            })
    found = {c for s in components["components"] for c in str(s).split(" + ") if c}
    used = [m for m in METRICS if m in found]
    return {"accounts": accounts,
            "components": " + ".join(label(c, lang) for c in used) or label("likes", lang)}


def _post_row(r, lang: str) -> dict:
    def count(col):
        v = r.get(col)
        return _fmt(v, "count", lang) if v is not None and pd.notna(v) else "—"

    return {
        "published": _local_time(r["published_at"], lang),
        "media": media_label(str(r["media_type"]), lang),
        "text": _short(r.get("text")),
        "interactions": _fmt(r["_a"], "count", lang),
        "reach": count("reach"),
        "impressions": count("impressions"),
        "url": _safe_url(r.get("permalink")),
    }


# --------------------------------------------------------------------------- timing
def posting_times(sel: ReportData, opts: Options) -> dict:
    """Posts and mean interactions per weekday × 3-hour slot over the last months, per network.

    From :func:`engagement_lib.analysis.timing.naive_heatmap` (the raw view);
    the figure of it, when the timing module provides one, is added by the
    caller.
    """
    from ..analysis.timing import naive_heatmap

    lang = opts.lang
    start = (sel.month - pd.DateOffset(months=opts.history - 1)).tz_convert("UTC")
    end = sel.next_month.tz_convert("UTC")
    posts = sel.posts[(sel.posts["published_at"] >= start) & (sel.posts["published_at"] < end)]
    result = {"months": opts.history, "networks": [], "reason": None, "weekdays": [],
              "adjusted": []}
    if posts.empty:
        result["reason"] = text("no_posts_month", lang)
        return result
    try:
        heat = naive_heatmap(posts, by="network", hours=3)
    except Exception as exc:  # e.g. no interaction metric reported at all
        result["reason"] = " ".join(str(exc).split())
        return result
    days = WEEKDAYS[lang]
    for network, part in heat.groupby("network", sort=True, observed=True):
        if not part["n"].sum():
            continue
        top = part["mean"].max()
        blocks = []
        for (h0, h1), row in part.groupby(["hour_start", "hour_end"], sort=True):
            cells = []
            for _, c in row.sort_values("weekday").iterrows():
                mean = c["mean"]
                cells.append({
                    "n": int(c["n"]),
                    "mean": _fmt(mean, "count", lang) if pd.notna(mean) else "",
                    "alpha": round(float(mean / top), 3) if pd.notna(mean) and top > 0 else 0.0,
                })
            blocks.append({"hours": f"{int(h0):02d}–{int(h1):02d} h", "cells": cells})
        result["networks"].append({"network": str(network),
                                   "label": network_label(str(network), lang),
                                   "n": int(part["n"].sum()), "blocks": blocks})
    result["weekdays"] = [d[:3] + "." if lang == "fr" else d[:3] for d in days]
    result["adjusted"] = _adjusted_timing(posts, sel.followers, opts)
    return result


@contextmanager
def _frozen_gc():
    """Keep the objects alive so far out of explicit ``gc.collect()`` calls.

    statsmodels' Holm correction (``multipletests(method="holm")``) calls
    ``gc.collect()``, which walks the whole heap — the cleaned tables
    included — each time: about 0.15 s per call here. Freezing the heap
    first (what :func:`gc.freeze` is for) makes those collections cheap; the
    objects are handed back to the collector afterwards. Nothing else changes.
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _slot_text(row, lang: str) -> str:
    return (f"{WEEKDAYS[lang][int(row['weekday'])]} {int(row['hour_start']):02d}–"
            f"{int(row['hour_end']):02d} h")


def _adjusted_timing(posts: pd.DataFrame, followers: pd.DataFrame, opts: Options) -> list[dict]:
    """Per network: the joint test of a posting-time effect and the best slots, if any.

    :class:`engagement_lib.analysis.timing.PostingTimeEffects` with the additive
    design (weekday effect × 3-hour-block effect: every slot estimable from a
    year of one collectivité's posts) and no exposure offset (networks without
    follower counts are kept; account and quarter effects absorb growth).
    """
    from ..analysis.timing import PostingTimeEffects
    from ..errors import EngagementError

    lang = opts.lang
    try:
        with _frozen_gc():
            est = PostingTimeEffects(design="additive", offset=None, min_posts=opts.min_posts,
                                     hours=3).fit(posts, followers)
            best = est.best_slots()
    except (EngagementError, ValueError, np.linalg.LinAlgError) as exc:
        return [{"network": "", "text": " ".join(str(exc).split()), "slots": []}]
    out = []
    for _, t in est.tests_.iterrows():
        network = str(t["network"])
        status = str(t["status"])
        detected = status == "timing effect detected"
        p = t.get("p_value")
        ptext = ""
        if p is not None and pd.notna(p):
            ptext = (" (p < 0,001)" if lang == "fr" else " (p < 0.001)") if p < 0.001 else (
                f" (p = {p:.3f})".replace(".", "," if lang == "fr" else "."))
        slots = []
        if detected and len(best):
            rows = best[best["network"].astype(str) == network].sort_values(
                "estimate", ascending=False)
            slots = [f"{_slot_text(r, lang)} (× {_fmt(r['estimate'], 'x', lang)})"
                     for _, r in rows.head(6).iterrows()]
            if len(rows) > 6:
                slots.append(text("more_slots", lang, n=len(rows) - 6))
        key = ("timing_detected" if detected else "timing_not_detected"
               if status == "no detectable effect" else None)
        out.append({"network": network_label(network, lang),
                    "text": (text(key, lang) + ptext) if key else status,
                    "slots": slots})
    return out


# --------------------------------------------------------------------------- responsiveness
def responsiveness(sel: ReportData, opts: Options) -> dict | None:
    """Response rate, median delay and shares answered within 2/8/24 h, per network.

    From :func:`engagement_lib.analysis.responsiveness.response_summary` and
    :func:`~engagement_lib.analysis.responsiveness.response_bins`; ``None``
    when the exports hold no conversations at all.
    """
    from ..analysis.responsiveness import response_bins, response_summary

    conv = sel.conversations
    if conv.empty:
        return None
    lang = opts.lang
    ends = [conv["received_at"].max(), conv["replied_at"].max()]
    observed_until = max(t for t in ends if pd.notna(t))
    month = sel.in_month("conversations")
    if month.empty:
        return {"rows": [], "bins": None}
    summary = response_summary(month, by="network", observed_until=observed_until,
                               n_boot=opts.n_boot, random_state=opts.seed)
    rows = []
    shown = ("response_rate", "median_response_time", "response_within_2h",
             "response_within_8h", "response_within_24h")
    for network, part in summary.groupby("network", sort=True, observed=True):
        values = {}
        for _, r in part.iterrows():
            if r["indicator"] in shown:
                unit = "hours" if r["unit"] == "hours" else r["unit"]
                values[r["indicator"]] = (_fmt(r["value"], unit, lang)
                                          if pd.notna(r["value"]) else "—")
        first = part.iloc[0]
        rows.append({"network": network_label(str(network), lang), "n": int(first["n"]),
                     "too_recent": int(first["n_too_recent"]), "status": first["status"],
                     **values})
    bins = response_bins(month, by="network", observed_until=observed_until)
    return {"rows": rows, "bins": bins if len(bins) else None}


# --------------------------------------------------------------------------- methods
def data_summary(clean, n_files: int | None, opts: Options) -> str | None:
    """One sentence on what cleaning did (from the CleaningReport), or None."""
    report = getattr(clean, "report", None)
    if report is None:
        return None
    t = report.totals
    lang = opts.lang
    return text("data_summary", lang,
                files=_fmt(n_files if n_files is not None else len(report.files), "count", lang),
                read=_fmt(t["rows_read"], "count", lang), kept=_fmt(t["rows_kept"], "count", lang),
                merged=_fmt(t["duplicates_merged"], "count", lang),
                quarantined=_fmt(t["rows_quarantined"], "count", lang))


def gaps(sel: ReportData, dashboard, opts: Options, *, failures=(), timing_reason=None
         ) -> list[str]:
    """What the data lack, in sentences: statuses, missing metrics, quarantine, skipped files."""
    from ..indicators import interaction_components

    lang = opts.lang
    out = []
    tidy = dashboard.tidy
    bad = tidy[tidy["status"] != "ok"]
    if sel.conversations.empty:  # said once below, not once per network
        bad = bad[bad["status"] != "no conversations"]
    for (network, status), part in bad.groupby(["network", "status"], sort=True, observed=True):
        out.append(text("gap_status", lang, network=network_label(str(network), lang),
                        status=status_label(str(status), lang),
                        indicators=", ".join(dict.fromkeys(part["label"]))))
    posts = sel.in_month("posts")
    if len(posts):
        for _, r in interaction_components(posts).iterrows():
            if r["missing"]:
                out.append(text("gap_components", lang, network=network_label(r["network"], lang),
                                missing=", ".join(label(m.strip(), lang)
                                                  for m in r["missing"].split(",")),
                                components=" + ".join(label(c, lang)
                                                      for c in r["components"].split(" + ") if c)
                                or "—"))
    start = (sel.month - pd.DateOffset(months=opts.history - 1)).tz_convert("UTC")
    window = sel.posts[sel.posts["published_at"] >= start]
    if "metric_era" in window.columns and len(window):
        eras = window.dropna(subset=["metric_era"]).groupby(
            window["network"].astype(str))["metric_era"].unique()
        for network, values in eras.items():
            if len(values) > 1:
                out.append(text("gap_era", lang, network=network_label(network, lang),
                                eras=", ".join(sorted(map(str, values)))))
    if sel.conversations.empty:
        out.append(text("gap_no_conversations", lang))
    report = getattr(sel.clean, "report", None)
    if report is None:
        out.append(text("gap_no_cleaning", lang))
    else:
        t = report.totals
        if t["rows_quarantined"]:
            reasons = ", ".join(f"{r['rule']}: {r['rows']}" for _, r in report.reasons.iterrows())
            out.append(text("gap_quarantine", lang, n=_fmt(t["rows_quarantined"], "count", lang),
                            reasons=reasons))
        if t["media_type_unreported"]:
            out.append(text("gap_media_unreported", lang,
                            n=_fmt(t["media_type_unreported"], "count", lang)))
    if failures:
        names = [str(getattr(f, "path", f)) for f in failures]
        shown = ", ".join(n.rsplit("/", 1)[-1] for n in names[:5]) + (" …" if len(names) > 5 else "")
        out.append(text("gap_unreadable", lang, n=len(names), files=shown))
    if timing_reason:
        out.append(text("gap_timing", lang, reason=timing_reason))
    return out


def glossary(indicators, opts: Options) -> list[dict]:
    """Definitions of the indicators shown (from the catalog)."""
    lang = opts.lang
    frame = catalog(list(dict.fromkeys(i.split(":")[0] for i in indicators)))
    return [{
        "id": r["id"],
        "label": r[f"label_{lang}"],
        "formula": r["formula"],
        "unit": unit_label(r["unit"], lang),
        "aggregation": r["aggregation"],
        "reference": r["reference"],
        "note": r["note"],
    } for _, r in frame.iterrows()]
