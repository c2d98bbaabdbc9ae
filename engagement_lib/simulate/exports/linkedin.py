"""Writers of LinkedIn Page analytics workbooks: mirrors of :mod:`engagement_lib.readers.linkedin`.

Two layouts (``shared/reference/export_formats.md`` §4), both ``.xlsx`` workbooks
whose sheets start with a one-line note, the header being on row 2:

``linkedin_content``
    Sheets ``Metrics`` (daily, page-level) and ``All posts`` (one row per post). The
    post labels come in two eras: ``"update"`` (``Update title, Update link, Update
    type, …, Shares, …``) and ``"post"`` (``Post title, Post link, Post type, Campaign
    name, …, Reposts, …, Content Type``). ``Post type`` says ``Organic`` or
    ``Sponsored`` (→ ``is_paid``); ``Content Type`` carries the media label.
    ``Created date`` is ``MM/DD/YYYY`` (a date only). ``Post link`` is the truth's
    ``permalink``, else ``https://www.linkedin.com/feed/update/<urn>`` built from
    ``post_id`` (``urn:li:activity:<n>``, or a bare number taken as an activity).
``linkedin_followers``
    Sheet ``New followers`` (``Date, Sponsored followers, Organic followers,
    Auto-invited followers, Total followers``; *Total followers* is the number of new
    followers that day) and one demographic sheet per audience dimension
    (``Seniority``, ``Job function``, ``Industry``, ``Company size``, ``Location``,
    ``Country``), each a bucket column and a ``Total followers`` count.

The export time is stored in the workbook properties (``created``) and as epoch
milliseconds in the file name ``<account>_content_<ms>.xlsx`` /
``<account>_followers_<ms>.xlsx`` (the millisecond suffix is our recollection of
LinkedIn's names, not confirmed; the words ``content``/``followers`` are).

Labels are written in English whatever ``language``: LinkedIn's French labels are
unknown (see the reference, §8). ``resave`` and ``mangle_ids`` do not apply to a
workbook (the link is text, there is no numeric ID column).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from openpyxl import Workbook

from . import _xlsx
from ._social_common import check_posts, local_days, target_path, utc

__all__ = ["WRITERS", "write_content", "write_followers", "POST_LABELS_FROM", "CONTENT_TYPES"]

#: Approximate date LinkedIn moved from "Update …/Shares" to "Post …/Reposts" labels
#: (inferred; used only when ``era`` is not given).
POST_LABELS_FROM = pd.Timestamp("2023-06-01", tz="UTC")

#: Canonical media type → LinkedIn ``Content Type`` label (inferred values).
CONTENT_TYPES = {
    "photo": "Image",
    "album": "Multi-image",
    "video": "Video",
    "reel": "Video",
    "link": "Article",
    "text": "Text",
    "event": "Event",
    "live": "Live video",
    "story": "Other",
    "other": "Other",
}

_NOTE_POSTS = (
    "All posts, including sponsored and organic content. Metrics are lifetime totals "
    "as of the export date."
)
_NOTE_METRICS = "Aggregated metrics by day for the selected time range."
_NOTE_FOLLOWERS = "New followers by day for the selected time range."
_NOTE_DEMO = "Follower demographics as of the export date (top values)."

_METRICS_HEADER = [
    "Date",
    "Impressions (organic)",
    "Impressions (sponsored)",
    "Impressions (total)",
    "Unique impressions (organic)",
    "Clicks (organic)",
    "Clicks (sponsored)",
    "Clicks (total)",
    "Reactions (organic)",
    "Reactions (sponsored)",
    "Reactions (total)",
    "Comments (organic)",
    "Comments (sponsored)",
    "Comments (total)",
    "{shares} (organic)",
    "{shares} (sponsored)",
    "{shares} (total)",
    "Engagement rate (organic)",
    "Engagement rate (sponsored)",
    "Engagement rate (total)",
]

_DEMO_SHEETS = {
    "seniority": "Seniority",
    "job_function": "Job function",
    "industry": "Industry",
    "company_size": "Company size",
    "location": "Location",
    "country": "Country",
}


def _num(value):
    return None if value is None or pd.isna(value) else int(value)


def _nums(values: pd.Series) -> list:
    """:func:`_num` of every value of a column, in one pass."""
    missing = values.isna().to_numpy(dtype=bool)
    return [None if na else int(v) for v, na in zip(values.tolist(), missing, strict=True)]


def _md_y(ts) -> str:
    ts = pd.Timestamp(ts)
    return f"{ts.month:02d}/{ts.day:02d}/{ts.year}"


def _md_y_all(days: pd.Series) -> list[str]:
    """:func:`_md_y` of every timestamp of a datetime column, in one pass."""
    if days.isna().any():  # NaT: the same error as one by one
        return [_md_y(ts) for ts in days]
    parts = zip(days.dt.month.tolist(), days.dt.day.tolist(), days.dt.year.tolist(), strict=True)
    return [f"{m:02d}/{d:02d}/{y}" for m, d, y in parts]


def _sheet(wb: Workbook, title: str, note: str, header: list[str], rows: list[list]):
    """A new empty sheet and the rows it receives (written by :func:`_save`)."""
    return wb.create_sheet(title), [[note], header, *rows]


def _save(wb: Workbook, out, exported: pd.Timestamp, sheets):
    if "Sheet" in wb.sheetnames and len(wb.sheetnames) > 1:
        del wb["Sheet"]
    wb.properties.created = exported.tz_convert("UTC").tz_localize(None).to_pydatetime()
    wb.properties.creator = "LinkedIn"
    _xlsx.save(wb, sheets, out)
    return out


def _name(table: pd.DataFrame, kind: str, exported: pd.Timestamp) -> str:
    account = "page"
    if "account" in table.columns and table["account"].notna().any():
        account = str(table["account"].dropna().iloc[0]).strip().replace(" ", "_") or "page"
    ms = int(exported.value // 1_000_000)  # .value is in nanoseconds whatever the unit
    return f"{account}_{kind}_{ms}.xlsx"


def _rate(num, den) -> float:
    return float(num) / float(den) if den else 0.0


def write_content(
    table: pd.DataFrame,
    path,
    *,
    exported_at,
    language: str = "en",
    resave=None,
    mangle_ids: float = 0.0,
    rng=None,
    era: str | None = None,
    timezone: str = "Europe/Paris",
):
    """Write a posts table as a LinkedIn content workbook (``Metrics`` + ``All posts``).

    Parameters
    ----------
    table : pandas.DataFrame
        Canonical posts of one LinkedIn Page.
    path : str or pathlib.Path
        File to write, or a folder (then ``<account>_content_<ms>.xlsx`` inside).
    exported_at : timestamp-like
        Stored as the workbook's ``created`` property and in the file name.
    language, resave, mangle_ids : see the module docstring (no effect here).
    rng : numpy.random.Generator or int, optional
        Randomness for the page-level ``Unique impressions`` (seed 0 if None).
    era : {"update", "post"} or None
        Label era; None picks ``"post"`` for exports from 2023-06-01 on.
    timezone : str, default "Europe/Paris"
        Zone of the calendar day written in ``Created date``.

    Returns
    -------
    pathlib.Path
    """
    table = check_posts(table, ("post_id", "published_at"), layout="linkedin_content")
    rng = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng or 0)
    exported = utc(exported_at)
    if era is None:
        era = "post" if exported >= POST_LABELS_FROM else "update"
    if era not in ("update", "post"):
        raise ValueError(f"era must be 'update' or 'post', got {era!r}")
    out = target_path(path, _name(table, "content", exported))
    table["published_at"] = pd.to_datetime(table["published_at"], utc=True)
    table = table.sort_values("published_at", ascending=False, kind="stable")
    local_day = table["published_at"].dt.tz_convert(timezone).dt.tz_localize(None).dt.normalize()

    def col(name):
        return table[name] if name in table.columns else pd.Series(pd.NA, index=table.index)

    paid = col("is_paid").astype("boolean").fillna(False).to_numpy(dtype=bool)
    if era == "post":
        header = [
            "Post title", "Post link", "Post type", "Campaign name", "Posted by",
            "Created date", "Campaign start date", "Campaign end date", "Audience",
            "Impressions", "Views (excluding off-site video views)", "Off-site views",
            "Clicks", "Click through rate (CTR)", "Likes", "Comments", "Reposts", "Follows",
            "Engagement rate", "Content Type",
        ]
    else:
        header = [
            "Update title", "Update link", "Update type", "Posted by", "Created date",
            "Impressions", "Clicks", "Click through rate (CTR)", "Likes", "Comments",
            "Shares", "Follows", "Engagement rate",
        ]
    # one pass per column (a row-wise loop over pandas rows dominated the bundle's write time)
    counts = {k: _nums(col(k)) for k in ("impressions", "views", "clicks", "likes", "comments",
                                          "shares", "follows")}
    post_ids = [str(v) for v in table["post_id"].tolist()]
    links = col("permalink").tolist()
    texts = col("text").tolist()
    accounts = table["account"].tolist() if "account" in table.columns else [""] * len(table)
    media = table["media_type"].tolist() if "media_type" in table.columns else [None] * len(table)
    days = _md_y_all(local_day)
    rows = []
    for i, post_id in enumerate(post_ids):
        imp, views, clicks = counts["impressions"][i], counts["views"][i], counts["clicks"][i]
        inter = sum(
            v for v in (counts[k][i] for k in ("clicks", "likes", "comments", "shares", "follows"))
            if v is not None
        )
        link = links[i]
        if not isinstance(link, str) or not link:
            urn = post_id if post_id.startswith("urn:li:") else f"urn:li:activity:{post_id}"
            link = f"https://www.linkedin.com/feed/update/{urn}"
        text = texts[i]
        text = "" if text is None or pd.isna(text) else str(text)
        is_paid = bool(paid[i])
        values = {
            "title": text,
            "link": link,
            "type": "Sponsored" if is_paid else "Organic",
            "Campaign name": f"Campaign {post_id.rsplit(':', 1)[-1]}" if is_paid else "",
            "Posted by": str(accounts[i] or ""),
            "Created date": days[i],
            "Campaign start date": days[i] if is_paid else "",
            "Campaign end date": "",
            "Audience": "All followers" if not is_paid else "Targeted",
            "Impressions": imp,
            "Views (excluding off-site video views)": views,
            "Off-site views": 0 if views is not None else None,
            "Clicks": clicks,
            "Click through rate (CTR)": _rate(clicks or 0, imp) if imp is not None else None,
            "Likes": counts["likes"][i],
            "Comments": counts["comments"][i],
            "Reposts": counts["shares"][i],
            "Shares": counts["shares"][i],
            "Follows": counts["follows"][i],
            "Engagement rate": _rate(inter, imp) if imp is not None else None,
            "Content Type": CONTENT_TYPES.get(str(media[i]), "Other"),
        }
        for key in ("title", "link", "type"):
            values[f"Post {key}"] = values[f"Update {key}"] = values[key]
        rows.append([values[h] for h in header])

    # page-level daily metrics: the posts' totals by day of creation (simulated)
    daily = []
    day_values = local_day.to_numpy()
    known = ~np.isnat(day_values)
    unique_days, code = np.unique(day_values[known], return_inverse=True)
    # positions of each (day, paid) group, in table order as a boolean mask would keep them
    group = np.full(len(table), -1)
    group[known] = 2 * code + paid[known]
    order = np.argsort(group, kind="stable")
    bounds = np.searchsorted(group[order], np.arange(2 * len(unique_days) + 1))
    metrics = ("impressions", "clicks", "likes", "comments", "shares")
    numeric = {m: pd.to_numeric(col(m), errors="coerce").fillna(0).to_numpy()[order]
               for m in metrics}
    for d, day in enumerate(_md_y_all(pd.Series(unique_days))):
        line = [day]
        sums = {}
        for metric in metrics:
            v = numeric[metric]
            organic = v[bounds[2 * d]:bounds[2 * d + 1]]
            sponsored = v[bounds[2 * d + 1]:bounds[2 * d + 2]]
            sums[metric] = (int(organic.sum()), int(sponsored.sum()))
        o, s = sums["impressions"]
        unique = int(rng.binomial(o, 0.7)) if o else 0
        line += [o, s, o + s, unique]
        for metric in ("clicks", "likes", "comments", "shares"):
            o_, s_ = sums[metric]
            line += [o_, s_, o_ + s_]
        eng = [sum(sums[m][k] for m in ("clicks", "likes", "comments", "shares")) for k in (0, 1)]
        line += [_rate(eng[0], o), _rate(eng[1], s), _rate(sum(eng), o + s)]
        daily.append(line)
    shares_word = "Reposts" if era == "post" else "Shares"
    metrics_header = [h.format(shares=shares_word) for h in _METRICS_HEADER]

    wb = Workbook()
    sheets = [
        _sheet(wb, "Metrics", _NOTE_METRICS, metrics_header, daily),
        _sheet(wb, "All posts", _NOTE_POSTS, header, rows),
    ]
    return _save(wb, out, exported, sheets)


def write_followers(
    table,
    path,
    *,
    exported_at,
    language: str = "en",
    resave=None,
    mangle_ids: float = 0.0,
    rng=None,
    audience: pd.DataFrame | None = None,
    audience_base: int = 10_000,
    timezone: str = "Europe/Paris",
):
    """Write a followers table (and optionally an audience table) as a followers workbook.

    Parameters
    ----------
    table : pandas.DataFrame or dict
        Canonical followers rows (``date``, ``new_followers``); a dict
        ``{"followers": ..., "audience": ...}`` is accepted too. ``followers`` and
        ``lost_followers`` are not written: LinkedIn exports neither.
    path : str or pathlib.Path
        File to write, or a folder (then ``<account>_followers_<ms>.xlsx`` inside).
    exported_at : timestamp-like
        Stored as the workbook's ``created`` property and in the file name.
    rng : numpy.random.Generator or int, optional
        Splits each day's new followers into sponsored / organic / auto-invited.
    audience : pandas.DataFrame, optional
        Canonical audience rows (``dimension``, ``bracket``, ``share``) of the dimensions
        ``seniority``, ``job_function``, ``industry``, ``company_size``, ``location``,
        ``country``: one demographic sheet each, counts = ``round(share * audience_base)``.
    audience_base : int, default 10000
        Follower count the shares are turned into counts with.
    timezone : str, default "Europe/Paris"
        Each ``date`` (UTC instant of a local midnight) is written as its local day.

    Returns
    -------
    pathlib.Path
    """
    if isinstance(table, dict):
        audience = table.get("audience", audience)
        table = table["followers"]
    table = check_posts(table, ("date", "new_followers"), layout="linkedin_followers")
    rng = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng or 0)
    exported = utc(exported_at)
    out = target_path(path, _name(table, "followers", exported))
    table["date"] = local_days(table["date"], timezone)
    table = table.sort_values("date", kind="stable")
    rows = []
    for _, row in table.iterrows():
        total = _num(row["new_followers"])
        if total is None:
            rows.append([_md_y(row["date"]), None, None, None, None])
            continue
        sponsored = int(rng.binomial(total, 0.05))
        auto = int(rng.binomial(total - sponsored, 0.02))
        rows.append([_md_y(row["date"]), sponsored, total - sponsored - auto, auto, total])
    wb = Workbook()
    sheets = [_sheet(
        wb,
        "New followers",
        _NOTE_FOLLOWERS,
        ["Date", "Sponsored followers", "Organic followers", "Auto-invited followers",
         "Total followers"],
        rows,
    )]
    if audience is not None and len(audience):
        unknown = sorted(set(audience["dimension"]) - set(_DEMO_SHEETS))
        if unknown:
            raise ValueError(
                f"linkedin_followers: no LinkedIn sheet for audience dimension(s) {unknown}; "
                f"expected {sorted(_DEMO_SHEETS)}"
            )
        for dim, sheet in _DEMO_SHEETS.items():
            part = audience[audience["dimension"] == dim]
            if not len(part):
                continue
            part = part.sort_values("share", ascending=False, kind="stable")
            demo = [
                [str(b), int(round(float(s) * audience_base))]
                for b, s in zip(part["bracket"], part["share"], strict=True)
            ]
            sheets.append(_sheet(wb, sheet, _NOTE_DEMO, [sheet, "Total followers"], demo))
    return _save(wb, out, exported, sheets)


#: Layout name → writer, merged by :mod:`engagement_lib.simulate.exports`.
WRITERS = {"linkedin_content": write_content, "linkedin_followers": write_followers}
