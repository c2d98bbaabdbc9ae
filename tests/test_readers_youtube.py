"""Round trips and failure modes of the YouTube Studio readers (engagement_lib.readers.youtube)."""

from __future__ import annotations

import zipfile

import numpy as np
import pandas as pd
import pytest

from engagement_lib import clean
from engagement_lib.errors import ExportFormatError
from engagement_lib.readers import read_export
from engagement_lib.readers.youtube import parse_hms
from engagement_lib.simulate.exports import WRITERS, write_export

PARIS = "Europe/Paris"
_B64 = list("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def _truth_posts(seed: int, n: int = 9) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    t0 = pd.Timestamp("2026-02-20", tz="UTC")  # spans the March DST change
    offsets = np.sort(rng.integers(0, 40 * 86_400, size=n))
    times = pd.DatetimeIndex([t0 + pd.Timedelta(seconds=int(o)) for o in offsets]).as_unit("us")
    ids = ["".join(rng.choice(_B64, 11)) for _ in range(n)]
    ids[0] = "-" + ids[0][1:]  # Studio puts a space before ids starting with '-'
    ids[1] = "_" + ids[1][1:]
    return pd.DataFrame({
        "collectivite": "romans",
        "account": "Ville de Romans",
        "network": "youtube",
        "post_id": ids,
        "published_at": times,
        "media_type": "video",
        "text": [f"Conseil municipal, séance n°{i}" for i in range(n)],
        "impressions": pd.array(rng.integers(1_000, 90_000, size=n), dtype="Int64"),
        "reach": pd.array(rng.integers(50, 900, size=n), dtype="Int64"),
        "views": pd.array(rng.integers(60, 1_500, size=n), dtype="Int64"),
        "likes": pd.array(rng.integers(0, 90, size=n), dtype="Int64"),
        "comments": pd.array(rng.integers(0, 20, size=n), dtype="Int64"),
        "shares": pd.array(rng.integers(0, 15, size=n), dtype="Int64"),
        "follows": pd.array(rng.integers(0, 9, size=n), dtype="Int64"),
    })


def _one(path, layout):
    exports = read_export(path)
    assert [e.layout for e in exports] == [layout]
    return exports[0]


def _local_days(times: pd.Series) -> list:
    return times.dt.tz_convert(PARIS).dt.tz_localize(None).dt.normalize().tolist()


def test_writers_are_registered_under_the_reader_layout_names():
    assert {"youtube_studio_table", "youtube_studio_chart"} <= set(WRITERS)


def test_parse_hms():
    assert parse_hms("0:00:41") == 41
    assert parse_hms("1:02:03") == 3723
    assert parse_hms("12:07") == 727
    assert parse_hms("") is None and parse_hms("soon") is None


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("resave", [None, "fr_excel"])
def test_table_data_default_selection(tmp_path, language, resave):
    truth = _truth_posts(1)
    path = write_export("youtube_studio_table", truth, tmp_path, language=language,
                        resave=resave, exported_at=pd.Timestamp("2026-04-05 09:00", tz="UTC"),
                        rng=np.random.default_rng(2))
    assert path.name == ("Table data.csv" if language == "en"
                         else "Informations relatives aux tableaux.csv")
    got = _one(path, "youtube_studio_table")
    assert got.table == "posts" and got.timezone == PARIS and got.language == language
    # the folder "Content 2026-02-20_2026-04-05 <channel>" carries the export range
    assert got.exported_at == pd.Timestamp("2026-04-05", tz="UTC")
    assert got.skipped_rows["source_row"].tolist() == [2]  # the Total row
    assert "Total" in got.skipped_rows["reason"].iat[0]
    assert got.issues.empty
    rows = got.rows.set_index("post_id").loc[truth["post_id"]]  # leading space stripped
    # "Sep 20, 2026" / "20 sept. 2026": the day only, in local time
    assert rows["published_at"].tolist() == _local_days(truth["published_at"])
    assert (rows["published_at_precision"] == "day").all()
    for col in ("impressions", "views", "likes", "comments"):
        assert rows[col].astype("Int64").tolist() == truth[col].tolist(), col
    # the default selection has no Shares, Unique viewers or Subscribers gained
    for col in ("shares", "reach", "follows", "clicks", "saves"):
        assert col not in rows or rows[col].isna().all(), col
    assert rows["text"].tolist() == truth["text"].tolist()
    assert rows["permalink"].str.startswith("https://www.youtube.com/watch?v=").all()
    assert (rows["extra:average view duration (s)"] > 0).all()


def test_table_data_full_selection_with_times(tmp_path):
    truth = _truth_posts(3)
    path = write_export("youtube_studio_table", truth, tmp_path / "Table data.csv",
                        exported_at=pd.Timestamp("2026-04-05"), selection="full",
                        date_style="iso")
    got = _one(path, "youtube_studio_table")
    assert got.exported_at is None  # a bare file name carries no date range
    rows = got.rows.set_index("post_id").loc[truth["post_id"]]
    local = truth["published_at"].dt.tz_convert(PARIS).dt.tz_localize(None)
    assert rows["published_at"].tolist() == local.dt.floor("s").tolist()
    assert (rows["published_at_precision"] == "exact").all()
    for col in ("impressions", "views", "likes", "comments", "shares", "reach", "follows"):
        assert rows[col].astype("Int64").tolist() == truth[col].tolist(), col


def test_zip_of_table_and_chart(tmp_path):
    truth = _truth_posts(4)
    days = pd.date_range("2026-03-25", periods=10, freq="D", tz="UTC")
    rng = np.random.default_rng(5)
    followers = pd.DataFrame({"account": "Ville de Romans", "date": days,
                              "new_followers": pd.array(rng.integers(0, 9, 10), dtype="Int64"),
                              "lost_followers": pd.array(rng.integers(0, 4, 10), dtype="Int64")})
    folder = tmp_path / "export"
    table = write_export("youtube_studio_table", truth, folder, exported_at=pd.Timestamp("2026-04-05"))
    # one Studio export = one folder: the chart goes next to the table
    chart = write_export("youtube_studio_chart", followers, table.parent / "Chart data.csv",
                         exported_at=pd.Timestamp("2026-04-05"))
    archive = tmp_path / "Content 2026-02-20_2026-04-05 Ville de Romans.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for p in (table, chart):
            zf.write(p, f"{p.parent.name}/{p.name}")
    exports = {e.layout: e for e in read_export(archive)}
    assert set(exports) == {"youtube_studio_table", "youtube_studio_chart"}
    assert exports["youtube_studio_table"].exported_at == pd.Timestamp("2026-04-05", tz="UTC")
    fol = exports["youtube_studio_chart"]
    assert fol.table == "followers" and fol.timezone == "UTC"
    assert fol.rows["date"].tolist() == days.tolist()
    assert fol.rows["new_followers"].tolist() == followers["new_followers"].tolist()
    assert fol.rows["lost_followers"].isna().all() and fol.rows["followers"].isna().all()


@pytest.mark.parametrize(("metric", "column"), [("lost", "lost_followers"),
                                                 ("subscribers", "net_followers")])
def test_chart_other_subscriber_metrics(tmp_path, metric, column):
    days = pd.date_range("2026-01-01", periods=6, freq="D", tz="UTC")
    new = pd.array([3, 0, 5, 2, 7, 1], dtype="Int64")
    lost = pd.array([1, 0, 2, 2, 0, 4], dtype="Int64")
    followers = pd.DataFrame({"date": days, "new_followers": new, "lost_followers": lost})
    path = write_export("youtube_studio_chart", followers, tmp_path, language="fr",
                        exported_at=pd.Timestamp("2026-01-07"), metric=metric)
    got = _one(path, "youtube_studio_chart")
    expected = lost if metric == "lost" else new - lost
    assert got.rows[column].tolist() == list(expected)


def test_chart_of_views_is_page_metrics_and_per_video_chart_is_skipped(tmp_path):
    p = tmp_path / "Chart data.csv"
    p.write_text("Date,Views\n2026-01-01,120\n2026-01-02,98\n", encoding="utf-8")
    got = _one(p, "youtube_studio_chart")
    assert got.table == "page_metrics"
    assert got.rows["value"].tolist() == [120, 98]
    p2 = tmp_path / "per_video" / "Chart data.csv"
    p2.parent.mkdir()
    p2.write_text("Date,Content,Video title,Video publish time,Duration,Views\n"
                  '2026-01-01,abcdefghijk,Voeux,"Jan 1, 2026",120,12\n'
                  '2026-01-02,abcdefghijk,Voeux,"Jan 1, 2026",120,30\n', encoding="utf-8")
    got = _one(p2, "youtube_studio_chart")
    assert got.rows.empty
    assert got.skipped_rows["source_row"].tolist() == [2, 3]  # every row accounted for
    assert got.skipped_rows["reason"].str.contains("per-video").all()


def test_march_dates_and_bad_cells(tmp_path):
    p = tmp_path / "Table data.csv"
    p.write_text(
        "Content,Video title,Video publish time,Duration,Views,Watch time (hours)\n"
        "Total,,,,130,2.5\n"
        'aaaaaaaaaaa,Mars,"Mar 3, 2026",61,100,1.5\n'
        'bbbbbbbbbbb,Mai,"May 13, 2026",61,lots,1.0\n'
        'ccccccccccc,Hier,"yesterday",61,30,0\n', encoding="utf-8")
    got = _one(p, "youtube_studio_table")
    assert got.rows["published_at"].tolist()[:2] == [pd.Timestamp("2026-03-03"),
                                                      pd.Timestamp("2026-05-13")]
    issues = got.issues.sort_values("source_row")
    assert issues["source_row"].tolist() == [4, 5]
    assert set(issues["column"]) == {"Views", "Video publish time"}
    assert got.rows["views"].isna().tolist() == [False, True, False]


def test_unknown_table_names_the_closest_layout(tmp_path):
    p = tmp_path / "Table data.csv"
    p.write_text("Content,Video title,Something else\nabc,def,1\n", encoding="utf-8")
    with pytest.raises(ExportFormatError) as err:
        read_export(p)
    assert "youtube_studio_table" in str(err.value) and str(p) in str(err.value)


# ---------------------------------------------------------------------------
# Quirks of real Studio downloads (headers copied from real 'Table data.csv' files)
# ---------------------------------------------------------------------------


def test_real_date_table_skips_total_and_durations(tmp_path):
    """'Table data.csv' exported with Date as its dimension (a real header)."""
    d = tmp_path / "Content 2024-04-23_2024-11-26 Ville"
    d.mkdir()
    p = d / "Table data.csv"
    p.write_text("Date,Views,Watch time (hours),Average view duration,Estimated revenue (USD)\n"
                 "Total,100323960,19346284.5196,0:11:34,608682.648\n"
                 "2024-11-26,171037,51015.5181,0:17:53,1769.498\n"
                 "2024-11-25,176898,53665.4238,0:18:12,1702.493\n"
                 "2024-04-23,409979,45059,0:06:35,1515.058\n", encoding="utf-8")
    got = _one(p, "youtube_studio_chart")
    assert got.table == "page_metrics"
    assert got.issues.empty, got.issues
    assert got.skipped_rows["source_row"].tolist() == [2]
    assert got.rows["metric"].unique().tolist() == ["Views"]
    assert got.rows["value"].tolist() == [171037, 176898, 409979]
    assert got.rows["date"].tolist() == [pd.Timestamp(x, tz="UTC") for x in
                                         ("2024-11-26", "2024-11-25", "2024-04-23")]
    assert any("Average view duration" in w for w in got.warnings)


REAL_TABLE_HEADER_2026 = (
    "Content,Video title,Video publish time,Duration,Engaged views,Average percentage viewed (%),"
    "Stayed to watch (%),Unique viewers,Average views per viewer,New viewers,Returning viewers,"
    "Casual viewers,Regular viewers,Hypes,Hype points,Subscribers gained,Subscribers lost,Likes,"
    "Dislikes,Likes (vs dislikes) (%),Shares,Comments added,Post subscribers,Views,"
    "Watch time (hours),Subscribers,Average view duration,Impressions,"
    "Impressions click-through rate (%)"
)


def test_negative_period_totals_are_missing_not_quarantined(tmp_path):
    """Likes over the report's range can be net negative for an older video (seen: -27)."""
    p = tmp_path / "Table data.csv"
    p.write_text(
        REAL_TABLE_HEADER_2026 + "\n"
        "Total,,,,2055891,26.05,59.3,1030039,1.9959,563296,446188,385566,60622,796,231040,"
        "17706,2572,103060,1021,99.02,27879,2456,45,2649669,228169.5347,15134,0:06:39,27964676,"
        "4.34\n"
        "VnDdopZqZzM,Conseil municipal,\"Feb 16, 2025\",896,3456,25.24,,2761,1.2517,499,2236,"
        "1853,383,0,0,18,0,-27,-8,77.14,57,6,0,3456,217.1271,18,0:03:46,46213,4.77\n"
        " -lEbeUeMiSI,Marché de Noël,\"Nov 9, 2025\",1184,72339,22.21,,58287,1.2411,26475,31521,"
        "28389,3132,0,0,556,12,1548,37,97.67,1712,59,0,72339,5283.8535,544,0:04:22,1004150,"
        "5.45\n", encoding="utf-8")
    got = _one(p, "youtube_studio_table")
    assert got.issues.empty
    assert got.rows["post_id"].tolist() == ["VnDdopZqZzM", "-lEbeUeMiSI"]
    assert got.rows["likes"].isna().tolist() == [True, False]
    assert got.rows["likes"].iloc[1] == 1548
    assert got.rows["extra:likes"].tolist() == ["-27", "1548"]
    assert got.rows["views"].tolist() == [3456, 72339]
    assert got.rows["shares"].tolist() == [57, 1712]
    assert any("negative" in w and "'Likes'" in w for w in got.warnings)
    data = clean([got], collectivite="romans", account="ville")
    assert len(data.posts) == 2 and data.quarantine.empty


def test_shown_in_feed_marks_shorts(tmp_path):
    p = tmp_path / "Table data.csv"
    p.write_text(
        "Content,Video title,Video publish time,New viewers,Returning viewers,Likes,"
        "Subscribers gained,Shown in feed,Viewed (vs. swiped away) (%),"
        "Average percentage viewed (%),Views,Watch time (hours),Subscribers,Impressions,"
        "Impressions click-through rate (%)\n"
        "Total,,,0,0,3562,265,253186,38.21,83.8,97004,375.6609,222,17949,5.19\n"
        "M1fTBQ96BRM,Un short,\"Dec 15, 2023\",,,134,3,11304,42.68,102.69,4835,19.3082,3,618,"
        "4.53\n"
        "n1jO45BBHqc,Une vidéo,\"Aug 11, 2021\",,,4,1,0,,26.54,56,0.7224,1,271,14.02\n",
        encoding="utf-8")
    got = _one(p, "youtube_studio_table")
    assert got.issues.empty
    assert got.rows["media_type"].tolist() == ["short", "video"]
    assert got.rows["likes"].tolist() == [134, 4]
    assert got.rows["follows"].tolist() == [3, 1]
