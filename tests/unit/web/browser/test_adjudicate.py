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


# the emoji is 1 code point and 2 UTF-16 units (import turns CRLF into a newline)
EDIT_TEXT = "Ana 😀 met\tBo\nat Acme"  # Ana 0-3, met 6-9, Acme 16-20 in code points
DRAG = """(article, [start, end]) => {
  const view = article.querySelector(".decision-text");
  const walker = document.createTreeWalker(view, NodeFilter.SHOW_TEXT);
  const nodes = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (!(n.parentNode.dataset && n.parentNode.dataset.tag)) { nodes.push(n); }
  }
  function rect(unit) {  // the box of the UTF-16 unit at this offset of the text
    let total = 0;
    for (const n of nodes) {
      if (unit < total + n.data.length) {
        const range = document.createRange();
        range.setStart(n, unit - total);
        range.setEnd(n, unit - total + 1);
        const box = range.getBoundingClientRect();
        return {x: box.x, y: box.y, w: box.width, h: box.height};
      }
      total += n.data.length;
    }
    return null;
  }
  return [rect(start), rect(end - 1)];
}"""


def drag_select(page, article, start: int, end: int) -> None:
    """Select UTF-16 units start..end of the editor's text with a real mouse drag."""
    first, last = article.evaluate(DRAG, [start, end])
    page.mouse.move(first["x"] + 1, first["y"] + first["h"] / 2)
    page.mouse.down()
    page.mouse.move(last["x"] + last["w"] - 1, last["y"] + last["h"] / 2, steps=5)
    page.mouse.up()


def test_span_disputes_are_taken_merged_and_edited_in_the_browser(live_spans: Live) -> None:
    from tests.unit.web.webapp import answer_spans
    from textloop.spans import Span, decode_spans
    from textloop.tasks import task_for

    web = live_spans.web
    texts = ["Cleo joined Initech", "Dana and Eve", EDIT_TEXT]
    ids = queue_texts(web.store, web.project, web.project.root / "data", texts, overlap=2,
                      suggestion=None)
    answer_spans(web.store, ids[0], {"anna": [Span(0, 4, "PER")],
                                     "ben": [Span(0, 4, "PER"), Span(12, 19, "ORG")]})
    answer_spans(web.store, ids[1], {"anna": [Span(0, 4, "PER")], "ben": [Span(9, 12, "PER")]})
    answer_spans(web.store, ids[2], {"anna": [Span(0, 3, "PER"), Span(6, 9, "ORG")],
                                     "ben": [Span(0, 3, "PER")]})
    judge = live_spans.sign_in("judge", role="adjudicator")
    judge.goto(f"{live_spans.url}/adjudicate")
    disputes = {rid: judge.locator(f"article.span-dispute[data-record-id='{rid}']")
                for rid in ids}
    expect(judge.locator("article.span-dispute")).to_have_count(3)
    ben = disputes[ids[0]].locator("section.version[data-annotator='ben']")
    expect(ben.locator("mark.span")).to_have_count(2)
    expect(ben).to_contain_text("Initech")

    # take: ben's version
    disputes[ids[0]].locator("input[name=reason]").fill("Initech is a company")
    ben.locator("button.take").click()
    decided = judge.locator(f"article.decided[data-record-id='{ids[0]}']")
    expect(decided).to_contain_text("Final spans (2)")
    expect(decided).to_contain_text("took ben's version: Initech is a company")

    # merge: the union of anna's Dana and ben's Eve
    disputes[ids[1]].locator("button.merge[value=union]").click()
    expect(judge.locator(f"article.decided[data-record-id='{ids[1]}']")).to_contain_text(
        "union of the answers")

    # edit: start from anna's, remove "met" (ORG), mark Acme (after the emoji and CRLF)
    article = disputes[ids[2]]
    article.locator("section.version[data-annotator='anna'] button.edit-from").click()
    expect(article.locator("ol.draft li")).to_have_count(2)
    article.locator("ol.draft li", has_text="met").locator("button.remove").click()
    expect(article.locator("ol.draft li")).to_have_count(1)
    drag_select(judge, article, 17, 21)  # Acme in UTF-16 units
    article.locator("button.mark[data-mark=ORG]").click()
    expect(article.locator("ol.draft li", has_text="Acme")).to_contain_text("ORG")
    article.locator("input[name=reason]").fill("met is no company")
    article.locator("button.decide-edited").click()
    expect(judge.locator(f"article.decided[data-record-id='{ids[2]}']")).to_contain_text(
        "edited spans: met is no company")

    with web.store.read() as conn:
        final = current_labels(conn, web.project.spec.labeling.policy,
                               task=task_for(web.project))
    assert [decode_spans(final[rid].label) for rid in ids] == [
        [Span(0, 4, "PER"), Span(12, 19, "ORG")],
        [Span(0, 4, "PER"), Span(9, 12, "PER")],
        [Span(0, 3, "PER"), Span(16, 20, "ORG")]]
    assert {final[rid].kind for rid in ids} == {"adjudicated"}
    assert EDIT_TEXT[16:20] == "Acme"
    judge.reload()
    expect(judge.locator("article.span-dispute")).to_have_count(0)
    expect(judge.locator("table.decided")).to_contain_text(ids[2])
