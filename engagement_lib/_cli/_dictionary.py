"""The data dictionary written next to the cleaned tables by ``engagement clean``.

One row per (table, column) actually written: the dtype found, whether it
holds missing values, how many, and what the column means. Canonical
columns are described here (the schema in :mod:`engagement_lib.schema`
defines their types and checks); platform-specific columns kept from the
exports (``extra:<header>``) are described as such.
"""

from __future__ import annotations

import pandas as pd

__all__ = ["DESCRIPTIONS", "data_dictionary"]

_METRIC_TEXT = {
    "impressions": "times the post was displayed (lifetime, as of the export date)",
    "reach": "unique people who saw the post (lifetime)",
    "views": "video views or, after Meta's 2025 switch, views of any post (see metric_era)",
    "likes": "likes and all reactions",
    "comments": "comments",
    "shares": "shares, retweets, reposts",
    "saves": "saves / bookmarks",
    "clicks": "clicks on the post (link, media, profile) where the platform reports them",
    "follows": "follows attributed to the post",
    "completions": "complete video views",
}

#: Column → description of the canonical and bookkeeping columns.
DESCRIPTIONS: dict[str, str] = {
    "collectivite": "collectivité id (snake_case, e.g. romans_sur_isere)",
    "account": "account label chosen by the analyst (folder name or --account)",
    "network": "social network (facebook, instagram, x, linkedin, youtube, tiktok, snapchat)",
    "account_name": "the account's display name in the export, when it differs from account",
    "account_id": "the platform's own id of the account, when the export gives it",
    "post_id": "the platform's post id, as text (never a number: long ids lose digits)",
    "published_at": "publication time, UTC (analyses convert to Europe/Paris)",
    "published_at_precision": "precision of published_at in the export (day, minute, second)",
    "media_type": "photo, album, video, reel, story, link, text, event, live or other",
    "topic": "topic of the post when known (simulated data only)",
    "label": "custom label of the post (Meta 'Custom labels')",
    "text": "text of the post (untrusted user content)",
    "permalink": "public URL of the post",
    "is_paid": "True for sponsored/boosted posts, missing when the export does not say",
    **{m: f"count of {t}; missing = not reported by the platform (never 0)"
       for m, t in _METRIC_TEXT.items()},
    "metric_era": "which platform metric family fed impressions/views (series breaks stay visible)",
    "exported_at": "when the export was made (UTC), used to keep the latest of overlapping exports",
    "source_format": "export layout the row was read from",
    "source_file": "export file the row was read from",
    "source_row": "1-based line (or row) of the row in its file",
    "source_sheet": "workbook sheet the row was read from",
    "date": "day (UTC midnight of the local day) of the count or snapshot",
    "followers": "follower count at the end of the day",
    "new_followers": "follows during the day, when the platform says",
    "lost_followers": "unfollows during the day, when the platform says",
    "dimension": "audience dimension (age, gender, country, city, LinkedIn's seniority...)",
    "bracket": "bracket of the dimension (e.g. 25-34, F, FR)",
    "share": "share of the followers in the bracket, between 0 and 1",
    "conversation_id": "id of the inbound comment or message",
    "channel": "comment, message, mention or reply",
    "received_at": "when the comment or message arrived (UTC)",
    "replied_at": "first reply of the account (UTC); missing = never answered",
    "author": "pseudonymised author (salted SHA-256, never a real name)",
    "metric": "daily page metric name (page_metrics table)",
    "value": "value of the metric",
    # quarantine and flags
    "table": "canonical table the row was meant for",
    "column": "column at fault",
    "rule": "short code of the rule that quarantined the row",
    "reason": "readable reason",
    "flag": "short code of what is worth a look",
    "detail": "details of the flag",
    "in_output": "whether the flagged row is in the cleaned table (False: merged duplicate)",
}


def data_dictionary(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Describe the columns of the tables written.

    Parameters
    ----------
    tables : dict of str to pandas.DataFrame
        Table name → frame, as written.

    Returns
    -------
    pandas.DataFrame
        ``table, column, dtype, missing, n_rows, description``.
    """
    rows = []
    for name, frame in tables.items():
        for column in frame.columns:
            if column.startswith("extra:"):
                text = (f"platform-specific column kept from the export header "
                        f"{column.split(':', 1)[1]!r}")
            elif name == "page_metrics" and column == "value":
                text = "value of the daily page metric"
            else:
                text = DESCRIPTIONS.get(column, "")
            rows.append({
                "table": name, "column": column, "dtype": str(frame[column].dtype),
                "missing": int(frame[column].isna().sum()), "n_rows": len(frame),
                "description": text,
            })
    return pd.DataFrame(rows, columns=["table", "column", "dtype", "missing", "n_rows",
                                       "description"])

