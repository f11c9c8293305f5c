"""The span editor in a real browser: keyboard labeling, drag-select, Backspace, undo,
suggestions from span rules, overlapping spans, escaping, and offsets that survive the trip
through the page (UTF-16) back to code points for every kind of character."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("playwright.sync_api", reason="pip install -e '.[dev]' (playwright)")

from playwright.sync_api import Browser, Page, expect

from tests.unit.stages.span_fixtures import queue_span_texts, span_project
from tests.unit.web.browser.conftest import Live, serve
from tests.unit.web.browser.labeling_page import (
    RECORD,
    answers,
    current,
    press_and_wait,
    watched_page,
)
from tests.unit.web.webapp import XSS
from textloop.spans.matching import word_tokens
from textloop.storage import model_suggestions, runs
from textloop.strategies.span_suggest import SuggestedSpan, to_cache
from textloop.texts import content_hash

pytestmark = pytest.mark.browser

TOKENS = "#record-text .tok"
RULES = [{"name": "acme", "label": "ORG", "phrases": ["ACME", "ACME Corp"]},
         {"name": "seoul", "label": "LOC", "regex": r"\bSeoul\b"}]


def serve_spans(tmp_path: Path, browser: Browser, **options: Any) -> Iterator[Live]:
    """A span project (PER/ORG/LOC; ``options`` as ``span_project``) served on loopback."""
    yield from serve(tmp_path, browser, project=span_project(tmp_path / "ner", **options))


@pytest.fixture
def live(tmp_path: Path, browser: Browser) -> Iterator[Live]:
    yield from serve_spans(tmp_path, browser, span_rules=RULES)


@pytest.fixture
def live_nested(tmp_path: Path, browser: Browser) -> Iterator[Live]:
    yield from serve_spans(tmp_path, browser, overlapping=True)


def stored_spans(row: dict) -> list[tuple[int, int, str]]:
    return [(s["start"], s["end"], s["label"]) for s in json.loads(row["label"])]


def select_tokens(page: Page, first: int, last: int) -> None:
    """Put the cursor on token ``first`` and extend to ``last`` with the keyboard only."""
    page.keyboard.press("Home")  # not an editor key: harmless
    for _ in range(200):
        page.keyboard.press("ArrowLeft")
        if page.locator(f"{TOKENS}.cursor").get_attribute("data-t") == "0":
            break
    for _ in range(first):
        page.keyboard.press("ArrowRight")
    for _ in range(last - first):
        page.keyboard.press("Shift+ArrowRight")


def test_keyboard_labeling_stores_the_spans_in_code_points(live: Live) -> None:
    text = "Ana 😀 met 김철수 in Busan"
    ids = queue_span_texts(live.web.store, [text, "next record"])
    page = live.sign_in("alice")
    expect(page.locator(f"{TOKENS}.cursor")).to_have_text("Ana")
    page.keyboard.press("1")                      # Ana: PER
    for _ in range(3):
        page.keyboard.press("ArrowRight")         # 😀, met, 김
    page.keyboard.press("Shift+ArrowRight")
    page.keyboard.press("Shift+ArrowRight")       # 김철수
    expect(page.locator(f"{TOKENS}.selected")).to_have_count(3)
    page.keyboard.press("1")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")             # Busan
    page.keyboard.press("3")
    expect(page.locator("#span-list li")).to_have_count(3)
    expect(page.locator("#span-list")).to_contain_text("김철수")
    assert answers(live) == []                    # nothing stored before Enter
    assert press_and_wait(page, "Enter") == ids[1]
    (row,) = answers(live)
    assert (row["record_id"], row["kind"], row["annotator"]) == (ids[0], "human", "alice")
    assert stored_spans(row) == [(0, 3, "PER"), (10, 13, "PER"), (17, 22, "LOC")]
    assert [text[s:e] for s, e, _ in stored_spans(row)] == ["Ana", "김철수", "Busan"]


def test_enter_with_no_spans_answers_nothing_to_mark(live: Live) -> None:
    ids = queue_span_texts(live.web.store, ["nothing to see", "next"])
    page = live.sign_in("alice")
    expect(page.locator("#span-list")).to_contain_text("No spans")
    assert press_and_wait(page, "Enter") == ids[1]
    assert [(r["record_id"], r["label"]) for r in answers(live)] == [(ids[0], "[]")]


def test_drag_select_snaps_to_tokens_and_a_label_button_labels_it(live: Live) -> None:
    text = "Visit the Grand Old Museum today"
    queue_span_texts(live.web.store, [text])
    page = live.sign_in("alice")
    tokens = page.locator(TOKENS)
    start, end = tokens.nth(2).bounding_box(), tokens.nth(4).bounding_box()
    page.mouse.move(start["x"] + start["width"] * 0.6, start["y"] + start["height"] / 2)
    page.mouse.down()  # from inside "Grand" ...
    page.mouse.move(end["x"] + end["width"] * 0.3, end["y"] + end["height"] / 2, steps=8)
    page.mouse.up()    # ... to inside "Museum": whole tokens
    expect(page.locator(f"{TOKENS}.selected")).to_have_text(["Grand", "Old", "Museum"])
    page.locator(".span-label[data-label=LOC]").click()
    expect(page.locator("#span-list li")).to_have_text([
        "LOC Grand Old Museum Remove"])
    page.keyboard.press("Enter")
    expect(page.locator(".empty")).to_be_visible()
    (row,) = answers(live)
    assert stored_spans(row) == [(10, 26, "LOC")] and text[10:26] == "Grand Old Museum"


def test_backspace_removes_the_span_under_the_cursor_and_undo_brings_it_back(
        live: Live) -> None:
    ids = queue_span_texts(live.web.store, ["Ana and Bo", "next"])
    page = live.sign_in("alice")
    page.keyboard.press("1")                  # Ana: PER
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("1")                  # Bo: PER
    expect(page.locator("#span-list li")).to_have_count(2)
    page.keyboard.press("Backspace")          # the cursor is on Bo
    expect(page.locator("#span-list li")).to_have_text(["PER Ana Remove"])
    assert press_and_wait(page, "Enter") == ids[1]
    assert stored_spans(answers(live)[0]) == [(0, 3, "PER")]
    assert press_and_wait(page, "u") == ids[0]  # undo: the record comes back as answered
    expect(page.locator(".notice")).to_contain_text("Took back your answer “1 span: PER”")
    expect(page.locator("#span-list li")).to_have_text(["PER Ana Remove"])
    expect(page.locator("#record-text .span-tag")).to_have_text(["PER"])
    (row,) = answers(live)
    assert row["retracted_at"] is not None
    page.keyboard.press("Backspace")          # cursor on Ana
    assert press_and_wait(page, "Enter") == ids[1]
    assert [r["label"] for r in answers(live) if r["retracted_at"] is None] == ["[]"]


def test_suggestions_from_span_rules_are_accepted_or_rejected_never_stored_silently(
        live: Live) -> None:
    text = "ACME Corp opened in Seoul and ACME left Seoul"
    ids = queue_span_texts(live.web.store, [text, text + " again", "third"])
    page = live.sign_in("alice")
    items = page.locator("#suggestion-list li")
    expect(items).to_have_count(4)
    expect(items.first).to_contain_text("rule:acme")
    expect(page.locator("#record-text .suggest-tag").first).to_contain_text("ORG? rule:acme")
    expect(page.locator(f"{TOKENS}.suggested")).to_have_count(5)
    assert page.locator("#record-text .span-tag").count() == 0  # not answers
    page.keyboard.press("a")                  # the cursor is on ACME: accept ACME Corp
    items.filter(has_text="Seoul").first.locator("button.reject").click()
    items.filter(has_text="ACME").locator("button.accept").click()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("x")                  # cursor on "Corp": nothing pending there now
    expect(items).to_have_count(1)
    assert press_and_wait(page, "Enter") == ids[1]
    assert stored_spans(answers(live)[0]) == [(0, 9, "ORG"), (30, 34, "ORG")]
    # the next record: accept all, then Enter
    page.keyboard.press("Shift+A")
    expect(page.locator("#suggestion-list li")).to_have_count(0)
    expect(page.locator("#record-text .span-tag")).to_have_count(4)
    assert press_and_wait(page, "Enter") == ids[2]
    assert stored_spans(answers(live)[1]) == [(0, 9, "ORG"), (20, 25, "LOC"), (30, 34, "ORG"),
                                              (40, 45, "LOC")]


def test_the_models_cached_suggestions_show_their_source_and_score(live: Live) -> None:
    """What ``preannotate --source model`` stored for a text is shown on the page, dashed,
    as ``model`` with its score, beside the rules' suggestion, and is no answer until
    accepted; the page was served before the cache was written."""
    text = "ACME hired Ana in Seoul"
    (record_id,) = queue_span_texts(live.web.store, [text])
    page = live.sign_in("alice")
    expect(page.locator("#suggestion-list li")).to_have_count(2)  # the rules only, so far
    with live.web.store.write() as conn:
        run = runs.create(conn, model="textloop.model.span-rules.v1", short_name="span-rules",
                          release_id=None, config={})
        model_suggestions.put_many(conn, run["id"], {content_hash(text): to_cache(
            [SuggestedSpan(11, 14, "PER", "model", 0.87),
             SuggestedSpan(0, 4, "ORG", "model", 0.5)], text)})
    page.reload()
    items = page.locator("#suggestion-list li")
    expect(items).to_have_count(3)
    expect(items.filter(has_text="Ana")).to_contain_text("model 0.87")
    expect(items.filter(has_text="ACME")).to_contain_text("model 0.50 + rule:acme")
    expect(page.locator("#record-text .suggest-tag").filter(has_text="PER?")).to_have_text(
        "PER? model 0.87")
    assert page.locator("#record-text .span-tag").count() == 0  # not answers
    items.filter(has_text="Ana").locator("button.accept").click()
    page.keyboard.press("Enter")
    expect(page.locator("#suggestion-list li")).to_have_count(0)
    row = answers(live)[0]
    assert row["record_id"] == record_id and stored_spans(row) == [(11, 14, "PER")]


def test_overlapping_spans_are_both_drawn_and_stored(live_nested: Live) -> None:
    live = live_nested
    text = "Bank of Seoul branch"
    queue_span_texts(live.web.store, [text])
    page = live.sign_in("alice")
    page.keyboard.press("Shift+ArrowRight")
    page.keyboard.press("Shift+ArrowRight")
    page.keyboard.press("2")                  # Bank of Seoul: ORG
    page.keyboard.press("3")                  # the cursor is on Seoul: LOC inside it
    tags = page.locator("#record-text .span-tag")
    expect(tags).to_have_text(["LOC", "ORG"])
    for tag in tags.all():
        expect(tag).to_be_visible()
    seoul = page.locator(TOKENS).nth(2)
    bands = seoul.locator(".band")
    expect(bands).to_have_count(2)            # two stacked bands under Seoul
    lows = [band.bounding_box()["y"] for band in bands.all()]
    assert abs(lows[0] - lows[1]) >= 3        # in different lanes, not drawn over each other
    page.keyboard.press("Enter")
    expect(page.locator(".empty")).to_be_visible()
    assert stored_spans(answers(live)[0]) == [(0, 13, "ORG"), (8, 13, "LOC")]


def test_a_hostile_record_is_shown_as_text(live: Live) -> None:
    queue_span_texts(live.web.store, [XSS])
    page, dialogs = watched_page(live, "alice")
    expect(page.locator("#record-text")).to_have_text(XSS)
    assert page.locator("article.record img, article.record script").count() == 0
    select_tokens(page, 0, 2)  # "<", "script", ">"
    page.keyboard.press("1")
    expect(page.locator("#span-list li .span-text-of")).to_have_text(["<script>"])
    page.wait_for_timeout(300)
    assert dialogs == []


PARTS = ["김철수", "삼성전자", "東京都", "😀", "👩‍👩‍👧", "café", "e\u0301", "Ana", "\r\n", "\t",
         "naïve", "🇰🇷", "Zoë", "中文", "x"]


def random_text(rng: random.Random) -> str:
    pieces = [rng.choice(PARTS) for _ in range(rng.randint(4, 9))]
    return " ".join(pieces)


@pytest.mark.parametrize("seed", range(4))
def test_spans_round_trip_through_the_page_in_code_points(tmp_path: Path, browser: Browser,
                                                        seed: int) -> None:
    """Spans chosen in the page over texts with Hangul, CJK, astral emoji, a ZWJ sequence,
    combining marks, CRLF and tabs are stored at exactly the code points expected."""
    rng = random.Random(seed)
    every_kind = " ".join(PARTS[seed:] + PARTS[:seed])  # every kind of character, rotated
    texts = list(dict.fromkeys([every_kind] + [random_text(rng) for _ in range(3)]))
    for live in serve_spans(tmp_path, browser):
        ids = queue_span_texts(live.web.store, texts)
        page = live.sign_in("alice")
        expected = {}
        for position, text in enumerate(texts):
            tokens = word_tokens(text)
            first = rng.randrange(len(tokens) // 2, len(tokens))  # after earlier astral ones
            if text == every_kind:  # from the family emoji (one ZWJ sequence) on
                first = next(i for i, (s, e) in enumerate(tokens) if text[s:e] == "👩‍👩‍👧")
            last = min(len(tokens) - 1, first + rng.randrange(3))
            expect(page.locator(TOKENS)).to_have_count(len(tokens))
            select_tokens(page, first, last)
            page.keyboard.press("2")
            expected[current(page)] = [(tokens[first][0], tokens[last][1], "ORG")]
            if position < len(texts) - 1:
                press_and_wait(page, "Enter")
            else:
                page.keyboard.press("Enter")
                expect(page.locator(".empty")).to_be_visible()
        stored = {row["record_id"]: stored_spans(row) for row in answers(live)}
        assert stored == expected and set(stored) == set(ids)


def test_teach_mode_decides_one_suggestion_at_a_time(live: Live) -> None:
    text = "ACME moved to Seoul"
    ids = queue_span_texts(live.web.store, [text, "ACME again"])
    page = live.sign_in("alice")
    page.goto(f"{live.url}/label?mode=teach")
    target = page.locator("mark.teach-target")
    expect(target).to_have_text("ACME")
    expect(page.locator(".teach-question .source")).to_have_text("rule:acme")
    page.keyboard.press("a")                      # accept ACME
    expect(target).to_have_text("Seoul")
    page.keyboard.press("x")                      # reject Seoul
    expect(page.locator(".teach-done")).to_contain_text("stores the 1 span you accepted")
    page.keyboard.press("u")                      # take back the rejection
    expect(page.locator(".notice")).to_contain_text("rejection of LOC “Seoul”")
    expect(target).to_have_text("Seoul")
    page.keyboard.press("x")
    expect(page.locator(".teach-done")).to_be_visible()  # keys wait for the panel
    assert answers(live) == []                    # verdicts are not answers
    page.keyboard.press("e")                      # the full editor opens with ACME marked
    page.wait_for_url(f"{live.url}/label")
    expect(page.locator("#span-list li")).to_have_text(["ORG ACME Remove"])
    expect(page.locator("#suggestion-list li")).to_have_count(0)  # Seoul was rejected
    page.goto(f"{live.url}/label?mode=teach")
    expect(page.locator(".teach-done")).to_be_visible()
    before = current(page)
    page.keyboard.press("Enter")                  # store the accepted spans as the answer
    expect(page.locator(RECORD)).not_to_have_attribute("data-record-id", before)
    assert current(page) == ids[1]
    (row,) = answers(live)
    assert (row["record_id"], stored_spans(row)) == (ids[0], [(0, 4, "ORG")])
    page.keyboard.press("Enter")                  # Enter accepts the next suggestion too
    expect(page.locator(".teach-done")).to_contain_text("1 span you accepted")
