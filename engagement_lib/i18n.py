"""User-facing labels in French and English.

Code identifiers stay English; what a reader sees in a figure, a table header
or a report is looked up here with ``lang="fr"`` (default for reports) or
``lang="en"``. Modules with many labels of their own (the indicator catalog,
for instance) carry them next to their definitions and use :func:`pick`.
"""

from __future__ import annotations

__all__ = ["LANGS", "label", "pick", "check_lang", "network_label", "media_label", "WEEKDAYS"]

LANGS = ("fr", "en")

_LABELS: dict[str, dict[str, str]] = {
    # networks
    "facebook": {"fr": "Facebook", "en": "Facebook"},
    "instagram": {"fr": "Instagram", "en": "Instagram"},
    "x": {"fr": "X (Twitter)", "en": "X (Twitter)"},
    "linkedin": {"fr": "LinkedIn", "en": "LinkedIn"},
    "youtube": {"fr": "YouTube", "en": "YouTube"},
    "tiktok": {"fr": "TikTok", "en": "TikTok"},
    "snapchat": {"fr": "Snapchat", "en": "Snapchat"},
    "viadeo": {"fr": "Viadeo", "en": "Viadeo"},
    # media types
    "photo": {"fr": "Photo", "en": "Photo"},
    "album": {"fr": "Album / carrousel", "en": "Album / carousel"},
    "video": {"fr": "Vidéo", "en": "Video"},
    "reel": {"fr": "Reel / vidéo courte", "en": "Reel / short video"},
    "story": {"fr": "Story", "en": "Story"},
    "link": {"fr": "Lien", "en": "Link"},
    "text": {"fr": "Texte", "en": "Text"},
    "event": {"fr": "Événement", "en": "Event"},
    "live": {"fr": "Direct", "en": "Live"},
    "other": {"fr": "Autre", "en": "Other"},
    # collectivité kinds
    "commune": {"fr": "Commune", "en": "Municipality"},
    "departement": {"fr": "Département", "en": "Département (county)"},
    "region": {"fr": "Région", "en": "Region"},
    "intercommunalite": {"fr": "Intercommunalité", "en": "Inter-municipal body"},
    # generic words for axes, legends and tables
    "collectivite": {"fr": "Collectivité", "en": "Local government"},
    "network": {"fr": "Réseau", "en": "Network"},
    "account": {"fr": "Compte", "en": "Account"},
    "media_type": {"fr": "Type de média", "en": "Media type"},
    "topic": {"fr": "Thème", "en": "Topic"},
    "month": {"fr": "Mois", "en": "Month"},
    "date": {"fr": "Date", "en": "Date"},
    "weekday": {"fr": "Jour de la semaine", "en": "Weekday"},
    "hour": {"fr": "Heure (Europe/Paris)", "en": "Hour (Europe/Paris)"},
    "posts": {"fr": "Publications", "en": "Posts"},
    "followers": {"fr": "Abonnés", "en": "Followers"},
    "population": {"fr": "Population", "en": "Population"},
    "value": {"fr": "Valeur", "en": "Value"},
    "indicator": {"fr": "Indicateur", "en": "Indicator"},
    "change": {"fr": "Évolution", "en": "Change"},
    "interval": {"fr": "Intervalle de confiance à 95 %", "en": "95% confidence interval"},
    "share": {"fr": "Part", "en": "Share"},
    "likes": {"fr": "Mentions J'aime / réactions", "en": "Likes / reactions"},
    "comments": {"fr": "Commentaires", "en": "Comments"},
    "shares": {"fr": "Partages", "en": "Shares"},
    "saves": {"fr": "Enregistrements", "en": "Saves"},
    "clicks": {"fr": "Clics", "en": "Clicks"},
    "views": {"fr": "Vues", "en": "Views"},
    "reach": {"fr": "Couverture", "en": "Reach"},
    "impressions": {"fr": "Impressions", "en": "Impressions"},
    "follows": {"fr": "Nouveaux abonnés", "en": "New follows"},
    "completions": {"fr": "Vues complètes", "en": "Completed views"},
    "no_data": {"fr": "Pas de données", "en": "No data"},
    "population_insee": {"fr": "Population INSEE récente", "en": "Recent INSEE population"},
    "population_article": {"fr": "Population citée (2019)", "en": "Population in the article (2019)"},
    "source": {"fr": "Source", "en": "Source"},
    "named": {"fr": "cité dans l'article", "en": "named in the article"},
    "assumed": {"fr": "supposé", "en": "assumed"},
    "presence": {"fr": "Présence", "en": "Presence"},
    "audience_aimed": {"fr": "Public visé", "en": "Audience aimed at"},
    "dark": {"fr": "foncé", "en": "dark"},
    "light": {"fr": "clair", "en": "light"},
    "n_networks": {"fr": "Nombre de réseaux", "en": "Number of networks"},
}

#: Weekday names, Monday first (pandas ``dayofweek`` order).
WEEKDAYS = {
    "fr": ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"],
    "en": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
}


def check_lang(lang: str) -> str:
    """Return ``lang`` if supported, else raise a ValueError listing the choices."""
    if lang not in LANGS:
        raise ValueError(f"unsupported language {lang!r}; expected one of {', '.join(LANGS)}")
    return lang


def pick(labels: dict[str, str], lang: str) -> str:
    """Return ``labels[lang]`` for a ``{"fr": ..., "en": ...}`` mapping."""
    return labels[check_lang(lang)]


def label(key: str, lang: str = "fr") -> str:
    """Return the user-facing label of ``key`` in ``lang``.

    Unknown keys come back unchanged (so a new category still shows up,
    untranslated, rather than breaking a figure).
    """
    check_lang(lang)
    entry = _LABELS.get(str(key))
    return entry[lang] if entry else str(key)


def network_label(network: str, lang: str = "fr") -> str:
    """Label of a network value (``"x"`` → ``"X (Twitter)"``)."""
    return label(network, lang)


def media_label(media_type: str, lang: str = "fr") -> str:
    """Label of a media type value (``"video"`` → ``"Vidéo"`` in French)."""
    return label(media_type, lang)
