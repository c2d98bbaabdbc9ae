"""Round trips and failure modes of the LinkedIn readers (engagement_lib.readers.linkedin)."""

from __future__ import annotations

import numpy as np
import openpyxl
import pandas as pd
import pytest

from engagement_lib.errors import ExportFormatError
from engagement_lib.readers import read_export
from engagement_lib.simulate.exports import WRITERS, write_export

PARIS = "Europe/Paris"


def _truth_posts(seed: int, start: str, n: int = 10, snowflake: bool = True) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    t0 = pd.Timestamp(start, tz="UTC")
    offsets = np.sort(rng.integers(0, 40 * 86_400_000, size=n))
    times = pd.DatetimeIndex([t0 + pd.Timedelta(milliseconds=int(o)) for o in offsets]).as_unit("us")
    if snowflake:  # LinkedIn activity ids: milliseconds since 1970 in the top bits
        ids = [f"urn:li:activity:{((t.value // 10**6) << 22) | int(rng.integers(0, 1 << 22))}"
               for t in times]
    else:
        ids = [f"urn:li:activity:{7_000_000_000_000_000_000 + i}" for i in range(n)]
    media = np.array(["photo", "video", "link", "text", "album"])[rng.integers(0, 5, size=n)]
    views = pd.array(rng.integers(10, 900, size=n), dtype="Int64")
    views[media != "video"] = pd.NA
    return pd.DataFrame({
        "collectivite": "grand_est",
        "account": "Région Grand Est",
        "network": "linkedin",
        "post_id": ids,
        "published_at": times,
        "media_type": media,
        "text": [f"Publication n°{i} : l’agenda de la Région, été {2020 + i}" for i in range(n)],
        "is_paid": rng.random(n) < 0.3,
        "impressions": pd.array(rng.integers(100, 30_000, size=n), dtype="Int64"),
        "views": views,
        "likes": pd.array(rng.integers(0, 400, size=n), dtype="Int64"),
        "comments": pd.array(rng.integers(0, 50, size=n), dtype="Int64"),
        "shares": pd.array(rng.integers(0, 60, size=n), dtype="Int64"),
        "clicks": pd.array(rng.integers(0, 900, size=n), dtype="Int64"),
        "follows": pd.array(rng.integers(0, 12, size=n), dtype="Int64"),
    })


def _by_layout(exports):
    return {e.layout: e for e in exports}


def test_writers_are_registered_under_the_reader_layout_names():
    assert {"linkedin_content", "linkedin_followers"} <= set(WRITERS)


@pytest.mark.parametrize(("exported", "era"), [("2022-05-02", "update"), ("2026-03-02", "post")])
def test_content_round_trip(tmp_path, exported, era):
    start = (pd.Timestamp(exported) - pd.Timedelta(days=45)).strftime("%Y-%m-%d")
    truth = _truth_posts(1, start)
    path = write_export("linkedin_content", truth, tmp_path,
                        exported_at=pd.Timestamp(exported + " 08:30", tz="UTC"))
    assert path.suffix == ".xlsx" and "_content_" in path.name
    exports = _by_layout(read_export(path))
    assert set(exports) == {"linkedin_content", "linkedin_content_metrics"}
    got = exports["linkedin_content"]
    assert got.network == "linkedin" and got.table == "posts" and got.timezone == "UTC"
    assert got.exported_at == pd.Timestamp(exported + " 08:30", tz="UTC")  # workbook property
    assert got.issues.empty
    assert got.header_line == 2  # the note on row 1 is skipped
    assert got.skipped_rows["source_row"].tolist() == [1]
    rows = got.rows.set_index("post_id").loc[truth["post_id"]]
    # Created date is a day; the snowflake URN gives back the exact instant
    assert (rows["published_at"].to_numpy() == truth["published_at"].to_numpy()).all()
    assert (rows["published_at_precision"] == "exact").all()
    for col in ("impressions", "clicks", "likes", "comments", "shares", "follows"):
        assert rows[col].astype("Int64").tolist() == truth[col].tolist(), col
    if era == "post":
        assert rows["views"].astype("Int64").tolist() == truth["views"].tolist()
        assert rows["media_type"].notna().all()
        header = [c.value for c in openpyxl.load_workbook(path)["All posts"][2]]
        assert "Reposts" in header and "Post link" in header
    else:
        assert "views" not in rows or rows["views"].isna().all()
        assert rows["media_type"].isna().all()  # old exports do not type posts
        header = [c.value for c in openpyxl.load_workbook(path)["All posts"][2]]
        assert "Shares" in header and "Update link" in header
    assert rows["is_paid"].tolist() == truth["is_paid"].tolist()
    for col in ("reach", "saves"):  # LinkedIn reports neither per post
        assert col not in rows or rows[col].isna().all()
    assert rows["text"].tolist() == truth["text"].tolist()
    # the Metrics sheet: page-level daily totals, returned as long page_metrics rows
    metrics = exports["linkedin_content_metrics"]
    assert metrics.table == "page_metrics"
    total = metrics.rows[metrics.rows["metric"] == "Impressions (total)"]
    assert total["value"].sum() == truth["impressions"].sum()


def test_content_without_snowflake_ids_keeps_the_local_day(tmp_path):
    truth = _truth_posts(2, "2026-01-10", snowflake=False)
    path = write_export("linkedin_content", truth, tmp_path, exported_at=pd.Timestamp("2026-03-01"))
    got = _by_layout(read_export(path))["linkedin_content"]
    rows = got.rows.set_index("post_id").loc[truth["post_id"]]
    assert (rows["published_at_precision"] == "day").all()
    local_day = truth["published_at"].dt.tz_convert(PARIS).dt.tz_localize(None).dt.normalize()
    expected = local_day.dt.tz_localize(PARIS).dt.tz_convert("UTC")
    assert rows["published_at"].tolist() == expected.tolist()
    assert any("only the day" in w for w in got.warnings)


def test_link_without_urn_is_an_issue(tmp_path):
    truth = _truth_posts(3, "2026-01-10", n=3)
    truth.loc[1, "permalink"] = "https://www.linkedin.com/company/region-grand-est/"
    truth["permalink"] = truth["permalink"].fillna(
        "https://www.linkedin.com/feed/update/" + truth["post_id"])
    path = write_export("linkedin_content", truth, tmp_path, exported_at=pd.Timestamp("2026-03-01"))
    got = _by_layout(read_export(path))["linkedin_content"]
    assert len(got.rows) == 3  # nothing dropped
    bad = got.issues[got.issues["column"] == "post_id"]
    assert len(bad) == 1
    assert got.rows.loc[got.rows["source_row"] == bad["source_row"].iat[0], "post_id"].isna().all()


def test_followers_round_trip_total_is_new_followers(tmp_path):
    days = pd.date_range("2026-03-25", periods=10, freq="D", tz="UTC")
    rng = np.random.default_rng(4)
    new = pd.array(rng.integers(0, 40, size=10), dtype="Int64")
    truth = pd.DataFrame({"collectivite": "grand_est", "account": "Région Grand Est",
                          "network": "linkedin", "date": days,
                          "followers": pd.array(rng.integers(5000, 6000, 10), dtype="Int64"),
                          "new_followers": new,
                          "lost_followers": pd.array(rng.integers(0, 5, 10), dtype="Int64")})
    audience = pd.DataFrame({
        "dimension": ["seniority"] * 3 + ["job_function"] * 2 + ["location"] * 2,
        "bracket": ["Entry", "Senior", "Director", "Education", "Operations",
                    "Strasbourg Area, France", "Metz Area, France"],
        "share": [0.5, 0.3, 0.2, 0.6, 0.4, 0.75, 0.25],
    })
    path = write_export("linkedin_followers", truth, tmp_path,
                        exported_at=pd.Timestamp("2026-04-05 10:00", tz="UTC"), audience=audience)
    exports = read_export(path)
    fol = [e for e in exports if e.layout == "linkedin_followers"]
    assert len(fol) == 1
    rows = fol[0].rows
    assert rows["date"].tolist() == days.tolist()
    assert rows["new_followers"].tolist() == new.tolist()
    # LinkedIn gives neither the running total nor unfollows
    assert rows["followers"].isna().all() and rows["lost_followers"].isna().all()
    demo = pd.concat([e.rows for e in exports if e.layout == "linkedin_followers_demographics"])
    assert all(e.table == "audience" for e in exports if e.layout.endswith("demographics"))
    got = demo.set_index(["dimension", "bracket"])["share"]
    want = audience.set_index(["dimension", "bracket"])["share"]
    assert np.allclose(got.loc[want.index].to_numpy(), want.to_numpy(), atol=1e-4)
    assert (demo["date"] == pd.Timestamp("2026-04-05", tz="UTC")).all()


def test_followers_sheet_with_bad_number_and_note_row(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "New followers"
    ws.append(["This sheet shows your new followers."])
    ws.append(["Date", "Sponsored followers", "Organic followers", "Auto-invited followers",
               "Total followers"])
    ws.append(["03/01/2026", 0, 5, 0, 5])
    ws.append(["03/02/2026", 0, "beaucoup", 0, "beaucoup"])
    path = tmp_path / "page_followers_1772611200000.xlsx"
    wb.save(path)
    got = read_export(path)[0]
    assert got.layout == "linkedin_followers"
    assert got.rows["new_followers"].tolist()[0] == 5
    assert pd.isna(got.rows["new_followers"].tolist()[1])
    assert got.issues["source_row"].tolist() == [4]
    # openpyxl sets "created" on save: the workbook property wins over the name
    assert got.exported_at is not None


def test_damaged_workbook_is_a_clear_error(tmp_path):
    truth = _truth_posts(5, "2026-01-10", n=3)
    path = write_export("linkedin_content", truth, tmp_path, exported_at=pd.Timestamp("2026-03-01"))
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ExportFormatError) as err:
        read_export(path)
    assert str(path) in str(err.value)
