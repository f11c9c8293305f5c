"""Labeling actions: answer, skip, undo, comment, overlap routing, resume, adjudication."""

from __future__ import annotations

import json

import pytest

from tests.unit.stages.labeling_fixtures import queued
from textloop.errors import ConflictError, InvalidInputError, NotFoundError
from textloop.stages.label import queue as labeling
from textloop.stages.label.resolution import current_labels
from textloop.storage import annotation_log, comments


def labels_now(store) -> dict[str, str]:
    with store.read() as conn:
        return {rid: r.label for rid, r in current_labels(conn).items()}


def test_items_come_in_priority_order_and_answers_are_stored_at_once(project, store,
                                                                   tmp_path) -> None:
    ids = queued(store, project, tmp_path)
    item = labeling.next_item(store, "alice")
    assert item is not None and item.record_id == ids[0]
    assert (item.suggestion, item.confidence, item.remaining) == ("spam", 0.7, 6)
    labeling.submit(store, project, "alice", item.record_id, ["ham"])
    assert labels_now(store) == {ids[0]: "ham"}
    assert labeling.next_item(store, "alice").record_id == ids[1]


def test_closing_the_page_resumes_at_the_same_record(project, store, tmp_path) -> None:
    queued(store, project, tmp_path)
    first = labeling.next_item(store, "alice")
    again = labeling.next_item(store, "alice")  # a reload, or a new browser session
    assert again.record_id == first.record_id


def test_overlap_routes_each_record_to_k_annotators_only(project, store, tmp_path) -> None:
    ids = queued(store, project, tmp_path, n=2, overlap=2)
    seen = {name: labeling.next_item(store, name).record_id for name in ("a", "b", "c")}
    assert seen["a"] == seen["b"] == ids[0]  # the top record goes to two people
    assert seen["c"] == ids[1]               # a third annotator gets the next one


def test_skip_frees_the_slot_and_is_not_offered_again(project, store, tmp_path) -> None:
    ids = queued(store, project, tmp_path, n=2, overlap=1)
    assert labeling.next_item(store, "a").record_id == ids[0]
    labeling.skip(store, "a", ids[0])
    assert labeling.next_item(store, "a").record_id == ids[1]
    assert labeling.next_item(store, "b").record_id == ids[0]  # someone else may take it


def test_undo_retracts_the_answer_and_reopens_the_record(project, store, tmp_path) -> None:
    ids = queued(store, project, tmp_path)
    labeling.submit(store, project, "a", labeling.next_item(store, "a").record_id, ["spam"])
    labeling.submit(store, project, "a", labeling.next_item(store, "a").record_id, ["ham"])
    undone = labeling.undo(store, "a")
    assert (undone.record_id, undone.label) == (ids[1], "ham")
    assert labels_now(store) == {ids[0]: "spam"}
    assert labeling.next_item(store, "a").record_id == ids[1]  # back to the undone record
    labeling.submit(store, project, "a", ids[1], ["spam"])
    assert labels_now(store)[ids[1]] == "spam"
    with store.read() as conn:  # nothing is deleted: the retracted answer is still there
        assert annotation_log.count(conn) == 3


def test_answering_a_record_not_held_is_refused(project, store, tmp_path) -> None:
    ids = queued(store, project, tmp_path)
    with pytest.raises(NotFoundError):
        labeling.submit(store, project, "a", ids[3], ["spam"])
    item = labeling.next_item(store, "a")
    labeling.submit(store, project, "a", item.record_id, ["spam"])
    with pytest.raises(ConflictError, match="already answered"):
        labeling.submit(store, project, "a", item.record_id, ["ham"])


def test_unknown_label_and_wrong_count(project, store, tmp_path) -> None:
    queued(store, project, tmp_path)
    item = labeling.next_item(store, "a")
    with pytest.raises(InvalidInputError, match="unknown label"):
        labeling.submit(store, project, "a", item.record_id, ["spma"])
    with pytest.raises(InvalidInputError, match="exactly one"):
        labeling.submit(store, project, "a", item.record_id, ["spam", "ham"])


def test_multilabel_answers_are_sorted_sets(project, store, tmp_path) -> None:
    project.spec.task = "multilabel"
    queued(store, project, tmp_path)
    item = labeling.next_item(store, "a")
    labeling.submit(store, project, "a", item.record_id, ["spam", "ham", "spam"])
    assert json.loads(labels_now(store)[item.record_id]) == ["ham", "spam"]


def test_comments_are_kept_per_record(project, store, tmp_path) -> None:
    queued(store, project, tmp_path)
    item = labeling.next_item(store, "a")
    labeling.add_comment(store, "a", item.record_id, "  is a link spam?  ")
    with store.read() as conn:
        (saved,) = comments.for_record(conn, item.record_id)
    assert (saved["annotator"], saved["text"]) == ("a", "is a link spam?")
    with pytest.raises(InvalidInputError):
        labeling.add_comment(store, "a", item.record_id, "   ")
    with pytest.raises(NotFoundError, match="not in b's queue"):  # b never got this record
        labeling.add_comment(store, "b", item.record_id, "peeking")


def test_disagreement_enters_adjudication_and_the_decision_wins(project, store,
                                                              tmp_path) -> None:
    ids = queued(store, project, tmp_path, n=1, overlap=2)
    labeling.next_item(store, "a")
    labeling.next_item(store, "b")
    labeling.submit(store, project, "a", ids[0], ["spam"])
    assert labeling.disputes(store) == []  # one answer is no dispute
    labeling.submit(store, project, "b", ids[0], ["ham"])
    (dispute,) = labeling.disputes(store)
    assert dispute.votes == {"a": "spam", "b": "ham"}
    labeling.adjudicate(store, project, "carol", ids[0], ["ham"], reason="greeting, no offer")
    assert labeling.disputes(store) == []
    assert labels_now(store)[ids[0]] == "ham"


def test_queue_empties(project, store, tmp_path) -> None:
    ids = queued(store, project, tmp_path, n=1)
    labeling.submit(store, project, "a", labeling.next_item(store, "a").record_id, ["ham"])
    assert labeling.next_item(store, "a") is None
    assert labeling.queue_status(store).counts == {"done": 1}
    assert ids


@pytest.mark.parametrize("bad", ["bad\x00reason", "bad\ud800reason"])
def test_a_reason_or_comment_the_store_cannot_hold_is_refused_and_nothing_stored(
        project, store, tmp_path, bad) -> None:
    """The page's forms (adjudication reason, comment) follow the import's text rules too:
    a NUL or a lone surrogate is refused naming the field, not stored to fail later."""
    ids = queued(store, project, tmp_path, n=1, overlap=2)
    labeling.next_item(store, "a")
    labeling.next_item(store, "b")
    labeling.submit(store, project, "a", ids[0], ["spam"])
    labeling.submit(store, project, "b", ids[0], ["ham"])
    with pytest.raises(InvalidInputError, match="reason") as refused:
        labeling.adjudicate(store, project, "carol", ids[0], ["ham"], reason=bad)
    assert refused.value.hint
    with pytest.raises(InvalidInputError, match="comment"):
        labeling.add_comment(store, "a", ids[0], bad)
    assert [d.record_id for d in labeling.disputes(store)] == [ids[0]]  # still undecided
    with store.read() as conn:
        assert comments.for_record(conn, ids[0]) == []


def test_a_span_decision_is_checked_against_the_text_and_stored_canonical(tmp_path) -> None:
    from tests.unit.stages.span_fixtures import import_texts, span_project
    from textloop.spans import Span, decode_spans
    from textloop.storage import Store

    project = span_project(tmp_path / "ner")  # spans may not overlap
    with Store.for_project(project) as store:
        (rid,) = import_texts(store, project, tmp_path, ["Ana 😀 met Bo"])
        bad = {"outside": [Span(9, 14, "PER")], "unknown": [Span(0, 3, "PET")],
               "overlap": [Span(0, 3, "PER"), Span(2, 5, "ORG")]}
        for spans, message in zip(bad.values(), ("outside the text", "'PET' is not in",
                                                 "overlap"), strict=True):
            with pytest.raises(InvalidInputError, match=message) as found:
                labeling.adjudicate(store, project, "judge", rid, spans=spans)
            assert rid in str(found.value) and found.value.hint
        with pytest.raises(InvalidInputError, match="gives spans"):
            labeling.adjudicate(store, project, "judge", rid, ["PER"])
        with store.read() as conn:
            assert annotation_log.human_votes(conn) == []  # nothing stored
        labeling.adjudicate(store, project, "judge", rid, reason="two people",
                            spans=[Span(10, 12, "PER"), Span(0, 3, "PER")])
        with store.read() as conn:
            ((_, who, value, kind, _),) = annotation_log.human_votes(conn)
    # offsets count code points: the emoji is one, so "Bo" is 10-12
    assert (who, kind) == ("judge", "adjudicated")
    assert decode_spans(value) == [Span(0, 3, "PER"), Span(10, 12, "PER")]
