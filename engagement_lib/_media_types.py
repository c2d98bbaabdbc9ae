"""The platforms' raw post-type labels (EN and FR) → :class:`~engagement_lib.schema.MediaType`.

Every platform names its post types differently, and in the interface
language: Meta writes ``Photos``/``Vidéos``/``Reels``/``Links`` (Business
Suite), ``Photo``/``Video``/``Link``/``Status``/``Shared Video`` (legacy
Insights), ``IG image``/``IG carousel``/``IG reel`` (Instagram), the Graph API
``added_photos``/``CAROUSEL_ALBUM``; LinkedIn ``Image``/``Video``/``Article``/
``Document``/``Poll``/``Text``; YouTube ``Video``/``Short``/``Live``.

Labels are matched after normalisation (NFKD, accents stripped, lower case,
``_``/``-`` as spaces, whitespace collapsed), so ``Vidéos``, ``VIDEOS`` and
``videos`` are one label. Choices worth knowing:

* ``Article`` (LinkedIn) and ``shared_story`` (Facebook Graph) are shares of a
  web page: :attr:`~MediaType.LINK`.
* ``Document`` (LinkedIn PDF carousel) is an :attr:`~MediaType.ALBUM`.
* ``Poll``/``Sondage``, ``Note``, ``Offer``/``Job``: :attr:`~MediaType.OTHER`.
* Every TikTok video and Snapchat ``Spotlight`` is a :attr:`~MediaType.REEL`
  (short vertical video).
* A video whose permalink contains ``/reel/``, ``/reels/`` or ``/shorts/`` is
  a :attr:`~MediaType.REEL`: 2026 French Meta exports type some Reels as
  ``Vidéos``, and only the permalink tells them apart.
* Without a label, the permalink decides when it can (``/reel/``, ``/shorts/``,
  ``/videos/``, ``watch?v=``, ``/photos/``, ``/events/``); otherwise the
  type is :attr:`~MediaType.OTHER` and cleaning counts it as *not reported*.
* A label not in the table is :attr:`~MediaType.OTHER`, and cleaning flags the
  row with the label so the table can be extended.
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import pandas as pd

from .schema import MediaType

__all__ = ["normalize_label", "map_media_types", "MEDIA_LABELS"]

_M = MediaType

#: Normalised raw label → canonical media type (all networks).
MEDIA_LABELS: dict[str, MediaType] = {}


def _add(kind: MediaType, *labels: str) -> None:
    for lab in labels:
        MEDIA_LABELS[lab] = kind


_add(
    _M.PHOTO,
    "photo", "photos", "image", "images", "ig image", "ig photo", "picture", "pictures",
    "added photos", "photo post", "single image", "publication photo", "mobile photo",
    "cover photo", "profile picture", "feed image",
)  # fmt: skip
_add(
    _M.ALBUM,
    "album", "albums", "carousel", "carousels", "carrousel", "carrousels", "ig carousel",
    "carousel album", "multi photo", "multi photos", "multiple photos", "plusieurs photos",
    "multi image", "multiple images", "document", "documents", "added photos album",
)  # fmt: skip
_add(
    _M.VIDEO,
    "video", "videos", "ig video", "shared video", "shared videos", "video partagee",
    "videos partagees", "added video", "native video", "video native", "igtv", "ig tv",
    "watch", "feed video", "long video",
)  # fmt: skip
_add(
    _M.REEL,
    "reel", "reels", "ig reel", "ig reels", "clips", "clip", "short", "shorts",
    "youtube short", "youtube shorts", "spotlight", "reel facebook", "facebook reel",
    "video courte", "videos courtes", "short video",
)  # fmt: skip
_add(
    _M.STORY,
    "story", "stories", "ig story", "ig stories", "saved story", "facebook story",
    "histoire", "public story", "story publique",
)  # fmt: skip
_add(
    _M.LINK,
    "link", "links", "lien", "liens", "shared story", "shared link", "article", "articles",
    "url", "partage de lien", "lien partage", "link post",
)  # fmt: skip
_add(
    _M.TEXT,
    "status", "statuses", "statut", "statuts", "text", "texte", "textes", "status update",
    "mobile status update", "tweet", "tweets", "post", "text post", "publication texte",
    "created note", "wall post", "message", "reply", "retweet", "quote", "repost",
)  # fmt: skip
_add(
    _M.EVENT,
    "event", "events", "evenement", "evenements", "created event", "evenement cree",
)  # fmt: skip
_add(
    _M.LIVE,
    "live", "lives", "live video", "live videos", "video en direct", "videos en direct",
    "direct", "en direct", "live stream", "livestream", "diffusion en direct",
    "live broadcast", "ig live", "facebook live",
)  # fmt: skip
_add(
    _M.OTHER,
    "poll", "polls", "sondage", "sondages", "note", "notes", "offer", "offre", "job",
    "jobs", "offre d'emploi", "celebration", "other", "others", "autre", "autres",
    "lens", "unknown", "inconnu",
)  # fmt: skip

#: Network-specific overrides (label → type) applied before the general table.
_BY_NETWORK: dict[str, dict[str, MediaType]] = {
    "tiktok": {lab: _M.REEL for lab in ("video", "videos", "post", "clip", "clips")},
    "snapchat": {"snap": _M.STORY, "spotlight": _M.REEL},
}

_SHORT_VIDEO_URL = re.compile(r"/(?:reels?|shorts)/", re.IGNORECASE)
_FROM_URL = (
    (re.compile(r"/(?:reels?|shorts)/", re.IGNORECASE), _M.REEL),
    (re.compile(r"tiktok\.com/.*/video/", re.IGNORECASE), _M.REEL),
    (re.compile(r"/(?:videos?|watch)/|[?&]v=|youtu\.be/", re.IGNORECASE), _M.VIDEO),
    (re.compile(r"/photos?/|photo\.php", re.IGNORECASE), _M.PHOTO),
    (re.compile(r"/events?/", re.IGNORECASE), _M.EVENT),
    (re.compile(r"/stories/", re.IGNORECASE), _M.STORY),
)
_SPACES = re.compile(r"[\s_\-]+")
_CATEGORIES = [m.value for m in MediaType]
_CODE = {m: i for i, m in enumerate(MediaType)}


def normalize_label(label) -> str:
    """Fold a raw label for matching: NFKD, no accents, lower case, single spaces."""
    text = unicodedata.normalize("NFKD", str(label))
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.replace("\u2019", "'").casefold()
    return _SPACES.sub(" ", text).strip()


def _lookup(label: str, network: str) -> MediaType | None:
    key = normalize_label(label)
    special = _BY_NETWORK.get(network, {})
    if key in special:
        return special[key]
    if key in MEDIA_LABELS:
        return MEDIA_LABELS[key]
    return None




def map_media_types(
    labels: pd.Series | None, network: str, permalinks: pd.Series | None = None, *, index=None
) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Map raw post-type labels onto canonical media types.

    Parameters
    ----------
    labels : pandas.Series or None
        The platform's raw labels (any language); None when the export has no
        post-type column.
    network : str
        A :class:`~engagement_lib.schema.Network` value (TikTok and Snapchat
        have their own readings of "video" and "spotlight").
    permalinks : pandas.Series or None
        Permalinks, used to recognise Reels typed as videos and to type rows
        without a label.
    index : pandas.Index, optional
        Index of the result when ``labels`` is None.

    Returns
    -------
    types : pandas.Series (categorical)
        :class:`~engagement_lib.schema.MediaType` values, all categories.
    unknown : pandas.Series of bool
        A label was given but is not in the table (typed ``"other"``).
    unreported : pandas.Series of bool
        No label and no telling permalink (typed ``"other"``).

    Examples
    --------
    >>> import pandas as pd
    >>> t, unknown, _ = map_media_types(
    ...     pd.Series(["Photos", "Vidéos", "Vidéos", "IG carousel", "Lien", "Hologram"]),
    ...     "facebook",
    ...     pd.Series([None, "https://fb.com/x/videos/1", "https://fb.com/reel/2", None, None, None]),
    ... )
    >>> t.tolist()
    ['photo', 'video', 'reel', 'album', 'link', 'other']
    >>> unknown.tolist()
    [False, False, False, False, False, True]
    """
    if labels is None:
        labels = pd.Series(pd.NA, index=index, dtype="object")
    idx = labels.index
    codes, uniques = pd.factorize(labels, use_na_sentinel=True)
    blank = np.array([str(u).strip() == "" for u in uniques] + [True], dtype=bool)
    looked = [_lookup(u, network) for u in uniques]
    mapped = np.array([_CODE[k] if k is not None else -1 for k in looked] + [-1], dtype=np.int8)
    kinds = mapped[codes]  # code -1 (missing) picks the trailing -1
    present = ~blank[codes]
    unknown = present & (kinds < 0)
    # Reels typed as videos (and any video whose URL is a short-video URL).
    if permalinks is not None:
        links = permalinks.astype("str")
        is_video = kinds == _CODE[_M.VIDEO]
        if is_video.any():  # (a boolean mask: a positional take would copy every link first)
            short = links[is_video].str.contains(_SHORT_VIDEO_URL).fillna(False)
            kinds[np.flatnonzero(is_video)[short.to_numpy(dtype=bool)]] = _CODE[_M.REEL]
    unreported = np.zeros(len(idx), dtype=bool)
    todo = np.flatnonzero(~present)
    if permalinks is not None:
        for pattern, kind in _FROM_URL:
            if not len(todo):
                break
            pending = np.zeros(len(idx), dtype=bool)
            pending[todo] = True
            hit = links[pending].str.contains(pattern).fillna(False).to_numpy(dtype=bool)
            kinds[todo[hit]] = _CODE[kind]
            todo = todo[~hit]
    if network == "tiktok":
        kinds[todo] = _CODE[_M.REEL]
    else:
        unreported[todo] = True
    kinds[kinds < 0] = _CODE[_M.OTHER]
    out = pd.Series(pd.Categorical.from_codes(kinds, categories=_CATEGORIES), index=idx)
    return out, pd.Series(unknown, index=idx), pd.Series(unreported, index=idx)
