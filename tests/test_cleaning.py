"""Unit tests of engagement_lib.cleaning on hand-built RawExports (one rule per test)."""

from __future__ import annotations

import pandas as pd
import pytest

from engagement_lib.cleaning import (
    FLAG_COLUMNS,
    QUARANTINE_COLUMNS,
    CleanData,
    CleaningError,
    CleaningReport,
    clean,
)
from engagement_lib.errors import EngagementError
from engagement_lib.readers import RawExport

BASE = "2019-01-15 10:00"


def posts(**columns) -> pd.DataFrame:
    """A posts rows frame; scalars are broadcast, ``n`` defaults to the longest list."""
    n = max((len(v) for v in columns.values() if isinstance(v, list)), default=1)
    data = {k: (v if isinstance(v, list) else [v] * n) for k, v in columns.items()}
    data.setdefault("source_row", list(range(2, n + 2)))
    data.setdefault("post_id", [str(1000 + i) for i in range(n)])
    data.setdefault("published_at", [BASE] * n)
    data.setdefault("media_type", ["Photo"] * n)
    frame = pd.DataFrame(data)
    frame["published_at"] = pd.to_datetime(frame["published_at"])
    for col in ("impressions", "reach", "views", "likes", "comments", "shares"):
        if col in frame:
            frame[col] = frame[col].astype("Int64")
    return frame


def raw(rows, *, path="toulouse/facebook/ville/export.csv", network="facebook", table="posts",
        timezone="Europe/Paris", exported_at=None, **kwargs) -> RawExport:
    if exported_at is not None:
        exported_at = pd.Timestamp(exported_at, tz="UTC")
    return RawExport(path=path, layout="test_layout", network=network, table=table, rows=rows,
                     timezone=timezone, exported_at=exported_at, **kwargs)


def quarantined(data: CleanData, rule: str) -> pd.DataFrame:
    return data.quarantine[data.quarantine["rule"] == rule]


def flagged(data: CleanData, flag: str) -> pd.DataFrame:
    return data.flags[data.flags["flag"] == flag]


# ---------------------------------------------------------------------------
# Timezones
# ---------------------------------------------------------------------------


def test_naive_paris_times_become_utc_with_the_winter_and_summer_offsets():
    data = clean(raw(posts(published_at=["2019-01-15 10:00", "2019-07-15 10:00"])))
    got = data.posts.sort_values("post_id")["published_at"].astype(str).tolist()
    assert got == ["2019-01-15 09:00:00+00:00", "2019-07-15 08:00:00+00:00"]


def test_dst_gap_is_shifted_forward_by_the_gap_and_counted():
    # 2019-03-31 02:00-03:00 does not exist in Europe/Paris.
    data = clean(raw(posts(published_at=["2019-03-31 02:10", "2019-03-31 02:50",
                                         "2019-03-31 03:10"])))
    got = data.posts.sort_values("post_id")["published_at"].astype(str).tolist()
    # Read with the pre-gap offset (+01:00): order and distinctness kept.
    assert got == ["2019-03-31 01:10:00+00:00", "2019-03-31 01:50:00+00:00",
                   "2019-03-31 01:10:00+00:00"]
    assert data.report.totals["dst_nonexistent"] == 2
    assert data.report.totals["dst_ambiguous"] == 0
    assert sorted(flagged(data, "dst_nonexistent")["source_row"].tolist()) == [2, 3]
    assert len(data.posts) == 3  # nothing lost


def test_dst_repeated_hour_takes_the_first_occurrence_and_is_counted():
    # 2019-10-27 02:00-03:00 occurs twice in Europe/Paris: first in CEST (+02:00).
    data = clean(raw(posts(published_at=["2019-10-27 02:30", "2019-10-27 03:30"])))
    got = data.posts.sort_values("post_id")["published_at"].astype(str).tolist()
    assert got == ["2019-10-27 00:30:00+00:00", "2019-10-27 02:30:00+00:00"]
    assert data.report.totals["dst_ambiguous"] == 1
    assert flagged(data, "dst_ambiguous")["source_row"].tolist() == [2]


def test_utc_exports_and_tz_aware_values_are_not_shifted():
    rows = posts(published_at=["2019-03-31 02:30"])
    data = clean(raw(rows, timezone="UTC"))
    assert str(data.posts["published_at"].iloc[0]) == "2019-03-31 02:30:00+00:00"
    assert data.report.totals["dst_nonexistent"] == 0
    aware = rows.assign(published_at=pd.to_datetime(["2019-06-01T12:00:00+02:00"]))
    data = clean(raw(aware, timezone="Europe/Paris"))
    assert str(data.posts["published_at"].iloc[0]) == "2019-06-01 10:00:00+00:00"


def test_local_timezone_export_uses_the_callers_zone():
    rows = posts(published_at=["2019-01-15 10:00"])
    data = clean(raw(rows, timezone="local"), timezone="America/Martinique")
    assert str(data.posts["published_at"].iloc[0]) == "2019-01-15 14:00:00+00:00"


def test_unknown_timezone_is_a_clear_error():
    with pytest.raises(CleaningError, match="Mars/Olympus"):
        clean(raw(posts()), timezone="Mars/Olympus")
    with pytest.raises(CleaningError, match="export.csv.*Mars/Olympus"):
        clean(raw(posts(), timezone="Mars/Olympus"))


# ---------------------------------------------------------------------------
# De-duplication of overlapping exports
# ---------------------------------------------------------------------------


def test_overlapping_exports_keep_the_latest_export_whatever_the_order():
    later = raw(posts(post_id=["1", "2"], likes=[50, 7]), path="a/facebook/jan_to_mar.csv",
                exported_at="2019-04-01")
    earlier = raw(posts(post_id=["1", "3"], likes=[10, 9]), path="a/facebook/jan.csv",
                  exported_at="2019-02-01")
    for order in ([later, earlier], [earlier, later]):
        data = clean(order, collectivite="toulouse", account="toulouse")
        kept = data.posts.set_index("post_id")["likes"].to_dict()
        assert kept == {"1": 50, "2": 7, "3": 9}
        files = data.report.files.set_index("source_file")
        assert files.loc["a/facebook/jan.csv", "duplicates_merged"] == 1
        assert files.loc["a/facebook/jan.csv", "conflicting_duplicates"] == 1
        assert files.loc["a/facebook/jan_to_mar.csv", "duplicates_merged"] == 0
        dup = flagged(data, "duplicate_id_differs")
        assert dup["source_file"].tolist() == ["a/facebook/jan.csv"]
        assert "likes" in dup["detail"].iloc[0] and "jan_to_mar.csv line 2" in dup[
            "detail"].iloc[0]
        assert not dup["in_output"].iloc[0]


def test_without_export_dates_the_file_with_the_latest_post_wins_then_file_order():
    a = raw(posts(post_id=["1", "2"], likes=[1, 1],
                  published_at=["2019-01-01 10:00", "2019-03-01 10:00"]), path="x/facebook/acc/a.csv")
    b = raw(posts(post_id=["1"], likes=[2], published_at=["2019-01-01 10:00"]),
            path="x/facebook/acc/b.csv")
    data = clean([a, b])  # b comes later but a reaches further in time
    assert data.posts.set_index("post_id").loc["1", "likes"] == 1
    c = raw(posts(post_id=["1"], likes=[3], published_at=["2019-01-01 10:00"]),
            path="x/facebook/acc/c.csv")
    data = clean([b, c])  # same reach: file order decides, the later file wins
    assert data.posts.set_index("post_id").loc["1", "likes"] == 3


def test_exact_duplicate_rows_are_merged_and_reported_as_exact():
    rows = posts(post_id=["1", "2", "1", "1"], likes=[5, 6, 5, 5])
    data = clean(raw(rows))
    assert sorted(data.posts["post_id"]) == ["1", "2"]
    totals = data.report.totals
    assert (totals["exact_duplicates"], totals["conflicting_duplicates"]) == (2, 0)
    assert sorted(flagged(data, "exact_duplicate")["source_row"]) == [2, 4]  # last row kept


def test_followers_are_one_row_per_account_and_day_latest_export_kept():
    def fol(values, path, exported):
        rows = pd.DataFrame({"source_row": [2, 3],
                             "date": pd.to_datetime(["2019-01-01", "2019-01-02"]),
                             "followers": pd.array(values, dtype="Int64")})
        return raw(rows, path=path, table="followers", exported_at=exported)

    data = clean([fol([100, 101], "t/facebook/acc/f1.csv", "2019-01-03"),
                  fol([100, 105], "t/facebook/acc/f2.csv", "2019-02-01")])
    assert data.followers["followers"].tolist() == [100, 105]
    assert data.report.totals["duplicates_merged"] == 2
    assert data.report.totals["exact_duplicates"] == 1


def test_complementary_rows_fill_each_others_gaps():
    # Meta daily series: one file per metric, the same days in each.
    def series(column, values, name, exported):
        rows = pd.DataFrame({"source_row": [4, 5],
                             "date": pd.to_datetime(["2019-01-01", "2019-01-02"]),
                             column: pd.array(values, dtype="Int64")})
        return raw(rows, path=f"t/facebook/acc/{name}.csv", table="followers",
                   timezone="UTC", exported_at=exported)

    data = clean([series("new_followers", [3, 4], "follows", "2019-01-05"),
                  series("lost_followers", [1, 0], "unfollows", "2019-01-05"),
                  series("followers", [100, 104], "total", "2019-01-04")])
    got = data.followers[["followers", "new_followers", "lost_followers"]]
    assert got.to_numpy().tolist() == [[100, 3, 1], [104, 4, 0]]
    t = data.report.totals
    assert (t["duplicates_merged"], t["complementary_duplicates"]) == (4, 4)
    assert len(flagged(data, "duplicate_complementary")) == 4
    assert t["rows_flagged"] == 0  # merging complementary rows is not a problem


# ---------------------------------------------------------------------------
# Excel-mangled IDs
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("network", "mangled", "permalink", "expected"),
    [
        ("facebook", "1.22158E+17", "https://www.facebook.com/ville/posts/122158123456789012:0",
         "122158123456789012"),
        ("facebook", "1.22158E+17",
         "https://www.facebook.com/permalink.php?story_fbid=122158123456789012&id=9",
         "122158123456789012"),
        ("facebook", "6.1571E+13", "https://www.facebook.com/reel/61571234567890",
         "61571234567890"),
        ("x", "1.09876E+18", "https://twitter.com/toulouse/status/1098765432109876543",
         "1098765432109876543"),
        ("linkedin", "6.52235E+18",
         "https://www.linkedin.com/feed/update/urn:li:activity:6522345678901234567",
         "6522345678901234567"),
        ("youtube", "1E+10", "https://www.youtube.com/watch?v=dQw4w9WgXcQ", "dQw4w9WgXcQ"),
    ],
)
def test_mangled_ids_are_rekeyed_from_the_permalink(network, mangled, permalink, expected):
    rows = posts(post_id=["42", mangled], permalink=[None, permalink])
    data = clean(raw(rows, network=network, path=f"c/{network}/acc/e.csv"))
    assert sorted(data.posts["post_id"]) == sorted(["42", expected])
    assert data.report.totals["ids_rekeyed"] == 1
    assert len(data.quarantine) == 0


@pytest.mark.parametrize(
    ("links", "expected_reel"),
    [
        # the page ID of the sibling post links is the export's page: the reel gets it
        (["https://www.facebook.com/880179039056911/posts/900331371240993",
          "https://www.facebook.com/880179039056911/videos/900331371240994/"],
         "880179039056911_900334756740590"),
        # two pages in the links: no single page to borrow, the reel stays bare
        (["https://www.facebook.com/880179039056911/posts/900331371240993",
          "https://www.facebook.com/111111111111111/posts/900331371240994"],
         "900334756740590"),
    ],
)
def test_reel_without_page_in_its_link_borrows_the_page_of_the_export(links, expected_reel):
    """A whole Business Suite file mangled by Excel (IDs and Page ID alike): a Reel's
    permalink, facebook.com/reel/<id>, has no page segment."""
    rows = posts(post_id=["9.00331E+14", "9.00331E+14", "9.00335E+14"],
                 permalink=[*links, "https://www.facebook.com/reel/900334756740590"])
    data = clean(raw(rows, network="facebook", path="c/facebook/acc/e.csv"))
    assert expected_reel in set(data.posts["post_id"])
    assert data.report.totals["ids_rekeyed"] == 3
    assert len(data.quarantine) == 0


def test_mangled_id_blanked_by_the_reader_is_recovered_from_its_issue():
    rows = posts(post_id=["42", None],
                 permalink=[None, "https://www.facebook.com/v/posts/122158123456789012"])
    issues = pd.DataFrame({"source_row": [3], "column": ["post_id"], "value": ["1.22158E+17"],
                           "reason": ["Excel-mangled ID in scientific notation"]})
    data = clean(raw(rows, issues=issues))
    assert sorted(data.posts["post_id"]) == ["122158123456789012", "42"]
    assert len(data.quarantine) == 0
    assert data.report.totals["ids_rekeyed"] == 1


def test_mangled_id_without_permalink_is_quarantined_with_the_reason():
    rows = posts(post_id=["42", "1.22158E+17", "6,1571E+13"],
                 permalink=[None, None, "https://example.org/no-id-here"])
    data = clean(raw(rows))
    q = quarantined(data, "mangled_id").sort_values("source_row")
    assert q["source_row"].tolist() == [3, 4]
    assert q["value"].tolist() == ["1.22158E+17", "6,1571E+13"]
    assert "no permalink" in q["reason"].iloc[0]
    assert "example.org" in q["reason"].iloc[1]
    assert data.posts["post_id"].tolist() == ["42"]


def test_rekeyed_id_that_disagrees_with_the_kept_digits_is_flagged():
    rows = posts(post_id=["9.99999E+17"],
                 permalink=["https://www.facebook.com/v/posts/122158123456789012"])
    data = clean(raw(rows))
    assert data.posts["post_id"].tolist() == ["122158123456789012"]
    assert len(flagged(data, "rekeyed_id_mismatch")) == 1


def test_padded_id_is_rekeyed_only_when_the_permalink_confirms_it():
    rows = posts(post_id=["122158123456789000", "122158123456789000"],
                 permalink=["https://www.facebook.com/v/posts/122158123456789012", None])
    rows.loc[1, "post_id"] = "133158123456789000"
    data = clean(raw(rows))
    assert sorted(data.posts["post_id"]) == ["122158123456789012", "133158123456789000"]
    assert flagged(data, "id_precision_suspect")["source_row"].tolist() == [3]


def test_destroyed_id_is_taken_from_another_export_of_the_same_post():
    link = "https://www.instagram.com/p/BAA1pLrPD1v/"
    sound = raw(posts(post_id=["17803422697601514"], permalink=[link], likes=[3]),
                network="instagram", path="t/instagram/acc/a.csv", exported_at="2019-01-10")
    mangled = raw(posts(post_id=["1.78034E+16"], permalink=["instagram.com/p/BAA1pLrPD1v"],
                        likes=[5]),  # same URL written differently
                  network="instagram", path="t/instagram/acc/b.csv", exported_at="2019-02-10")
    data = clean([sound, mangled])
    assert data.posts["post_id"].tolist() == ["17803422697601514"]
    assert data.posts["likes"].tolist() == [5]  # the latest export, now merged on its real ID
    assert data.report.totals["ids_rekeyed"] == 1


def test_instagram_id_lost_everywhere_is_keyed_on_the_shortcode_and_flagged():
    rows = posts(post_id=["1.78034E+16"], permalink=["https://www.instagram.com/p/BAA1pLrPD1v/"])
    data = clean(raw(rows, network="instagram", path="t/instagram/acc/a.csv"))
    assert data.posts["post_id"].tolist() == ["BAA1pLrPD1v"]
    assert len(flagged(data, "rekeyed_from_shortcode")) == 1
    assert len(flagged(data, "rekeyed_id_mismatch")) == 0


def test_rekeyed_facebook_ids_get_the_page_id_from_the_permalink_or_account_id():
    rows = posts(post_id=["9.00334E+14", "9.00335E+14"],
                 permalink=["https://www.facebook.com/880179039056911/posts/900334482000450",
                            "https://www.facebook.com/ville/posts/900335482000450"],
                 account_id=[None, "880179039056911"])
    data = clean(raw(rows))
    assert sorted(data.posts["post_id"]) == ["880179039056911_900334482000450",
                                             "880179039056911_900335482000450"]


def test_bare_facebook_ids_stay_bare():
    rows = posts(post_id=["900334482000451", "9.00334E+14"],
                 permalink=[None, "https://www.facebook.com/880179039056911/posts/900334482000450"])
    assert "900334482000450" in set(clean(raw(rows)).posts["post_id"])


def test_the_network_folder_overrides_a_reader_guess_with_a_warning():
    rows = pd.DataFrame({"source_row": [2], "date": pd.to_datetime(["2019-01-01"]),
                         "dimension": ["gender"], "bracket": ["F"], "share": [0.5]})
    data = clean(raw(rows, table="audience", path="t/instagram/t_ig/Audience.csv"))
    assert data.audience["network"].astype(str).tolist() == ["instagram"]
    assert any("instagram" in w and "facebook" in w for w in data.report.warnings)


def test_legacy_page_prefix_is_restored_on_rekeyed_ids():
    rows = posts(post_id=["951745098223517_980422845355742", "9.80423E+14"],
                 permalink=[None, "https://www.facebook.com/ville/posts/980422845355999"])
    data = clean(raw(rows))
    assert "951745098223517_980422845355999" in set(data.posts["post_id"])


# ---------------------------------------------------------------------------
# Impossible vs odd values
# ---------------------------------------------------------------------------


def test_negative_counts_are_quarantined_naming_the_column():
    rows = posts(likes=[5, -3, 2], comments=[1, 1, -1])
    data = clean(raw(rows))
    q = quarantined(data, "negative_count").sort_values("source_row")
    assert q["source_row"].tolist() == [3, 4]
    assert q["column"].tolist() == ["likes", "comments"]
    assert q["value"].tolist() == ["-3", "-1"]
    assert data.posts["source_row"].tolist() == [2]


def test_reach_above_impressions_is_impossible_on_meta_only():
    rows = posts(reach=[100, 10], impressions=[50, 50])
    fb = clean(raw(rows))
    assert quarantined(fb, "reach_exceeds_impressions")["source_row"].tolist() == [2]
    li = clean(raw(rows, network="linkedin", path="t/linkedin/acc/e.csv"))
    assert len(li.quarantine) == 0


def test_likes_above_impressions_is_odd_not_impossible():
    rows = posts(likes=[80], impressions=[50])
    data = clean(raw(rows, network="x", path="t/x/acc/e.csv"))
    assert len(data.posts) == 1
    assert len(flagged(data, "likes_exceed_impressions")) == 1


def test_post_published_after_the_export_date_is_quarantined():
    rows = posts(published_at=["2019-01-30 10:00", "2019-02-01 23:00", "2019-02-10 10:00"])
    data = clean(raw(rows, exported_at="2019-02-01"))
    assert quarantined(data, "after_export")["source_row"].tolist() == [4]
    assert len(data.posts) == 2  # the last day of the range is within the tolerance


def test_dates_before_the_network_existed_are_quarantined():
    rows = posts(published_at=["1900-01-01 00:00", "2005-06-01 10:00", "2019-01-01 10:00"])
    data = clean(raw(rows, network="instagram", path="t/instagram/acc/e.csv"))
    assert quarantined(data, "before_network_launch")["source_row"].tolist() == [2, 3]


def test_reply_before_receipt_is_quarantined():
    rows = pd.DataFrame({
        "source_row": [2, 3, 4],
        "conversation_id": ["c1", "c2", "c3"],
        "channel": ["Commentaire", "message", "comment"],
        "received_at": pd.to_datetime(["2019-01-10 10:00"] * 3),
        "replied_at": pd.to_datetime(["2019-01-10 11:00", "2019-01-10 09:00", None]),
        "author": ["Jean Dupont", "Marie Curie", "Jean Dupont"],
    })
    data = clean(raw(rows, table="conversations"))
    assert quarantined(data, "reply_before_receipt")["source_row"].tolist() == [3]
    conv = data.conversations.set_index("conversation_id")
    assert conv.loc["c1", "channel"] == "comment"
    assert conv.loc["c1", "author"] == conv.loc["c3", "author"]  # same person, same pseudonym
    assert not conv["author"].str.contains("Jean").any()


def test_author_pseudonyms_depend_on_the_salt():
    rows = pd.DataFrame({"source_row": [2], "conversation_id": ["c1"], "channel": ["comment"],
                         "received_at": pd.to_datetime(["2019-01-10 10:00"]),
                         "author": ["Jean Dupont"]})
    a = clean(raw(rows, table="conversations"), author_salt="s1").conversations["author"].iloc[0]
    b = clean(raw(rows, table="conversations"), author_salt="s1").conversations["author"].iloc[0]
    c = clean(raw(rows, table="conversations"), author_salt="s2").conversations["author"].iloc[0]
    assert a == b != c


def test_audience_shares_outside_zero_one_are_quarantined_and_labels_harmonised():
    rows = pd.DataFrame({
        "source_row": [2, 3, 4, 5],
        "date": pd.to_datetime(["2019-01-01"] * 4),
        "dimension": ["Genre", "gender", "age", "age"],
        "bracket": ["Femmes", "male", "18 - 24", "65 +"],
        "share": [0.6, 0.4, 0.25, 35.0],
    })
    data = clean(raw(rows, table="audience"))
    assert quarantined(data, "share_out_of_range")["source_row"].tolist() == [5]
    got = data.audience[["dimension", "bracket"]].to_numpy().tolist()
    assert got == [["gender", "F"], ["gender", "M"], ["age", "18-24"]]


# ---------------------------------------------------------------------------
# Reader issues, summary rows, entity assignment
# ---------------------------------------------------------------------------


def test_cells_the_reader_could_not_parse_quarantine_their_row():
    rows = posts(likes=[1, None, 3])
    issues = pd.DataFrame({"source_row": [3, 9], "column": ["likes", "published_at"],
                           "value": ["beaucoup", "31/02/2019"],
                           "reason": ["not a whole number", "truncated line"]})
    data = clean(raw(rows, issues=issues))
    q = data.quarantine.sort_values("source_row")
    assert q["source_row"].tolist() == [3, 9]
    assert q["reason"].tolist()[0] == "not a whole number"
    assert "truncated line" in q["reason"].tolist()[1]
    t = data.report.totals
    assert (t["rows_read"], t["rows_kept"], t["rows_quarantined"]) == (4, 2, 2)


def test_summary_rows_are_reported_separately_not_as_data():
    skipped = pd.DataFrame({"source_row": [2], "reason": ["Total row"]})
    rows = posts(source_row=[3, 4])
    data = clean(raw(rows, skipped_rows=skipped))
    t = data.report.totals
    assert (t["rows_read"], t["rows_kept"], t["summary_rows_skipped"]) == (2, 2, 1)
    assert data.report.skipped["reason"].tolist() == ["Total row"]


def test_entity_comes_from_the_arguments_then_the_folder_then_the_export():
    # The export names the page (its display name); an explicit label wins over it.
    rows = posts(account=["Ville de Toulouse", None])
    data = clean(raw(rows, path="toulouse/facebook/e.csv"))
    assert data.posts[["collectivite", "account"]].drop_duplicates().to_numpy().tolist() == [
        ["toulouse", "Ville de Toulouse"]]  # collectivite from the folder, account from export
    assert data.report.files["entity_source"].iloc[0] == "collectivite: folder; account: export"
    assert len(quarantined(data, "no_account")) == 1  # the row the export does not name
    data = clean(raw(rows, path="romans_sur_isere/instagram/musee_chaussure/e.csv",
                     network="instagram"))
    assert set(map(tuple, data.posts[["collectivite", "account"]].to_numpy())) == {
        ("romans_sur_isere", "musee_chaussure")}
    assert data.posts["account_name"].fillna("-").tolist() == ["Ville de Toulouse", "-"]
    data = clean(raw(rows, path="toulouse/facebook/ville/e.csv"), collectivite="grand_est",
                 account="ge")
    assert set(map(tuple, data.posts[["collectivite", "account"]].to_numpy())) == {
        ("grand_est", "ge")}
    assert data.report.files["entity_source"].iloc[0] == (
        "collectivite: argument; account: argument")


def test_folder_rule_needs_the_network_folder():
    data = clean(raw(posts(), path="exports/2019/e.csv"), account="a")
    assert len(data.posts) == 0 and len(quarantined(data, "no_collectivite")) == 1
    data = clean(raw(posts(), path="val_de_marne/twitter/vdm/e.csv", network="x"))
    assert data.posts[["collectivite", "account"]].iloc[0].tolist() == ["val_de_marne", "vdm"]


def test_rows_without_collectivite_are_quarantined_not_invented():
    data = clean(raw(posts(post_id=["1", "2"]), path="downloads/e.csv"))
    assert len(data.posts) == 0
    q = quarantined(data, "no_collectivite")
    assert len(q) == 2 and "collectivite=" in q["reason"].iloc[0]


# ---------------------------------------------------------------------------
# Media types, metrics, eras
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("label", "network", "expected"),
    [
        ("Photos", "facebook", "photo"), ("Photo", "facebook", "photo"),
        ("IG image", "instagram", "photo"), ("Image", "linkedin", "photo"),
        ("IG carousel", "instagram", "album"), ("Carrousel", "instagram", "album"),
        ("Document", "linkedin", "album"),
        ("Vidéos", "facebook", "video"), ("Videos", "facebook", "video"),
        ("Video", "youtube", "video"), ("Shared Video", "facebook", "video"),
        ("Reels", "facebook", "reel"), ("IG reel", "instagram", "reel"),
        ("Video", "tiktok", "reel"), ("Short", "youtube", "reel"),
        ("Links", "facebook", "link"), ("Lien", "facebook", "link"),
        ("Article", "linkedin", "link"),
        ("Status", "facebook", "text"), ("Statut", "facebook", "text"),
        ("Text", "linkedin", "text"), ("Texte", "linkedin", "text"),
        ("Événement", "facebook", "event"), ("Live", "youtube", "live"),
        ("Vidéo en direct", "facebook", "live"), ("Poll", "linkedin", "other"),
        ("Sondage", "linkedin", "other"), ("story", "snapchat", "story"),
    ],
)
def test_media_type_labels_en_and_fr(label, network, expected):
    data = clean(raw(posts(media_type=[label]), network=network, path=f"t/{network}/acc/e.csv"))
    assert data.posts["media_type"].astype(str).tolist() == [expected]
    assert data.report.totals["media_type_unknown"] == 0


def test_reels_typed_videos_are_recognised_by_their_permalink():
    rows = posts(media_type=["Vidéos", "Vidéos"],
                 permalink=["https://www.facebook.com/reel/123", "https://www.facebook.com/v/videos/4"])
    data = clean(raw(rows))
    assert data.posts.sort_values("source_row")["media_type"].astype(str).tolist() == [
        "reel", "video"]


def test_unknown_media_label_is_kept_as_other_and_flagged():
    data = clean(raw(posts(media_type=["Hologramme"])))
    assert data.posts["media_type"].astype(str).tolist() == ["other"]
    assert "Hologramme" in flagged(data, "unknown_media_type")["detail"].iloc[0]
    assert data.report.totals["media_type_unknown"] == 1


def test_metric_era_from_the_export_then_inferred_per_row_with_plays_as_views():
    rows = posts(impressions=[100, None], views=[None, 80])
    assert clean(raw(rows, metric_era="views")).posts["metric_era"].tolist() == ["views"] * 2
    inferred = clean(raw(rows)).posts.sort_values("source_row")["metric_era"].tolist()
    assert inferred == ["impressions", "views"]
    ig = posts(impressions=[500, None], **{"extra:plays": ["300", "900"]})
    data = clean(raw(ig, network="instagram", path="t/instagram/acc/e.csv"))
    got = data.posts.sort_values("source_row")
    assert got["metric_era"].tolist() == ["impressions", "plays"]
    assert got["views"].tolist() == [300, 900]
    assert got["impressions"].isna().tolist() == [False, True]  # nothing converted


def test_reactions_are_counted_as_likes_and_bad_totals_flagged():
    rows = posts(**{
        "reactions": ["12", None, "10"],
        "extra:num_likes": ["10", "4", "8"], "extra:num_loves": ["2", "1", "1"],
    })
    data = clean(raw(rows))
    got = data.posts.sort_values("source_row")
    assert got["likes"].tolist() == [12, 5, 10]  # total; parts summed when no total; total kept
    bad = flagged(data, "reaction_total_mismatch")
    assert bad["source_row"].tolist() == [4]
    assert "sum to 9" in bad["detail"].iloc[0]
    assert data.report.totals["reaction_mismatches"] == 1
    assert len(data.posts) == 3  # flagged, not dropped


def test_tables_without_a_schema_pass_through_counted_as_kept():
    rows = pd.DataFrame({"source_row": [2, 2, 3, 3],
                         "date": pd.to_datetime(["2019-01-01", "2019-01-01", "2019-01-02",
                                                 "2019-01-02"]).tz_localize("UTC"),
                         "metric": ["Impressions", "Clicks"] * 2,
                         "value": pd.array([10, 1, 12, 2], dtype="Int64")})
    a = raw(rows, table="page_metrics", network="linkedin", path="t/linkedin/acc/a.xlsx",
            exported_at="2019-01-05")
    b = raw(rows.assign(value=pd.array([10, 1, 15, 3], dtype="Int64")), table="page_metrics",
            network="linkedin", path="t/linkedin/acc/b.xlsx", exported_at="2019-02-05")
    data = clean([a, b])
    metrics = data.other["page_metrics"]
    assert metrics["value"].tolist() == [10, 1, 15, 3]  # latest export per day and metric
    t = data.report.totals
    assert (t["rows_read"], t["rows_kept"], t["duplicates_merged"]) == (8, 4, 4)
    assert t["exact_duplicates"] == 2


def test_missing_metrics_stay_missing_never_zero():
    data = clean(raw(posts(likes=[3])))
    assert data.posts["reach"].isna().all() and data.posts["likes"].tolist() == [3]


# ---------------------------------------------------------------------------
# The report and the result
# ---------------------------------------------------------------------------


def test_report_adds_up_per_file_and_in_total():
    a = raw(posts(post_id=["1", "2", "3", "3"], likes=[1, -1, 3, 3]), path="t/facebook/acc/a.csv",
            exported_at="2019-02-01")
    b = raw(posts(post_id=["1", "1.2E+17", "4"], likes=[9, 1, 1]), path="t/facebook/acc/b.csv",
            exported_at="2019-03-01")
    data = clean([a, b])
    files = data.report.files.set_index("source_file")
    # a: 4 read = 1 kept ("3") + 2 merged ("1" older, "3" exact) + 1 quarantined (negative)
    assert files.loc["t/facebook/acc/a.csv", ["rows_read", "rows_kept", "duplicates_merged",
                                          "rows_quarantined"]].tolist() == [4, 1, 2, 1]
    # b: 3 read = 2 kept + 0 merged + 1 quarantined (mangled id, no permalink)
    assert files.loc["t/facebook/acc/b.csv", ["rows_read", "rows_kept", "duplicates_merged",
                                          "rows_quarantined"]].tolist() == [3, 2, 0, 1]
    frame = data.report.to_frame()
    assert frame["source_file"].iloc[-1] == "TOTAL"
    assert frame["rows_read"].iloc[-1] == 7 == len(data.posts) + 2 + len(data.quarantine)
    assert data.report.check() is data.report


def test_report_check_raises_when_the_counts_do_not_add_up():
    report = clean(raw(posts())).report
    files = report.files.copy()
    files.loc[0, "rows_kept"] += 1
    with pytest.raises(CleaningError, match="does not add up"):
        CleaningReport(files=files, reasons=report.reasons, skipped=report.skipped).check()


def test_summary_is_readable_in_french_and_english():
    data = clean(raw(posts(likes=[1, -1])))
    en, fr = data.report.summary("en"), data.report.summary("fr")
    assert "rows read: 2" in en and "rows quarantined: 1" in en and "adds up" in en
    assert "lignes lues : 2" in fr and "lignes en quarantaine : 1" in fr
    assert "le compte est bon" in fr
    assert str(data.report) == en
    with pytest.raises(ValueError):
        data.report.summary("de")


def test_summary_lists_at_most_max_files_files_and_counts_flags():
    exports = [raw(posts(post_id=[str(i)], likes=[-1 if i == 0 else 1]),
                   path=f"t/facebook/acc/f{i}.csv") for i in range(5)]
    report = clean(exports).report
    text = report.summary("en", max_files=2)
    assert "f1.csv" in text and "f2.csv" not in text and "3 more files" in text
    assert len(report.to_frame()) == 6  # five files and the total
    big = clean(raw(posts(post_id=[str(i) for i in range(1500)], likes=1)))
    assert "rows read: 1,500" in big.report.summary("en")
    assert "lignes lues : 1\u202f500" in big.report.summary("fr")


def test_flag_counts_in_the_report_match_the_flags_table():
    data = clean(raw(posts(post_id=["1", "1", "2"], likes=[80, 80, 90], impressions=[50, 50, 50])))
    counts = data.report.flag_counts.set_index("flag")["rows"].to_dict()
    assert counts == data.flags["flag"].value_counts().to_dict()
    # flags are per input row: the merged copy is flagged too, but not in the output
    assert counts == {"exact_duplicate": 1, "likes_exceed_impressions": 3}
    odd = data.flags[data.flags["flag"] == "likes_exceed_impressions"]
    assert odd["in_output"].tolist() == [False, True, True]
    assert data.report.totals["rows_flagged"] == 2


def test_output_tables_are_validated_and_shaped():
    data = clean(raw(posts(likes=[1])))
    assert str(data.posts["published_at"].dtype) == "datetime64[us, UTC]"
    assert str(data.posts["likes"].dtype) == "Int64"
    assert list(data.quarantine.columns) == QUARANTINE_COLUMNS
    assert list(data.flags.columns) == FLAG_COLUMNS
    for name in ("followers", "audience", "conversations"):
        assert len(getattr(data, name)) == 0 and "collectivite" in getattr(data, name)
    with pytest.raises(AttributeError):
        data.posts = None  # frozen


def test_input_exports_are_not_modified():
    rows = posts(post_id=["1.22158E+17", "2"], likes=[1, -5],
                 permalink=["https://www.facebook.com/v/posts/122158123456789012", None])
    before = rows.copy()
    clean(raw(rows))
    pd.testing.assert_frame_equal(rows, before)


def test_broken_raw_exports_raise_library_errors():
    with pytest.raises(CleaningError, match="source_row"):
        clean(raw(posts().drop(columns="source_row")))
    with pytest.raises(CleaningError, match="table"):
        clean(raw(posts(), table="indicators"))
    with pytest.raises(CleaningError, match="network"):
        clean(raw(posts(), network="myspace"))
    with pytest.raises(EngagementError):
        clean(42)
    with pytest.raises(CleaningError, match="no such"):
        clean("/nonexistent/folder/for/sure")


def test_a_repeated_id_is_found_across_arrow_chunks_of_different_widths():
    # the readers' columns are chunked; the no-duplicate shortcut must see through chunks
    import pyarrow as pa

    rows = posts(post_id=["1", "000000000", "1"], likes=[5, 6, 5])
    rows["post_id"] = pd.Series(pd.array(pa.chunked_array([["1", "000000000"], ["1"]]),
                                         dtype="str"))
    data = clean(raw(rows))
    assert sorted(data.posts["post_id"]) == ["000000000", "1"]
    assert data.report.totals["duplicates_merged"] == 1
