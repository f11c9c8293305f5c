"""An adjudicator browses a synthetic batch by class and decides with the keyboard; the store
is read back after each key, and generated markup stays text."""

from __future__ import annotations

import pytest

pytest.importorskip("playwright.sync_api", reason="pip install -e '.[dev]' (playwright)")

from playwright.sync_api import Page, expect

from tests.unit.web.browser.conftest import Live
from tests.unit.web.synth_fixtures import HOSTILE, SEEDS, SynthBatch, synth_batch
from textloop.storage import synth

pytestmark = pytest.mark.browser


def reviewer(live: Live) -> tuple[Page, SynthBatch, list[str]]:
    """The synthetic page opened from the nav; dialogs (an alert run by generated text)
    are recorded, so a test can assert none opened."""
    batch = synth_batch(live.web)
    page = live.sign_in("judge", role="adjudicator")
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.click("nav a[href='/synth']")
    expect(item(page)).to_have_attribute("data-item", "1")
    return page, batch, dialogs


def item(page: Page):
    return page.locator("article.synth-item")


def decisions(live: Live, batch: SynthBatch) -> dict[int, tuple[str | None, str | None]]:
    with live.web.store.read() as conn:
        return {i["n"]: (i["decision"], i["decided_by"]) for i in synth.items(conn, batch.id)}


def test_keys_move_accept_and_reject(live: Live) -> None:
    page, batch, dialogs = reviewer(live)
    expect(page.locator("table.seeds")).to_contain_text(SEEDS[0][0])
    page.keyboard.press("j")
    expect(item(page)).to_have_attribute("data-item", "2")
    expect(page.locator("#gate")).to_contain_text("near-duplicate-of-real")
    assert page.url.endswith("item=2")
    page.keyboard.press("k")
    expect(item(page)).to_have_attribute("data-item", "1")
    page.keyboard.press("a")
    expect(page.locator(".notice")).to_contain_text("Accepted item 1 of s1 (spam)")
    expect(item(page)).to_have_attribute("data-item", "2")
    assert decisions(live, batch)[1] == ("accepted", "judge")
    page.keyboard.press("r")
    expect(page.locator(".notice")).to_contain_text("Rejected item 2 of s1 (spam)")
    expect(item(page)).to_have_attribute("data-item", "3")
    assert decisions(live, batch) == {1: ("accepted", "judge"), 2: ("rejected", "judge"),
                                      3: (None, None), 4: (None, None), 5: (None, None)}
    page.reload()  # the address followed the panel
    expect(item(page)).to_have_attribute("data-item", "3")
    expect(page.locator("#classes")).to_contain_text("2 decided")
    assert dialogs == []


def test_generated_markup_renders_as_text(live: Live) -> None:
    page, _, dialogs = reviewer(live)
    for shown in ("2", "3"):  # a key pressed while the panel loads is dropped: wait
        page.keyboard.press("j")
        expect(item(page)).to_have_attribute("data-item", shown)
    expect(page.locator("#item-text")).to_have_text(HOSTILE)
    assert page.locator("#item-text img, #item-text script, table.items img").count() == 0
    assert dialogs == []


def test_browsing_by_class_and_status(live: Live) -> None:
    page, batch, _ = reviewer(live)
    page.locator("#classes a", has_text="ham").click()
    expect(item(page)).to_have_attribute("data-item", "5")
    expect(page.locator("table.seeds")).to_contain_text(SEEDS[2][0])
    expect(page.locator("table.seeds")).to_contain_text("no longer in the store")
    page.keyboard.press("r")
    expect(page.locator("#decision")).to_contain_text("rejected by judge")
    assert decisions(live, batch)[5] == ("rejected", "judge")
    page.locator("#classes a", has_text="spam").click()
    page.locator("#statuses a", has_text="too-short").click()
    expect(item(page)).to_have_attribute("data-item", "4")
    expect(page.locator("table.items tr")).to_have_count(2)  # the header and item 4
