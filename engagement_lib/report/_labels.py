"""French and English texts of the monthly report (report-specific; shared labels are in i18n)."""

from __future__ import annotations

from ..i18n import check_lang

__all__ = ["text", "plain_texts", "MONTHS"]

#: Month names, January first.
MONTHS = {
    "fr": ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
           "septembre", "octobre", "novembre", "décembre"],
    "en": ["January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"],
}

_TEXT: dict[str, dict[str, str]] = {
    "title": {"fr": "Rapport mensuel des réseaux sociaux", "en": "Monthly social media report"},
    "generated": {"fr": "Généré le {when} par engagement_lib {version}",
                  "en": "Generated on {when} by engagement_lib {version}"},
    "population": {"fr": "Population : {population} habitants",
                   "en": "Population: {population} inhabitants"},
    "contents": {"fr": "Sommaire", "en": "Contents"},
    # sections
    "headline": {"fr": "Le mois en bref", "en": "The month at a glance"},
    "headline_intro": {
        "fr": "Tous réseaux confondus, comparé au mois précédent ({previous}).",
        "en": "All networks together, compared with the previous month ({previous}).",
    },
    "headline_note": {
        "fr": "Les abonnés sont additionnés d'un compte à l'autre : une personne qui suit deux "
              "comptes compte deux fois. La couverture cumulée additionne la couverture de "
              "chaque publication.",
        "en": "Followers are summed over the accounts: a person following two accounts counts "
              "twice. Cumulative reach adds up the reach of every post.",
    },
    "indicators": {"fr": "Les indicateurs par réseau", "en": "Indicators per network"},
    "indicators_intro": {
        "fr": "Les {n} indicateurs du tableau de bord mensuel, pour chaque réseau. Survolez un "
              "indicateur pour voir sa définition ; le glossaire en fin de rapport donne les "
              "formules et les références. Entre parenthèses : l'évolution par rapport au mois "
              "précédent (en points pour les taux). Intervalle : intervalle de confiance à "
              "95 % (bootstrap sur les publications).",
        "en": "The {n} indicators of the monthly dashboard, for each network. Hover over an "
              "indicator to see its definition; the glossary at the end gives the formulas and "
              "references. In brackets: the change from the previous month (in points for "
              "rates). Interval: 95% confidence interval (bootstrap over the posts).",
    },
    "trend": {"fr": "Évolution sur {n} mois", "en": "Trend over {n} months"},
    "followers_section": {"fr": "Croissance des abonnés", "en": "Follower growth"},
    "followers_intro": {
        "fr": "Nombre d'abonnés en fin de mois et gain net mensuel, par réseau.",
        "en": "Followers at the end of each month and net monthly gain, per network.",
    },
    "no_followers": {
        "fr": "Aucune donnée d'abonnés dans les exports pour ces mois.",
        "en": "No follower data in the exports for these months.",
    },
    "posts_section": {"fr": "Meilleures et moins bonnes publications",
                      "en": "Best and worst posts"},
    "posts_intro": {
        "fr": "Par compte, les publications du mois classées par interactions "
              "({components}). Le classement compare des publications d'un même compte.",
        "en": "Per account, the month's posts ranked by interactions ({components}). The "
              "ranking compares posts of the same account.",
    },
    "best": {"fr": "Les plus engageantes", "en": "Most engaging"},
    "worst": {"fr": "Les moins engageantes", "en": "Least engaging"},
    "no_posts_month": {"fr": "Aucune publication ce mois-ci.", "en": "No posts this month."},
    "open_post": {"fr": "voir", "en": "open"},
    "interactions": {"fr": "Interactions", "en": "Interactions"},
    "published": {"fr": "Publiée le", "en": "Published"},
    "text": {"fr": "Texte", "en": "Text"},
    "link": {"fr": "Lien", "en": "Link"},
    "timing_section": {"fr": "Horaires de publication", "en": "Posting times"},
    "timing_intro": {
        "fr": "Quand le compte publie, et l'engagement moyen par créneau (jour × heure, heure "
              "de Paris), sur les {n} derniers mois : un mois seul compte trop peu de "
              "publications. Cette vue brute mêle l'effet de l'horaire et celui du contenu "
              "publié à ces heures-là.",
        "en": "When the account posts, and the mean engagement per slot (weekday × hour, Paris "
              "time), over the last {n} months: one month alone has too few posts. This raw "
              "view mixes the effect of the time with that of what is posted at those times.",
    },
    "timing_adjusted": {
        "fr": "Effet de l'horaire à contenu égal (régression binomiale négative des "
              "interactions, effets jour + tranche horaire, type de publication, thème, compte "
              "et trimestre tenus constants ; test de Wald joint). Quand un effet est détecté : "
              "les créneaux qui ne sont pas significativement moins bons que le meilleur, avec "
              "leur rapport à un créneau moyen.",
        "en": "Effect of the posting time, content held equal (negative binomial regression of "
              "the interactions, weekday + hour-block effects, media type, topic, account and "
              "quarter held constant; joint Wald test). When an effect is detected: the slots "
              "not significantly worse than the best one, with their ratio to an average slot.",
    },
    "timing_naive_title": {"fr": "Vue brute : interactions moyennes et nombre de publications "
                                 "par créneau",
                           "en": "Raw view: mean interactions and number of posts per slot"},
    "timing_adjusted_title": {"fr": "À contenu égal", "en": "Content held equal"},
    "best_slots": {"fr": "Créneaux pas significativement moins bons que le meilleur",
                   "en": "Slots not significantly worse than the best one"},
    "posts_by_hour": {"fr": "Publications du mois par heure", "en": "Posts of the month by hour"},
    "responsiveness_section": {"fr": "Réactivité", "en": "Responsiveness"},
    "responsiveness_intro": {
        "fr": "Commentaires et messages reçus ce mois-ci : part de réponses et délai de "
              "réponse. Les conversations reçues dans les 7 jours avant la fin des données ne "
              "sont pas jugées (la réponse peut arriver après l'export).",
        "en": "Comments and messages received this month: share answered and reply delay. "
              "Conversations received within 7 days of the end of the data are not judged "
              "(the answer may come after the export).",
    },
    "no_conversations": {
        "fr": "Les exports ne contiennent aucune conversation (commentaires ou messages avec "
              "leur heure de réponse) : la réactivité ne peut pas être mesurée.",
        "en": "The exports hold no conversations (comments or messages with their reply "
              "time): responsiveness cannot be measured.",
    },
    "methods": {"fr": "Méthode et limites", "en": "Methods and limits"},
    "methods_conventions": {"fr": "Conventions", "en": "Conventions"},
    "conventions": {
        "fr": [
            "Les mois sont des mois civils à l'heure de Paris (changements d'heure compris).",
            "Les taux d'un mois sont des rapports de sommes (Σ numérateur / Σ dénominateur) : "
            "chaque publication pèse selon son dénominateur.",
            "F = nombre d'abonnés en fin de mois. Interactions A = J'aime (toutes réactions) + "
            "commentaires + partages, ceux que le réseau fournit.",
            "Intervalles : bootstrap percentile à 95 % ({n_boot} tirages des publications du "
            "mois, graine {seed}).",
            "Moins de {min_posts} publications : « petit échantillon » (valeur marquée *).",
            "Une valeur manquante n'est jamais remplacée par 0 : le statut dit pourquoi.",
        ],
        "en": [
            "Months are calendar months in Paris time (DST changes included).",
            "A month's rates are ratios of sums (Σ numerator / Σ denominator): each post "
            "weighs by its denominator.",
            "F = followers at the end of the month. Interactions A = likes (all reactions) + "
            "comments + shares, those the network reports.",
            "Intervals: 95% percentile bootstrap ({n_boot} resamples of the month's posts, "
            "seed {seed}).",
            "Fewer than {min_posts} posts: \"small sample\" (value marked *).",
            "A missing value is never replaced by 0: its status says why.",
        ],
    },
    "notation": {
        "fr": "Notation des formules : par publication i, J'aime Lᵢ, commentaires Cᵢ, "
              "partages Sᵢ, enregistrements Vᵢ, clics Kᵢ, couverture Rᵢ, impressions Iᵢ, vues "
              "vidéo Wᵢ ; N publications du mois ; F abonnés.",
        "en": "Notation of the formulas: per post i, likes Lᵢ, comments Cᵢ, shares Sᵢ, saves "
              "Vᵢ, clicks Kᵢ, reach Rᵢ, impressions Iᵢ, video views Wᵢ; N posts in the month; "
              "F followers.",
    },
    "methods_data": {"fr": "Les données", "en": "The data"},
    "data_summary": {
        "fr": "{files} fichiers d'export lus : {read} lignes, dont {kept} gardées, {merged} "
              "doublons fusionnés (exports qui se chevauchent : le plus récent est gardé) et "
              "{quarantined} mises en quarantaine.",
        "en": "{files} export files read: {read} rows, of which {kept} kept, {merged} "
              "duplicates merged (overlapping exports: the latest is kept) and {quarantined} "
              "quarantined.",
    },
    "coverage": {"fr": "Données nettoyées du {start} au {end}.",
                 "en": "Cleaned data from {start} to {end}."},
    "older_exports": {
        "fr": "{n} exports dont toutes les lignes sont antérieures au {date} ont été lus mais "
              "pas nettoyés : le rapport n'utilise rien d'antérieur.",
        "en": "{n} exports whose every row predates {date} were read but not cleaned: the "
              "report uses nothing older.",
    },
    "methods_gaps": {"fr": "Lacunes des données", "en": "Gaps in the data"},
    "no_gaps": {"fr": "Aucune lacune détectée.", "en": "No gap detected."},
    "gap_status": {"fr": "{network} — {status} : {indicators}.",
                   "en": "{network} — {status}: {indicators}."},
    "gap_components": {
        "fr": "{network} : les exports ne fournissent pas {missing} ; les interactions y "
              "comptent {components}.",
        "en": "{network}: the exports do not report {missing}; interactions there count "
              "{components}.",
    },
    "gap_no_conversations": {
        "fr": "Aucune conversation dans les exports : pas d'indicateur de réactivité.",
        "en": "No conversations in the exports: no responsiveness indicator.",
    },
    "gap_quarantine": {
        "fr": "{n} lignes mises en quarantaine ({reasons}).",
        "en": "{n} rows quarantined ({reasons}).",
    },
    "gap_unreadable": {
        "fr": "{n} fichiers illisibles ignorés : {files}.",
        "en": "{n} unreadable files skipped: {files}.",
    },
    "gap_media_unreported": {
        "fr": "{n} publications sans type de média dans l'export (classées « autre »).",
        "en": "{n} posts without a media type in the export (typed \"other\").",
    },
    "gap_era": {
        "fr": "{network} : la définition des impressions/vues change dans la période "
              "({eras}) ; les séries ne sont pas comparables de part et d'autre.",
        "en": "{network}: the definition of impressions/views changes within the period "
              "({eras}); the series are not comparable across the break.",
    },
    "gap_no_cleaning": {
        "fr": "Le rapport de nettoyage n'est pas disponible (données déjà nettoyées).",
        "en": "No cleaning report available (data given already cleaned).",
    },
    "gap_timing": {
        "fr": "Horaires de publication : {reason}.",
        "en": "Posting times: {reason}.",
    },
    "glossary": {"fr": "Glossaire des indicateurs", "en": "Glossary of the indicators"},
    "formula": {"fr": "Formule", "en": "Formula"},
    "unit": {"fr": "Unité", "en": "Unit"},
    "aggregation": {"fr": "Agrégation", "en": "Aggregation"},
    "reference": {"fr": "Référence", "en": "Reference"},
    "note": {"fr": "Remarque", "en": "Note"},
    "previous_month": {"fr": "mois précédent", "en": "previous month"},
    "vs_previous": {"fr": "en {month}", "en": "in {month}"},
    "status": {"fr": "Statut", "en": "Status"},
    "ci": {"fr": "Intervalle à 95 %", "en": "95% interval"},
    "small_sample_note": {"fr": "* petit échantillon", "en": "* small sample"},
    "figure_dashboard_alt": {
        "fr": "Évolution mensuelle des indicateurs par réseau",
        "en": "Monthly trend of the indicators per network",
    },
    "figure_followers_alt": {"fr": "Abonnés et gain net mensuel par réseau",
                             "en": "Followers and net monthly gain per network"},
    "figure_timing_alt": {"fr": "Publications et engagement moyen par créneau horaire",
                          "en": "Posts and mean engagement per time slot"},
    "figure_responsiveness_alt": {"fr": "Répartition des délais de réponse",
                                  "en": "Distribution of reply delays"},
    "footer": {
        "fr": "Rapport produit avec engagement_lib, boîte à outils ouverte de mesure des "
              "réseaux sociaux des collectivités. Les textes des publications sont reproduits "
              "tels qu'exportés.",
        "en": "Report produced with engagement_lib, an open toolkit measuring the social "
              "networks of French local governments. Post texts are reproduced as exported.",
    },
    "headline_followers": {"fr": "Abonnés", "en": "Followers"},
    "headline_posts": {"fr": "Publications", "en": "Posts"},
    "change_new": {"fr": "nouveau", "en": "new"},
    "timing_detected": {"fr": "effet de l'horaire détecté", "en": "posting-time effect detected"},
    "timing_not_detected": {"fr": "pas d'effet détectable de l'horaire",
                            "en": "no detectable posting-time effect"},
    "more_slots": {"fr": "et {n} autres créneaux", "en": "and {n} more slots"},
    "within": {"fr": "Répondu en moins de {h} h", "en": "Answered within {h} h"},
}


def text(key: str, lang: str, **fmt):
    """The report text ``key`` in ``lang``, formatted with ``fmt`` (lists are formatted item-wise)."""
    value = _TEXT[key][check_lang(lang)]
    if isinstance(value, list):
        return [v.format(**fmt) for v in value]
    return value.format(**fmt) if fmt else value


def plain_texts(lang: str) -> dict[str, str]:
    """Every text without placeholders, for the template (``t.title``...)."""
    check_lang(lang)
    return {k: v[lang] for k, v in _TEXT.items()
            if isinstance(v[lang], str) and "{" not in v[lang]}
