"""A reviewer works through findings with the keyboard; the store is checked after each key."""

from __future__ import annotations

import pytest

pytest.importorskip("playwright.sync_api", reason="pip install -e '.[dev]' (playwright)")

from playwright.sync_api import Page, expect

from tests.unit.web.browser.conftest import Live
from tests.unit.web.review_fixtures import TEXTS, Flagged, flag
from textloop.stages.label.resolution import current_labels, labeled_records
from textloop.storage import findings, reviews

pytestmark = pytest.mark.browser


def reviewer(live: Live) -> tuple[Page, Flagged]:
    flagged = flag(live.web)
    page = live.sign_in("judge", role="adjudicator")
    page.click("nav a[href='/review']")
    expect(page.locator("article.finding")).to_have_attribute(
        "data-finding-id", str(flagged.issue))
    return page, flagged


def status(live: Live, finding_id: int) -> str:
    with live.web.store.read() as conn:
        return findings.get_one(conn, finding_id)["status"]


def released(live: Live) -> set[str]:
    with live.web.store.read() as conn:
        return {r.id for r in labeled_records(conn)}


def test_accept_by_keyboard_then_undo(live: Live) -> None:
    page, flagged = reviewer(live)
    expect(page.locator("#reason")).to_contain_text("say spam")
    expect(page.locator("table.neighbours")).to_contain_text(TEXTS[1][0])
    page.keyboard.press("a")
    expect(page.locator(".notice")).to_contain_text("Accepted “spam”")
    expect(page.locator("article.finding")).to_have_attribute(
        "data-finding-id", str(flagged.duplicate))
    with live.web.store.read() as conn:
        final = current_labels(conn)[flagged.ids[0]]
    assert (final.label, final.kind, final.reason) == ("spam", "review", "reviewed by judge")
    assert status(live, flagged.issue) == "accepted"
    page.keyboard.press("u")
    expect(page.locator(".notice")).to_contain_text("Undid “accept”")
    expect(page.locator("article.finding")).to_have_attribute(
        "data-finding-id", str(flagged.issue))
    with live.web.store.read() as conn:
        assert current_labels(conn)[flagged.ids[0]].kind == "import"
    assert status(live, flagged.issue) == "open"


def test_exclude_then_undo_brings_the_record_back(live: Live) -> None:
    page, flagged = reviewer(live)
    page.keyboard.press("x")
    expect(page.locator(".notice")).to_contain_text(f"Excluded record {flagged.ids[0]}")
    assert flagged.ids[0] not in released(live)
    with live.web.store.read() as conn:
        (row,) = reviews.exclusions_of(conn, flagged.ids[0])
    assert (row["excluded_by"], row["restored_at"]) == ("judge", None)
    expect(page.locator("table.decisions")).to_contain_text("exclude")
    page.keyboard.press("u")
    expect(page.locator("article.finding")).to_have_attribute(
        "data-finding-id", str(flagged.issue))
    assert flagged.ids[0] in released(live)
    assert status(live, flagged.issue) == "open"


def test_relabel_by_digit_merge_and_keep(live: Live) -> None:
    page, flagged = reviewer(live)
    page.keyboard.press("3")  # the third label: other
    expect(page.locator(".notice")).to_contain_text("Relabeled “other”")
    with live.web.store.read() as conn:
        assert current_labels(conn)[flagged.ids[0]].label == "other"
    assert status(live, flagged.issue) == "relabeled"
    expect(page.locator("table.cluster")).to_contain_text("kept on merge")
    page.keyboard.press("m")
    expect(page.locator(".notice")).to_contain_text("1 excluded as duplicates")
    assert flagged.ids[3] in released(live) and flagged.ids[4] not in released(live)
    page.keyboard.press("k")
    expect(page.locator(".empty h2")).to_contain_text("Every finding of c1 is reviewed")
    assert status(live, flagged.garbage) == "kept"


def test_filter_by_kind_then_decide_by_keyboard_within_it(live: Live) -> None:
    page, flagged = reviewer(live)
    expect(page.locator("#kind-counts")).to_contain_text("garbage 1")
    page.select_option("#review-filter select[name=kind]", "garbage")
    page.click("#review-filter button[type=submit]")
    expect(page.locator("article.finding")).to_have_attribute(
        "data-finding-id", str(flagged.garbage))
    expect(page.locator(".remaining")).to_contain_text("1 matching the filter")
    page.keyboard.press("k")  # the post carries the filter: nothing else is garbage
    expect(page.locator(".empty h2")).to_contain_text("No open finding of c1 matches")
    assert status(live, flagged.garbage) == "kept"
    assert status(live, flagged.issue) == "open"
    page.click("#kind-counts a[data-kind=duplicate]")
    expect(page.locator("article.finding")).to_have_attribute(
        "data-finding-id", str(flagged.duplicate))
