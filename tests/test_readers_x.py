"""Round trips and failure modes of the X readers (engagement_lib.readers.x).

Truth (canonical posts / followers) → writer of engagement_lib.simulate.exports.x →
read_export → compared with the truth: values, ids (mangled ones recovered from the
permalink or flagged), timestamps (to the minute for the classic export, to the
millisecond of the snowflake for the new one), missing metrics stay <NA>.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from engagement_lib.errors import ExportFormatError
from engagement_lib.readers import detect, read_export
from engagement_lib.readers.x import decode_snowflake
from engagement_lib.simulate.exports import WRITERS, write_export

TWITTER_EPOCH_MS = 1288834974657  # 2010-11-04T01:42:54.657Z, Twitter's documented epoch
TEXTS = [
    "Conseil municipal ce soir, salle des fêtes",
    'Travaux rue "Alsace-Lorraine" : circulation modifiée',
    "Sortie à l’été, 5 € !\nInscriptions en mairie",
    "Collecte des déchets décalée #Toulouse",
    "Nouvelle ligne de bus, horaires sur le site",
    "Le marché de Noël ouvre samedi",
]


def _truth_posts(seed: int, start: str, n: int = 12) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    t0 = pd.Timestamp(start, tz="UTC")
    offsets = np.sort(rng.integers(0, 25 * 86_400_000, size=n))
    times = pd.DatetimeIndex([t0 + pd.Timedelta(milliseconds=int(o)) for o in offsets])
    ms = (times.asi8 // 1_000).astype(np.int64) if times.unit == "us" else times.asi8 // 10**6
    ids = [str(((int(m) - TWITTER_EPOCH_MS) << 22) | int(rng.integers(0, 1 << 22))) for m in ms]
    imp = rng.integers(50, 20_000, size=n)
    return pd.DataFrame({
        "collectivite": "toulouse",
        "account": "toulouse",
        "network": "x",
        "post_id": ids,
        "published_at": times.as_unit("us"),
        "media_type": "text",
        "text": [TEXTS[i % len(TEXTS)] for i in range(n)],
        "permalink": [f"https://twitter.com/toulouse/status/{i}" for i in ids],
        "is_paid": rng.random(n) < 0.25,
        "impressions": pd.array(imp, dtype="Int64"),
        "reach": pd.array([pd.NA] * n, dtype="Int64"),
        "views": pd.array(rng.integers(0, 500, size=n), dtype="Int64"),
        "likes": pd.array(rng.integers(0, 300, size=n), dtype="Int64"),
        "comments": pd.array(rng.integers(0, 40, size=n), dtype="Int64"),
        "shares": pd.array(rng.integers(0, 80, size=n), dtype="Int64"),
        "saves": pd.array(rng.integers(0, 30, size=n), dtype="Int64"),
        "clicks": pd.array(rng.integers(0, 1_500, size=n), dtype="Int64"),
        "follows": pd.array(rng.integers(0, 5, size=n), dtype="Int64"),
    })


def _one(path, layout: str):
    exports = read_export(path)
    assert [e.layout for e in exports] == [layout]
    return exports[0]


def _by_id(rows: pd.DataFrame, truth: pd.DataFrame) -> pd.DataFrame:
    assert sorted(rows["post_id"]) == sorted(truth["post_id"])
    return rows.set_index("post_id").loc[truth["post_id"]]


def test_writers_are_registered_under_the_reader_layout_names():
    for name in ("x_tweet_activity", "x_account_analytics_content", "x_account_overview"):
        assert name in WRITERS


def test_decode_snowflake_matches_the_documented_formula():
    # 649293177409679360 is the real Tweet of the 2015 export in the reference;
    # its export says time "2015-09-30 18:42 +0000"
    t = decode_snowflake("649293177409679360")
    assert t.floor("min") == pd.Timestamp("2015-09-30 18:42", tz="UTC")
    assert decode_snowflake("20") is None  # pre-snowflake sequential id
    assert decode_snowflake("not-an-id") is None


@pytest.mark.parametrize(
    ("start", "exported", "era_header"),
    [("2015-09-01", "2015-09-30 12:00", "favorites"), ("2019-03-01", "2019-03-31 12:00", "likes")],
)
@pytest.mark.parametrize("resave", [None, "fr_excel", "fr_excel_utf8"])
def test_tweet_activity_round_trip(tmp_path, start, exported, era_header, resave):
    truth = _truth_posts(1, start)
    path = write_export("x_tweet_activity", truth, tmp_path, exported_at=pd.Timestamp(exported),
                        resave=resave, rng=np.random.default_rng(2))
    assert path.name.startswith("tweet_activity_metrics_toulouse_")
    raw = path.read_bytes()
    header = raw.decode("cp1252" if resave == "fr_excel" else "utf-8-sig").splitlines()[0]
    assert f"{era_header}" in header.lower().replace('"', "").split(";" if resave else ",")
    assert detect(path).name == "x_tweet_activity"
    got = _one(path, "x_tweet_activity")
    assert got.network == "x" and got.table == "posts" and got.timezone == "UTC"
    assert got.exported_at == pd.Timestamp(exported).normalize().tz_localize("UTC")
    assert got.issues.empty
    rows = _by_id(got.rows, truth)
    pd.testing.assert_series_equal(
        rows["published_at"].reset_index(drop=True),
        truth["published_at"].dt.floor("min").reset_index(drop=True), check_names=False)
    for col in ("impressions", "likes", "comments", "shares", "clicks", "follows", "views"):
        assert rows[col].astype("Int64").tolist() == truth[col].tolist(), col
    assert rows["is_paid"].tolist() == truth["is_paid"].tolist()
    # X reports no reach and the classic export no bookmarks: missing, never 0
    for col in ("reach", "saves", "completions"):
        assert col not in rows or rows[col].isna().all(), col
    assert rows["text"].tolist() == truth["text"].tolist()
    assert rows["permalink"].tolist() == truth["permalink"].tolist()
    assert rows["media_type"].isna().all()
    # physical line numbers: text with a newline takes two lines
    lines = raw.decode("cp1252" if resave == "fr_excel" else "utf-8-sig").split(
        "\r\n" if resave else "\n")
    first = got.rows.iloc[0]
    assert first["post_id"] in lines[int(first["source_row"]) - 1]


def test_tweet_activity_promoted_cells_are_split_and_summed(tmp_path):
    truth = _truth_posts(3, "2019-03-01").assign(is_paid=True)
    path = write_export("x_tweet_activity", truth, tmp_path, exported_at=pd.Timestamp("2019-04-01"),
                        rng=np.random.default_rng(4))
    got = _one(path, "x_tweet_activity")
    rows = _by_id(got.rows, truth)
    organic = pd.to_numeric(rows["extra:impressions"])
    promoted = pd.to_numeric(rows["extra:promoted impressions"])
    assert (promoted > 0).any() and (organic < truth["impressions"].to_numpy()).any()
    assert (organic + promoted).tolist() == truth["impressions"].tolist()


@pytest.mark.parametrize("layout", ["x_tweet_activity", "x_account_analytics_content"])
def test_mangled_ids_are_recovered_from_the_permalink(tmp_path, layout):
    truth = _truth_posts(5, "2024-05-01")
    path = write_export(layout, truth, tmp_path, exported_at=pd.Timestamp("2024-06-01"),
                        resave="fr_excel", mangle_ids=1.0, rng=np.random.default_rng(6))
    text = path.read_bytes().decode("cp1252")
    assert "E+18" in text or "E+17" in text  # the ids really are in scientific notation
    got = _one(path, layout)
    rows = _by_id(got.rows, truth)  # every id recovered exactly
    assert got.issues.empty
    assert any("re-taken from the permalink" in w for w in got.warnings)
    assert len(rows) == len(truth)


def test_mangled_ids_without_permalink_are_flagged(tmp_path):
    truth = _truth_posts(7, "2024-05-01").assign(permalink="https://x.com/toulouse")
    path = write_export("x_account_analytics_content", truth, tmp_path,
                        exported_at=pd.Timestamp("2024-06-01"), mangle_ids=1.0,
                        rng=np.random.default_rng(8))
    got = _one(path, "x_account_analytics_content")
    flagged = got.issues[got.issues["reason"].str.startswith("Excel-mangled ID")]
    assert sorted(flagged["source_row"]) == sorted(got.rows["source_row"])
    assert got.rows["post_id"].str.contains("E+", regex=False).all()
    # without a snowflake id only the day is known
    assert (got.rows["published_at_precision"] == "day").all()
    assert (got.rows["published_at"] == got.rows["published_at"].dt.normalize()).all()


@pytest.mark.parametrize("resave", [None, "fr_excel"])
def test_account_analytics_content_round_trip(tmp_path, resave):
    truth = _truth_posts(9, "2026-07-01")
    path = write_export("x_account_analytics_content", truth, tmp_path,
                        exported_at=pd.Timestamp("2026-07-28 09:00"), resave=resave,
                        rng=np.random.default_rng(10))
    assert path.name == "account_analytics_content_2026-07-01_2026-07-28.csv"
    got = _one(path, "x_account_analytics_content")
    assert got.exported_at == pd.Timestamp("2026-07-28", tz="UTC")
    assert got.issues.empty
    rows = _by_id(got.rows, truth)
    # the Date column is a day only: the exact time comes from the snowflake id
    assert (rows["published_at"].to_numpy() == truth["published_at"].to_numpy()).all()
    assert (rows["published_at_precision"] == "exact").all()
    for col in ("impressions", "likes", "comments", "shares", "saves", "clicks", "follows"):
        assert rows[col].astype("Int64").tolist() == truth[col].tolist(), col
    for col in ("reach", "views", "completions"):
        assert col not in rows or rows[col].isna().all(), col
    assert rows["is_paid"].isna().all()
    # X's own "Shares" (share via DM/link) are not canonical shares (= reposts)
    assert "extra:shares" in rows


def test_account_analytics_content_date_only_without_snowflake(tmp_path):
    path = tmp_path / "account_analytics_content_2026-07-01_2026-07-31.csv"
    path.write_text(
        "Post id,Date,Post text,Post Link,Impressions,Likes,Engagements,Bookmarks,Shares,"
        "New follows,Replies,Reposts,Profile visits,Detail Expands,URL Clicks,Hashtag Clicks,"
        "Permalink Clicks\n"
        '12345,"Tue, Jul 14, 2026",hello,https://x.com/a/status/12345,"1,234",1,2,0,0,0,0,0,0,0,'
        "0,0,0\n", encoding="utf-8")
    got = _one(path, "x_account_analytics_content")
    row = got.rows.iloc[0]
    assert row["published_at"] == pd.Timestamp("2026-07-14", tz="UTC")
    assert row["published_at_precision"] == "day"
    assert row["impressions"] == 1234


def test_account_overview_round_trip(tmp_path):
    days = pd.date_range("2026-03-20", periods=14, freq="D", tz="UTC")  # spans the DST change
    rng = np.random.default_rng(11)
    new = pd.array(rng.integers(0, 30, size=14), dtype="Int64")
    lost = pd.array(rng.integers(0, 10, size=14), dtype="Int64")
    lost[3] = pd.NA
    truth = pd.DataFrame({"collectivite": "toulouse", "account": "toulouse", "network": "x",
                          "date": days, "followers": pd.array(rng.integers(1000, 2000, 14),
                                                              dtype="Int64"),
                          "new_followers": new, "lost_followers": lost})
    path = write_export("x_account_overview", truth, tmp_path,
                        exported_at=pd.Timestamp("2026-04-03"))
    got = _one(path, "x_account_overview")
    assert got.table == "followers" and got.timezone == "UTC"
    assert got.rows["date"].tolist() == days.tolist()
    assert got.rows["new_followers"].tolist() == new.tolist()
    assert got.rows["lost_followers"].tolist() == lost.tolist()
    assert got.rows["followers"].isna().all()  # X does not export the running total


def test_bad_cell_is_na_with_an_issue_on_its_physical_line(tmp_path):
    truth = _truth_posts(12, "2019-03-01", n=4)
    truth["text"] = "une ligne"
    latest = truth.index[-1]  # the classic export lists the latest Tweet first
    truth.loc[latest, "text"] = "line one\nline two\nline three"
    path = write_export("x_tweet_activity", truth, tmp_path, exported_at=pd.Timestamp("2019-04-01"))
    lines = path.read_text(encoding="utf-8").split("\n")
    target = next(i for i, ln in enumerate(lines)
                  if ln.startswith(f'"{truth.loc[latest, "post_id"]}"'))
    # corrupt the impressions of the post written after the three-line text
    victim = target + 3
    cells = lines[victim].split('","')
    cells[4] = "n/a?"
    lines[victim] = '","'.join(cells)
    path.write_text("\n".join(lines), encoding="utf-8")
    got = _one(path, "x_tweet_activity")
    issue = got.issues[got.issues["column"] == "impressions"]
    assert issue["source_row"].tolist() == [victim + 1]
    row = got.rows[got.rows["source_row"] == victim + 1]
    assert row["impressions"].isna().all()
    assert len(got.rows) == 4  # the row is kept (cleaning quarantines it)


def test_truncated_file_names_file_and_line(tmp_path):
    truth = _truth_posts(13, "2019-03-01", n=5)
    path = write_export("x_tweet_activity", truth, tmp_path, exported_at=pd.Timestamp("2019-04-01"))
    data = path.read_text(encoding="utf-8")
    cut = data.rindex('"Collecte') if '"Collecte' in data else len(data) - 30
    path.write_text(data[: cut + 5], encoding="utf-8")  # ends inside a quoted field
    with pytest.raises(ExportFormatError) as err:
        read_export(path)
    assert err.value.path == str(path) and err.value.line is not None
    assert "truncated" in str(err.value)


def test_row_with_extra_fields_names_its_line(tmp_path):
    path = tmp_path / "account_analytics_content_2026-07-01_2026-07-31.csv"
    header = ("Post id,Date,Post text,Post Link,Impressions,Likes,Engagements,Bookmarks,Shares,"
              "New follows,Replies,Reposts,Profile visits,Detail Expands,URL Clicks,"
              "Hashtag Clicks,Permalink Clicks")
    good = '1,"Tue, Jul 14, 2026",a,https://x.com/a/status/1,1,1,1,1,1,1,1,1,1,1,1,1,1'
    bad = '2,"Tue, Jul 14, 2026",a, unquoted comma,https://x.com/a/status/2,1,1,1,1,1,1,1,1,1,1,1,1,1'
    path.write_text("\n".join([header, good, bad]) + "\n", encoding="utf-8")
    with pytest.raises(ExportFormatError) as err:
        read_export(path)
    assert err.value.line == 3 and str(path) in str(err.value)


# ---------------------------------------------------------------------------
# Quirks seen in real analytics.twitter.com downloads (rOpenSci's monthly
# tweet_activity_metrics_*.csv, 2016-2021): the header below is theirs, verbatim.
# ---------------------------------------------------------------------------

REAL_CLASSIC_HEADER = (
    '"Tweet id","Tweet permalink","Tweet text","time","impressions","engagements",'
    '"engagement rate","retweets","replies","likes","user profile clicks","url clicks",'
    '"hashtag clicks","detail expands","permalink clicks","app opens","app installs",'
    '"follows","email tweet","dial phone","media views","media engagements",'
    '"promoted impressions","promoted engagements","promoted engagement rate",'
    '"promoted retweets","promoted replies","promoted likes","promoted user profile clicks",'
    '"promoted url clicks","promoted hashtag clicks","promoted detail expands",'
    '"promoted permalink clicks","promoted app opens","promoted app installs",'
    '"promoted follows","promoted email tweet","promoted dial phone","promoted media views",'
    '"promoted media engagements"'
)
_NOT_PROMOTED = ",".join(['"-"'] * 18)


def _classic_line(tweet_id, text, time, organic):
    cells = [tweet_id, f"https://twitter.com/Ville_Test/status/{tweet_id}", text, time, *organic]
    return ",".join(f'"{c}"' for c in cells) + "," + _NOT_PROMOTED


def test_real_classic_export_quirks(tmp_path):
    """Quoted newlines, HTML entities, doubled quotes, float counts, '-' promoted cells."""
    organic_a = ["4922.0", "42.0", "0.008533116619260463", "6.0", "0.0", "8.0", "0.0", "5.0",
                 "0.0", "12.0", "0.0", "0", "0", "0", "0", "0", "11", "11"]
    organic_b = ["3125.0", "31.0", "0.00992", "3.0", "0.0", "2.0", "5.0", "15.0", "0.0", "6.0",
                 "0.0", "0", "0", "1", "0", "0", "0", "0"]
    text_a = "Conseil municipal &amp; budget\n\nhttps://t.co/abc\n\n#Toulouse"
    text_b = 'Question : ""est-ce ouvert ?"" &lt;3 &gt; merci'
    p = tmp_path / "tweet_activity_metrics_Ville_Test_20210601_20210701_fr.csv"
    p.write_text("\n".join([
        REAL_CLASSIC_HEADER,
        _classic_line("1410251783897686017", text_a, "2021-06-30 15:00 +0000", organic_a),
        _classic_line("1403009056004997125", text_b, "2021-06-10 15:20 +0000", organic_b),
    ]) + "\n", encoding="utf-8")
    (got,) = read_export(p)
    assert got.layout == "x_tweet_activity" and got.issues.empty and not got.warnings
    rows = got.rows
    # the first record spans 5 physical lines: the second starts on line 7
    assert rows["source_row"].tolist() == [2, 7]
    assert rows["text"].tolist() == [
        "Conseil municipal & budget\n\nhttps://t.co/abc\n\n#Toulouse",
        'Question : "est-ce ouvert ?" <3 > merci',
    ]
    assert rows["published_at"].tolist() == [pd.Timestamp("2021-06-30 15:00", tz="UTC"),
                                              pd.Timestamp("2021-06-10 15:20", tz="UTC")]
    assert rows["impressions"].tolist() == [4922, 3125]
    assert rows["likes"].tolist() == [8, 2]
    assert rows["shares"].tolist() == [6, 3]  # retweets
    assert rows["clicks"].tolist() == [5, 15]  # url clicks
    assert rows["follows"].tolist() == [0, 1]
    assert rows["views"].tolist() == [11, 0]  # media views
    assert rows["is_paid"].tolist() == [False, False]  # every promoted cell is "-"
    assert rows["account"].tolist() == ["Ville_Test", "Ville_Test"]


def test_account_from_the_permalink_handle_unless_it_is_a_web_link(tmp_path):
    p = tmp_path / "x.csv"
    organic = ["10.0", "1.0", "0.1", "0.0", "0.0", "1.0", "0.0", "0.0", "0.0", "0.0", "0.0",
               "0", "0", "0", "0", "0", "0", "0"]
    line = _classic_line("1410251783897686017", "a", "2021-06-30 15:00 +0000", organic)
    web = line.replace("twitter.com/Ville_Test/status", "twitter.com/i/web/status")
    p.write_text("\n".join([REAL_CLASSIC_HEADER, line, web.replace("1410251783897686017",
                                                                   "1410251783897686018")])
                 + "\n", encoding="utf-8")
    (got,) = read_export(p)
    assert got.rows["account"].iloc[0] == "Ville_Test"
    assert pd.isna(got.rows["account"].iloc[1])
