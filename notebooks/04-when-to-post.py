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
# # 04. When to post?
#
# **Question:** does the *time* a post goes out (weekday × hour, Paris time) change the
# engagement it gets once we hold constant *what* was posted and *by whom* — and, if so, which
# slots are best and worst on each network?

# %% [markdown]
# ## What you will need
#
# - The bundled simulated panel (`datasets/truth/`: posts, followers, and the planted effects in
#   `planted_effects.json`), or your own canonical posts and followers tables.
# - The library's timing module, `engagement_lib.analysis.timing`: posting slots in
#   `Europe/Paris` time (DST-safe), the naive heatmap, the adjusted `PostingTimeEffects`
#   regression with its joint test, and the best/worst slot sets.
# - Background: notebook 03 (comparing strategies) and the calibration notes (C.4, best posting
#   times in government benchmarks: Facebook weekend mornings, X weekday mornings, LinkedIn
#   weekday mid-day).
#
# *La Gazette des communes* (4 March 2019) reports that mature collectivités such as Toulouse use
# their indicators to adjust both their content **and their posting times**. The per-post data
# here is **simulated** (see `datasets/README.md`): every number below is a property of that
# panel, and the planted weekday × hour multipliers let us check what the methods find.

# %%
import os

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from IPython.display import display

import engagement_lib
from engagement_lib import list_datasets, load_dataset
from engagement_lib.analysis import timing as T
from engagement_lib.i18n import label

print("engagement_lib", engagement_lib.__version__)

# %% tags=["parameters"]
DATA_DIR = None  # None = the bundled datasets/ folder
TABLES = "truth"  # sub-folder holding the canonical posts and followers tables
SEED = 20190304
NETWORK = "facebook"  # network shown in detail
NETWORKS = ["facebook", "x", "instagram", "linkedin"]  # networks with enough posts to analyse
SMALL_TOWN = "saint_dizier"  # a town analysed alone in section 6
HOURS = 3  # width of the hour blocks (a divisor of 24) or explicit edges, e.g. [0, 9, 12, 18, 24]
LANG = "fr"  # "fr" or "en": labels of figures and tables
NULL_PANELS = 5  # simulated panels without any timing effect, for the false-alarm check (0 to skip)

# %% [markdown]
# ## Load and validate
#
# `load_dataset` validates each table against its canonical schema (timestamps tz-aware in UTC,
# nullable counts). Everything below converts `published_at` to Paris time; a post at 23:30 UTC
# on a Saturday in July is a Sunday 01:30 post for the people who read it.

# %%
if DATA_DIR is not None:
    os.environ["ENGAGEMENT_DATA_DIR"] = str(DATA_DIR)
posts = load_dataset(f"{TABLES}/posts")
followers = load_dataset(f"{TABLES}/followers")
planted = (load_dataset(f"{TABLES}/planted_effects")
           if f"{TABLES}/planted_effects" in list_datasets() else None)
posts = posts[posts["network"].astype(str).isin(NETWORKS)]
print(f"{len(posts):,} posts on {', '.join(NETWORKS)}, "
      f"{posts['published_at'].min():%Y-%m-%d} to {posts['published_at'].max():%Y-%m-%d}")

# %% [markdown]
# ## 1. When do community managers post?
#
# Posting habits first: the share of each network's posts published on weekdays between 08:00
# and 18:00, Paris time.

# %%
slots = T.add_posting_slot(posts, hours=HOURS)
office = (slots["weekday"] < 5) & slots["hour"].between(8, 17)
habits = (slots.assign(office=office)
          .groupby(slots["network"].astype(str))["office"].agg(["size", "mean"])
          .rename(columns={"size": "posts", "mean": "office_hours_share"}))
habits.round(2)

# %% [markdown]
# Most posts go out in office hours: the cells of a weekday × hour grid are very unequal, and
# the evening and weekend cells hold few posts. That alone makes a dashboard grid fragile.
#
# ## 2. The naive heatmap
#
# The dashboard view: mean interactions (likes + comments + shares) per post in each slot. It
# mixes three things — the slot, *what* is posted then (job offers and council news in office
# hours, culture and sport in the evening and at weekends), and *which account* posts then — and
# a cell of 30 posts can be lifted by a single viral post.

# %%
naive = T.naive_heatmap(posts, hours=HOURS)
top = (naive[naive["n"] > 0].sort_values("mean", ascending=False)
       .groupby("network").head(1).set_index("network")[["slot", "n", "mean", "median"]])
top.round(0)

# %% [markdown]
# Where the raw "best slot" is a small cell (a handful to a few dozen posts) whose mean is many
# times its median, it is one or two viral posts, not a reliable time effect. Where it is a
# large cell it may happen to be right — but a dashboard cannot tell which case it is in.
#
# ## 3. Adjusted effects
#
# `PostingTimeEffects` regresses log(1 + interactions) − log(followers) on the slot, with fixed
# effects for media type, topic, account and quarter (the module docstring explains why the log
# scale: count models are swamped by viral posts). Effects are ratios to the *average slot*;
# cells with fewer than 30 posts are pooled and not reported. First, per network, the joint
# test of "no timing effect at all" — a test that can say *no*.

# %%
est = T.PostingTimeEffects(hours=HOURS).fit(posts, followers)
tests = est.tests_.set_index("network")
tests[["n_posts", "statistic", "df_num", "p_value", "status"]].round(4)

# %%
# NBVAL_CHECK_OUTPUT
for net, row in tests.iterrows():
    print(f"{net:10s} p = {row['p_value']:.1e}  {row['status']}")

# %% [markdown]
# The three panels below put the posting habits, the naive means and the adjusted effects of
# one network side by side. In the adjusted panel the colour is the ratio (log scale), hatched
# cells have an interval that includes 1 (no evidence the slot differs from average), and grey
# cells hold too few posts to be estimated.

# %%
fig = T.plot_naive_vs_adjusted(naive, est.effects_, network=NETWORK, lang=LANG)
plt.show()

# %%
fig, axes = plt.subplots(1, 3, figsize=(18, 4.4), layout="constrained")
for ax, net in zip(axes, [n for n in NETWORKS if n != NETWORK]):
    T.plot_timing_effects(est.effects_, network=net, lang=LANG, ax=ax)
plt.show()

# %% [markdown]
# ## 4. Best and worst slots, with their uncertainty
#
# A single "best slot" would overstate what the data know. `best_slots()` returns the slots
# *not significantly below* the estimated best (one-sided tests, Holm-adjusted): the best slot
# is one of these. `best_slots(worst=True)` does the same for the worst.

# %%
best = est.best_slots()
worst = est.best_slots(worst=True)
summary = pd.DataFrame({
    "best_set": best.groupby("network")["slot"].agg(", ".join),
    "worst_set_size": worst.groupby("network").size(),
    "estimable_slots": est.effects_.dropna(subset=["estimate"]).groupby("network").size(),
}).reindex([n for n in NETWORKS])
summary

# %% [markdown]
# ### Recovery of the planted truth
#
# The simulator multiplies each post's expected interactions by a weekday × hour table
# (`planted_effects.json`). `compare_with_planted` averages that table over the hours of each
# block (weighted by the posts actually published there, as the regression does) and puts it on
# the same scale as the estimates. "Identified" means: the joint test detects an effect, the
# planted extreme slot is in the estimated set, that set holds at most half of the estimable
# slots, and the slot is not also among the possible opposites
# (`identify_extremes` documents each verdict).

# %%
if planted is not None:
    comp = T.compare_with_planted(est, planted["effects"]["posting_time"]["multipliers"])
    coverage = comp.dropna(subset=["estimate"]).groupby("network")["covered"].mean()
    verdict = T.identify_extremes(est, comp)
    display_cols = ["network", "extreme", "planted_slot", "planted", "estimate", "ci_low",
                    "ci_high", "set_size", "n_estimable", "status"]
    display(verdict[display_cols].round(2))

# %%
# NBVAL_CHECK_OUTPUT
if planted is not None:
    for net in NETWORKS:
        v = verdict[verdict["network"] == net].set_index("extreme")
        print(f"{net:10s} coverage {coverage[net]:.2f} | best {v.loc['best', 'planted_slot']}: "
              f"{v.loc['best', 'status']} | worst {v.loc['worst', 'planted_slot']}: "
              f"{v.loc['worst', 'status']}")
    assert (coverage >= 0.8).all()  # planted ratios inside the 95 % intervals
    assert not (verdict["status"] == "missed").any()  # never confidently wrong
    assert (verdict["status"] == "identified").all()  # planted best and worst, every network

# %% [markdown]
# Reading the verdicts:
#
# - **Facebook**: the weekend mornings (Saturday and Sunday 09–12) come out on top, as planted
#   — the pattern the 2024 government benchmarks report; the worst set is made of the weekday
#   evenings (18–21) and a few early mornings, with the planted worst (Friday 18–21) among them.
# - **X**: weekday early mornings (06–09) are best and weekend afternoons worst. The best set
#   starts with the Monday–Thursday 06–09 row (the planted peak covers four weekdays alike) but
#   also keeps a number of slots that the data cannot rank below it: a wide set, under half of
#   the estimable slots.
# - **Instagram**: evenings (18–21) are best every day, school-day mid-mornings (09–12) worst;
#   the worst set is wide, since the weekday daytime slots are all below average.
# - **LinkedIn**: with only 3–4 posts a week per account, the contrast has to be large to be
#   seen: Tuesday–Thursday mornings (09–12) are well above average, Tuesday's alone in the best
#   set; Friday afternoons (15–18) are worst.
#
# The planted worst slots are placed in hours that are actually posted in: the overall
# minimum of the planted table is at 4 a.m. (`worst_slot` in `planted_effects.json`), a slot
# no data can rank because nobody posts then; `worst_posted_slot` gives the worst among the
# hours the posting habits use. The sizes of the planted effects are assumptions chosen to be
# identifiable: over 20 other seeds each extreme is identified on 85–100 % of the panels
# (`ENGAGEMENT_POWER_STUDY=1 pytest tests/test_timing.py`), so on another draw an extreme can
# come out "consistent, not narrowed down" — a set too large to act on, never a wrong slot.
#
# Where the planted table and the estimates disagree — between one slot in twenty (the
# nominal rate) and one in ten falls outside its 95 % interval, see the coverage printed above
# — the misses are spread over busy and quiet slots alike; none of them changes a verdict.

# %%
if planted is not None:
    sub = comp[(comp["network"] == NETWORK) & comp["estimate"].notna()]
    fig, ax = plt.subplots(figsize=(5, 5), layout="constrained")
    ax.errorbar(sub["planted"], sub["estimate"],
                yerr=[sub["estimate"] - sub["ci_low"], sub["ci_high"] - sub["estimate"]],
                fmt="o", ms=4, alpha=0.7)
    lims = [min(sub["ci_low"].min(), sub["planted"].min()) * 0.9,
            max(sub["ci_high"].max(), sub["planted"].max()) * 1.1]
    ax.plot(lims, lims, color="0.5", ls="--")
    ax.set(xscale="log", yscale="log", xlabel="planted ratio (simulation)",
           ylabel="estimated ratio, 95 % interval", title=label(NETWORK, LANG))
    plt.show()

# %% [markdown]
# ## 5. Does the method cry wolf?
#
# A method that always finds a "best time" is useless. We simulate small panels (two towns'
# Facebook pages) with every effect of the scenario *except* the posting-time one — office-hour
# habits, topic mix and viral posts included — and count how often the joint test claims a
# timing effect. At the 5 % level it should be about one panel in twenty (the test file runs 20
# panels; here `NULL_PANELS`).

# %%
if NULL_PANELS:
    from engagement_lib.simulate import default_scenario, simulate_panel

    scenario = default_scenario().without("posting_time").only(
        collectivites=["romans_sur_isere", "saint_dizier"], networks=["facebook"])
    null_p = []
    for k in range(NULL_PANELS):
        panel = simulate_panel(scenario, seed=SEED + 1000 + k)
        null_p.append(T.PostingTimeEffects(hours=HOURS).fit(panel.posts, panel.followers)
                      .tests_.loc[0, "p_value"])
    print("p-values without a planted timing effect:", np.round(null_p, 2))
    print("false detections:", int(np.sum(np.array(null_p) < 0.05)), "of", NULL_PANELS)

# %% [markdown]
# ## 6. What it means for a town
#
# The network-wide analysis pools five collectivités. What can one town learn from its own
# page? Saint-Dizier's Facebook page alone, with the same model:

# %%
town = posts[(posts["collectivite"] == SMALL_TOWN) & (posts["network"] == NETWORK)]
alone = T.PostingTimeEffects(hours=HOURS).fit(town, followers)
additive = T.PostingTimeEffects(hours=HOURS, design="additive").fit(town, followers)
pd.DataFrame({
    "weekday × hour cells": alone.tests_.iloc[0][["n_posts", "df_num", "p_value", "status"]],
    "weekday + hour (additive)": additive.tests_.iloc[0][["n_posts", "df_num", "p_value",
                                                          "status"]],
})

# %%
# NBVAL_CHECK_OUTPUT
print(f"{SMALL_TOWN} alone: {len(town)} posts; cells: {alone.tests_.loc[0, 'status']}; "
      f"additive: {additive.tests_.loc[0, 'status']}")

# %%
fig, ax = plt.subplots(figsize=(8, 4), layout="constrained")
T.plot_timing_effects(additive.effects_, network=NETWORK, lang=LANG, ax=ax)
plt.show()

# %% [markdown]
# A town posting about once a day has a few hundred posts a year, spread over dozens of slots:
# the cell-by-cell view finds nothing it can vouch for. The additive view (one effect per
# weekday, one per block of hours, so every post informs two effects) does detect a pattern —
# Saturday posts do better, Sunday's about as well as an average weekday — but it assumes the
# hour profile is the same every day, so it cannot say "weekend *mornings*", and its cells with
# a handful of posts are extrapolations. For a community manager the practical reading is: trust the broad pattern of
# your network (here, weekend mornings on Facebook), check its direction on your own data with
# the additive model, and do not re-plan the week around one bright cell of a dashboard.
#
# ## What we learned
#
# - **Habits distort the dashboard.** From half (Instagram) to four in five (LinkedIn) of the
#   posts go out in weekday office hours; the naive heatmap's top cells are small cells lifted
#   by one viral post, or cells whose content (culture, sport) engages more wherever it is
#   posted.
# - **The adjusted model recovers the planted pattern**: weekend mornings on Facebook, weekday
#   mornings on X, evenings on Instagram, Tuesday–Thursday mornings on LinkedIn, and the worst
#   windows too — each as a set of slots that contains the planted one and excludes the
#   opposite extreme, with intervals that contain the planted ratios at close to their nominal
#   rate.
# - **"No detectable effect" is an answer.** The joint test stays quiet on panels with no
#   timing effect, and on one town's page alone the cell-by-cell view cannot vouch for anything.
# - **Sample size sets the resolution.** Networks with 3–4 posts a week (Instagram, LinkedIn)
#   need contrasts of about ×2 before a single slot can be singled out; smaller effects show up
#   only in the additive view or as "consistent, not narrowed down".
# - **A worst slot nobody posts in cannot be found.** The night hours have no posts; the worst
#   slot a community manager can learn about is the worst one they actually use.
#
# **Limits.** The data are simulated: the planted table follows the direction of published
# benchmarks (Hootsuite government, Sprout Social) but its values are assumptions. The model
# assumes the time effect multiplies engagement the same way for every account and topic of a
# network, and that the slot does not change *who sees* the post beyond what followers capture.
# Effects are on the typical post (log scale); for very small accounts the +1 in log(1 + y)
# shrinks them towards 1. The simulated windows are aligned on the three-hour blocks; real
# effects that start mid-block are blurred across two blocks. Posting times also move with the
# algorithms: the 2016–2019 pattern is not today's.

# %% [markdown]
# ## References
#
# - Sigot, F. (2019). Sur les réseaux sociaux, les stratégies des collectivités s'affinent.
#   *La Gazette des communes*, 4 March 2019.
# - Hootsuite, *Government social media benchmarks* (Q3 2024 data; Q1 2025 update).
# - Sprout Social, *Best times to post on social media* (2019–2022 editions).
# - Bonsón, E., Royo, S. & Ratkai, M. (2015). Citizens' engagement on local governments'
#   Facebook sites. *Government Information Quarterly* 32(1): 52–62.
# - Long, J. S. & Ervin, L. H. (2000). Using heteroscedasticity consistent standard errors in
#   the linear regression model. *The American Statistician* 54(3): 217–224.
# - Holm, S. (1979). A simple sequentially rejective multiple test procedure. *Scandinavian
#   Journal of Statistics* 6(2): 65–70.
# - Hsu, J. C. (1996). *Multiple Comparisons: Theory and Methods*. Chapman & Hall.

# %%
import sys  # noqa: E402

import matplotlib  # noqa: E402
import seaborn  # noqa: E402
import statsmodels  # noqa: E402

print("python", sys.version.split()[0])
for module in (engagement_lib, pd, np, matplotlib, seaborn, statsmodels):
    print(module.__name__, module.__version__)
