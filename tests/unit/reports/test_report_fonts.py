"""The HTML reports' own CSS draws Korean (labels, example texts) with a Hangul font it names,
checked in a real headless Chromium (see ``tests/unit/web/browser/hangul.py``)."""

from __future__ import annotations

import pytest

pytest.importorskip("playwright.sync_api", reason="pip install -e '.[dev]' (playwright)")

from tests.unit.web.browser.conftest import browser  # noqa: F401  (the fixture)
from tests.unit.web.browser.hangul import assert_hangul_drawn
from textloop.reports.templating import environment

pytestmark = pytest.mark.browser

PAGE = """{% extends "base.html" %}{% block body %}<main><h1>평가 보고서</h1>
<p id="example">학교에 가기 싫다 진짜</p><span class="label" id="label">혐오</span></main>
{% endblock %}"""


def test_report_text_and_labels_are_drawn_with_a_hangul_font_the_report_names(
        browser) -> None:  # noqa: F811
    html = environment().from_string(PAGE).render(title="보고서")
    page = browser.new_page()
    try:
        page.set_content(html)
        assert_hangul_drawn(page, "#example", "학교가싫다")
        assert_hangul_drawn(page, "#label", "혐오")  # the monospace stack
    finally:
        page.close()
