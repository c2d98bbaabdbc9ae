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
# # 01. The five collectivités of the article
#
# **Question:** who are the collectivités that *La Gazette des communes* described in March 2019, how large are they, and which networks does each use, for which audience?

# %% [markdown]
# ## What you will need
#
# - The bundled `datasets/collectivites.csv` (INSEE codes and populations) and
#   `datasets/article_networks.csv` (the networks the article names, and those we had to assume).
# - The source: F. Sigot, "Sur les réseaux sociaux, les stratégies des collectivités s'affinent",
#   *La Gazette des communes*, 4 March 2019.
#
# This notebook sets the scene for the others: the per-post data used later is **simulated**
# (no public per-post data of French collectivités may be redistributed; see `datasets/README.md`).

# %%
import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns

import engagement_lib
from engagement_lib import load_dataset
from engagement_lib.i18n import label

print("engagement_lib", engagement_lib.__version__)

# %% tags=["parameters"]
DATA_DIR = None  # None = the bundled datasets/ folder (or set ENGAGEMENT_DATA_DIR)
SEED = 20190304  # no randomness here; kept for the common skeleton
COLLECTIVITE = "toulouse"
LANG = "fr"

# %% [markdown]
# ## Load and validate
#
# `load_dataset` validates `collectivites` against its canonical schema
# (`engagement_lib.schema.CollectivitesSchema`): INSEE codes stay strings, populations are
# integers, the kind is a categorical.

# %%
collectivites = load_dataset("collectivites")
networks = load_dataset("article_networks")
collectivites[["id", "name", "kind", "insee_code", "population", "population_year", "population_article"]]

# %% [markdown]
# ## Sizes: from a town of 23,000 to a région of 5.6 million
#
# The article gives rounded populations; the INSEE *population municipale* is the reference we use
# to normalise indicators (followers per 1,000 inhabitants). Both are shown on a log scale: the
# largest collectivité is 240 times the smallest, which is why every later comparison is
# normalised.

# %%
sizes = collectivites.melt(
    id_vars=["name"], value_vars=["population", "population_article"],
    var_name="source", value_name="inhabitants",
).dropna()
sizes["source"] = sizes["source"].map(
    {"population": label("population_insee", LANG), "population_article": label("population_article", LANG)}
)
fig, ax = plt.subplots(figsize=(7, 3.5))
sns.barplot(data=sizes, y="name", x="inhabitants", hue="source", ax=ax)
ax.set_xscale("log")
ax.set_xlabel(label("population", LANG) + " (log)")
ax.set_ylabel("")
ax.legend(title=label("source", LANG), fontsize=8)
fig.tight_layout()

# %%
# NBVAL_CHECK_OUTPUT
pop = collectivites.set_index("id")["population"]
print(f"largest / smallest population: {pop.max() / pop.min():.0f}")
gap = (collectivites["population"] / collectivites["population_article"] - 1).dropna()
print(f"INSEE vs article population: from {gap.min():+.1%} to {gap.max():+.1%}")

# %% [markdown]
# ## Networks: one editorial line per network
#
# "Facebook for a rather senior audience, Twitter for professionals, Instagram then Snapchat for
# the young" (Toulouse); LinkedIn for job offers (Romans-sur-Isère); seven networks for the
# Val-de-Marne, six for the Grand Est. Where the article names a network we mark it *named*;
# where it only says "six networks" or omits the obvious Facebook page we mark it *assumed* —
# the simulated panel follows this table.

# %%
presence = networks.assign(
    collectivite=networks["collectivite"].map(collectivites.set_index("id")["name"]),
    network=networks["network"].map(lambda n: label(n, LANG)),
    code=networks["presence"].map({"named": 2, "assumed": 1}),
).pivot_table(index="collectivite", columns="network", values="code", aggfunc="max")
fig, ax = plt.subplots(figsize=(7.5, 3))
sns.heatmap(presence, cmap=sns.color_palette(["#c6dbef", "#2171b5"], as_cmap=True),
            cbar=False, linewidths=1, linecolor="white", ax=ax)
ax.set_xlabel(label("network", LANG))
ax.set_ylabel("")
ax.set_title(
    f"{label('presence', LANG)} — {label('named', LANG)} ({label('dark', LANG)}), "
    f"{label('assumed', LANG)} ({label('light', LANG)})", fontsize=9,
)
fig.tight_layout()

# %%
# NBVAL_CHECK_OUTPUT
per_collectivite = networks.drop_duplicates(["collectivite", "network"]).groupby("collectivite")["network"].count()
print(per_collectivite.sort_values(ascending=False).to_string())
print("named in the article:", int((networks["presence"] == "named").sum()), "of", len(networks), "accounts")

# %% [markdown]
# ## Who each network is meant to reach

# %%
aimed = pd.crosstab(networks["network"].map(lambda n: label(n, LANG)), networks["audience_aimed"])
aimed

# %%
assert per_collectivite["val_de_marne"] == 7  # the article lists seven networks
assert per_collectivite["grand_est"] == 6  # "six réseaux sociaux"

# %% [markdown]
# ## What we learned
#
# - The five collectivités span three orders of magnitude of population: raw follower counts
#   cannot be compared; the library normalises per 1,000 inhabitants and per follower.
# - The article describes a *network-specific* editorial line; notebook 03 checks whether the
#   audience reached matches the audience aimed at, and notebook 02 builds the monthly dashboard
#   the mature collectivités follow.
#
# **Limits.** Network presence for Romans-sur-Isère and Saint-Dizier's Facebook pages and the
# Grand Est's six networks are assumptions (marked as such). Populations mix two INSEE vintages
# (2021 and 2022) where the 2022 one was not retrieved.

# %% [markdown]
# ## References
#
# - Sigot, F. (2019). Sur les réseaux sociaux, les stratégies des collectivités s'affinent.
#   *La Gazette des communes*, 4 March 2019.
# - INSEE, populations légales (millésimes 2021 and 2022), via the sources in `datasets/collectivites.csv`.
# - Observatoire socialmedia des territoires & Swello (2023), *Réseaux sociaux et collectivités locales françaises*.

# %%
import sys

import matplotlib
import sklearn

print("python", sys.version.split()[0])
for module in (engagement_lib, pd, matplotlib, sns, sklearn):
    print(module.__name__, module.__version__)
