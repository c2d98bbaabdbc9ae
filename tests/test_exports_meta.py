"""Round trips for the Meta writers: truth → export file → read_export → equals truth.

Every Meta layout is written in each language and re-save style it supports,
read back with :func:`engagement_lib.readers.read_export` (layout detected
from the content), and compared with the truth table: IDs (mangled ones must
be flagged), timestamps to the minute after localising with
``RawExport.timezone``, every metric the layout reports (NA stays NA), text,
permalinks, physical line numbers and the export date.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from engagement_lib.readers import read_export
from engagement_lib.simulate.exports import WRITERS, write_export
from engagement_lib.simulate.exports import meta as wmeta

PAGE = "104857600012345"
IG_ACCOUNT = "17841405822304914"
EXPORTED = pd.Timestamp("2019-12-31 10:17", tz="UTC")
EXPORTED_2025 = pd.Timestamp("2025-09-02 08:30", tz="UTC")

_TIMES = [  # UTC; none falls in a DST-ambiguous Paris hour
    "2019-01-07 06:30", "2019-03-31 00:45", "2019-03-31 01:15", "2019-06-21 18:00",
    "2019-07-14 21:59", "2019-10-26 23:30", "2019-11-11 10:00", "2019-12-24 22:59",
    "2019-02-28 11:11", "2019-08-15 05:05",
]
_TYPES = ["photo", "video", "reel", "link", "text", "album", "photo", "video", "live", "event"]
_TEXTS = [
    "Conseil municipal ce soir à 18h : l’ordre du jour, «\u00a0budget\u00a0» et œuvres",
    'Vidéo : "le marché" de Noël,\nnouvelle édition',
    "Reel 🎉 #Toulouse",
    "Lien vers https://www.toulouse.fr/actualites?id=42&x=1",
    "Statut ; avec point-virgule",
    "Album photo (12 photos)",
    "",
    "x",
    "Direct du conseil",
    "Fête de la musique",
]


def _metric(values):
    return pd.array(values, dtype="Int64")


@pytest.fixture
def fb_truth() -> pd.DataFrame:
    """Ten Facebook posts of one page, with NA metrics, big numbers and awkward text."""
    n = len(_TIMES)
    ids = [f"{PAGE}_{1234567890123456 + 7919 * i}" for i in range(n)]
    links = []
    for pid, kind in zip(ids, _TYPES, strict=True):
        post = pid.split("_")[1]
        links.append(f"https://www.facebook.com/reel/{post}" if kind == "reel" else
                     f"https://www.facebook.com/{PAGE}/videos/{post}/" if kind in ("video", "live")
                     else f"https://www.facebook.com/{PAGE}/posts/{post}")
    video = [k in ("video", "reel", "live") for k in _TYPES]
    return pd.DataFrame({
        "collectivite": "toulouse", "account": "Ville de Toulouse", "network": "facebook",
        "post_id": ids,
        "published_at": pd.to_datetime(_TIMES).tz_localize("UTC"),
        "media_type": _TYPES, "text": _TEXTS, "permalink": links,
        "is_paid": pd.array([False, True, False, pd.NA, False, True, False, False, False,
                             False], dtype="boolean"),
        "impressions": _metric([1200, 50000, 300, None, 10, 2000, 5, 1234567, 800, 90]),
        "reach": _metric([1000, 40000, 250, None, 8, 1500, 4, 1000000, 700, 80]),
        "views": _metric([v if is_v else None for v, is_v in
                          zip([0, 30000, 280, 0, 0, 0, 0, 5000, 650, 0], video, strict=True)]),
        "likes": _metric([10, 2000, 0, None, 1, 50, 0, 3, 7, 4]),
        "comments": _metric([1, 300, 0, 2, 0, 5, 0, 0, 12, 1]),
        "shares": _metric([0, 120, 1, 0, 0, 2, 0, 1, 3, 2]),
        "clicks": _metric([5, 900, 3, 10, 0, 40, 0, 2, 9, 6]),
        "completions": _metric([c if is_v else None for c, is_v in
                                zip([0, 4000, 100, 0, 0, 0, 0, 50, 20, 0], video, strict=True)]),
    })


@pytest.fixture
def ig_truth(fb_truth) -> pd.DataFrame:
    t = fb_truth.copy()
    t["network"] = "instagram"
    t["account"] = "toulouse"
    t["post_id"] = [str(17900000000000000 + 104729 * i) for i in range(len(t))]
    t["media_type"] = ["photo", "reel", "reel", "photo", "photo", "album", "photo", "reel",
                       "story", "album"]
    t["permalink"] = [f"https://www.instagram.com/{'reel' if k == 'reel' else 'p'}/C{i}xYz/"
                      for i, k in enumerate(t["media_type"])]
    t["account_id"] = IG_ACCOUNT
    t["is_paid"] = pd.array([pd.NA] * len(t), dtype="boolean")
    t["views"] = _metric([None, 30000, 280, None, None, None, None, 5000, 650, None])
    t["saves"] = _metric([1, 2, None, 0, 0, 3, 0, 1, 0, 5])
    t["follows"] = _metric([0, 1, 0, None, 0, 0, 0, 2, 0, 1])
    t["clicks"] = _metric([None] * len(t))
    t["completions"] = _metric([None] * len(t))
    return t


# ---------------------------------------------------------------------------
# comparison helpers
# ---------------------------------------------------------------------------


def _read_one(path):
    exports = read_export(path)
    assert len(exports) == 1, [e.layout for e in exports]
    return exports[0]


def _utc(raw, values: pd.Series) -> pd.Series:
    if raw.timezone == "UTC":
        assert isinstance(values.dtype, pd.DatetimeTZDtype)
        return values.dt.tz_convert("UTC")
    return values.dt.tz_localize(raw.timezone).dt.tz_convert("UTC")


def _aligned(raw, truth: pd.DataFrame) -> pd.DataFrame:
    """Rows of the export in truth order (matched on the permalink, which survives mangling)."""
    rows = raw.rows.set_index("permalink", drop=False)
    assert rows.index.is_unique
    assert set(rows.index) == set(truth["permalink"])
    return rows.loc[truth["permalink"]].reset_index(drop=True)


def _check_ids(raw, got: pd.DataFrame, truth: pd.DataFrame, *, bare: bool = False) -> int:
    flagged = set(raw.issues.loc[raw.issues["reason"].str.startswith("Excel-mangled ID"),
                                 "source_row"])
    n_mangled = 0
    for want, have, line in zip(truth["post_id"], got["post_id"], got["source_row"],
                                strict=True):
        if have == want:
            assert line not in flagged
        else:
            n_mangled += 1
            assert "E+" in have, (want, have)
            assert line in flagged, f"mangled ID {have!r} at line {line} not flagged"
            digits = want.split("_")[-1] if bare else want
            assert have.replace(",", ".").startswith(f"{digits[0]}.{digits[1]}"[:3])
    return n_mangled


def _check_metrics(got: pd.DataFrame, truth: pd.DataFrame, metrics) -> None:
    for m in metrics:
        pd.testing.assert_series_equal(got[m].astype("Int64"), truth[m].astype("Int64"),
                                       check_names=False, obj=m)


def _check_times(raw, got, truth) -> None:
    times = _utc(raw, got["published_at"])
    assert (times.dt.floor("min") == truth["published_at"].dt.floor("min")).all()


def _check_text(got, truth, *, encoding: str | None = None) -> None:
    want = truth["text"].replace("", None)
    if encoding == "cp1252":
        want = want.map(lambda s: s if s is None else s.encode("cp1252", "replace").decode(
            "cp1252"), na_action="ignore")
    for w, h in zip(want, got["text"], strict=True):
        if w is None or pd.isna(w):
            assert pd.isna(h)
        else:
            assert h == w


def _check_lines(path, raw, got, truth, *, key) -> None:
    """The physical line at source_row is where the row's record starts."""
    data = open(path, "rb").read()
    text = raw_text(data, raw.encoding)
    lines = text.splitlines()
    for line, want in zip(got["source_row"], truth["post_id"], strict=True):
        assert key(want) in lines[line - 1] or "E+" in lines[line - 1], (line, want)


def raw_text(data: bytes, encoding: str | None) -> str:
    enc = {"utf-8-sig": "utf-8-sig", None: "utf-8"}.get(encoding, encoding)
    return data.decode(enc)


# ---------------------------------------------------------------------------
# registry
# ---------------------------------------------------------------------------


def test_every_meta_writer_is_registered_and_has_a_reader():
    from engagement_lib.readers import get_layout

    for name in wmeta.WRITERS:
        assert WRITERS[name] is wmeta.WRITERS[name]
        assert get_layout(name).name == name


# ---------------------------------------------------------------------------
# legacy Facebook Insights
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("resave", [None, "fr_excel", "fr_excel_utf8"])
def test_legacy_csv_round_trip(tmp_path, fb_truth, resave):
    path = write_export("facebook_insights_legacy", fb_truth, tmp_path, exported_at=EXPORTED,
                        resave=resave, mangle_ids=0.5, rng=np.random.default_rng(1))
    raw = _read_one(path)
    assert (raw.layout, raw.network, raw.table) == ("facebook_insights_legacy", "facebook",
                                                    "posts")
    assert raw.timezone == "Europe/Paris" and raw.metric_era == "impressions"
    assert raw.exported_at == EXPORTED.normalize()  # day precision, from the file name
    assert raw.skipped_rows["source_row"].tolist() == [2]  # the description row
    got = _aligned(raw, fb_truth)
    # legacy IDs are "{page}_{post}": Excel keeps them as text, nothing is mangled
    assert _check_ids(raw, got, fb_truth) == 0
    assert raw.issues.empty
    _check_times(raw, got, fb_truth)
    _check_metrics(got, fb_truth, ["impressions", "reach", "views", "completions", "likes",
                                   "comments", "shares", "clicks"])
    known = fb_truth["is_paid"].notna()
    assert (got.loc[known, "is_paid"] == fb_truth.loc[known, "is_paid"]).all()
    assert got[["saves", "follows"]].isna().all().all()  # not reported: NA, never 0
    _check_text(got, fb_truth, encoding="cp1252" if resave == "fr_excel" else None)
    assert got["media_type"].tolist() == [wmeta._LEGACY_TYPES[k] for k in fb_truth["media_type"]]
    _check_lines(path, raw, got, fb_truth, key=lambda pid: pid)


def test_legacy_xlsx_round_trip(tmp_path, fb_truth):
    path = write_export("facebook_insights_legacy_xlsx", fb_truth, tmp_path,
                        exported_at=EXPORTED, rng=np.random.default_rng(2))
    raw = _read_one(path)
    assert raw.layout == "facebook_insights_legacy_xlsx"
    assert raw.exported_at == EXPORTED  # workbook properties: to the second
    assert raw.encoding is None and raw.header_line == 1
    assert raw.skipped_rows["source_row"].tolist() == [2]
    assert raw.warnings == ()  # breakdown sheets are consumed, none left unread
    got = _aligned(raw, fb_truth)
    assert _check_ids(raw, got, fb_truth) == 0
    _check_times(raw, got, fb_truth)
    _check_metrics(got, fb_truth, ["impressions", "reach", "views", "completions", "comments",
                                   "shares", "clicks"])
    # the breakdown sheet cannot tell "nobody liked" from "not reported": NA reads as 0
    assert got["likes"].tolist() == fb_truth["likes"].fillna(0).tolist()
    assert got["source_row"].tolist() == list(range(3, 3 + len(fb_truth)))
    _check_text(got, fb_truth)


def test_legacy_writers_refuse_french(tmp_path, fb_truth):
    with pytest.raises(ValueError, match="only English"):
        write_export("facebook_insights_legacy", fb_truth, tmp_path, exported_at=EXPORTED,
                     language="fr")


def test_legacy_posted_follows_the_timezone_option(tmp_path, fb_truth):
    path = wmeta.write_legacy_csv(fb_truth, tmp_path, exported_at=EXPORTED,
                                  timezone="America/Los_Angeles")
    raw = read_export(path, timezone="America/Los_Angeles")[0]
    assert raw.timezone == "America/Los_Angeles"
    _check_times(raw, _aligned(raw, fb_truth), fb_truth)


# ---------------------------------------------------------------------------
# Meta Business Suite
# ---------------------------------------------------------------------------

_MBS_CASES = [
    ("en", None, 0.0), ("fr", None, 0.0), ("bilingual", None, 0.0), ("fr", "fr_excel", 0.6),
    ("en", "fr_excel_utf8", 0.3), ("bilingual", "fr_excel", 0.0),
]


@pytest.mark.parametrize(("language", "resave", "mangle"), _MBS_CASES)
@pytest.mark.parametrize("era", ["impressions", "views"])
def test_mbs_facebook_round_trip(tmp_path, fb_truth, language, resave, mangle, era):
    path = write_export("meta_business_suite_posts", fb_truth, tmp_path, exported_at=EXPORTED,
                        language=language, resave=resave, mangle_ids=mangle,
                        rng=np.random.default_rng(3), era=era)
    assert path.name == f"Jan-07-2019_Dec-31-2019_{PAGE}.csv"
    raw = _read_one(path)
    assert (raw.layout, raw.network) == ("meta_business_suite_posts", "facebook")
    assert raw.language == language
    assert raw.metric_era == era
    assert raw.exported_at == EXPORTED.normalize()
    assert raw.delimiter == (";" if resave else ",")
    got = _aligned(raw, fb_truth)
    n_mangled = _check_ids(raw, got, fb_truth, bare=True)
    if mangle:
        assert n_mangled > 0
    else:
        assert n_mangled == 0 and raw.issues.empty
    assert (got["account_id"] == PAGE).all()  # mangled page IDs repaired from the file's page
    assert (got["account"] == "Ville de Toulouse").all()
    _check_times(raw, got, fb_truth)
    shown = "views" if era == "views" else "impressions"
    _check_metrics(got, fb_truth, [shown, "reach", "likes", "comments", "shares", "clicks"])
    assert got["views" if era == "impressions" else "impressions"].isna().all()
    known = fb_truth["is_paid"].notna()
    assert (got.loc[known, "is_paid"] == fb_truth.loc[known, "is_paid"]).all()
    _check_text(got, fb_truth, encoding="cp1252" if resave == "fr_excel" else None)
    if language == "fr":
        reels = fb_truth["media_type"] == "reel"
        assert (got.loc[reels, "media_type"] == "Vidéos").all()  # the 2026 French quirk
        assert got.loc[reels, "permalink"].str.contains("/reel/").all()
    _check_lines(path, raw, got, fb_truth, key=lambda pid: pid.split("_")[1])


@pytest.mark.parametrize(("language", "resave", "mangle"), _MBS_CASES)
@pytest.mark.parametrize("era", ["impressions", "views"])
def test_mbs_instagram_round_trip(tmp_path, ig_truth, language, resave, mangle, era):
    path = write_export("meta_business_suite_instagram", ig_truth, tmp_path,
                        exported_at=EXPORTED, language=language, resave=resave,
                        mangle_ids=mangle, rng=np.random.default_rng(4), era=era)
    raw = _read_one(path)
    assert (raw.layout, raw.network) == ("meta_business_suite_instagram", "instagram")
    assert raw.language == language and raw.metric_era == era
    got = _aligned(raw, ig_truth)
    n_mangled = _check_ids(raw, got, ig_truth)
    assert (n_mangled > 0) == (mangle > 0)
    _check_times(raw, got, ig_truth)
    metrics = ["reach", "likes", "comments", "shares", "saves", "follows", "views"]
    if era == "impressions":
        metrics.append("impressions")  # and views come from Plays
    else:
        assert got["impressions"].isna().all()
    _check_metrics(got, ig_truth, metrics)
    assert (got["account"] == "toulouse").all()
    _check_text(got, ig_truth, encoding="cp1252" if resave == "fr_excel" else None)
    assert set(got["media_type"]) <= {"IG image", "IG reel", "IG carousel", "IG story"}
    _check_lines(path, raw, got, ig_truth, key=lambda pid: pid)


def test_mbs_era_follows_export_date(tmp_path, fb_truth, ig_truth):
    fb = _read_one(write_export("meta_business_suite_posts", fb_truth, tmp_path / "fb",
                                exported_at=EXPORTED_2025))
    ig = _read_one(write_export("meta_business_suite_instagram", ig_truth, tmp_path / "ig",
                                exported_at=EXPORTED_2025))
    assert fb.metric_era == "views" and ig.metric_era == "views"
    fb_old = _read_one(write_export("meta_business_suite_posts", fb_truth, tmp_path / "o",
                                    exported_at=EXPORTED))
    assert fb_old.metric_era == "impressions"


# ---------------------------------------------------------------------------
# daily series and audience
# ---------------------------------------------------------------------------


@pytest.fixture
def followers_truth() -> pd.DataFrame:
    days = pd.date_range("2025-03-28", periods=6, freq="D", tz="UTC")
    return pd.DataFrame({
        "collectivite": "toulouse", "account": "toulouse", "network": "instagram", "date": days,
        "followers": _metric([10000, 10010, 10030, 10031, 12050, 12050]),
        "new_followers": _metric([12, 10, 20, 1, 2019, 0]),
        "lost_followers": _metric([2, 0, 0, 0, None, 0]),
    })


@pytest.mark.parametrize("network", ["facebook", "instagram"])
@pytest.mark.parametrize(("language", "resave"), [("en", None), ("fr", None), ("fr", "fr_excel"),
                                                  ("en", "fr_excel_utf8")])
@pytest.mark.parametrize(("metric", "column"), [("follows", "new_followers"),
                                                ("unfollows", "lost_followers"),
                                                ("followers", "followers")])
def test_daily_series_round_trip(tmp_path, followers_truth, network, language, resave, metric,
                                 column):
    truth = followers_truth.assign(network=network)
    path = write_export("meta_daily_series", truth, tmp_path, exported_at=EXPORTED_2025,
                        language=language, resave=resave, metric=metric)
    if resave is None:
        assert path.read_bytes().startswith(b"\xff\xfes\x00e\x00p\x00=\x00,\x00")
    raw = _read_one(path)
    assert (raw.layout, raw.table, raw.network) == ("meta_daily_series", "followers", network)
    assert raw.timezone == "UTC"
    assert raw.rows["date"].tolist() == truth["date"].tolist()
    pd.testing.assert_series_equal(raw.rows[column], truth[column], check_names=False)
    others = {"followers", "new_followers", "lost_followers"} - {column}
    assert raw.rows[list(others)].isna().all().all()
    # sep line (1), metric name (2), header (3): data from line 4 (3 once Excel drops sep=)
    first = 4 if resave is None else 3
    assert raw.rows["source_row"].tolist() == list(range(first, first + len(truth)))
    assert raw.issues.empty


@pytest.fixture
def audience_truth() -> pd.DataFrame:
    return pd.DataFrame({
        "collectivite": "toulouse", "account": "toulouse", "network": "facebook",
        "date": pd.Timestamp("2025-09-02", tz="UTC"),
        "dimension": ["age"] * 7 + ["gender"] * 3 + ["country"] * 2,
        "bracket": ["13-17", "18-24", "25-34", "35-44", "45-54", "55-64", "65+", "F", "M", "U",
                    "FR", "BE"],
        "share": [0.01, 0.05, 0.125, 0.16, 0.19, 0.225, 0.24, 0.583, 0.407, 0.01, 0.95, 0.05],
    })


@pytest.mark.parametrize(("language", "resave"), [("en", None), ("fr", None), ("fr", "fr_excel"),
                                                  ("en", "fr_excel_utf8")])
def test_audience_round_trip(tmp_path, audience_truth, language, resave):
    path = write_export("meta_audience", audience_truth, tmp_path, exported_at=EXPORTED_2025,
                        language=language, resave=resave)
    raw = _read_one(path)
    assert (raw.layout, raw.table) == ("meta_audience", "audience")
    got = raw.rows
    assert got["dimension"].tolist() == audience_truth["dimension"].tolist()
    assert got["bracket"].tolist() == audience_truth["bracket"].tolist()
    np.testing.assert_allclose(got["share"], audience_truth["share"], atol=1e-9)
    assert (got["date"] == audience_truth["date"]).all()
    # two blocks: header line 1, seven ages (2-8), blank line 9, header 10, genders 11-13...
    assert got["source_row"].tolist()[:8] == [2, 3, 4, 5, 6, 7, 8, 11]
    assert raw.issues.empty


def test_audience_single_dimension_file(tmp_path, audience_truth):
    gender = audience_truth[audience_truth["dimension"] == "gender"]
    path = write_export("meta_audience", gender, tmp_path / "g.csv", exported_at=EXPORTED_2025)
    assert path.read_text(encoding="utf-8-sig").splitlines()[0] == "Gender,Distribution"
    raw = _read_one(path)
    assert raw.rows["bracket"].tolist() == ["F", "M", "U"]
    # no date range in a name chosen by the caller: the date is missing and said so
    assert raw.rows["date"].isna().all()
    assert any("measured" in w for w in raw.warnings)


# ---------------------------------------------------------------------------
# Graph API JSON
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("era", ["impressions", "views"])
def test_facebook_graph_round_trip(tmp_path, fb_truth, era):
    path = write_export("facebook_graph_json", fb_truth, tmp_path, exported_at=EXPORTED,
                        era=era)
    raw = _read_one(path)
    assert (raw.layout, raw.network, raw.timezone) == ("facebook_graph_json", "facebook", "UTC")
    assert raw.exported_at == EXPORTED and raw.metric_era == era
    got = _aligned(raw, fb_truth)
    assert got["post_id"].tolist() == fb_truth["post_id"].tolist()
    assert (got["published_at"] == fb_truth["published_at"]).all()  # to the second
    metrics = ["reach", "clicks", "likes", "comments", "shares", "completions"]
    metrics += ["impressions", "views"] if era == "impressions" else []
    _check_metrics(got, fb_truth, metrics)
    if era == "views":  # post_media_view: views of every post type
        shown = fb_truth["views"].notna()
        assert (got.loc[shown, "views"] == fb_truth.loc[shown, "views"]).all()
    known = fb_truth["is_paid"].notna()
    assert (got.loc[known, "is_paid"] == fb_truth.loc[known, "is_paid"]).all()
    _check_text(got, fb_truth)
    _check_lines(path, raw, got, fb_truth, key=lambda pid: f'"id": "{pid}"')


@pytest.mark.parametrize("era", ["impressions", "views"])
def test_instagram_graph_round_trip(tmp_path, ig_truth, era):
    path = write_export("instagram_graph_json", ig_truth, tmp_path, exported_at=EXPORTED,
                        era=era)
    raw = _read_one(path)
    assert (raw.layout, raw.network) == ("instagram_graph_json", "instagram")
    assert raw.metric_era == era
    got = _aligned(raw, ig_truth)
    assert got["post_id"].tolist() == ig_truth["post_id"].tolist()
    assert (got["published_at"] == ig_truth["published_at"]).all()
    metrics = ["reach", "likes", "comments", "shares", "saves", "follows"]
    if era == "impressions":
        metrics.append("impressions")
    _check_metrics(got, ig_truth, metrics)
    video = ig_truth["media_type"].isin(["video", "reel"])
    assert (got.loc[video, "views"] == ig_truth.loc[video, "views"]).all()
    reels = ig_truth["media_type"] == "reel"
    assert (got.loc[reels, "media_type"] == "REELS").all()
    assert (got["account_id"] == IG_ACCOUNT).all()


def test_writers_do_not_modify_the_table(tmp_path, fb_truth):
    before = fb_truth.copy()
    for layout in ("facebook_insights_legacy", "meta_business_suite_posts",
                   "facebook_graph_json"):
        write_export(layout, fb_truth, tmp_path / layout, exported_at=EXPORTED)
    pd.testing.assert_frame_equal(fb_truth, before)


def test_write_export_validates_options(tmp_path, fb_truth):
    with pytest.raises(KeyError, match="no export writer"):
        write_export("myspace", fb_truth, tmp_path, exported_at=EXPORTED)
    with pytest.raises(ValueError, match="language"):
        write_export("meta_business_suite_posts", fb_truth, tmp_path, exported_at=EXPORTED,
                     language="de")
    with pytest.raises(ValueError, match="resave"):
        write_export("meta_business_suite_posts", fb_truth, tmp_path, exported_at=EXPORTED,
                     resave="libreoffice")
    with pytest.raises(ValueError, match="lacks column"):
        write_export("meta_business_suite_posts", fb_truth.drop(columns="published_at"),
                     tmp_path, exported_at=EXPORTED)


# ---------------------------------------------------------------------------
# the simulator's own truth (realistic texts, media mix, DST dates)
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def panel():
    sim = pytest.importorskip("engagement_lib.simulate")
    sc = sim.default_scenario().only(collectivites=["romans_sur_isere"],
                                     networks=["facebook", "instagram"])
    return sim.simulate_panel(sc, seed=7, start="2018-09-01", end="2018-11-30")


def _localized_equal(raw, got, truth) -> None:
    """Timestamps equal to the minute; wall-clock times of the DST fall-back hour are
    ambiguous by nature (at most a few), the others must all match."""
    vals = got["published_at"]
    if raw.timezone != "UTC":
        vals = vals.dt.tz_localize(raw.timezone, ambiguous="NaT", nonexistent="NaT")
    vals = vals.dt.tz_convert("UTC")
    ok = vals.notna()
    assert (~ok).sum() <= 3
    assert (vals[ok].dt.floor("min") == truth.loc[ok, "published_at"].dt.floor("min")).all()


_PANEL_CASES = [
    ("facebook", "facebook_insights_legacy", "en", "fr_excel",
     ["impressions", "reach", "likes", "comments", "shares", "clicks"]),
    ("facebook", "facebook_insights_legacy_xlsx", "en", None,
     ["impressions", "reach", "comments", "shares", "clicks"]),
    ("facebook", "meta_business_suite_posts", "bilingual", "fr_excel_utf8",
     ["impressions", "reach", "likes", "comments", "shares", "clicks"]),
    ("facebook", "facebook_graph_json", "en", None,
     ["impressions", "reach", "likes", "comments", "shares", "clicks"]),
    ("instagram", "meta_business_suite_instagram", "fr", "fr_excel",
     ["impressions", "reach", "likes", "comments", "shares", "saves", "follows"]),
    ("instagram", "instagram_graph_json", "en", None,
     ["impressions", "reach", "likes", "comments", "shares", "saves", "follows"]),
]


@pytest.mark.parametrize(("network", "layout", "language", "resave", "metrics"), _PANEL_CASES)
def test_simulated_panel_round_trip(tmp_path, panel, network, layout, language, resave,
                                    metrics):
    posts = panel.posts[panel.posts["network"] == network]
    for account, truth in posts.groupby("account", observed=True):
        truth = truth.reset_index(drop=True)
        path = write_export(layout, truth, tmp_path / account, exported_at=EXPORTED,
                            language=language, resave=resave, mangle_ids=0.2,
                            rng=np.random.default_rng(11))
        raw = _read_one(path)
        assert raw.layout == layout and raw.n_rows == len(truth)
        got = _aligned(raw, truth)
        _check_ids(raw, got, truth, bare=layout == "meta_business_suite_posts")
        _localized_equal(raw, got, truth)
        _check_metrics(got, truth, metrics)
        _check_text(got, truth, encoding="cp1252" if resave == "fr_excel" else None)


def test_simulated_followers_and_audience_round_trip(tmp_path, panel):
    truth = panel.followers[panel.followers["account"] == "romans"].reset_index(drop=True)
    for metric, column in (("follows", "new_followers"), ("followers", "followers"),
                           ("unfollows", "lost_followers")):
        path = write_export("meta_daily_series", truth, tmp_path / metric, exported_at=EXPORTED,
                            metric=metric)
        raw = _read_one(path)
        assert raw.rows["date"].tolist() == truth["date"].tolist()
        pd.testing.assert_series_equal(raw.rows[column], truth[column], check_names=False)
    aud = panel.audience[panel.audience["account"] == "romans"]
    snap = aud[aud["date"] == aud["date"].max()].reset_index(drop=True)
    raw = _read_one(write_export("meta_audience", snap, tmp_path / "aud", exported_at=EXPORTED,
                                 language="fr"))
    assert raw.rows["date"].tolist() == snap["date"].tolist()
    assert raw.rows["bracket"].tolist() == snap["bracket"].tolist()
    np.testing.assert_allclose(raw.rows["share"], snap["share"], atol=1e-9)
