"""Text content types: topics discovered in French post texts (TF-IDF, then NMF or k-means).

:mod:`engagement_lib.analysis.clusters` re-exports :class:`TextTopics` and
:func:`french_stop_words`.

Method
------
1. TF-IDF (sublinear term frequency, L2-normalised rows) over words of at
   least two letters, lower-cased, accents stripped (``strip_accents="unicode"``),
   French stop words from the maintained ``stop-words`` package removed. The
   stop words go through the *same* preprocessing and tokenisation as the
   texts (``"été"`` → ``"ete"``, ``"par-devant"`` → ``"par"``, ``"devant"``), so
   accented and unaccented forms are both removed.
2. Topics: non-negative matrix factorisation ``X ≈ W H`` (Lee & Seung 1999;
   ``init="nndsvda"``), a post's topic being ``argmax W``; or k-means on the
   TF-IDF rows (cosine geometry, since rows have unit norm). A post with no
   word left (empty, or stop words only) gets topic ``-1``.
3. ``n_topics="auto"`` picks the number of topics in ``k_range`` that
   maximises the cosine silhouette of the hard assignment (Rousseeuw 1987),
   on a sample of at most ``silhouette_sample_size`` posts.

References
----------
Lee, D. D. & Seung, H. S. (1999). Learning the parts of objects by non-negative
matrix factorization. *Nature* 401, 788-791.
Salton, G. & Buckley, C. (1988). Term-weighting approaches in automatic text
retrieval. *Inf. Process. Manag.* 24(5), 513-523.
Rousseeuw, P. J. (1987). Silhouettes. *J. Comput. Appl. Math.* 20, 53-65.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClusterMixin, TransformerMixin
from sklearn.cluster import KMeans
from sklearn.decomposition import NMF
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import silhouette_score
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted

from ..errors import EngagementError

__all__ = ["TextTopics", "french_stop_words"]

#: Words of two or more letters (no digits, no underscore): dates and hours are not topics.
LETTER_TOKENS = r"(?u)\b[^\W\d_]{2,}\b"


def french_stop_words(
    *, strip_accents="unicode", token_pattern=LETTER_TOKENS, extra=()
) -> list[str]:
    """French stop words of the ``stop-words`` package, preprocessed like the texts.

    Each stop word (plus ``extra``) is lower-cased, accent-stripped and
    tokenised exactly as :class:`TextTopics` treats a post, and every
    resulting token is kept, so the list is consistent with the vectoriser
    (scikit-learn's stop-word consistency check passes).

    Returns
    -------
    list of str
        Sorted, unique tokens.
    """
    from stop_words import get_stop_words

    analyzer = TfidfVectorizer(
        strip_accents=strip_accents, lowercase=True, token_pattern=token_pattern
    ).build_analyzer()
    words = set()
    for word in [*get_stop_words("french"), *extra]:
        words.update(analyzer(word))
    return sorted(words)


def _as_texts(texts) -> pd.Series:
    if isinstance(texts, pd.DataFrame):
        if "text" not in texts.columns:
            raise EngagementError(
                "TextTopics: a DataFrame needs a 'text' column; found "
                + ", ".join(map(str, texts.columns))
            )
        texts = texts["text"]
    if isinstance(texts, str):
        raise EngagementError("TextTopics: expected a sequence of texts, found a single string")
    series = pd.Series(texts) if not isinstance(texts, pd.Series) else texts
    if series.ndim != 1:
        raise EngagementError("TextTopics: expected a 1-D sequence of texts")
    bad = series.notna() & ~series.map(lambda v: isinstance(v, str))
    if bad.any():
        shown = ", ".join(f"row {i}: {v!r}" for i, v in series[bad].head(5).items())
        raise EngagementError(f"TextTopics: expected text (str) values, found {shown}")
    return series.fillna("").astype(str)


class TextTopics(ClusterMixin, TransformerMixin, BaseEstimator):
    """Topics of post texts without labels: TF-IDF on French texts, then NMF or k-means.

    See the module docstring for the method.

    Parameters
    ----------
    n_topics : int or "auto", default "auto"
    method : {"nmf", "kmeans"}, default "nmf"
    k_range : (int, int), default (2, 12)
        Inclusive range searched when ``n_topics="auto"``.
    strip_accents : {"unicode", "ascii", None}, default "unicode"
    extra_stop_words : sequence of str, default ()
        Added to the French list (e.g. the collectivités' own names, so that
        topics are about content rather than about who posts).
    min_df : int or float, default 2
    max_df : float, default 0.5
        Terms in more than this share of posts are ignored (corpus-specific stop words).
    ngram_range : (int, int), default (1, 1)
        Words alone by default: in short, formulaic posts, word pairs mostly
        encode a template's phrasing and split one topic into its variants.
    max_features : int or None, default 20000
    token_pattern : str, default LETTER_TOKENS
    silhouette_sample_size : int, default 5000
    random_state : int, RandomState or None

    Attributes
    ----------
    vectorizer_ : TfidfVectorizer
    model_ : NMF or KMeans
    n_topics_ : int
    components_ : ndarray of shape (n_topics_, n_terms)
        Term weights of each topic (NMF ``H`` or k-means centres), in label order.
    labels_ : ndarray
        Topic of each training text (-1 = no usable word).
    n_empty_ : int
        Training texts with no usable word.
    stop_words_ : list of str
    selection_ : DataFrame
        ``k`` and ``silhouette`` of each candidate, and which was ``selected``.
    topic_names_ : list of str
        The three top terms of each topic, joined by " · ".
    """

    def __init__(
        self,
        n_topics="auto",
        *,
        method="nmf",
        k_range=(2, 12),
        strip_accents="unicode",
        extra_stop_words=(),
        min_df=2,
        max_df=0.5,
        ngram_range=(1, 1),
        max_features=20000,
        token_pattern=LETTER_TOKENS,
        silhouette_sample_size=5000,
        random_state=None,
    ):
        self.n_topics = n_topics
        self.method = method
        self.k_range = k_range
        self.strip_accents = strip_accents
        self.extra_stop_words = extra_stop_words
        self.min_df = min_df
        self.max_df = max_df
        self.ngram_range = ngram_range
        self.max_features = max_features
        self.token_pattern = token_pattern
        self.silhouette_sample_size = silhouette_sample_size
        self.random_state = random_state

    def _fit_k(self, X, k, seed):
        if self.method == "nmf":
            model = NMF(k, init="nndsvda", max_iter=500, random_state=seed)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                W = model.fit_transform(X)
            return model, W.argmax(axis=1), model.components_
        if self.method == "kmeans":
            model = KMeans(k, n_init=4, random_state=seed)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                labels = model.fit_predict(X)
            return model, labels, model.cluster_centers_
        raise ValueError(f"method={self.method!r}; expected 'nmf' or 'kmeans'")

    def fit(self, texts, y=None):
        """Learn the vocabulary and the topics.

        Parameters
        ----------
        texts : sequence of str, Series, or DataFrame with a ``text`` column
            Missing texts count as empty.
        y : ignored

        Returns
        -------
        self
        """
        docs = _as_texts(texts)
        rs = check_random_state(self.random_state)
        seed = int(rs.randint(np.iinfo(np.int32).max))
        self.stop_words_ = french_stop_words(
            strip_accents=self.strip_accents,
            token_pattern=self.token_pattern,
            extra=self.extra_stop_words,
        )
        self.vectorizer_ = TfidfVectorizer(
            strip_accents=self.strip_accents,
            lowercase=True,
            stop_words=self.stop_words_,
            token_pattern=self.token_pattern,
            min_df=self.min_df,
            max_df=self.max_df,
            ngram_range=self.ngram_range,
            max_features=self.max_features,
            sublinear_tf=True,
            dtype=np.float64,
        )
        try:
            X = self.vectorizer_.fit_transform(docs)
        except ValueError as exc:  # empty vocabulary
            raise EngagementError(
                f"TextTopics.fit: no usable word in {len(docs)} texts ({exc}); "
                "are the texts empty or all stop words?"
            ) from None
        used = np.asarray(X.getnnz(axis=1) > 0)
        Xu = X[used]
        if self.n_topics == "auto":
            lo, hi = self.k_range
            candidates = list(range(lo, min(hi, Xu.shape[0] - 1) + 1))
        else:
            candidates = [int(self.n_topics)]
        if not candidates or candidates[0] < 1 or candidates[-1] > Xu.shape[0]:
            raise EngagementError(
                f"TextTopics.fit: cannot find {self.n_topics!r} topics (k_range={self.k_range}) "
                f"in {Xu.shape[0]} texts with words"
            )
        sample = None
        if Xu.shape[0] > self.silhouette_sample_size:
            sample = np.sort(rs.choice(Xu.shape[0], self.silhouette_sample_size, replace=False))
        rows, fits = [], {}
        for k in candidates:
            model, labels, comps = self._fit_k(Xu, k, seed)
            sil = np.nan
            if len(candidates) > 1:
                xs, ls = (Xu, labels) if sample is None else (Xu[sample], labels[sample])
                if 2 <= len(np.unique(ls)) <= len(ls) - 1:
                    sil = float(silhouette_score(xs, ls, metric="cosine"))
            rows.append({"k": k, "silhouette": sil})
            fits[k] = (model, labels, comps)
        table = pd.DataFrame(rows)
        best = (
            candidates[0]
            if table["silhouette"].isna().all()
            else int(table["k"].iloc[int(np.nanargmax(table["silhouette"]))])
        )
        table["selected"] = table["k"] == best
        model, labels, comps = fits[best]
        sizes = np.bincount(labels, minlength=best)
        order = np.argsort(-sizes, kind="stable")
        label_map = np.empty(best, dtype=np.intp)
        label_map[order] = np.arange(best)

        self.model_ = model
        self.n_topics_ = best
        self.label_map_ = label_map
        self.components_ = np.asarray(comps)[order]
        full = np.full(len(docs), -1, dtype=np.intp)
        full[used] = label_map[labels]
        self.labels_ = full
        self.n_empty_ = int((~used).sum())
        self.selection_ = table
        self.topic_names_ = [
            " · ".join(t) for t in self._top_term_lists(3)
        ]
        return self

    def _top_term_lists(self, n):
        terms = self.vectorizer_.get_feature_names_out()
        return [list(terms[np.argsort(-row, kind="stable")[:n]]) for row in self.components_]

    def transform(self, texts):
        """Topic weights of each text, ``(n_texts, n_topics_)`` in label order.

        NMF: the non-negative coefficients ``W``; k-means: cosine similarity to
        each centre. A text with no usable word has all weights 0.
        """
        check_is_fitted(self, "model_")
        X = self.vectorizer_.transform(_as_texts(texts))
        if self.method == "nmf":
            W = self.model_.transform(X)
        else:
            centers = self.model_.cluster_centers_
            norms = np.linalg.norm(centers, axis=1, keepdims=True)
            W = np.asarray(X @ (centers / np.where(norms > 0, norms, 1)).T)
            W[np.asarray(X.getnnz(axis=1) == 0)] = 0.0
        inverse = np.argsort(self.label_map_)  # inverse[new] = old
        return W[:, inverse]

    def predict(self, texts):
        """Topic of each text (-1 when the text has no usable word)."""
        check_is_fitted(self, "model_")
        X = self.vectorizer_.transform(_as_texts(texts))
        used = np.asarray(X.getnnz(axis=1) > 0)
        out = np.full(X.shape[0], -1, dtype=np.intp)
        if used.any():
            if self.method == "nmf":
                raw = self.model_.transform(X[used]).argmax(axis=1)
            else:
                raw = self.model_.predict(X[used])
            out[used] = self.label_map_[raw]
        return out

    def top_terms(self, n=10) -> pd.DataFrame:
        """The ``n`` heaviest terms of each topic: columns ``topic``, ``rank``, ``term``, ``weight``."""
        check_is_fitted(self, "model_")
        terms = self.vectorizer_.get_feature_names_out()
        rows = []
        for topic, row in enumerate(self.components_):
            for rank, j in enumerate(np.argsort(-row, kind="stable")[:n], start=1):
                rows.append({"topic": topic, "rank": rank, "term": terms[j], "weight": row[j]})
        return pd.DataFrame(rows)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        return tags
