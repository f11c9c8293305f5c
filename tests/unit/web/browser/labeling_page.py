"""Reading the labeling page and the store behind it, shared by the labeling browser tests."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.unit.web.browser.conftest import Live
from textloop.storage.schema import annotations_table

RECORD = "article.record"


def current(page: Page) -> str:
    """The id of the record on screen."""
    record_id = page.locator(RECORD).get_attribute("data-record-id")
    assert record_id
    return record_id


def press_and_wait(page: Page, key: str) -> str:
    """Press a key and wait until the next record is on screen; returns its id."""
    before = current(page)
    page.keyboard.press(key)
    expect(page.locator(RECORD)).not_to_have_attribute("data-record-id", before)
    return current(page)


def answers(live: Live) -> list[dict]:
    """Every annotation row in the store, oldest first."""
    with live.web.store.read() as conn:
        rows = conn.execute(annotations_table.select().order_by(annotations_table.c.id))
        return [dict(r) for r in rows.mappings()]


def watched_page(live: Live, name: str) -> tuple[Page, list[str]]:
    """``name`` signed in on /label in a page that records every dialog (an injected
    ``alert`` would open one) and dismisses it."""
    page = live.new_context().new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    live.sign_in(name, context=page.context)
    page.goto(f"{live.url}/label")
    return page, dialogs
