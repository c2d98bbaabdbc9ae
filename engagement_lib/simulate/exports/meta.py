"""Meta (Facebook, Instagram) export writers: the mirror of :mod:`engagement_lib.readers.meta`.

Each writer takes ONE account's canonical rows (see :mod:`engagement_lib.schema`,
UTC timestamps) and writes the file Meta would give, following
``/work/shared/reference/export_formats.md``:

========================================  ==========================================
layout                                    file
========================================  ==========================================
``facebook_insights_legacy``              legacy Post Level CSV (2015-era Key Metrics
                                          with flattened action-type breakdowns)
``facebook_insights_legacy_xlsx``         legacy workbook: Key Metrics + breakdown
                                          sheets (likes/comments/shares, clicks)
``meta_business_suite_posts``             MBS Facebook posts CSV (EN, FR, bilingual)
``meta_business_suite_instagram``         MBS Instagram posts CSV (EN, FR, bilingual)
``meta_daily_series``                     UTF-16 daily series (followers table)
``meta_audience``                         demographic distribution CSV (audience table)
``facebook_graph_json``                   Graph API posts + insights (JSON)
``instagram_graph_json``                  Graph API media + insights (JSON)
========================================  ==========================================

Conventions shared by all writers:

* Local wall-clock times (legacy ``Posted``, MBS ``Publish time``) are the UTC
  truth converted to ``timezone`` (default ``Europe/Paris``), as the reader
  assumes; JSON keeps UTC with ``+0000``.
* A missing metric (``<NA>``) is an empty cell (a JSON insight left out), never 0.
* Facebook truth IDs are ``{page_id}_{post_id}``: legacy and Graph files keep
  them whole; MBS writes the bare post ID and the page ID in ``Page ID``
  (the reader joins them back).
* ``resave``/``mangle_ids`` (see :mod:`._mess`) apply to CSV layouts; workbooks
  and JSON keep typed values and ignore them.
* ``exported_at`` goes into the file name (date range ending on the export
  day), the workbook properties or the JSON metadata.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import numpy as np
import pandas as pd

from . import _mess, _xlsx

__all__ = [
    "write_legacy_csv",
    "write_legacy_xlsx",
    "write_mbs_facebook",
    "write_mbs_instagram",
    "write_daily_series",
    "write_audience",
    "write_facebook_graph",
    "write_instagram_graph",
    "WRITERS",
    "FB_VIEWS_ERA_START",
    "IG_VIEWS_ERA_START",
]

#: First export day of the "Views" era (Meta replaced impressions by views).
FB_VIEWS_ERA_START = pd.Timestamp("2025-06-15", tz="UTC")  # [INFERRED] API deprecation date
IG_VIEWS_ERA_START = pd.Timestamp("2025-04-21", tz="UTC")  # [CONFIRMED] API change

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

# canonical media type -> raw label per layout family and language
_LEGACY_TYPES = {"photo": "Photo", "album": "Photo", "video": "Video", "reel": "Video",
                 "live": "Video", "link": "Link", "text": "Status", "event": "Event",
                 "story": "Photo", "other": "Status"}
_MBS_TYPES = {
    "en": {"photo": "Photos", "album": "Albums", "video": "Videos", "reel": "Reels",
           "live": "Live videos", "link": "Links", "text": "Text", "event": "Events",
           "story": "Stories", "other": "Others"},
    # 2026 French exports type Reels "Vidéos": only the /reel/ permalink tells them apart
    "fr": {"photo": "Photos", "album": "Albums", "video": "Vidéos", "reel": "Vidéos",
           "live": "Vidéos en direct", "link": "Liens", "text": "Texte", "event": "Événements",
           "story": "Stories", "other": "Autres"},
}
_IG_TYPES = {"photo": "IG image", "album": "IG carousel", "video": "IG reel", "reel": "IG reel",
             "story": "IG story", "live": "IG reel", "link": "IG image", "text": "IG image",
             "event": "IG image", "other": "IG image"}
_FB_GRAPH_TYPES = {"photo": "added_photos", "album": "added_photos", "video": "added_video",
                   "reel": "added_video", "live": "added_video", "link": "shared_story",
                   "text": "mobile_status_update", "event": "created_event",
                   "story": "added_photos", "other": "mobile_status_update"}
_IG_GRAPH_TYPES = {"photo": ("IMAGE", "FEED"), "album": ("CAROUSEL_ALBUM", "FEED"),
                   "video": ("VIDEO", "FEED"), "reel": ("VIDEO", "REELS"),
                   "story": ("IMAGE", "STORY"), "live": ("VIDEO", "FEED"),
                   "link": ("IMAGE", "FEED"), "text": ("IMAGE", "FEED"),
                   "event": ("IMAGE", "FEED"), "other": ("IMAGE", "FEED")}
_VIDEO_TYPES = frozenset({"video", "reel", "live"})


# ---------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------


def _utc(value) -> pd.Timestamp:
    ts = pd.Timestamp(value)
    return ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")


def _rng(rng) -> np.random.Generator:
    return rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng or 0)


def _check(table: pd.DataFrame, required: tuple[str, ...], layout: str) -> pd.DataFrame:
    missing = [c for c in required if c not in table.columns]
    if missing:
        raise ValueError(f"{layout}: the table lacks column(s) {', '.join(missing)}; found "
                         f"{', '.join(map(str, table.columns))}")
    out = table.copy()
    for col in ("published_at", "date"):
        if col in out:
            out[col] = pd.to_datetime(out[col], utc=True)
    return out.reset_index(drop=True)


def _target(path, default_name: str) -> Path:
    path = Path(path)
    if path.is_dir() or not path.suffix:
        path.mkdir(parents=True, exist_ok=True)
        return path / default_name
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def _mbs_day(ts: pd.Timestamp) -> str:
    return f"{_MONTHS[ts.month - 1]}-{ts.day:02d}-{ts.year}"


def _span(dates: pd.Series, exported: pd.Timestamp) -> tuple[pd.Timestamp, pd.Timestamp]:
    end = exported.normalize()
    d = pd.to_datetime(pd.Series(dates), utc=True).dropna()
    start = d.min().normalize() if len(d) else end
    return min(start, end), end


def _int(value) -> str:
    return "" if value is None or pd.isna(value) else str(int(value))


def _get(row, col):
    v = row.get(col) if hasattr(row, "get") else None
    return None if v is None or (not isinstance(v, str) and pd.isna(v)) else v


def _local(ts: pd.Timestamp, tz: str) -> pd.Timestamp:
    return ts.tz_convert(tz).tz_localize(None)


def _legacy_posted(ts: pd.Timestamp, tz: str) -> str:
    t = _local(ts, tz)
    return f"{t.month}/{t.day}/{t.year} {t.hour}:{t.minute:02d}"


def _mbs_time(ts: pd.Timestamp, tz: str) -> str:
    return f"{_local(ts, tz):%m/%d/%Y %H:%M}"


def _split_id(post_id: str) -> tuple[str | None, str]:
    s = str(post_id)
    if "_" in s:
        page, post = s.split("_", 1)
        return page, post
    return None, s


def _account_name(table: pd.DataFrame, default: str = "Page") -> str:
    if "account" in table and table["account"].notna().any():
        return str(table["account"].dropna().iloc[0])
    return default


def _page_id(table: pd.DataFrame) -> str:
    for pid in table.get("post_id", pd.Series(dtype="object")).dropna():
        page, _ = _split_id(pid)
        if page:
            return page
    if "account_id" in table and table["account_id"].notna().any():
        return str(table["account_id"].dropna().iloc[0])
    return "100000000000001"


def _ig_account_id(table: pd.DataFrame) -> str:
    if "account_id" in table and table["account_id"].notna().any():
        return str(table["account_id"].dropna().iloc[0])
    return "17841400000000001"


def _permalink(row, page: str, network: str) -> str:
    link = _get(row, "permalink")
    if link:
        return str(link)
    _, post = _split_id(row["post_id"])
    kind = _get(row, "media_type")
    if network == "instagram":
        return f"https://www.instagram.com/{'reel' if kind == 'reel' else 'p'}/{post}/"
    if kind == "reel":
        return f"https://www.facebook.com/reel/{post}"
    if kind in ("video", "live"):
        return f"https://www.facebook.com/{page}/videos/{post}/"
    return f"https://www.facebook.com/{page}/posts/{post}"


def _write_csv(path: Path, rows: list[list], *, encoding="utf-8-sig", newline="\n",
               quote_all=False, preamble: list[str] = ()) -> Path:
    buf = io.StringIO(newline="")
    for line in preamble:
        buf.write(line + newline)
    writer = csv.writer(buf, lineterminator=newline,
                        quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL)
    writer.writerows(rows)
    text = buf.getvalue()
    if encoding == "utf-16-le":
        path.write_bytes(b"\xff\xfe" + text.encode("utf-16-le"))
    else:
        path.write_bytes(text.encode(encoding))
    return path


def _apply_mess(path: Path, resave, mangle_ids, id_columns, rng) -> Path:
    return _mess.apply(path, resave=resave, mangle_ids=mangle_ids, id_columns=id_columns,
                       rng=rng)


def _parts(total, share: float) -> tuple[object, object]:
    """Split a count into (organic, paid) with ``share`` paid (NA stays NA)."""
    if total is None or pd.isna(total):
        return None, None
    paid = int(round(int(total) * share))
    return int(total) - paid, paid


# ---------------------------------------------------------------------------
# Legacy "Facebook Insights Data Export (Post Level)"
# ---------------------------------------------------------------------------

_LEGACY_DESC = [
    ("Post ID", ""), ("Permalink", ""), ("Post Message", ""), ("Type", ""), ("Countries", ""),
    ("Languages", ""), ("Posted", ""), ("Audience Targeting", ""),
    ("Lifetime Post Total Reach",
     "Lifetime: The total number of people your Page post was served to. (Unique Users)"),
    ("Lifetime Post organic reach",
     "Lifetime: The number of people who saw your Page post in News Feed or ticker, or on "
     "your Page's Timeline. (Unique Users)"),
    ("Lifetime Post Paid Reach",
     "Lifetime: The number of people your advertised Page post was served to. (Unique Users)"),
    ("Lifetime Post Total Impressions",
     "Lifetime: The number of impressions of your Page post. (Total Count)"),
    ("Lifetime Post Organic Impressions",
     "Lifetime: The number of impressions of your post in News Feed or ticker or on your "
     "Page's Timeline. (Total Count)"),
    ("Lifetime Post Paid Impressions",
     "Lifetime: The number of impressions of your Page post in an Ad or Sponsored Story. "
     "(Total Count)"),
    ("Lifetime Engaged Users",
     "Lifetime: The number of people who clicked anywhere in your posts. (Unique Users)"),
    ("Lifetime Post Consumers",
     "Lifetime: The number of people who clicked anywhere in your post. (Unique Users)"),
    ("Lifetime Post Consumptions",
     "Lifetime: The number of clicks anywhere in your post. (Total Count)"),
    ("Lifetime Negative feedback",
     "Lifetime: The number of times people have given negative feedback to your post. "
     "(Total Count)"),
    ("Lifetime Organic Video Views",
     "Lifetime: Number of times your video was viewed for more than 3 seconds without any "
     "paid promotion. (Total Count)"),
    ("Lifetime Organic Video Views",
     "Lifetime: Number of people who viewed your video for more than 3 seconds without any "
     "paid promotion. (Unique Users)"),
    ("Lifetime Paid Video Views",
     "Lifetime: Number of times your video was viewed for more than 3 seconds after paid "
     "promotion. (Total Count)"),
    ("Lifetime Paid Video Views",
     "Lifetime: Number of people who viewed your video for more than 3 seconds after paid "
     "promotion. (Unique Users)"),
    ("Lifetime Organic views to 95%",
     "Lifetime: Number of times your video was viewed to 95% of its length without any paid "
     "promotion. (Total Count)"),
    ("Lifetime Organic views to 95%",
     "Lifetime: Number of people who viewed your video to 95% of its length without any paid "
     "promotion. (Unique Users)"),
    ("Lifetime Paid views to 95%",
     "Lifetime: Number of times your video was viewed to 95% of its length after paid "
     "promotion. (Total Count)"),
    ("Lifetime Paid views to 95%",
     "Lifetime: Number of people who viewed your video to 95% of its length after paid "
     "promotion. (Unique Users)"),
    ("Lifetime Video length", "Lifetime: Length of a video post (Total Count)"),
]
_ACTIONS = ("like", "comment", "share")
_CONSUMER_KEYS = ("link clicks", "other clicks", "photo view", "video play")


def _legacy_rows(table: pd.DataFrame, tz: str, rng: np.random.Generator,
                 with_breakdowns: bool) -> tuple[list[str], list[str], list[list]]:
    header = [h for h, _ in _LEGACY_DESC]
    desc = [d for _, d in _LEGACY_DESC]
    if with_breakdowns:
        for prefix, unit in (("Lifetime Post Stories by action type - ", "Total Count"),
                             ("Lifetime Talking About This (Post) by action type - ",
                              "Unique Users")):
            for a in _ACTIONS:
                header.append(prefix + a)
                desc.append(f"Lifetime: {prefix.strip(' -')} ({unit})")
    page = _page_id(table)
    rows = []
    for r in table.to_dict("records"):
        kind = _get(r, "media_type") or "other"
        reach, imp = _get(r, "reach"), _get(r, "impressions")
        paid = bool(_get(r, "is_paid"))
        share = 0.3 if paid else 0.0
        reach_o, reach_p = _parts(reach, share)
        if paid and reach is not None and reach > 0 and reach_p == 0:
            reach_o, reach_p = reach - 1, 1
        imp_o, imp_p = _parts(imp, share)
        is_video = kind in _VIDEO_TYPES
        views, compl = _get(r, "views"), _get(r, "completions")
        v_o, v_p = _parts(views, share) if is_video else (None, None)
        c_o, c_p = _parts(compl, share) if is_video else (None, None)
        clicks = _get(r, "clicks")
        inter = sum(int(_get(r, m) or 0) for m in ("likes", "comments", "shares"))
        engaged = None if reach is None else min(int(reach), inter + int(clicks or 0))
        consumers = None if clicks is None else (int(clicks) if reach is None else
                                                 min(int(reach), int(clicks)))
        uniq = (lambda v: None if v is None else int(v * 0.8))  # noqa: E731
        cells = [
            r["post_id"], _permalink(r, page, "facebook"), _get(r, "text") or "",
            _LEGACY_TYPES.get(kind, "Status"), "", "", _legacy_posted(r["published_at"], tz), " ",
            _int(reach), _int(reach_o), _int(reach_p), _int(imp), _int(imp_o), _int(imp_p),
            _int(engaged), _int(consumers), _int(clicks), str(int(rng.integers(0, 3))),
            _int(v_o), _int(uniq(v_o)), _int(v_p), _int(uniq(v_p)),
            _int(c_o), _int(uniq(c_o)), _int(c_p), _int(uniq(c_p)),
            str(int(rng.integers(10, 300))) if is_video else "",
        ]
        if with_breakdowns:
            counts = [_get(r, m) for m in ("likes", "comments", "shares")]
            cells += [_int(c) for c in counts]
            cells += [_int(None if c is None else int(c * 0.9)) for c in counts]
        rows.append(cells)
    return header, desc, rows


def write_legacy_csv(table: pd.DataFrame, path, *, exported_at, language: str = "en",
                     resave=None, mangle_ids: float = 0.0, rng=None,
                     timezone: str = "Europe/Paris") -> Path:
    """Write a legacy "Facebook Insights Data Export (Post Level)" CSV (2015-era).

    Key Metrics columns, the description row as line 2, the duplicated video
    headers, and the flattened ``... by action type - like|comment|share``
    breakdowns. ``Posted`` is ``M/D/YYYY H:MM`` in ``timezone``. Only English
    existed (``language`` must be ``"en"``).
    """
    _english_only(language, "facebook_insights_legacy")
    table = _check(table, ("post_id", "published_at"), "facebook_insights_legacy")
    rng = _rng(rng)
    exported = _utc(exported_at)
    header, desc, rows = _legacy_rows(table, timezone, rng, with_breakdowns=True)
    start, end = _span(table["published_at"], exported)
    name = (f"Facebook Insights Data Export (Post Level) - {_account_name(table)} - "
            f"{start:%Y-%m-%d} - {end:%Y-%m-%d}.csv")
    out = _target(path, name)
    _write_csv(out, [header, desc, *rows], encoding="utf-8", newline="\r\n")
    return _apply_mess(out, resave, mangle_ids, ("Post ID",), rng)


def _english_only(language: str, layout: str) -> None:
    if language != "en":
        raise ValueError(f"{layout}: only English files exist for this legacy export "
                         f"(language={language!r})")


def write_legacy_xlsx(table: pd.DataFrame, path, *, exported_at, language: str = "en",
                      resave=None, mangle_ids: float = 0.0, rng=None,
                      timezone: str = "Europe/Paris") -> Path:
    """Write a legacy Post Level workbook: ``Key Metrics`` (description row 2,
    duplicated video headers, no action breakdowns) plus the breakdown sheets
    ``Lifetime Post Stories by act...`` (like, comment, share) and
    ``Lifetime Post Consumers by type`` (clicks by kind). ``exported_at`` is
    the workbook's creation time. ``resave``/``mangle_ids`` do not apply.
    """
    from openpyxl import Workbook

    _english_only(language, "facebook_insights_legacy_xlsx")
    table = _check(table, ("post_id", "published_at"), "facebook_insights_legacy_xlsx")
    rng = _rng(rng)
    exported = _utc(exported_at)
    header, desc, rows = _legacy_rows(table, timezone, rng, with_breakdowns=False)
    # rows are built as lists and written by _xlsx.save: openpyxl's cell-by-cell append and
    # serialisation took most of the bundle's time (same bytes, see _xlsx)
    key_metrics = [header, desc]
    lead = ["Post ID", "Permalink", "Post Message", "Type", "Countries", "Languages", "Posted",
            "Audience Targeting"]
    story_rows = [lead + list(_ACTIONS),
                  [""] * len(lead) + ["Lifetime: The number of stories created about your "
                                      "Page post, by action type. (Total Count)"] * 3]
    consumer_rows = [lead + list(_CONSUMER_KEYS),
                     [""] * len(lead) + ["Lifetime: The number of people who clicked anywhere "
                                         "in your post, by type. (Unique Users)"] * 4]
    counts = {m: _column_values(table, m) for m in ("likes", "comments", "shares", "clicks")}
    for i, cells in enumerate(rows):
        cells = [_xl(c) for c in cells]
        key_metrics.append(cells)
        # the breakdown leaves a cell empty when nobody did that action
        story_rows.append(cells[:8] + [None if c is None or int(c) == 0 else int(c)
                                       for c in (counts[m][i] for m in _BREAKDOWN_METRICS)])
        clicks = counts["clicks"][i]
        link = None if clicks is None else int(clicks) // 2
        other = None if clicks is None else int(clicks) - link
        consumer_rows.append(cells[:8] + [link or None, other or None, None, None])
    wb = Workbook()
    ws = wb.active
    ws.title = "Key Metrics"
    stories = wb.create_sheet("Lifetime Post Stories by act...")
    consumers = wb.create_sheet("Lifetime Post Consumers by type")
    wb.properties.created = exported.tz_localize(None).to_pydatetime()
    wb.properties.modified = exported.tz_localize(None).to_pydatetime()
    wb.properties.title = "Facebook Insights Data Export (Post Level)"
    start, end = _span(table["published_at"], exported)
    out = _target(path, f"Facebook Insights Data Export (Post Level) - {_account_name(table)} - "
                        f"{start:%Y-%m-%d} - {end:%Y-%m-%d}.xlsx")
    _save_workbook(wb, [(ws, key_metrics), (stories, story_rows), (consumers, consumer_rows)],
                   out, exported)
    return out


_BREAKDOWN_METRICS = ("likes", "comments", "shares")


def _column_values(table: pd.DataFrame, col: str) -> list:
    """``_get(row, col)`` of every row of ``table`` (None for a missing value or column)."""
    if col not in table:
        return [None] * len(table)
    values = table[col].tolist()
    missing = table[col].isna().to_numpy(dtype=bool)
    return [None if na and not isinstance(v, str) else v
            for v, na in zip(values, missing, strict=True)]


def _save_workbook(wb, sheets, out: Path, exported: pd.Timestamp) -> None:
    """Save with the sheets' rows (see :func:`._xlsx.save`), ``modified`` = export time
    (openpyxl would write "now") and fixed zip entry times, so that the same table and seed
    give the same bytes."""
    import re
    import zipfile

    stamp = f"{exported.tz_convert('UTC'):%Y-%m-%dT%H:%M:%SZ}"

    def fixed(info, data):
        if info.filename == "docProps/core.xml":
            data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                          rb"\g<1>" + stamp.encode() + rb"\g<2>", data)
        entry = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
        entry.compress_type = zipfile.ZIP_DEFLATED
        return entry, data

    _xlsx.save(wb, sheets, out, rewrite=fixed)


def _xl(cell):
    """Workbook cell: numbers as numbers, blanks as empty, IDs and text as text."""
    if cell is None or cell == "":
        return None
    if isinstance(cell, str) and cell.isdigit() and len(cell) <= 12:
        return int(cell)
    return cell


# ---------------------------------------------------------------------------
# Meta Business Suite content exports
# ---------------------------------------------------------------------------

_FB_HEADERS = [  # (field, EN, FR)
    ("post_id", "Post ID", "Identifiant de la publication"),
    ("page_id", "Page ID", "ID de la Page"),
    ("page_name", "Page name", "Nom de la page"),
    ("title", "Title", "Titre"),
    ("description", "Description", "Description"),
    ("duration", "Duration (sec)", "Durée (s)"),
    ("publish_time", "Publish time", "Heure de publication"),
    ("caption_type", "Caption type", "Type de légende"),
    ("permalink", "Permalink", "Permalien"),
    ("is_crosspost", "Is crosspost", "Est un crosspostage"),
    ("is_share", "Is share", "Est un partage"),
    ("post_type", "Post type", "Type de publication"),
    ("languages", "Languages", "Langues"),
    ("custom_labels", "Custom labels", "Libellés personnalisés"),
    ("funded", "Funded content status", "Statut du contenu financé"),
    ("data_comment", "Data comment", "Commentaire des données"),
    ("date", "Date", "Date"),
    ("views", "Views", "Vues"),
    ("impressions", "Impressions", "Impressions"),
    ("reach", "Reach", "Couverture"),
    ("engagement", "Reactions, Comments and Shares", "Réactions, commentaires et partages"),
    ("reactions", "Reactions", "Réactions"),
    ("comments", "Comments", "Commentaires"),
    ("shares", "Shares", "Partages"),
    ("total_clicks", "Total clicks", "Total des clics"),
    ("link_clicks", "Link clicks", "Clics sur un lien"),
    ("other_clicks", "Other Clicks", "Autres clics"),
    ("negative", "Negative feedback from users: Hide all",
     "Commentaires négatifs des utilisateurs : Masquer tout"),
    ("seconds_viewed", "Seconds viewed", "Secondes de visionnage"),
    ("video_3s", "3-Second Video Views", "Vues de vidéo de 3\u00a0secondes"),
    ("views_organic", "Views from Organic posts", "Vues de Publications organiques"),
    ("views_boosted", "Views from Boosted posts", "Vues de Publications boostées"),
    ("reach_organic", "Reach from Organic posts", "Couverture de Publications organiques"),
    ("reach_boosted", "Reach from Boosted posts", "Couverture de Publications boostées"),
]

_IG_HEADERS = [
    ("post_id", "Post ID", "Identifiant de la publication"),
    ("account_id", "Account ID", "ID du compte"),
    ("account_username", "Account username", "Nom de profil du compte"),
    ("account_name", "Account name", "Nom du compte"),
    ("description", "Description", "Description"),
    ("duration", "Duration (sec)", "Durée (s)"),
    ("publish_time", "Publish time", "Heure de publication"),
    ("permalink", "Permalink", "Permalien"),
    ("post_type", "Post type", "Type de publication"),
    ("data_comment", "Data comment", "Commentaire des données"),
    ("date", "Date", "Date"),
    ("impressions", "Impressions", "Impressions"),
    ("plays", "Plays", "Lectures"),
    ("views", "Views", "Vues"),
    ("reach", "Reach", "Couverture"),
    ("likes", "Likes", "Mentions J\u2019aime"),
    ("shares", "Shares", "Partages"),
    ("follows", "Follows", "Followers en plus"),
    ("comments", "Comments", "Commentaires"),
    ("saves", "Saves", "Enregistrements"),
]

#: Fields that bilingual files carry under both headers (each filled on part of the rows).
_BILINGUAL_BOTH = frozenset({"post_type", "publish_time", "reach", "comments", "shares",
                             "permalink", "likes", "reactions", "saves"})


def _headers(spec, fields: list[str], language: str, rng) -> tuple[list[str], list[tuple]]:
    """Header cells and (field, language-of-column) per column."""
    names = {f: (en, fr) for f, en, fr in spec}
    header, cols = [], []
    for f in fields:
        en, fr = names[f]
        if language == "en":
            header.append(en)
            cols.append((f, "en"))
        elif language == "fr":
            header.append(fr)
            cols.append((f, "fr"))
        else:  # bilingual: both columns for some fields, one language for the others
            if f in _BILINGUAL_BOTH and en != fr:
                header += [fr, en]
                cols += [(f, "fr"), (f, "en")]
            else:
                pick = "fr" if rng.random() < 0.5 else "en"
                header.append(fr if pick == "fr" else en)
                cols.append((f, "fr" if pick == "fr" else "en"))
    return header, cols


def _emit(values: dict, cols: list[tuple], bilingual_pick: str) -> list[str]:
    """Row cells; in bilingual files a doubled field is filled in one column only."""
    out = []
    doubled = {}
    for f, _ in cols:
        doubled[f] = doubled.get(f, 0) + 1
    for f, lang in cols:
        v = values.get(f, "")
        if doubled[f] > 1 and lang != bilingual_pick:
            v = ""
        out.append("" if v is None else v)
    return out


def _text_cells(text, kind, rng) -> tuple[str, str]:
    """(Title, Description): which one holds the caption depends on the post type."""
    text = "" if text is None else str(text)
    if kind in _VIDEO_TYPES:
        short = text.split("\n")[0][:40]
        return short, text  # videos: a short title, the full text in Description
    if rng.random() < 0.2:
        return text, text[:25]
    return text, ""


def _table_era(table: pd.DataFrame) -> str | None:
    """The truth's ``metric_era`` when it is one value ("plays" counts as the impressions era)."""
    if "metric_era" not in table or table["metric_era"].dropna().nunique() != 1:
        return None
    era = str(table["metric_era"].dropna().iloc[0])
    return {"views": "views", "impressions": "impressions", "plays": "impressions"}.get(era)


def _fb_era(exported: pd.Timestamp, era) -> str:
    era = era or ("views" if exported >= FB_VIEWS_ERA_START else "impressions")
    if era not in ("views", "impressions"):
        raise ValueError(f"era must be 'views' or 'impressions', not {era!r}")
    return era


def write_mbs_facebook(table: pd.DataFrame, path, *, exported_at, language: str = "en",
                       resave=None, mangle_ids: float = 0.0, rng=None,
                       timezone: str = "Europe/Paris", era: str | None = None) -> Path:
    """Write a Meta Business Suite Facebook posts CSV (UTF-8 with BOM).

    Parameters
    ----------
    era : {"views", "impressions"}, optional
        ``Views`` column (exports from :data:`FB_VIEWS_ERA_START`) or
        ``Impressions`` (before); None: the table's ``metric_era`` when it
        has one value, else by ``exported_at``.
    timezone : str
        Zone of the ``Publish time`` wall-clock values.

    Notes
    -----
    ``Post ID`` is the bare post ID; ``Page ID`` the page part of the truth
    ID. ``Date`` says ``Lifetime`` (``Global`` in French). French Reels are
    typed ``Vidéos`` (2026 quirk) with a ``/reel/`` permalink. Bilingual
    files carry some fields under both headers, each filled on part of the
    rows.
    """
    table = _check(table, ("post_id", "published_at"), "meta_business_suite_posts")
    rng = _rng(rng)
    exported = _utc(exported_at)
    era = _fb_era(exported, era or _table_era(table))
    fields = [f for f, _, _ in _FB_HEADERS if f != ("impressions" if era == "views" else "views")]
    header, cols = _headers(_FB_HEADERS, fields, language, rng)
    page = _page_id(table)
    page_name = _account_name(table)
    types = _MBS_TYPES["fr" if language == "fr" else "en"]
    lifetime = {"en": "Lifetime", "fr": "Global"}
    rows = [header]
    for r in table.to_dict("records"):
        kind = _get(r, "media_type") or "other"
        _, post = _split_id(r["post_id"])
        pick = "fr" if language == "fr" or (language == "bilingual" and rng.random() < 0.5) \
            else "en"
        title, desc = _text_cells(_get(r, "text"), kind, rng)
        paid = _get(r, "is_paid")
        reach, views = _get(r, "reach"), _get(r, "views" if era == "views" else "impressions")
        share = 0.3 if paid else 0.0
        r_o, r_b = _parts(reach, share) if paid is not None else (None, None)
        if paid and reach is not None and reach > 0 and r_b == 0:
            r_o, r_b = reach - 1, 1
        v_o, v_b = _parts(views, share) if paid is not None else (None, None)
        clicks = _get(r, "clicks")
        link = None if clicks is None else int(clicks) // 3
        likes, comments, shares = (_get(r, m) for m in ("likes", "comments", "shares"))
        engagement = None if all(v is None for v in (likes, comments, shares)) else sum(
            int(v or 0) for v in (likes, comments, shares))
        label = types.get(kind, types["other"])
        if pick == "fr" and language == "bilingual":
            label = _MBS_TYPES["fr"].get(kind, label)
        values = {
            "post_id": post, "page_id": page, "page_name": page_name,
            "title": title, "description": desc,
            "duration": str(int(rng.integers(8, 240))) if kind in _VIDEO_TYPES else "",
            "publish_time": _mbs_time(r["published_at"], timezone), "caption_type": "",
            "permalink": _permalink(r, page, "facebook"), "is_crosspost": "No" if pick == "en"
            else "Non", "is_share": "No" if pick == "en" else "Non", "post_type": label,
            "languages": "", "custom_labels": _get(r, "label") or "", "funded": "",
            "data_comment": "", "date": lifetime[pick],
            "views": _int(views), "impressions": _int(views), "reach": _int(reach),
            "engagement": _int(engagement), "reactions": _int(likes),
            "comments": _int(comments), "shares": _int(shares), "total_clicks": _int(clicks),
            "link_clicks": _int(link), "other_clicks": _int(None if clicks is None else
                                                            int(clicks) - link),
            "negative": str(int(rng.integers(0, 2))),
            "seconds_viewed": str(int(rng.integers(0, 5000))) if kind in _VIDEO_TYPES else "",
            "video_3s": "" if kind not in _VIDEO_TYPES or views is None else
            str(int(views) // 2),
            "views_organic": _int(v_o), "views_boosted": _int(v_b),
            "reach_organic": _int(r_o), "reach_boosted": _int(r_b),
        }
        rows.append(_emit(values, cols, pick))
    start, end = _span(table["published_at"], exported)
    out = _target(path, f"{_mbs_day(start)}_{_mbs_day(end)}_{page}.csv")
    _write_csv(out, rows, encoding="utf-8-sig")
    return _apply_mess(out, resave, mangle_ids, ("Post ID", "Identifiant de la publication",
                                           "Page ID", "ID de la Page"), rng)


def write_mbs_instagram(table: pd.DataFrame, path, *, exported_at, language: str = "en",
                        resave=None, mangle_ids: float = 0.0, rng=None,
                        timezone: str = "Europe/Paris", era: str | None = None) -> Path:
    """Write a Meta Business Suite Instagram posts CSV (UTF-8 with BOM).

    Parameters
    ----------
    era : {"views", "impressions"}, optional
        ``Views`` (exports from :data:`IG_VIEWS_ERA_START`) or the older
        ``Impressions`` + ``Plays`` pair (plays = the truth ``views`` of
        videos and reels); None: the table's ``metric_era`` when it has one
        value, else by ``exported_at``.
    """
    table = _check(table, ("post_id", "published_at"), "meta_business_suite_instagram")
    rng = _rng(rng)
    exported = _utc(exported_at)
    era = era or _table_era(table) or (
        "views" if exported >= IG_VIEWS_ERA_START else "impressions")
    if era not in ("views", "impressions"):
        raise ValueError(f"era must be 'views' or 'impressions', not {era!r}")
    drop = {"impressions", "plays"} if era == "views" else {"views"}
    fields = [f for f, _, _ in _IG_HEADERS if f not in drop]
    header, cols = _headers(_IG_HEADERS, fields, language, rng)
    account_id = _ig_account_id(table)
    username = _account_name(table, "compte")
    rows = [header]
    for r in table.to_dict("records"):
        kind = _get(r, "media_type") or "other"
        pick = "fr" if language == "fr" or (language == "bilingual" and rng.random() < 0.5) \
            else "en"
        views = _get(r, "views")
        values = {
            "post_id": str(r["post_id"]), "account_id": account_id,
            "account_username": username, "account_name": username.replace("_", " ").title(),
            "description": _get(r, "text") or "",
            "duration": str(int(rng.integers(5, 90))) if kind in _VIDEO_TYPES else "0",
            "publish_time": _mbs_time(r["published_at"], timezone),
            "permalink": _permalink(r, account_id, "instagram"),
            "post_type": _IG_TYPES.get(kind, "IG image"), "data_comment": "",
            "date": "Lifetime" if pick == "en" else "Global",
            "impressions": _int(_get(r, "impressions")),
            "plays": _int(views),
            "views": _int(views), "reach": _int(_get(r, "reach")),
            "likes": _int(_get(r, "likes")), "shares": _int(_get(r, "shares")),
            "follows": _int(_get(r, "follows")), "comments": _int(_get(r, "comments")),
            "saves": _int(_get(r, "saves")),
        }
        rows.append(_emit(values, cols, pick))
    start, end = _span(table["published_at"], exported)
    out = _target(path, f"{_mbs_day(start)}_{_mbs_day(end)}_{account_id}.csv")
    _write_csv(out, rows, encoding="utf-8-sig")
    return _apply_mess(out, resave, mangle_ids, ("Post ID", "Identifiant de la publication",
                                           "Account ID", "ID du compte"), rng)


# ---------------------------------------------------------------------------
# Daily series and audience
# ---------------------------------------------------------------------------

_METRICS = {  # metric -> (followers-table column, EN name, FR name) ; {net} = network label
    "follows": ("new_followers", "{net} follows", "Followers en plus"),
    "unfollows": ("lost_followers", "{net} unfollows", "Désabonnements {net}"),
    "followers": ("followers", "{net} followers", "Total des abonnés {net}"),
}


def write_daily_series(table: pd.DataFrame, path, *, exported_at, language: str = "en",
                       resave=None, mangle_ids: float = 0.0, rng=None,
                       metric: str = "follows") -> Path:
    """Write one metric of a followers table as a Meta daily-series CSV.

    UTF-16 LE with BOM, a ``sep=,`` line, the quoted metric name
    (``"Facebook follows"``; French ``"Followers en plus"``...), the
    ``"Date","Primary"`` header and every value quoted. Days are the UTC
    calendar days of the truth ``date``.

    Parameters
    ----------
    metric : {"follows", "unfollows", "followers"}
        ``new_followers``, ``lost_followers`` or the running ``followers``.
    """
    if metric not in _METRICS:
        raise ValueError(f"metric must be one of {', '.join(_METRICS)}, not {metric!r}")
    table = _check(table, ("date",), "meta_daily_series")
    column, en, fr = _METRICS[metric]
    if column not in table:
        raise ValueError(f"meta_daily_series: metric {metric!r} needs column {column!r}")
    network = str(table["network"].dropna().iloc[0]) if "network" in table and \
        table["network"].notna().any() else "facebook"
    net = {"facebook": "Facebook", "instagram": "Instagram"}.get(network, network.title())
    name = (fr if language == "fr" else en).format(net=net)
    if language == "fr" and metric == "follows" and network != "instagram":
        name = "Nouveaux abonnés Facebook"
    exported = _utc(exported_at)
    rows = [["Date", "Primary"]]
    for r in table.sort_values("date").to_dict("records"):
        day = r["date"].tz_convert("UTC").normalize()
        rows.append([f"{day:%Y-%m-%dT%H:%M:%S}", _int(_get(r, column))])
    start, end = _span(table["date"], exported)
    out = _target(path, f"{metric.title()}_{_mbs_day(start)}_{_mbs_day(end)}.csv")
    _write_csv(out, rows, encoding="utf-16-le", quote_all=True,
               preamble=["sep=,", json.dumps(name, ensure_ascii=False)])
    return _apply_mess(out, resave, mangle_ids, (), rng)


_DIMENSION_HEADERS = {
    "age": ("Age", "Âge"), "gender": ("Gender", "Genre"),
    "country": ("Top territories", "Pays principaux"), "city": ("Top cities", "Villes principales"),
}
_GENDER_LABELS = {"en": {"F": "Women", "M": "Men", "U": "Unknown"},
                  "fr": {"F": "Femmes", "M": "Hommes", "U": "Non spécifié"}}


def write_audience(table: pd.DataFrame, path, *, exported_at, language: str = "en",
                   resave=None, mangle_ids: float = 0.0, rng=None) -> Path:
    """Write an audience table (one date) as a Meta demographic CSV.

    One block per dimension (``Age,Distribution``, ``Gender,Distribution``,
    ``Top territories,Distribution``...) separated by a blank line, as in
    Meta's multi-block ``Audience.csv``; a single dimension gives the plain
    ``Gender,Distribution`` file. Age and gender shares are written in percent
    (0–100, one decimal), territories and cities as fractions (0–1). The file
    name carries the export day.
    """
    table = _check(table, ("dimension", "bracket", "share"), "meta_audience")
    if "date" in table and table["date"].nunique() > 1:
        raise ValueError("meta_audience: one date per file (the table has "
                         f"{table['date'].nunique()})")
    lang = "fr" if language == "fr" else "en"
    exported = _utc(exported_at)
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\n")
    first = True
    for dim, grp in table.groupby("dimension", sort=False):
        if dim not in _DIMENSION_HEADERS:
            raise ValueError(f"meta_audience: no Meta file for dimension {dim!r}")
        if not first:
            buf.write("\n")
        first = False
        writer.writerow([_DIMENSION_HEADERS[dim][lang == "fr"],
                         "Répartition" if lang == "fr" else "Distribution"])
        percent = dim in ("age", "gender")
        for r in grp.to_dict("records"):
            bracket = _GENDER_LABELS[lang].get(r["bracket"], r["bracket"]) if dim == "gender" \
                else r["bracket"]
            share = float(r["share"])
            writer.writerow([bracket, f"{share * 100:.4f}".rstrip("0").rstrip(".") if percent
                             else f"{share:.6f}".rstrip("0").rstrip(".")])
    account = _account_name(table, "page")
    # the distribution is a snapshot: the file name carries its day (the export day when the
    # table has no date), which is the day the reader gives back
    day = exported
    if "date" in table and table["date"].notna().any():
        day = table["date"].dropna().iloc[0].tz_convert("UTC")
    out = _target(path, f"Audience_{_mbs_day(day)}_{_mbs_day(day)}_{account}.csv")
    out.write_bytes(buf.getvalue().encode("utf-8-sig"))
    return _apply_mess(out, resave, mangle_ids, (), rng)


# ---------------------------------------------------------------------------
# Graph API JSON
# ---------------------------------------------------------------------------


def _insight(post_id: str, name: str, value, title: str) -> dict:
    return {"name": name, "period": "lifetime", "values": [{"value": value}], "title": title,
            "description": f"Lifetime: {title}", "id": f"{post_id}/insights/{name}/lifetime"}


def _graph_time(ts: pd.Timestamp) -> str:
    return f"{ts.tz_convert('UTC'):%Y-%m-%dT%H:%M:%S}+0000"


def write_facebook_graph(table: pd.DataFrame, path, *, exported_at, language: str = "en",
                         resave=None, mangle_ids: float = 0.0, rng=None,
                         era: str | None = None) -> Path:
    """Write Facebook posts as a Graph API pull saved to JSON.

    Shape: ``{"metadata": {network, page_id, page_name, api_version,
    exported_at}, "data": [post...], "paging": {...}}``; each post has ``id``,
    ``created_time`` (``2019-04-05T07:56:32+0000``), ``message``,
    ``permalink_url``, ``status_type``, ``comments``/``shares`` summaries and
    ``insights.data`` (``post_impressions``, ``post_impressions_unique``,
    ``post_impressions_paid``, ``post_clicks``, ``post_reactions_by_type_total``,
    ``post_video_views``, ``post_video_complete_views_organic``; in the
    ``"views"`` era ``post_media_view`` and ``post_total_media_view_unique``).
    A missing metric is left out (the API returns no value), never 0.
    """
    table = _check(table, ("post_id", "published_at"), "facebook_graph_json")
    rng = _rng(rng)
    exported = _utc(exported_at)
    era = _fb_era(exported, era or _table_era(table))
    page = _page_id(table)
    posts = []
    for r in table.to_dict("records"):
        pid = str(r["post_id"])
        kind = _get(r, "media_type") or "other"
        ins = []

        def add(name, value, title, pid=pid, ins=ins):
            if value is not None:
                ins.append(_insight(pid, name, int(value) if not isinstance(value, dict)
                                    else value, title))

        if era == "impressions":
            add("post_impressions", _get(r, "impressions"), "Lifetime Post Total Impressions")
            add("post_impressions_unique", _get(r, "reach"), "Lifetime Post Total Reach")
            if kind in _VIDEO_TYPES:
                add("post_video_views", _get(r, "views"), "Lifetime Total Video Views")
        else:
            add("post_media_view", _get(r, "views"), "Lifetime Post Media Views")
            add("post_total_media_view_unique", _get(r, "reach"), "Lifetime Post Viewers")
        paid = _get(r, "is_paid")
        if paid is not None:
            imp = _get(r, "impressions") or _get(r, "views") or 0
            add("post_impressions_paid", max(1, int(imp) // 3) if paid else 0,
                "Lifetime Post Paid Impressions")
        add("post_clicks", _get(r, "clicks"), "Lifetime Post Clicks")
        likes = _get(r, "likes")
        if likes is not None:
            love = int(likes) // 5
            add("post_reactions_by_type_total", {"like": int(likes) - love, "love": love},
                "Lifetime Total post Reactions by Type.")
        if kind in _VIDEO_TYPES:
            add("post_video_complete_views_organic", _get(r, "completions"),
                "Lifetime Organic Full Video Views")
        post = {
            "id": pid, "created_time": _graph_time(r["published_at"]),
            "message": _get(r, "text") or "", "permalink_url": _permalink(r, page, "facebook"),
            "status_type": _FB_GRAPH_TYPES.get(kind, "mobile_status_update"),
        }
        if _get(r, "comments") is not None:
            post["comments"] = {"data": [], "summary": {"total_count": int(r["comments"])}}
        if _get(r, "shares") is not None:
            post["shares"] = {"count": int(r["shares"])}
        post["insights"] = {"data": ins}
        posts.append(post)
    doc = {
        "metadata": {"network": "facebook", "page_id": page, "page_name": _account_name(table),
                     "api_version": "v19.0", "exported_at": _graph_time(exported)},
        "data": posts,
        "paging": {"cursors": {"before": "QVFIUmx1", "after": "QVFIUkZA"}},
    }
    out = _target(path, f"facebook_posts_{page}_{exported:%Y-%m-%d}.json")
    out.write_text(json.dumps(doc, ensure_ascii=False, indent=2), encoding="utf-8")
    return out


def write_instagram_graph(table: pd.DataFrame, path, *, exported_at, language: str = "en",
                          resave=None, mangle_ids: float = 0.0, rng=None,
                          era: str | None = None) -> Path:
    """Write Instagram media as a Graph API pull saved to JSON.

    Each media has ``id``, ``timestamp`` (``+0000``), ``caption``,
    ``permalink``, ``media_type``, ``media_product_type``, ``like_count``,
    ``comments_count`` and ``insights.data`` (``reach``, ``likes``,
    ``comments``, ``shares``, ``saved``, ``follows``, and ``views`` —
    or, in the ``"impressions"`` era, ``impressions`` and ``plays`` for
    videos and reels).
    """
    table = _check(table, ("post_id", "published_at"), "instagram_graph_json")
    exported = _utc(exported_at)
    era = era or _table_era(table) or (
        "views" if exported >= IG_VIEWS_ERA_START else "impressions")
    account_id = _ig_account_id(table)
    username = _account_name(table, "compte")
    posts = []
    for r in table.to_dict("records"):
        pid = str(r["post_id"])
        kind = _get(r, "media_type") or "other"
        media, product = _IG_GRAPH_TYPES.get(kind, ("IMAGE", "FEED"))
        ins = []
        names = [("reach", "reach", "Accounts reached"), ("likes", "likes", "Likes"),
                 ("comments", "comments", "Comments"), ("shares", "shares", "Shares"),
                 ("saved", "saves", "Saves"), ("follows", "follows", "Follows")]
        if era == "views":
            names.insert(0, ("views", "views", "Views"))
        else:
            names.insert(0, ("impressions", "impressions", "Impressions"))
            if kind in _VIDEO_TYPES:
                names.insert(1, ("plays", "views", "Plays"))
        for api, col, title in names:
            v = _get(r, col)
            if v is not None:
                ins.append(_insight(pid, api, int(v), title))
        post = {"id": pid, "timestamp": _graph_time(r["published_at"]),
                "caption": _get(r, "text") or "", "permalink": _permalink(r, account_id,
                                                                         "instagram"),
                "media_type": media, "media_product_type": product}
        if _get(r, "likes") is not None:
            post["like_count"] = int(r["likes"])
        if _get(r, "comments") is not None:
            post["comments_count"] = int(r["comments"])
        post["insights"] = {"data": ins}
        posts.append(post)
    doc = {"metadata": {"network": "instagram", "ig_user_id": account_id, "username": username,
                        "api_version": "v22.0", "exported_at": _graph_time(exported)},
           "data": posts, "paging": {"cursors": {"before": "QVFIU", "after": "QVFIUk"}}}
    out = _target(path, f"instagram_media_{account_id}_{exported:%Y-%m-%d}.json")
    out.write_text(json.dumps(doc, ensure_ascii=False, indent=2), encoding="utf-8")
    return out


#: Layout name → writer (registered by :mod:`engagement_lib.simulate.exports`).
WRITERS = {
    "facebook_insights_legacy": write_legacy_csv,
    "facebook_insights_legacy_xlsx": write_legacy_xlsx,
    "meta_business_suite_posts": write_mbs_facebook,
    "meta_business_suite_instagram": write_mbs_instagram,
    "meta_daily_series": write_daily_series,
    "meta_audience": write_audience,
    "facebook_graph_json": write_facebook_graph,
    "instagram_graph_json": write_instagram_graph,
}
