"""Raw exports → the canonical tables, with a quarantine and a report that adds up.

:func:`clean` takes the :class:`~engagement_lib.readers.RawExport` objects the
readers produce (or a folder / file to read first) and returns a
:class:`CleanData`: the four canonical tables of :mod:`engagement_lib.schema`
(``posts``, ``followers``, ``audience``, ``conversations``), validated; a
``quarantine`` table holding every row that could not be kept, with the
reason; a ``flags`` table of rows kept but worth a look; and a
:class:`CleaningReport` whose counts add up, per file and in total::

    rows read = rows kept + duplicates merged + rows quarantined

Summary rows the readers skipped on purpose (YouTube ``Total``, the legacy
Facebook description row, Meta ``Lifetime`` rows) are not data rows: the
report lists them separately.

The rules, in the order they are applied to each export
--------------------------------------------------------
**Who the row belongs to.** ``collectivite`` and ``account`` are each taken
from the first source that has them: the caller's ``collectivite=``/
``account=`` arguments; else the folder structure
``<collectivite>/<network>/<account>/.../<file>`` (the layout of
``datasets/raw``) or ``<collectivite>/<network>/<file>`` (collectivité only):
the folder named after a network nearest to the file (``twitter`` counts as
``x``) — within the folder given to :func:`clean` when it was given one;
else the export itself, when the reader found a page or account name
(``collectivite``/``account`` columns of ``RawExport.rows``). Explicit labels
win over the platform's display name because the display name (``Ville de
Toulouse``) differs from the handle the analyst chose (``toulouse``) and may
change over time; the export's own name is kept in ``account_name`` when it
differs. A row still without a collectivité or an account goes to the
quarantine with the reason; nothing is invented. The report says, per file,
where each came from. When the network folder names another network than
the reader's (a Meta demographic file cannot tell Facebook from Instagram),
the folder wins and the report says so in ``warnings``.

**Cells the reader could not parse** (``RawExport.issues``): the row is
quarantined with the reader's reason; an Excel-mangled ``post_id`` is not a
parse failure but goes through the re-keying below.

**Timestamps.** Tz-aware values are converted to UTC. Naive values are
wall-clock time in ``RawExport.timezone`` (or in ``timezone=`` when the
export says ``"local"`` or nothing). Daylight saving time is settled
deterministically (see :mod:`engagement_lib._timezones`): a time in the
spring-forward gap is read with the offset in force before the gap (shifted
forward by the gap: ``02:30`` → ``03:30`` local), a repeated autumn time
takes its first occurrence (summer time). Both are counted in the report and
flagged per row (``dst_nonexistent``, ``dst_ambiguous``). A missing or
unreadable timestamp quarantines the row.

**Post IDs.** IDs are strings. An ID in scientific notation
(``1.22158E+17``, Excel-mangled) or missing is re-keyed, in order: on the
sound ID of the same post in another export of the same call (same
permalink, compared without scheme, ``www.``, trailing ``/`` or ``:0``);
else on the ID held in the permalink (Facebook ``/posts/<id>``,
``story_fbid=``, ``/reel/<id>``; X ``/status/<id>``; LinkedIn
``urn:li:activity:<id>``; YouTube ``watch?v=``; TikTok ``/video/<id>``, see
:mod:`engagement_lib._post_ids`), with the page ID put back in front of a
bare Facebook post ID (``<page>_<post>``, the key readers use) when the
export's other IDs have that shape or it has none. A re-keyed ID that
disagrees with the digits Excel kept is flagged (``rekeyed_id_mismatch``).
An Instagram URL only holds a shortcode, which decodes to Instagram's internal
ID, not to the export's: it is used when it agrees with the kept digits, else
the shortcode itself becomes the key (flagged ``rekeyed_from_shortcode``).
Without a usable permalink the row is quarantined. A 16+ digit ID whose
digits after the 15th are zeros (Excel padding) is re-keyed when the
permalink gives a different ID that agrees with the kept digits, else
flagged (``id_precision_suspect``).

**Media types.** Every platform's raw label, English or French, is mapped
onto :class:`~engagement_lib.schema.MediaType` (see
:mod:`engagement_lib._media_types`); videos whose permalink is a ``/reel/``
URL are Reels. Unknown labels become ``other`` and are flagged; rows without
any label are typed from the permalink when possible, else ``other``
(counted as "media type not reported").

**Metrics.** Reactions are counted as likes: a ``reactions`` column (or
``extra:reactions``) fills ``likes``; without a total, the sum of
per-reaction columns does (columns such as ``extra:num_loves``,
``reactions_wow``, ``extra:post_reactions_like_total``). When a row has both
a total and all its parts and they disagree, the row is kept and flagged
(``reaction_total_mismatch``). Instagram's old ``Plays`` fill ``views``.
Nothing is converted between metric families: ``metric_era`` records, per
row, which family fed the exposure metrics (the row's own ``metric_era``,
else ``RawExport.metric_era``, else ``"impressions"``/``"plays"``/``"views"``
after the first of those reported), so that series breaks stay visible.

**Impossible values** are quarantined: negative counts or shares; a share
above 1; reach above impressions on Facebook/Instagram (reach counts unique
people among the impressions); a date more than ``future_tolerance`` (2 days
by default: exports are often stamped with the last day of their range, at
midnight UTC) after the export date; a date before the network existed
(garbage such as Excel's 1900 or the Unix epoch); a reply earlier than the
message it answers; an unknown audience dimension or conversation channel.
**Merely odd** values are kept and flagged: likes above impressions
(happens on X for old tweets), completions above views.

**Overlapping exports.** Values are lifetime totals as of the export date, so
the same post (same ``network`` and ``post_id``; for followers the same
account and day; for audience the same account, day, dimension and bracket;
for conversations the same ``conversation_id``) read several times keeps the
row of the *latest export*: the one with the latest ``RawExport.exported_at``;
an export without one is dated by its latest published date (or day); ties go
to the latest published date, then to the export that comes later in the
input list, then to the row further down the file. Values that row lacks are
filled from the older ones, latest first (Meta's daily series come one metric
per file: follows, unfollows and totals of one day are three rows that merge
into one). Merged rows are counted as duplicates, split into *exact* (same
values), *conflicting* (two present values differ: the latest wins and the
flag names the columns) and *complementary* (they only fill gaps); each is
listed in ``flags`` (``exact_duplicate``, ``duplicate_id_differs``,
``duplicate_complementary``) with the file and line of the row kept.
Two different networks sharing a post ID (which the schema forbids) are
quarantined.

**Conversations.** Authors are pseudonymised: a name that is not already a
hex digest becomes the first 16 hex digits of SHA-256(salt, name), with the
caller's ``author_salt`` (a random salt per call by default).

Output tables are validated with :func:`engagement_lib.schema.validate`;
extra columns the readers kept (``extra:<header>``) follow the canonical
ones unless ``extra_columns=False``. Rows of tables the schema does not model
(the readers' long ``page_metrics``: date, metric, value) pass through into
:attr:`CleanData.other`, with entity, provenance and UTC timestamps,
de-duplicated on (account, network, date, metric); they count as kept.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import os
import re
import secrets
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from . import _post_ids as _ids
from ._media_types import map_media_types
from ._timezones import check_zone, to_utc
from .errors import CleaningError, EngagementError
from .i18n import check_lang
from .readers import _sniff
from .readers._base import RawExport
from .schema import METRICS, TABLES, Network, validate

__all__ = [
    "clean",
    "CleanData",
    "CleaningReport",
    "CleaningError",
    "QUARANTINE_COLUMNS",
    "FLAG_COLUMNS",
    "CLEAN_TABLES",
    "NETWORK_LAUNCH",
]


#: Tables :func:`clean` produces.
CLEAN_TABLES = ("posts", "followers", "audience", "conversations")

#: Columns of :attr:`CleanData.quarantine`.
QUARANTINE_COLUMNS = ["table", "source_file", "source_row", "column", "value", "rule", "reason"]

#: Columns of :attr:`CleanData.flags`.
FLAG_COLUMNS = ["table", "source_file", "source_row", "flag", "detail", "in_output"]

#: Public launch dates: nothing can be published on a network before it existed.
NETWORK_LAUNCH = {
    "facebook": pd.Timestamp("2004-02-04", tz="UTC"),
    "x": pd.Timestamp("2006-03-21", tz="UTC"),
    "instagram": pd.Timestamp("2010-10-06", tz="UTC"),
    "linkedin": pd.Timestamp("2003-05-05", tz="UTC"),
    "youtube": pd.Timestamp("2005-04-23", tz="UTC"),
    "tiktok": pd.Timestamp("2016-09-01", tz="UTC"),
    "snapchat": pd.Timestamp("2011-07-08", tz="UTC"),
    "viadeo": pd.Timestamp("2004-01-01", tz="UTC"),
}

_KEYS = {
    "page_metrics": ["collectivite", "account", "network", "date", "metric"],
    "posts": ["network", "post_id"],
    "followers": ["collectivite", "account", "network", "date"],
    "audience": ["collectivite", "account", "network", "date", "dimension", "bracket"],
    "conversations": ["network", "conversation_id"],
}
_TIME_COLUMNS = {
    "posts": ("published_at",),
    "followers": ("date",),
    "audience": ("date",),
    "conversations": ("received_at", "replied_at"),
}
_MAIN_TIME = {"posts": "published_at", "followers": "date", "audience": "date",
              "conversations": "received_at"}
_PROVENANCE = ["source_format", "source_file", "source_row"]
_ID_COLUMNS = {"posts": "post_id", "conversations": "conversation_id"}
_DUP_FLAGS = {"exact": "exact_duplicate", "conflicting": "duplicate_id_differs",
              "complementary": "duplicate_complementary"}
_INTERNAL = ["_export", "_pos"]
_META = frozenset({"facebook", "instagram"})
_NETWORK_ALIASES = {n.value: n.value for n in Network} | {"twitter": "x", "fb": "facebook",
                                                          "ig": "instagram", "yt": "youtube"}

_REACTION_PART = re.compile(
    r"^(?:extra:)?(?:reactions?[_: ]+|num_|post_reactions_|reaction_)"
    r"(like|love|wow|haha|sad|sorry|angry|anger|care|thankful|pride)s?(?:_total)?$",
    re.IGNORECASE,
)
_PLAYS = ("plays", "extra:plays", "extra:lectures")
_REACTIONS_TOTAL = ("reactions", "extra:reactions", "extra:reactions_total", "extra:num_reactions")
_HEX_AUTHOR = re.compile(r"^[0-9a-f]{8,64}$")

_DIMENSIONS = {
    "age": "age", "ages": "age", "tranche d'age": "age", "age range": "age",
    "gender": "gender", "genre": "gender", "sexe": "gender", "sex": "gender",
    "age_gender": "age_gender", "age & gender": "age_gender", "age and gender": "age_gender",
    "age et genre": "age_gender", "genre et age": "age_gender", "age gender": "age_gender",
    "country": "country", "countries": "country", "pays": "country", "territory": "country",
    "top territories": "country", "city": "city", "cities": "city", "ville": "city",
    "villes": "city", "top cities": "city",
}
_GENDERS = {
    "f": "F", "female": "F", "women": "F", "woman": "F", "femme": "F", "femmes": "F",
    "m": "M", "male": "M", "men": "M", "man": "M", "homme": "M", "hommes": "M", "h": "M",
    "u": "U", "unknown": "U", "other": "U", "autre": "U", "non specifie": "U",
    "undisclosed": "U", "inconnu": "U", "non precise": "U",
}
_CHANNELS = {
    "comment": "comment", "comments": "comment", "commentaire": "comment",
    "commentaires": "comment", "message": "message", "messages": "message",
    "private message": "message", "message prive": "message", "messages prives": "message",
    "dm": "message", "direct message": "message", "messenger": "message",
    "mention": "mention", "mentions": "mention", "reply": "reply", "replies": "reply",
    "reponse": "reply", "reponses": "reply",
}
_BOOLS = {
    "true": True, "yes": True, "oui": True, "vrai": True, "1": True, "paid": True,
    "boosted": True, "sponsored": True, "sponsorise": True,
    "false": False, "no": False, "non": False, "faux": False, "0": False, "organic": False,
    "organique": False,
}

# ---------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------

_COUNT_COLUMNS = [
    "rows_read", "rows_kept", "duplicates_merged", "exact_duplicates",
    "conflicting_duplicates", "complementary_duplicates", "rows_quarantined", "summary_rows_skipped", "ids_rekeyed",
    "dst_nonexistent", "dst_ambiguous", "media_type_unknown", "media_type_unreported",
    "reaction_mismatches", "rows_flagged",
]
_FILE_COLUMNS = ["source_file", "layout", "network", "table", "entity_source", *_COUNT_COLUMNS]

_TEXT = {
    "title": {"en": "Cleaning report", "fr": "Rapport de nettoyage"},
    "files": {"en": "files", "fr": "fichiers"},
    "file": {"en": "file", "fr": "fichier"},
    "more_files": {"en": "... and {n} more files (report.to_frame() lists them all)",
                   "fr": "... et {n} autres fichiers (report.to_frame() les liste tous)"},
    "more_warnings": {"en": "... and {n} more warnings", "fr": "... et {n} autres avertissements"},
    "rows_read": {"en": "rows read", "fr": "lignes lues"},
    "rows_kept": {"en": "rows kept", "fr": "lignes gardées"},
    "duplicates_merged": {"en": "duplicates merged", "fr": "doublons fusionnés"},
    "exact_duplicates": {"en": "exact duplicates", "fr": "doublons exacts"},
    "conflicting_duplicates": {"en": "values differ (latest export kept)",
                               "fr": "valeurs différentes (dernier export gardé)"},
    "complementary_duplicates": {"en": "complementary (gaps filled)",
                                 "fr": "complémentaires (valeurs manquantes complétées)"},
    "rows_quarantined": {"en": "rows quarantined", "fr": "lignes en quarantaine"},
    "summary_rows_skipped": {"en": "summary rows skipped (not data)",
                             "fr": "lignes de synthèse ignorées (pas des données)"},
    "ids_rekeyed": {"en": "IDs re-keyed from permalinks",
                    "fr": "identifiants reconstitués depuis le permalien"},
    "dst_nonexistent": {"en": "times in the spring DST gap (shifted forward)",
                        "fr": "heures inexistantes au passage à l'heure d'été (décalées)"},
    "dst_ambiguous": {"en": "repeated autumn DST times (first occurrence taken)",
                      "fr": "heures répétées au passage à l'heure d'hiver (première retenue)"},
    "media_type_unknown": {"en": "unknown media-type labels (typed 'other')",
                           "fr": "types de publication inconnus (classés « autre »)"},
    "media_type_unreported": {"en": "media type not reported (typed 'other')",
                              "fr": "type de publication non fourni (classé « autre »)"},
    "reaction_mismatches": {"en": "reaction totals differing from the sum of their parts",
                            "fr": "totaux de réactions différents de la somme des réactions"},
    "rows_flagged": {"en": "rows flagged (kept, worth a look)",
                     "fr": "lignes signalées (gardées, à vérifier)"},
    "balance": {"en": "read = kept + merged + quarantined",
                "fr": "lues = gardées + fusionnées + en quarantaine"},
    "ok": {"en": "adds up", "fr": "le compte est bon"},
    "not_ok": {"en": "DOES NOT ADD UP", "fr": "LE COMPTE N'EST PAS BON"},
    "reasons": {"en": "Quarantine reasons", "fr": "Motifs de quarantaine"},
    "warnings": {"en": "Warnings", "fr": "Avertissements"},
    "unreadable": {"en": "UNREADABLE FILES (not counted above)",
                   "fr": "FICHIERS ILLISIBLES (non comptés ci-dessus)"},
    "flags": {"en": "Flags (rows to look at, see data.flags)",
              "fr": "Signalements (lignes à vérifier, voir data.flags)"},
}


@dataclass(frozen=True)
class CleaningReport:
    """What :func:`clean` did, file by file; the counts add up.

    Attributes
    ----------
    files : pandas.DataFrame
        One row per export read: ``source_file, layout, network, table,
        entity_source`` and the counts ``rows_read, rows_kept,
        duplicates_merged`` (= ``exact_duplicates + conflicting_duplicates +
        complementary_duplicates``),
        ``rows_quarantined, summary_rows_skipped, ids_rekeyed,
        dst_nonexistent, dst_ambiguous, media_type_unknown,
        media_type_unreported, reaction_mismatches, rows_flagged``.
    reasons : pandas.DataFrame
        Quarantined rows per ``table`` and ``rule``, with an example reason.
    skipped : pandas.DataFrame
        The summary rows skipped by the readers: ``source_file, source_row, reason``.
    warnings : tuple of str
        The readers' warnings, prefixed by their file (and cleaning's own, such
        as a network taken from the folder).
    flag_counts : pandas.DataFrame
        Rows per ``table`` and ``flag`` in :attr:`CleanData.flags`.
    unreadable : pandas.DataFrame
        Files the readers could not read (``source_file, error``), with
        ``clean(..., errors="collect")``; their rows are not counted anywhere.
    """

    files: pd.DataFrame
    reasons: pd.DataFrame
    skipped: pd.DataFrame
    warnings: tuple[str, ...] = ()
    flag_counts: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=["table", "flag", "rows"]))
    unreadable: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=["source_file", "error"]))

    @property
    def totals(self) -> pd.Series:
        """Every count summed over the files."""
        return self.files[_COUNT_COLUMNS].sum().astype("int64")

    def to_frame(self) -> pd.DataFrame:
        """The per-file table with a last ``TOTAL`` row."""
        total = pd.DataFrame([{**self.totals.to_dict(), "source_file": "TOTAL"}])
        return pd.concat([self.files, total], ignore_index=True)[_FILE_COLUMNS]

    def _balanced(self, row) -> bool:
        return (
            row["rows_read"] == row["rows_kept"] + row["duplicates_merged"]
            + row["rows_quarantined"]
            and row["duplicates_merged"] == row["exact_duplicates"]
            + row["conflicting_duplicates"] + row["complementary_duplicates"]
        )

    def check(self) -> CleaningReport:
        """Raise :class:`CleaningError` unless read = kept + merged + quarantined everywhere.

        Checked for every file and for the total; duplicates merged must also
        equal exact + conflicting + complementary duplicates. Returns the report.
        """
        bad = [
            f"{r['source_file']}: read {r['rows_read']} != kept {r['rows_kept']} + merged "
            f"{r['duplicates_merged']} + quarantined {r['rows_quarantined']} (merged = "
            f"{r['exact_duplicates']} exact + {r['conflicting_duplicates']} conflicting + "
            f"{r['complementary_duplicates']} complementary)"
            for _, r in self.to_frame().iterrows()
            if not self._balanced(r)
        ]
        if bad:
            raise CleaningError("cleaning report does not add up: " + "; ".join(bad))
        return self

    def summary(self, lang: str = "en", *, max_files: int = 20) -> str:
        """A readable summary in French (``"fr"``) or English (``"en"``).

        The per-file lines and the readers' warnings stop after ``max_files``
        (the whole table is :meth:`to_frame`).
        """
        check_lang(lang)
        t = self.totals
        colon = " : " if lang == "fr" else ": "  # French typography: space before : and ;
        semi = " ; " if lang == "fr" else "; "

        def lab(key):
            return _TEXT[key][lang]

        def num(value) -> str:
            text = f"{int(value):,}"
            return text.replace(",", "\u202f") if lang == "fr" else text

        ok = all(self._balanced(r) for _, r in self.to_frame().iterrows())
        n_files = len(self.files)
        lines = [
            f"{lab('title')} — {num(n_files)} {lab('files') if n_files != 1 else lab('file')}",
            f"  {lab('rows_read')}{colon}{num(t['rows_read'])}",
            f"  {lab('rows_kept')}{colon}{num(t['rows_kept'])}",
            f"  {lab('duplicates_merged')}{colon}{num(t['duplicates_merged'])} "
            f"({lab('exact_duplicates')}{colon}{num(t['exact_duplicates'])}{semi}"
            f"{lab('conflicting_duplicates')}{colon}{num(t['conflicting_duplicates'])}{semi}"
            f"{lab('complementary_duplicates')}{colon}{num(t['complementary_duplicates'])})",
            f"  {lab('rows_quarantined')}{colon}{num(t['rows_quarantined'])}",
            f"  {lab('balance')}{colon}{num(t['rows_read'])} = {num(t['rows_kept'])} + "
            f"{num(t['duplicates_merged'])} + {num(t['rows_quarantined'])} → "
            f"{lab('ok') if ok else lab('not_ok')}",
            f"  {lab('summary_rows_skipped')}{colon}{num(t['summary_rows_skipped'])}",
        ]
        for key in ("ids_rekeyed", "dst_nonexistent", "dst_ambiguous", "media_type_unknown",
                    "media_type_unreported", "reaction_mismatches", "rows_flagged"):
            if t[key]:
                lines.append(f"  {lab(key)}{colon}{num(t[key])}")
        if len(self.reasons):
            lines.append(f"{lab('reasons')}{colon.rstrip()}")
            for _, r in self.reasons.iterrows():
                lines.append(f"  [{r['table']}] {r['rule']}{colon}{num(r['rows'])} — "
                             f"{r['example']}")
        if len(self.flag_counts):
            lines.append(f"{lab('flags')}{colon.rstrip()}")
            for _, r in self.flag_counts.iterrows():
                lines.append(f"  [{r['table']}] {r['flag']}{colon}{num(r['rows'])}")
        if n_files > 1:
            lines.append(
                f"{lab('files').capitalize()} ({lab('rows_read')} / {lab('rows_kept')} / "
                f"{lab('duplicates_merged')} / {lab('rows_quarantined')}){colon.rstrip()}"
            )
            for _, r in self.files.head(max_files).iterrows():
                lines.append(
                    f"  {r['source_file']}{colon}{num(r['rows_read'])} / {num(r['rows_kept'])}"
                    f" / {num(r['duplicates_merged'])} / {num(r['rows_quarantined'])}"
                )
            if n_files > max_files:
                lines.append("  " + lab("more_files").format(n=num(n_files - max_files)))
        if len(self.unreadable):
            lines.append(f"{lab('unreadable')}{colon}{num(len(self.unreadable))}")
            lines.extend(f"  {r['error']}" for _, r in self.unreadable.head(max_files).iterrows())
        if self.warnings:
            lines.append(f"{lab('warnings')}{colon.rstrip()}")
            lines.extend(f"  {w}" for w in self.warnings[:max_files])
            if len(self.warnings) > max_files:
                lines.append("  " + lab("more_warnings").format(
                    n=num(len(self.warnings) - max_files)))
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary("en")


@dataclass(frozen=True)
class CleanData:
    """The canonical tables, the quarantine, the flags and the report.

    Attributes
    ----------
    posts, followers, audience, conversations : pandas.DataFrame
        Validated canonical tables (see :mod:`engagement_lib.schema`); empty
        (with the right columns) when no export fed them.
    quarantine : pandas.DataFrame
        One row per input row not kept: ``table, source_file, source_row``
        (1-based line), the ``column`` and ``value`` at fault, the ``rule``
        (a short code) and a readable ``reason`` (several problems are joined
        with "; ").
    flags : pandas.DataFrame
        Rows worth a look: ``table, source_file, source_row, flag, detail,
        in_output`` (False for merged duplicates, which are not in the tables).
    report : CleaningReport
    other : dict of str to pandas.DataFrame
        Rows of tables the schema does not model (the readers' long
        ``page_metrics``: ``date, metric, value`` daily page series), with
        entity and provenance, timestamps in UTC, de-duplicated on
        (account, network, date, metric) like the canonical tables, not
        validated. Counted as kept in the report.
    """

    posts: pd.DataFrame
    followers: pd.DataFrame
    audience: pd.DataFrame
    conversations: pd.DataFrame
    quarantine: pd.DataFrame
    flags: pd.DataFrame
    report: CleaningReport
    other: dict[str, pd.DataFrame] = field(default_factory=dict)

    @property
    def tables(self) -> dict[str, pd.DataFrame]:
        """The four canonical tables by name."""
        return {name: getattr(self, name) for name in CLEAN_TABLES}


# ---------------------------------------------------------------------------
# Per-export bookkeeping
# ---------------------------------------------------------------------------


class _Log:
    """Problems (→ quarantine) and flags of one export, by row position."""

    def __init__(self):
        self.problems: list[pd.DataFrame] = []
        self.flags: list[pd.DataFrame] = []
        self.order = 0

    @staticmethod
    def _frame(positions, **columns) -> pd.DataFrame:
        positions = np.asarray(positions, dtype="int64")
        data = {"_pos": positions}
        for name, value in columns.items():
            if isinstance(value, pd.Series):
                value = value.to_numpy(dtype=object)
            if np.ndim(value) == 0:
                value = [value] * len(positions)
            data[name] = list(value)
        return pd.DataFrame(data)

    def problem(self, mask, rule: str, column, values=None, reason="") -> None:
        positions = _positions(mask)
        if not len(positions):
            return
        values = _pick(values, positions)
        self.order += 1
        self.problems.append(self._frame(
            positions, _order=self.order, rule=rule, column=column,
            value=[_show(v) for v in values], reason=_pick(reason, positions),
        ))

    def flag(self, mask, flag: str, detail="") -> None:
        positions = _positions(mask)
        if len(positions):
            self.flags.append(self._frame(positions, flag=flag, detail=_pick(detail, positions)))

    def problem_frame(self) -> pd.DataFrame:
        if not self.problems:
            return _NO_PROBLEMS
        return pd.concat(self.problems, ignore_index=True)

    def flag_frame(self) -> pd.DataFrame:
        if not self.flags:
            return _NO_FLAGS
        return pd.concat(self.flags, ignore_index=True)


_NO_PROBLEMS = pd.DataFrame(columns=["_pos", "_order", "rule", "column", "value", "reason"])
_NO_FLAGS = pd.DataFrame(columns=["_pos", "flag", "detail"])
_NO_ROWS = pd.DataFrame(columns=QUARANTINE_COLUMNS)


def _positions(mask) -> np.ndarray:
    if isinstance(mask, pd.Series):
        mask = mask.to_numpy()
    mask = np.asarray(mask)
    if mask.dtype == bool:
        return np.flatnonzero(mask)
    return mask.astype("int64")


def _pick(values, positions):
    """Values at ``positions``: from a callable(positions), a positional Series or
    array over all rows, or a scalar repeated."""
    if values is None:
        return [None] * len(positions)
    if callable(values):
        return list(values(positions))
    if isinstance(values, pd.Series):
        return values.iloc[positions].to_numpy(dtype=object)
    if isinstance(values, np.ndarray | list):
        return np.asarray(values, dtype=object)[positions]
    return [values] * len(positions)


def _fmt(template: str, **columns):
    """A lazy per-row message: ``template`` formatted with the columns at the rows asked.

    Messages are built only for the rows that need one (a million-row export
    with three flagged rows formats three messages).
    """
    def build(positions):
        cols = {k: (v.iloc[positions].astype("object").tolist() if isinstance(v, pd.Series)
                    else [v] * len(positions)) for k, v in columns.items()}
        return [template.format(**dict(zip(cols, vals, strict=True)))
                for vals in zip(*cols.values(), strict=True)]
    return build


def _show(value) -> str | None:
    if value is None or (not isinstance(value, str) and pd.api.types.is_scalar(value)
                         and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    return str(value)


def _text(series: pd.Series | None, n: int, *, strip: bool = False) -> pd.Series:
    """A column as ``str`` dtype (blank → NA); all-NA when absent."""
    if series is None:
        return _const(None, n)
    out = series.astype("str")
    if strip:
        out = _sniff.strip_text(out)
    blank = _sniff.empty_cells(pa.array(out.array))
    return out.where(~blank) if blank.any() else out  # rewrite a million strings only if needed


def _counts(series: pd.Series | None, n: int) -> tuple[pd.Series, pd.Series]:
    """A column as ``Int64`` and the mask of present cells that are not whole numbers."""
    if series is None:
        return pd.Series(pd.NA, index=range(n), dtype="Int64"), pd.Series(False, index=range(n))
    if pd.api.types.is_integer_dtype(series.dtype):
        return series.astype("Int64"), pd.Series(False, index=series.index)
    if pd.api.types.is_bool_dtype(series.dtype):
        return series.astype("Int64"), pd.Series(False, index=series.index)
    numbers = pd.to_numeric(series, errors="coerce")
    if not pd.api.types.is_float_dtype(numbers.dtype) and not pd.api.types.is_integer_dtype(
        numbers.dtype
    ):
        numbers = pd.to_numeric(numbers.astype("object"), errors="coerce")
    numbers = numbers.astype("Float64")
    whole = numbers.isna() | ((numbers % 1) == 0).fillna(False)
    bad = (series.notna() & numbers.isna()) | ~whole
    out = numbers.where(whole & numbers.notna()).round().astype("Int64")
    return out, bad.fillna(False).astype(bool)


_CONST_BLOCK = 8192  # rows of the one Arrow block a constant text column repeats


def _const(value, n: int) -> pd.Series:
    """A text column holding one value (None: missing), ``n`` times.

    Built in Arrow as one block of :data:`_CONST_BLOCK` copies repeated as the
    chunks of a chunked array (Arrow data is immutable, so the chunks may share
    it): the source file's path on a million rows takes a few hundred kB instead
    of 80 MB, and no million-object array is made.
    """
    block = pa.nulls(min(n, _CONST_BLOCK), pa.large_string()) if value is None else \
        pa.repeat(pa.scalar(value, pa.large_string()), min(n, _CONST_BLOCK))
    full, rest = divmod(n, _CONST_BLOCK) if n > _CONST_BLOCK else (0, n)
    chunks = [block] * full + ([block.slice(0, rest)] if rest or not full else [])
    return pd.Series(pd.array(pa.chunked_array(chunks, type=pa.large_string()), dtype="str"))


def _network_column(network: str, n: int) -> pd.Series:
    """The network as the schema's categorical (built from codes: no string per row)."""
    categories = [m.value for m in Network]
    codes = np.full(n, categories.index(network), dtype="int8")
    return pd.Series(pd.Categorical.from_codes(codes, categories=categories))


def _fold(value) -> str:
    import unicodedata

    text = unicodedata.normalize("NFKD", str(value))
    text = "".join(c for c in text if not unicodedata.combining(c)).replace("\u2019", "'")
    return re.sub(r"\s+", " ", text.casefold()).strip()


def _map_labels(series: pd.Series, table: dict, *, keep_unknown: bool = False) -> pd.Series:
    codes, uniques = pd.factorize(series)
    mapped = [table.get(_fold(u), (str(u).strip() if keep_unknown else None)) for u in uniques]
    arr = np.array([*mapped, None], dtype=object)[codes]
    return pd.Series(arr, index=series.index, dtype="object")


# ---------------------------------------------------------------------------
# Options and entity assignment
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Options:
    zone: str
    collectivite: str | None
    account: str | None
    root: Path | None
    salt: str
    extra_columns: bool
    future_tolerance: pd.Timedelta
    known: dict = field(default_factory=dict)
    ids: dict = field(default_factory=dict)  # id(export) → (IDs as text, needs re-keying)


def _network_of(export: RawExport) -> str:
    network = _NETWORK_ALIASES.get(str(export.network).strip().lower())
    if network is None:
        raise CleaningError(
            f"{export.path}: unknown network {export.network!r} in the RawExport; expected one "
            f"of {', '.join(n.value for n in Network)}"
        )
    return network


def _resolve_network(export: RawExport, root: Path | None) -> tuple[str, str | None]:
    """The export's network, or the one its folder names (with a warning) when they differ."""
    network = _network_of(export)
    _, _, folder_network = _folder_entity(export.path, network, root)
    if folder_network is not None and folder_network != network:
        return folder_network, (f"{export.path}: network {folder_network!r} from the folder "
                                f"replaces the reader's {network!r}")
    return network, None


def _folder_entity(path: str, network: str, root: Path | None):
    """(collectivite, account, network) from ``.../<collectivite>/<network>/[<account>/...]<file>``.

    The folder named after a network nearest to the file is used (one named
    after the export's own network first); the folder above it is the
    collectivité, the one below it (if it is not the file) the account.
    """
    p = Path(str(path).split("!")[0])
    parts = list(p.parts[:-1])
    if root is not None:  # only the folders from the root given by the caller (included)
        try:
            parts = list(p.resolve().relative_to(root.resolve().parent).parts[:-1])
        except ValueError:
            pass
    found = [(i, _NETWORK_ALIASES[part.lower()]) for i, part in enumerate(parts)
             if i > 0 and part.lower() in _NETWORK_ALIASES]
    if not found:
        return None, None, None
    same = [f for f in found if f[1] == network]
    i, folder_network = (same or found)[-1]
    account = parts[i + 1] if i + 1 < len(parts) else None
    return parts[i - 1], account, folder_network


def _assign_entity(rows: pd.DataFrame, export: RawExport, network: str, opts: _Options, n: int):
    """Per-row collectivite/account, the export's own account name, and where they came from.

    Each field is taken from the first source that has it: the caller's
    argument, the folder structure, the export's own column (see the module
    docstring).
    """
    f_coll, f_acct, _ = _folder_entity(export.path, network, opts.root)
    own_coll = _text(rows.get("collectivite"), n, strip=True)
    own_acct = _text(rows.get("account"), n, strip=True)
    described = []
    out = []
    for name, arg, folder, own in (("collectivite", opts.collectivite, f_coll, own_coll),
                                   ("account", opts.account, f_acct, own_acct)):
        if arg is not None:
            values, source = _const(arg, n), "argument"
        elif folder is not None:
            values, source = _const(folder, n), "folder"
        elif own.notna().any():
            values, source = own, "export"
        else:
            values, source = own, "none"
        out.append(values)
        described.append(f"{name}: {source}")
    return out[0], out[1], own_acct, "; ".join(described)


def _export_zone(export: RawExport, opts: _Options) -> str:
    zone = export.timezone
    if zone is None or str(zone).strip().lower() in ("", "local"):
        return opts.zone
    try:
        return check_zone(str(zone))
    except ValueError as exc:
        raise CleaningError(f"{export.path}: {exc}") from None


def _exported_at(export: RawExport) -> pd.Timestamp | None:
    ts = export.exported_at
    if ts is None:
        return None
    try:
        ts = pd.Timestamp(ts)
    except (TypeError, ValueError):
        raise CleaningError(
            f"{export.path}: exported_at {export.exported_at!r} is not a timestamp"
        ) from None
    if pd.isna(ts):
        return None
    return ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")


# ---------------------------------------------------------------------------
# Steps shared by the tables
# ---------------------------------------------------------------------------


def _times(rows, column, zone, n, log: _Log, counts: Counter, *, required: bool) -> pd.Series:
    values = rows.get(column)
    if values is None:
        utc = pd.Series(pd.NaT, index=range(n), dtype="datetime64[us, UTC]")
        if required:
            log.problem(np.ones(n, dtype=bool), "missing_value", column, None,
                        f"the export has no {column} column")
        return utc
    try:
        res = to_utc(values.reset_index(drop=True), zone)
    except (ValueError, TypeError, OverflowError) as exc:
        raise CleaningError(f"cannot read column {column!r} as timestamps: {exc}") from None
    log.problem(res.unparseable, "unparseable", column, values, f"{column} is not a date/time")
    if required:
        log.problem(values.isna().to_numpy(), "missing_value", column, None, f"{column} is missing")
    if res.nonexistent.any():
        counts["dst_nonexistent"] += int(res.nonexistent.sum())
        log.flag(res.nonexistent, "dst_nonexistent",
                 _fmt("{c} {v} does not exist in {z} (spring DST gap): shifted forward by "
                      "the gap", c=column, v=values, z=zone))
    if res.ambiguous.any():
        counts["dst_ambiguous"] += int(res.ambiguous.sum())
        log.flag(res.ambiguous, "dst_ambiguous",
                 _fmt("{c} {v} occurs twice in {z} (autumn DST): first occurrence (summer "
                      "time) taken", c=column, v=values, z=zone))
    return res.utc


def _time_bounds(utc, column, network, exported_at, opts: _Options, log: _Log) -> None:
    launch = NETWORK_LAUNCH.get(network)
    if launch is not None:
        early = (utc < launch).fillna(False)
        log.problem(early, "before_network_launch", column, utc,
                    f"{column} is before {network} existed (launched {launch.date()}): "
                    "not a real date")
    if exported_at is not None:
        late = (utc > exported_at + opts.future_tolerance).fillna(False)
        log.problem(late, "after_export", column, utc,
                    f"{column} is after the export date ({exported_at.isoformat()})")


def _negative(frame, columns, log: _Log) -> None:
    for col in columns:
        low = frame[col].min()
        if pd.isna(low) or low >= 0:  # no negative count: no mask to build
            continue
        neg = (frame[col] < 0).fillna(False)
        log.problem(neg, "negative_count", col, frame[col], f"{col} is negative")


def _integer_columns(rows, columns, n, log: _Log) -> dict[str, pd.Series]:
    out = {}
    for col in columns:
        values, bad = _counts(rows.get(col), n)
        if bad.any():
            log.problem(bad, "not_a_count", col, rows[col], f"{col} is not a whole number")
        out[col] = values.reset_index(drop=True)
    return out


# ---------------------------------------------------------------------------
# Posts
# ---------------------------------------------------------------------------


_LINK_HOST = re.compile(r"^(?:https?://)?(?:www\.|m\.|mobile\.|web\.)?([^/?#]+)", re.IGNORECASE)


def _normalize_links(links: pd.Series) -> pd.Series:
    """Permalinks compared loosely: no scheme/www, host lower-cased, no trailing / or :0."""
    out = links.astype("str").str.strip()
    out = out.str.replace(_LINK_HOST, lambda m: m.group(1).lower(), regex=True)
    return out.str.replace(r"(?::0)?/*$", "", regex=True)


_DAMAGED_PATTERN = f"(?:{_ids.MANGLED_PATTERN})|(?:{_ids.LOST_PATTERN})"


def _damaged(raw: pd.Series) -> np.ndarray:
    """IDs that need re-keying: missing, in scientific notation or zero-padded.

    The pattern is run only on the IDs that could match it: those with an
    ``e``/``E`` (scientific notation) or ending in ``0`` (zero-padded), found
    from their bytes (a million sound IDs: no regex at all for most of them).
    """
    text = raw.reset_index(drop=True).astype("str")
    out = np.zeros(len(text), dtype=bool)
    maybe = _e_or_trailing_zero(pa.array(text.array))
    if maybe.any():
        out[maybe] = _ids.matches(text[maybe], _DAMAGED_PATTERN)
    return out | raw.isna().to_numpy()


def _e_or_trailing_zero(cells) -> np.ndarray:
    """Cells of Arrow strings holding an ``e`` or ``E`` byte, or whose last byte is ``0``."""
    out = []
    for chunk in cells.chunks if isinstance(cells, pa.ChunkedArray) else [cells]:
        offsets, data = _sniff._bytes_of(chunk)
        hit = np.zeros(len(chunk), dtype=bool)
        full = np.flatnonzero(offsets[1:] > offsets[:-1])
        hit[full] = data[offsets[1:][full] - 1] == ord("0")
        part = data[offsets[0]:offsets[-1]]
        letters = np.flatnonzero((part == ord("e")) | (part == ord("E"))) + offsets[0]
        hit[np.searchsorted(offsets, letters, side="right") - 1] = True
        out.append(hit)
    return np.concatenate(out) if out else np.zeros(0, dtype=bool)


def _known_ids(exports: list[RawExport], networks: list[str]) -> dict:
    """(network, normalised permalink) → sound post ID, over every posts export.

    Used to re-key a destroyed ID from another export of the same post. A
    permalink seen with two different IDs is left out (ambiguous).
    """
    frames = []
    for export, network in zip(exports, networks, strict=True):
        rows = getattr(export, "rows", None)
        if getattr(export, "table", None) != "posts" or not isinstance(rows, pd.DataFrame) \
                or "post_id" not in rows or "permalink" not in rows:
            continue
        raw = _post_ids_as_text(rows["post_id"], len(rows))
        links = _text(rows["permalink"].reset_index(drop=True), len(rows), strip=True)
        sound = ~_damaged(raw) & links.notna().to_numpy()
        if sound.any():
            frames.append(pd.DataFrame({"network": network,
                                        "link": _normalize_links(links[sound]),
                                        "post_id": raw[sound]}))
    if not frames:
        return {}
    pairs = pd.concat(frames, ignore_index=True).drop_duplicates()
    pairs = pairs[~pairs.duplicated(["network", "link"], keep=False)]
    return dict(zip(zip(pairs["network"], pairs["link"], strict=True), pairs["post_id"],
                    strict=True))


def _facebook_prefix(rows, raw, need, permalink, positions) -> pd.Series:
    """Page ID to put before re-keyed bare Facebook post IDs (``<page>_<post>``), per row.

    Only when the export's sound IDs have that shape, or it has none: from the
    sound IDs' single page ID, else the row's ``account_id``, else the page
    segment of the permalink (``facebook.com/<page id>/posts/...``, ``&id=``),
    else — for links without a page, such as ``facebook.com/reel/<id>`` — the
    single page ID that the other permalinks of the export agree on (an
    export covers one page; two pages in the links leave the row bare).
    """
    sound = raw[~need]
    none = pd.Series(pd.NA, index=positions, dtype="str")
    if len(sound) and not sound.str.fullmatch(r"\d+_\d+").fillna(False).all():
        return none
    prefix = _ids.page_prefix(sound)
    if prefix is not None:
        return pd.Series(prefix, index=positions, dtype="str")
    out = none
    if "account_id" in rows.columns:
        acc = _post_ids_as_text(rows["account_id"], len(rows)).iloc[positions]
        out = acc.where(acc.str.fullmatch(r"\d+").fillna(False).astype(bool))
    page = _facebook_link_pages(permalink)
    out = out.fillna(page.iloc[positions])
    if out.isna().any():
        pages = page.dropna().unique()
        if len(pages) == 1:
            out = out.fillna(pages[0])
    return out.astype("str")


def _facebook_link_pages(permalink: pd.Series) -> pd.Series:
    """Numeric page ID in each Facebook permalink (``/<page id>/posts/``, ``&id=``), or NA."""
    page = permalink.str.extract(r"facebook\.com/(\d+)/(?:posts|videos|photos|reels?)/",
                                 expand=False)
    return page.fillna(permalink.str.extract(r"[?&]id=(\d+)", expand=False))


def _post_ids(rows, issues, network, n, log: _Log, counts: Counter,
              known: dict, cached=None) -> tuple[pd.Series, set]:
    """Post IDs as strings, re-keyed where Excel destroyed them; consumed issue indices.

    A destroyed or missing ID is taken, in order, from another export of the
    same post (same permalink, sound ID), from the permalink itself, or the
    row is quarantined.
    """
    raw, need = cached if cached is not None else (None, None)
    raw = _post_ids_as_text(rows.get("post_id"), n) if raw is None else raw.copy()
    consumed = set()
    # Readers may blank a mangled ID and report it as an issue: take the value back.
    if len(issues):
        need = None
        on_id = issues[(issues["column"] == "post_id") & issues["value"].notna()]
        values = on_id["value"].astype("str")
        damaged = values.str.match(_ids.MANGLED_PATTERN) | _ids.lost_precision(values)
        for idx, pos, value in zip(on_id.index[damaged], on_id["_pos"][damaged],
                                   values[damaged], strict=True):
            if pd.isna(raw.iat[pos]):
                raw.iat[pos] = value.strip()
            consumed.add(idx)
    need = _damaged(raw) if need is None else need
    ids = raw.copy()
    if not need.any():
        return ids, consumed
    permalink = _text(rows.get("permalink"), n, strip=True)
    mangled = _ids.is_mangled(raw).to_numpy()
    lost = _ids.lost_precision(raw).to_numpy()
    missing = raw.isna().to_numpy()
    positions = np.flatnonzero(need)
    links = permalink.iloc[positions]
    found = _ids.ids_from_permalinks(links, network)
    shortcode = pd.Series(False, index=positions)
    if network == "instagram":
        # A shortcode decodes to Instagram's internal media ID, which is not the
        # Graph/Business Suite ID: keep the decoded number only if it agrees with
        # what Excel kept, else the shortcode itself is the key.
        decoded = found.map(lambda c: _ids.instagram_shortcode_to_id(c) if pd.notna(c) else None)
        ok = [d is not None and pd.notna(r) and _ids.consistent(r, d)
              for r, d in zip(raw.iloc[positions], decoded, strict=True)]
        ok = pd.Series(ok, index=positions)
        found = found.where(~ok, decoded)
        shortcode = found.notna() & ~ok
    if network == "facebook":
        prefix = _facebook_prefix(rows, raw, need, permalink, positions)
        bare = found.str.fullmatch(r"\d+").fillna(False).astype(bool) & prefix.notna()
        found = found.where(~bare, prefix + "_" + found)
    if known:
        norm = _normalize_links(links)
        seen = pd.Series([known.get((network, k)) if pd.notna(k) else None for k in norm],
                         index=positions, dtype="str")
        shortcode = shortcode & seen.isna()
        found = seen.fillna(found)
    found = found.reindex(range(n))
    shortcode = shortcode.reindex(range(n), fill_value=False).to_numpy(dtype=bool)
    found_ok = found.notna().to_numpy()
    agree = np.zeros(n, dtype=bool)
    for pos in np.flatnonzero((mangled | lost) & found_ok):
        agree[pos] = _ids.consistent(raw.iat[pos], found.iat[pos])
    # Scientific notation: re-key, or quarantine when the permalink gives nothing.
    rekey = mangled & found_ok
    ids[rekey] = found[rekey]
    counts["ids_rekeyed"] += int(rekey.sum())
    log.flag(rekey & ~agree & ~shortcode, "rekeyed_id_mismatch",
             _fmt("post_id {r!r} re-keyed to {f!r} from the permalink, but the digits Excel "
                  "kept do not match", r=raw, f=found))
    log.flag((mangled | missing) & shortcode, "rekeyed_from_shortcode",
             _fmt("post_id {r!r} replaced by the permalink's shortcode {f!r} (the numeric ID "
                  "cannot be read from an Instagram URL)", r=raw, f=found))
    no_link = mangled & ~found_ok

    def why(positions):
        return [f"post_id {r!r} was mangled by Excel (scientific notation, digits lost) and "
                + ("the row has no permalink to recover it from" if pd.isna(p)
                   else f"no post ID could be read from the permalink {p!r}")
                for r, p in zip(raw.iloc[positions], permalink.iloc[positions], strict=True)]

    log.problem(no_link, "mangled_id", "post_id", raw, why)
    # 15 digits then zeros: re-key only when the permalink confirms the padding.
    lost_fix = lost & found_ok & agree & (found.to_numpy(dtype=object) != raw.to_numpy(dtype=object))
    ids[lost_fix] = found[lost_fix]
    counts["ids_rekeyed"] += int(lost_fix.sum())
    log.flag(lost & ~found_ok, "id_precision_suspect",
             _fmt("post_id {r!r}: digits after the 15th are zeros (Excel precision loss?) and "
                  "no permalink to check it", r=raw))
    # Missing ID: the permalink's, or quarantine.
    from_link = missing & found_ok
    ids[from_link] = found[from_link]
    counts["ids_rekeyed"] += int(from_link.sum())
    log.problem(missing & ~found_ok, "missing_id", "post_id", None,
                "post_id is missing and no post ID could be read from the permalink")
    return ids, consumed


def _post_ids_as_text(values, n) -> pd.Series:
    if values is None:
        return _const(None, n)
    return _ids.as_id_strings(values.reset_index(drop=True)).astype("str")


def _reactions(rows, likes: pd.Series, n, log: _Log, counts: Counter) -> pd.Series:
    """Likes = all reactions; flag totals that disagree with their parts."""
    total_name = "likes"
    for name in _REACTIONS_TOTAL:
        if name in rows.columns:
            total, _ = _counts(rows[name], n)
            total = total.reset_index(drop=True)
            likes = total.where(total.notna(), likes)
            total_name = name
            break
    parts = [c for c in rows.columns if _REACTION_PART.match(str(c))]
    if not parts:
        return likes
    values = pd.DataFrame({c: _counts(rows[c], n)[0].reset_index(drop=True) for c in parts})
    complete = values.notna().all(axis=1)
    summed = values.sum(axis=1, min_count=1).astype("Int64")
    both = complete & likes.notna()
    mismatch = (both & (likes != summed)).fillna(False).astype(bool)
    if mismatch.any():
        counts["reaction_mismatches"] += int(mismatch.sum())
        log.flag(mismatch, "reaction_total_mismatch",
                 _fmt("{name}={t} but the {k} reaction columns ({names}) sum to {s}",
                      name=total_name, t=likes, k=len(parts), names=", ".join(parts), s=summed))
    fill = likes.isna() & complete
    return likes.where(~fill, summed)


def _metric_era(rows, export: RawExport, metrics, plays, n) -> pd.Series:
    era = _const(None, n)
    if "metric_era" in rows.columns:
        era = _text(rows["metric_era"], n, strip=True).reset_index(drop=True)
    if export.metric_era:
        # the export's era fills the gaps (all rows when the rows do not say)
        era = era.fillna(str(export.metric_era)) if "metric_era" in rows.columns \
            else _const(str(export.metric_era), n)
    if era.isna().any():
        inferred = pd.Series(pd.NA, index=range(n), dtype="str")
        for name, values in (("views", metrics["views"]), ("plays", plays),
                             ("impressions", metrics["impressions"])):
            if values is not None:
                inferred = inferred.mask(values.notna(), name)
        era = era.fillna(inferred)
    return era


def _clean_posts(rows, export, network, zone, exported_at, issues, opts, log, counts):
    n = len(rows)
    out = {}
    ids, consumed = _post_ids(rows, issues, network, n, log, counts, opts.known,
                              opts.ids.get(id(export)))
    out["post_id"] = ids
    out["published_at"] = _times(rows, "published_at", zone, n, log, counts, required=True)
    _time_bounds(out["published_at"], "published_at", network, exported_at, opts, log)
    permalink = _text(rows.get("permalink"), n, strip=True)
    labels = rows["media_type"].reset_index(drop=True) if "media_type" in rows else None
    media, unknown, unreported = map_media_types(labels, network, permalink, index=range(n))
    out["media_type"] = media
    counts["media_type_unknown"] += int(unknown.sum())
    counts["media_type_unreported"] += int(unreported.sum())
    if unknown.any():
        log.flag(unknown, "unknown_media_type",
                 _fmt("media type label {v!r} is not known; typed 'other'", v=labels))
    for col in ("topic", "label", "text"):
        out[col] = _text(rows.get(col), n)
    out["permalink"] = permalink
    out["is_paid"] = _booleans(rows.get("is_paid"), n, log)
    metrics = _integer_columns(rows, METRICS, n, log)
    plays = None
    for name in _PLAYS:
        if name in rows.columns:
            plays = _counts(rows[name], n)[0].reset_index(drop=True)
            metrics["views"] = metrics["views"].where(metrics["views"].notna(), plays)
            break
    metrics["likes"] = _reactions(rows, metrics["likes"], n, log, counts)
    frame = pd.DataFrame(metrics, copy=False)  # read only: no copy of the counts
    _negative(frame, METRICS, log)
    both = frame["reach"].notna() & frame["impressions"].notna()
    if network in _META:
        impossible = (both & (frame["reach"] > frame["impressions"])).fillna(False)
        log.problem(impossible, "reach_exceeds_impressions", "reach", frame["reach"],
                    _fmt("reach {r} is larger than impressions {i} (impossible on Meta: reach "
                         "counts the unique people among the impressions)",
                         r=frame["reach"], i=frame["impressions"]))
    odd = (frame["likes"] > frame["impressions"]).fillna(False)
    log.flag(odd, "likes_exceed_impressions",
             _fmt("likes {a} > impressions {b}", a=frame["likes"], b=frame["impressions"]))
    odd = (frame["completions"] > frame["views"]).fillna(False)
    log.flag(odd, "completions_exceed_views",
             _fmt("completions {a} > views {b}", a=frame["completions"], b=frame["views"]))
    out.update(metrics)
    out["metric_era"] = _metric_era(rows, export, metrics, plays, n)
    out["exported_at"] = pd.Series(
        exported_at if exported_at is not None else pd.NaT, index=range(n),
        dtype="datetime64[us, UTC]",
    )
    return out, consumed


def _booleans(values, n, log: _Log) -> pd.Series:
    if values is None:
        return pd.Series(pd.NA, index=range(n), dtype="boolean")
    values = values.reset_index(drop=True)
    if pd.api.types.is_bool_dtype(values.dtype):
        return values.astype("boolean")
    mapped = _map_labels(values.where(values.notna()), _BOOLS)
    bad = values.notna() & mapped.isna()
    log.flag(bad, "not_a_boolean", _fmt("is_paid {v!r} is not yes/no; left missing", v=values))
    return mapped.astype("boolean")


# ---------------------------------------------------------------------------
# Followers, audience, conversations
# ---------------------------------------------------------------------------


def _clean_followers(rows, export, network, zone, exported_at, issues, opts, log, counts):
    n = len(rows)
    out = {"date": _times(rows, "date", zone, n, log, counts, required=True)}
    _time_bounds(out["date"], "date", network, exported_at, opts, log)
    cols = ("followers", "new_followers", "lost_followers")
    values = _integer_columns(rows, cols, n, log)
    _negative(pd.DataFrame(values, copy=False), cols, log)
    out.update(values)
    return out, set()


def _clean_audience(rows, export, network, zone, exported_at, issues, opts, log, counts):
    n = len(rows)
    out = {"date": _times(rows, "date", zone, n, log, counts, required=True)}
    _time_bounds(out["date"], "date", network, exported_at, opts, log)
    raw_dim = _text(rows.get("dimension"), n, strip=True)
    dimension = _map_labels(raw_dim, _DIMENSIONS)
    log.problem(raw_dim.isna(), "missing_value", "dimension", None, "dimension is missing")
    log.problem(raw_dim.notna() & dimension.isna(), "unknown_dimension", "dimension", raw_dim,
                "dimension is not one of age, gender, age_gender, country, city")
    out["dimension"] = dimension.astype("str")
    raw_bracket = _text(rows.get("bracket"), n, strip=True)
    bracket = raw_bracket.str.replace(r"\s*([-+])\s*", r"\1", regex=True)
    is_gender = (dimension == "gender").to_numpy()
    if is_gender.any():
        genders = _map_labels(bracket[is_gender], _GENDERS, keep_unknown=True)
        bracket = bracket.astype("object")
        bracket[is_gender] = genders.to_numpy()
        bracket = bracket.astype("str")
    log.problem(bracket.isna(), "missing_value", "bracket", None, "bracket is missing")
    out["bracket"] = bracket
    share_raw = rows.get("share")
    share = (pd.to_numeric(share_raw.reset_index(drop=True), errors="coerce").astype("Float64")
             if share_raw is not None else pd.Series(pd.NA, index=range(n), dtype="Float64"))
    log.problem(share.isna(), "missing_value", "share", share_raw, "share is missing")
    outside = ((share < 0) | (share > 1)).fillna(False)
    log.problem(outside, "share_out_of_range", "share", share,
                "share is outside [0, 1] (a percentage not divided by 100?)")
    out["share"] = share.astype("float64")
    return out, set()


def _pseudonymise(authors: pd.Series, salt: str) -> pd.Series:
    codes, uniques = pd.factorize(authors)
    hashed = [
        u if _HEX_AUTHOR.match(str(u)) else
        hashlib.sha256(f"{salt}\x00{u}".encode()).hexdigest()[:16]
        for u in uniques
    ]
    arr = np.array([*hashed, None], dtype=object)[codes]
    return pd.Series(arr, index=authors.index).astype("str")


def _clean_conversations(rows, export, network, zone, exported_at, issues, opts, log, counts):
    n = len(rows)
    out = {}
    conv = _post_ids_as_text(rows.get("conversation_id"), n)
    log.problem(conv.isna(), "missing_id", "conversation_id", None, "conversation_id is missing")
    out["conversation_id"] = conv
    raw_channel = _text(rows.get("channel"), n, strip=True)
    channel = _map_labels(raw_channel, _CHANNELS)
    log.problem(raw_channel.isna(), "missing_value", "channel", None, "channel is missing")
    log.problem(raw_channel.notna() & channel.isna(), "unknown_channel", "channel", raw_channel,
                "channel is not one of comment, message, mention, reply")
    out["channel"] = channel.astype("str")
    received = _times(rows, "received_at", zone, n, log, counts, required=True)
    replied = _times(rows, "replied_at", zone, n, log, counts, required=False)
    _time_bounds(received, "received_at", network, exported_at, opts, log)
    early = (replied < received).fillna(False)
    log.problem(early, "reply_before_receipt", "replied_at", replied,
                _fmt("replied_at {b} is earlier than received_at {a}", a=received, b=replied))
    out["received_at"], out["replied_at"] = received, replied
    author = _text(rows.get("author"), n, strip=True)
    log.problem(author.isna(), "missing_value", "author", None, "author is missing")
    out["author"] = _pseudonymise(author, opts.salt)
    post = _post_ids_as_text(rows.get("post_id"), n)
    mangled = _ids.is_mangled(post)
    if mangled.any():
        log.flag(mangled, "mangled_post_id",
                 _fmt("post_id {p!r} was mangled by Excel; link to the post dropped", p=post))
        post = post.where(~mangled)
    out["post_id"] = post
    return out, set()


def _clean_other(rows, export, network, zone, exported_at, issues, opts, log, counts):
    """A table the schema does not model (e.g. ``page_metrics``): timestamps to UTC, rest as is."""
    n = len(rows)
    out = {}
    for col in rows.columns:
        if col in ("source_row", "collectivite", "account", "network"):
            continue
        values = rows[col].reset_index(drop=True)
        if pd.api.types.is_datetime64_any_dtype(values.dtype) or col == "date":
            out[col] = _times(rows, col, zone, n, log, counts, required=col == "date")
            _time_bounds(out[col], col, network, exported_at, opts, log)
        else:
            out[col] = values
    return out, set()


_CLEANERS = {
    "posts": _clean_posts,
    "followers": _clean_followers,
    "audience": _clean_audience,
    "conversations": _clean_conversations,
}


# ---------------------------------------------------------------------------
# One export
# ---------------------------------------------------------------------------


@dataclass
class _Part:
    index: int
    export: RawExport
    table: str
    frame: pd.DataFrame  # candidate rows (not quarantined), with _export/_pos
    quarantine: pd.DataFrame  # one row per quarantined input row
    flags: pd.DataFrame
    counts: Counter
    rows_read: int
    entity_source: str
    network: str
    rank: tuple = field(default_factory=tuple)
    warnings: list = field(default_factory=list)


_NO_ISSUES = pd.DataFrame({c: pd.Series(dtype="object")
                           for c in ("_pos", "source_row", "column", "value", "reason")})


def _issues_of(export: RawExport, rows: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Issues joined to row positions, and issues on lines that are not in ``rows``."""
    issues = export.issues
    cols = ["source_row", "column", "value", "reason"]
    if issues is None or not len(issues):
        return _NO_ISSUES, _NO_ISSUES[cols]
    missing = [c for c in cols if c not in issues.columns]
    if missing:
        raise CleaningError(f"{export.path}: RawExport.issues lacks column(s) {missing}")
    issues = issues[cols].reset_index(drop=True)
    issues["source_row"] = pd.to_numeric(issues["source_row"], errors="coerce")
    lines = pd.DataFrame({"source_row": rows["source_row"].to_numpy(dtype="float64"),
                          "_pos": np.arange(len(rows))})
    joined = issues.reset_index().merge(lines, on="source_row", how="left").set_index("index")
    on_rows = joined[joined["_pos"].notna()].astype({"_pos": "int64"})
    skipped = set()
    if export.skipped_rows is not None and len(export.skipped_rows):
        skipped = set(pd.to_numeric(export.skipped_rows["source_row"], errors="coerce"))
    orphans = joined[joined["_pos"].isna() & joined["source_row"].notna()
                     & ~joined["source_row"].isin(skipped)]
    return on_rows, orphans[cols]


def _clean_export(index: int, export: RawExport, opts: _Options) -> _Part:
    if not isinstance(export, RawExport):
        raise CleaningError(
            f"item {index} of exports is a {type(export).__name__}, not a RawExport or a path"
        )
    table = export.table
    if table not in _CLEANERS and (table in TABLES or not isinstance(table, str)
                                   or not re.fullmatch(r"[a-z][a-z0-9_]*", table)):
        raise CleaningError(
            f"{export.path}: RawExport.table is {table!r}; expected one of "
            f"{', '.join(_CLEANERS)} (or the name of another table, e.g. 'page_metrics')"
        )
    rows = export.rows
    if not isinstance(rows, pd.DataFrame):
        raise CleaningError(f"{export.path}: RawExport.rows is not a DataFrame")
    if "source_row" not in rows.columns:
        raise CleaningError(
            f"{export.path}: RawExport.rows has no 'source_row' column (the 1-based line of "
            "each row is part of the reader contract)"
        )
    rows = rows.reset_index(drop=True)
    n = len(rows)
    network, warning = _resolve_network(export, opts.root)
    warnings = [warning] if warning else []
    zone = _export_zone(export, opts)
    exported_at = _exported_at(export)
    log, counts = _Log(), Counter()
    issues, orphans = _issues_of(export, rows)
    try:
        values, consumed = _CLEANERS.get(table, _clean_other)(
            rows, export, network, zone, exported_at, issues, opts, log, counts
        )
    except CleaningError as exc:
        raise CleaningError(f"{export.path}: {exc}") from None
    if len(issues):
        todo = issues[~issues.index.isin(list(consumed))]
        for column, group in todo.groupby("column", sort=False, dropna=False):
            pos = group["_pos"].to_numpy(dtype="int64")
            log.problem(pos, "unparseable", column,
                        lambda p, g=group: g["value"].to_numpy(dtype=object),
                        lambda p, g=group: g["reason"].astype("str").tolist())
    coll, acct, own_name, entity_source = _assign_entity(rows, export, network, opts, n)
    log.problem(coll.isna(), "no_collectivite", "collectivite", None,
                "no collectivité for this row: the export does not name it, no collectivite= "
                "argument was given, and the path does not follow <collectivite>/<network>/<file>")
    log.problem(coll.notna() & acct.isna(), "no_account", "account", None,
                "no account for this row: the export does not name it, no account= argument "
                "was given, and the path does not follow <collectivite>/<network>/<account>/<file>")
    columns = {"collectivite": coll, "account": acct,
               "network": _network_column(network, n), **values}
    if opts.extra_columns and own_name.notna().any() and not own_name.equals(acct):
        columns["account_name"] = own_name  # the platform's own page/account name
    columns["source_format"] = _const(export.layout, n)
    columns["source_file"] = _const(str(export.path), n)
    columns["source_row"] = pd.to_numeric(rows["source_row"], errors="coerce").astype("Int64")
    columns["_export"] = np.full(n, index, dtype="int64")
    columns["_pos"] = np.arange(n)
    if opts.extra_columns:
        skip = set(_schema_columns(table)) | set(columns) | {"media_type", "metric_era"}
        for name, values_ in rows.items():
            if name not in skip:
                columns[name] = values_
    # one frame from arrays: no index alignment, no column-by-column insertion
    frame = pd.DataFrame({k: v.array if isinstance(v, pd.Series) else v
                          for k, v in columns.items()}, copy=False)

    problems = log.problem_frame()
    quarantine = _quarantine_rows(problems, frame, table) if len(problems) else _NO_ROWS
    n_orphans = 0
    if len(orphans):
        orphan_q = pd.DataFrame({
            "table": table, "source_file": str(export.path),
            "source_row": orphans["source_row"].astype("Int64"), "column": orphans["column"],
            "value": orphans["value"].map(_show),
            "rule": "unparseable",
            "reason": orphans["reason"].astype("str") + " (the reader could not build this row)",
        }).drop_duplicates("source_row")
        n_orphans = len(orphan_q)
        quarantine = pd.concat([quarantine, orphan_q], ignore_index=True)
    keep = np.ones(n, dtype=bool)
    if len(problems):
        keep[problems["_pos"].unique().astype("int64")] = False
    flags = log.flag_frame()
    if len(flags):
        flags = flags.assign(_export=index, table=table, source_file=str(export.path))
        flags["source_row"] = frame["source_row"].to_numpy()[flags["_pos"].to_numpy("int64")]
    kept = frame if keep.all() else _rows_where(frame, keep)
    main = _MAIN_TIME.get(table, "date")
    dates = kept[main] if main in kept.columns else pd.Series(dtype="datetime64[us, UTC]")
    latest = dates.max() if len(dates) and isinstance(dates.dtype, pd.DatetimeTZDtype) else pd.NaT
    effective = exported_at if exported_at is not None else latest
    rank = (_ns(effective), _ns(latest), index)
    return _Part(index, export, table, kept, quarantine, flags, counts,
                 n + n_orphans, entity_source, network, rank, warnings)


def _ns(ts) -> int:
    return np.iinfo("int64").min if ts is None or pd.isna(ts) else int(pd.Timestamp(ts).value)


_MAX_RUNS = 1000  # kept stretches beyond which Arrow columns are filtered, not sliced


def _rows_where(frame: pd.DataFrame, mask) -> pd.DataFrame:
    """``frame[mask]`` for a boolean mask: same columns, dtypes and index labels.

    Column by column: pandas would ``take`` each column, and Arrow's take first
    joins a column's chunks (a copy of every string column of a million-row
    export to drop three rows). Arrow columns keep the stretches of kept rows as
    zero-copy slices (a boolean filter when there are many), others are indexed.
    """
    mask = np.asarray(mask, dtype=bool)
    edges = np.flatnonzero(np.diff(np.concatenate(([0], mask.view(np.int8), [0]))))
    runs = list(zip(edges[0::2].tolist(), edges[1::2].tolist(), strict=True))
    out = {}
    for name, col in frame.items():
        arr = col.array
        if isinstance(arr, pd.arrays.ArrowStringArray):
            cells = pa.array(arr)  # the Arrow data (no copy)
            if not isinstance(cells, pa.ChunkedArray):
                cells = pa.chunked_array([cells])
            kept = pa.chunked_array(
                [c for a, b in runs for c in cells.slice(a, b - a).chunks] or [],
                type=cells.type) if len(runs) <= _MAX_RUNS else cells.filter(pa.array(mask))
            out[name] = pd.array(kept, dtype=col.dtype)
        else:
            out[name] = arr[mask]
    return pd.DataFrame(out, index=frame.index[mask], copy=False)


def _at(column: pd.Series, positions: np.ndarray) -> np.ndarray:
    """``column.to_numpy()[positions]`` for increasing positions, filtering first (no
    conversion of the whole column to Python objects)."""
    mask = np.zeros(len(column), dtype=bool)
    mask[positions] = True
    return column[mask].to_numpy()


def _quarantine_rows(problems: pd.DataFrame, frame: pd.DataFrame, table: str) -> pd.DataFrame:
    if not len(problems):
        return pd.DataFrame(columns=QUARANTINE_COLUMNS)
    problems = problems.sort_values(["_pos", "_order"], kind="stable")
    reasons = problems.groupby("_pos", sort=True)["reason"].agg(
        lambda r: "; ".join(dict.fromkeys(str(x) for x in r))
    )
    first = problems.drop_duplicates("_pos").set_index("_pos").loc[reasons.index]
    positions = reasons.index.to_numpy(dtype="int64")
    return pd.DataFrame({
        "table": table,
        "source_file": _at(frame["source_file"], positions) if len(frame) else [],
        "source_row": _at(frame["source_row"], positions),
        "column": first["column"].to_numpy(),
        "value": first["value"].to_numpy(),
        "rule": first["rule"].to_numpy(),
        "reason": reasons.to_numpy(),
    })


# ---------------------------------------------------------------------------
# Across exports: de-duplication
# ---------------------------------------------------------------------------


@functools.cache
def _schema_columns(table: str) -> tuple[str, ...]:
    """Columns of a canonical table (empty for tables the schema does not model)."""
    return tuple(TABLES[table].to_schema().columns) if table in _CLEANERS else ()


def _dedupe(frame: pd.DataFrame, table: str, ranks: dict[int, tuple]):
    """Merge rows sharing a key: the latest export's row, its gaps filled by older ones.

    Returns the kept rows and, for each row merged away, ``_export, _pos,
    kind`` (``"exact"``, ``"conflicting"`` or ``"complementary"``) and a detail;
    None instead of that frame when the table's ID column has no repeated value
    at all (then no ID is shared across networks either).
    """
    key = _KEYS.get(table)
    empty = pd.DataFrame(columns=["_export", "_pos", "kind", "detail"])
    if not len(frame) or key is None or any(k not in frame.columns for k in key):
        return frame, empty
    id_col = _ID_COLUMNS.get(table)
    if id_col is not None and _unique(frame[id_col]):  # fast path: no duplicate at all
        return frame, None
    dup = frame.duplicated(key, keep=False)
    if not dup.any():
        return frame, empty
    sub = _rows_where(frame, dup.to_numpy())
    rank = sub["_export"].map(ranks)
    sub["_r0"] = rank.map(lambda r: r[0])
    sub["_r1"] = rank.map(lambda r: r[1])
    sub["_gid"] = sub.groupby(key, sort=False, dropna=False, observed=True).ngroup()
    sub = sub.sort_values(["_gid", "_r0", "_r1", "_export", "_pos"], kind="stable")
    last = ~sub.duplicated("_gid", keep="last")
    winners = sub[last].set_index("_gid")
    losers = sub[~last]
    schema_cols = list(_schema_columns(table)) or [
        c for c in frame.columns if not c.startswith(("_", "extra:"))]
    content = [c for c in schema_cols
               if c not in _PROVENANCE and c != "exported_at" and c in frame.columns
               and c not in key]
    ref = winners.loc[losers["_gid"].to_numpy()]
    exact, conflicting, differing = _compare(losers, ref, content)
    kinds = np.where(exact, "exact", np.where(conflicting, "conflicting", "complementary"))
    where = [f"{f} line {r}" for f, r in zip(ref["source_file"], ref["source_row"], strict=True)]
    ident = [", ".join(f"{k}={v}" for k, v in zip(key, vals, strict=True))
             for vals in losers[key].astype("object").itertuples(index=False)]
    detail = [
        f"exact duplicate of {w} ({i})" if k == "exact" else
        f"{i} also in {w} (latest export kept); values differ in: {', '.join(d)}"
        if k == "conflicting" else
        f"{i} also in {w} (latest export kept); its values fill that row's gaps: {', '.join(d)}"
        for w, i, k, d in zip(where, ident, kinds, differing, strict=True)
    ]
    dropped = pd.DataFrame({"_export": losers["_export"].to_numpy(),
                            "_pos": losers["_pos"].to_numpy(), "kind": kinds,
                            "detail": detail})
    # Latest first, then the first non-missing value of every column per key.
    merged = sub.iloc[::-1].groupby("_gid", sort=False).first()
    slots = pd.Series(sub.index[last.to_numpy()], index=winners.index)  # gid → row label
    merged.index = slots.reindex(merged.index).to_numpy()
    # rows stay where the kept row was read (a mask: frame.drop would take every column)
    kept = _rows_where(frame, ~frame.index.isin(losers.index))
    at = kept.index.get_indexer(merged.index)  # the kept rows of the merged keys
    for col in frame.columns:  # fill the kept rows' gaps that an older row fills
        if col in key or col not in merged.columns:
            continue
        if (kept[col].isna().to_numpy()[at] & merged[col].notna().to_numpy()).any():
            kept.loc[merged.index, col] = merged[col].astype(frame[col].dtype)
    return kept, dropped


def _compare(a: pd.DataFrame, b: pd.DataFrame, columns):
    """Row pairs: exact (all equal, NA = NA), conflicting (two present values differ),
    and per pair the columns that differ."""
    n = len(a)
    exact = np.ones(n, dtype=bool)
    conflicting = np.zeros(n, dtype=bool)
    differing = [[] for _ in range(n)]
    for col in columns:
        x = a[col].reset_index(drop=True)
        y = b[col].reset_index(drop=True)
        both = (x.notna() & y.notna()).to_numpy()
        equal = (x.astype("object") == y.astype("object")).fillna(False).to_numpy(dtype=bool)
        same = (equal & both) | (x.isna() & y.isna()).to_numpy()
        exact &= same
        conflicting |= both & ~equal
        for i in np.flatnonzero(~same):
            differing[i].append(col)
    return exact, conflicting, differing


def _stack(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Concatenate frames whose columns differ (layouts keep different extras), fast.

    Frames with the same columns are stacked first; pandas then aligns only a
    few blocks instead of hundreds of small frames on the union of columns.
    """
    if not frames:
        return pd.DataFrame()
    if len(frames) == 1:
        return frames[0].reset_index(drop=True)
    groups: dict[tuple, list[pd.DataFrame]] = {}
    for f in frames:
        groups.setdefault(tuple(f.columns), []).append(f)
    blocks = [g[0] if len(g) == 1 else pd.concat(g, ignore_index=True) for g in groups.values()]
    if len(blocks) == 1:
        return blocks[0].reset_index(drop=True)
    out = pd.concat(blocks, ignore_index=True)
    order = np.lexsort((out["_pos"].to_numpy(), out["_export"].to_numpy()))  # input order back
    return out.take(order).reset_index(drop=True)


def _unique(values: pd.Series) -> bool:
    """True when a text column certainly has no repeated value (False: it may have).

    A 64-bit hash of every cell: distinct hashes prove distinct values (cheap
    for IDs: no hash table holding a copy of every string); a repeated hash
    answers False (the caller's exact search then finds the repeats, or none on
    a clash). Long texts: one exact Arrow hash pass.
    """
    text = values.astype("str")
    cells = pa.array(text.array)
    hashes = _short_text_hashes(cells)
    if hashes is not None:
        return not pd.Series(hashes, copy=False).duplicated().any()
    return len(pc.unique(cells)) == len(text)


_HASH_MAX_BYTES = 64  # longer cells: the exact hash pass only


def _short_text_hashes(cells) -> np.ndarray | None:
    """A uint64 hash of each cell of Arrow strings (nulls all alike); None for long cells.

    Each cell's bytes are zero-padded to 8-byte words and folded with the
    cell's length into one word (multiply-xorshift): equal cells have equal
    hashes, so distinct hashes mean distinct cells.
    """
    chunks = cells.chunks if isinstance(cells, pa.ChunkedArray) else [cells]
    # one width for all chunks: equal cells must be padded alike to hash alike
    width = max((int(np.diff(_sniff._bytes_of(c)[0]).max(initial=0)) for c in chunks), default=0)
    if width > _HASH_MAX_BYTES:
        return None
    out = []
    for chunk in chunks:
        offsets, data = _sniff._bytes_of(chunk)
        lengths = np.diff(offsets)
        padded = np.zeros((len(chunk), 8 * -(-width // 8)), dtype=np.uint8)
        if width and (lengths == width).all():  # fixed width (IDs): one reshape
            padded[:, :width] = data[offsets[0]:offsets[-1]].reshape(-1, width)
        elif width:
            cols = np.arange(width)
            inside = cols < lengths[:, None]
            padded[:, :width][inside] = data[(offsets[:-1, None] + cols)[inside]]
        h = lengths.astype(np.uint64)
        for word in padded.view(np.uint64).T:
            h = h * np.uint64(0x9E37_79B9_7F4A_7C15) + word
            h ^= h >> np.uint64(29)
        if chunk.null_count:
            h[~np.asarray(chunk.is_valid())] = np.uint64(0xFFFF_FFFF_FFFF_FFFF)
        out.append(h)
    return np.concatenate(out) if out else np.zeros(0, dtype=np.uint64)


def _collisions(frame: pd.DataFrame, table: str) -> pd.Series:
    """Rows whose ID is used by another network (the schema needs unique IDs)."""
    id_col = "post_id" if table == "posts" else "conversation_id"
    if table not in ("posts", "conversations") or not len(frame) \
            or frame["network"].nunique(dropna=False) < 2:  # one network: keys are IDs
        return pd.Series(False, index=frame.index)
    return frame.duplicated(id_col, keep=False)


# ---------------------------------------------------------------------------
# Entry point
# ---------------------------------------------------------------------------


def _read(source, timezone: str, errors: str) -> tuple[list[RawExport], list[tuple]]:
    """Read a folder or a file; with ``errors="collect"``, unreadable files are listed."""
    from . import readers

    path = Path(source)
    if path.is_dir():
        result = readers.read_exports(path, timezone=timezone, errors=errors)
        return list(result), [(f.path, str(f.error)) for f in getattr(result, "failures", ())]
    try:
        result = readers.read_export(path, timezone=timezone)
    except EngagementError as exc:
        if errors == "raise":
            raise
        return [], [(str(path), str(exc))]
    return ([result] if isinstance(result, RawExport) else list(result)), []


def _gather(exports, timezone: str, errors: str):
    """(RawExports, root folder or None, unreadable files) from what the caller gave."""
    if isinstance(exports, RawExport):
        return [exports], None, []
    if isinstance(exports, str | os.PathLike):
        path = Path(exports)
        if not path.exists():
            raise CleaningError(f"{path}: no such file or folder")
        items, failures = _read(path, timezone, errors)
        return items, (path if path.is_dir() else None), failures
    if not isinstance(exports, Iterable):
        raise CleaningError(
            f"exports must be a RawExport, a list of them, or a file/folder path; got "
            f"{type(exports).__name__}"
        )
    failures = [(f.path, str(f.error)) for f in getattr(exports, "failures", ())]  # ReadResult
    out = []
    for item in exports:
        if isinstance(item, str | os.PathLike):
            items, failed = _read(item, timezone, errors)
            out.extend(items)
            failures.extend(failed)
        else:
            out.append(item)
    return out, None, failures


def _finish_other(frame: pd.DataFrame, extra_columns: bool) -> pd.DataFrame:
    columns = [c for c in frame.columns if not c.startswith("_")
               and (extra_columns or not c.startswith("extra:"))]
    return frame[columns].reset_index(drop=True)


@functools.cache
def _empty(table: str) -> pd.DataFrame:
    """:func:`schema.empty`, built once per table (callers get copies)."""
    from .schema import empty

    return empty(table)


def _finish(table: str, frame: pd.DataFrame, extra_columns: bool) -> pd.DataFrame:
    columns = list(_schema_columns(table))
    if not len(frame):
        return _empty(table).copy()
    ordered = [c for c in columns if c in frame.columns]
    extras = [c for c in frame.columns if c not in columns and c not in _INTERNAL
              and not c.startswith("_")] if extra_columns else []
    out = frame[ordered + extras].reset_index(drop=True)
    return validate(out, table, inplace=True)  # ``out`` is ours: no second copy


def clean(
    exports,
    *,
    collectivite: str | None = None,
    account: str | None = None,
    timezone: str = "Europe/Paris",
    author_salt: str | None = None,
    extra_columns: bool = True,
    future_tolerance: str | pd.Timedelta = "2D",
    errors: str = "raise",
) -> CleanData:
    """Clean raw exports into the canonical tables; quarantine what cannot be kept.

    Parameters
    ----------
    exports : RawExport, list of RawExport, or str / pathlib.Path
        What the readers produced, or a folder (read with
        :func:`engagement_lib.readers.read_exports`) or a file (read with
        :func:`engagement_lib.readers.read_export`). Lists may mix exports
        and paths.
    collectivite, account : str, optional
        Who the rows belong to; they win over the folder structure, which wins
        over the page/account name found in the export (see the module
        docstring).
    timezone : str, default "Europe/Paris"
        IANA zone of naive local timestamps: passed to the readers when
        ``exports`` is a path, and used for exports whose ``timezone`` is
        ``"local"`` or empty.
    author_salt : str, optional
        Secret salt of the author pseudonyms in ``conversations`` (SHA-256,
        16 hex digits). Default: a random salt, so pseudonyms are stable
        within one call only; pass your own to link runs. Authors already
        given as hex digests are kept.
    extra_columns : bool, default True
        Keep the readers' unmapped columns (``extra:<header>``) after the
        canonical ones.
    future_tolerance : str or pandas.Timedelta, default "2D"
        How far after the export date a date may fall before the row is
        quarantined as impossible.
    errors : {"raise", "collect"}, default "raise"
        For paths: stop at the first file the readers cannot read, or read on
        and list such files in ``report.unreadable`` (and in the summary).
        A :class:`~engagement_lib.readers.ReadResult` passed as ``exports``
        brings its own ``failures`` along.

    Returns
    -------
    CleanData
        ``posts``, ``followers``, ``audience``, ``conversations`` (validated),
        ``quarantine``, ``flags``, ``report`` (whose :meth:`~CleaningReport.check`
        has passed) and ``other`` (tables the schema does not model).

    Raises
    ------
    CleaningError
        A malformed RawExport (unknown table or network, no ``source_row``),
        a bad argument, or a report that does not add up.
    ExportFormatError
        From the readers, when a path is given and a file cannot be read.

    Examples
    --------
    >>> import pandas as pd
    >>> from engagement_lib.readers import RawExport
    >>> rows = pd.DataFrame({
    ...     "source_row": [2, 3, 4],
    ...     "post_id": ["10", "1.22158E+17", "12"],
    ...     "published_at": pd.to_datetime(["2019-03-31 02:30", "2019-01-02 10:00",
    ...                                     "2019-01-03 10:00"]),
    ...     "media_type": ["Photos", "Vidéos", "Lien"],
    ...     "permalink": [None, "https://www.facebook.com/p/posts/122158123456789012", None],
    ...     "likes": pd.array([3, 5, -1], dtype="Int64"),
    ... })
    >>> raw = RawExport(path="toulouse/facebook/ville_toulouse/posts.csv", layout="demo",
    ...                 network="facebook", table="posts", rows=rows, timezone="Europe/Paris")
    >>> data = clean([raw])
    >>> data.posts[["account", "post_id", "media_type"]].to_numpy().tolist()
    [['ville_toulouse', '10', 'photo'], ['ville_toulouse', '122158123456789012', 'video']]
    >>> str(data.posts["published_at"].iloc[0])
    '2019-03-31 01:30:00+00:00'
    >>> data.quarantine[["source_row", "rule"]].to_numpy().tolist()
    [[4, 'negative_count']]
    """
    try:
        zone = check_zone(timezone)
    except ValueError as exc:
        raise CleaningError(str(exc)) from None
    try:
        tolerance = pd.Timedelta(future_tolerance)
    except (TypeError, ValueError):
        raise CleaningError(f"future_tolerance {future_tolerance!r} is not a duration") from None
    for name, value in (("collectivite", collectivite), ("account", account)):
        if value is not None and (not isinstance(value, str) or not value.strip()):
            raise CleaningError(f"{name}= must be a non-empty string, not {value!r}")
    if errors not in ("raise", "collect"):
        raise CleaningError(f"errors must be 'raise' or 'collect', not {errors!r}")
    items, root, failures = _gather(exports, zone, errors)
    opts = _Options(
        zone=zone, collectivite=collectivite, account=account, root=root,
        salt=author_salt if author_salt is not None else secrets.token_hex(16),
        extra_columns=extra_columns, future_tolerance=tolerance,
    )
    known, ids = {}, {}
    posts = [e for e in items if isinstance(e, RawExport) and e.table == "posts"
             and isinstance(e.rows, pd.DataFrame)]
    for e in posts:  # IDs as text and which need re-keying, once per export
        raw = _post_ids_as_text(e.rows.get("post_id"), len(e.rows))
        ids[id(e)] = (raw, _damaged(raw))
    networks = [_resolve_network(e, root)[0] for e in posts]
    damaged = {n for e, n in zip(posts, networks, strict=True) if ids[id(e)][1].any()}
    if damaged:  # the same post, sound elsewhere: only networks with a destroyed ID need it
        keep = [i for i, n in enumerate(networks) if n in damaged]
        known = _known_ids([posts[i] for i in keep], [networks[i] for i in keep])
    opts = dataclasses.replace(opts, known=known, ids=ids)
    parts = [_clean_export(i, e, opts) for i, e in enumerate(items)]
    ranks = {p.index: p.rank for p in parts}
    tables, quarantines, flags = {}, [p.quarantine for p in parts], [p.flags for p in parts]
    merged = []
    names = list(CLEAN_TABLES) + sorted({p.table for p in parts} - set(CLEAN_TABLES))
    for table in names:
        frames = [p.frame for p in parts if p.table == table]
        frames = [f for f in frames if len(f)] or frames[:1]
        frame = _stack(frames)
        frame, dropped = _dedupe(frame, table, ranks)
        if dropped is not None and len(dropped):
            merged.append(dropped.assign(table=table))
        clash = _collisions(frame, table) if dropped is not None else None
        if clash is not None and clash.any():
            id_col = "post_id" if table == "posts" else "conversation_id"
            bad = _rows_where(frame, clash.to_numpy())
            quarantines.append(pd.DataFrame({
                "table": table, "source_file": bad["source_file"].to_numpy(),
                "source_row": bad["source_row"].to_numpy(), "column": id_col,
                "value": bad[id_col].to_numpy(), "rule": "id_collision",
                "reason": [f"{id_col} {v!r} is used on several networks ({table} IDs must be "
                           "unique)" for v in bad[id_col]],
                "_export": bad["_export"].to_numpy(),
            }))
            frame = _rows_where(frame, ~clash.to_numpy())
        tables[table] = frame
    dropped_all = (pd.concat(merged, ignore_index=True) if merged
                   else pd.DataFrame(columns=["_export", "_pos", "kind", "detail", "table"]))
    # Flags: per-row ones plus one per merged duplicate.
    dup_flags = []
    for part in parts:
        d = dropped_all[dropped_all["_export"] == part.index]
        if not len(d):
            continue
        src = part.export.rows["source_row"].to_numpy()[d["_pos"].to_numpy(dtype="int64")]
        dup_flags.append(pd.DataFrame({
            "table": part.table, "source_file": str(part.export.path), "source_row": src,
            "flag": d["kind"].map(_DUP_FLAGS).to_numpy(),
            "detail": d["detail"].to_numpy(), "_export": part.index,
            "_pos": d["_pos"].to_numpy(),
        }))
    flag_frame = pd.concat([f for f in flags + dup_flags if len(f)], ignore_index=True) \
        if any(len(f) for f in flags + dup_flags) else pd.DataFrame(
            columns=[*FLAG_COLUMNS, "_export", "_pos"])
    if len(flag_frame):
        present = {p.index: np.zeros(len(p.export.rows), dtype=bool) for p in parts}
        for frame in tables.values():
            if len(frame):
                for e, pos in frame.groupby("_export", sort=False)["_pos"]:
                    present[int(e)][pos.to_numpy(dtype="int64")] = True
        flag_frame["in_output"] = [
            bool(present[int(e)][int(p)]) for e, p in
            zip(flag_frame["_export"], flag_frame["_pos"], strict=True)
        ]
    report = _report(parts, tables, dropped_all, quarantines, flag_frame)
    if failures:
        report = dataclasses.replace(report, unreadable=pd.DataFrame(
            failures, columns=["source_file", "error"]))
    quarantine = _concat(quarantines, QUARANTINE_COLUMNS)
    quarantine["source_row"] = pd.to_numeric(quarantine["source_row"]).astype("Int64")
    out_flags = flag_frame.reindex(columns=FLAG_COLUMNS).reset_index(drop=True)
    out_flags["source_row"] = pd.to_numeric(out_flags["source_row"]).astype("Int64")
    out_flags["in_output"] = out_flags["in_output"].astype("boolean")
    data = CleanData(
        **{t: _finish(t, tables[t], extra_columns) for t in CLEAN_TABLES},
        other={t: _finish_other(tables[t], extra_columns) for t in names
               if t not in CLEAN_TABLES},
        quarantine=quarantine.astype({c: "str" for c in QUARANTINE_COLUMNS
                                      if c != "source_row"}),
        flags=out_flags.astype({c: "str" for c in ("table", "source_file", "flag", "detail")}),
        report=report,
    )
    report.check()
    return data


def _concat(frames, columns) -> pd.DataFrame:
    frames = [f.reindex(columns=columns) for f in frames if len(f)]
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in columns})
    return pd.concat(frames, ignore_index=True)


def _report(parts, tables, dropped, quarantines, flags) -> CleaningReport:
    kept = Counter()
    for frame in tables.values():
        if len(frame):
            kept.update(frame["_export"].value_counts().to_dict())
    quarantined = Counter()
    for part in parts:
        quarantined[part.index] += len(part.quarantine)
    for q in quarantines:
        if "_export" in q.columns:
            quarantined.update(q["_export"].value_counts().to_dict())
    merged = (pd.crosstab(dropped["_export"], dropped["kind"]) if len(dropped)
              else pd.DataFrame())
    flagged = (flags[flags["in_output"].astype(bool)].drop_duplicates(["_export", "_pos"])
               ["_export"].value_counts().to_dict() if len(flags) else {})
    records, skipped, warnings = [], [], []
    for part in parts:
        e = part.export
        by_kind = {k: int(merged.at[part.index, k]) if part.index in merged.index
                   and k in merged.columns else 0
                   for k in ("exact", "conflicting", "complementary")}
        n_skipped = 0 if e.skipped_rows is None else len(e.skipped_rows)
        records.append({
            "source_file": str(e.path), "layout": e.layout, "network": part.network,
            "table": part.table, "entity_source": part.entity_source,
            "rows_read": part.rows_read, "rows_kept": int(kept.get(part.index, 0)),
            "duplicates_merged": sum(by_kind.values()), "exact_duplicates": by_kind["exact"],
            "conflicting_duplicates": by_kind["conflicting"],
            "complementary_duplicates": by_kind["complementary"],
            "rows_quarantined": int(quarantined.get(part.index, 0)),
            "summary_rows_skipped": n_skipped,
            **{k: int(part.counts.get(k, 0)) for k in (
                "ids_rekeyed", "dst_nonexistent", "dst_ambiguous", "media_type_unknown",
                "media_type_unreported", "reaction_mismatches")},
            "rows_flagged": int(flagged.get(part.index, 0)),
        })
        if n_skipped:
            s = e.skipped_rows
            skipped.append(pd.DataFrame({"source_file": str(e.path),
                                         "source_row": s["source_row"].to_numpy(),
                                         "reason": s["reason"].to_numpy()}))
        warnings.extend(f"{e.path}: {w}" for w in e.warnings)
        warnings.extend(part.warnings)
    files = pd.DataFrame.from_records(records, columns=_FILE_COLUMNS)
    files[_COUNT_COLUMNS] = files[_COUNT_COLUMNS].astype("int64")
    q = _concat(quarantines, QUARANTINE_COLUMNS)
    if len(q):
        reasons = (q.groupby(["table", "rule"], sort=True)
                   .agg(rows=("reason", "size"), example=("reason", "first")).reset_index())
    else:
        reasons = pd.DataFrame(columns=["table", "rule", "rows", "example"])
    if len(flags):
        flag_counts = (flags.groupby(["table", "flag"], sort=True).size()
                       .rename("rows").reset_index())
    else:
        flag_counts = pd.DataFrame(columns=["table", "flag", "rows"])
    return CleaningReport(
        files=files, reasons=reasons,
        skipped=_concat(skipped, ["source_file", "source_row", "reason"]),
        warnings=tuple(warnings), flag_counts=flag_counts,
    )

