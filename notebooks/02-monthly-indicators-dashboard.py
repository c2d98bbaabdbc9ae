# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 02. The monthly indicators dashboard
#
# **Question:** what does the Grand Est région's monthly engagement-rate measurement look like
# when every indicator is defined once, cited and given an interval — and how much does the
# choice of denominator change which network "performs best"?

# %% [markdown]
# ## What you will need
#
# - The bundled simulated panel (`datasets/truth/`: the canonical posts, followers and
#   conversations tables), or your own exports (set `EXPORTS` to their folder: they are read
#   and cleaned with `engagement_lib.cleaning.clean`). A test of the library
#   (`tests/test_indicators_roundtrip.py`) checks that the bundled raw exports, once cleaned,
#   give the same indicators as these truth tables wherever the export formats carry the inputs.
# - The indicator catalog (`engagement_lib.indicators.catalog()`), whose conventions follow the
#   shared `indicator_catalog.md`: *"mature collectivités analyse their results every month
#   with a good fifteen indicators"* (*La Gazette des communes*, 4 March 2019); the Grand Est
#   team (2.5 full-time equivalents, six networks) measures its engagement rate monthly.

# %%
import os

import pandas as pd
from IPython.display import Markdown

import engagement_lib
from engagement_lib import load_dataset
from engagement_lib.i18n import network_label
from engagement_lib.indicators import catalog, compute, monthly_dashboard
from engagement_lib.plots import dashboard_plot, indicator_label, interval_plot

print("engagement_lib", engagement_lib.__version__)

# %% tags=["parameters"]
DATA_DIR = None  # None = the bundled datasets/ folder; or a folder with <TABLES>/posts.parquet...
TABLES = "truth"  # sub-folder holding the canonical posts, followers and conversations tables
EXPORTS = None  # or a folder of raw platform exports to read and clean instead
SEED = 20190304
COLLECTIVITE = "grand_est"
MONTH = None  # None = the last month with posts, else e.g. "2018-11"
LANG = "fr"  # "fr" or "en": labels of figures and tables
N_BOOT = 1000  # bootstrap resamples of the intervals

# %% [markdown]
# ## Load and validate
#
# `load_dataset` validates each table against its canonical schema (UTC timestamps, categorical
# networks, nullable counts: a metric a network does not report is missing, never 0).

# %%
if DATA_DIR is not None:
    os.environ["ENGAGEMENT_DATA_DIR"] = str(DATA_DIR)
if EXPORTS is not None:
    from engagement_lib.cleaning import clean

    cleaned = clean(EXPORTS)
    tables = {"posts": cleaned.posts, "followers": cleaned.followers,
              "conversations": cleaned.conversations}
else:
    tables = {t: load_dataset(f"{TABLES}/{t}") for t in ("posts", "followers", "conversations")}
data = {name: t[t["collectivite"] == COLLECTIVITE] for name, t in tables.items()}
collectivites = load_dataset("collectivites")
posts = data["posts"]
print(f"{COLLECTIVITE}: {len(posts):,} posts on {posts['network'].nunique()} networks, "
      f"{len(data['conversations']):,} conversations, "
      f"{posts['published_at'].min():%Y-%m-%d} to {posts['published_at'].max():%Y-%m-%d}")

# %% [markdown]
# ## 1. The catalog: every indicator defined once
#
# Each indicator carries its id (the denominator is in the id), French and English labels, its
# formula, unit, the networks whose exports provide its inputs, how it aggregates over a month,
# whether it gets a bootstrap interval, and a reference. The public-sector standard of
# Bonsón & Ratkai (popularity P, commitment C, virality V, engagement E) sits beside the
# practitioners' rates (Kaushik's applause, conversation and amplification; engagement by reach,
# impressions or followers).

# %%
cat = catalog()
print(f"{len(cat)} indicators in {cat['family'].nunique()} families")
cat[["id", "family", f"label_{LANG}", "formula", "unit", "aggregation", "interval"]]

# %%
Markdown(catalog(["bonson"], markdown=True, lang=LANG))

# %% [markdown]
# ## 2. The month at a glance
#
# The dashboard holds the ~15 indicators of the practitioners' monthly list
# (`indicators_literature.md`, B.4) for each network, with the change from the previous month
# (in points for rates). Values from fewer than 10 posts are marked `*` (small sample); a value
# that cannot be computed says why instead of showing 0.

# %%
dash = monthly_dashboard(data, collectivite=COLLECTIVITE, month=MONTH, lang=LANG,
                         n_boot=N_BOOT, random_state=SEED, collectivites=collectivites)
print(dash.month.strftime("%Y-%m"))
dash.table

# %%
fig = dash.plot()

# %%
# NBVAL_CHECK_OUTPUT
head = dash.tidy.set_index(["network", "indicator"])
for net in ("facebook", "instagram"):
    row = head.loc[(net, "engagement_rate_reach")]
    print(f"{net}: engagement rate by reach {row['value']:.1f} % "
          f"[{row['ci_low']:.1f}; {row['ci_high']:.1f}], {row['change']:+.1f} pt on the month, "
          f"n = {row['n']}")

# %% [markdown]
# ## 3. The monthly engagement-rate measurement, over three years
#
# The Grand Est "measures its engagement rate every month". With an interval, the month-to-month
# wiggles can be read for what they are: most changes of a single month stay inside the
# uncertainty of a few dozen posts.

# %%
monthly = compute(data, ["engagement_rate_reach", "engagement_rate_followers"],
                  n_boot=N_BOOT, random_state=SEED, collectivites=collectivites)
fig = dashboard_plot(monthly, lang=LANG, ncols=2, height=3.2, aspect=1.6)

# %%
rates = monthly[monthly["status"] == "ok"]
inside = (rates["ci_low"] <= rates["value"]) & (rates["value"] <= rates["ci_high"])
assert inside.all(), rates[~inside]
fb = rates[(rates["network"] == "facebook") & (rates["indicator"] == "engagement_rate_reach")]
steps = fb.sort_values("period")
overlap = (steps["ci_low"].shift() <= steps["ci_high"]) & (steps["ci_low"] <= steps["ci_high"].shift())
print(f"Facebook: {overlap.iloc[1:].mean():.0%} of monthly changes have overlapping intervals")

# %% [markdown]
# ## 4. Which network engages best? It depends on the denominator
#
# Over the last twelve months, the same interactions are divided by reach (people who saw the
# posts; only Facebook and Instagram report it), by impressions (screens; X and LinkedIn's own
# convention) or by followers (the only denominator every network allows). Each rate is a ratio
# of sums (each post weighs by its denominator) or the mean of the per-post ratios (each post
# weighs the same, Hootsuite's "average ERR"). With one twelve-month period, F is the follower
# count at its end, so the follower-based rate is the same under both aggregations.

# %%
last = dash.month
window = dict(freq=None, start=last - pd.DateOffset(months=11), end=last + pd.DateOffset(months=1))
rates = ["engagement_rate_reach", "engagement_rate_impressions", "engagement_rate_followers"]
names = {"ratio_of_sums": "ratio of sums" if LANG == "en" else "ratio des sommes",
         "mean_of_ratios": "mean of ratios" if LANG == "en" else "moyenne des ratios"}
year = pd.concat([
    compute(data, rates, aggregation=agg, n_boot=N_BOOT, random_state=SEED, **window)
    .assign(aggregation=names[agg])
    for agg in names
])
year = year[year["value"].notna()]
fig = interval_plot(year, hue="aggregation", lang=LANG, col_wrap=3, height=2.8)

# %%
# NBVAL_CHECK_OUTPUT
ranks = year.assign(rank=year.groupby(["indicator", "aggregation"])["value"].rank(ascending=False))
table = ranks.pivot_table(index="network", columns=["indicator", "aggregation"], values="rank")
table.index = [network_label(n, LANG) for n in table.index]
table.columns = [f"{indicator_label(i, LANG, unit=False)} — {a}" for i, a in table.columns]
print(table.T.map(lambda r: "—" if pd.isna(r) else f"{r:.0f}").to_string())

# %%
rank_of = ranks[ranks["aggregation"] == names["ratio_of_sums"]].pivot(
    index="network", columns="indicator", values="rank")
common = rank_of.dropna(subset=["engagement_rate_impressions", "engagement_rate_followers"])
# the ranking by impressions is not the ranking by followers
assert not (common["engagement_rate_impressions"] == common["engagement_rate_followers"]).all()
# X moves up when divided by impressions rather than followers
assert rank_of.loc["x", "engagement_rate_impressions"] < rank_of.loc["x", "engagement_rate_followers"]
# the calibration order of the era (Rival IQ): Instagram > Facebook > X per follower
value = year.pivot_table(index=["indicator", "aggregation"], columns="network", values="value")
fol = value.loc[("engagement_rate_followers", names["ratio_of_sums"])]
assert fol["instagram"] > fol["facebook"] > fol["x"]
# by reach, Instagram engages several times more than Facebook
err = value.loc[("engagement_rate_reach", names["ratio_of_sums"])]
assert err["instagram"] > 2 * err["facebook"]
# the posts that reach most also engage most: the ratio of sums exceeds the mean of ratios
assert err["facebook"] > value.loc[("engagement_rate_reach", names["mean_of_ratios"]), "facebook"]

# %% [markdown]
# The public-sector literature reports Bonsón & Ratkai's metrics over the same year: the share
# of posts liked (P1), commented (C1) and shared (V1), per post (P2, C2, V2) and per post per
# 1000 followers (P3, C3, V3, E).

# %%
bonson = compute(data, ["bonson"], n_boot=0, **window)
bonson["label"] = [indicator_label(i, LANG, unit=False) for i in bonson["indicator"]]
bonson["network"] = [network_label(n, LANG) for n in bonson["network"]]
bonson.pivot_table(index="label", columns="network", values="value", sort=False).round(2)

# %% [markdown]
# ## What we learned
#
# - One definition per indicator, with its denominator in its name, turns "our engagement rate"
#   into a comparable figure. By reach, Instagram engages several times more than Facebook; by
#   impressions, X climbs above Facebook; by followers, X falls to last place and YouTube's small
#   audience moves up. None of these rankings is "the" ranking: state the denominator.
# - The aggregation changes the value too, if less than the denominator: on Facebook the ratio
#   of sums (each post weighs by its reach) is about a third above the mean of post ratios
#   (each post weighs the same), because the posts that reach most — the viral ones — also
#   engage most.
# - With a few dozen posts a month, a month-to-month change of a rate is mostly inside its
#   bootstrap interval: a monthly dashboard should show intervals before anyone reads a trend.
# - Metrics a network does not report (reach on X, LinkedIn and YouTube; likes on Snapchat)
#   appear as missing with a reason, never as 0.
#
# **Limits.** The data are simulated (calibrated on published benchmarks, see
# `datasets/README.md`). Reach summed over posts is not unique reach. A "view" means 3 s on
# Facebook, 2 s on X and any play elsewhere, so video view rates compare badly across networks.
# Mentions, share of voice and sentiment, the last item of the practitioners' list, need data
# the exports do not hold. Bonsón & Ratkai's formula table is the widely reproduced one (the
# 2013 paper's table itself was not retrieved).

# %% [markdown]
# ## References
#
# - Sigot, F. (2019). Sur les réseaux sociaux, les stratégies des collectivités s'affinent.
#   *La Gazette des communes*, 4 March 2019.
# - Bonsón, E. & Ratkai, M. (2013). A set of metrics to assess stakeholder engagement and social
#   legitimacy on a corporate Facebook page. *Online Information Review* 37(5), 787–803.
# - Bonsón, E., Royo, S. & Ratkai, M. (2015). Citizens' engagement on local governments'
#   Facebook sites. *Government Information Quarterly* 32(1), 52–62.
# - Kaushik, A. (2011). Best social media metrics: conversation, amplification, applause,
#   economic value. *Occam's Razor*.
# - Hootsuite (2019). How to calculate engagement rate; Rival IQ Social Media Industry Benchmark
#   reports (2019–2025); X Ads API analytics metrics.
# - Efron, B. & Tibshirani, R. (1993). *An Introduction to the Bootstrap*. Chapman & Hall.

# %%
# Versions, for reproducibility
import sys

import matplotlib
import numpy
import seaborn

print("python", sys.version.split()[0])
for module in (engagement_lib, pd, numpy, matplotlib, seaborn):
    print(module.__name__, module.__version__)
