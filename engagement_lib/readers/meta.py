"""Meta (Facebook, Instagram) export layouts.

Registered layouts (see ``/work/shared/reference/export_formats.md`` §1, §2, §7):

``facebook_insights_legacy`` / ``facebook_insights_legacy_xlsx``
    "Facebook Insights Data Export (Post Level)" (pre-2021), CSV or workbook
    (``Key Metrics`` sheet plus breakdown sheets). Row 2 is a description row
    (skipped); duplicated headers (video metrics) are told apart by the
    ``(Unique Users)``/``(Total Count)`` note of that row. ``Posted`` is
    ``M/D/YYYY H:MM`` local time (timezone unknown: naive, ``timezone=`` of
    :func:`read_export`, default Europe/Paris).

    Metric choices, per era:

    * ``reach`` = Lifetime Post Total Reach; ``impressions`` = Lifetime Post
      Total Impressions; ``clicks`` = Lifetime Post Consumptions (clicks
      anywhere in the post); ``views`` = organic + paid Video Views (Total
      Count); ``completions`` = organic + paid views to 95% (Total Count);
      ``is_paid`` = Paid Reach > 0.
    * ``likes``/``comments``/``shares``: the 2015-era CSV carries flattened
      breakdowns in Key Metrics — ``Lifetime Post Stories by action type -
      like|comment|share`` (counts of actions) are used first, else
      ``Lifetime Talking About This (Post) by action type - ...`` (unique
      people, a lower bound; a warning says so). Later workbooks carry them in
      the ``Lifetime Post Stories by act...`` (else ``Lifetime Talking About
      This(...``) sheet, joined on Post ID (else permalink, else row order).
      Later CSVs have neither: the three metrics are <NA> (not reported).
    * ``metric_era`` = ``"impressions"``.
    * Facebook names the file ``Facebook Insights Data Export (Post Level) - <Page> -
      <YYYY-MM-DD>.xlsx``: the page gives ``account`` (as Business Suite's ``Page
      name`` does; the caller's ``account=`` and the folder still win in cleaning)
      and the day gives ``exported_at`` when the workbook does not.

``meta_business_suite_posts`` (Facebook) and ``meta_business_suite_instagram``
    Meta Business Suite content exports, English, French or bilingual
    (first-non-null merge of the EN and FR columns of one field).
    ``Publish time`` is month-first ``MM/DD/YYYY HH:MM`` even in French files
    (day-first for the whole file, with a warning, only if a first part > 12
    appears); naive local time unless the header says ``(UTC)``.
    ``Post type`` is kept raw in ``media_type`` (cleaning maps it; 2026 French
    files type some Reels ``Vidéos``: the permalink keeps ``/reel/``).
    ``text`` is the longer non-empty of Title and Description. Facebook
    ``Post ID`` is bare: when a ``Page ID`` is present it is prefixed
    (``{page_id}_{post_id}``, the Graph API and legacy form) so that exports
    of all eras share one key; ``Views`` (2025+) go to ``views`` with
    ``metric_era="views"``, ``Impressions`` (earlier) to ``impressions``
    with ``metric_era="impressions"``; Instagram ``Plays`` go to ``views``
    (``metric_era="plays"`` unless ``Impressions`` is present).
    ``is_paid`` = boosted reach/views > 0 when those columns exist.
    ``Date`` = ``Lifetime``/``Global`` rows are the posts' lifetime totals
    (the data). Rows with a real date are per-day breakdown rows: skipped
    when the post also has a lifetime row, otherwise summed per post
    (additive counts only; reach is not additive and becomes <NA>).

``meta_daily_series``
    Insights overview export: UTF-16 LE, ``sep=,`` line, metric-name line,
    ``"Date","Primary"`` header, one metric per file. Follows → followers
    table ``new_followers``; unfollows → ``lost_followers``; follower totals
    → ``followers``. Other metrics (views, reach, visits, interactions) have
    no canonical table: they are returned as ``table="page_metrics"`` rows
    (``date, metric, value``). Network from the metric name (``Facebook
    follows``, ``Instagram ...``, ``Followers en plus`` = Instagram), else
    facebook with a warning. Dates are calendar days (UTC midnight).

``meta_audience``
    Demographic files ``Gender,Distribution`` (percent 0–100),
    ``Age,Distribution``, ``Top territories,Distribution`` (fractions 0–1)
    and the multi-block ``Audience.csv`` (blocks with their own mini-header,
    including a daily ``Date,Primary`` follows block, returned as a second
    RawExport). Shares become fractions; genders ``F``/``M``/``U``. The date
    is the export day (from the file name), else missing (issue recorded).

``facebook_graph_json`` / ``instagram_graph_json``
    Graph API pulls saved as JSON: ``{"metadata": {...}, "data": [post, ...]}``
    (or a bare list of posts), each post with ``id``, ``created_time`` (or
    ``timestamp``), ``message``/``caption``, ``permalink_url``/``permalink``,
    ``status_type``/``type``/``media_type`` and ``insights: {"data": [{"name",
    "period", "values": [{"value"}]}]}``. ``source_row`` is the line where the
    post's ``id`` appears in the file.
"""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd

from .. import _threads
from ..schema import METRICS
from . import _sniff
from ._registry import Layout, Table, register

__all__ = ["LEGACY_COLUMNS", "MBS_FACEBOOK_COLUMNS", "MBS_INSTAGRAM_COLUMNS",
           "FB_GRAPH_METRICS", "IG_GRAPH_METRICS"]

LIFETIME_WORDS = frozenset({"lifetime", "global", "a vie", "total", "duree de vie"})

# ---------------------------------------------------------------------------
# Legacy "Facebook Insights Data Export (Post Level)"
# ---------------------------------------------------------------------------

_BY_TYPE = "Lifetime Talking About This (Post) by action type - "
_STORIES = "Lifetime Post Stories by action type - "
_CONSUMERS = "Lifetime Post consumers by type - "

#: Field → header variants of the legacy Key Metrics sheet / CSV.
LEGACY_COLUMNS: dict[str, list[str]] = {
    "post_id": ["Post ID"],
    "permalink": ["Permalink"],
    "message": ["Post Message"],
    "type": ["Type"],
    "countries": ["Countries"],
    "languages": ["Languages"],
    "posted": ["Posted"],
    "audience_targeting": ["Audience Targeting"],
    "reach": ["Lifetime Post Total Reach"],
    "reach_organic": ["Lifetime Post organic reach"],
    "reach_paid": ["Lifetime Post Paid Reach"],
    "impressions": ["Lifetime Post Total Impressions"],
    "impressions_organic": ["Lifetime Post Organic Impressions"],
    "impressions_paid": ["Lifetime Post Paid Impressions"],
    "engaged_users": ["Lifetime Engaged Users"],
    "consumers": ["Lifetime Post Consumers"],
    "consumptions": ["Lifetime Post Consumptions"],
    "negative": ["Lifetime Negative feedback"],
    "video_views_organic": ["Lifetime Organic Video Views (Total Count)",
                            "Lifetime Organic Video Views"],
    "video_views_paid": ["Lifetime Paid Video Views (Total Count)", "Lifetime Paid Video Views"],
    "views95_organic": ["Lifetime Organic views to 95% (Total Count)",
                        "Lifetime Organic views to 95%"],
    "views95_paid": ["Lifetime Paid views to 95% (Total Count)", "Lifetime Paid views to 95%"],
    "stories_like": [_STORIES + "like"],
    "stories_comment": [_STORIES + "comment"],
    "stories_share": [_STORIES + "share"],
    "talking_like": [_BY_TYPE + "like"],
    "talking_comment": [_BY_TYPE + "comment"],
    "talking_share": [_BY_TYPE + "share"],
}
_LEGACY_SIGNATURE = ("post_id", "permalink", "posted", "reach", "impressions")
# The UCI "Facebook metrics" dataset is derived from this export: not a raw export.
_LEGACY_EXCLUDE = ("page_total_likes", "post_weekday")
LEGACY_COLUMNS["page_total_likes"] = ["Page total likes"]
LEGACY_COLUMNS["post_weekday"] = ["Post Weekday"]

_SUFFIX = re.compile(r"\((unique users|total count)\)", re.I)


def _disambiguate(table: Table) -> None:
    """Skip the description row; suffix duplicated headers from its notes."""
    if not len(table):
        return
    first = table.records[0]
    pid = table.fields.get("post_id", [0])[0]
    notes = [str(c) if c is not None else "" for c in first]
    is_desc = _sniff.is_blank(first[pid]) and any(n.lower().startswith("lifetime:") or
                                                  _SUFFIX.search(n) for n in notes)
    if not is_desc:
        return
    mask = np.zeros(len(table), dtype=bool)
    mask[0] = True
    table.skip(mask, "description row (what each metric means)")
    counts: dict[str, int] = {}
    for h in table.normalized:
        counts[h] = counts.get(h, 0) + 1
    header = list(table.header)
    for i, h in enumerate(table.normalized):
        if counts[h] > 1 and i < len(notes):
            m = _SUFFIX.search(notes[i])
            if m:
                header[i] = f"{table.header[i]} ({m.group(1).title()})"
    table.set_header(header)


def _sum_ints(table: Table, *names: str, column: str) -> pd.Series:
    parts = [table.ints(n, column=column) for n in names if table.has(n)]
    if not parts:
        return table._na("Int64")
    out = parts[0]
    for p in parts[1:]:
        out = out.add(p, fill_value=0)
    # all parts missing -> NA (a photo has no video views), not 0
    allna = np.logical_and.reduce([p.isna().to_numpy() for p in parts])
    return out.mask(allna)


def _breakdown_sheet(table: Table, prefixes: tuple[str, ...]):
    """Find a breakdown sheet of the workbook and return (name, header, rows)."""
    if not table.workbook:
        return None
    for name, rows in table.workbook.items():
        if not rows or not any(name.lower().startswith(p.lower()) for p in prefixes):
            continue
        header = ["" if v is None else str(v) for v in rows[0][1]]
        return name, header, rows[1:]
    return None


def _legacy_reactions(table: Table, keys: pd.Series, permalinks: pd.Series) -> dict:
    """likes/comments/shares from Key Metrics columns or from a breakdown sheet."""
    out = {}
    for action, metric in (("like", "likes"), ("comment", "comments"), ("share", "shares")):
        if table.has(f"stories_{action}"):
            out[metric] = table.ints(f"stories_{action}", column=metric)
        elif table.has(f"talking_{action}"):
            out[metric] = table.ints(f"talking_{action}", column=metric)
            table.warn(f"{metric}: from 'Talking About This by action type' (unique people), "
                       "a lower bound of the number of actions")
    if out:
        return out
    found = _breakdown_sheet(table, ("Lifetime Post Stories by act", "Lifetime Talking About"))
    if found is None:
        table.warn("likes, comments and shares are not in this export (no action-type "
                   "breakdown): left missing")
        return out
    name, header, rows = found
    table.consume(name)
    if name.lower().startswith("lifetime talking"):
        table.warn(f"likes/comments/shares from sheet {name!r} (unique people)")
    norm = [_sniff.normalize_header(h) for h in header]
    data = [(n, v) for n, v in rows if not (len(v) > 0 and _sniff.is_blank(v[0]) and any(
        isinstance(c, str) and c.lower().startswith("lifetime") for c in v))]
    frame = pd.DataFrame([list(v) + [None] * (len(header) - len(v)) for _, v in data],
                         columns=range(len(header)))
    key_pos = next((i for i, h in enumerate(norm) if h == "post id"), None)
    link_pos = next((i for i, h in enumerate(norm) if h == "permalink"), None)
    if key_pos is not None:
        sheet_keys = frame[key_pos].map(_sniff.clean_id)
        index = pd.Index(sheet_keys)
        target = keys
    elif link_pos is not None:
        index = pd.Index(frame[link_pos].astype("str"))
        target = permalinks
    else:
        index, target = None, None
    for action, metric in (("like", "likes"), ("comment", "comments"), ("share", "shares")):
        if action not in norm:
            continue
        vals, _ = _sniff.to_integers(frame[norm.index(action)])
        if index is not None and index.is_unique:
            pos = index.get_indexer(target.astype("object"))
            got = pd.array([vals.iat[p] if p >= 0 else pd.NA for p in pos], dtype="Int64")
        elif len(vals) == len(keys):
            got = pd.array(vals.to_numpy(), dtype="Int64")
        else:
            table.warn(f"sheet {name!r}: rows cannot be matched to Key Metrics; {metric} left "
                       "missing")
            continue
        # a breakdown sheet leaves a cell empty when nobody did that action
        out[metric] = pd.Series(got).fillna(0).astype("Int64")
    return out


def _parse_legacy(table: Table):
    _disambiguate(table)
    for name in table.workbook or {}:
        if name.lower().startswith("lifetime "):
            # per-post breakdowns of the same posts (consumers by type, negative
            # feedback...): what maps to canonical columns is read below
            table.consume(name)
    posted = table.dates("posted", column="published_at")
    permalinks = table.texts("permalink")
    post_ids = table.ids("post_id")
    rows = pd.DataFrame({
        "post_id": post_ids,
        "published_at": posted,
        "media_type": table.texts("type"),
        "text": table.texts("message"),
        "permalink": permalinks,
        "impressions": table.ints("impressions"),
        "reach": table.ints("reach"),
        "views": _sum_ints(table, "video_views_organic", "video_views_paid", column="views"),
        "completions": _sum_ints(table, "views95_organic", "views95_paid", column="completions"),
        "clicks": table.ints("consumptions", column="clicks"),
    })
    for metric, values in _legacy_reactions(table, post_ids, permalinks).items():
        rows[metric] = values.to_numpy()
    for metric in ("likes", "comments", "shares"):
        if metric not in rows:
            rows[metric] = pd.array([pd.NA] * len(rows), dtype="Int64")
    paid = table.ints("reach_paid", column="is_paid")
    rows["is_paid"] = (paid > 0).astype("boolean") if table.has("reach_paid") else pd.NA
    rows["is_paid"] = rows["is_paid"].astype("boolean")
    for metric in ("saves", "follows"):
        rows[metric] = pd.array([pd.NA] * len(rows), dtype="Int64")
    page, day = _legacy_name(table.path)
    if page:
        rows["account"] = page
    exported = table.exported_at()
    if exported is None and day is not None:
        exported = day.tz_localize("UTC")
    return table.result(rows, language="en", metric_era="impressions", exported_at=exported)


_LEGACY_NAME = re.compile(r"Facebook Insights Data Export \(Post Level\) - (.+?)"
                          r" - (\d{4}-\d{2}-\d{2})(?: - (\d{4}-\d{2}-\d{2}))?"
                          r"\.(?:csv|xlsx?)$", re.I)


def _legacy_name(path) -> tuple[str | None, pd.Timestamp | None]:
    """Page name and export day in Facebook's file name, ``Facebook Insights Data Export
    (Post Level) - <Page> - <YYYY-MM-DD>.xlsx`` (seen in many projects' code), also
    with a ``<start> - <end>`` range."""
    name = str(path).replace("\\", "/").split("!")[-1].rsplit("/", 1)[-1]
    m = _LEGACY_NAME.search(name)
    if not m:
        return None, None
    day = pd.to_datetime(m.group(3) or m.group(2), errors="coerce")  # a range ends on it
    return m.group(1).strip() or None, None if pd.isna(day) else day


for _kind_, _name in (("csv", "facebook_insights_legacy"),
                      ("xlsx", "facebook_insights_legacy_xlsx")):
    register(Layout(
        name=_name, network="facebook", table="posts", kind=_kind_,
        columns=LEGACY_COLUMNS, signature=_LEGACY_SIGNATURE, exclude=_LEGACY_EXCLUDE,
        sheet="Key Metrics" if _kind_ == "xlsx" else None,
        parse=_parse_legacy,
        description="Facebook Insights Data Export (Post Level), legacy",
    ))

# ---------------------------------------------------------------------------
# Meta Business Suite content exports (Facebook, Instagram)
# ---------------------------------------------------------------------------

_COMMON = {
    "post_id": ["Post ID", "Identifiant de la publication", "ID de la publication"],
    "description": ["Description"],
    "duration": ["Duration (sec)", "Durée (s)", "Durée (sec)"],
    "publish_time": ["Publish time", "Heure de publication", "Date de publication"],
    "publish_time_utc": ["Publish time (UTC)", "Heure de publication (UTC)",
                         "Heure de publication (UTC+0)", "Publish time (UTC+0)"],
    "permalink": ["Permalink", "Permalien", "Lien permanent"],
    "post_type": ["Post type", "Type de publication"],
    "data_comment": ["Data comment", "Commentaire des données"],
    "date": ["Date"],
    "views": ["Views", "Vues"],
    "impressions": ["Impressions"],
    "reach": ["Reach", "Couverture"],
    "shares": ["Shares", "Partages"],
    "comments": ["Comments", "Commentaires"],
    "custom_labels": ["Custom labels", "Libellés personnalisés", "Étiquettes personnalisées"],
}

#: Field → header variants (EN, FR) of the Meta Business Suite Facebook posts export.
MBS_FACEBOOK_COLUMNS: dict[str, list[str]] = {
    **_COMMON,
    "page_id": ["Page ID", "ID de la Page", "Identifiant de la Page"],
    "page_name": ["Page name", "Nom de la page"],
    "title": ["Title", "Titre"],
    "caption_type": ["Caption type", "Type de légende"],
    "is_crosspost": ["Is crosspost", "Est un crosspostage"],
    "is_share": ["Is share", "Est un partage"],
    "languages": ["Languages", "Langues"],
    "funded": ["Funded content status", "Statut du contenu financé"],
    "engagement": ["Reactions, comments and shares", "Réactions, commentaires et partages"],
    "reactions": ["Reactions", "Réactions"],
    "total_clicks": ["Total clicks", "Total des clics"],
    "link_clicks": ["Link clicks", "Clics sur un lien"],
    "other_clicks": ["Other Clicks", "Autres clics"],
    "views_organic": ["Views from Organic posts", "Vues de Publications organiques"],
    "views_boosted": ["Views from Boosted posts", "Vues de Publications boostées"],
    "reach_organic": ["Reach from Organic posts", "Couverture de Publications organiques"],
    "reach_boosted": ["Reach from Boosted posts", "Couverture de Publications boostées"],
    "account_id": ["Account ID", "ID du compte", "Identifiant du compte"],
    "account_username": ["Account username", "Nom de profil du compte",
                         "Nom d'utilisateur du compte"],
}

#: Field → header variants (EN, FR) of the Meta Business Suite Instagram posts export.
MBS_INSTAGRAM_COLUMNS: dict[str, list[str]] = {
    **_COMMON,
    "account_id": ["Account ID", "ID du compte", "Identifiant du compte"],
    "account_username": ["Account username", "Nom de profil du compte",
                         "Nom d'utilisateur du compte"],
    "account_name": ["Account name", "Nom du compte"],
    "plays": ["Plays", "Lectures"],
    "likes": ["Likes", "Mentions J'aime", "J'aime"],
    "follows": ["Follows", "Followers en plus", "Nouveaux followers", "Abonnements"],
    "saves": ["Saves", "Enregistrements"],
    "profile_visits": ["Profile visits", "Visites de profil", "Visites du profil"],
    "replies": ["Replies", "Réponses"],
    "link_clicks": ["Link clicks", "Clics sur le lien"],
    "sticker_taps": ["Sticker taps", "Appuis sur des stickers"],
    "navigation": ["Navigation"],
    "page_id": ["Page ID", "ID de la Page", "Identifiant de la Page"],
}


def _na_ints(n: int) -> pd.arrays.IntegerArray:
    """``n`` missing counts (an array: a Series would copy it)."""
    return pd.arrays.IntegerArray(np.zeros(n, dtype="int64"), np.ones(n, dtype=bool))


def _where(cond, a: pd.Series, b: pd.Series) -> pd.Series:
    """``a`` where ``cond`` else ``b``, for ``str`` Series (in Arrow, no Python loop)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    got = pc.if_else(pa.array(np.asarray(cond, dtype=bool)), pa.array(a.array), pa.array(b.array))
    return pd.Series(pd.array(got, dtype="str"))


def _joined(a: pd.Series, b: pd.Series, sep: str) -> pd.Series:
    """``a + sep + b`` for ``str`` Series (missing if either is), in one Arrow pass."""
    import pyarrow as pa
    import pyarrow.compute as pc

    got = pc.binary_join_element_wise(pa.array(a.array), pa.array(b.array),
                                      pa.scalar(sep, pa.large_string()))
    return pd.Series(pd.array(got, dtype="str"))


def _longer(a: pd.Series, b: pd.Series) -> pd.Series:
    la = a.str.len().fillna(-1)
    lb = b.str.len().fillna(-1)
    return _where((la >= lb).to_numpy(), a.astype("str"), b.astype("str"))


def _longer_text(table: Table, first: str, second: str):
    """``_longer(table.texts(first), table.texts(second))``: per row the longer text
    (in characters, surrounding spaces left out; ``first`` on ties, missing = -1).

    Returns a function giving the ``str`` Series: on a columnar table the column
    is built on another thread meanwhile (:func:`_longer_cells`, Arrow kernels
    that release the GIL), else at once.
    """
    a, b = table.cells(first), table.cells(second)
    if a is None or b is None or not _sniff.is_arrow(a):
        got = _longer(table.texts(first), table.texts(second))
        return lambda: got
    return _threads.background(_longer_cells, a, b, rows=len(a))


def _longer_cells(a, b) -> pd.Series:
    """:func:`_longer` on two Arrow string columns (blanks null).

    The lengths of the stripped cells are computed without stripping whole
    columns, the raw cells are picked, and only the picked column is stripped
    (one copy of the text instead of three).
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    sizes, edges = [], []
    for cells in (a, b):
        size = np.require(pc.fill_null(pc.utf8_length(cells), -1).to_numpy(
            zero_copy_only=False), requirements="W")  # writable (copied only if not)
        edge = np.zeros(len(size), dtype=bool)  # cells that strip() changes
        maybe = _sniff.edge_candidates(cells)
        if maybe.any():  # stripped once: their stripped lengths tell which change
            # (a filter, not a take: Arrow's take first joins the chunks of the whole column)
            stripped = pc.utf8_length(_sniff.arrow_strip(pc.filter(cells, pa.array(maybe))))
            stripped = stripped.to_numpy(zero_copy_only=False)
            where = np.flatnonzero(maybe)
            edge[where[stripped != size[where]]] = True
            size[where] = stripped
        sizes.append(size)
        edges.append(edge)
    pick = sizes[0] >= sizes[1]
    text = pc.if_else(pa.array(pick), a, b)
    if np.where(pick, edges[0], edges[1]).any():
        text = _sniff.arrow_strip(text)
    return pd.Series(pd.array(text, dtype="str"))


def _is_lifetime(value) -> bool:
    norm = _sniff.normalize_header(value)
    return norm in LIFETIME_WORDS or norm == ""


def _date_kind(table: Table) -> np.ndarray | None:
    """True for lifetime rows, False for dated per-day rows (over all records)."""
    raw = table.cells("date", keep_all=True)
    if raw is None:
        return None
    if _sniff.is_arrow(raw):  # columnar table: decide once per distinct value
        import pyarrow as pa
        import pyarrow.compute as pc

        values = [v for v in pc.unique(raw).to_pylist() if v is not None]
        life = [v for v in values if _is_lifetime(v)]
        if len(life) == len(values):  # lifetime rows only (Meta's usual "Global")
            return np.ones(len(raw), dtype=bool)
        hit = pc.or_kleene(pc.is_null(raw), pc.is_in(raw, value_set=pa.array(life, raw.type)))
        return np.asarray(pc.fill_null(hit, True).to_numpy(zero_copy_only=False), dtype=bool)
    uniques = {v: _sniff.normalize_header(v) for v in raw.dropna().unique()}
    norm = raw.map(uniques).fillna("")
    return (norm.isin(LIFETIME_WORDS) | (norm == "")).to_numpy()


def _publish_field(table: Table) -> str:
    """The field of the publication time: local, or UTC when only that one is there."""
    if table.has("publish_time_utc") and not table.has("publish_time"):
        return "publish_time_utc"
    return "publish_time"


def _mbs_publish(table: Table) -> pd.Series:
    if _publish_field(table) == "publish_time_utc":
        got = table.dates("publish_time_utc", column="published_at")
        if not table.tz_aware:  # "(UTC)" in the header: the naive values are UTC
            table.tz_aware = True
            got = got.dt.tz_localize("UTC")
        return got
    return table.dates("publish_time", column="published_at")


def _daily_rows(table: Table, rows: pd.DataFrame, lifetime: np.ndarray) -> pd.DataFrame:
    """Drop or sum per-day breakdown rows (see the module docstring)."""
    kept_lifetime = lifetime[table._keep] if lifetime is not None else None
    if kept_lifetime is None or kept_lifetime.all():
        return rows
    daily = ~kept_lifetime
    has_total = set(rows.loc[kept_lifetime, "post_id"].dropna())
    drop = daily & rows["post_id"].isin(has_total).to_numpy()
    for line in rows.loc[drop, "source_row"]:
        table._skipped.append({"source_row": int(line), "reason":
                               "per-day breakdown row (the post's lifetime row holds the totals)"})
    rest = daily & ~drop
    if rest.any():
        additive = [m for m in METRICS if m in rows and m != "reach"]
        keep_idx = []
        for _, grp in rows[rest].groupby("post_id", sort=False, dropna=False):
            first = grp.index[0]
            keep_idx.append(first)
            rows.loc[first, additive] = grp[additive].sum(min_count=1).to_numpy()
            for line in grp["source_row"].iloc[1:]:
                table._skipped.append({"source_row": int(line), "reason":
                                       "per-day row summed into the post's row at line "
                                       f"{int(grp['source_row'].iloc[0])}"})
        if "reach" in rows:
            rows.loc[keep_idx, "reach"] = pd.NA
        table.warn("per-day rows without a lifetime row were summed per post; reach (not "
                   "additive) left missing for those posts")
        rest_drop = rest.copy()
        rest_drop[keep_idx] = False
        drop |= rest_drop
    return rows[~drop].reset_index(drop=True)


def _boosted(table: Table, *names: str) -> pd.Series:
    present = [n for n in names if table.has(n)]
    if not present:
        return pd.Series(pd.NA, index=range(len(table.source_rows)), dtype="boolean")
    vals = [table.ints(n, column="is_paid") for n in present]
    out = vals[0].fillna(0) > 0
    for v in vals[1:]:
        out = out | (v.fillna(0) > 0)
    allna = np.logical_and.reduce([v.isna().to_numpy() for v in vals])
    return out.astype("boolean").mask(allna)


def _page_ids(table: Table) -> tuple[pd.Series, np.ndarray] | None:
    """Page IDs, missing or Excel-mangled ones repaired from the file's page (one per
    export), and which of them are usable (present, not mangled)."""
    if not table.has("page_id"):
        return None
    pages, mangled = table.id_strings(table.cells("page_id"))
    ok = pages.notna().to_numpy() & ~mangled
    if not ok.any() or ok.all():
        return pages, ok
    mode = pages[ok].mode().iat[0]
    return pages.where(ok, mode).astype("str"), np.ones(len(pages), dtype=bool)


def _prefix_page(table: Table, post_ids: pd.Series, got):
    """``{page_id}_{post_id}`` for bare Facebook IDs when the page ID is known.

    Returns a function giving the IDs (the joined IDs are built on another
    thread meanwhile).
    """
    if got is None or not got[1].any():
        return lambda: post_ids
    pages = got[0]
    bare = post_ids.notna() & ~post_ids.str.contains("_", regex=False).fillna(True) & \
        ~pd.Series(table.mangled, index=post_ids.index)
    if not bare.any():
        ids = post_ids.astype("str")
        return lambda: ids
    return _threads.background(_prefixed, pages, post_ids, bare.to_numpy(), rows=len(bare))


def _prefixed(pages: pd.Series, post_ids: pd.Series, bare: np.ndarray) -> pd.Series:
    prefixed = _joined(pages.astype("str"), post_ids.astype("str"), "_")
    if bare.all():
        return prefixed.astype("str")
    return _where(bare, prefixed, post_ids.astype("str"))


def _parse_mbs_facebook(table: Table):
    text = _longer_text(table, "title", "description")  # the longest job: queued first
    table.prefetch(ints=("views", "impressions", "total_clicks", "reactions", "reach",
                         "comments", "shares", "reach_boosted", "views_boosted"),
                   texts=("page_name", "post_type", "permalink", "custom_labels"),
                   dates={_publish_field(table): "published_at"})
    lifetime = _date_kind(table)
    published = _mbs_publish(table)
    pages = _page_ids(table)
    post_ids = _prefix_page(table, table.ids("post_id"), pages)  # built meanwhile
    views = table.ints("views")
    impressions = table.ints("impressions")
    era = "views" if table.has("views") else "impressions" if table.has("impressions") else None
    clicks = table.ints("total_clicks", column="clicks")
    if not table.has("total_clicks") and table.has("link_clicks"):
        clicks = _sum_ints(table, "link_clicks", "other_clicks", column="clicks")
    likes = table.ints("reactions", column="likes")
    account = table.texts("page_name")
    n = len(published)
    rows = pd.DataFrame({
        "post_id": post_ids(),
        "published_at": published,
        "media_type": table.texts("post_type"),
        "text": text(),
        "permalink": table.texts("permalink"),
        "account": account,
        "account_id": pages[0] if pages is not None else pd.NA,
        "label": table.texts("custom_labels"),
        "is_paid": _boosted(table, "reach_boosted", "views_boosted"),
        "impressions": impressions,
        "reach": table.ints("reach"),
        "views": views,
        "likes": likes,
        "comments": table.ints("comments"),
        "shares": table.ints("shares"),
        "clicks": clicks,
        **{metric: _na_ints(n) for metric in ("saves", "follows", "completions")},
    }, copy=False)
    rows.insert(0, "source_row", table.source_rows)
    rows = _daily_rows(table, rows, lifetime)
    return table.result(rows, language=table.language, metric_era=era)


def _parse_mbs_instagram(table: Table):
    lifetime = _date_kind(table)
    published = _mbs_publish(table)
    post_ids = table.ids("post_id")
    views = table.ints("views")
    if table.has("plays") and not table.has("views"):
        views = table.ints("plays", column="views")
    if table.has("views"):
        era = "views"
    elif table.has("impressions"):
        era = "impressions"
    elif table.has("plays"):
        era = "plays"
    else:
        era = None
    username = table.texts("account_username")
    name = table.texts("account_name")
    comments = table.ints("comments")
    if not table.has("comments") and table.has("replies"):
        comments = table.ints("replies", column="comments")  # stories: replies
    rows = pd.DataFrame({
        "post_id": post_ids,
        "published_at": published,
        "media_type": table.texts("post_type"),
        "text": table.texts("description"),
        "permalink": table.texts("permalink"),
        "account": username.where(username.notna(), name).astype("str"),
        "account_id": table.raw("account_id").map(_sniff.clean_id).astype("str")
        if table.has("account_id") else pd.NA,
        "label": table.texts("custom_labels"),
        "is_paid": pd.Series(pd.NA, index=range(len(post_ids)), dtype="boolean"),
        "impressions": table.ints("impressions"),
        "reach": table.ints("reach"),
        "views": views,
        "likes": table.ints("likes"),
        "comments": comments,
        "shares": table.ints("shares"),
        "saves": table.ints("saves"),
        "follows": table.ints("follows"),
        "clicks": table.ints("link_clicks", column="clicks"),
        "completions": _na_ints(len(post_ids)),
    }, copy=False)
    rows.insert(0, "source_row", table.source_rows)
    rows = _daily_rows(table, rows, lifetime)
    return table.result(rows, language=table.language, metric_era=era)


register(Layout(
    name="meta_business_suite_posts", network="facebook", table="posts", kind="csv",
    columns=MBS_FACEBOOK_COLUMNS,
    signature=("post_id", ("publish_time", "publish_time_utc"), "permalink", "post_type",
               ("page_id", "page_name")),
    exclude=("account_id", "account_username"),
    parse=_parse_mbs_facebook,
    description="Meta Business Suite, Facebook posts",
))
register(Layout(
    name="meta_business_suite_instagram", network="instagram", table="posts", kind="csv",
    columns=MBS_INSTAGRAM_COLUMNS,
    signature=("post_id", ("publish_time", "publish_time_utc"), "permalink", "post_type",
               ("account_id", "account_username", "account_name")),
    exclude=("page_id",),
    parse=_parse_mbs_instagram,
    description="Meta Business Suite, Instagram posts",
))

# ---------------------------------------------------------------------------
# Daily series (one metric per file) and audience files
# ---------------------------------------------------------------------------

_DAILY_COLUMNS = {"date": ["Date"], "primary": ["Primary", "Principal", "Principale"]}

#: Normalised metric-name fragments → followers-table column.
_FOLLOW_METRICS = (
    (re.compile(r"unfollow|desabonnement|followers en moins|lost follow"), "lost_followers"),
    (re.compile(r"follows|followers en plus|nouveaux (abonnes|followers)|new follow|"
                r"abonnements"), "new_followers"),
    (re.compile(r"(total|nombre) (des |de |d')?(followers|abonnes)|"
                r"^(facebook |instagram )?(page )?(followers|abonnes)( facebook| instagram)?$"),
     "followers"),
)


def _metric_network(name: str, table: Table) -> str:
    norm = _sniff.normalize_header(name)
    if "instagram" in norm or "followers en plus" in norm:
        return "instagram"
    if "facebook" in norm:
        return "facebook"
    table.warn(f"metric {name!r} does not name its network; assumed facebook")
    return "facebook"


def _metric_name(table: Table) -> str:
    for row in reversed(table.preamble):
        cells = [c for c in row if not _sniff.is_blank(c)]
        if len(cells) == 1:
            return str(cells[0]).strip()
    return ""


def _daily_result(table: Table, dates: pd.Series, values_raw: pd.Series, metric: str,
                  mask_rows=None):
    vals, bad = _sniff.to_integers(values_raw, decimal=table.decimal)
    network = _metric_network(metric, table) if metric else "facebook"
    if not metric:
        table.warn("no metric-name line above the header; assumed Facebook follows")
        metric = "Follows"
    norm = _sniff.normalize_header(metric)
    column = next((col for pat, col in _FOLLOW_METRICS if pat.search(norm)), None)
    if column is None:
        table.issue(bad.to_numpy(), "value", values_raw, "not a whole number")
        rows = pd.DataFrame({"date": dates, "metric": metric, "value": vals})
        return table.result(rows, network=network, table="page_metrics", timezone="UTC",
                            language=table.language)
    table.issue(bad.to_numpy(), column, values_raw, "not a whole number")
    rows = pd.DataFrame({"date": dates})
    for col in ("followers", "new_followers", "lost_followers"):
        rows[col] = vals if col == column else pd.array([pd.NA] * len(vals), dtype="Int64")
    return table.result(rows, network=network, table="followers", timezone="UTC",
                        language=table.language)


def _calendar_days(parsed: pd.Series) -> pd.Series:
    """Calendar days as UTC midnight (offsets dropped: the platform's day is kept)."""
    if isinstance(parsed.dtype, pd.DatetimeTZDtype):
        parsed = parsed.dt.tz_localize(None)
    return parsed.dt.normalize().dt.tz_localize("UTC")


def _parse_daily(table: Table):
    dates = table.dates("date")
    table.tz_aware = True
    return _daily_result(table, _calendar_days(dates), table.raw("primary"),
                         _metric_name(table))


register(Layout(
    name="meta_daily_series", network="facebook", table="followers", kind="csv",
    columns=_DAILY_COLUMNS, signature=("date", "primary"), parse=_parse_daily,
    description="Meta Business Suite daily series (Date, Primary)",
))

_GENDER = {"women": "F", "woman": "F", "female": "F", "femmes": "F", "femme": "F", "f": "F",
           "men": "M", "man": "M", "male": "M", "hommes": "M", "homme": "M", "m": "M"}
_AUDIENCE_DIMENSIONS = {
    "gender": "gender", "genre": "gender", "sexe": "gender",
    "age": "age", "tranche d'age": "age", "age range": "age",
    "top territories": "country", "top countries": "country", "pays principaux": "country",
    "country": "country", "pays": "country", "territoires principaux": "country",
    "top cities": "city", "villes principales": "city", "city": "city", "ville": "city",
}
_AUDIENCE_COLUMNS = {
    "dimension": ["Gender", "Genre", "Sexe", "Age", "Âge", "Tranche d'âge", "Age range",
                  "Top territories", "Top countries", "Pays principaux", "Country", "Pays",
                  "Territoires principaux", "Top cities", "Villes principales", "City", "Ville"],
    "distribution": ["Distribution", "Répartition", "Share", "Part"],
}
_BLOCK_VALUE = frozenset({"distribution", "repartition", "share", "part", "primary",
                          "principal", "principale"})


def _audience_bracket(dimension: str, raw: str) -> str:
    s = str(raw).strip()
    if dimension == "gender":
        return _GENDER.get(_sniff.normalize_header(s), "U")
    if dimension == "age":
        return re.sub(r"\s*-\s*", "-", s.replace("ans", "").strip())
    return s


def _audience_date(table: Table, n: int) -> pd.Series:
    exported = table.exported_at()
    if exported is None:
        return pd.Series(pd.NaT, index=range(n), dtype="datetime64[us, UTC]")
    day = exported.tz_convert("UTC").normalize()
    return pd.Series([day] * n, dtype="datetime64[us, UTC]")


def _parse_audience(table: Table):
    """Single- or multi-block demographic files (blocks start at a mini-header)."""
    blocks: list[tuple[int, list[str], list[tuple[int, list]]]] = []
    current = (table.header_line, table.header, [])
    blocks.append(current)
    for line, rec in zip(table.lines, table.records, strict=True):
        cells = ["" if c is None else str(c) for c in rec]
        norm = [_sniff.normalize_header(c) for c in cells if c.strip()]
        is_header = (len(norm) >= 2 and norm[-1] in _BLOCK_VALUE and
                     (norm[0] in _AUDIENCE_DIMENSIONS or norm[0] == "date"))
        if is_header:
            current = (int(line), cells, [])
            blocks.append(current)
        elif len(norm) == 1 and not _looks_numeric(norm[0]):
            table._skipped.append({"source_row": int(line), "reason": "block title"})
        else:
            current[2].append((int(line), cells))
    frames, follows = [], None
    for head_line, header, recs in blocks:
        hnorm = _sniff.normalize_header(header[0])
        if hnorm == "date":
            follows = (head_line, header, recs)
            continue
        dimension = _AUDIENCE_DIMENSIONS.get(hnorm)
        if dimension is None or not recs:
            for line, _ in recs:
                table._skipped.append({"source_row": line,
                                       "reason": f"block {header[0]!r} has no audience meaning"})
            continue
        lines = [ln for ln, _ in recs]
        raw = pd.Series([r[1] if len(r) > 1 else None for _, r in recs], dtype="object")
        shares, bad = _sniff.to_numbers(raw, decimal=table.decimal)
        scale = 100.0 if shares.max(skipna=True) > 1.0 + 1e-9 else 1.0
        for line, v, b in zip(lines, raw, bad, strict=True):
            if b:
                table._issues.append({"source_row": line, "column": "share",
                                      "value": None if v is None else str(v),
                                      "reason": "not a number"})
        frames.append(pd.DataFrame({
            "source_row": lines,
            "dimension": dimension,
            "bracket": [_audience_bracket(dimension, r[0]) for _, r in recs],
            "share": (shares / scale).to_numpy(),
        }))
    out = []
    if frames:
        rows = pd.concat(frames, ignore_index=True)
        rows.insert(1, "date", _audience_date(table, len(rows)))
        if rows["date"].isna().any():
            table.warn("the file does not say when the distribution was measured (no date "
                       "range in its name): date left missing")
        table.tz_aware = True
        out.append(table.result(rows, table="audience", timezone="UTC", extras=False,
                                language=table.language))
    if follows is not None:
        head_line, header, recs = follows
        sub = Table(path=table.path, kind=table.kind, header=header,
                    records=[r for _, r in recs], lines=[ln for ln, _ in recs],
                    header_line=head_line, encoding=table.encoding, delimiter=table.delimiter,
                    timezone=table.timezone, decimal=table.decimal,
                    layout=_DAILY_LAYOUT_FOR_BLOCKS)
        sub.tz_aware = True
        dates = _calendar_days(sub.dates("date"))
        out.append(_daily_result(sub, dates, sub.raw("primary"), "Follows"))
    if not out:
        table.warn("no audience block found")
        out.append(table.result(pd.DataFrame({"source_row": pd.Series(dtype="int64")}),
                                table="audience", extras=False))
    return out


def _looks_numeric(s: str) -> bool:
    try:
        return _sniff.parse_number(s) is not None
    except ValueError:
        return False


_DAILY_LAYOUT_FOR_BLOCKS = Layout(
    name="meta_audience", network="facebook", table="followers", kind="csv",
    columns=_DAILY_COLUMNS, signature=("date", "primary"), parse=_parse_daily)

register(Layout(
    name="meta_audience", network="facebook", table="audience", kind="csv",
    columns=_AUDIENCE_COLUMNS, signature=("dimension", "distribution"),
    parse=_parse_audience, ragged=True,
    description="Meta audience distribution (Gender/Age/Top territories, Distribution)",
))

# ---------------------------------------------------------------------------
# Graph API JSON
# ---------------------------------------------------------------------------

#: Facebook Graph metric → canonical column (first found wins, in this order).
FB_GRAPH_METRICS: dict[str, tuple[str, ...]] = {
    "impressions": ("post_impressions",),
    "reach": ("post_impressions_unique", "post_total_media_view_unique"),
    "views": ("post_media_view", "post_video_views"),
    "clicks": ("post_clicks",),
    "completions": ("post_video_complete_views_organic",),
    "likes": ("post_reactions_by_type_total",),
}
#: Instagram Graph metric → canonical column.
IG_GRAPH_METRICS: dict[str, tuple[str, ...]] = {
    "impressions": ("impressions",),
    "reach": ("reach",),
    "views": ("views", "plays", "video_views"),
    "likes": ("likes",),
    "comments": ("comments",),
    "shares": ("shares",),
    "saves": ("saved",),
    "follows": ("follows",),
    "clicks": ("website_clicks", "profile_activity"),
}


def _posts_of(obj):
    if isinstance(obj, dict):
        obj = obj.get("data", obj.get("posts"))
    if isinstance(obj, list) and obj and all(isinstance(p, dict) for p in obj):
        return obj
    return None


def _is_graph(obj, network: str) -> bool:
    posts = _posts_of(obj)
    if not posts:
        return False
    meta = obj.get("metadata", {}) if isinstance(obj, dict) else {}
    if isinstance(meta, dict) and meta.get("network") in ("facebook", "instagram"):
        return meta["network"] == network and "id" in posts[0]
    first = posts[0]
    if "id" not in first or not ({"insights", "created_time", "timestamp"} & set(first)):
        return False
    ig = bool({"media_type", "caption", "permalink", "timestamp", "media_product_type"}
              & set(first)) and "permalink_url" not in first
    return ig if network == "instagram" else not ig


def _insight_values(post: dict) -> dict:
    ins = post.get("insights", {})
    data = ins.get("data", []) if isinstance(ins, dict) else ins if isinstance(ins, list) else []
    out = {}
    for item in data:
        if not isinstance(item, dict) or "name" not in item:
            continue
        vals = item.get("values") or []
        value = vals[0].get("value") if vals and isinstance(vals[0], dict) else item.get("value")
        out[item["name"]] = value
    return out


def _id_lines(text: str, ids: list) -> list[int]:
    lines, pos = [], 0
    for i, pid in enumerate(ids):
        needle = json.dumps(str(pid))
        found = text.find(needle, pos)
        if found < 0:
            lines.append(i + 1)
            continue
        lines.append(text.count("\n", 0, found) + 1)
        pos = found + len(needle)
    return lines


def _graph_value(values: dict, names: tuple[str, ...]):
    for n in names:
        if n in values and values[n] is not None:
            v = values[n]
            if isinstance(v, dict):  # *_by_type metrics
                try:
                    return sum(int(x) for x in v.values())
                except (TypeError, ValueError):
                    return "bad:" + json.dumps(v)
            return v
    return None


def _parse_graph(table: Table, network: str):
    obj = table.json
    posts = _posts_of(obj)
    meta = obj.get("metadata", {}) if isinstance(obj, dict) else {}
    text = table.text or ""
    ids = [p.get("id") for p in posts]
    lines = _id_lines(text, ids) if text else list(range(1, len(posts) + 1))
    metrics = FB_GRAPH_METRICS if network == "facebook" else IG_GRAPH_METRICS
    records, values_by_post = [], []
    for post in posts:
        vals = _insight_values(post)
        values_by_post.append(vals)
        rec = {
            "post_id": post.get("id"),
            "published_at": post.get("created_time", post.get("timestamp")),
            "text": post.get("message", post.get("caption")),
            "permalink": post.get("permalink_url", post.get("permalink")),
        }
        if network == "facebook":
            rec["media_type"] = post.get("status_type", post.get("type"))
            rec["likes_field"] = (post.get("reactions") or {}).get("summary", {}).get(
                "total_count") if isinstance(post.get("reactions"), dict) else None
            rec["comments"] = (post.get("comments") or {}).get("summary", {}).get(
                "total_count") if isinstance(post.get("comments"), dict) else None
            rec["shares"] = (post.get("shares") or {}).get("count") if isinstance(
                post.get("shares"), dict) else None
            paid = vals.get("post_impressions_paid")
            rec["is_paid"] = None if paid is None else (paid or 0) > 0
        else:
            product = post.get("media_product_type")
            rec["media_type"] = product if product in ("REELS", "STORY") else post.get(
                "media_type")
            rec["likes_field"] = post.get("like_count")
            rec["comments"] = post.get("comments_count")
            rec["shares"] = None
            rec["is_paid"] = None
        for col, names in metrics.items():
            got = _graph_value(vals, names)
            if got is not None:
                rec[col] = got
        records.append(rec)
    frame = pd.DataFrame.from_records(records)
    table.set_records(list(frame.columns),
                      frame.astype("object").where(frame.notna(), None).to_numpy().tolist(),
                      lines)
    rows = pd.DataFrame({
        "post_id": table.ids("post_id"),
        "published_at": table.dates("published_at"),
        "media_type": table.texts("media_type"),
        "text": table.texts("text"),
        "permalink": table.texts("permalink"),
    })
    rows["is_paid"] = (table.raw("is_paid").astype("boolean") if table.has("is_paid")
                       else pd.NA)
    rows["is_paid"] = rows["is_paid"].astype("boolean")
    for col in METRICS:
        if col == "likes" and not table.has("likes") and table.has("likes_field"):
            rows[col] = table.ints("likes_field", column="likes")
        else:
            rows[col] = table.ints(col)
    rows.insert(0, "source_row", table.source_rows)
    names = set().union(*values_by_post) if values_by_post else set()
    if network == "facebook":
        era = "views" if "post_media_view" in names else "impressions"
    else:
        era = "views" if "views" in names else "impressions" if "impressions" in names else (
            "plays" if "plays" in names else None)
    account = meta.get("page_name", meta.get("username")) if isinstance(meta, dict) else None
    if account:
        rows["account"] = str(account)
    account_id = meta.get("page_id", meta.get("ig_user_id")) if isinstance(meta, dict) else None
    if account_id:
        rows["account_id"] = str(account_id)
    return table.result(rows, network=network, extras=False, language="en", metric_era=era)


register(Layout(
    name="facebook_graph_json", network="facebook", table="posts", kind="json",
    match_json=lambda obj: _is_graph(obj, "facebook"),
    parse=lambda t: _parse_graph(t, "facebook"),
    description="Facebook Graph API posts with insights (JSON)",
))
register(Layout(
    name="instagram_graph_json", network="instagram", table="posts", kind="json",
    match_json=lambda obj: _is_graph(obj, "instagram"),
    parse=lambda t: _parse_graph(t, "instagram"),
    description="Instagram Graph API media with insights (JSON)",
))
