"""The readers framework: detection, clear errors, folders, zips and the generic read_table."""

from __future__ import annotations

import codecs
import zipfile

import pandas as pd
import pytest

from engagement_lib.errors import ExportFormatError
from engagement_lib.readers import (
    Layout,
    ReadResult,
    detect,
    get_layout,
    layouts,
    read_export,
    read_exports,
    read_table,
)

MBS_HEAD = "Post ID,Page ID,Page name,Publish time,Permalink,Post type,Date,Reach,Reactions\n"
MBS_ROW = "{i},9,P,01/0{i}/2026 10:00,https://fb.com/9/posts/{i},Photos,Lifetime,{i}0,{i}\n"


def _mbs(path, n=2):
    path.write_text(MBS_HEAD + "".join(MBS_ROW.format(i=i) for i in range(1, n + 1)),
                    encoding="utf-8")
    return path


# ---------------------------------------------------------------------------
# registry
# ---------------------------------------------------------------------------


def test_layout_signature_must_be_a_subset_of_columns():
    with pytest.raises(ValueError, match="not in columns"):
        Layout(name="bad", network="x", table="posts", kind="csv", parse=lambda t: t,
               columns={"a": ["A"]}, signature=("a", "b"))
    with pytest.raises(ValueError, match="kind"):
        Layout(name="bad", network="x", table="posts", kind="pdf", parse=lambda t: t)


def test_registry_lists_meta_layouts():
    names = {lay.name for lay in layouts()}
    assert {"facebook_insights_legacy", "meta_business_suite_posts", "meta_daily_series",
            "facebook_graph_json"} <= names
    assert {lay.kind for lay in layouts("json")} == {"json"}
    with pytest.raises(KeyError, match="unknown layout"):
        get_layout("myspace_export")


def test_detection_uses_content_not_file_name(tmp_path):
    path = _mbs(tmp_path / "Facebook Insights Data Export (Post Level) - tweet_activity.txt")
    assert detect(path).name == "meta_business_suite_posts"


def test_detection_matches_a_subset_and_tolerates_extra_columns(tmp_path):
    path = tmp_path / "wide.csv"
    path.write_text("Unknown col,Post ID,Permalink,Something new,Page ID,Publish time,Post type\n"
                    "a,1,https://fb.com/9/posts/1,b,9,02/03/2026 10:00,Links\n")
    (raw,) = read_export(path)
    assert raw.layout == "meta_business_suite_posts"
    assert raw.rows["extra:unknown col"].tolist() == ["a"]
    assert raw.rows["extra:something new"].tolist() == ["b"]


def test_header_found_below_a_note_line(tmp_path):
    path = tmp_path / "note.csv"
    path.write_text("Exported from Meta Business Suite on 02/04/2026\n" + MBS_HEAD
                    + MBS_ROW.format(i=1))
    (raw,) = read_export(path)
    assert raw.header_line == 2 and raw.rows["source_row"].tolist() == [3]
    assert raw.skipped_rows["source_row"].tolist() == [1]


def test_forced_layout(tmp_path):
    path = _mbs(tmp_path / "a.csv")
    (raw,) = read_export(path, layout="meta_business_suite_posts")
    assert raw.layout == "meta_business_suite_posts"
    with pytest.raises(ExportFormatError, match="missing"):
        read_export(path, layout="meta_business_suite_instagram")


# ---------------------------------------------------------------------------
# clear errors
# ---------------------------------------------------------------------------


def test_unknown_layout_names_file_closest_layouts_and_missing_columns(tmp_path):
    path = tmp_path / "mystery.csv"
    path.write_text("Post ID,Publish time,Post type,Reach\n1,01/02/2026 10:00,Photos,3\n")
    with pytest.raises(ExportFormatError) as err:
        read_export(path)
    msg = str(err.value)
    assert str(path) in msg and err.value.path == str(path)
    assert "not a known export layout" in msg
    assert "meta_business_suite_posts" in msg and "'Permalink'" in msg
    assert "read_table" in msg  # the way out for an analyst's own table


@pytest.mark.parametrize("content", [b"", codecs.BOM_UTF8, b"\r\n\r\n  \n", codecs.BOM_UTF16_LE])
def test_empty_file(tmp_path, content):
    path = tmp_path / "empty.csv"
    path.write_bytes(content)
    with pytest.raises(ExportFormatError, match="empty file") as err:
        read_export(path)
    assert err.value.line == 1 and "empty.csv" in str(err.value)


def test_truncated_unterminated_quote(tmp_path):
    path = tmp_path / "cut.csv"
    path.write_text(MBS_HEAD + MBS_ROW.format(i=1)
                    + '2,9,P,01/02/2026 10:00,https://fb.com/9/posts/2,Photos,"Lifet')
    with pytest.raises(ExportFormatError, match="truncated") as err:
        read_export(path)
    assert err.value.line == 3


def test_truncated_last_row(tmp_path):
    path = tmp_path / "cut.csv"
    path.write_text(MBS_HEAD + MBS_ROW.format(i=1) + "2,9,P,01/02/2026 10:00,https://fb.c")
    with pytest.raises(ExportFormatError, match="truncated file: the last row") as err:
        read_export(path)
    assert err.value.line == 3 and "'Post type'" in str(err.value)


def test_row_with_too_many_fields(tmp_path):
    path = tmp_path / "wide.csv"
    path.write_text(MBS_HEAD + "1,9,P,01/01/2026 10:00,https://fb.com/9/posts/1,Photos,Lifetime,"
                    "10,1,oops\n" + MBS_ROW.format(i=2))
    with pytest.raises(ExportFormatError, match="10 fields but the header has 9") as err:
        read_export(path)
    assert err.value.line == 2


def test_trailing_empty_fields_are_tolerated(tmp_path):
    path = tmp_path / "trail.csv"
    path.write_text(MBS_HEAD + MBS_ROW.format(i=1).rstrip("\n") + ",,\n")
    (raw,) = read_export(path)
    assert raw.n_rows == 1


@pytest.mark.parametrize(
    ("content", "what"),
    [(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary"),
     (b"Post ID,Reach\n1,2\n\x00\x00\x07\x08\x00\x01", "binary"),
     (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, ".xls"),
     (b"PK\x03\x04garbage", "damaged")],
)
def test_binary_files(tmp_path, content, what):
    path = tmp_path / "export.csv"
    path.write_bytes(content)
    with pytest.raises(ExportFormatError, match=what) as err:
        read_export(path)
    assert "export.csv" in str(err.value)


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(ExportFormatError, match="not found"):
        read_export(tmp_path / "nope.csv")
    with pytest.raises(ExportFormatError, match="directory"):
        read_export(tmp_path)


# ---------------------------------------------------------------------------
# folders and archives
# ---------------------------------------------------------------------------


def test_read_exports_folder(tmp_path):
    (tmp_path / "b").mkdir()
    _mbs(tmp_path / "b" / "second.csv", n=3)
    _mbs(tmp_path / "a.csv")
    (tmp_path / "README.md").write_text("# notes")
    (tmp_path / ".hidden.csv").write_text("junk")
    (tmp_path / "~$a.xlsx").write_bytes(b"lock")
    result = read_exports(tmp_path)
    assert isinstance(result, ReadResult) and result.failures == ()
    assert [r.path for r in result] == [str(tmp_path / "a.csv"), str(tmp_path / "b/second.csv")]
    assert [r.n_rows for r in result] == [2, 3]


def test_read_exports_raise_or_collect(tmp_path):
    _mbs(tmp_path / "a.csv")
    (tmp_path / "broken.csv").write_text("what,is,this\n1,2,3\n")
    with pytest.raises(ExportFormatError) as err:
        read_exports(tmp_path)
    assert "broken.csv" in str(err.value)
    result = read_exports(tmp_path, errors="collect", progress=False)
    assert len(result) == 1 and len(result.failures) == 1
    assert result.failures[0].path.endswith("broken.csv")
    assert "not a known export layout" in str(result.failures[0])
    with pytest.raises(ValueError, match="errors"):
        read_exports(tmp_path, errors="ignore")


def test_zip_of_exports(tmp_path):
    archive = tmp_path / "exports.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("Content/a.csv", MBS_HEAD + MBS_ROW.format(i=1))
        zf.writestr("__MACOSX/._a.csv", b"\x00\x05junk")
        zf.writestr("Content/README.md", "notes")
    (raw,) = read_export(archive)
    assert raw.path == f"{archive}!Content/a.csv"


# ---------------------------------------------------------------------------
# read_table: an analyst's own table
# ---------------------------------------------------------------------------

THAI_MAPPING = {"post_id": "status_id", "media_type": "status_type",
                "published_at": "status_published", "likes": "num_reactions",
                "comments": "num_comments", "shares": "num_shares"}


@pytest.mark.real
def test_read_table_real_thai_live_export(thai_live_csv):
    raw = read_table(thai_live_csv, mapping=THAI_MAPPING, network="facebook",
                     collectivite="thai_sellers")
    rows = raw.rows
    assert raw.n_rows == 7050
    assert (raw.encoding, raw.delimiter, raw.header_line) == ("utf-8-sig", ",", 1)
    assert raw.layout == "generic" and raw.table == "posts" and raw.timezone == "Europe/Paris"
    # physical lines: header on 1, data on 2..7051 (CRLF, no newline after the last row)
    assert rows["source_row"].tolist() == list(range(2, 7052))
    assert raw.issues.empty and raw.warnings == ()
    assert rows["published_at"].notna().all()  # every date parsed, month-first
    by_line = rows.set_index("source_row")["published_at"]
    assert by_line[2] == pd.Timestamp("2018-04-22 06:00")  # "4/22/2018 6:00"
    assert by_line[11] == pd.Timestamp("2018-04-11 04:53")  # "4/11/18 04:53": two-digit year
    assert by_line[13] == pd.Timestamp("2018-04-09 02:06")  # "4/9/18 02:06": not 4 September
    assert by_line[7051] == pd.Timestamp("2016-09-10 10:30")  # last row, no final newline
    assert rows["published_at"].min() >= pd.Timestamp("2012-01-01")
    assert rows["published_at"].max() <= pd.Timestamp("2018-07-01")
    assert rows["post_id"].str.fullmatch(r"\d+_\d+").all()
    assert rows["post_id"].str.split("_").str[0].nunique() == 9
    assert rows["media_type"].value_counts().to_dict() == {"photo": 4288, "video": 2334,
                                                           "status": 365, "link": 63}
    assert rows["likes"].dtype == "Int64" and rows["likes"].notna().all()
    assert "extra:num_loves" in rows and "extra:column4" in rows
    assert (rows["collectivite"] == "thai_sellers").all()


def test_read_table_missing_header_is_named(tmp_path):
    path = tmp_path / "mine.csv"
    path.write_text("id;date;likes\n1;01/02/2020;3\n")
    with pytest.raises(ExportFormatError, match="'reactions'") as err:
        read_table(path, mapping={"post_id": "id", "likes": "reactions"}, network="facebook")
    assert "'id'" in str(err.value) and err.value.line == 1


def test_read_table_french_sheet_with_note_row_and_options(tmp_path):
    path = tmp_path / "suivi.csv"
    path.write_bytes("Suivi des publications (fait main)\nIdentifiant;Date;J’aime;Payant\n"
                     "a1;13/01/2020 10:00;1\u00a0234;oui\na2;01/02/2020 10:00;-;non\n"
                     "a3;;x;peut-être\n".encode("cp1252", "replace"))
    raw = read_table(path, network="instagram", account="ville",
                     mapping={"post_id": "Identifiant", "published_at": "Date",
                              "likes": "J'aime", "is_paid": "Payant"})
    rows = raw.rows
    assert raw.encoding == "cp1252" and raw.delimiter == ";" and raw.header_line == 2
    assert rows["source_row"].tolist() == [3, 4, 5]
    assert rows["published_at"].tolist()[:2] == [pd.Timestamp("2020-01-13 10:00"),
                                                 pd.Timestamp("2020-02-01 10:00")]
    assert any("day-first" in w for w in raw.warnings)
    assert rows["likes"].tolist()[0] == 1234 and pd.isna(rows["likes"].iloc[1])
    assert rows["is_paid"].tolist()[:2] == [True, False]
    assert set(zip(raw.issues["source_row"], raw.issues["column"], strict=True)) == {
        (5, "likes"), (5, "is_paid")}
    assert (rows["account"] == "ville").all() and (rows["network"] == "instagram").all()


def test_read_table_xlsx_and_explicit_format(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Data"
    ws.append(["day", "followers"])
    ws.append(["2020.01.02", 10])
    ws.append(["2020.01.03", 12.0])
    wb.save(tmp_path / "f.xlsx")
    raw = read_table(tmp_path / "f.xlsx", mapping={"date": "day", "followers": "followers"},
                     network="x", date_format="%Y.%m.%d")
    assert raw.table == "followers"
    assert raw.rows["date"].tolist() == [pd.Timestamp("2020-01-02"), pd.Timestamp("2020-01-03")]
    assert raw.rows["followers"].tolist() == [10, 12]
    assert raw.rows["source_row"].tolist() == [2, 3]
    with pytest.raises(ValueError):
        read_table(tmp_path / "f.xlsx", mapping={"date": "day"}, network="myspace")


def test_day_first_switch_holds_for_the_whole_file(tmp_path):
    path = tmp_path / "two_dates.csv"
    path.write_text("ref;publié;mesuré;vues\n1;13/01/2020 10:00;02/03/2020;5\n"
                    "2;01/02/2020 10:00;04/03/2020;6\n")
    raw = read_table(path, network="facebook", mapping={
        "post_id": "ref", "published_at": "publié", "date": "mesuré", "views": "vues"})
    assert raw.rows["published_at"].tolist() == [pd.Timestamp("2020-01-13 10:00"),
                                                 pd.Timestamp("2020-02-01 10:00")]
    # nothing in this column exceeds 12, but the file is day-first
    assert raw.rows["date"].tolist() == [pd.Timestamp("2020-03-02"), pd.Timestamp("2020-03-04")]
    assert len([w for w in raw.warnings if "day-first" in w]) == 1
