"""The ``engagement`` command: every subcommand, every error path, exit codes and messages.

Most tests run the command in-process (``engagement_lib.cli.main``) on a small
copy of the bundled Romans-sur-Isère Facebook exports (the files of October
2018 – February 2019, chosen through ``datasets/export_plan.csv``); one test
runs the installed console script.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from conftest import REPO

from engagement_lib.cli import main

RAW = REPO / "datasets" / "raw"
COLL = "romans_sur_isere"


@pytest.fixture(scope="module")
def exports(tmp_path_factory) -> Path:
    """Romans-sur-Isère's Facebook post and follower exports overlapping Oct 2018 – Feb 2019."""
    index_path = REPO / "datasets" / "export_plan.csv"
    if not index_path.is_file():
        pytest.skip("bundled raw exports (datasets/raw) not generated yet")
    index = pd.read_csv(index_path)
    keep = index[(index["collectivite"] == COLL) & (index["network"] == "facebook")
                 & index["table"].isin(["posts", "followers"])
                 & (index["period_end"] >= "2018-10-01") & (index["period_start"] <= "2019-02-28")]
    assert len(keep) >= 4, "expected post and follower exports around January 2019"
    root = tmp_path_factory.mktemp("exports") / COLL
    for rel in keep["file"]:
        target = root.parent / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(RAW / rel, target)
    return root


def _run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def _assert_user_error(code, err, *fragments):
    """Exit 1, one error line then one hint line, no traceback."""
    assert code == 1, err
    lines = err.strip().splitlines()
    assert len(lines) == 2, err
    assert lines[0].startswith("engagement: error: ") and lines[1].startswith("hint: ")
    assert "Traceback" not in err
    for fragment in fragments:
        assert fragment in err, (fragment, err)


# --------------------------------------------------------------------------- generic
def test_version_and_help(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    import engagement_lib

    assert engagement_lib.__version__ in capsys.readouterr().out
    assert main([]) == 0
    out = capsys.readouterr().out
    for command in ("clean", "indicators", "report", "catalog", "simulate"):
        assert command in out


@pytest.mark.parametrize("argv", [
    ["report", "x", "--collectivite", "Romans", "--out", "r.html"],  # --month missing
    ["report", "x", "--collectivite", "Romans", "--month", "2019-13", "--out", "r.html"],
    ["report", "x", "--collectivite", "Romans", "--month", "janvier", "--out", "r.html"],
    ["report", "x", "--collectivite", "R", "--month", "2019-01", "--lang", "de", "--out", "r.html"],
    ["report", "x", "--collectivite", "R", "--month", "2019-01", "--population", "-3",
     "--out", "r.html"],
    ["clean", "x"],  # --out missing
    ["nonsense"],
])
def test_usage_errors_exit_2(argv, capsys):
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2
    assert "usage:" in capsys.readouterr().err


# --------------------------------------------------------------------------- clean
@pytest.mark.slow
def test_clean_writes_tables_dictionary_and_report(exports, tmp_path, capsys):
    from engagement_lib.cleaning import clean

    out = tmp_path / "clean"
    code, stdout, err = _run(capsys, "clean", exports, "--out", out)
    assert code == 0, err
    assert "quarantined" in stdout and str(out) in stdout
    expected = clean(exports)
    for name in ("posts", "followers", "audience", "conversations", "quarantine", "flags"):
        pq = pd.read_parquet(out / f"{name}.parquet")
        csv = pd.read_csv(out / f"{name}.csv", dtype=str)
        assert len(pq) == len(csv) == len(getattr(expected, name)), name
    posts = pd.read_parquet(out / "posts.parquet")
    assert sorted(posts["post_id"]) == sorted(expected.posts["post_id"])
    assert isinstance(posts["published_at"].dtype, pd.DatetimeTZDtype)
    assert set(pd.read_csv(out / "posts.csv", dtype=str)["post_id"]) == set(posts["post_id"])
    # every post is one of the truth's Facebook posts of Romans-sur-Isère
    truth = pd.read_parquet(REPO / "datasets" / "truth" / "posts.parquet")
    truth_ids = set(truth.loc[(truth["collectivite"] == COLL)
                              & (truth["network"] == "facebook"), "post_id"])
    assert len(posts) > 50 and set(posts["post_id"]) <= truth_ids
    dictionary = pd.read_csv(out / "data_dictionary.csv")
    for name in ("posts", "followers"):
        frame = pd.read_parquet(out / f"{name}.parquet")
        described = dictionary[dictionary["table"] == name]
        assert list(described["column"]) == list(frame.columns)
        canonical = described[~described["column"].str.startswith("extra:")]
        assert canonical["description"].notna().all()
    report = pd.read_csv(out / "cleaning_report.csv")
    total = report[report["source_file"] == "TOTAL"].iloc[0]
    assert total["rows_read"] == (total["rows_kept"] + total["duplicates_merged"]
                                  + total["rows_quarantined"])
    assert "Rapport de nettoyage" in (out / "cleaning_report.txt").read_text(encoding="utf-8")


def test_clean_excel_dialect_and_english_summary(exports, tmp_path, capsys):
    out = tmp_path / "xl"
    code, _, err = _run(capsys, "clean", exports, "--out", out, "--csv", "excel-fr",
                        "--lang", "en")
    assert code == 0, err
    raw = (out / "posts.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b";" in raw.splitlines()[0]
    assert "Cleaning report" in (out / "cleaning_report.txt").read_text(encoding="utf-8")


# --------------------------------------------------------------------------- indicators
def test_indicators_table_counts_the_posts_of_each_month(exports, tmp_path, capsys):
    from engagement_lib.cleaning import clean

    out = tmp_path / "ind.csv"
    code, stdout, err = _run(capsys, "indicators", exports, "--out", out,
                             "--indicators", "posts,followers", "--n-boot", "0")
    assert code == 0, err
    table = pd.read_csv(out)
    assert set(table["indicator"]) == {"posts", "followers"}
    assert set(table.columns) >= {"collectivite", "network", "period", "indicator", "value",
                                  "unit", "n", "ci_low", "ci_high", "status"}
    posts = clean(exports).posts
    local = posts["published_at"].dt.tz_convert("Europe/Paris")
    january = int(((local >= pd.Timestamp("2019-01-01", tz="Europe/Paris"))
                   & (local < pd.Timestamp("2019-02-01", tz="Europe/Paris"))).sum())
    period = pd.to_datetime(table["period"], utc=True).dt.tz_convert("Europe/Paris")
    row = table[(table["indicator"] == "posts") & (period.dt.strftime("%Y-%m") == "2019-01")]
    assert len(row) == 1 and row["value"].iloc[0] == january


def test_indicators_parquet_with_a_window(exports, tmp_path, capsys):
    out = tmp_path / "ind.parquet"
    code, _, err = _run(capsys, "indicators", exports, "--out", out, "--indicators", "activity",
                        "--from", "2018-12", "--to", "2019-01", "--n-boot", "0")
    assert code == 0, err
    table = pd.read_parquet(out)
    months = set(table["period"].dt.tz_convert("Europe/Paris").dt.strftime("%Y-%m"))
    assert months == {"2018-12", "2019-01"}


def test_indicators_unknown_indicator(exports, tmp_path, capsys):
    code, _, err = _run(capsys, "indicators", exports, "--out", tmp_path / "i.csv",
                        "--indicators", "likeability")
    _assert_user_error(code, err, "likeability", "engagement catalog")


def test_indicators_window_reversed(exports, tmp_path, capsys):
    code, _, err = _run(capsys, "indicators", exports, "--out", tmp_path / "i.csv",
                        "--from", "2019-02", "--to", "2019-01")
    _assert_user_error(code, err, "before")


# --------------------------------------------------------------------------- report
@pytest.mark.slow
def test_report_on_exports(exports, tmp_path, capsys):
    out = tmp_path / "reports" / "janvier.html"
    code, stdout, err = _run(capsys, "report", exports, "--collectivite", "Romans-sur-Isère",
                             "--month", "2019-01", "--out", out, "--n-boot", "100")
    assert code == 0, err
    assert str(out) in stdout
    html = out.read_text(encoding="utf-8")
    for section in ("headline", "indicators", "followers", "posts", "timing",
                    "responsiveness", "methods", "glossary"):
        assert f'<section id="{section}"' in html
    assert "Romans-sur-Isère" in html and "janvier 2019" in html
    assert "32\u202f911" in html  # INSEE population of the bundled collectivité by default
    assert html.count("data:image/png;base64,") >= 2


def test_report_in_english_with_population(exports, tmp_path, capsys):
    out = tmp_path / "january.html"
    code, _, err = _run(capsys, "report", exports, "--collectivite", COLL, "--month", "2019-01",
                        "--lang", "en", "--population", "40000", "--out", out, "--n-boot", "0")
    assert code == 0, err
    html = out.read_text(encoding="utf-8")
    assert '<html lang="en">' in html and "40,000 inhabitants" in html


# --------------------------------------------------------------------------- error paths
@pytest.mark.parametrize("command", ["clean", "indicators", "report"])
def test_missing_folder(command, tmp_path, capsys):
    missing = tmp_path / "nowhere"
    extra = {"clean": ["--out", tmp_path / "o"], "indicators": ["--out", tmp_path / "o.csv"],
             "report": ["--collectivite", COLL, "--month", "2019-01", "--out", tmp_path / "r.html"]}
    code, _, err = _run(capsys, command, missing, *extra[command])
    _assert_user_error(code, err, "does not exist", str(missing))


def test_empty_folder(tmp_path, capsys):
    empty = tmp_path / "empty"
    empty.mkdir()
    code, _, err = _run(capsys, "report", empty, "--collectivite", COLL, "--month", "2019-01",
                        "--out", tmp_path / "r.html")
    _assert_user_error(code, err, "no export files found")
    assert not (tmp_path / "r.html").exists()


def test_folder_with_documents_only(tmp_path, capsys):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "README.md").write_text("# notes")
    (docs / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    code, _, err = _run(capsys, "clean", docs, "--out", tmp_path / "o")
    _assert_user_error(code, err, "no export files found")


def test_unrecognised_file(exports, tmp_path, capsys):
    folder = tmp_path / "mixed"
    shutil.copytree(exports, folder / COLL)
    bad = folder / COLL / "facebook" / "romans" / "budget.csv"
    bad.write_text("chapitre;montant\nvoirie;1200\n", encoding="utf-8")
    code, _, err = _run(capsys, "report", folder, "--collectivite", COLL, "--month", "2019-01",
                        "--out", tmp_path / "r.html")
    _assert_user_error(code, err, "budget.csv", "--skip-unreadable", "engagement catalog --layouts")
    # --skip-unreadable reads on and lists the file among the gaps of the report
    code, stdout, err = _run(capsys, "report", folder, "--collectivite", COLL, "--month",
                             "2019-01", "--out", tmp_path / "r.html", "--skip-unreadable",
                             "--n-boot", "0")
    assert code == 0, err
    assert "1 unreadable files skipped" in stdout
    assert "budget.csv" in (tmp_path / "r.html").read_text(encoding="utf-8")


def test_only_unrecognised_files(tmp_path, capsys):
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "a.csv").write_text("x,y\n1,2\n")
    code, _, err = _run(capsys, "clean", folder, "--out", tmp_path / "o", "--skip-unreadable")
    _assert_user_error(code, err, "none of the 1 files", "a.csv")


def test_month_with_no_data(exports, tmp_path, capsys):
    code, _, err = _run(capsys, "report", exports, "--collectivite", COLL, "--month", "2025-01",
                        "--out", tmp_path / "r.html")
    _assert_user_error(code, err, "2025-01", "cover 2018-", "choose a month")
    assert not (tmp_path / "r.html").exists()


def test_unknown_collectivite_needs_a_population(exports, tmp_path, capsys):
    code, _, err = _run(capsys, "report", exports, "--collectivite", "Valence", "--month",
                        "2019-01", "--out", tmp_path / "r.html")
    _assert_user_error(code, err, "no population known for 'Valence'", "--population")


def test_analyst_own_collectivite_relabels_the_rows(exports, tmp_path, capsys):
    out = tmp_path / "valence.html"
    code, _, err = _run(capsys, "report", exports, "--collectivite", "Valence", "--population",
                        "64000", "--month", "2019-01", "--out", out, "--n-boot", "0")
    assert code == 0, err
    assert "Valence" in out.read_text(encoding="utf-8")


@pytest.mark.parametrize("name,fragment", [("report.pdf", "unsupported file type"),
                                           ("folder.html", "is a folder")])
def test_bad_report_output(exports, tmp_path, capsys, name, fragment):
    (tmp_path / "folder.html").mkdir()
    code, _, err = _run(capsys, "report", exports, "--collectivite", COLL, "--month", "2019-01",
                        "--out", tmp_path / name)
    _assert_user_error(code, err, fragment)


def test_clean_output_is_a_file(exports, tmp_path, capsys):
    target = tmp_path / "taken"
    target.write_text("x")
    code, _, err = _run(capsys, "clean", exports, "--out", target)
    _assert_user_error(code, err, "is a file")


def test_debug_shows_the_traceback(tmp_path):
    from engagement_lib._cli._common import CliError

    with pytest.raises(CliError, match="does not exist"):
        main(["--debug", "clean", str(tmp_path / "nowhere"), "--out", str(tmp_path / "o")])
    with pytest.raises(CliError, match="does not exist"):  # also after the subcommand
        main(["clean", str(tmp_path / "nowhere"), "--out", str(tmp_path / "o"), "--debug"])


def test_internal_error_exit_3(exports, tmp_path, capsys, monkeypatch):
    import engagement_lib.report as report

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(report, "build_report", broken)
    code, _, err = _run(capsys, "report", exports, "--collectivite", COLL, "--month", "2019-01",
                        "--out", tmp_path / "r.html")
    assert code == 3
    assert err.startswith("engagement: internal error: RuntimeError: boom")
    assert "--debug" in err and "Traceback" not in err


# --------------------------------------------------------------------------- report window
def _raw(table, column, values, **kwargs):
    from engagement_lib.readers import RawExport

    rows = pd.DataFrame({"source_row": range(2, 2 + len(values)), column: values})
    return RawExport(path="x.csv", layout="demo", network="facebook", table=table, rows=rows,
                     **kwargs)


def test_exports_older_than_the_report_window_are_not_cleaned():
    from engagement_lib._cli._inputs import _older

    since = pd.Timestamp("2018-01-01", tz="Europe/Paris")
    old = pd.to_datetime(["2017-03-01 10:00", "2017-11-30 23:00"])
    assert _older(_raw("posts", "published_at", old), since)
    assert _older(_raw("followers", "date", old.tz_localize("UTC")), since)
    near = pd.to_datetime(["2017-03-01", "2017-12-30"])  # within the few days of margin
    assert not _older(_raw("posts", "published_at", near), since)
    assert not _older(_raw("posts", "published_at", pd.to_datetime(["2017-03-01", None])), since)
    assert not _older(_raw("posts", "text", ["a", "b"]), since)  # no date column: kept
    assert not _older(_raw("posts", "published_at", ["2017-03-01", "2017-03-02"]), since)
    issues = pd.DataFrame({"source_row": [3], "column": ["published_at"], "value": ["32/13"],
                           "reason": ["bad date"]})
    assert not _older(_raw("posts", "published_at", old, issues=issues), since)


# --------------------------------------------------------------------------- parallel reading
def test_parallel_reading_gives_what_read_exports_gives(exports, tmp_path):
    from engagement_lib._cli._parallel import MIN_FILES, read_folder
    from engagement_lib.readers import read_exports

    assert sum(1 for p in exports.rglob("*") if p.is_file()) >= MIN_FILES
    one, two = read_exports(exports), read_folder(exports, jobs=2)
    assert [(e.path, e.layout, e.table) for e in one] == [(e.path, e.layout, e.table) for e in two]
    for a, b in zip(one, two):
        pd.testing.assert_frame_equal(a.rows, b.rows)
    folder = tmp_path / "bad"
    shutil.copytree(exports, folder)
    for name in ("zz.csv", "aa.csv"):
        (folder / name).write_text("x,y\n1,2\n")
    with pytest.raises(Exception) as first:
        read_exports(folder)
    with pytest.raises(type(first.value)) as again:
        read_folder(folder, jobs=2)
    assert str(again.value) == str(first.value) and "aa.csv" in str(again.value)
    collected = read_folder(folder, jobs=2, errors="collect")
    assert [Path(f.path).name for f in collected.failures] == ["aa.csv", "zz.csv"]
    assert len(collected) == len(one)


# --------------------------------------------------------------------------- catalog
def test_catalog_lists_every_indicator(capsys, tmp_path):
    from engagement_lib.indicators import INDICATORS

    code, out, _ = _run(capsys, "catalog")
    assert code == 0
    for ind in INDICATORS:
        assert f"{ind}:" in out
    assert "Taux d'engagement (sur la couverture)" in out
    code, _, _ = _run(capsys, "catalog", "--format", "csv", "--lang", "en", "--out",
                      tmp_path / "c.csv")
    assert code == 0
    assert sorted(pd.read_csv(tmp_path / "c.csv")["id"]) == sorted(INDICATORS)
    code, out, _ = _run(capsys, "catalog", "--family", "bonson", "--format", "markdown")
    assert "bonson_e" in out and "engagement_rate_reach" not in out


def test_catalog_layouts(capsys):
    from engagement_lib.readers import layouts

    code, out, _ = _run(capsys, "catalog", "--layouts")
    assert code == 0
    for lay in layouts():
        assert lay.name in out


def test_catalog_unknown_family(capsys):
    code, _, err = _run(capsys, "catalog", "--family", "vanity")
    _assert_user_error(code, err, "vanity", "engagement catalog")


# --------------------------------------------------------------------------- console script
@pytest.mark.slow
def test_console_script(tmp_path):
    script = Path(sys.executable).with_name("engagement")
    if not script.is_file():
        pytest.skip("console script not installed (pip install -e .)")
    done = subprocess.run([str(script), "report", str(tmp_path / "nowhere"), "--collectivite",
                           COLL, "--month", "2019-01", "--out", str(tmp_path / "r.html")],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert lines[0].startswith("engagement: error: exports folder") and lines[1].startswith("hint:")
    done = subprocess.run([str(script), "report", "--month", "2019-13"], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 2
