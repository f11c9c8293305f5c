"""Two annotators disagree in their browsers; an adjudicator decides in theirs."""

from __future__ import annotations

import pytest

pytest.importorskip("playwright.sync_api", reason="pip install -e '.[dev]' (playwright)")

from playwright.sync_api import expect

from tests.unit.web.browser.conftest import Live
from tests.unit.web.webapp import queue_texts
from textloop.stages.label.resolution import current_labels

pytestmark = pytest.mark.browser


def test_a_disagreement_is_adjudicated_in_the_browser(live_overlap: Live) -> None:
    live = live_overlap
    ids = queue_texts(live.web.store, live.web.project, live.web.project.root / "data",
                      ["Cheap watches, only today", "See you at lunch"], overlap=2)
    for name, key in (("anna", "1"), ("ben", "2")):
        page = live.sign_in(name)
        expect(page.locator("#record-text")).to_have_text("Cheap watches, only today")
        expect(page.locator("nav a[href='/adjudicate']")).to_have_count(0)
        page.keyboard.press(key)
        expect(page.locator("#record-text")).to_have_text("See you at lunch")
        page.context.close()
    judge = live.sign_in("judge", role="adjudicator")
    judge.click("nav a[href='/adjudicate']")
    dispute = judge.locator("article.dispute").first
    expect(dispute).to_contain_text("Cheap watches, only today")
    expect(dispute.locator("table.votes")).to_contain_text("anna")
    expect(dispute.locator("table.votes")).to_contain_text("ben")
    dispute.locator("input[name=reason]").fill("a sales pitch")
    dispute.locator("button.choice", has_text="spam").click()
    decided = judge.locator("article.decided")
    expect(decided).to_contain_text("Final label spam")
    expect(decided).to_contain_text("a sales pitch")
    with live.web.store.read() as conn:
        final = current_labels(conn, live.web.project.spec.labeling.policy)[ids[0]]
    assert (final.label, final.kind) == ("spam", "adjudicated")
    judge.reload()
    expect(judge.locator("table.decided")).to_contain_text(ids[0])
    expect(judge.locator("article.dispute")).to_have_count(0)
