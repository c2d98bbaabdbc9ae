"""Round trips and failure modes of the TikTok reader (engagement_lib.readers.tiktok).

The layout itself is unverified (no real file seen): these tests check that the
reader and the writer agree and that the documented value formats are handled.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from engagement_lib.errors import ExportFormatError
from engagement_lib.readers import read_export
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
    path = write_export("tiktok_content", truth, tmp_path, fmt=fmt, numbers=numbers,
                        resave=resave, exported_at=pd.Timestamp("2026-04-20 07:00", tz="UTC"),
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
    path = write_export("tiktok_content", truth, tmp_path, numbers="abbreviated",
                        exported_at=pd.Timestamp("2026-04-20"))
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
