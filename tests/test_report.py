"""The monthly HTML report: sections, numbers, escaping of untrusted text, self-containment."""

from __future__ import annotations

import base64
import re
from html.parser import HTMLParser

import numpy as np
import pandas as pd
import pytest

from engagement_lib.report import ReportError, build_report, select, write_report
from engagement_lib.schema import empty, validate

XSS_SCRIPT = "<script>alert(1)</script>"
XSS_ATTR = '"><img src=x onerror=alert(1)>'
EVIL_ACCOUNT = 'musée"><b>bold</b>'
SECTIONS = ("headline", "indicators", "followers", "posts", "timing", "responsiveness",
            "methods", "glossary")
COLL = "test_ville"


def _paris(text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz="Europe/Paris").tz_convert("UTC")


def _posts() -> pd.DataFrame:
    """10 Facebook posts in December 2018, 12 in January 2019; 6 Instagram posts in January.

    In January the post with the XSS text has the most interactions (500 + 30 + 20)
    and one post has none, so they are the best and the worst of the account.
    """
    rows = []
    for k in range(10):
        rows.append(dict(account="ville", network="facebook", post_id=f"d{k}",
                         published_at=_paris(f"2018-12-{3 + k:02d} {8 + k % 10}:15"),
                         text=f"Décembre {k}", likes=20 + k, comments=2, shares=1))
    for k in range(12):
        rows.append(dict(account="ville", network="facebook", post_id=f"j{k}",
                         published_at=_paris(f"2019-01-{2 + k:02d} {9 + k % 9}:30"),
                         text=f"Janvier {k}", likes=30 + k, comments=3, shares=2))
    rows[10].update(text=f"Best {XSS_SCRIPT} and {XSS_ATTR}", likes=500, comments=30, shares=20,
                    permalink="javascript:alert(1)")
    rows[11].update(text="Worst post", likes=0, comments=0, shares=0)
    for k in range(6):
        rows.append(dict(account=EVIL_ACCOUNT, network="instagram", post_id=f"ig{k}",
                         published_at=_paris(f"2019-01-{5 + 3 * k:02d} 18:00"),
                         text=f"Photo {k} {XSS_ATTR}", likes=40 + k, comments=1))
    frame = pd.DataFrame(rows)
    n = len(frame)
    frame["collectivite"] = COLL
    frame["media_type"] = "photo"
    frame["reach"] = 1000
    frame["impressions"] = 1500
    frame["clicks"] = np.where(frame["network"] == "facebook", 10, np.nan)
    frame["shares"] = frame["shares"].where(frame["network"] == "facebook")
    frame["permalink"] = frame.get("permalink", pd.Series([None] * n)).fillna(
        "https://www.facebook.com/ville/posts/" + frame["post_id"])
    frame["source_row"] = np.arange(n) + 2
    frame["source_file"] = "posts.csv"
    return validate(pd.concat([empty("posts"), frame], ignore_index=True), "posts")


def _followers() -> pd.DataFrame:
    """Facebook followers: 1000 on 1 November 2018, +2 a day (1120 on 31 Dec, 1182 on 31 Jan)."""
    days = pd.date_range("2018-11-01", "2019-01-31", freq="D", tz="UTC")
    frame = pd.DataFrame({"collectivite": COLL, "account": "ville", "network": "facebook",
                          "date": days, "followers": 1000 + 2 * np.arange(len(days)),
                          "source_row": np.arange(len(days)) + 2})
    return validate(pd.concat([empty("followers"), frame], ignore_index=True), "followers")


def _conversations() -> pd.DataFrame:
    """20 comments in January (15 answered after 1 h, 5 never), 2 in late February."""
    received = [_paris(f"2019-01-{2 + k:02d} 10:00") for k in range(20)]
    received += [_paris("2019-02-20 10:00"), _paris("2019-02-21 10:00")]
    replied = [r + pd.Timedelta(hours=1) if k < 15 or k >= 20 else pd.NaT
               for k, r in enumerate(received)]
    frame = pd.DataFrame({"collectivite": COLL, "account": "ville", "network": "facebook",
                          "conversation_id": [f"c{k}" for k in range(22)], "channel": "comment",
                          "received_at": received, "replied_at": replied,
                          "author": [f"{k:016x}" for k in range(22)],
                          "source_row": np.arange(22) + 2})
    return validate(pd.concat([empty("conversations"), frame], ignore_index=True),
                    "conversations")


@pytest.fixture(scope="module")
def data():
    return {"posts": _posts(), "followers": _followers(), "conversations": _conversations()}


@pytest.fixture(scope="module")
def html_fr(data):
    return build_report(data, collectivite=COLL, population=2000, month="2019-01", n_boot=50,
                        name="Testville")


@pytest.fixture(scope="module")
def html_en(data):
    no_conv = {k: v for k, v in data.items() if k != "conversations"}
    return build_report(no_conv, collectivite=COLL, population=2000, month="2019-01",
                        lang="en", n_boot=0)


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def _tags(html):
    parser = _Collector()
    parser.feed(html)
    return parser.tags


def _section(html, name):
    match = re.search(rf'<section id="{name}".*?</section>', html, flags=re.S)
    assert match, f"section {name} missing"
    return match.group(0)


def _card(html, indicator):
    match = re.search(rf'<div class="card" data-indicator="{indicator}">.*?<span class="vs">.*?</span>',
                      html, flags=re.S)
    assert match, f"card {indicator} missing"
    return re.sub(r"<[^>]+>", " ", match.group(0))


# --------------------------------------------------------------------------- escaping
def test_untrusted_post_text_comes_out_escaped(html_fr):
    assert XSS_SCRIPT not in html_fr
    assert XSS_ATTR not in html_fr
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html_fr
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in html_fr
    tags = _tags(html_fr)
    assert not [t for t, _ in tags if t == "script"]
    assert not [a for _, a in tags if any(k.startswith("on") for k in a)]
    assert all(a["src"].startswith("data:image/png;base64,") for t, a in tags if t == "img")


def test_account_names_are_escaped_and_javascript_links_dropped(html_fr):
    assert EVIL_ACCOUNT not in html_fr
    assert "musée&#34;&gt;&lt;b&gt;bold&lt;/b&gt;" in html_fr
    assert not [t for t, _ in _tags(html_fr) if t == "b"]
    assert "javascript:" not in html_fr
    hrefs = [a["href"] for t, a in _tags(html_fr) if t == "a"]
    assert all(h.startswith(("#", "https://")) for h in hrefs)


# --------------------------------------------------------------------------- structure
def test_report_is_self_contained_with_embedded_figures(html_fr):
    tags = _tags(html_fr)
    assert not [t for t, a in tags if t in ("script", "iframe", "object", "embed")
                or (t == "link" and a.get("rel") == "stylesheet")]
    images = [a["src"] for t, a in tags if t == "img"]
    assert len(images) >= 3  # trend, followers, responsiveness
    for src in images:
        png = base64.b64decode(src.split(",", 1)[1])
        assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 2000
    csp = [a for t, a in tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
    assert csp and "default-src 'none'" in csp[0]["content"]
    external = re.findall(r'(?:src|href)="(https?:[^"]+)"', html_fr)
    assert all(u.startswith("https://www.facebook.com/ville/posts/") for u in external)


def test_sections_in_french_by_default(html_fr):
    for name in SECTIONS:
        _section(html_fr, name)
    assert '<html lang="fr">' in html_fr
    assert "Le mois en bref" in html_fr and "janvier 2019" in html_fr
    assert "Testville" in html_fr


def test_sections_in_english(html_en):
    for name in SECTIONS:
        _section(html_en, name)
    assert '<html lang="en">' in html_en
    assert "The month at a glance" in html_en and "January 2019" in html_en
    assert "Le mois en bref" not in html_en


# --------------------------------------------------------------------------- numbers
def test_headline_figures_with_month_over_month_change(html_fr):
    posts = _card(html_fr, "posts")  # 12 + 6 in January, 10 in December
    assert re.search(r"\b18\b", posts) and "+8" in posts and "+80,0" in posts
    followers = _card(html_fr, "followers")  # 1182 on 31 Jan, 1120 on 31 Dec
    assert "1\u202f182" in followers and "+62" in followers and "1\u202f120" in followers
    growth = _card(html_fr, "net_follower_growth")  # +62 in January, +62 in December (31 days)
    assert re.search(r"\b62\b", growth) and "en décembre 2018 : 62" in growth
    assert 'class="chg flat"' in re.search(
        r'data-indicator="net_follower_growth">.*?</div>\s*<div class="chg [a-z]+"', html_fr,
        flags=re.S).group(0)


def test_indicator_table_per_network_with_definitions(html_fr):
    section = _section(html_fr, "indicators")
    facebook = re.search(r'<table class="indicators" data-network="facebook">.*?</table>',
                         section, flags=re.S).group(0)
    row = re.search(r'<tr data-indicator="followers_per_1000_inhabitants">.*?</tr>', facebook,
                    flags=re.S).group(0)
    assert "591" in row  # 1182 / 2000 × 1000
    assert 'title="Abonnés pour 1000 habitants = F_end / population × 1000' in row
    assert 'href="#def-followers_per_1000_inhabitants"' in row
    assert 'id="def-followers_per_1000_inhabitants"' in _section(html_fr, "glossary")
    instagram = re.search(r'<table class="indicators" data-network="instagram">.*?</table>',
                          section, flags=re.S).group(0)
    assert "pas de données d&#39;abonnés" in instagram  # no follower data: a status, not 0


def test_best_and_worst_posts_per_account(html_fr):
    section = _section(html_fr, "posts")
    block = re.search(r'<div class="account" data-account="ville">.*?</div>', section,
                      flags=re.S).group(0)
    best, worst = re.findall(r"<table class=\"posts\">.*?</table>", block, flags=re.S)
    assert best.index("Best &lt;script&gt;") < best.index("Janvier 11")  # 550 interactions first
    assert "550" in best and "Worst post" not in best
    assert worst.index("Worst post") < worst.index("Janvier")  # worst listed first
    assert "Décembre" not in block  # only the month's posts


def test_posting_times_raw_and_adjusted(html_fr):
    section = _section(html_fr, "timing")
    heat = re.search(r'<table class="heat" data-network="facebook">.*?</table>', section,
                     flags=re.S).group(0)
    assert sum(int(n) for n in re.findall(r"n=(\d+)", heat)) == 22  # the 22 Facebook posts
    adjusted = re.search(r'<ul class="timing-adjusted">.*?</ul>', section, flags=re.S).group(0)
    assert "Facebook" in adjusted and "Instagram" in adjusted


def test_responsiveness_from_the_conversations(html_fr, html_en):
    section = _section(html_fr, "responsiveness")
    assert "75,0" in section  # 15 of the 20 January comments answered
    assert "<img" in section
    assert "responsiveness cannot be measured" in _section(html_en, "responsiveness")


def test_methods_state_formulas_and_gaps(html_fr, html_en):
    methods = _section(html_fr, "methods")
    assert "bootstrap" in methods and "50 tirages" in methods
    assert "Instagram" in methods and "Partages" in methods  # instagram shares not reported
    gaps_en = _section(html_en, "methods")
    assert "No conversations in the exports" in gaps_en
    assert "No cleaning report available" in gaps_en


# --------------------------------------------------------------------------- errors and API
def test_month_without_data_says_what_the_data_cover(data):
    with pytest.raises(ReportError, match=r"no posts.*2019-06.*cover 2018-11 to 2019-02"):
        build_report(data, collectivite=COLL, population=2000, month="2019-06")


def test_unknown_collectivite_lists_those_found(data):
    with pytest.raises(ReportError, match="'toulouse' is not in the data; found: test_ville"):
        build_report(data, collectivite="toulouse", population=2000, month="2019-01")


@pytest.mark.parametrize("population", [0, -5, 2.5])
def test_bad_population_is_refused(data, population):
    with pytest.raises(ReportError, match="population"):
        build_report(data, collectivite=COLL, population=population, month="2019-01")


def test_collectivite_matched_by_name_and_month_by_period(data):
    sel = select(data, "Test-Ville", pd.Period("2019-01", freq="M"))
    assert sel.collectivite == COLL
    assert str(sel.month) == "2019-01-01 00:00:00+01:00"
    assert len(sel.in_month("posts")) == 18


def test_write_report_creates_the_folder(data, tmp_path):
    path = write_report(data, tmp_path / "sub" / "r.html", collectivite=COLL, population=None,
                        month="2019-01", n_boot=0)
    html = path.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert "population inconnue" in html  # no population: a status, not a made-up value
