"""Figures of the comparison and responsiveness analyses (seaborn, French/English).

Each function takes the tidy output of one analysis function, draws it with
its interval, labels it in ``lang`` and returns the matplotlib Axes (or the
Figure for multi-panel plots). Nothing is computed here that the analysis
did not already compute.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..i18n import check_lang, label, pick

__all__ = [
    "plot_per_inhabitant",
    "plot_fingerprint",
    "plot_age_profile",
    "plot_targeting",
    "plot_engagement_rates",
    "plot_rate_ratios",
    "plot_response_bins",
    "plot_response_profile",
    "plot_office_hours_effect",
]

_T = {
    "per_1000": {"fr": "Abonnés pour 1 000 habitants", "en": "Followers per 1,000 inhabitants"},
    "share_posts": {"fr": "Part des publications", "en": "Share of posts"},
    "posts_per_week": {"fr": "Publications par semaine", "en": "Posts per week"},
    "mean_age": {"fr": "Âge moyen des abonnés (ans)", "en": "Mean age of followers (years)"},
    "share_55_plus": {"fr": "Part des 55 ans et plus", "en": "Share aged 55+"},
    "share_18_34": {"fr": "Part des 18–34 ans", "en": "Share aged 18–34"},
    "share_25_54": {"fr": "Part des 25–54 ans", "en": "Share aged 25–54"},
    "target_diff": {
        "fr": "Écart avec les autres réseaux de la collectivité (points)",
        "en": "Difference with the collectivité's other networks (points)",
    },
    "reached": {"fr": "Cible atteinte", "en": "Target reached"},
    "not_reached": {"fr": "Cible non atteinte", "en": "Target not reached"},
    "undecided": {"fr": "Indécis", "en": "Undecided"},
    "rate": {"fr": "Interactions par abonné et par publication (%)",
             "en": "Interactions per follower per post (%)"},
    "ratio": {"fr": "Rapport des taux d'engagement (échelle log)",
              "en": "Ratio of engagement rates (log scale)"},
    "rank": {"fr": "rang", "en": "rank"},
    "delay_bin": {"fr": "Délai de réponse", "en": "Reply delay"},
    "share_conv": {"fr": "Part des messages reçus", "en": "Share of messages received"},
    "within": {"fr": "Part répondue en moins de {h:g} h", "en": "Share answered within {h:g} h"},
    "median_hours": {"fr": "Délai médian de réponse (heures)", "en": "Median reply delay (hours)"},
    "office": {"fr": "Reçu aux heures de bureau", "en": "Received in office hours"},
    "outside": {"fr": "Reçu le soir ou le week-end", "en": "Received evenings or weekends"},
    "hour_received": {"fr": "Heure de réception (Europe/Paris)", "en": "Hour received (Europe/Paris)"},
    "weekday_received": {"fr": "Jour de réception", "en": "Weekday received"},
    "never": {"fr": "jamais", "en": "never"},
}


#: Labels of the topic ids of the simulated panel (free-form topics pass through unchanged).
_TOPICS = {
    "service_alert": {"fr": "Alerte service", "en": "Service alert"},
    "event_culture": {"fr": "Événement, culture", "en": "Event, culture"},
    "heritage_quiz": {"fr": "Quiz patrimoine", "en": "Heritage quiz"},
    "museum_countdown": {"fr": "Compte à rebours musée", "en": "Museum countdown"},
    "job_offer": {"fr": "Offre d'emploi", "en": "Job offer"},
    "council_news": {"fr": "Vie municipale", "en": "Council news"},
    "sport": {"fr": "Sport", "en": "Sport"},
    "works_roadworks": {"fr": "Travaux", "en": "Roadworks"},
    "environment": {"fr": "Environnement", "en": "Environment"},
    "tourism": {"fr": "Tourisme", "en": "Tourism"},
    "(none)": {"fr": "(sans thème)", "en": "(no topic)"},
}


def _category(value: str, lang: str) -> str:
    value = str(value)
    return pick(_TOPICS[value], lang) if value in _TOPICS else label(value, lang)


def _t(key: str, lang: str, **fmt) -> str:
    text = pick(_T[key], lang)
    return text.format(**fmt) if fmt else text


def _ax(ax, figsize=(7, 4)):
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


def _names(series: pd.Series, names: dict | None) -> pd.Series:
    names = names or {}
    return series.astype("str").map(lambda v: names.get(v, v))


def _plain_log_ticks(axis) -> None:
    """Log-scale axis labelled 0.5, 1, 2, 10... instead of powers of ten."""
    from matplotlib.ticker import FuncFormatter

    axis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    axis.set_minor_formatter(FuncFormatter(lambda v, _: ""))


def _err(df: pd.DataFrame, value: str, low: str, high: str) -> np.ndarray:
    return np.vstack([(df[value] - df[low]).clip(lower=0), (df[high] - df[value]).clip(lower=0)])


def plot_per_inhabitant(size: pd.DataFrame, *, lang: str = "fr", names: dict | None = None,
                        per: int = 1000, ax=None):
    """Horizontal bars of followers per ``per`` inhabitants (output of ``audience_size``)."""
    import seaborn as sns

    check_lang(lang)
    ax = _ax(ax)
    col = f"followers_per_{per}_inhabitants"
    data = size[size["network"].astype("str") != "all"].copy()
    data["who"] = _names(data["collectivite"], names)
    data["net"] = data["network"].astype("str").map(lambda n: label(n, lang))
    order = data.groupby("who")[col].sum().sort_values(ascending=False).index
    hue_order = sorted(data["net"].unique())
    sns.barplot(data=data, y="who", x=col, hue="net", estimator="sum", errorbar=None, ax=ax,
                order=order, hue_order=hue_order)
    ax.set_xlabel(_t("per_1000", lang).replace("1 000", f"{per:,}".replace(",", "\u202f"))
                  if per != 1000 else _t("per_1000", lang))
    ax.set_ylabel(label("collectivite", lang))
    ax.legend(title=label("network", lang), fontsize="small")
    return ax


def plot_fingerprint(fingerprint: pd.DataFrame, *, dimension: str = "network", lang: str = "fr",
                     names: dict | None = None, ax=None):
    """Strategy fingerprint as a heatmap: share of posts per category.

    ``dimension="network"``: rows are collectivités, columns networks.
    ``"media_type"`` / ``"topic"``: rows are (collectivité, network), columns
    categories. ``"posts_per_week"``: rows collectivités, columns networks,
    cells posts per week.
    """
    import seaborn as sns

    check_lang(lang)
    fp = fingerprint[fingerprint["dimension"] == dimension].copy()
    if fp.empty:
        raise ValueError(f"no rows with dimension {dimension!r} in the fingerprint")
    fp["who"] = _names(fp["collectivite"], names)
    if dimension in ("network", "posts_per_week"):
        fp["col"] = (fp["category"] if dimension == "network" else fp["network"]).astype("str")
        fp["col"] = fp["col"].map(lambda c: label(c, lang))
        table = fp.pivot_table(index="who", columns="col", values="value", aggfunc="sum")
    else:
        fp["row"] = fp["who"] + " · " + fp["network"].astype("str").map(lambda n: label(n, lang))
        fp["col"] = fp["category"].astype("str").map(lambda c: _category(c, lang))
        table = fp.pivot_table(index="row", columns="col", values="value", aggfunc="sum")
    ax = _ax(ax, figsize=(1.1 * table.shape[1] + 3, 0.45 * table.shape[0] + 1.5))
    pct = dimension != "posts_per_week"
    sns.heatmap(table * (100 if pct else 1), annot=True, fmt=".0f" if pct else ".1f",
                cmap="Blues", cbar=False, ax=ax, linewidths=0.5)
    title = _t("posts_per_week", lang) if not pct else f"{_t('share_posts', lang)} (%)"
    ax.set_title(title)
    ax.set_xlabel(label(dimension if dimension != "posts_per_week" else "network", lang))
    ax.set_ylabel("")
    return ax


def plot_age_profile(profile: pd.DataFrame, *, statistic: str = "mean_age", lang: str = "fr",
                     names: dict | None = None, ax=None):
    """Point and interval of an age statistic per account (output of ``age_profile``)."""
    check_lang(lang)
    ax = _ax(ax)
    d = profile[profile["statistic"] == statistic].copy()
    d["row"] = (_names(d["collectivite"], names) + " · "
                + d["network"].astype("str").map(lambda n: label(n, lang)))
    if "account" in d.columns and d.duplicated("row").any():
        d["row"] = d["row"] + " (" + d["account"].astype("str") + ")"
    d = d.sort_values("value")
    y = np.arange(len(d))
    ax.errorbar(d["value"], y, xerr=_err(d, "value", "ci_low", "ci_high"), fmt="o", capsize=3)
    ax.set_yticks(y, d["row"])
    ax.set_xlabel(_t(statistic, lang))
    ax.grid(axis="x", alpha=0.3)
    return ax


def plot_targeting(targeting: pd.DataFrame, *, lang: str = "fr", names: dict | None = None, ax=None):
    """Difference between each network and the collectivité's others, on the aimed-at statistic."""
    check_lang(lang)
    d = targeting.dropna(subset=["difference"]).copy()
    ax = _ax(ax, figsize=(7, 0.45 * max(len(d), 2) + 1.5))
    d["row"] = (_names(d["collectivite"], names) + " · "
                + d["network"].astype("str").map(lambda n: label(n, lang)) + " → "
                + d["statistic"].map(lambda s: _t(s, lang)))
    d = d.iloc[::-1]
    y = np.arange(len(d))
    colours = d["reached"].astype("object").map(
        lambda r: "tab:gray" if pd.isna(r) else ("tab:green" if r else "tab:red"))
    ax.errorbar(100 * d["difference"], y, xerr=100 * _err(d, "difference", "ci_low", "ci_high"),
                fmt="none", ecolor="black", capsize=3)
    ax.scatter(100 * d["difference"], y, c=list(colours), zorder=3)
    ax.axvline(0, color="black", lw=0.8)
    ax.set_yticks(y, d["row"])
    ax.set_xlabel(_t("target_diff", lang))
    from matplotlib.lines import Line2D

    handles = [Line2D([], [], marker="o", ls="", color=c, label=_t(k, lang))
               for c, k in (("tab:green", "reached"), ("tab:red", "not_reached"),
                            ("tab:gray", "undecided"))]
    ax.legend(handles=handles, fontsize="small", loc="lower right")
    return ax


def plot_engagement_rates(rates: pd.DataFrame, *, ranks: pd.DataFrame | None = None,
                          lang: str = "fr", names: dict | None = None, col_wrap: int = 3):
    """Per-follower engagement rate with its interval, one panel per network.

    ``rates`` is the output of ``engagement_rates`` (``by=("collectivite",
    "network")``); ``ranks`` (output of ``rank_groups``) adds the honest rank
    range to each label.
    """
    import matplotlib.pyplot as plt

    check_lang(lang)
    d = rates.dropna(subset=["rate"]).copy()
    nets = list(dict.fromkeys(d["network"].astype("str")))
    ncol = min(col_wrap, len(nets))
    nrow = int(np.ceil(len(nets) / ncol))
    fig, axes = plt.subplots(nrow, ncol, figsize=(4.2 * ncol, 2.6 * nrow), layout="constrained",
                             squeeze=False)
    for ax, net in zip(axes.ravel(), nets):
        g = d[d["network"].astype("str") == net].sort_values("rate")
        lab = _names(g["collectivite"], names)
        if ranks is not None:
            rk = ranks[ranks["network"].astype("str") == net].set_index("group")["rank"]
            lab = lab + g["collectivite"].astype("str").map(
                lambda c, rk=rk: f" ({_t('rank', lang)} {rk[c]})" if c in rk.index else "")
        y = np.arange(len(g))
        ax.errorbar(g["rate"], y, xerr=_err(g, "rate", "ci_low", "ci_high"), fmt="o", capsize=3)
        ax.set_yticks(y, lab)
        ax.set_title(label(net, lang))
        ax.set_xlim(left=0)
        ax.grid(axis="x", alpha=0.3)
    for ax in axes.ravel()[len(nets):]:
        ax.set_visible(False)
    fig.supxlabel(_t("rate", lang))
    return fig


def plot_rate_ratios(pairwise: pd.DataFrame, *, lang: str = "fr", names: dict | None = None,
                     ax=None):
    """Forest plot of the pairwise rate ratios (output of ``compare_engagement``)."""
    check_lang(lang)
    d = pairwise.copy()
    ax = _ax(ax, figsize=(7, 0.38 * max(len(d), 2) + 1.5))
    within = [c for c in pairwise.attrs.get("within", []) if c in d.columns]
    prefix = (d[within[0]].astype("str").map(lambda n: label(n, lang)) + " · ") if within else ""
    d["row"] = prefix + _names(d["group_a"], names) + " / " + _names(d["group_b"], names)
    d = d.iloc[::-1]
    y = np.arange(len(d))
    colours = np.where(d["separated"], "tab:blue", "tab:gray")
    ax.errorbar(d["ratio"], y, xerr=_err(d, "ratio", "ci_low", "ci_high"), fmt="none",
                ecolor="black", capsize=3)
    ax.scatter(d["ratio"], y, c=list(colours), zorder=3)
    ax.axvline(1, color="black", lw=0.8)
    ax.set_xscale("log")
    _plain_log_ticks(ax.xaxis)
    ax.set_yticks(y, d["row"])
    ax.set_xlabel(_t("ratio", lang))
    return ax


def plot_response_bins(bins: pd.DataFrame, *, by: str = "collectivite", lang: str = "fr",
                       names: dict | None = None, ax=None):
    """Stacked bars of the reply-delay bins per group (output of ``response_bins``)."""
    import seaborn as sns

    check_lang(lang)
    ax = _ax(ax)
    d = bins.copy()
    d["who"] = _names(d[by], names)
    table = d.pivot_table(index="who", columns="delay_bin", values="share", aggfunc="sum",
                          observed=False)
    order = (list(bins["delay_bin"].cat.categories)
             if isinstance(bins["delay_bin"].dtype, pd.CategoricalDtype) else list(table.columns))
    table = table[[c for c in order if c in table.columns]]
    fast_first = table.iloc[:, 0].sort_values().index
    table = table.loc[fast_first]
    colours = [*sns.color_palette("viridis", len(table.columns) - 1), (0.75, 0.75, 0.75)]
    left = np.zeros(len(table))
    for col, colour in zip(table.columns, colours):
        vals = 100 * table[col].to_numpy()
        lab = _t("never", lang) if col == "never" else col
        ax.barh(table.index, vals, left=left, color=colour, label=lab)
        left += vals
    ax.set_xlabel(f"{_t('share_conv', lang)} (%)")
    ax.set_xlim(0, 100)
    ax.legend(title=_t("delay_bin", lang), fontsize="small", bbox_to_anchor=(1.01, 1),
              loc="upper left")
    return ax


def plot_response_profile(profile: pd.DataFrame, *, value: str = "within_share",
                          hue: str | None = "collectivite", lang: str = "fr",
                          names: dict | None = None, ax=None):
    """Responsiveness by hour or weekday of receipt, with intervals (``response_profile``)."""
    from ..i18n import WEEKDAYS

    check_lang(lang)
    ax = _ax(ax)
    slot = "hour" if "hour" in profile.columns and "weekday" not in profile.columns else "weekday"
    low, high = {"within_share": ("within_low", "within_high"),
                 "response_rate": ("rr_low", "rr_high"),
                 "median_hours": ("median_low", "median_high")}[value]
    scale = 100 if value != "median_hours" else 1
    groups = [(None, profile)] if hue is None or hue not in profile.columns else \
        list(profile.groupby(hue, sort=True))
    for key, g in groups:
        g = g.sort_values(slot)
        name = None if key is None else _names(pd.Series([key]), names).iloc[0]
        line, = ax.plot(g[slot], scale * g[value], marker="o", ms=3, label=name)
        ax.fill_between(g[slot], scale * g[low], scale * g[high], alpha=0.2, color=line.get_color())
    if slot == "weekday":
        ax.set_xticks(range(7), [w[:3] for w in WEEKDAYS[lang]])
        ax.set_xlabel(_t("weekday_received", lang))
    else:
        ax.set_xticks(range(0, 24, 3))
        ax.set_xlabel(_t("hour_received", lang))
    if value == "within_share":
        ax.set_ylabel(f"{_t('within', lang, h=profile.attrs.get('within', 2.0))} (%)")
    elif value == "response_rate":
        ax.set_ylabel(f"{pick({'fr': 'Taux de réponse', 'en': 'Response rate'}, lang)} (%)")
    else:
        ax.set_ylabel(_t("median_hours", lang))
    if hue is not None and hue in profile.columns:
        ax.legend(fontsize="small")
    ax.grid(alpha=0.3)
    return ax


def plot_office_hours_effect(effect: pd.DataFrame, *, by: str = "collectivite", lang: str = "fr",
                             names: dict | None = None, ax=None):
    """Median reply delay for messages received in vs out of office hours (``office_hours_effect``)."""
    check_lang(lang)
    ax = _ax(ax)
    d = effect.copy()
    d["who"] = _names(d[by], names)
    d = d.sort_values("median_office")
    y = np.arange(len(d))
    for col, lo, hi, key, off, colour in (
        ("median_office", "median_office_low", "median_office_high", "office", -0.12, "tab:blue"),
        ("median_outside", "median_outside_low", "median_outside_high", "outside", 0.12, "tab:orange"),
    ):
        ax.errorbar(d[col], y + off, xerr=_err(d, col, lo, hi), fmt="o", capsize=3, color=colour,
                    label=_t(key, lang))
    ax.set_xscale("log")
    _plain_log_ticks(ax.xaxis)
    ax.set_yticks(y, d["who"])
    ax.set_xlabel(f"{_t('median_hours', lang)} — log")
    ax.legend(fontsize="small")
    ax.grid(axis="x", alpha=0.3)
    return ax
