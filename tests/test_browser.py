"""The report and the notebook site in a real browser (headless Chromium through Playwright).

Opens the monthly report and the site index (and a notebook page), checks that
there are no console errors, no script dialog (the report holds XSS payloads in
its post texts), no network request outside the page itself, that the figures
are loaded and that the expected sections are there; saves a screenshot of each
page in the test's temporary folder.

Skips cleanly when Playwright or a Chromium binary is missing (install Debian's
``chromium``; Playwright's own browser download is not needed). Chromium is
started with the flags that keep it off the network (this machine's network is
closed; a browser phoning home would log refused connections).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
REPORT_SECTIONS = ("headline", "indicators", "followers", "posts", "timing", "responsiveness",
                   "methods", "glossary")

pytestmark = pytest.mark.slow


def _chromium() -> str | None:
    candidates = [os.environ.get("ENGAGEMENT_CHROMIUM"), shutil.which("chromium"),
                  shutil.which("chromium-browser"), "/usr/bin/chromium"]
    for path in candidates:
        if path and Path(path).is_file() and os.access(path, os.X_OK):
            return path
    return None


@pytest.fixture(scope="module")
def browser():
    path = _chromium()
    if path is None:
        pytest.skip("no chromium binary found (apt-get install chromium, or set "
                    "ENGAGEMENT_CHROMIUM)")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class _Page:
    """A page with its console errors, dialogs and outside requests recorded."""

    def __init__(self, browser, url: str):
        self.errors, self.dialogs, self.outside = [], [], []
        self.page = browser.new_page(viewport={"width": 1200, "height": 900})
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", self._dialog)
        self.page.on("request", self._request)
        self.page.goto(url, wait_until="load")

    def _dialog(self, dialog):
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def _request(self, request):
        if not request.url.startswith(("file://", "data:", "about:")):
            self.outside.append(request.url)

    def images(self) -> list[dict]:
        return self.page.eval_on_selector_all(
            "img", "els => els.map(e => ({src: e.src.slice(0, 30), complete: e.complete, "
                   "width: e.naturalWidth}))")

    def check_clean(self):
        assert not self.errors, f"console errors: {self.errors}"
        assert not self.dialogs, f"script dialogs: {self.dialogs}"
        assert not self.outside, f"requests outside the page: {self.outside}"


@pytest.fixture(scope="module")
def report_file(tmp_path_factory):
    from test_report import COLL, _conversations, _followers, _posts

    from engagement_lib.report import write_report

    data = {"posts": _posts(), "followers": _followers(), "conversations": _conversations()}
    return write_report(data, tmp_path_factory.mktemp("report") / "report.html",
                        collectivite=COLL, population=2000, month="2019-01", n_boot=0)


def test_report_in_browser(browser, report_file, tmp_path):
    view = _Page(browser, report_file.as_uri())
    page = view.page
    assert "Rapport mensuel" in page.title()
    for name in REPORT_SECTIONS:
        section = page.locator(f"section#{name}")
        assert section.count() == 1 and section.is_visible(), name
        assert section.locator("h2").inner_text().strip()
    images = view.images()
    assert len(images) >= 3
    assert all(i["src"].startswith("data:image/png") and i["complete"] and i["width"] > 100
               for i in images), images
    # the XSS payloads of the post texts are shown as text, not run
    assert "<script>alert(1)</script>" in page.locator("section#posts").inner_text()
    tooltip = page.locator('tr[data-indicator="engagement_rate_reach"] abbr').first
    assert "ΣA / ΣR" in tooltip.get_attribute("title")
    page.click('a[href="#glossary"]')
    assert page.locator("#def-engagement_rate_reach").is_visible()
    shot = tmp_path / "report.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    view.check_clean()


def test_site_index_in_browser(browser, tmp_path):
    from engagement_lib.site import build_site, collect_notebooks

    notebooks = collect_notebooks()
    if not notebooks:
        pytest.skip("no notebook in notebooks/")
    index = build_site(tmp_path / "site", execute=False)
    view = _Page(browser, index.as_uri())
    items = view.page.locator("ol > li")
    assert items.count() == len(notebooks)
    for nb, k in zip(notebooks, range(items.count())):
        text = items.nth(k).inner_text()
        assert nb.title in text and nb.question[:40] in text
    view.page.screenshot(path=str(tmp_path / "index.png"), full_page=True)
    view.check_clean()
    # the first notebook page: rendered, figures loaded, nothing fetched from a CDN
    view.page.click("ol > li a >> nth=0")
    view.page.wait_for_load_state("load")
    assert view.page.url.endswith(notebooks[0].html_name)
    assert view.page.locator("h1").count() >= 1
    images = view.images()
    assert images and all(i["complete"] and i["width"] > 0 for i in images), images
    view.page.screenshot(path=str(tmp_path / "notebook.png"), full_page=True)
    assert (tmp_path / "index.png").stat().st_size > 5_000
    view.check_clean()
