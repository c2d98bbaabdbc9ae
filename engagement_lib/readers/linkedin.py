"""Readers of LinkedIn Page analytics workbooks (Page admin > Analytics > Export).

``shared/reference/export_formats.md`` §4; the writers that mirror these layouts live
in :mod:`engagement_lib.simulate.exports.linkedin`. Each sheet starts with a one-line
note and has its header on row 2 (the header is searched for in the first rows, the
note is counted in ``skipped_rows``).

``linkedin_content`` — sheet ``All posts`` of the *content* workbook → posts
    Old labels ``Update title, Update link, Update type, Posted by, Created date,
    Impressions, Clicks, Click through rate (CTR), Likes, Comments, Shares, Follows,
    Engagement rate``; new labels ``Post title, Post link, Post type, Campaign name,
    …, Views (excluding off-site video views), …, Reposts, …, Content Type``.

    * ``post_id``: the URN in the link, ``urn:li:activity:<id>`` (also ``share`` and
      ``ugcPost`` URNs, URL-encoded ones, and ``…-activity-<id>-…`` slugs, which give
      ``urn:li:activity:<id>``). No URN → <NA> and an issue.
    * ``published_at``: ``Created date`` is ``MM/DD/YYYY`` (a day, local to the
      Page's admin; parsed with the caller's ``timezone``). LinkedIn IDs are
      snowflakes (``ms = id >> 22`` since the Unix epoch), so when the decoded time
      falls within a day of ``Created date`` it gives the exact UTC time
      (``published_at_precision = "exact"``); otherwise the time is local midnight
      (``"day"``). Values are tz-aware UTC either way.
    * ``Post type``/``Update type`` is ``Organic``/``Sponsored`` → ``is_paid``; the
      media label is ``Content Type`` (``Image``, ``Video``, ``Article``,
      ``Document``…) kept raw in ``media_type`` (<NA> in old exports).
    * Metrics: ``Impressions``, ``Views (excluding off-site video views)`` → views,
      ``Clicks``, ``Likes`` (all reactions), ``Comments``, ``Reposts``/``Shares`` →
      shares, ``Follows``. No reach and no saves: absent, never 0. CTR and
      engagement rate are kept as ``extra:`` text.
``linkedin_content_metrics`` — sheet ``Metrics`` of the content workbook → ``page_metrics``
    Page-level daily totals (``Impressions (organic)``, ``Unique impressions
    (organic)``, ``Clicks (total)``, ``Reactions``/``Comments``/``Reposts`` organic,
    sponsored and total…) feed no canonical table. They are returned, like Meta's
    non-follower daily series, as a long non-canonical ``page_metrics`` table
    (``date``, ``metric`` = the raw header, ``value``), one row per day and metric;
    the ``Engagement rate (…)`` ratio columns are dropped with a warning.
``linkedin_followers`` — sheet ``New followers`` of the *followers* workbook → followers
    ``Date, Sponsored followers, Organic followers, Auto-invited followers, Total
    followers``. **Trap:** ``Total followers`` is the number of *new* followers that
    day, not the running total → ``new_followers``; ``followers`` and
    ``lost_followers`` are <NA> (LinkedIn exports neither).
``linkedin_followers_demographics`` — the demographic sheets → audience
    ``Seniority``, ``Job function``, ``Industry``, ``Company size``, ``Location``,
    ``Country``: a bucket column and a follower count. ``dimension`` is
    ``seniority``, ``job_function``, ``industry``, ``company_size``, ``location`` or
    ``country``; ``share`` = count / sum of the sheet's counts (LinkedIn lists the top
    buckets only, so shares are of the followers listed); ``date`` = the export day
    (in the caller's ``timezone``).

Daily and snapshot days are kept as UTC midnights of the calendar day printed
(``RawExport.timezone = "UTC"``).

Every row carries ``source_sheet`` (the workbook sheet its ``source_row`` refers to).
``exported_at``: the workbook ``created`` property, else the date range or epoch
milliseconds in the file name, else None. French labels were never observed; the
French variants below are guesses that cost nothing when absent.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from . import _sniff
from ._registry import Layout, Table, register
from ._social_common import (
    PRECISION,
    counts,
    day_labels,
    exported_at_from_path,
    keep_raw,
    local_midnight_utc,
    snowflake_times,
    workbook_exported_at,
)

__all__ = [
    "CONTENT_COLUMNS",
    "METRICS_COLUMNS",
    "FOLLOWERS_COLUMNS",
    "DEMOGRAPHIC_COLUMNS",
    "DIMENSIONS",
]

#: Field → header variants of the ``All posts`` sheet (French variants: guesses).
CONTENT_COLUMNS = {
    "text": ["Post title", "Update title", "Titre de la publication", "Titre de la mise à jour"],
    "permalink": ["Post link", "Update link", "Lien de la publication", "Lien de la mise à jour"],
    "post_type": ["Post type", "Update type", "Type de publication", "Type de mise à jour"],
    "content_type": ["Content Type", "Type de contenu"],
    "published_at": ["Created date", "Date de création"],
    "impressions": ["Impressions"],
    "views": ["Views (excluding off-site video views)", "Views", "Vues"],
    "clicks": ["Clicks", "Clics"],
    "likes": ["Likes", "Reactions", "Réactions", "J'aime"],
    "comments": ["Comments", "Commentaires"],
    "shares": ["Reposts", "Shares", "Republications", "Partages"],
    "follows": ["Follows", "Abonnements", "Nouveaux abonnés"],
    "engagement_rate": ["Engagement rate", "Taux d'engagement"],
    "ctr": ["Click through rate (CTR)", "Taux de clics (CTR)"],
}

#: Field → header variants of the ``Metrics`` sheet (every other column is read too).
METRICS_COLUMNS = {
    "date": ["Date"],
    "impressions": ["Impressions (organic)", "Impressions (total)", "Impressions (organiques)"],
    "clicks": ["Clicks (organic)", "Clicks (total)", "Clics (organiques)"],
    "reactions": ["Reactions (organic)", "Reactions (total)", "Réactions (organiques)"],
}

#: Field → header variants of the ``New followers`` sheet.
FOLLOWERS_COLUMNS = {
    "date": ["Date"],
    "sponsored": ["Sponsored followers", "Followers sponsored", "Abonnés sponsorisés"],
    "organic": ["Organic followers", "Followers organic", "Abonnés organiques"],
    "auto_invited": ["Auto-invited followers", "Abonnés invités automatiquement"],
    "total": ["Total followers", "Total Followers", "Total des abonnés"],
}

#: Normalised bucket header → canonical ``dimension``.
DIMENSIONS = {
    "seniority": "seniority",
    "anciennete": "seniority",
    "niveau hierarchique": "seniority",
    "job function": "job_function",
    "fonction": "job_function",
    "industry": "industry",
    "secteur": "industry",
    "company size": "company_size",
    "taille de l'entreprise": "company_size",
    "location": "location",
    "lieu": "location",
    "country": "country",
    "pays": "country",
}

#: Field → header variants of the demographic sheets.
DEMOGRAPHIC_COLUMNS = {
    "bucket": [
        "Seniority", "Job function", "Industry", "Company size", "Location", "Country",
        "Ancienneté", "Niveau hiérarchique", "Fonction", "Secteur", "Taille de l'entreprise",
        "Lieu", "Pays",
    ],
    "count": ["Total followers", "Followers", "Total des abonnés", "Abonnés"],
}

_URN = re.compile(
    r"urn(?::|%3A)li(?::|%3A)(activity|share|ugcPost)(?::|%3A)(\d{6,20})"
    r"|[-_]activity[-_](\d{15,20})",
    re.IGNORECASE,
)
_SPONSORED = {"sponsored", "sponsorise", "sponsorisee", "paid", "promoted", "ad", "sponsorisé"}
_ORGANIC = {"organic", "organique", "non sponsorise", "non sponsorisee"}


def _exported_at(table: Table) -> pd.Timestamp | None:
    return workbook_exported_at(table) or exported_at_from_path(table.path)


def _sheet_column(table: Table, n: int) -> pd.Series:
    return pd.Series([table.sheet] * n, dtype="str")


def _urn_ids(links: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(post_id = ``urn:li:<kind>:<number>``, the number alone) from each link."""
    def one(s):
        if not isinstance(s, str):
            return None
        m = _URN.search(s)
        if m is None:
            return None
        if m.group(3):
            return f"urn:li:activity:{m.group(3)}"
        kind = m.group(1).lower()
        kind = "ugcPost" if kind == "ugcpost" else kind
        return f"urn:li:{kind}:{m.group(2)}"

    urns = links.map(one).astype("str")
    numbers = urns.map(lambda u: None if pd.isna(u) else u.rsplit(":", 1)[-1]).astype("str")
    return urns, numbers


def _parse_content(table: Table):
    links = table.texts("permalink")
    n = len(links)
    ids, numbers = _urn_ids(links)
    missing = ids.isna().to_numpy()
    if missing.any():
        table.issue(missing, "post_id", links, "no LinkedIn URN (urn:li:activity:<id>) in the link")

    created = table.dates("published_at", column="Created date")
    if getattr(table, "tz_aware", False):  # never seen; keep the instant
        created_utc = created
        day_only = pd.Series(False, index=created.index)
    else:
        has_time = created.notna() & (created != created.dt.normalize())
        day_only = created.notna() & ~has_time
        created_utc = pd.Series(pd.NaT, index=created.index, dtype="datetime64[us, UTC]")
        if has_time.any():
            created_utc[has_time] = (
                created[has_time]
                .dt.tz_localize(table.timezone, ambiguous="NaT", nonexistent="shift_forward")
                .dt.tz_convert("UTC")
            )
        if day_only.any():
            created_utc[day_only] = local_midnight_utc(created[day_only], table.timezone)
    exact = snowflake_times(numbers, epoch_ms=0)
    # the decoded instant must fall on the local day of 'Created date' (± 1 day)
    local_day = created.dt.normalize()
    exact_local = exact.dt.tz_convert(table.timezone).dt.tz_localize(None).dt.normalize()
    agree = exact.notna() & created.notna() & ((exact_local - local_day).abs() <= pd.Timedelta(1, "D"))
    published = created_utc.where(~(agree & day_only), exact)
    precision = np.where(day_only & ~agree, "day", "exact")
    if (day_only & ~agree).any():
        table.warn(
            f"{int((day_only & ~agree).sum())} post(s): only the day of publication is known "
            f"(time set to local midnight, {table.timezone})"
        )

    post_type = table.texts("post_type")
    norm = post_type.map(lambda v: None if pd.isna(v) else _sniff.normalize_header(v))
    is_paid = pd.array(
        [True if v in _SPONSORED else False if v in _ORGANIC else pd.NA for v in norm],
        dtype="boolean",
    )
    unknown = norm.notna() & pd.isna(pd.Series(is_paid))
    if unknown.any():
        table.warn(
            "Post type values not understood as Organic/Sponsored: "
            + ", ".join(sorted(set(post_type[unknown])))
        )
    rows = pd.DataFrame(
        {
            "post_id": ids,
            "published_at": published.astype("datetime64[us, UTC]"),
            "media_type": table.texts("content_type"),
            "text": table.texts("text"),
            "permalink": links,
            "is_paid": is_paid,
        }
    )
    for canon in ("impressions", "views", "clicks", "likes", "comments", "shares", "follows"):
        if table.has(canon):
            rows[canon] = counts(table, canon)
    rows[PRECISION] = pd.Series(precision, dtype="str")
    rows["source_sheet"] = _sheet_column(table, n)
    rows = keep_raw(table, rows, ["post_type", "engagement_rate", "ctr"])
    return table.result(
        rows, timezone="UTC", exported_at=_exported_at(table), metric_era="impressions"
    )


def _parse_metrics(table: Table):
    """``Metrics`` sheet → long ``page_metrics`` rows (date, metric, value)."""
    day = day_labels(table.dates("date", column="Date"))
    date_pos = set(table.fields["date"])
    parts, rates = [], []
    for p, header in enumerate(table.header):
        if p in date_pos or not header.strip():
            continue
        if "rate" in table.normalized[p] or "taux" in table.normalized[p]:
            rates.append(header)
            continue
        raw = table.raw_position(p)
        vals, bad = _sniff.to_integers(raw, decimal=None)  # counts: see counts()
        table.issue(bad.to_numpy(), header, raw, "not a whole number")
        if (vals < 0).any():
            table.warn(f"{header}: negative daily values (un-reactions), kept as they are")
        parts.append(pd.DataFrame({"source_row": table.source_rows, "date": day,
                                   "metric": header, "value": vals}))
    if rates:
        table.warn(f"rate columns not kept (ratios of the counts): {', '.join(rates)}")
    rows = (pd.concat(parts, ignore_index=True) if parts else
            pd.DataFrame({"source_row": pd.Series(dtype="int64"),
                          "date": pd.Series(dtype="datetime64[us, UTC]"),
                          "metric": pd.Series(dtype="str"), "value": pd.Series(dtype="Int64")}))
    rows["source_sheet"] = _sheet_column(table, len(rows))
    return table.result(rows, table="page_metrics", timezone="UTC",
                        exported_at=_exported_at(table), extras=False)


def _parse_followers(table: Table):
    day = table.dates("date", column="Date")
    n = len(day)
    total = counts(table, "total")
    if table.has("total"):
        new = total
    else:
        parts = [counts(table, k) for k in ("sponsored", "organic", "auto_invited") if table.has(k)]
        new = sum(p.fillna(0) for p in parts).astype("Int64")
        new = new.where(pd.concat(parts, axis=1).notna().any(axis=1))
        table.warn("no 'Total followers' column: new followers = sum of the parts")
    rows = pd.DataFrame(
        {
            "date": day_labels(day),
            "followers": pd.array([pd.NA] * n, dtype="Int64"),
            "new_followers": new.astype("Int64"),
            "lost_followers": pd.array([pd.NA] * n, dtype="Int64"),
        }
    )
    rows["source_sheet"] = _sheet_column(table, n)
    rows = keep_raw(table, rows, ["sponsored", "organic", "auto_invited", "total"])
    return table.result(rows, table="followers", timezone="UTC", exported_at=_exported_at(table))


def _parse_demographics(table: Table):
    pos = table.fields["bucket"][0]
    header = table.normalized[pos]
    dimension = DIMENSIONS.get(header, header.replace(" ", "_"))
    bucket = table.texts("bucket")
    count = counts(table, "count")
    n = len(bucket)
    blank = bucket.isna().to_numpy()
    if blank.any():
        table.issue(blank, table.header[pos], bucket, "empty bucket label")
    total = count.sum(skipna=True)
    share = (count.astype("Float64") / total) if total else count.astype("Float64") * np.nan
    exported = _exported_at(table)
    if exported is None:
        table.issue(
            np.ones(n, dtype=bool), "date", bucket,
            "export date unknown: demographics are a snapshot as of the export",
        )
        date = pd.Series(pd.NaT, index=range(n), dtype="datetime64[us, UTC]")
    else:
        local = exported.tz_convert(table.timezone).tz_localize(None).normalize()
        date = day_labels(pd.Series([local] * n))
    rows = pd.DataFrame(
        {
            "date": date,
            "dimension": pd.Series([dimension] * n, dtype="str"),
            "bracket": bucket,
            "share": share.astype("float64"),
        }
    )
    rows["source_sheet"] = _sheet_column(table, n)
    rows = keep_raw(table, rows, ["count"])
    return table.result(rows, table="audience", timezone="UTC", exported_at=exported)


register(
    Layout(
        name="linkedin_content",
        network="linkedin",
        table="posts",
        kind="xlsx",
        columns=CONTENT_COLUMNS,
        signature=("text", "permalink", "post_type", "published_at", "impressions"),
        parse=_parse_content,
        description="LinkedIn Page content export, sheet 'All posts'",
    )
)
register(
    Layout(
        name="linkedin_content_metrics",
        network="linkedin",
        table="page_metrics",
        kind="xlsx",
        columns=METRICS_COLUMNS,
        signature=("date", "impressions", ("clicks", "reactions")),
        parse=_parse_metrics,
        description="LinkedIn Page content export, sheet 'Metrics' (page-level, daily)",
    )
)
register(
    Layout(
        name="linkedin_followers",
        network="linkedin",
        table="followers",
        kind="xlsx",
        columns=FOLLOWERS_COLUMNS,
        signature=("date", "total", ("organic", "sponsored")),
        parse=_parse_followers,
        description="LinkedIn Page followers export, sheet 'New followers'",
    )
)
register(
    Layout(
        name="linkedin_followers_demographics",
        network="linkedin",
        table="audience",
        kind="xlsx",
        columns=DEMOGRAPHIC_COLUMNS,
        signature=("bucket", "count"),
        parse=_parse_demographics,
        description="LinkedIn Page followers export, demographic sheets (Seniority...)",
    )
)
