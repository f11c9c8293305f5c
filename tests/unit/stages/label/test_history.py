"""``record_history``: final label with its reason, undone answers kept, unknown ids refused."""

from __future__ import annotations

import pytest

from tests.unit.stages.labeling_fixtures import queued
from textloop.errors import NotFoundError
from textloop.stages.label import queue as labeling
from textloop.stages.label.history import record_history


def test_history_keeps_undone_answers_and_explains_the_final_label(project, store,
                                                                   tmp_path) -> None:
    ids = queued(store, project, tmp_path, n=1, overlap=2)
    for who, label in (("ann", "spam"), ("bob", "ham")):
        labeling.next_item(store, who)
        labeling.submit(store, project, who, ids[0], [label])
    labeling.undo(store, "bob")
    labeling.submit(store, project, "bob", ids[0], ["spam"])
    labeling.add_comment(store, "ann", ids[0], "free prize: spam")
    found = record_history(store, project, ids[0])
    assert found.final is not None and found.final.label == "spam"
    assert found.final.reason == "majority 2 of 2 (ann, bob)"
    kept = [(a["annotator"], a["label"], a["retracted_at"] is not None)
            for a in found.annotations]
    assert kept == [("ann", "spam", False), ("bob", "ham", True), ("bob", "spam", False)]
    assert [c["text"] for c in found.comments] == ["free prize: spam"]
    assert not found.excluded


def test_unknown_record_is_a_clear_error(project, store) -> None:
    with pytest.raises(NotFoundError, match="no record with id 'nope'"):
        record_history(store, project, "nope")


def test_a_span_records_history_shows_spans_marked_in_its_text(tmp_path) -> None:
    from tests.unit.stages.rules.span_fixtures import (
        ANA_APPLE,
        BRANDS,
        add_spans,
        opened_span_project,
        span,
    )
    from textloop.stages.rules import apply_weak_labels

    with opened_span_project(tmp_path, BRANDS) as (project, store, ids):
        apply_weak_labels(store, project)
        add_spans(store, ids[ANA_APPLE], [span(ANA_APPLE, "Ana", "PER"),
                                          span(ANA_APPLE, "Apple", "BRAND")])
        found = record_history(store, project, ids[ANA_APPLE])
    assert found.final is not None and found.final.kind == "human"
    assert found.final_spans == [
        {"start": 5, "end": 8, "label": "PER", "text": "Ana"},
        {"start": 36, "end": 41, "label": "BRAND", "text": "Apple"}]
    assert found.marked == "Call [Ana](PER) at 010 9876 5432 about the [Apple](BRAND) order"
    weak, human = found.annotations
    assert weak["kind"] == "weak" and weak["spans"] == [
        {"start": 36, "end": 41, "label": "BRAND", "text": "Apple"}]
    assert weak["marked"] == "Call Ana at 010 9876 5432 about the [Apple](BRAND) order"
    assert human["marked"] == found.marked
    as_dict = found.to_dict()
    assert as_dict["final_spans"] == found.final_spans and as_dict["marked"] == found.marked


def test_a_classification_record_has_no_span_fields(project, store, tmp_path) -> None:
    (rid,) = queued(store, project, tmp_path, n=1)
    found = record_history(store, project, rid)
    assert found.final_spans is None and "final_spans" not in found.to_dict()
