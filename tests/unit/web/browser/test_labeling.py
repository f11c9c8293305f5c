"""The labeling page in a real browser: keys, the sign-in link, escaping, closing the tab."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("playwright.sync_api", reason="pip install -e '.[dev]' (playwright)")

from playwright.sync_api import expect

from tests.unit.web.browser.conftest import Live
from tests.unit.web.browser.hangul import assert_hangul_drawn
from tests.unit.web.browser.labeling_page import (
    RECORD,
    answers,
    current,
    press_and_wait,
    watched_page,
)
from tests.unit.web.webapp import XSS, queue_texts
from textloop.stages.label.resolution import current_labels
from textloop.storage import comments, queue
from textloop.storage.schema import assignments

pytestmark = pytest.mark.browser


def queue_some(live: Live, n: int, **kwargs) -> list[str]:
    texts = [f"message {i}: lunch at {i} o'clock?" for i in range(n)]
    return queue_texts(live.web.store, live.web.project, live.web.project.root / "data",
                       texts, **kwargs)


def test_the_login_link_signs_in_and_clears_the_token(live: Live) -> None:
    queue_some(live, 2)
    page = live.sign_in("alice")
    assert "#token" not in page.url and live.web.tokens["alice"] not in page.url
    expect(page.locator(".who")).to_have_text("alice (annotator)")
    cookie = next(c for c in page.context.cookies() if c["name"] == "textloop_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"


def test_a_wrong_token_in_the_link_stays_on_the_sign_in_page(live: Live) -> None:
    live.web.add("alice")
    page = live.new_context().new_page()
    page.goto(f"{live.url}/login?name=alice#token=not-the-token")
    expect(page.locator(".problem")).to_contain_text("do not match")
    assert not page.context.cookies()


def test_twenty_records_labeled_by_digits_only(live: Live) -> None:
    ids = queue_some(live, 21)
    page = live.sign_in("alice")
    keys = "1231231231231231231 2".replace(" ", "")
    for i, key in enumerate(keys):
        assert current(page) == ids[i]
        press_and_wait(page, key)
    assert current(page) == ids[20]
    names = live.web.project.spec.label_names
    stored = answers(live)
    assert [(r["record_id"], r["label"], r["annotator"], r["kind"]) for r in stored] == [
        (ids[i], names[int(k) - 1], "alice", "human") for i, k in enumerate(keys)]
    expect(page.locator("#progress")).to_contain_text("20 labeled")
    expect(page.locator("#progress progress")).to_have_count(1)


def test_enter_accepts_the_suggestion(live: Live) -> None:
    ids = queue_some(live, 3, suggestion="ham", confidence=0.91)
    page = live.sign_in("alice")
    expect(page.locator(".suggestion")).to_contain_text("ham")
    expect(page.locator(".suggestion")).to_contain_text("91% confident")
    press_and_wait(page, "Enter")
    assert [(r["record_id"], r["label"]) for r in answers(live)] == [(ids[0], "ham")]


def test_s_skips_and_u_undoes(live: Live) -> None:
    ids = queue_some(live, 4)
    page = live.sign_in("alice")
    assert press_and_wait(page, "s") == ids[1]
    assert answers(live) == []
    with live.web.store.read() as conn:
        (row,) = conn.execute(assignments.select().where(
            assignments.c.record_id == ids[0])).mappings()
    assert row["status"] == "skipped"
    assert press_and_wait(page, "2") == ids[2]
    assert press_and_wait(page, "u") == ids[1]  # the undone record comes back
    expect(page.locator(".notice")).to_contain_text("Took back your answer “ham”")
    (undone,) = answers(live)
    assert undone["record_id"] == ids[1] and undone["retracted_at"] is not None
    with live.web.store.read() as conn:
        assert current_labels(conn) == {}
    assert press_and_wait(page, "3") == ids[2]
    with live.web.store.read() as conn:
        assert current_labels(conn)[ids[1]].label == "other"


def test_c_opens_the_comment_box_and_enter_stores_the_comment(live: Live) -> None:
    ids = queue_some(live, 2)
    page = live.sign_in("alice")
    box = page.locator("#comment-form input[name=text]")
    expect(box).to_be_hidden()
    page.keyboard.press("c")
    expect(box).to_be_visible()
    expect(box).to_be_focused()
    page.keyboard.type("rule 1 says so; unsure")  # digits, s and u typed here are text
    page.keyboard.press("Enter")
    expect(page.locator("#comment-status")).to_contain_text("Comment saved")
    expect(box).to_be_hidden()
    with live.web.store.read() as conn:
        (stored,) = comments.for_record(conn, ids[0])
    assert (stored["annotator"], stored["text"]) == ("alice", "rule 1 says so; unsure")
    assert answers(live) == [] and current(page) == ids[0]
    page.keyboard.press("c")
    page.keyboard.type("never mind")
    page.keyboard.press("Escape")
    expect(box).to_be_hidden()
    with live.web.store.read() as conn:
        assert len(comments.for_record(conn, ids[0])) == 1


def test_multilabel_digits_toggle_and_enter_submits_the_set(live_multi: Live) -> None:
    live = live_multi
    ids = queue_some(live, 3, suggestion=json.dumps(["ham"]))
    page = live.sign_in("alice")
    boxes = page.locator("form.answer input[type=checkbox]")
    expect(boxes.nth(1)).to_be_checked()  # the suggestion starts ticked
    page.keyboard.press("1")
    page.keyboard.press("2")
    page.keyboard.press("3")
    page.keyboard.press("3")
    page.keyboard.press("3")
    expect(boxes.nth(0)).to_be_checked()
    expect(boxes.nth(1)).not_to_be_checked()
    expect(boxes.nth(2)).to_be_checked()
    assert answers(live) == []  # toggling stores nothing yet
    press_and_wait(page, "Enter")
    (row,) = answers(live)
    assert row["record_id"] == ids[0] and json.loads(row["label"]) == ["other", "spam"]


def test_a_hostile_record_is_shown_as_text(live: Live) -> None:
    ids = queue_texts(live.web.store, live.web.project, live.web.project.root / "data",
                      [XSS], meta=[{"source": XSS}])
    page, dialogs = watched_page(live, "alice")
    expect(page.locator("#record-text")).to_have_text(XSS)
    expect(page.locator("table.meta td")).to_have_text(XSS)
    assert page.locator("article.record img, article.record script").count() == 0
    page.keyboard.press("c")
    page.keyboard.type(XSS)
    page.keyboard.press("Enter")
    expect(page.locator("#comment-status")).to_contain_text(XSS)
    assert page.locator("#comment-status img").count() == 0
    page.wait_for_timeout(300)  # time for an injected onerror to fire, were there one
    assert dialogs == []
    assert current(page) == ids[0]


def test_closing_the_browser_mid_queue_loses_nothing(live: Live) -> None:
    ids = queue_some(live, 8)
    context = live.new_context()
    page = live.sign_in("alice", context=context)
    for key in "123":
        press_and_wait(page, key)
    page.keyboard.press("1")  # answered, and the browser closes as the next record arrives
    expect(page.locator(RECORD)).to_have_attribute("data-record-id", ids[4])
    context.close()
    assert [(r["record_id"], r["label"]) for r in answers(live)] == [
        (ids[0], "spam"), (ids[1], "ham"), (ids[2], "other"), (ids[3], "spam")]
    again = live.sign_in("alice")
    assert current(again) == ids[4]
    with live.web.store.read() as conn:
        assert queue.remaining_for(conn, "alice") == 4


@pytest.mark.parametrize("unescaped", [True, False])
def test_html_in_a_record_is_shown_the_way_it_was_imported(live: Live, unescaped: bool) -> None:
    """With --unescape-html the reader sees line breaks and "&"; without, the markup as typed;
    never rendered as HTML either way."""
    raw = "Loved it.<br /><br />Fish &amp; chips <b>twice</b>"
    queue_texts(live.web.store, live.web.project, live.web.project.root / "data", [raw],
                unescape_html=unescaped)
    page = live.sign_in("alice")
    text = page.locator("#record-text")
    if unescaped:
        assert text.inner_text() == "Loved it.\n\nFish & chips <b>twice</b>"
        expect(page.locator(".shown-as")).to_contain_text("unescaped at import")
    else:
        assert text.inner_text() == raw
        expect(page.locator(".shown-as")).to_contain_text("displayed literally")
    assert page.locator("#record-text br, #record-text b").count() == 0


def test_a_coin_flip_guess_is_not_the_enter_action(live: Live) -> None:
    ids = queue_some(live, 2, suggestion="ham", confidence=0.5)
    page = live.sign_in("alice")
    expect(page.locator(".no-suggestion")).to_contain_text("below 70%")
    assert page.locator(".suggestion, .choice.suggested").count() == 0
    expect(page.locator("#progress .queue-total")).to_contain_text("2 of 2 queued records")
    page.keyboard.press("Enter")
    page.wait_for_timeout(300)
    assert answers(live) == [] and current(page) == ids[0]


def test_korean_text_is_drawn_with_a_hangul_font_the_page_names(live: Live) -> None:
    text = "학교에 가기 싫다 진짜"
    queue_texts(live.web.store, live.web.project, live.web.project.root / "data", [text])
    page = live.sign_in("alice")
    expect(page.locator("#record-text")).to_have_text(text)
    assert_hangul_drawn(page, "#record-text", "학교가싫다")
