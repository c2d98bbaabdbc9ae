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
# # 08. Your own data: the whole analysis on your exports
#
# **Question:** what do *my* collectivité's exports say about last month, with the research notebooks' indicators and methods, in a report for my director?

# %% [markdown]
# ## What you will need
#
# - A folder with the analytics exports of your accounts, exactly as the platforms gave them
#   (Meta Business Suite or the legacy Facebook Insights CSV/XLSX, Instagram, X, LinkedIn,
#   YouTube Studio, TikTok...). Best arranged as `<folder>/<network>/<account>/<files>`, e.g.
#   `exports/facebook/ville/…csv`, `exports/instagram/ville_ig/…json`: the folder names label the
#   accounts. `engagement catalog --layouts` lists the formats the library recognises.
# - The INSEE population of your collectivité (for followers per 1000 inhabitants).
# - Run it on your data without opening it, with [papermill](https://papermill.readthedocs.io):
#
#   ```
#   papermill notebooks/08-your-own-data.ipynb build/outputs/08-valence.ipynb \
#       -p EXPORTS_DIR ~/exports/valence -p COLLECTIVITE "Valence" \
#       -p POPULATION 64000 -p MONTH 2019-01 -p LANG fr
#   ```
#
#   or, for the report alone, `engagement report ~/exports/valence --collectivite Valence
#   --population 64000 --month 2019-01 --out rapport.html`.
# - By default the notebook runs on the bundled (simulated) exports of Romans-sur-Isère.

# %%
from pathlib import Path

import pandas as pd
from IPython.display import display

import engagement_lib
from engagement_lib._paths import data_dir, output_dir
from engagement_lib.analysis.compare import interactions
from engagement_lib.analysis.responsiveness import response_summary
from engagement_lib.analysis.timing import PostingTimeEffects, naive_heatmap, plot_naive_heatmap
from engagement_lib.cleaning import clean
from engagement_lib.indicators import monthly_dashboard
from engagement_lib.plots import dashboard_plot
from engagement_lib.readers import read_exports
from engagement_lib.report import slugify, write_report

print("engagement_lib", engagement_lib.__version__)

# %% tags=["parameters"]
# Parameters (papermill can override them): exports folder, collectivité, population, month,
# language, seed.
EXPORTS_DIR = None  # None = the bundled exports of Romans-sur-Isère (datasets/raw/romans_sur_isere)
COLLECTIVITE = "Romans-sur-Isère"  # your collectivité's name; it labels every row read
POPULATION = 32911  # INSEE population municipale
MONTH = "2019-01"  # the month of the report, YYYY-MM
LANG = "fr"  # "fr" or "en": labels of figures, tables and the report
SEED = 20190304  # seed of the bootstrap intervals
OUTPUT_DIR = None  # None = build/outputs (git-ignored); where the HTML report is written

# %% [markdown]
# ## Load and validate
#
# Every file of the folder is read (its platform and format version are recognised from its
# columns, never from its name); files that are not exports are listed, not silently dropped.
# Cleaning harmonises names, units and time zones, keeps the latest of overlapping exports and
# puts every row it cannot keep in a quarantine with the reason: the counts add up.

# %%
exports_dir = Path(EXPORTS_DIR).expanduser() if EXPORTS_DIR else data_dir() / "raw" / "romans_sur_isere"
collectivite_id = slugify(COLLECTIVITE)
raw = read_exports(exports_dir, errors="collect", progress=False)
print(f"{len(raw)} tables read from {exports_dir.name}/; {len(raw.failures)} unreadable files")
for failure in raw.failures:
    print("  not an export:", failure)

# %%
data = clean(list(raw), collectivite=collectivite_id)
data.report.totals.rename("rows").to_frame()  # the per-file counts: data.report.to_frame()

# %%
data.report.check()  # read = kept + duplicates merged + quarantined, file by file
display(data.report.reasons)  # why rows were quarantined, if any
assert len(data.posts) > 0, "no posts in the exports: add the post-level exports"
coverage = (data.posts["published_at"].min().tz_convert("Europe/Paris"),
            data.posts["published_at"].max().tz_convert("Europe/Paris"))
print(f"posts from {coverage[0]:%Y-%m-%d} to {coverage[1]:%Y-%m-%d}")
data.posts.groupby([data.posts["network"].astype(str), "account"]).size().rename("posts").to_frame()

# %% [markdown]
# ## 1. The month at a glance: the monthly dashboard
#
# The ~15 indicators of the practitioners' monthly list for each network, with the change from
# the previous month (in points for rates) and 95 % bootstrap intervals. A value that cannot be
# computed says why (e.g. "no follower data") instead of showing 0; `*` marks small samples.

# %%
collectivites = pd.DataFrame({"id": [collectivite_id], "name": [COLLECTIVITE],
                              "population": [POPULATION]})
dash = monthly_dashboard(data, collectivite=collectivite_id, month=MONTH, lang=LANG,
                         random_state=SEED, collectivites=collectivites)
dash.table

# %%
# NBVAL_CHECK_OUTPUT
month_posts = dash.tidy[dash.tidy["indicator"] == "posts"].set_index("network")["value"]
for network, n in month_posts.items():
    print(f"{network}: {n:.0f} posts in {MONTH}")

# %%
fig = dash.plot()

# %% [markdown]
# ## 2. Follower growth
#
# Followers at the end of each month and the net monthly gain, per network (networks whose
# exports give no running total — LinkedIn's page export, Instagram's Graph export — have none).

# %%
fig = dashboard_plot(dash, indicators=["followers", "net_follower_growth", "follower_growth_rate"],
                     ncols=3, interval=False)

# %% [markdown]
# ## 3. The posts of the month: best and worst
#
# Interactions per post are likes (all reactions) + comments + shares, those the network
# reports (`engagement_lib.analysis.compare.interactions`); a post compares with the posts of
# its own account.

# %%
start = pd.Timestamp(MONTH, tz="Europe/Paris")
in_month = data.posts[(data.posts["published_at"] >= start)
                      & (data.posts["published_at"] < start + pd.DateOffset(months=1))]
ranked = in_month.assign(interactions=interactions(in_month)).sort_values(
    ["account", "interactions"], ascending=[True, False])
columns = ["network", "account", "published_at", "media_type", "interactions", "reach", "text"]
ranked.groupby("account").head(3)[columns]

# %%
ranked.groupby("account").tail(3)[columns]

# %% [markdown]
# ## 4. When to post
#
# The raw view (mean interactions per weekday × 3-hour slot, Paris time, over the last twelve
# months) mixes the effect of the time with what is posted then and by whom; the regression
# holds media type, topic, account and quarter constant.

# %%
year = data.posts[(data.posts["published_at"] >= start - pd.DateOffset(months=11))
                  & (data.posts["published_at"] < start + pd.DateOffset(months=1))]
naive = naive_heatmap(year, by="network")
busiest = naive.groupby("network", observed=True)["n"].sum().idxmax()
ax = plot_naive_heatmap(naive, network=busiest, lang=LANG, min_posts=10)

# %%
timing = PostingTimeEffects(design="additive", offset=None, min_posts=10).fit(year, data.followers)
timing.tests_[["network", "n_posts", "p_value", "status"]]

# %% [markdown]
# ## 5. Responsiveness
#
# Response rate and reply delay need the conversations (comments and messages with the time of
# the answer); most analytics exports do not include them.

# %%
if len(data.conversations):
    display(response_summary(data.conversations, by="network", random_state=SEED))
else:
    print("no conversations in the exports: responsiveness cannot be measured")

# %% [markdown]
# ## 6. The report for the director
#
# The same analysis as one self-contained HTML file (figures embedded, no external resource),
# in the chosen language: what `engagement report` writes. Outputs go to `build/outputs/`
# (git-ignored), never into the data folder.

# %%
out_dir = Path(OUTPUT_DIR).expanduser() if OUTPUT_DIR else output_dir()
report = write_report(data, out_dir / f"08-report-{collectivite_id}-{MONTH}-{LANG}.html",
                      collectivite=collectivite_id, population=POPULATION, month=MONTH,
                      lang=LANG, name=COLLECTIVITE, random_state=SEED,
                      failures=raw.failures)
html = report.read_text(encoding="utf-8")
for section in ("headline", "indicators", "followers", "posts", "timing", "responsiveness",
                "methods", "glossary"):
    assert f'<section id="{section}"' in html, section
print(f"report written: {report.name} ({len(html.encode()) / 1e6:.1f} MB)")

# %% [markdown]
# ## What we learned
#
# - One folder of raw exports is enough for the whole monthly analysis: the dashboard, follower
#   growth, the best and worst posts, posting times and a report, with the same definitions as
#   the research notebooks.
# - The cleaning report says what was kept, merged and quarantined: check it before trusting a
#   number; a missing value comes with its reason (a network that does not report reach, an
#   account without follower counts), never as a 0.
#
# **Limits.** Indicators are only as complete as the exports: Instagram's Graph export and
# LinkedIn's page export give no follower totals, and no standard export holds the reply times
# of conversations. One collectivité's month is a few dozen posts: intervals are wide, so
# compare months with their intervals, not their point values. Even a year of one
# collectivité's posts supports only the coarse additive view of posting times (one effect per
# weekday, one per block of hours), not a slot-by-slot ranking (notebook 04, section 6).

# %% [markdown]
# ## References
#
# - Sigot, F. (2019). Sur les réseaux sociaux, les stratégies des collectivités s'affinent.
#   *La Gazette des communes*, 4 March 2019.
# - The indicator catalog: `engagement catalog` or `engagement_lib.indicators.catalog()`,
#   with the reference of every indicator.

# %%
# Versions, for reproducibility
import sys

import matplotlib
import sklearn

print("python", sys.version.split()[0])
for module in (engagement_lib, pd, matplotlib, sklearn):
    print(module.__name__, module.__version__)
