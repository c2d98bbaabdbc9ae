"""Round trips and failure modes of the Snapchat manual template (engagement_lib.readers.snapchat).

The template is this project's own (Snapchat has no analytics export): these tests
pin its documented behaviour — English and French variants, follower-count lines,
every line accounted for.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from engagement_lib.errors import ExportFormatError
from engagement_lib.readers import read_export
from engagement_lib.readers.snapchat import TEMPLATE_HEADER_EN, TEMPLATE_HEADER_FR
from engagement_lib.simulate.exports import WRITERS, write_export

PARIS = "Europe/Paris"


def _truth(seed: int, n: int = 8):
    rng = np.random.default_rng(seed)
    t0 = pd.Timestamp("2026-03-20", tz="UTC")
    offsets = np.sort(rng.integers(0, 20 * 1440, size=n))  # whole minutes
    times = pd.DatetimeIndex([t0 + pd.Timedelta(minutes=int(o)) for o in offsets]).as_unit("us")
    views = rng.integers(100, 20_000, size=n)
    posts = pd.DataFrame({
        "collectivite": "saint_dizier",
        "account": "saintdizier",
        "network": "snapchat",
        "post_id": [f"{rng.integers(0, 16**8):08x}-{i:04d}" for i in range(n)],
        "published_at": times,
        "media_type": np.array(["story", "reel"])[rng.integers(0, 2, size=n)],
        "text": [f"Fête de la ville, jour {i}" for i in range(n)],
        "views": pd.array(views, dtype="Int64"),
        "reach": pd.array((views * 0.7).astype(int), dtype="Int64"),
        "comments": pd.array(rng.integers(0, 30, size=n), dtype="Int64"),
        "shares": pd.array(rng.integers(0, 50, size=n), dtype="Int64"),
        "saves": pd.array(rng.integers(0, 40, size=n), dtype="Int64"),
        "clicks": pd.array(rng.integers(0, 90, size=n), dtype="Int64"),
        "follows": pd.array(rng.integers(0, 6, size=n), dtype="Int64"),
    })
    days = pd.date_range("2026-03-20", periods=20, freq="D", tz="UTC")
    followers = pd.DataFrame({"date": days,
                              "followers": pd.array(1_000 + np.cumsum(rng.integers(0, 9, 20)),
                                                    dtype="Int64")})
    return posts, followers


def test_writer_is_registered_under_the_reader_layout_name():
    assert "snapchat_manual_csv" in WRITERS


@pytest.mark.parametrize(("language", "resave"), [("en", None), ("fr", None), ("en", "fr_excel"),
                                                  ("fr", "fr_excel")])
def test_template_round_trip(tmp_path, language, resave):
    posts, followers = _truth(1)
    path = write_export("snapchat_manual_csv", posts, tmp_path, language=language, resave=resave,
                        exported_at=pd.Timestamp("2026-04-10"), followers=followers)
    header = path.read_bytes().decode("cp1252" if resave else "utf-8-sig").splitlines()[0]
    assert header.split(";" if (resave or language == "fr") else ",") == (
        TEMPLATE_HEADER_FR if language == "fr" else TEMPLATE_HEADER_EN)
    exports = read_export(path)
    assert [e.table for e in exports] == ["posts", "followers"]
    p, f = exports
    assert all(e.layout == "snapchat_manual_csv" and e.network == "snapchat" for e in exports)
    assert p.language == language and p.timezone == PARIS and f.timezone == "UTC"
    assert p.exported_at == pd.Timestamp("2026-04-10", tz="UTC")
    assert p.issues.empty and f.issues.empty
    rows = p.rows.set_index("post_id").loc[posts["post_id"]]
    local = posts["published_at"].dt.tz_convert(PARIS).dt.tz_localize(None)
    assert rows["published_at"].tolist() == local.tolist()
    for col in ("views", "reach", "comments", "shares", "saves", "clicks", "follows"):
        assert rows[col].astype("Int64").tolist() == posts[col].tolist(), col
    assert rows["media_type"].tolist() == ["spotlight" if m == "reel" else "story"
                                           for m in posts["media_type"]]
    assert f.rows["date"].tolist() == followers["date"].tolist()
    assert f.rows["followers"].tolist() == followers["followers"].tolist()
    assert f.rows["new_followers"].isna().all()
    # every line is accounted for: stories in posts, counts skipped there with a reason
    n_lines = len(path.read_bytes().splitlines()) - 1
    assert len(p.rows) + len(p.skipped_rows) == n_lines
    assert set(p.skipped_rows["source_row"]) == set(f.rows["source_row"])


def test_hand_filled_file_with_blanks_conflicts_and_bad_cells(tmp_path):
    p = tmp_path / "snapchat_saintdizier.csv"
    p.write_text(
        "Date;Heure;ID story;Type;Titre;Vues;Spectateurs;Captures d'écran;Réponses;Abonnés\r\n"
        "01/03/2026;18h30;s1;story;Marché;1 200;900;;3;\r\n"        # line 2: story
        "02/03/2026;;;;;;;;;1 530\r\n"                             # line 3: count only
        "02/03/2026;;;;;;;;;1 540\r\n"                             # line 4: same day again
        "03/03/2026;25h00;s2;spotlight;Match;beaucoup;10;1;0;\r\n"   # line 5: two bad cells
        "04/03/2026;09:15;;story;Sans id;50;40;0;0;\r\n"           # line 6: no story id
        "05/03/2026;;;;;;;;;\r\n",                                 # line 7: nothing
        encoding="cp1252")
    posts, followers = read_export(p)
    assert posts.language == "fr"
    assert posts.rows["source_row"].tolist() == [2, 5, 6]
    first = posts.rows.iloc[0]
    assert first["published_at"] == pd.Timestamp("2026-03-01 18:30")  # day first, 18h30
    assert first["views"] == 1200 and pd.isna(first["shares"] if "shares" in first else pd.NA)
    assert "saves" not in posts.rows  # no favorites column: absent, not 0
    issues = posts.issues.set_index("source_row")
    assert set(issues.loc[5, "column"]) == {"Heure", "Vues"}
    assert issues.loc[6, "column"] == "ID story"
    assert sorted(posts.skipped_rows["source_row"]) == [3, 4, 7]
    assert followers.rows["followers"].tolist() == [1540]  # last count of the day wins
    assert any("same day" in w for w in followers.warnings + posts.warnings)


def test_not_the_template(tmp_path):
    p = tmp_path / "snap.csv"
    p.write_text("jour,nombre\n2026-03-01,3\n", encoding="utf-8")
    with pytest.raises(ExportFormatError) as err:
        read_export(p)
    assert str(p) in str(err.value)
