"""The monthly report a community manager sends to the director: one self-contained HTML file.

:func:`build_report` turns cleaned data into the HTML text; :func:`write_report`
writes it. The report holds, for one collectivité and one month:

* the month at a glance — headline figures (all networks pooled) with the
  change from the month before;
* the ~15 indicators of the monthly dashboard per network
  (:func:`engagement_lib.indicators.monthly_dashboard`), each linked to its
  definition (tooltip and glossary), with intervals and a status when a value
  is missing, and their trend over twelve months;
* follower growth; the best and worst posts of each account; posting times
  (:func:`engagement_lib.analysis.timing.naive_heatmap`); responsiveness
  (:mod:`engagement_lib.analysis.responsiveness`);
* a methods section: conventions, formulas, what cleaning did and the gaps
  in the data; a glossary of the indicators.

Figures are embedded as base64 PNG; there is no script and no external
resource (a Content-Security-Policy forbids them), so the file renders
offline and can be mailed as is. The template is rendered by Jinja2 with
autoescape on: post texts, account names and every other value from the
exports are untrusted input and come out escaped; links are kept only when
they are plain ``http(s)`` URLs.

Examples
--------
>>> from engagement_lib.cleaning import clean  # doctest: +SKIP
>>> from engagement_lib.report import write_report  # doctest: +SKIP
>>> data = clean("datasets/raw/romans_sur_isere", collectivite="romans_sur_isere")  # doctest: +SKIP
>>> write_report(data, "report.html", collectivite="romans_sur_isere", population=32911,
...              month="2019-01")  # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..i18n import check_lang, label, network_label
from ._data import ReportData, ReportError, coverage, local_month, select, slugify
from ._labels import plain_texts, text

__all__ = [
    "build_report",
    "write_report",
    "ReportError",
    "ReportData",
    "select",
    "coverage",
    "local_month",
    "slugify",
]


def _environment():
    from jinja2 import Environment, PackageLoader, StrictUndefined

    # autoescape=True for every template, whatever its extension: user data are untrusted.
    return Environment(loader=PackageLoader("engagement_lib", "report/templates"),
                       autoescape=True, undefined=StrictUndefined, trim_blocks=True,
                       lstrip_blocks=True)


def _display_name(cid: str, given: str, name: str | None) -> str:
    if name:
        return name
    try:
        from ..datasets import load_dataset

        table = load_dataset("collectivites")
        match = table.loc[table["id"].astype(str) == cid, "name"]
        if len(match):
            return str(match.iloc[0])
    except Exception:  # the bundled table is a convenience only
        pass
    return given


def _steps(enabled: bool, total: int):
    if not enabled:
        return None
    from tqdm.auto import tqdm

    return tqdm(total=total, desc="report", unit="section", leave=False)


def build_report(
    data,
    *,
    collectivite: str,
    population: int | None,
    month,
    lang: str = "fr",
    name: str | None = None,
    n_boot: int = 1000,
    random_state: int = 20190304,
    failures=(),
    n_files: int | None = None,
    older: tuple[int, object] | None = None,
    progress: bool = False,
) -> str:
    """Build the monthly report of one collectivité as a self-contained HTML string.

    Parameters
    ----------
    data : CleanData or dict of DataFrames
        Cleaned tables (:func:`engagement_lib.cleaning.clean`): ``posts``,
        ``followers``, ``conversations``. With a CleanData, the methods section
        also reports what cleaning did (its ``report``).
    collectivite : str
        Collectivité id in the data (``"romans_sur_isere"``) or its name
        (``"Romans-sur-Isère"``, matched accent- and case-insensitively).
    population : int or None
        Population used for followers per 1000 inhabitants (None: that
        indicator is reported as missing, "no population").
    month : str, pandas.Period or Timestamp
        The month reported on (``"2019-01"``), a calendar month in Europe/Paris time.
    lang : {"fr", "en"}, default "fr"
        Language of the report.
    name : str, optional
        Display name (default: the bundled name of a known collectivité, else
        ``collectivite`` as given).
    n_boot : int, default 1000
        Bootstrap resamples of the intervals (0: none).
    random_state : int, default 20190304
        Seed of the bootstrap.
    failures : sequence, optional
        Files that could not be read (``readers.ReadFailure``), listed among
        the gaps.
    n_files : int, optional
        Number of files read (for the methods section).
    older : (int, timestamp), optional
        How many exports were read but not cleaned because every row of them
        predates the timestamp (stated in the methods section).
    progress : bool, default False
        Show a progress bar over the sections.

    Returns
    -------
    str
        The HTML document.

    Raises
    ------
    ReportError
        The collectivité is not in the data, or the month holds no post,
        follower count or conversation of it (the message says which months
        the data cover).
    """
    import matplotlib

    from ..indicators import DASHBOARD_INDICATORS, monthly_dashboard
    from ..plots import dashboard_plot
    from . import _sections as s
    from ._figures import embed

    lang = check_lang(lang)
    if population is not None and (int(population) != population or population <= 0):
        raise ReportError(f"population must be a positive whole number, got {population!r}")
    if int(n_boot) != n_boot or n_boot < 0:
        raise ReportError(f"n_boot must be a non-negative integer, got {n_boot!r}")
    sel = select(data, collectivite, month)
    opts = s.Options(lang=lang, n_boot=int(n_boot), seed=int(random_state))
    display = _display_name(sel.collectivite, collectivite, name)
    collectivites = pd.DataFrame({
        "id": [sel.collectivite], "name": [display],
        "population": [int(population) if population is not None else pd.NA]})
    bar = _steps(progress, 6)

    def tick():
        if bar is not None:
            bar.update(1)

    with matplotlib.rc_context({"figure.max_open_warning": 0}):
        dashboard = monthly_dashboard(
            sel.tables, collectivite=sel.collectivite, month=sel.month, lang=lang,
            history=opts.history, n_boot=opts.n_boot, random_state=opts.seed,
            min_posts=opts.min_posts, collectivites=collectivites)
        headline = s.headline(sel, opts, collectivites=collectivites)
        tick()
        trend = s.trend_indicators(dashboard, s.TREND_INDICATORS)
        trend_figure = (embed(dashboard_plot(dashboard, indicators=trend, ncols=4),
                              text("figure_dashboard_alt", lang)) if trend else None)
        follow = s.trend_indicators(dashboard, s.FOLLOWER_INDICATORS)
        followers_figure = (embed(dashboard_plot(dashboard, indicators=follow, ncols=3,
                                                 interval=False),
                                  text("figure_followers_alt", lang)) if follow else None)
        tick()
        posts = s.top_posts(sel, opts)
        tick()
        timing = s.posting_times(sel, opts)
        tick()
        resp = s.responsiveness(sel, opts)
        resp_figure = None
        if resp is not None and resp["bins"] is not None:
            from ..analysis.responsiveness import plot_response_bins

            names = {n: network_label(n, lang) for n in resp["bins"]["network"].astype(str)}
            ax = plot_response_bins(resp["bins"], by="network", lang=lang, names=names)
            resp_figure = embed(ax.figure, text("figure_responsiveness_alt", lang))
        tick()
        span = coverage(sel.tables)
        gaps = s.gaps(sel, dashboard, opts, failures=failures, timing_reason=timing["reason"])
        shown = list(dict.fromkeys([*s.HEADLINE_INDICATORS, *DASHBOARD_INDICATORS]))
        tick()
    if bar is not None:
        bar.close()
    month_label = s.month_label(sel.month, lang)
    previous = s.month_label(sel.previous_month, lang)
    fmt_int = s._fmt
    from .. import __version__

    context = {
        "lang": lang,
        "t": plain_texts(lang),
        "colon": " : " if lang == "fr" else ": ",
        "version": __version__,
        "name": display,
        "month_label": month_label,
        "generated": text("generated", lang, version=__version__,
                          when=pd.Timestamp.now(tz="Europe/Paris").strftime(
                              "%d/%m/%Y %H:%M" if lang == "fr" else "%Y-%m-%d %H:%M")),
        "population": (text("population", lang, population=fmt_int(population, "count", lang))
                       if population is not None else None),
        "networks": [network_label(n, lang) for n in
                     sorted(set(sel.posts["network"].astype(str))
                            | set(sel.followers["network"].astype(str)))],
        "headline": headline,
        "headline_intro": text("headline_intro", lang, previous=previous),
        "vs_previous": text("vs_previous", lang, month=previous),
        "networks_tables": s.network_tables(dashboard, opts),
        "indicators_intro": text("indicators_intro", lang, n=len(DASHBOARD_INDICATORS)),
        "trend_figure": trend_figure,
        "trend_caption": text("trend", lang, n=opts.history),
        "followers_figure": followers_figure,
        "posts": posts,
        "posts_intro": text("posts_intro", lang, components=posts["components"]),
        "timing": timing,
        "timing_intro": text("timing_intro", lang, n=opts.history),
        "responsiveness": resp,
        "responsiveness_figure": resp_figure,
        "responsiveness_headers": _responsiveness_headers(lang),
        "conventions": text("conventions", lang, n_boot=opts.n_boot, seed=opts.seed,
                            min_posts=opts.min_posts),
        "data_summary": s.data_summary(sel.clean, n_files, opts),
        "older_exports": (text("older_exports", lang, n=older[0],
                               date=pd.Timestamp(older[1]).strftime(
                                   "%d/%m/%Y" if lang == "fr" else "%Y-%m-%d"))
                          if older and older[0] else None),
        "coverage": (text("coverage", lang, start=span[0].strftime("%d/%m/%Y" if lang == "fr"
                                                                    else "%Y-%m-%d"),
                          end=span[1].strftime("%d/%m/%Y" if lang == "fr" else "%Y-%m-%d"))
                     if span else None),
        "gaps": gaps,
        "glossary": s.glossary(shown, opts),
        "label_indicator": label("indicator", lang),
        "label_value": label("value", lang),
        "label_change": label("change", lang),
        "label_media": label("media_type", lang),
        "label_reach": label("reach", lang),
        "label_impressions": label("impressions", lang),
        "label_hour": label("hour", lang),
        "label_posts": label("posts", lang),
        "label_network": label("network", lang),
    }
    return _environment().get_template("report.html.j2").render(**context)


def _responsiveness_headers(lang: str) -> list[dict]:
    from ..indicators import INDICATORS

    heads = [{"key": "response_rate", "label": INDICATORS["response_rate"].label(lang)},
             {"key": "median_response_time",
              "label": INDICATORS["median_response_time"].label(lang)}]
    for h in (2, 8, 24):
        heads.append({"key": f"response_within_{h}h", "label": text("within", lang, h=h)})
    return heads


def write_report(data, path, **options) -> Path:
    """Build the report (see :func:`build_report`) and write it to ``path`` (UTF-8).

    Returns
    -------
    pathlib.Path
        The file written.
    """
    html = build_report(data, **options)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html, encoding="utf-8")
    return path
