"""Unit tests of engagement_lib.readers._sniff on the tricky inputs real exports contain."""

from __future__ import annotations

import codecs

import pandas as pd
import pytest

from engagement_lib.errors import ExportFormatError
from engagement_lib.readers import _sniff

# ---------------------------------------------------------------------------
# encoding
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (codecs.BOM_UTF8 + "Durée,Vues\n".encode(), "utf-8-sig"),
        (codecs.BOM_UTF16_LE + "sep=,\n\"Date\"".encode("utf-16-le"), "utf-16-le"),
        (codecs.BOM_UTF16_BE + "Date,Primary".encode("utf-16-be"), "utf-16-be"),
        ("Date,Primary\n2025".encode("utf-16-le"), "utf-16-le"),  # no BOM: NUL pattern
        ("Durée;Vues\n".encode(), "utf-8"),
        ("Durée;Vues;Mentions J’aime\n".encode("cp1252"), "cp1252"),
    ],
)
def test_decode_detects_encoding(data, encoding):
    text, found = _sniff.decode(data)
    assert found == encoding
    assert "\ufeff" not in text
    assert text.startswith(("Dur", "sep", "Date"))


def test_decode_cp1252_keeps_curly_apostrophe():
    text, _ = _sniff.decode("Mentions J’aime".encode("cp1252"))
    assert text == "Mentions J’aime"


def test_decode_binary_names_line():
    data = b"Post ID,Reach\n1,2\n\x00\x01\x02\x03binary"
    with pytest.raises(ExportFormatError) as err:
        _sniff.decode(data, path="x.csv")
    assert err.value.line == 3
    assert "binary" in str(err.value) and "x.csv" in str(err.value)


# ---------------------------------------------------------------------------
# lines, delimiter, records
# ---------------------------------------------------------------------------


def test_strip_sep_line():
    text, delim, removed = _sniff.strip_sep_line('sep=,\n"Facebook follows"\n')
    assert (delim, removed) == (",", 1)
    assert text.startswith('"Facebook follows"')
    assert _sniff.strip_sep_line("Post ID,Reach\n") == ("Post ID,Reach\n", None, 0)
    assert _sniff.strip_sep_line('"sep=;"\r\na;b')[1:] == (";", 1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('Post ID,"Reactions, comments and shares",Reach\n1,"2",3\n', ","),
        ("Identifiant;Couverture;Mentions J'aime\n1;1 234,5;3\n2;4;5\n", ";"),
        ("a\tb\tc\n1\t2,5\t3\n", "\t"),
        ('Title;Description\n"Hello, world, again";x\n"a, b";y\n', ";"),
        ("single\nvalue\n", ","),
    ],
)
def test_sniff_delimiter(text, expected):
    assert _sniff.sniff_delimiter(text) == expected


def test_split_records_physical_lines_with_embedded_newlines():
    text = 'a,b\r\n1,"x\r\ny\r\nz"\r\n\r\n2,3'  # CRLF, multi-line field, blank line, no final newline
    recs = _sniff.split_records(text, ",", first_line=2)
    assert recs.lines == [2, 3, 7]
    assert recs.rows[1] == ["1", "x\r\ny\r\nz"]
    assert recs.rows[2] == ["2", "3"]


def test_split_records_unterminated_quote_is_truncation():
    with pytest.raises(ExportFormatError) as err:
        _sniff.split_records('a,b\n1,2\n3,"never closed\n4,5\n', ",", path="t.csv")
    assert err.value.line == 3
    assert "truncated" in str(err.value)


# ---------------------------------------------------------------------------
# headers
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Mentions J\u2019aime", "mentions j'aime"),
        ("Spectateurs de 3\u00a0secondes", "spectateurs de 3 secondes"),
        ("Vues de vidéo d\u2019une\u202fminute", "vues de video d'une minute"),
        ("  Heure   de\tpublication ", "heure de publication"),
        ("CommentÃ©s", "commentes"),
        ("RÃ©actions, commentaires et partages", "reactions, commentaires et partages"),
        ("\ufeffPost ID", "post id"),
        ("DURÉE (S)", "duree (s)"),
    ],
)
def test_normalize_header(raw, expected):
    assert _sniff.normalize_header(raw) == expected


def test_fix_mojibake_leaves_clean_text_alone():
    assert _sniff.fix_mojibake("RÃ©ponses Ã\xa0 faire") == "Réponses à faire"
    # partly clean text cannot be a pure mis-decoding: returned unchanged
    assert _sniff.fix_mojibake("Réponses Ã©") == "Réponses Ã©"
    assert _sniff.fix_mojibake("Âge") == "Âge"  # a real capital Â, not mojibake
    assert _sniff.fix_mojibake("plain") == "plain"


def test_match_header_tolerates_corrupted_characters():
    aliases = {_sniff.normalize_header(a): c for a, c in [
        ("Réponses", "replies"), ("Durée (s)", "duration"),
        ("Commentaire des données", "data_comment"), ("Commentaires", "comments"),
        ("Partages", "shares")]}
    assert _sniff.match_header("RＱonses", aliases) == ("replies", True)
    assert _sniff.match_header("DurＦ (s)", aliases) == ("duration", True)
    assert _sniff.match_header("Commentaire des donnＦs", aliases) == ("data_comment", True)
    assert _sniff.match_header("Commentaires", aliases) == ("comments", False)
    # no corruption marker: no fuzzy guess (never match "Partage" to "Partages")
    assert _sniff.match_header("Partage", aliases) == (None, False)
    # ambiguous corruption: no match rather than a guess
    assert _sniff.match_header("Comment?ires", {"commentaires": "a", "commentxires": "b"}) == (
        None, False)


# ---------------------------------------------------------------------------
# numbers
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1 234", 1234.0), ("1\u202f234", 1234.0), ("1\u00a0234\u00a0567", 1234567.0),
        ("1,234", 1234.0), ("1,234,567", 1234567.0), ("1.234,5", 1234.5),
        ("1,234.5", 1234.5), ("12,5", 12.5), ("0,007", 0.007), ("424.0", 424.0),
        ("-", None), ("", None), ("  ", None), ("1.2K", 1200.0), ("63,3 k", 63300.0),
        ("2M", 2e6), ("5.4%", 5.4), ("-3", -3.0), (7, 7.0), (2.5, 2.5),
    ],
)
def test_parse_number(raw, expected):
    assert _sniff.parse_number(raw) == expected


def test_parse_number_decimal_comma_file():
    assert _sniff.parse_number("1,234", decimal=",") == pytest.approx(1.234)
    assert _sniff.parse_number("1.234", decimal=",") == 1234.0
    assert _sniff.parse_number("1,234", decimal=".") == 1234.0


@pytest.mark.parametrize("raw", ["abc", "1,2,3", "12ab", "1.2.3,4,5", "--5"])
def test_parse_number_rejects_garbage(raw):
    with pytest.raises(ValueError):
        _sniff.parse_number(raw)


def test_to_integers_flags_bad_and_fractional_cells():
    vals, bad = _sniff.to_integers(["12", "424.0", "1 234", "12.7", "n/a", "-", "x", "1.2K"])
    assert vals.dtype == "Int64"
    assert vals.tolist()[:3] == [12, 424, 1234]
    assert vals.isna().tolist() == [False, False, False, True, True, True, True, False]
    assert bad.tolist() == [False, False, False, True, False, False, True, False]
    assert vals.iloc[7] == 1200


# ---------------------------------------------------------------------------
# dates
# ---------------------------------------------------------------------------


def test_parse_datetimes_month_first_mixed_years():
    res = _sniff.parse_datetimes(["4/11/18 04:53", "4/17/2018 3:33", "12/31/2019 23:59", ""])
    assert not res.dayfirst and not res.tz_aware and res.warning is None
    assert res.values.tolist()[:3] == [pd.Timestamp("2018-04-11 04:53"),
                                       pd.Timestamp("2018-04-17 03:33"),
                                       pd.Timestamp("2019-12-31 23:59")]
    assert pd.isna(res.values.iloc[3]) and not res.bad.iloc[3]


def test_parse_datetimes_month_first_even_for_ambiguous_french_files():
    res = _sniff.parse_datetimes(["05/06/2026 05:06", "11/10/2025 21:00"])
    assert res.values.tolist() == [pd.Timestamp("2026-05-06 05:06"),
                                   pd.Timestamp("2025-11-10 21:00")]


def test_parse_datetimes_switches_to_day_first_with_warning():
    res = _sniff.parse_datetimes(["05/06/2026 05:06", "28/05/2026 10:00"], name="Publish time")
    assert res.dayfirst
    assert "day-first" in res.warning and "Publish time" in res.warning
    assert res.values.tolist() == [pd.Timestamp("2026-06-05 05:06"),
                                   pd.Timestamp("2026-05-28 10:00")]


def test_parse_datetimes_offsets_give_utc():
    res = _sniff.parse_datetimes(["2019-04-05T07:56:32+0000", "2015-09-30 18:42 +0000",
                                  "2020-01-01T10:00:00+02:00"])
    assert res.tz_aware
    assert res.values.tolist() == [pd.Timestamp("2019-04-05 07:56:32", tz="UTC"),
                                   pd.Timestamp("2015-09-30 18:42", tz="UTC"),
                                   pd.Timestamp("2020-01-01 08:00", tz="UTC")]


def test_parse_datetimes_month_names_and_bad_values():
    res = _sniff.parse_datetimes(["Sep 20, 2026", "Tue, Jul 14, 2026", "20 sept. 2026",
                                  "2025-08-01T00:00:00", "4/31/2020 10:00", "soon"])
    assert res.values.tolist()[:4] == [pd.Timestamp("2026-09-20"), pd.Timestamp("2026-07-14"),
                                       pd.Timestamp("2026-09-20"), pd.Timestamp("2025-08-01")]
    assert res.bad.tolist() == [False, False, False, False, True, True]


def test_parse_datetimes_am_pm_and_explicit_format():
    res = _sniff.parse_datetimes(["3/1/2020 12:05 AM", "3/1/2020 1:05 PM"])
    assert res.values.tolist() == [pd.Timestamp("2020-03-01 00:05"),
                                   pd.Timestamp("2020-03-01 13:05")]
    res = _sniff.parse_datetimes(["01.03.2020", "oops"], date_format="%d.%m.%Y")
    assert res.values.iloc[0] == pd.Timestamp("2020-03-01")
    assert res.bad.tolist() == [False, True]


# ---------------------------------------------------------------------------
# identifiers
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "mangled"),
    [("1.22158E+17", True), ("6.1571E+13", True), ("1,22158E+17", True), ("1E+15", True),
     ("1.22158e17", True), ("122158123456789012", False), ("951745098223517_980422845355742",
                                                           False), ("abc", False)],
)
def test_is_mangled_id(raw, mangled):
    assert _sniff.is_mangled_id(raw) is mangled


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(" 123 ", "123"), ("'0012", "0012"), ('="0012"', "0012"), ("123.0", "123"),
     (123.0, "123"), (1.22158e17, "1.22158E+17"), ("", None), (None, None), (42, "42")],
)
def test_clean_id(raw, expected):
    assert _sniff.clean_id(raw) == expected


def test_month_name_date_without_a_year_is_bad_not_year_one():
    """TikTok prints 'August 19' (no year): not a date of year 1."""
    res = _sniff.parse_datetimes(pd.Series(["August 19", "Sep 20, 2026"]), name="Date")
    assert res.bad.tolist() == [True, False]
    assert pd.isna(res.values.iat[0])
    assert res.values.iat[1] == pd.Timestamp("2026-09-20")
