"""The review page on span findings: the given span and the suggested fix highlighted in the
escaped text, accept and edit posts that change the record's spans, and undo."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.unit.web.webapp import SPAN_LABELS, XSS, Web, answer_spans, make_web, queue_texts
from textloop.spans import Span, decode_spans
from textloop.stages.label.resolution import current_labels
from textloop.storage import findings

TEXT = f"{XSS} Ana flew to Rome"


@pytest.fixture
def span_web(tmp_path: Path) -> Iterator[tuple[Web, str, int]]:
    made = make_web(tmp_path, task="spans", labels=SPAN_LABELS)
    (rid,) = queue_texts(made.store, made.project, tmp_path / "data", [TEXT], suggestion=None,
                         confidence=None)
    ana = TEXT.index("Ana")
    rome = TEXT.index("Rome")
    answer_spans(made.store, rid, {"anna": [Span(ana, ana + 3, "PER")]})
    with made.store.write() as conn:
        findings.add(conn, config={}, summary={}, rows=[
            {"record_id": rid, "kind": "missing_span", "score": 0.02, "details": {
                "given": None, "suggested": {"start": rome, "end": rome + 4, "label": "LOC",
                                             "text": "Rome"}}}])
        (finding,) = findings.list_for(conn, "c1")
    yield made, rid, finding["id"]
    made.store.close()


def spans_of(web: Web, rid: str) -> list[Span]:
    with web.store.read() as conn:
        return decode_spans(current_labels(conn)[rid].label)


def test_the_fix_is_highlighted_in_the_escaped_text(span_web) -> None:
    web, _, _ = span_web
    page = web.sign_in("judge", "adjudicator").get("/review").text
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page
    assert '<mark class="suggested" title="suggested LOC">Rome</mark>' in page
    assert "add LOC “Rome”" in page and 'id="edit-spans"' in page
    assert "missing_span" in page and 'data-key="1"' not in page  # no label keys for spans


def test_accept_adds_the_span_and_undo_takes_it_back(span_web) -> None:
    web, rid, finding = span_web
    judge = web.sign_in("judge", "adjudicator")
    done = judge.post("/review/accept", {"finding_id": finding})
    assert done.status_code == 200, done.text
    rome = TEXT.index("Rome")
    assert Span(rome, rome + 4, "LOC") in spans_of(web, rid)
    judge.post("/review/undo", {})
    assert spans_of(web, rid) == [Span(TEXT.index("Ana"), TEXT.index("Ana") + 3, "PER")]


def test_an_edit_outside_the_text_is_refused_and_a_valid_one_stored(span_web) -> None:
    web, rid, finding = span_web
    judge = web.sign_in("judge", "adjudicator")
    bad = judge.post("/review/edit", {"finding_id": finding,
                                      "value": json.dumps([{"start": 0, "end": 999,
                                                            "label": "PER"}])})
    assert bad.status_code == 422
    assert "outside the text" in bad.json()["error"]["message"]
    rome = TEXT.index("Rome")
    good = judge.post("/review/edit", {"finding_id": finding, "value": json.dumps(
        [{"start": rome, "end": rome + 4, "label": "LOC"}])})
    assert good.status_code == 200
    assert spans_of(web, rid) == [Span(rome, rome + 4, "LOC")]
