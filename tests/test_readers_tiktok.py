"""Round trips and failure modes of the TikTok reader (engagement_lib.readers.tiktok).

The first tests use the writer's unverified fixture-style layout (``style="fixture"``:
full ``Post time``, extra columns) that other projects' fixtures show; the tests after
"Real TikTok Studio downloads" use hand-written lines of the real layout. The round trips
of the writer's real layout are in tests/test_exports_tiktok.py.
"""

from __future__ import annotations

import zipfile

import numpy as np
import pandas as pd
import pytest

from engagement_lib.errors import ExportFormatError
from engagement_lib.readers import read_export
from engagement_lib.readers._social_common import month_day
from engagement_lib.simulate.exports import WRITERS, write_export

PARIS = "Europe/Paris"


def _truth_posts(seed: int, n: int = 10) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    t0 = pd.Timestamp("2026-03-15", tz="UTC")
    offsets = np.sort(rng.integers(0, 30 * 86_400, size=n))
    times = pd.DatetimeIndex([t0 + pd.Timedelta(seconds=int(o)) for o in offsets]).as_unit("us")
    # TikTok video ids carry the Unix second in their top 32 bits
    ids = [str((t.value // 10**9 << 32) | int(rng.integers(0, 1 << 32))) for t in times]
    views = rng.integers(200, 3_000_000, size=n)
    views[0] = 999  # below the first abbreviation
    return pd.DataFrame({
        "collectivite": "toulouse",
        "account": "toulouse",
        "network": "tiktok",
        "post_id": ids,
        "published_at": times,
        "media_type": "reel",
        "text": [f"Toulouse en 30 s, épisode {i}" for i in range(n)],
        "views": pd.array(views, dtype="Int64"),
        "likes": pd.array((views * rng.uniform(0.01, 0.1, n)).astype(int), dtype="Int64"),
        "comments": pd.array(rng.integers(0, 400, size=n), dtype="Int64"),
        "shares": pd.array(rng.integers(0, 2_000, size=n), dtype="Int64"),
        "saves": pd.array(rng.integers(0, 1_500, size=n), dtype="Int64"),
        "completions": pd.array((views * 0.2).astype(int), dtype="Int64"),
    })


def _one(path):
    exports = read_export(path)
    assert [e.layout for e in exports] == ["tiktok_content"]
    return exports[0]


def test_writer_is_registered_under_the_reader_layout_name():
    assert "tiktok_content" in WRITERS


@pytest.mark.parametrize(("fmt", "numbers", "resave"), [
    ("csv", "thousands", None),
    ("csv", "plain", None),
    ("csv", "thousands", "fr_excel"),
    ("csv", "plain", "fr_excel_utf8"),
    ("xlsx", "thousands", None),
])
def test_content_round_trip(tmp_path, fmt, numbers, resave):
    truth = _truth_posts(1)
    path = write_export("tiktok_content", truth, tmp_path, style="fixture", fmt=fmt,
                        numbers=numbers, resave=resave, exported_at=pd.Timestamp("2026-04-20 07:00", tz="UTC"),
                        rng=np.random.default_rng(2))
    assert path.suffix == f".{fmt}"
    got = _one(path)
    assert got.network == "tiktok" and got.table == "posts" and got.timezone == PARIS
    assert got.issues.empty
    want_export = (pd.Timestamp("2026-04-20 07:00", tz="UTC") if fmt == "xlsx"
                   else pd.Timestamp("2026-04-20", tz="UTC"))
    assert got.exported_at == want_export
    rows = got.rows.set_index("post_id").loc[truth["post_id"]]  # ids from the link
    local = truth["published_at"].dt.tz_convert(PARIS).dt.tz_localize(None)
    assert rows["published_at"].tolist() == local.tolist()
    for col in ("views", "likes", "comments", "shares", "saves"):
        assert rows[col].astype("Int64").tolist() == truth[col].tolist(), col
    for col in ("impressions", "reach", "clicks", "follows", "completions"):
        assert col not in rows or rows[col].isna().all(), col
    assert (rows["media_type"] == "video").all()
    assert rows["text"].tolist() == truth["text"].tolist()


def test_abbreviated_counts_are_rounded_and_warned(tmp_path):
    truth = _truth_posts(3)
    path = write_export("tiktok_content", truth, tmp_path, style="fixture",
                        numbers="abbreviated", exported_at=pd.Timestamp("2026-04-20"))
    text = path.read_text(encoding="utf-8")
    assert "K," in text or "M," in text
    got = _one(path)
    assert any("abbreviated" in w for w in got.warnings)
    rows = got.rows.set_index("post_id").loc[truth["post_id"]]
    for col in ("views", "likes", "shares"):
        t = truth[col].astype("int64").to_numpy()
        r = rows[col].astype("int64").to_numpy()
        # one decimal of K or M: the error is at most half a step of the unit
        step = np.where(t >= 1_000_000, 100_000, np.where(t >= 1_000, 100, 1))
        assert (np.abs(r - t) <= step / 2).all(), col
    assert rows["views"].iat[0] == 999


def test_link_without_video_id_is_an_issue(tmp_path):
    p = tmp_path / "tiktok_content_2026-04-01_2026-04-20.csv"
    p.write_text(
        "Video title,Video link,Post time,Total likes,Total comments,Total shares,Total views,"
        "Average watch time,Watched full video,Add to favorites\n"
        "a,https://www.tiktok.com/@toulouse/video/7490000000000000001,2026-04-02 18:00:00,"
        '"1,200",3,4,"18,400",7.5,12.5%,1\n'
        "b,https://www.tiktok.com/@toulouse,2026-04-03 18:00:00,1.2K,3,4,5,0:12,0.2,1\n",
        encoding="utf-8")
    got = _one(p)
    assert got.rows["post_id"].tolist()[0] == "7490000000000000001"
    assert got.rows["views"].tolist() == [18_400, 5]
    assert got.rows["likes"].tolist() == [1_200, 1_200]
    assert got.issues["source_row"].tolist() == [3]
    assert pd.isna(got.rows["post_id"].tolist()[1])


def test_wrong_field_count_names_the_line(tmp_path):
    p = tmp_path / "tiktok.csv"
    p.write_text(
        "Video title,Video link,Post time,Total likes,Total comments,Total shares,Total views\n"
        "a,https://www.tiktok.com/@t/video/1,2026-04-02 18:00:00,1,2,3,4\n"
        "b,https://www.tiktok.com/@t/video/2,2026-04-02 18:00:00,1,2\n", encoding="utf-8")
    with pytest.raises(ExportFormatError) as err:
        read_export(p)
    assert err.value.line == 3 and "Total shares" in str(err.value)


# ---------------------------------------------------------------------------
# Real TikTok Studio downloads: every cell quoted, dates in the interface language
# without a year, 'undefined' for a missing value. The headers are the real ones.
# ---------------------------------------------------------------------------

REAL_CONTENT_HEADER = ('"Time","Video title","Video link","Post time","Total likes",'
                       '"Total comments","Total shares","Total views"')


def _video_id(when: str, low: int = 12345) -> str:
    """A TikTok video id created at ``when`` (UTC): the Unix second in the top 32 bits."""
    return str((pd.Timestamp(when, tz="UTC").value // 10**9 << 32) | low)


def _content_line(export_day, title, vid, post_time, likes="529", views="28590"):
    link = f"https://www.tiktok.com/@ville.test/video/{vid}"
    return ",".join(f'"{c}"' for c in (export_day, title, link, post_time, likes, "170",
                                       "122", views))


@pytest.mark.parametrize(("day_a", "day_b", "export_day"), [
    ("10 января", "20 апреля", "18 января"),   # Russian UI (seen in a real file)
    ("January 10", "April 20", "January 18"),  # English month-first
    ("10 janvier", "20 avr.", "18 janv."),      # French
])
def test_yearless_post_time_is_taken_from_the_video_id(tmp_path, day_a, day_b, export_day):
    a = _video_id("2026-01-10 19:42:35")
    b = _video_id("2025-04-20 13:42:14")  # an older video: another year, same file
    p = tmp_path / "Content.csv"
    p.write_text("\n".join([REAL_CONTENT_HEADER,
                            _content_line(export_day, "Vœux du maire", a, day_a),
                            _content_line(export_day, "Fête de la musique", b, day_b, "7792",
                                          "259884")]) + "\n", encoding="utf-8")
    got = _one(p)
    assert got.issues.empty, got.issues
    assert got.timezone == "UTC"
    assert got.rows["post_id"].tolist() == [a, b]
    assert got.rows["published_at"].tolist() == [pd.Timestamp("2026-01-10 19:42:35", tz="UTC"),
                                                 pd.Timestamp("2025-04-20 13:42:14", tz="UTC")]
    assert (got.rows["published_at_precision"] == "exact").all()
    assert got.rows["views"].tolist() == [28590, 259884]
    assert got.rows["likes"].tolist() == [529, 7792]
    assert got.rows["account"].tolist() == ["ville.test", "ville.test"]
    assert got.exported_at == pd.Timestamp("2026-01-18", tz="UTC")  # the 'Time' day
    assert any("no year" in w for w in got.warnings)


def test_yearless_post_time_far_from_the_id_time_is_an_issue(tmp_path):
    a = _video_id("2026-01-10 19:42:35")
    p = tmp_path / "Content.csv"
    p.write_text("\n".join([REAL_CONTENT_HEADER,
                            _content_line("18 января", "a", a, "20 апреля")]) + "\n",
                 encoding="utf-8")
    got = _one(p)
    assert got.issues["source_row"].tolist() == [2]
    assert "video id" in got.issues["reason"].iat[0]
    assert got.rows["published_at"].isna().all()


def test_yearless_post_time_without_an_id_time_is_an_issue(tmp_path):
    good = _video_id("2026-01-10 19:42:35")
    p = tmp_path / "Content.csv"
    p.write_text("\n".join([REAL_CONTENT_HEADER,
                            _content_line("18 января", "a", good, "10 января"),
                            _content_line("18 января", "b", "12345", "11 января")]) + "\n",
                 encoding="utf-8")
    got = _one(p)
    assert got.issues["source_row"].tolist() == [3]
    assert got.issues["column"].tolist() == ["Post time"]
    assert got.rows["published_at"].notna().tolist() == [True, False]


def test_photo_post_link(tmp_path):
    vid = _video_id("2026-01-12 08:00:00")
    p = tmp_path / "Content.csv"
    line = _content_line("18 January", "Diaporama", vid, "January 12").replace("/video/",
                                                                              "/photo/")
    p.write_text(REAL_CONTENT_HEADER + "\n" + line + "\n", encoding="utf-8")
    got = _one(p)
    assert got.issues.empty
    assert got.rows["post_id"].tolist() == [vid]
    assert got.rows["media_type"].tolist() == ["carousel"]


@pytest.mark.parametrize(("folder", "want_year"), [
    ("Followers_2025-10-17_1787841428_ville", 2025),  # the window's end
    ("Followers_2025-08-18_1787841428_ville", 2025),  # the window's start
])
def test_follower_history_days_are_placed_by_the_name(tmp_path, folder, want_year):
    d = tmp_path / folder
    d.mkdir()
    p = d / "FollowerHistory.csv"
    p.write_text('"Date","Followers","Difference in followers from previous day"\n'
                 '"August 18","22551","14"\n"August 19","22565","23"\n'
                 '"October 16","22788","0"', encoding="utf-8")  # no final newline, as seen
    (got,) = read_export(p)
    assert got.layout == "tiktok_follower_history" and got.table == "followers"
    assert got.issues.empty
    assert got.rows["date"].tolist() == [pd.Timestamp(f"{want_year}-08-18", tz="UTC"),
                                         pd.Timestamp(f"{want_year}-08-19", tz="UTC"),
                                         pd.Timestamp(f"{want_year}-10-16", tz="UTC")]
    assert got.rows["followers"].tolist() == [22551, 22565, 22788]
    assert got.rows["new_followers"].isna().all()  # the difference is a net change


def test_follower_history_rolls_into_january_and_needs_an_anchor(tmp_path):
    text = ('"Date","Followers","Difference in followers from previous day"\n'
            '"30 December","100","1"\n"31 December","101","1"\n"1 January","103","2"\n')
    d = tmp_path / "Followers_2026-01-01"
    d.mkdir()
    (d / "FollowerHistory.csv").write_text(text, encoding="utf-8")
    (got,) = read_export(d / "FollowerHistory.csv")
    assert got.rows["date"].dt.strftime("%Y-%m-%d").tolist() == ["2025-12-30", "2025-12-31",
                                                                 "2026-01-01"]
    (tmp_path / "FollowerHistory.csv").write_text(text, encoding="utf-8")
    (bare,) = read_export(tmp_path / "FollowerHistory.csv")
    assert bare.rows["date"].isna().all()
    assert bare.issues["source_row"].tolist() == [2, 3, 4]
    assert bare.issues["reason"].str.contains("no year").all()


def test_viewers_undefined_is_missing_and_overview_is_page_metrics(tmp_path):
    d = tmp_path / "Viewers_2025-08-19"
    d.mkdir()
    (d / "Viewers.csv").write_text(
        '"Date","Total Viewers","New Viewers","Returning Viewers"\n'
        '"August 19","5780","5617","163"\n"October 17","undefined","0","0"', encoding="utf-8")
    (got,) = read_export(d / "Viewers.csv")
    assert got.layout == "tiktok_viewers" and got.table == "page_metrics"
    assert got.issues.empty
    total = got.rows[got.rows["metric"] == "Total Viewers"]
    assert total["value"].tolist()[0] == 5780 and pd.isna(total["value"].tolist()[1])
    assert total["date"].tolist() == [pd.Timestamp("2025-08-19", tz="UTC"),
                                      pd.Timestamp("2025-10-17", tz="UTC")]
    o = tmp_path / "Overview_2025-08-28_1787841428_ville.zip"  # a zip name of the real shape
    with zipfile.ZipFile(o, "w") as z:
        z.writestr("Overview.csv",
                   '"Date","Video Views","Profile Views","Likes","Comments","Shares"\n'
                   '"28 August","139654","1107","12248","54","1242"\n')
    (over,) = read_export(o)
    assert over.layout == "tiktok_overview"
    assert dict(zip(over.rows["metric"], over.rows["value"], strict=True)) == {
        "Video Views": 139654, "Profile Views": 1107, "Likes": 12248, "Comments": 54,
        "Shares": 1242}
    assert over.rows["date"].unique().tolist() == [pd.Timestamp("2025-08-28", tz="UTC")]


@pytest.mark.parametrize(("text", "want"), [
    ("18 tháng Tám", (8, 18, None)),   # Vietnamese, month in words (real test data)
    ("10 tháng 8", (8, 10, None)),
    ("9月6日", (9, 6, None)),            # Japanese
    ("2025年9月6日", (9, 6, 2025)),
    ("1er août", (8, 1, None)),          # French ordinal first day
    ("undefined", None),
    ("31 juin", None),                   # no such day
    ("mar 14 janv", None),               # two month words: refuse to guess
])
def test_month_day_languages(text, want):
    assert month_day(text) == want


def test_overview_days_placed_by_an_epoch_in_the_name(tmp_path):
    p = tmp_path / "temp_data_1777023477746.csv"  # 2026-04-24 09:37 UTC in milliseconds
    p.write_text('"Date","Video Views","Profile Views","Likes","Comments","Shares"\n'
                 '"April 16","0","1","0","0","0"\n"April 22","0","0","0","0","0"',
                 encoding="utf-8")
    (got,) = read_export(p)
    assert got.issues.empty
    assert sorted(got.rows["date"].unique().tolist()) == [
        pd.Timestamp("2026-04-16", tz="UTC"), pd.Timestamp("2026-04-22", tz="UTC")]
