"""Meta readers on hand-written files shaped like the real exports (export_formats.md §1, §2, §7).

The round trips with the writers live in test_exports_meta.py; here each test
writes the quirk it checks byte by byte, independently of our writers.
"""

from __future__ import annotations

import codecs
import json

import pandas as pd
import pytest

from engagement_lib.errors import ExportFormatError
from engagement_lib.readers import detect, read_export


def _write(path, text: str, encoding: str = "utf-8-sig", newline: str = "\n"):
    path.write_bytes(text.replace("\n", newline).encode(encoding))
    return path


# ---------------------------------------------------------------------------
# legacy "Facebook Insights Data Export (Post Level)"
# ---------------------------------------------------------------------------

_LEGACY_HEADER = (
    "Post ID,Permalink,Post Message,Type,Countries,Languages,Posted,Audience Targeting,"
    "Lifetime Post Total Reach,Lifetime Post organic reach,Lifetime Post Paid Reach,"
    "Lifetime Post Total Impressions,Lifetime Post Organic Impressions,"
    "Lifetime Post Paid Impressions,Lifetime Engaged Users,Lifetime Post Consumers,"
    "Lifetime Post Consumptions,Lifetime Negative feedback,Lifetime Negative Feedback from Users,"
    "Lifetime Average time video viewed,Lifetime Organic views to 95%,"
    "Lifetime Organic views to 95%,Lifetime Paid views to 95%,Lifetime Paid views to 95%,"
    "Lifetime Video length,Lifetime Organic Video Views,Lifetime Organic Video Views,"
    "Lifetime Paid Video Views,Lifetime Paid Video Views"
)
_LEGACY_DESC = (
    ",,,,,,,,Lifetime: The total number of people your Page post was served to. (Unique Users),"
    '"Lifetime: The number of people who saw your Page post in news feed or ticker, or on your '
    "Page's timeline. (Unique Users)\",Lifetime: paid reach. (Unique Users),"
    "Lifetime: impressions. (Total Count),Lifetime: organic impressions. (Total Count),"
    "Lifetime: paid impressions. (Total Count),Lifetime: engaged. (Unique Users),"
    "Lifetime: consumers. (Unique Users),Lifetime: The number of clicks anywhere in your post. "
    "(Total Count),Lifetime: negative. (Unique Users),Lifetime: negative. (Total Count),"
    "Lifetime: Average time video viewed (Total Count),"
    "Lifetime: organic 95%. (Total Count),Lifetime: organic 95%. (Unique Users),"
    "Lifetime: paid 95%. (Total Count),Lifetime: paid 95%. (Unique Users),"
    "Lifetime: Length of a video post (Total Count),"
    "Lifetime: organic views. (Total Count),Lifetime: organic views. (Unique Users),"
    "Lifetime: paid views. (Total Count),Lifetime: paid views. (Unique Users)"
)


def test_legacy_csv_real_shape(tmp_path):
    path = _write(
        tmp_path / "Facebook Insights Data Export (Post Level) - Ville - 2015-10-01 - "
                   "2015-10-31.csv",
        f"{_LEGACY_HEADER}\n{_LEGACY_DESC}\n"
        "951745098223517_980422845355742,https://www.facebook.com/Ville/posts/980422845355742:0,"
        '"Conseil municipal, ce soir",Photo,,,10/1/2015 21:00, ,8,9,0,11,12,0,14,15,16,17,18,'
        "0,,,,,0,,,,\n"
        "951745098223517_980216225376404,https://www.facebook.com/Ville/videos/980216225376404/,"
        "Vidéo du marché,Video,,,10/1/2015 9:22, ,100,90,10,300,250,50,14,15,16,0,0,"
        "12,40,31,5,4,95,700,500,70,60\n",
        encoding="utf-8", newline="\r\n")
    assert detect(path).name == "facebook_insights_legacy"
    (raw,) = read_export(path)
    rows = raw.rows
    assert raw.skipped_rows.to_dict("records") == [
        {"source_row": 2, "reason": "description row (what each metric means)"}]
    assert rows["source_row"].tolist() == [3, 4]
    assert rows["post_id"].tolist() == ["951745098223517_980422845355742",
                                        "951745098223517_980216225376404"]
    assert rows["published_at"].tolist() == [pd.Timestamp("2015-10-01 21:00"),
                                             pd.Timestamp("2015-10-01 09:22")]
    assert raw.timezone == "Europe/Paris"
    assert rows["reach"].tolist() == [8, 100] and rows["impressions"].tolist() == [11, 300]
    assert rows["clicks"].tolist() == [16, 16]
    # Total Count copies: 700 organic + 70 paid views; 40 + 5 views to 95 %
    assert rows["views"].iloc[1] == 770 and rows["completions"].iloc[1] == 45
    assert pd.isna(rows["views"].iloc[0])  # empty video cells of a photo: NA, not 0
    assert rows["is_paid"].tolist() == [False, True]
    # the Unique Users copies stay available under a disambiguated name
    assert rows["extra:lifetime organic video views (unique users)"].iloc[1] == "500"
    assert rows[["likes", "comments", "shares"]].isna().all().all()
    assert any("not in this export" in w for w in raw.warnings)
    assert raw.exported_at == pd.Timestamp("2015-10-31", tz="UTC")


def test_legacy_2015_talking_about_breakdown_is_a_lower_bound(tmp_path):
    header = ("Post ID,Permalink,Post Message,Type,Posted,Lifetime Post Total Reach,"
              "Lifetime Post Total Impressions,"
              "Lifetime Talking About This (Post) by action type - comment,"
              "Lifetime Talking About This (Post) by action type - like,"
              "Lifetime Talking About This (Post) by action type - share")
    path = _write(tmp_path / "legacy.csv",
                  f"{header}\n,,,,,Lifetime: reach (Unique Users),Lifetime: x (Total Count),"
                  "Lifetime: c (Unique Users),Lifetime: l (Unique Users),Lifetime: s "
                  "(Unique Users)\n1_2,https://www.facebook.com/p/posts/2,hi,Status,"
                  "3/5/2015 7:05,10,20,1,5,0\n")
    (raw,) = read_export(path)
    assert raw.rows[["likes", "comments", "shares"]].iloc[0].tolist() == [5, 1, 0]
    assert any("lower bound" in w for w in raw.warnings)


def test_uci_derived_dataset_is_not_a_raw_export(tmp_path):
    path = _write(tmp_path / "dataset_Facebook.csv",
                  "Page total likes;Type;Category;Post Month;Post Weekday;Post Hour;Paid;"
                  "Lifetime Post Total Reach;Lifetime Post Total Impressions;comment;like;share\n"
                  "139441;Photo;2;12;4;3;0;2752;5091;4;79;17\n", encoding="utf-8")
    with pytest.raises(ExportFormatError, match="not a known export layout"):
        read_export(path)


# ---------------------------------------------------------------------------
# Meta Business Suite, Facebook
# ---------------------------------------------------------------------------

_MBS_EN = (
    "Post ID,Page ID,Page name,Title,Description,Duration (sec),Publish time,Caption type,"
    "Permalink,Is crosspost,Is share,Post type,Languages,Custom labels,Funded content status,"
    "Data comment,Date,Views,Reach,\"Reactions, comments and shares\",Reactions,Comments,Shares,"
    "Total clicks,Link clicks,Other Clicks,Negative feedback from users: Hide all,"
    "Seconds viewed,Average Seconds viewed,Estimated earnings (USD),3-Second Video Views,"
    "Views from Organic posts,Views from Boosted posts,Reach from Organic posts,"
    "Reach from Boosted posts"
)


def test_mbs_facebook_english_real_shape(tmp_path):
    path = _write(
        tmp_path / "Aug-01-2025_Aug-31-2025_1039829308656930.csv",
        f"{_MBS_EN}\n"
        "1223456789012345,1039829308656930,Ville,Fête de la musique,,,08/21/2025 18:30,,"
        "https://www.facebook.com/ville/posts/1223456789012345,No,No,Photos,,essai-A,,,Lifetime,"
        "1520,1200,45,40,3,2,17,10,7,0,,,,,1520,0,1200,0\n"
        "1223456789099999,1039829308656930,Ville,Short,\"Le reel complet, plus long\",31,"
        "08/05/2025 07:00,,https://www.facebook.com/reel/1223456789099999,No,No,Reels,,,,,"
        "Lifetime,9000,7000,300,250,30,20,5,1,4,1,4000,12,0,4500,6000,3000,5000,2000\n")
    (raw,) = read_export(path)
    rows = raw.rows
    assert (raw.layout, raw.metric_era, raw.language) == ("meta_business_suite_posts", "views",
                                                          "en")
    assert rows["post_id"].tolist() == ["1039829308656930_1223456789012345",
                                        "1039829308656930_1223456789099999"]
    assert rows["published_at"].tolist() == [pd.Timestamp("2025-08-21 18:30"),
                                             pd.Timestamp("2025-08-05 07:00")]
    assert rows["text"].tolist() == ["Fête de la musique", "Le reel complet, plus long"]
    assert rows["media_type"].tolist() == ["Photos", "Reels"]
    assert rows["views"].tolist() == [1520, 9000] and rows["reach"].tolist() == [1200, 7000]
    assert rows["likes"].tolist() == [40, 250] and rows["clicks"].tolist() == [17, 5]
    assert rows["is_paid"].tolist() == [False, True]
    assert rows["label"].tolist()[0] == "essai-A"
    assert rows["impressions"].isna().all()
    earnings = rows["extra:estimated earnings (usd)"]  # unmapped columns are kept
    assert earnings.isna().iloc[0] and earnings.iloc[1] == "0"
    assert raw.exported_at == pd.Timestamp("2025-08-31", tz="UTC")
    assert raw.issues.empty


def test_mbs_bilingual_columns_merge_first_non_null(tmp_path):
    path = _write(
        tmp_path / "bi.csv",
        "Identifiant de la publication,Page ID,Nom de la page,Titre,Heure de publication,"
        "Publish time,Permalien,Type de publication,Post type,Date,Couverture,Reach,Réactions\n"
        "11,99,Ville,a,03/27/2026 06:08,,https://fb.com/99/posts/11,Photos,,Global,10,,1\n"
        "12,99,Ville,b,,03/28/2026 07:09,https://fb.com/99/posts/12,,Videos,Lifetime,,20,2\n")
    (raw,) = read_export(path)
    assert raw.language == "bilingual"
    assert raw.rows["media_type"].tolist() == ["Photos", "Videos"]
    assert raw.rows["reach"].tolist() == [10, 20]
    assert raw.rows["published_at"].tolist() == [pd.Timestamp("2026-03-27 06:08"),
                                                 pd.Timestamp("2026-03-28 07:09")]
    assert raw.rows["post_id"].tolist() == ["99_11", "99_12"]


def test_mbs_per_day_rows(tmp_path):
    head = "Post ID,Page ID,Page name,Publish time,Permalink,Post type,Date,Reach,Reactions\n"
    body = (
        "1,9,P,01/02/2026 10:00,https://fb.com/9/posts/1,Photos,Lifetime,100,10\n"
        "1,9,P,01/02/2026 10:00,https://fb.com/9/posts/1,Photos,2026-01-02,80,7\n"
        "2,9,P,01/03/2026 11:00,https://fb.com/9/posts/2,Photos,2026-01-03,50,4\n"
        "2,9,P,01/03/2026 11:00,https://fb.com/9/posts/2,Photos,2026-01-04,30,1\n"
    )
    (raw,) = read_export(_write(tmp_path / "daily.csv", head + body))
    rows = raw.rows
    assert rows["post_id"].tolist() == ["9_1", "9_2"]
    assert rows["likes"].tolist() == [10, 5]  # post 2 has no lifetime row: days summed
    assert rows["reach"].iloc[0] == 100 and pd.isna(rows["reach"].iloc[1])  # reach not additive
    skipped = dict(zip(raw.skipped_rows["source_row"], raw.skipped_rows["reason"], strict=True))
    assert set(skipped) == {3, 5}
    assert "lifetime row" in skipped[3] and "line 4" in skipped[5]
    assert rows["source_row"].tolist() == [2, 4]


def test_mbs_publish_time_utc_header(tmp_path):
    path = _write(tmp_path / "utc.csv",
                  "Post ID,Page ID,Publish time (UTC),Permalink,Post type,Reach\n"
                  "5,9,07/01/2025 22:30,https://fb.com/9/posts/5,Links,3\n")
    (raw,) = read_export(path)
    assert raw.timezone == "UTC"
    assert raw.rows["published_at"].iloc[0] == pd.Timestamp("2025-07-01 22:30", tz="UTC")


def test_mbs_day_first_switch_and_bad_cells(tmp_path):
    path = _write(tmp_path / "fr.csv",
                  "Identifiant de la publication;ID de la Page;Heure de publication;Permalien;"
                  "Type de publication;Couverture;Réactions\n"
                  "1;9;05/06/2026 10:00;https://fb.com/9/posts/1;Photos;1\u202f234;12abc\n"
                  "2;9;28/05/2026 11:00;https://fb.com/9/posts/2;Photos;2,0;3\n",
                  encoding="utf-8")
    (raw,) = read_export(path)
    assert raw.delimiter == ";"
    assert any("day-first" in w for w in raw.warnings)
    assert raw.rows["published_at"].tolist() == [pd.Timestamp("2026-06-05 10:00"),
                                                 pd.Timestamp("2026-05-28 11:00")]
    assert raw.rows["reach"].tolist() == [1234, 2]
    # a malformed cell is not an error: NA plus an issue naming line and column
    assert pd.isna(raw.rows["likes"].iloc[0]) and raw.rows["likes"].iloc[1] == 3
    assert raw.issues[["source_row", "column", "value"]].values.tolist() == [[2, "likes",
                                                                              "12abc"]]


# ---------------------------------------------------------------------------
# Meta Business Suite, Instagram
# ---------------------------------------------------------------------------


def test_instagram_french_curly_apostrophe_and_nbsp(tmp_path):
    path = _write(
        tmp_path / "ig.csv",
        "Identifiant de la publication,ID du compte,Nom de profil du compte,Nom du compte,"
        "Description,Durée\u00a0(s),Heure de publication,Permalien,Type de publication,"
        "Commentaire des données,Date,Vues,Couverture,Mentions J\u2019aime,Partages,"
        "Followers en plus,Commentaires,Enregistrements\n"
        "18034567890123456,17841400000000001,ville_officiel,Ville,Caption,0,03/27/2026 06:08,"
        "https://www.instagram.com/p/DHx/,IG image,,Global,160,45,5,3,1,2,4\n")
    (raw,) = read_export(path)
    assert (raw.layout, raw.network, raw.language) == ("meta_business_suite_instagram",
                                                       "instagram", "fr")
    r = raw.rows.iloc[0]
    assert (r["views"], r["reach"], r["likes"], r["shares"], r["follows"], r["comments"],
            r["saves"]) == (160, 45, 5, 3, 1, 2, 4)
    assert r["account"] == "ville_officiel" and raw.metric_era == "views"


def test_instagram_story_file_with_corrupted_headers(tmp_path):
    path = _write(
        tmp_path / "stories.csv",
        "Identifiant de la publication,Identifiant du compte,Nom de profil du compte,"
        "DurＦ (s),Heure de publication,Permalien,Type de publication,Commentaire des donnＦs,"
        "Date,Impressions,Couverture,RＱonses,Visites de profil\n"
        "18000000000000001,178,ville,5,03/27/2026 06:08,https://www.instagram.com/stories/v/1/,"
        "IG story,,Global,300,250,4,7\n")
    (raw,) = read_export(path)
    r = raw.rows.iloc[0]
    assert r["comments"] == 4  # stories: replies
    assert r["impressions"] == 300 and raw.metric_era == "impressions"
    assert any("corrupted" in w for w in raw.warnings)
    assert "extra:visites de profil" in raw.rows


def test_instagram_plays_era(tmp_path):
    path = _write(tmp_path / "old.csv",
                  "Post ID,Account ID,Account username,Publish time,Permalink,Post type,Date,"
                  "Impressions,Plays,Reach,Likes\n"
                  "1,2,v,12/01/2024 10:00,https://www.instagram.com/reel/a/,IG reel,Lifetime,"
                  "900,700,500,20\n")
    (raw,) = read_export(path)
    assert raw.metric_era == "impressions"
    assert raw.rows[["impressions", "views"]].iloc[0].tolist() == [900, 700]


# ---------------------------------------------------------------------------
# daily series, audience
# ---------------------------------------------------------------------------


def test_daily_series_utf16_french_instagram(tmp_path):
    text = ('sep=,\n"Followers en plus"\n"Date","Primary"\n"2025-08-01T00:00:00","20"\n'
            '"2025-08-02T00:00:00","1 204"\n')
    path = tmp_path / "Follows (1).csv"
    path.write_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    (raw,) = read_export(path)
    assert (raw.layout, raw.table, raw.network, raw.encoding) == (
        "meta_daily_series", "followers", "instagram", "utf-16-le")
    assert raw.rows["new_followers"].tolist() == [20, 1204]
    assert raw.rows["date"].tolist() == [pd.Timestamp("2025-08-01", tz="UTC"),
                                         pd.Timestamp("2025-08-02", tz="UTC")]
    assert raw.rows["source_row"].tolist() == [4, 5]
    assert raw.exported_at is None  # "Follows (1).csv" says nothing


def test_daily_series_other_metric_is_page_metrics(tmp_path):
    text = 'sep=,\n"Facebook visits"\n"Date","Primary"\n"2025-08-01T00:00:00","7"\n'
    path = tmp_path / "Visits.csv"
    path.write_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    (raw,) = read_export(path)
    assert raw.table == "page_metrics" and raw.network == "facebook"
    assert raw.rows[["metric", "value"]].iloc[0].tolist() == ["Facebook visits", 7]


def test_audience_multi_block_file(tmp_path):
    path = _write(tmp_path / "Audience_Sep-01-2025_Sep-30-2025_1.csv",
                  "Gender,Distribution\nWomen,58.3\nMen,41.7\n\n"
                  "Top territories,Distribution\nFR,0.9\nBE,0.1\n\n"
                  "Date,Primary\n2025-09-01T00:00:00,3\n2025-09-02T00:00:00,5\n")
    audience, follows = read_export(path)
    assert audience.table == "audience" and follows.table == "followers"
    assert audience.rows[["dimension", "bracket"]].values.tolist() == [
        ["gender", "F"], ["gender", "M"], ["country", "FR"], ["country", "BE"]]
    assert audience.rows["share"].tolist() == pytest.approx([0.583, 0.417, 0.9, 0.1])
    assert (audience.rows["date"] == pd.Timestamp("2025-09-30", tz="UTC")).all()
    assert audience.rows["source_row"].tolist() == [2, 3, 6, 7]
    assert follows.rows["new_followers"].tolist() == [3, 5]
    assert follows.rows["source_row"].tolist() == [10, 11]


# ---------------------------------------------------------------------------
# Graph API JSON
# ---------------------------------------------------------------------------


def test_facebook_graph_bare_list_without_metadata(tmp_path):
    posts = [{
        "id": "99_1", "created_time": "2019-04-05T07:56:32+0000", "message": "Bonjour",
        "permalink_url": "https://www.facebook.com/99/posts/1", "type": "photo",
        "reactions": {"summary": {"total_count": 13}},
        "shares": {"count": 2},
        "insights": {"data": [
            {"name": "post_impressions", "period": "lifetime", "values": [{"value": 123}]},
            {"name": "post_impressions_unique", "period": "lifetime", "values": [{"value": 100}]},
            {"name": "post_clicks", "period": "lifetime", "values": [{"value": "lots"}]},
        ]},
    }]
    path = tmp_path / "posts.json"
    path.write_text(json.dumps(posts, indent=2))
    (raw,) = read_export(path)
    r = raw.rows.iloc[0]
    assert raw.layout == "facebook_graph_json"
    assert r["published_at"] == pd.Timestamp("2019-04-05 07:56:32", tz="UTC")
    assert (r["impressions"], r["reach"], r["likes"], r["shares"]) == (123, 100, 13, 2)
    assert pd.isna(r["comments"])  # not in the pull: NA, never 0
    assert pd.isna(r["clicks"]) and raw.issues["column"].tolist() == ["clicks"]
    assert r["source_row"] == 3  # the line of the post's "id"
    assert raw.exported_at is None


def test_instagram_graph_detected_from_fields(tmp_path):
    doc = {"data": [{"id": "1790", "timestamp": "2024-05-01T10:00:00+0000", "caption": "c",
                     "permalink": "https://www.instagram.com/p/x/", "media_type": "VIDEO",
                     "media_product_type": "REELS",
                     "insights": {"data": [{"name": "plays", "values": [{"value": 50}]},
                                           {"name": "reach", "values": [{"value": 40}]}]}}]}
    path = tmp_path / "ig.json"
    path.write_text(json.dumps(doc))
    (raw,) = read_export(path)
    assert raw.layout == "instagram_graph_json" and raw.metric_era == "plays"
    assert raw.rows[["views", "reach"]].iloc[0].tolist() == [50, 40]
    assert raw.rows["media_type"].iloc[0] == "REELS"


def test_unknown_json_is_a_clear_error(tmp_path):
    path = tmp_path / "x.json"
    path.write_text('{"foo": [1, 2]}')
    with pytest.raises(ExportFormatError, match="JSON file is not a known export layout"):
        read_export(path)
    path.write_text('{"data": [')
    with pytest.raises(ExportFormatError, match="truncated JSON") as err:
        read_export(path)
    assert err.value.line == 1


@pytest.mark.parametrize(("name", "account", "exported"), [
    # the names Facebook gives (as quoted in several projects' code)
    ("Facebook Insights Data Export (Post Level) - Ville de Toulouse - 2017-07-27.csv",
     "Ville de Toulouse", "2017-07-27"),
    ("Facebook Insights Data Export (Post Level) - Ville - 2015-10-01 - 2015-10-31.csv",
     "Ville", "2015-10-31"),
    # renamed by hand: no page, no day taken from it
    ("Facebook Insights Data Export (Post Level) - Ville - July-October2020.csv", None, None),
])
def test_legacy_file_name_gives_page_and_export_day(tmp_path, name, account, exported):
    row = ("951745098223517_980422845355742,https://www.facebook.com/Ville/posts/"
           "980422845355742:0,Conseil municipal,Photo,,,10/1/2015 21:00, ,8,9,10,11,12,13,14,15,"
           "16,17,18,0,,,,,0,,,,")
    path = _write(tmp_path / name, f"{_LEGACY_HEADER}\n{_LEGACY_DESC}\n{row}\n")
    (got,) = read_export(path)
    assert got.layout == "facebook_insights_legacy"
    if account is None:
        assert "account" not in got.rows or got.rows["account"].isna().all()
        assert got.exported_at is None
    else:
        assert got.rows["account"].tolist() == [account]
        assert got.exported_at == pd.Timestamp(exported, tz="UTC")
