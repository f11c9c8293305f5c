"""Span answers through the labeling stage: items with tokens and suggestions, answers
checked against the record's text and stored canonically, undo, skip and comments, and the
one conversion between the page's UTF-16 offsets and stored code points."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.unit.stages.span_fixtures import queue_span_texts, span_project
from textloop.errors import ConflictError, InvalidInputError
from textloop.spans import Span, to_utf16, utf16_offsets
from textloop.stages.label import queue as labeling
from textloop.stages.label import span_answers
from textloop.storage import Store, annotation_log, comments

TEXT = "김철수는 삼성전자에 다닌다 😀 Ana\r\nin\tSeoul"
RULES = [{"name": "brands", "label": "ORG", "phrases": ["삼성전자"]},
         {"name": "capitalised", "label": "PER", "regex": r"\bAna\b"}]


@pytest.fixture
def spans_store(tmp_path: Path):
    project = span_project(tmp_path / "ner", span_rules=RULES)
    with Store.for_project(project) as store:
        yield project, store


def rows(store: Store, record_id: str) -> list[dict]:
    with store.read() as conn:
        return annotation_log.history(conn, record_id)


def test_an_item_carries_tokens_and_every_suggester_proposal(spans_store) -> None:
    project, store = spans_store
    (rid,) = queue_span_texts(store, [TEXT])
    item = labeling.next_item(store, "alice", project=project)
    assert item is not None and item.record_id == rid and item.text == TEXT
    tokens = [TEXT[s:e] for s, e in item.tokens]
    assert tokens[:4] == ["김", "철", "수", "는"]  # one token per Hangul syllable
    assert tokens[-4:] == ["😀", "Ana", "in", "Seoul"]  # whitespace (CRLF, tab) is no token
    found = {(TEXT[s.start:s.end], s.label, s.source) for s in item.suggested_spans}
    assert found == {("삼성전자", "ORG", "rule:brands"), ("Ana", "PER", "rule:capitalised")}
    assert item.spans == ()


def test_a_classification_item_carries_no_span_fields(project, store, tmp_path) -> None:
    from tests.unit.stages.labeling_fixtures import queued

    queued(store, project, tmp_path, n=1)
    item = labeling.next_item(store, "alice", project=project)
    assert item is not None and (item.tokens, item.spans, item.suggested_spans) == ((), (), ())


def test_an_answer_is_stored_canonically_as_a_human_annotation(spans_store) -> None:
    project, store = spans_store
    rid, second = queue_span_texts(store, [TEXT, "nothing here"])
    assert labeling.next_item(store, "alice", project=project).record_id == rid
    labeling.submit(store, project, "alice", rid,
                    [Span(17, 20, "PER"), Span(5, 9, "ORG")], comment="two names")
    (row,) = rows(store, rid)
    assert (row["kind"], row["annotator"], row["comment"]) == ("human", "alice", "two names")
    assert row["label"] == ('[{"start":5,"end":9,"label":"ORG"},'
                            '{"start":17,"end":20,"label":"PER"}]')
    assert labeling.next_item(store, "alice", project=project).record_id == second
    labeling.submit(store, project, "alice", second, [])  # nothing to mark is an answer
    assert rows(store, second)[0]["label"] == "[]"
    assert labeling.next_item(store, "alice", project=project) is None


@pytest.mark.parametrize(("spans", "message"), [
    ([Span(0, 99, "PER")], "outside the text"),
    ([Span(0, 3, "DATE")], "'DATE' is not in textloop.yaml"),
    ([Span(0, 3, "PER"), Span(1, 4, "ORG")], "overlap"),
    ([Span(3, 3, "PER")], "or empty"),
])
def test_a_bad_answer_names_the_span_and_stores_nothing(spans_store, spans, message) -> None:
    project, store = spans_store
    (rid,) = queue_span_texts(store, [TEXT])
    labeling.next_item(store, "alice", project=project)
    with pytest.raises(InvalidInputError, match=message) as caught:
        labeling.submit(store, project, "alice", rid, spans)
    assert caught.value.hint
    assert rows(store, rid) == []
    assert labeling.next_item(store, "alice", project=project).record_id == rid  # still open


def test_labels_are_refused_as_a_span_answer(spans_store) -> None:
    project, store = spans_store
    (rid,) = queue_span_texts(store, [TEXT])
    labeling.next_item(store, "alice", project=project)
    with pytest.raises(InvalidInputError, match="list of spans, not labels"):
        labeling.submit(store, project, "alice", rid, ["PER"])
    assert rows(store, rid) == []


def test_overlapping_spans_are_stored_when_the_project_allows_them(tmp_path) -> None:
    project = span_project(tmp_path / "nested", overlapping=True)
    with Store.for_project(project) as store:
        (rid,) = queue_span_texts(store, ["Bank of Seoul"])
        labeling.next_item(store, "alice", project=project)
        labeling.submit(store, project, "alice", rid, [Span(0, 13, "ORG"), Span(8, 13, "LOC")])
        assert len(json.loads(rows(store, rid)[0]["label"])) == 2


def test_undo_brings_the_record_back_with_the_spans_answered(spans_store) -> None:
    project, store = spans_store
    rid, _ = queue_span_texts(store, [TEXT, "second"])
    labeling.next_item(store, "alice", project=project)
    labeling.submit(store, project, "alice", rid, [Span(5, 9, "ORG")])
    undone = labeling.undo(store, "alice")
    assert undone is not None and undone.record_id == rid
    item = labeling.next_item(store, "alice", project=project)
    assert item.record_id == rid and item.spans == (Span(5, 9, "ORG"),)
    assert labeling.next_item(store, "bob", project=project).spans == ()  # only their own
    labeling.submit(store, project, "alice", rid, [])
    with pytest.raises(ConflictError):
        labeling.submit(store, project, "alice", rid, [])
    assert [r["label"] for r in rows(store, rid) if r["retracted_at"] is None] == ["[]"]


def test_skip_and_comments_work_on_span_records(spans_store) -> None:
    project, store = spans_store
    rid, second = queue_span_texts(store, [TEXT, "second"])
    labeling.next_item(store, "alice", project=project)
    labeling.add_comment(store, "alice", rid, "unclear entity")
    labeling.skip(store, "alice", rid)
    assert labeling.next_item(store, "alice", project=project).record_id == second
    with store.read() as conn:
        assert [c["text"] for c in comments.for_record(conn, rid)] == ["unclear entity"]


def test_page_offsets_convert_once_each_way(spans_store) -> None:
    project, store = spans_store
    (rid,) = queue_span_texts(store, [TEXT])
    item = labeling.next_item(store, "alice", project=project)
    view = item.page_view()
    # the pieces are the whole text, in order, tokens and the gaps between them
    assert "".join(p.text for p in view.pieces) == TEXT
    assert [p.text for p in view.pieces if p.token is not None] == [
        TEXT[s:e] for s, e in item.tokens]
    assert "\r\n" in "".join(p.text for p in view.pieces if p.token is None)
    ana = next(p for p in view.pieces if p.text == "Ana")
    assert (ana.start, ana.end) == (to_utf16(TEXT, 17), to_utf16(TEXT, 20)) == (18, 21)
    suggestions = json.loads(view.suggestions)
    assert {(s["start"], s["end"], s["label"], s["source"]) for s in suggestions} == {
        (5, 9, "ORG", "rule:brands"), (18, 21, "PER", "rule:capitalised")}
    # what the page posts back (UTF-16) is stored in code points
    labeling.submit(store, project, "alice", rid, [Span(18, 21, "PER")], utf16=True)
    assert json.loads(rows(store, rid)[0]["label"]) == [{"start": 17, "end": 20,
                                                         "label": "PER"}]


def test_a_page_offset_inside_a_surrogate_pair_is_refused(spans_store) -> None:
    project, store = spans_store
    (rid,) = queue_span_texts(store, [TEXT])
    labeling.next_item(store, "alice", project=project)
    emoji = to_utf16(TEXT, TEXT.index("😀"))
    with pytest.raises(InvalidInputError, match="inside a surrogate pair") as caught:
        labeling.submit(store, project, "alice", rid, [Span(emoji, emoji + 1, "PER")],
                        utf16=True)
    assert caught.value.hint == "select whole characters"
    assert rows(store, rid) == []


def test_utf16_offsets_agree_with_to_utf16() -> None:
    text = "a😀b👩‍👩‍👧é\r\n한"
    assert utf16_offsets(text) == [to_utf16(text, i) for i in range(len(text) + 1)]


def test_span_rules_are_compiled_once_per_project(spans_store, monkeypatch) -> None:
    import textloop.stages.label.span_suggestions as module

    project, store = spans_store
    queue_span_texts(store, ["Ana one", "Ana two"])
    built = []
    original = module.span_suggesters
    monkeypatch.setattr(module, "span_suggesters",
                        lambda *a: built.append(1) or original(*a))
    span_answers._SUGGESTERS.clear()
    for _ in range(2):
        item = labeling.next_item(store, "alice", project=project)
        assert item.suggested_spans
        labeling.submit(store, project, "alice", item.record_id, [])
    assert built == [1]
