"""The monitoring page in a real browser: the charts load under the page's policy, hostile
production text shows as text, and the stored report opens sandboxed."""

from __future__ import annotations

import pytest

pytest.importorskip("playwright.sync_api", reason="pip install -e '.[dev]' (playwright)")

from playwright.sync_api import expect

from tests.unit.web.browser.conftest import Live
from tests.unit.web.monitoring_fixtures import log_predictions, store_runs
from tests.unit.web.webapp import XSS

pytestmark = pytest.mark.browser

# the report's own script says whether it could read this site's cookies
REPORT = ("<!DOCTYPE html><html><head><style>p { color: rgb(185, 28, 28); }</style></head>"
          "<body><p id='said'>report</p><script>var said = document.getElementById('said');"
          "try { document.cookie; said.textContent = 'cookies readable'; }"
          "catch (e) { said.textContent = 'cookies hidden'; }</script></body></html>")
CHARTS_LOADED = ("() => { const images = [...document.querySelectorAll('figure.chart img')];"
                 " return images.length === 3 && images.every(i => i.complete &&"
                 " i.naturalWidth > 0); }")


def test_charts_load_and_hostile_text_stays_text(live: Live) -> None:
    log_predictions(live.web)
    store_runs(live.web, report_html=REPORT)
    page = live.sign_in("anna")
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("dialog", lambda dialog: (problems.append(dialog.message), dialog.dismiss()))
    page.click("nav a[href='/monitoring']")
    expect(page.locator("h1")).to_have_text("Monitoring")
    page.wait_for_function(CHARTS_LOADED)
    expect(page.locator("figure.chart img")).to_have_count(3)
    expect(page.locator("figure.chart img").first).to_have_attribute(
        "alt", "Drift checks over time")
    expect(page.locator("td.production-text").first).to_have_text(XSS)
    assert page.locator("table.driving img").count() == 0  # the <img onerror> is not an image
    assert problems == []  # no script ran, no policy violation (charts are images)

    with page.context.expect_page() as opened:
        page.click("a[href^='/monitoring/reports/']")
    report = opened.value
    expect(report.locator("#said")).to_have_text("cookies hidden")  # its script ran, sandboxed
    expect(report.locator("#said")).to_have_css("color", "rgb(185, 28, 28)")


def test_the_empty_state_says_what_to_run(live: Live) -> None:
    page = live.sign_in("anna")
    page.click("nav a[href='/monitoring']")
    expect(page.locator("#no-runs")).to_contain_text(
        "No monitor runs yet: run textloop monitor")
    expect(page.locator("figure.chart")).to_have_count(0)
