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
