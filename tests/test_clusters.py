"""Tests of engagement_lib.analysis.clusters: features, clusterers, names, stability,
text topics, association tests and figures.

Synthetic posts are drawn here with planted content types (quizzes that draw
comments, alerts that get shared, job offers that get clicked, ordinary
posts) on accounts of very different sizes and on networks that do not report
every metric; the simulated panel (datasets/truth) and the real Thai Facebook
export (../shared/real) are used when present and skipped cleanly otherwise.
"""

from __future__ import annotations

import warnings

import matplotlib
import numpy as np
import pandas as pd
import pytest
from scipy import stats
from sklearn.metrics import adjusted_rand_score
from sklearn.utils import estimator_checks
from sklearn.utils.estimator_checks import parametrize_with_checks

from engagement_lib.analysis import clusters
from engagement_lib.analysis._plots_clusters import (
    plot_association,
    plot_profiles,
    plot_selection,
    plot_top_terms,
)
from engagement_lib.analysis.clusters import (
    EngagementClusters,
    EngagementFeatures,
    EngagementProfileClusterer,
    TextTopics,
    association,
    association_by,
    attach_followers,
    bootstrap_stability,
    french_stop_words,
    name_clusters,
)
from engagement_lib.errors import EngagementError

matplotlib.use("Agg")

SEED = 20190304
METRICS = ["likes", "comments", "shares", "saves", "clicks", "views"]

# Baseline rate per reached person, and the planted multiplier of each content type.
BASE_RATE = {"likes": 0.03, "comments": 0.003, "shares": 0.002, "saves": 0.001, "clicks": 0.006, "views": 0.4}
PLANTED = {
    "quiz": {"comments": 8.0},
    "alert": {"shares": 8.0},
    "job": {"clicks": 6.0},
    "plain": {},
}
TEXTS = {
    "quiz": [
        "Où se trouve ce détail du patrimoine ? Devinez et répondez en commentaire !",
        "Jeu : reconnaissez-vous cette façade ancienne ? Indice : près de la collégiale.",
        "Quiz patrimoine : quelle est cette statue ? Donnez votre réponse en commentaire.",
        "Saurez-vous retrouver cette fontaine historique ? Réponse demain, à vous de jouer !",
    ],
    "alert": [
        "Alerte météo : vigilance orange orages, prudence sur les routes cet après-midi.",
        "Travaux : la rue principale sera fermée à la circulation, déviation mise en place.",
        "Collecte des déchets décalée en raison du jour férié, sortez vos bacs mercredi.",
        "Coupure d'eau prévue dans le quartier nord, travaux sur le réseau, merci de partager.",
    ],
    "job": [
        "Offre d'emploi : la ville recrute un agent technique, candidatures avant le 15.",
        "Nous recrutons un animateur périscolaire (CDD), postulez en ligne sur notre site.",
        "Poste à pourvoir : chargé de communication, envoyez CV et lettre de motivation.",
        "Recrutement : éducateur sportif à temps complet, candidature en ligne.",
    ],
    "plain": [
        "Retour en images sur l'inauguration de la nouvelle médiathèque samedi.",
        "Le conseil municipal se réunira jeudi soir, ordre du jour en ligne.",
        "Merci aux bénévoles de la fête de quartier pour cette belle journée.",
        "Le marché de producteurs locaux revient place de la mairie dimanche matin.",
    ],
}
# (collectivité-like account, network, posts, audience size): a village and a région
ACCOUNTS = [
    ("village", "facebook", 300, 800),
    ("village", "instagram", 200, 600),
    ("region", "facebook", 300, 250_000),
    ("region", "x", 300, 90_000),
    ("region", "linkedin", 200, 40_000),
]
# Metrics each network does not report (NA, never 0).
NOT_REPORTED = {"x": ["saves", "reach"], "linkedin": ["saves", "views"], "instagram": ["shares", "clicks"]}


def make_posts(seed=SEED, accounts=ACCOUNTS, planted=PLANTED, noise=0.35):
    """Posts with planted content types; ``type`` is the truth."""
    rng = np.random.default_rng(seed)
    frames = []
    for account, network, n, audience in accounts:
        kind = rng.choice(list(planted), size=n)
        reach = np.maximum(1, np.round(audience * rng.lognormal(-1.0, 0.6, n)))
        frame = {"account": account, "network": network, "type": kind, "reach": reach}
        for m, base in BASE_RATE.items():
            lift = np.array([planted[k].get(m, 1.0) for k in kind])
            rate = base * lift * rng.lognormal(0.0, noise, n)
            frame[m] = rng.poisson(reach * rate)
        frame["text"] = [TEXTS[k][i] for k, i in zip(kind, rng.integers(0, 4, n))]
        frames.append(pd.DataFrame(frame))
    posts = pd.concat(frames, ignore_index=True)
    for m in [*METRICS, "reach"]:
        posts[m] = posts[m].astype("Int64")
    for network, missing in NOT_REPORTED.items():
        posts.loc[posts["network"] == network, missing] = pd.NA
    posts["media_type"] = np.where(posts["type"] == "quiz", "photo", "link")
    posts["post_id"] = [f"p{i}" for i in range(len(posts))]
    return posts


@pytest.fixture(scope="module")
def posts():
    return make_posts()


@pytest.fixture(scope="module")
def fitted(posts):
    return EngagementClusters(n_clusters=4, random_state=0).fit(posts)


def _majority(labels, truth, kind):
    """Cluster holding most posts of a planted kind, and the share of that kind it holds."""
    counts = pd.Series(labels[truth == kind]).value_counts()
    return counts.index[0], counts.iloc[0] / counts.sum()


# --------------------------------------------------------------------------- features


def test_features_compare_a_village_and_a_region(posts, fitted):
    """Same planted behaviour at 300x the audience → quizzes stand out in both accounts."""
    f = EngagementFeatures().fit(posts)
    X = pd.DataFrame(f.transform(posts), columns=f.feature_names_out_)
    fb = posts["network"] == "facebook"
    quiz = posts["type"] == "quiz"
    village, region = fb & (posts["account"] == "village"), fb & (posts["account"] == "region")
    raw_ratio = posts.loc[region & quiz, "comments"].median() / posts.loc[village & quiz, "comments"].median()
    assert raw_ratio > 50  # the raw numbers are not comparable...
    # ...the features are: the typical post of each account is at 0 and quizzes stand out in both
    # (less in the village, where one or two comments per post leave more Poisson noise)
    assert X.loc[village & quiz, "comments_mix"].median() > 1
    assert X.loc[region & quiz, "comments_mix"].median() > 1
    for mask in (village, region):
        assert abs(np.nanmedian(X.loc[mask, "level"])) < 0.2
    # and the clustering puts both accounts' quizzes together
    labels = pd.Series(fitted.labels_)
    c_village = labels[village & quiz].value_counts()
    c_region = labels[region & quiz].value_counts()
    assert c_village.index[0] == c_region.index[0]
    assert c_village.iloc[0] / c_village.sum() > 0.7 and c_region.iloc[0] / c_region.sum() > 0.7


def test_features_keep_not_reported_metrics_missing(posts):
    f = EngagementFeatures(profile="metrics").fit(posts)
    X = pd.DataFrame(f.transform(posts), columns=f.feature_names_out_)
    x_rows = posts["network"] == "x"
    assert X.loc[x_rows, "saves"].isna().all()
    assert X.loc[posts["network"] == "instagram", "shares"].isna().all()
    assert X.loc[~x_rows & (posts["network"] != "linkedin"), "saves"].notna().all()
    stats_x = f.group_stats_.loc[("region", "x")]
    assert np.isnan(stats_x["saves_rate"]) and np.isnan(stats_x["saves_median"])
    # the level of an X post is computed from the metrics X reports
    level = EngagementFeatures().fit(posts).transform(posts)[:, 0]
    assert not np.isnan(level).any()
    # X reports no reach: its rates are relative to the account's own median post
    assert stats_x["denominator"] == "none"
    assert f.group_stats_.loc[("village", "facebook"), "denominator"] == "reach"


def test_not_reported_is_not_zero(posts):
    """Replacing X's missing saves by 0 changes the standardised matrix; NA is imputed neutral."""
    f = EngagementFeatures().fit(posts)
    X = f.transform(posts)
    core = EngagementProfileClusterer(n_clusters=3, random_state=0).fit(X)
    Z = core.transform_standardised(X)
    j = f.feature_names_out_.index("saves_mix")
    x_rows = (posts["network"] == "x").to_numpy()
    assert np.allclose(Z[x_rows, j], 0.0)  # the reporting posts' mean
    zero = posts.copy()
    zero.loc[zero["network"] == "x", "saves"] = 0
    f0 = EngagementFeatures().fit(zero)
    assert not np.isnan(f0.transform(zero)[x_rows, j]).any()


def test_metric_absent_everywhere_is_dropped(posts):
    f = EngagementFeatures(metrics=[*METRICS, "follows"]).fit(posts.drop(columns=["clicks"]))
    assert "clicks" not in f.metrics_ and "follows" not in f.metrics_
    assert set(f.dropped_metrics_) == {"clicks", "follows"}
    assert f.get_feature_names_out().tolist() == ["level", *(f"{m}_mix" for m in f.metrics_)]


def test_followers_denominator_when_reach_missing(posts):
    noreach = posts.drop(columns=["reach"]).assign(followers=1000)
    f = EngagementFeatures().fit(noreach)
    assert set(f.group_stats_["denominator"]) == {"followers"}
    f_none = EngagementFeatures(denominator=None).fit(posts)
    assert set(f_none.group_stats_["denominator"]) == {"none"}


def test_unseen_account_compared_with_its_own_typical_post(posts):
    f = EngagementFeatures().fit(posts[posts["account"] == "region"])
    village = posts[posts["account"] == "village"]
    X = pd.DataFrame(f.transform(village), columns=f.feature_names_out_, index=village.index)
    for network in ("facebook", "instagram"):
        rows = village["network"] == network
        assert abs(np.nanmedian(X.loc[rows, "level"])) < 0.2
    # and its quizzes still stand out
    assert X.loc[village["type"] == "quiz", "comments_mix"].median() > 1
    lift = f.log_lift(village)
    assert abs(lift.loc[village["network"] == "facebook", "likes"].median()) < 1e-9


def test_features_bad_input_is_named(posts):
    bad = posts.copy()
    bad["comments"] = bad["comments"].astype(object)
    bad.loc[3, "comments"] = "beaucoup"
    with pytest.raises(EngagementError, match=r"'comments'.*row 3: 'beaucoup'"):
        EngagementFeatures().fit(bad)
    neg = posts.copy()
    neg.loc[5, "shares"] = -2
    with pytest.raises(EngagementError, match=r"'shares'.*negative.*row 5"):
        EngagementFeatures().fit(neg)
    with pytest.raises(EngagementError, match="missing column.*'account'"):
        EngagementFeatures().fit(posts.drop(columns=["account"]))
    with pytest.raises(EngagementError, match="DataFrame"):
        EngagementFeatures().fit(posts[METRICS].to_numpy())
    with pytest.raises(EngagementError, match="none of the metrics"):
        EngagementFeatures(metrics=["follows"]).fit(posts)


def test_attach_followers_as_of_publication():
    followers = pd.DataFrame(
        {
            "account": ["a", "a", "a", "b"],
            "network": ["facebook"] * 4,
            "date": pd.to_datetime(["2018-01-01", "2018-01-02", "2018-01-05", "2018-01-01"], utc=True),
            "followers": pd.array([100, 110, 150, 7], dtype="Int64"),
        }
    )
    posts = pd.DataFrame(
        {
            "account": ["a", "a", "b", "a", "a"],
            "network": ["facebook"] * 5,
            "published_at": pd.to_datetime(
                ["2018-01-03 10:00", "2017-12-31 23:00", "2018-02-01 00:00", "2018-01-05 00:00", "2018-01-02 00:00"],
                utc=True,
            ),
            "likes": [1, 2, 3, 4, 5],
        },
        index=[10, 11, 12, 13, 14],
    )
    before = posts.copy()
    out = attach_followers(posts, followers)
    pd.testing.assert_frame_equal(posts, before)  # caller's frame untouched
    assert out.index.tolist() == posts.index.tolist()
    # last count on or before publication; none known before 2018-01-01
    assert out["followers"].tolist() == [110, pd.NA, 7, 150, 110]


# --------------------------------------------------------------------------- array-level core


def _expected_failed_checks(estimator):
    return {}  # every applicable check passes (array API is skipped by scikit-learn itself)


@parametrize_with_checks(
    [
        EngagementProfileClusterer(k_range=(2, 3), n_init=1),
        EngagementProfileClusterer(method="minibatch", k_range=(2, 3), n_init=1),
        EngagementProfileClusterer(method="gmm", k_range=(2, 3), n_init=1),
    ],
    expected_failed_checks=_expected_failed_checks,
)
def test_core_passes_sklearn_checks(estimator, check):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check(estimator)


@pytest.mark.parametrize(
    "front", [EngagementClusters(), EngagementFeatures(), TextTopics()], ids=lambda e: type(e).__name__
)
@pytest.mark.parametrize(
    "check",
    [
        "check_estimator_cloneable",
        "check_estimator_repr",
        "check_no_attributes_set_in_init",
        "check_parameters_default_constructible",
        "check_get_params_invariance",
        "check_set_params",
        "check_do_not_raise_errors_in_init_or_set_params",
        "check_mixin_order",
    ],
)
def test_dataframe_fronts_pass_the_api_checks(front, check):
    """The fronts take DataFrames/texts (tag two_d_array=False), so scikit-learn skips its
    data checks for them; the parameter-handling checks still apply and must pass."""
    getattr(estimator_checks, check)(type(front).__name__, front)


def test_front_tags_say_why_data_checks_do_not_apply():
    for est in (EngagementClusters(), EngagementFeatures(), TextTopics()):
        assert est.__sklearn_tags__().input_tags.two_d_array is False
    assert TextTopics().__sklearn_tags__().input_tags.string is True
    assert EngagementProfileClusterer().__sklearn_tags__().input_tags.allow_nan is True


def _blobs(seed, k=4, n=600, d=5, spread=6.0):
    rng = np.random.default_rng(seed)
    centers = rng.normal(0, spread, (k, d))
    truth = rng.integers(0, k, n)
    return centers[truth] + rng.normal(0, 1, (n, d)), truth


@pytest.mark.parametrize("method", ["kmeans", "gmm", "minibatch"])
def test_core_selects_the_planted_number_of_clusters(method):
    X, truth = _blobs(1, n=400)
    est = EngagementProfileClusterer(method=method, k_range=(2, 6), n_init=2, random_state=0).fit(X)
    assert est.n_clusters_ == 4
    assert adjusted_rand_score(truth, est.labels_) > 0.95
    table = est.selection_
    assert table["k"].tolist() == list(range(2, 7))
    assert table["selected"].sum() == 1
    assert table.loc[table["silhouette"].idxmax(), "k"] == 4
    if method == "gmm":  # the k-means BIC assumes spherical clusters, which standardising breaks
        assert table.loc[table["bic"].idxmin(), "k"] == 4


def test_core_labels_are_sorted_by_size_and_predict_matches():
    X, _ = _blobs(2, k=3)
    est = EngagementProfileClusterer(n_clusters=3, random_state=0).fit(X)
    sizes = np.bincount(est.labels_)
    assert (np.diff(sizes) <= 0).all()
    np.testing.assert_array_equal(est.predict(X), est.labels_)
    # the centres are those of the labelled groups (in standardised units)
    Z = est.transform_standardised(X)
    for c in range(3):
        np.testing.assert_allclose(est.cluster_centers_[c], Z[est.labels_ == c].mean(axis=0), atol=1e-6)


def test_kmeans_bic_is_the_spherical_gaussian_likelihood():
    """The closed form equals -2 log L + p log n computed point by point."""
    X, _ = _blobs(3, k=3, n=120, d=2)
    est = EngagementProfileClusterer(n_clusters=3, random_state=0).fit(X)
    Z = est.transform_standardised(X)
    labels = est.labels_
    n, d = Z.shape
    centers = np.array([Z[labels == c].mean(axis=0) for c in range(3)])
    inertia = ((Z - centers[labels]) ** 2).sum()
    var = inertia / (d * (n - 3))
    sizes = np.bincount(labels)
    loglik = sum(
        np.log(sizes[c] / n) + stats.multivariate_normal(centers[c], var * np.eye(d)).logpdf(z)
        for z, c in zip(Z, labels)
    )
    p = (3 - 1) + 3 * d + 1
    assert est.selection_["bic"].iloc[0] == pytest.approx(-2 * loglik + p * np.log(n), rel=1e-9)


# --------------------------------------------------------------------------- names


def test_names_from_centroids():
    centers = [
        [0.2, 2.0, 0.1],  # comments up
        [0.3, -0.1, 1.8],  # shares up
        [-0.8, -0.9, -0.7],  # everything down
        [1.0, 0.9, 1.2],  # everything up
        [0.1, -0.2, 0.0],  # nothing notable
    ]
    names = ["likes", "comments", "shares"]
    assert name_clusters(centers, names, lang="en") == [
        "Conversation starters",
        "Shared and relayed",
        "Scrolled past",
        "Stand-outs (everything up)",
        "Typical posts",
    ]
    fr = name_clusters(centers, names, lang="fr")
    assert fr[0] == "Lancent la conversation" and fr[2] == "Passées inaperçues"
    with pytest.raises(ValueError, match="unsupported language"):
        name_clusters(centers, names, lang="de")


def test_names_stay_unique():
    centers = [[0.0, 2.0, 0.8], [0.0, 1.5, -0.5], [0.0, 1.2, -0.6]]
    names = name_clusters(centers, ["likes", "comments", "shares"], lang="en")
    assert len(set(names)) == 3
    assert names[0] == "Conversation starters + shares"
    assert all(n.startswith("Conversation starters") for n in names)


# --------------------------------------------------------------------------- front: recovery


def test_front_separates_planted_content_types(posts, fitted):
    truth = posts["type"].to_numpy()
    labels = fitted.labels_
    quiz_c, quiz_share = _majority(labels, truth, "quiz")
    alert_c, alert_share = _majority(labels, truth, "alert")
    job_c, _ = _majority(labels, truth, "job")
    assert len({quiz_c, alert_c, job_c}) == 3
    assert quiz_share > 0.8
    # Instagram does not report shares: its alerts cannot look shared (80 % of alerts elsewhere)
    assert alert_share > 0.7
    names = fitted.names("en")
    assert names[quiz_c] == "Conversation starters"
    assert names[alert_c] == "Shared and relayed"
    assert names[job_c] == "Click-throughs"
    assert fitted.profiles_.loc[quiz_c, "lift_comments"] > 3  # planted x8, diluted by noise
    assert fitted.profiles_.loc[alert_c, "lift_shares"] > 3


def test_front_selects_k_and_does_not_mutate(posts):
    before = posts.copy()
    est = EngagementClusters(k_range=(2, 6), random_state=0).fit(posts)
    pd.testing.assert_frame_equal(posts, before)
    # three planted types + ordinary posts at least (ordinary posts may split by level)
    assert est.n_clusters_ >= 4
    assert est.selection_.loc[est.selection_["silhouette"].idxmax(), "k"] == est.n_clusters_
    truth = posts["type"].to_numpy()
    majority = {t: _majority(est.labels_, truth, t)[0] for t in ("quiz", "alert", "job")}
    assert len(set(majority.values())) == 3
    out = est.assign(posts, lang="fr")
    pd.testing.assert_frame_equal(posts, before)
    assert out["cluster"].tolist() == est.labels_.tolist()
    assert set(out["cluster_name"].astype(str)) == set(est.names("fr"))
    table = est.profile_table(lang="en")
    assert table.shape[0] == est.n_clusters_ and "Comments (× usual)" in table.columns


def test_predict_on_new_posts_of_known_accounts(fitted):
    new = make_posts(seed=7)
    truth = new["type"].to_numpy()
    pred = fitted.predict(new)
    quiz_c, share = _majority(pred, truth, "quiz")
    assert fitted.names("en")[quiz_c] == "Conversation starters" and share > 0.8


def test_cluster_by_network(posts):
    models = clusters.cluster_by(posts, by="network", min_posts=250, n_clusters=3, random_state=0)
    assert set(models) == {"facebook", "x", "_skipped"}
    assert models["_skipped"] == {"instagram": 200, "linkedin": 200}
    assert models["x"].profiles_["n_posts"].sum() == (posts["network"] == "x").sum()


# --------------------------------------------------------------------------- stability


def test_stability_high_for_planted_structure_low_for_noise(posts):
    X, _ = _blobs(4, k=3, n=300)
    good = EngagementProfileClusterer(n_clusters=3, n_init=1, random_state=0).fit(X)
    res = bootstrap_stability(good, X, n_boot=5, random_state=1)
    assert res.ari_mean > 0.95 and (res.jaccard > 0.9).all()
    noise = np.random.default_rng(5).normal(size=(300, 5))
    bad = EngagementProfileClusterer(n_clusters=6, n_init=1, random_state=0).fit(noise)
    res_bad = bootstrap_stability(bad, noise, n_boot=5, random_state=1)
    assert res_bad.ari_mean < 0.8 * res.ari_mean
    assert res.ari_low <= res.ari_mean <= res.ari_high
    assert len(res.replicates) == 5


def test_stability_of_the_front(posts, fitted):
    res = bootstrap_stability(fitted, posts, n_boot=3, random_state=0)
    assert res.jaccard.index.tolist() == list(range(fitted.n_clusters_))
    assert 0 < res.ari_mean <= 1


# --------------------------------------------------------------------------- association


def test_association_matches_hand_computation_2x2():
    # a=30, b=10, c=10, d=30: phi = (ad - bc) / sqrt(r1 r2 c1 c2) = 800/1600 = 0.5
    data = pd.DataFrame(
        {"x": ["a"] * 40 + ["b"] * 40, "y": ["u"] * 30 + ["v"] * 10 + ["u"] * 10 + ["v"] * 30}
    )
    res = association(data, "x", "y", n_boot=200, random_state=0)
    assert res.cramers_v == pytest.approx(0.5)
    assert res.chi2 == pytest.approx(80 * 0.5**2)  # chi2 = n phi^2 (no continuity correction)
    assert res.dof == 1
    assert res.p_value == pytest.approx(stats.chi2.sf(20.0, 1))
    # adjusted residual of cell (a, u): (30 - 20) / sqrt(20 * 0.5 * 0.5) = sqrt(20)
    assert res.residuals.loc["a", "u"] == pytest.approx(np.sqrt(20))
    assert res.ci_low < 0.5 < res.ci_high


def test_association_interval_covers_the_population_v():
    """Coverage of the bootstrap interval in repeated samples from a known joint law."""
    p = np.array([[0.20, 0.05, 0.05], [0.05, 0.20, 0.10], [0.10, 0.05, 0.20]])
    expected = np.outer(p.sum(1), p.sum(0))
    v_true = np.sqrt(((p - expected) ** 2 / expected).sum() / 2)
    rng = np.random.default_rng(11)
    hits, reps = 0, 60
    for _ in range(reps):
        cells = rng.choice(9, size=400, p=p.ravel())
        data = pd.DataFrame({"r": cells // 3, "c": cells % 3})
        res = association(data, "r", "c", n_boot=300, random_state=int(rng.integers(1 << 30)))
        hits += res.ci_low <= v_true <= res.ci_high
    assert hits / reps >= 0.85


def test_association_independent_columns_and_missing_values():
    rng = np.random.default_rng(3)
    data = pd.DataFrame({"a": rng.integers(0, 4, 3000), "b": rng.integers(0, 3, 3000)})
    data.loc[:9, "b"] = np.nan
    res = association(data, "a", "b", n_boot=100, random_state=0)
    assert res.n == 2990 and res.n_excluded == 10
    assert res.cramers_v < 0.06 and res.p_value > 0.001
    assert res.table.to_numpy().sum() == 2990
    assert res.shares("index").sum(axis=1).round(12).eq(1).all()


def test_association_by_network_reports_degenerate_groups(posts, fitted):
    data = posts.assign(cluster=fitted.labels_)
    data.loc[data["network"] == "x", "media_type"] = "photo"  # one category only on X
    out = association_by(data, "cluster", "media_type", by="network", n_boot=50, random_state=0)
    assert set(out["network"]) == set(posts["network"])
    x = out.set_index("network").loc["x"]
    assert np.isnan(x["cramers_v"]) and "at least two" in x["status"]
    fb = out.set_index("network").loc["facebook"]
    assert fb["status"] == "ok" and fb["cramers_v"] > 0.3  # quizzes are photos, the rest links
    with pytest.raises(EngagementError, match="missing column 'topic'"):
        association(data, "cluster", "topic")


# --------------------------------------------------------------------------- text topics


def test_french_stop_words_are_accent_stripped_and_consistent():
    words = french_stop_words()
    assert "ete" in words and "etre" in words
    assert "été" not in words  # accents stripped like the texts
    docs = ["L'été sera déjà là : être prêt pour la fête", "Été comme hiver, la fête continue"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # sklearn warns when stop words and tokens disagree
        topics = TextTopics(n_topics=1, min_df=1, max_df=1.0, ngram_range=(1, 1)).fit(docs)
    vocab = set(topics.vectorizer_.get_feature_names_out())
    assert {"ete", "etre"}.isdisjoint(vocab)
    assert "fete" in vocab  # accents stripped in the texts too


TOPIC_WORDS = {
    "quiz": "patrimoine devinez façade statue fontaine collégiale indice réponse reconnaissez quiz énigme clocher",
    "alert": "alerte vigilance orages travaux déviation fermée coupure collecte déchets bacs circulation prudence",
    "job": "recrute candidature poste emploi animateur agent postulez motivation recrutement technique contrat stage",
    "museum": "musée exposition vernissage coulisses vitrines collections régisseurs chaussures ouverture restaurons",
}
SHARED_WORDS = "ville habitants semaine quartier informations samedi été très".split()


def _strip(word):
    import unicodedata

    return "".join(c for c in unicodedata.normalize("NFKD", word.lower()) if not unicodedata.combining(c))


@pytest.fixture(scope="module")
def topic_corpus():
    """Posts drawn word by word from four topic vocabularies, plus shared and stop words."""
    rng = np.random.default_rng(SEED)
    truth = rng.choice(list(TOPIC_WORDS), size=400)
    docs = [
        " ".join(
            [
                *rng.choice(TOPIC_WORDS[t].split(), size=6),
                *rng.choice(SHARED_WORDS, size=3),
                *rng.choice(["le", "la", "les", "à", "être", "pour"], size=3),
            ]
        ).capitalize()
        for t in truth
    ]
    return truth, pd.Series(docs)


@pytest.mark.parametrize("method", ["nmf", "kmeans"])
def test_topics_recover_planted_vocabularies(topic_corpus, method):
    truth, docs = topic_corpus
    topics = TextTopics(n_topics=4, method=method, random_state=0).fit(docs)
    assert adjusted_rand_score(truth, topics.labels_) >= 0.9
    top = topics.top_terms(6)
    for planted, words in TOPIC_WORDS.items():
        found, _ = _majority(topics.labels_, truth, planted)
        terms = set(top.loc[top["topic"] == found, "term"])
        assert len(terms & {_strip(w) for w in words.split()}) >= 5  # accents stripped
    assert not set(top["term"]) & {"ete", "tres", "etre"}  # stop words, accented or not
    np.testing.assert_array_equal(topics.predict(docs), topics.labels_)


def test_topics_auto_selects_the_planted_number(topic_corpus):
    truth, docs = topic_corpus
    topics = TextTopics(k_range=(2, 8), random_state=0).fit(docs)
    assert topics.n_topics_ == 4
    assert topics.selection_["selected"].sum() == 1
    assert topics.selection_.loc[topics.selection_["silhouette"].idxmax(), "k"] == 4


def test_topics_empty_texts_are_flagged_not_dropped():
    docs = pd.Series(["Alerte météo orages", None, "le la les", "Alerte météo vigilance", "Offre emploi agent", "Offre emploi animateur"])
    topics = TextTopics(n_topics=2, min_df=1, max_df=1.0, random_state=0).fit(docs)
    assert len(topics.labels_) == 6
    assert topics.labels_[1] == -1 and topics.labels_[2] == -1 and topics.n_empty_ == 2
    assert topics.labels_[0] == topics.labels_[3] != topics.labels_[4] == topics.labels_[5]
    assert topics.transform(docs).shape == (6, 2)
    with pytest.raises(EngagementError, match="row 1: 3"):
        TextTopics(n_topics=2).fit(["un texte", 3])


# --------------------------------------------------------------------------- figures


def test_figures_are_labelled_in_the_requested_language(posts, fitted):
    fig = plot_profiles(fitted, lang="fr")
    ax = fig.axes[0]
    ticks = [t.get_text() for t in ax.get_xticklabels()]
    assert "Commentaires" in ticks and "Partages" in ticks
    assert any("Lancent la conversation" in t.get_text() for t in ax.get_yticklabels())
    fig_en = plot_profiles(fitted, lang="en")
    assert "Comments" in [t.get_text() for t in fig_en.axes[0].get_xticklabels()]
    sel = plot_selection(EngagementClusters(k_range=(2, 4), random_state=0).fit(posts), lang="en")
    assert sel.axes[0].get_xlabel() == "Number of clusters"
    res = association(posts.assign(cluster=fitted.labels_), "cluster", "media_type", n_boot=50)
    fig_a = plot_association(res, lang="fr", row_names=fitted.names("fr"))
    assert fig_a.axes[0].get_xlabel() == "Type de média"
    assert "V de Cramér" in fig_a.axes[0].get_title()
    topics = TextTopics(n_topics=4, random_state=0).fit(posts["text"])
    fig_t = plot_top_terms(topics, n=5, lang="en")
    assert fig_t.axes[0].get_title() == "Topic 0"
    matplotlib.pyplot.close("all")


# --------------------------------------------------------------------------- simulated panel


@pytest.fixture(scope="module")
def truth_posts():
    from engagement_lib import list_datasets, load_dataset

    if "truth/posts" not in list_datasets():
        pytest.skip("simulated panel datasets/truth/posts not generated yet")
    return load_dataset("truth/posts")


@pytest.mark.slow
def test_simulated_topics_match_planted_topics(truth_posts):
    data = truth_posts[truth_posts["topic"].notna() & truth_posts["text"].notna()]
    k = data["topic"].nunique()
    topics = TextTopics(n_topics=k, random_state=0).fit(data["text"])
    ari = adjusted_rand_score(data["topic"], topics.labels_)
    print(f"planted topics: {k}; ARI of discovered topics = {ari:.3f}")
    print(pd.crosstab(data["topic"], topics.labels_))
    assert ari >= 0.6


@pytest.mark.slow
def test_simulated_clusters_separate_quizzes_from_alerts(truth_posts):
    # Finding: the panel's engagement profiles are a continuum (silhouette < 0.25 and nearly
    # flat for every k, "no substantial structure", Kaufman & Rousseeuw 1990), so the silhouette
    # cannot choose k (with some seeds it picks 2: high vs low engagement); the BIC keeps
    # improving with k and gives the typology.
    est = EngagementClusters(selection="bic", n_init=1, random_state=0).fit(truth_posts)
    print(est.selection_.to_string())
    labels = pd.Series(est.labels_, index=truth_posts.index)
    topic = truth_posts["topic"]
    quiz = topic.eq("heritage_quiz") & truth_posts["collectivite"].str.contains("romans", case=False)
    alert = topic.eq("service_alert")
    print(est.profile_table(lang="en").to_string())
    print(pd.crosstab(labels, topic))
    quiz_c = labels[quiz].value_counts().index[0]
    alert_c = labels[alert].value_counts().index[0]
    assert quiz_c != alert_c
    # the quizzes' cluster is the comment-heavy one, the alerts' the share-heavy one
    prof = est.profiles_
    assert prof.loc[quiz_c, "z_comments_mix"] == prof["z_comments_mix"].max()
    assert prof.loc[alert_c, "z_shares_mix"] == prof["z_shares_mix"].max()


# --------------------------------------------------------------------------- real data


@pytest.mark.real
@pytest.mark.slow
def test_real_thai_live_clusters_by_status_type(thai_live_csv):
    """Real Facebook pages (Thai live sellers): no reach, no followers → per-page median."""
    from engagement_lib.readers import read_table

    raw = read_table(
        thai_live_csv,
        mapping={
            "post_id": "status_id",
            "media_type": "status_type",
            "published_at": "status_published",
            "likes": "num_reactions",
            "comments": "num_comments",
            "shares": "num_shares",
        },
        network="facebook",
        timezone="Asia/Bangkok",
    )
    posts = raw.rows.rename(columns={"media_type": "status_type"})
    assert len(posts) == 7050  # every data row; the 51 exact duplicates are kept (cleaning, not
    # clustering, decides about duplicates)
    posts["account"] = posts["post_id"].str.split("_").str[0]
    assert posts["account"].nunique() == 9
    est = EngagementClusters(n_init=2, random_state=0).fit(posts)
    assert set(est.features_.group_stats_["denominator"]) == {"none"}
    data = posts.assign(cluster=est.labels_)
    res = association(data, "cluster", "status_type", n_boot=500, random_state=0)
    table = res.table.copy()
    table.index = [f"{c}: {n}" for c, n in zip(table.index, est.names("en"))]
    print(est.profile_table(lang="en").to_string())
    print(table.to_string())
    print(
        f"chi2 = {res.chi2:.0f} (dof {res.dof}), p = {res.p_value:.2g}, "
        f"Cramér's V = {res.cramers_v:.2f} [{res.ci_low:.2f}, {res.ci_high:.2f}]"
    )
    # Finding: videos are over-represented in the cluster whose centroid has the most comments
    comment_c = int(est.profiles_["z_comments_mix"].idxmax())
    video_share_there = res.shares("index").loc[comment_c, "video"]
    video_share_all = (posts["status_type"] == "video").mean()
    assert video_share_there > video_share_all
    assert res.residuals.loc[comment_c, "video"] > 3
    assert res.p_value < 0.001 and res.ci_low > 0.1
