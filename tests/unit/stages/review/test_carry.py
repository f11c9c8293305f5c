"""Review decisions carry over to later cleaning runs while the record and its labels are
unchanged; a new label or an undo re-opens the question."""

from __future__ import annotations

import pytest

from tests.unit.stages.review_fixtures import FAST, cleaned, first_of
from textloop.stages import review
from textloop.stages.clean import clean
from textloop.storage import annotation_log, findings


@pytest.fixture
def run(project, store, tmp_path):
    return cleaned(store, project, tmp_path)


def findings_of(store, cleaning: str, record_id: str) -> list[dict]:
    with store.read() as conn:
        return [f for f in findings.list_for(conn, cleaning) if f["record_id"] == record_id]


def test_a_kept_finding_is_not_flagged_again_by_the_next_run(run, project, store) -> None:
    issue, conflict = first_of(store, "label_issue"), first_of(store, "conflict")
    kept = review.keep(store, "rita", issue["id"])
    review.keep(store, "rita", conflict["id"])
    open_before = review.review_queue(store, project).open
    second = clean(store, project, FAST)
    assert second.cleaning_id == "c2" and second.carried == 2
    (again,) = findings_of(store, "c2", issue["record_id"])
    assert again["kind"] == "label_issue" and again["status"] == "kept"
    assert again["details"]["carried"] == {"decision": kept.decision_id, "cleaning": "c1",
                                           "action": "keep", "reviewer": "rita"}
    by_kind = {f["kind"]: f["status"] for f in findings_of(store, "c2", conflict["record_id"])}
    assert by_kind["conflict"] == "kept"  # a decision is per kind: its other findings stay
    assert all(status == "open" for kind, status in by_kind.items() if kind != "conflict")
    queue = review.review_queue(store, project)
    assert queue.cleaning_id == "c2" and queue.open == open_before
    assert queue.current.record_id not in {issue["record_id"], conflict["record_id"]}
    with store.read() as conn:
        assert findings.get(conn, "c2")["summary"]["carried_decisions"] == 2


def test_a_relabel_carries_over_with_the_label_it_wrote(run, project, store) -> None:
    issue = first_of(store, "label_issue")
    # the reviewer confirms the given label: the data is unchanged, so c2 flags it again
    review.relabel(store, project, "rita", issue["id"], [issue["details"]["given"]])
    clean(store, project, FAST)
    statuses = [f["status"] for f in findings_of(store, "c2", issue["record_id"])
                if f["kind"] == "label_issue"]
    assert statuses == ["relabeled"]


def test_a_new_label_on_the_record_reopens_the_finding(run, project, store) -> None:
    issue = first_of(store, "label_issue")
    review.keep(store, "rita", issue["id"])
    with store.write() as conn:  # an annotator answers later (the same label: still new)
        annotation_log.add_one(conn, record_id=issue["record_id"],
                               label=issue["details"]["given"], kind="human", annotator="anna")
    clean(store, project, FAST)
    (again,) = findings_of(store, "c2", issue["record_id"])
    assert again["status"] == "open" and "carried" not in again["details"]


def test_an_undone_decision_carries_nothing(run, project, store) -> None:
    issue = first_of(store, "label_issue")
    done = review.keep(store, "rita", issue["id"])
    review.undo(store, "rita", done.decision_id)
    assert clean(store, project, FAST).carried == 0
    assert [f["status"] for f in findings_of(store, "c2", issue["record_id"])] == ["open"]
