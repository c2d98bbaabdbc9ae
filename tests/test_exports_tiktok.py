"""Round trips of the TikTok Studio writers (engagement_lib.simulate.exports.tiktok), real layout.

Truth → the file TikTok Studio gives (``Content.csv`` / ``FollowerHistory.csv`` in
their zips, year-less days in English or French, every cell quoted) → ``read_export``
→ ``clean`` → equals the truth: video ids, publication times (to the second: the
reader decodes them from the ids), counts, follower totals and days. The real headers
below are written out here from the real downloads, not imported from the writer, so
that a writer drifting away from the real layout fails.
"""

from __future__ import annotations

import csv
import io
import json
import re
import tempfile
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engagement_lib._paths import REPO_ROOT
from engagement_lib.cleaning import clean
from engagement_lib.readers import read_export
from engagement_lib.readers._social_common import month_day
from engagement_lib.simulate.exports import write_export

PARIS = "Europe/Paris"
HANDLE = "toulouse.officiel"
#: Headers of real TikTok Studio downloads (English whatever the interface language).
REAL_CONTENT_HEADER = ["Time", "Video title", "Video link", "Post time", "Total likes",
                       "Total comments", "Total shares", "Total views"]
REAL_FOLLOWER_HEADER = ["Date", "Followers", "Difference in followers from previous day"]
COUNTS = {"likes": "Total likes", "comments": "Total comments", "shares": "Total shares",
          "views": "Total views"}


def _truth_posts(seed: int, n: int = 12, start: str = "2026-03-15", days: int = 30):
    """Posts of one account; video ids carry the Unix second in their top 32 bits."""
    rng = np.random.default_rng(seed)
    t0 = pd.Timestamp(start, tz="UTC")
    offsets = np.sort(rng.choice(days * 86_400, size=n, replace=False))
    times = pd.DatetimeIndex([t0 + pd.Timedelta(seconds=int(o)) for o in offsets]).as_unit("us")
    ids = [str((t.value // 10**9 << 32) | int(rng.integers(0, 1 << 32))) for t in times]
    views = rng.integers(200, 3_000_000, size=n)
    return pd.DataFrame({
        "collectivite": "toulouse",
        "account": "toulouse_tt",
        "network": "tiktok",
        "post_id": ids,
        "published_at": times,
        "media_type": "reel",
        "text": [f"Toulouse en 30 s, épisode {i} #toulouse" for i in range(n)],
        "permalink": [f"https://www.tiktok.com/@{HANDLE}/video/{i}" for i in ids],
        "views": pd.array(views, dtype="Int64"),
        "likes": pd.array((views * rng.uniform(0.01, 0.1, n)).astype(int), dtype="Int64"),
        "comments": pd.array(rng.integers(0, 400, size=n), dtype="Int64"),
        "shares": pd.array(rng.integers(0, 2_000, size=n), dtype="Int64"),
        "saves": pd.array(rng.integers(0, 1_500, size=n), dtype="Int64"),
    })


def _csv_text(path: Path) -> bytes:
    """The CSV bytes of a written download (the zip's only member, or the file)."""
    if path.suffix == ".zip":
        with zipfile.ZipFile(path) as z:
            assert z.namelist() in (["Content.csv"], ["FollowerHistory.csv"])
            return z.read(z.namelist()[0])
    return path.read_bytes()


def _records(data: bytes) -> list[list[str]]:
    text = data.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline="")))


def _local_day(ts) -> pd.Timestamp:
    return pd.Timestamp(ts).tz_convert(PARIS).tz_localize(None).normalize()


# --------------------------------------------------------------------------- content


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("resave", [None, "fr_excel", "fr_excel_utf8"])
def test_content_round_trip_real_layout(tmp_path, language, resave):
    truth = _truth_posts(1)
    exported = pd.Timestamp("2026-04-20 07:15:42", tz="UTC")
    path = write_export("tiktok_content", truth, tmp_path, language=language, resave=resave,
                        exported_at=exported, rng=np.random.default_rng(3))
    if resave is None:  # the download as it comes: a zip holding Content.csv
        assert path.suffix == ".zip"
        data = _csv_text(path)
        assert data.startswith(b"\xef\xbb\xbf") and not data.endswith(b"\n")
        lines = data.decode("utf-8-sig").split("\n")
        assert all(re.fullmatch(r'"[^"]*"(,"[^"]*")*', line) for line in lines)  # all quoted
        records = _records(data)
        assert records[0] == REAL_CONTENT_HEADER
        cells = pd.DataFrame(records[1:], columns=records[0])
        for col in ("Time", "Post time"):  # days without a year, as Studio prints them
            assert not cells[col].str.contains(r"\d{4}").any(), col
        assert cells["Time"].nunique() == 1
        assert month_day(cells["Time"].iat[0]) == (4, 20, None)
        word = r"[^\W\d_]+"
        shape = rf"\d{{1,2}} {word}" if language == "fr" else rf"{word} \d{{1,2}}"
        assert cells["Post time"].str.fullmatch(shape).all()
        assert cells["Total views"].str.fullmatch(r"\d+").all()  # plain counts
    else:  # Excel cannot save into a zip: the extracted file was re-saved
        assert path.name == "Content.csv" and path.parent.name.startswith("Content_")
    (raw,) = read_export(path)
    assert raw.layout == "tiktok_content" and raw.issues.empty, raw.issues
    assert raw.timezone == "UTC"
    # the 'Time' day (Paris) placed on or after the newest video
    assert raw.exported_at == pd.Timestamp("2026-04-20", tz="UTC")
    data = clean([raw], collectivite="toulouse", account="toulouse_tt")
    assert data.quarantine.empty
    got = data.posts.set_index("post_id")
    assert set(got.index) == set(truth["post_id"])
    got = got.loc[truth["post_id"]]
    assert (got["published_at"].to_numpy() == truth["published_at"].to_numpy()).all()
    for col in COUNTS:
        assert got[col].astype("Int64").tolist() == truth[col].tolist(), col
    assert got["saves"].isna().all()  # no such column in the real file
    assert (got["permalink"].to_numpy() == truth["permalink"].to_numpy()).all()
    assert (got["media_type"].astype(str) == "reel").all()
    if resave != "fr_excel":  # cp1252 keeps these accents anyway; emoji-free titles
        assert got["text"].tolist() == truth["text"].tolist()


def test_content_zip_is_named_like_a_studio_download(tmp_path):
    truth = _truth_posts(2)
    exported = pd.Timestamp("2026-04-20 07:15:42", tz="UTC")
    path = write_export("tiktok_content", truth, tmp_path, exported_at=exported)
    m = re.fullmatch(r"Content_(\d{4}-\d{2}-\d{2})_(\d+)_(.+)\.zip", path.name)
    assert m, path.name
    # window start (the oldest video's day here), the download's Unix time, the @handle
    assert m.group(1) == f"{_local_day(truth['published_at'].min()):%Y-%m-%d}"
    assert int(m.group(2)) == int(exported.timestamp())
    assert m.group(3) == HANDLE


def test_content_container_folder_and_explicit_paths(tmp_path):
    truth = _truth_posts(4, n=3)
    kw = {"exported_at": pd.Timestamp("2026-04-20 07:00", tz="UTC")}
    folder = write_export("tiktok_content", truth, tmp_path / "a", container="folder", **kw)
    assert folder.name == "Content.csv" and folder.parent.parent == tmp_path / "a"
    csv_path = write_export("tiktok_content", truth, tmp_path / "b" / "Content.csv", **kw)
    zip_path = write_export("tiktok_content", truth, tmp_path / "c" / "dl.zip", **kw)
    assert csv_path == tmp_path / "b" / "Content.csv" and zip_path == tmp_path / "c" / "dl.zip"
    for p in (folder, csv_path, zip_path):
        (raw,) = read_export(p)
        assert raw.issues.empty and len(raw.rows) == 3
    with pytest.raises(ValueError, match="zip"):
        write_export("tiktok_content", truth, tmp_path / "d.zip", resave="fr_excel", **kw)
    with pytest.raises(ValueError, match="style"):
        write_export("tiktok_content", truth, tmp_path / "e", style="real", **kw)
    with pytest.raises(ValueError, match="fixture"):
        write_export("tiktok_content", truth, tmp_path / "f", fmt="xlsx", **kw)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(start=st.datetimes(min_value=pd.Timestamp("2022-07-17").to_pydatetime(),
                          max_value=pd.Timestamp("2030-12-31").to_pydatetime()),
       days=st.integers(1, 90), delay_s=st.integers(0, 40 * 86_400),
       language=st.sampled_from(["en", "fr"]), seed=st.integers(0, 2**16))
def test_time_day_is_on_or_after_the_newest_video(start, days, delay_s, language, seed):
    truth = _truth_posts(seed, n=5, start=str(pd.Timestamp(start).date()), days=days)
    newest = truth["published_at"].max()
    exported = newest + pd.Timedelta(seconds=delay_s)  # a download follows the videos
    with tempfile.TemporaryDirectory() as d:
        path = write_export("tiktok_content", truth, Path(d), language=language,
                            exported_at=exported)
        records = _records(_csv_text(path))
        (raw,) = read_export(path)
    time_cells = {r[0] for r in records[1:]}
    assert len(time_cells) == 1
    export_day = _local_day(exported)
    assert month_day(time_cells.pop()) == (export_day.month, export_day.day, None)
    # the reader places the year-less day on/after the newest video: the right year
    assert raw.exported_at == export_day.tz_localize("UTC")
    assert raw.exported_at >= _local_day(newest).tz_localize("UTC")
    assert raw.issues.empty
    got = raw.rows.set_index("post_id").loc[truth["post_id"], "published_at"]
    assert (got.to_numpy() == truth["published_at"].to_numpy()).all()


def test_fixture_style_is_still_available(tmp_path):
    truth = _truth_posts(5, n=4)
    path = write_export("tiktok_content", truth, tmp_path, style="fixture",
                        exported_at=pd.Timestamp("2026-04-20", tz="UTC"))
    assert path.suffix == ".csv"
    header = path.read_text(encoding="utf-8").splitlines()[0]
    assert header.startswith("Video title,Video link,Post time,")
    (raw,) = read_export(path)
    assert raw.timezone == PARIS  # wall-clock Post time with a year
    assert raw.rows["saves"].astype("Int64").tolist() == \
        truth.set_index("post_id").loc[raw.rows["post_id"], "saves"].tolist()


# --------------------------------------------------------------------------- followers


def _truth_followers(start="2025-12-10", days=45, missing=(7,)):
    rng = np.random.default_rng(9)
    dates = pd.date_range(start, periods=days, freq="D", tz="UTC").as_unit("us")
    total = 12_000 + np.cumsum(rng.integers(-5, 60, size=days))
    followers = pd.array(total, dtype="Int64")
    for i in missing:
        followers[i] = pd.NA
    return pd.DataFrame({"collectivite": "toulouse", "account": "toulouse_tt",
                         "network": "tiktok", "date": dates, "followers": followers,
                         "new_followers": pd.array(rng.integers(0, 60, size=days), dtype="Int64"),
                         "lost_followers": pd.array(rng.integers(0, 5, size=days),
                                                    dtype="Int64")})


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("resave", [None, "fr_excel"])
def test_follower_history_round_trip_across_new_year(tmp_path, language, resave):
    truth = _truth_followers()  # 2025-12-10 .. 2026-01-23: the days roll into January
    exported = pd.Timestamp("2026-01-26 09:30", tz="UTC")
    path = write_export("tiktok_follower_history", truth, tmp_path, language=language,
                        resave=resave, exported_at=exported)
    if resave is None:
        assert re.fullmatch(rf"Followers_2025-12-10_{int(exported.timestamp())}_toulouse_tt\.zip",
                            path.name)
        records = _records(_csv_text(path))
        assert records[0] == REAL_FOLLOWER_HEADER
        cells = pd.DataFrame(records[1:], columns=records[0])
        assert not cells["Date"].str.contains(r"\d{4}").any()
        assert cells["Followers"].iat[7] == "undefined"
        # the real 'difference' is the change to the NEXT day; 0 on the last row
        f = truth["followers"].astype("Float64")
        want = (f.shift(-1) - f).fillna(0).astype(int).astype(str).tolist()
        assert cells["Difference in followers from previous day"].tolist() == want
    else:
        assert path.name == "FollowerHistory.csv"
        assert path.parent.name.startswith("Followers_2025-12-10_")
    (raw,) = read_export(path)
    assert raw.layout == "tiktok_follower_history" and raw.issues.empty, raw.issues
    data = clean([raw], collectivite="toulouse", account="toulouse_tt")
    assert data.quarantine.empty
    got = data.followers.sort_values("date").reset_index(drop=True)
    assert got["date"].tolist() == truth["date"].tolist()
    assert got["followers"].astype("Int64").tolist() == truth["followers"].tolist()


def test_follower_history_refuses_what_studio_cannot_give(tmp_path):
    kw = {"exported_at": pd.Timestamp("2026-01-26", tz="UTC")}
    with pytest.raises(ValueError, match="365"):
        write_export("tiktok_follower_history", _truth_followers(days=366, missing=()),
                     tmp_path, **kw)
    twice = _truth_followers(days=3, missing=())
    with pytest.raises(ValueError, match="repeated"):
        write_export("tiktok_follower_history", pd.concat([twice, twice]), tmp_path, **kw)


# --------------------------------------------------------------------------- bundle


def test_committed_modern_bundle_uses_the_real_studio_layout():
    """datasets/raw/modern: TikTok exports are real-layout downloads that clean to the truth."""
    datasets = REPO_ROOT / "datasets"
    plan = pd.read_csv(datasets / "export_plan.csv", dtype=str, keep_default_na=False)
    tt = plan[plan["network"] == "tiktok"]
    posts_plan = tt[tt["table"] == "posts"]
    assert len(posts_plan) > 0 and (posts_plan["layout"] == "tiktok_content").all()
    assert all(json.loads(o).get("style") == "studio" for o in posts_plan["options"])
    assert (tt["table"] == "followers").any()
    names = {"posts": r"Content_\d{4}-\d{2}-\d{2}_\d+_[\w.]+(\.zip|/Content\.csv)",
             "followers": r"Followers_\d{4}-\d{2}-\d{2}_\d+_[\w.]+(\.zip|/FollowerHistory\.csv)"}
    for table, file in zip(tt["table"], tt["file"], strict=True):
        assert re.search(names[table] + "$", file), file
    exports = [e for f in tt["file"] for e in read_export(datasets / "raw" / f)]
    assert all(e.issues.empty for e in exports)
    data = clean(exports, collectivite="val_de_marne", account="valdemarne_tt")
    assert data.quarantine.empty
    truth = {t: pd.read_parquet(datasets / "truth" / "modern" / f"{t}.parquet")
             for t in ("posts", "followers")}
    posts = truth["posts"][truth["posts"]["network"] == "tiktok"].set_index("post_id")
    got = data.posts.set_index("post_id")
    assert set(got.index) == set(posts.index)
    got = got.loc[posts.index]
    assert (got["published_at"].to_numpy() == posts["published_at"].to_numpy()).all()
    for col in COUNTS:  # the latest export of each video carries the truth
        assert got[col].astype("Int64").tolist() == posts[col].astype("Int64").tolist(), col
    fol = truth["followers"][truth["followers"]["network"] == "tiktok"].sort_values("date")
    gotf = data.followers.sort_values("date")
    assert gotf["date"].tolist() == fol["date"].tolist()
    assert gotf["followers"].astype("Int64").tolist() == fol["followers"].astype("Int64").tolist()
