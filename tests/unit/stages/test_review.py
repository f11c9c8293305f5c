"""Reviewing ``textloop clean`` findings: the queue and its evidence, each decision with its
provenance, undo, and exclusions leaving and re-entering releases."""

from __future__ import annotations

import json

import pytest

from tests.unit.stages.review_fixtures import CONFLICT, DUPLICATES, cleaned, first_of
from textloop.errors import ConflictError, InvalidInputError
from textloop.stages import review
from textloop.stages.label.resolution import current_labels, labeled_records
from textloop.stages.release import create_release
from textloop.storage import annotation_log, findings, reviews


@pytest.fixture
def run(project, store, tmp_path):
    return cleaned(store, project, tmp_path)


def label_of(store, record_id):
    with store.read() as conn:
        return current_labels(conn)[record_id]


def status_of(store, finding_id):
    with store.read() as conn:
        return findings.get_one(conn, finding_id)["status"]


def released_ids(store):
    with store.read() as conn:
        return {r.id for r in labeled_records(conn)}


def test_the_queue_starts_with_the_surest_label_issue_and_shows_its_evidence(
        run, project, store) -> None:
    queue = review.review_queue(store, project)
    issues = sorted((f for f in run.findings if f.kind == "label_issue"),
                    key=lambda f: f.score or 0.0)
    shown = queue.current
    assert queue.cleaning_id == "c1"
    assert queue.open_by_kind == {"label_issue": 7, "conflict": 2, "duplicate": 3}
    assert (shown.kind, shown.record_id) == ("label_issue", issues[0].record_id)
    given, suggested = issues[0].details["given"], issues[0].details["suggested"]
    assert shown.suggested == suggested != given
    assert f"labeled {given} (import label)" in shown.reason and suggested in shown.reason
    assert (shown.label.label, shown.label.reason) == (given, "import label")
    assert len(shown.neighbours) == 5 and shown.neighbour_space == "tfidf"
    assert all(n.label in ("spam", "ham") and n.text for n in shown.neighbours)
    assert shown.can_accept and not shown.can_merge


def test_accept_relabels_with_the_suggestion_as_a_review_annotation(run, project,
                                                                     store) -> None:
    shown = review.review_queue(store, project).current
    done = review.accept(store, project, "rita", shown.finding_id)
    assert label_of(store, shown.record_id) == (shown.suggested, "review", "reviewed by rita")
    assert status_of(store, shown.finding_id) == "accepted"
    with store.read() as conn:
        (decision,) = reviews.for_finding(conn, shown.finding_id)
        (note,) = [a for a in annotation_log.human_votes(conn, [shown.record_id])]
    assert (decision["reviewer"], decision["action"], decision["cleaning_id"]) == (
        "rita", "accept", "c1")
    assert decision["annotation_id"] is not None and decision["id"] == done.decision_id
    assert done.label == decision["label"] == shown.suggested
    assert note[1:4] == ("rita", shown.suggested, "review")
    after = review.review_queue(store, project)
    assert after.current.finding_id != shown.finding_id
    assert after.open_by_kind["label_issue"] == 6 and after.decided == 1
    assert [d.action for d in after.recent] == ["accept"]


def test_the_annotation_names_the_finding_and_run_it_answers(run, project, store) -> None:
    finding = first_of(store, "label_issue")
    review.accept(store, project, "rita", finding["id"])
    with store.read() as conn:
        decision = reviews.for_finding(conn, finding["id"])[0]
        row = conn.execute(annotation_log.table.select().where(
            annotation_log.table.c.id == decision["annotation_id"])).mappings().one()
    assert json.loads(row["meta"]) == {"action": "accept", "cleaning": "c1",
                                       "finding": finding["id"], "finding_kind": "label_issue"}
    assert row["record_id"] == finding["record_id"] and row["created_at"] > 0


def test_undo_takes_the_label_back_and_reopens_the_finding(run, project, store) -> None:
    shown = review.review_queue(store, project).current
    before = label_of(store, shown.record_id)
    review.accept(store, project, "rita", shown.finding_id)
    undone = review.undo(store, "rita")
    assert undone is not None and undone.finding_id == shown.finding_id
    assert label_of(store, shown.record_id) == before
    assert status_of(store, shown.finding_id) == "open"
    with store.read() as conn:
        (decision,) = reviews.for_finding(conn, shown.finding_id)
    assert decision["undone_by"] == "rita" and decision["undone_at"] is not None
    assert review.review_queue(store, project).current.finding_id == shown.finding_id
    assert review.undo(store, "rita") is None  # nothing standing is left to undo


def test_keep_changes_no_label_but_records_who_decided(run, project, store) -> None:
    finding = first_of(store, "label_issue")
    before = label_of(store, finding["record_id"])
    review.keep(store, "kim", finding["id"])
    assert label_of(store, finding["record_id"]) == before
    assert status_of(store, finding["id"]) == "kept"
    with store.read() as conn:
        (decision,) = reviews.for_finding(conn, finding["id"])
    assert (decision["reviewer"], decision["action"], decision["annotation_id"]) == (
        "kim", "keep", None)


def test_relabel_stores_the_chosen_label_and_refuses_unknown_ones(run, project,
                                                                  store) -> None:
    finding = first_of(store, "conflict")
    with pytest.raises(InvalidInputError, match="unknown label 'eggs'"):
        review.relabel(store, project, "rita", finding["id"], ["eggs"])
    assert status_of(store, finding["id"]) == "open"
    review.relabel(store, project, "rita", finding["id"], ["spam"])
    assert label_of(store, finding["record_id"]).label == "spam"
    assert status_of(store, finding["id"]) == "relabeled"


def test_a_decided_finding_is_not_decided_twice(run, project, store) -> None:
    finding = first_of(store, "label_issue")
    review.keep(store, "kim", finding["id"])
    with pytest.raises(ConflictError, match="already kept") as info:
        review.exclude(store, "rita", finding["id"])
    assert "undo" in (info.value.hint or "")


def test_accept_needs_a_suggestion_and_merge_needs_a_cluster(run, project, store) -> None:
    with pytest.raises(InvalidInputError, match="suggests no label"):
        review.accept(store, project, "rita", first_of(store, "duplicate")["id"])
    with pytest.raises(InvalidInputError, match="no duplicate cluster"):
        review.merge(store, project, "rita", first_of(store, "label_issue")["id"])


def test_an_excluded_record_leaves_the_release_and_undo_brings_it_back(run, project,
                                                                      store) -> None:
    create_release(store, project)
    finding = first_of(store, "label_issue")
    rid = finding["record_id"]
    before = label_of(store, rid)
    review.exclude(store, "rita", finding["id"])
    assert rid not in released_ids(store)
    assert label_of(store, rid) == before  # its label stands; only releases leave it out
    v2 = create_release(store, project)
    assert v2.diff_counts["removed"] == 1
    diff = json.loads((v2.path / "diff.json").read_text())
    assert diff["removed"] == [rid]
    assert "-1 removed" in (v2.path / "README.md").read_text()
    with store.read() as conn:
        (row,) = reviews.exclusions_of(conn, rid)
    assert (row["excluded_by"], row["reason"], row["restored_at"]) == ("rita", "excluded", None)
    review.undo(store, "rita")
    assert rid in released_ids(store) and status_of(store, finding["id"]) == "open"
    v3 = create_release(store, project)
    assert json.loads((v3.path / "diff.json").read_text())["added"] == [rid]
    with store.read() as conn:
        (row,) = reviews.exclusions_of(conn, rid)
    assert row["restored_by"] == "rita" and row["restored_at"] is not None  # kept as history


def test_a_relabel_shows_in_the_next_release_diff(run, project, store) -> None:
    create_release(store, project)
    shown = review.review_queue(store, project).current
    review.accept(store, project, "rita", shown.finding_id)
    diff = json.loads((create_release(store, project).path / "diff.json").read_text())
    assert diff["relabeled"] == [{"id": shown.record_id, "old": shown.label.label,
                                  "new": shown.suggested}]


def test_merge_keeps_one_record_and_excludes_the_others_as_its_duplicates(
        run, project, store) -> None:
    finding = first_of(store, "duplicate")
    kept = finding["details"]["of"]
    members = review.evidence(store, project, finding["id"]).cluster
    assert len(members) == len(DUPLICATES) and [m.kept for m in members].count(True) == 1
    done = review.merge(store, project, "rita", finding["id"])
    others = [m.record_id for m in members if m.record_id != kept]
    assert sorted(done.excluded) == sorted(others)
    ids = released_ids(store)
    assert kept in ids and not set(others) & ids
    with store.read() as conn:
        links = {rid: reviews.exclusions_of(conn, rid)[0] for rid in others}
        cluster = findings.in_cluster(conn, "c1", finding["details"]["cluster"])
    assert {(r["reason"], r["duplicate_of"]) for r in links.values()} == {("duplicate", kept)}
    assert {f["status"] for f in cluster} == {"merged"}
    review.undo(store, "rita")
    assert set(others) <= released_ids(store)
    with store.read() as conn:
        assert {f["status"] for f in findings.in_cluster(conn, "c1", "d1")} == {"open"}


def test_merging_a_conflict_keeps_the_reviewed_record_with_a_chosen_label(
        run, project, store) -> None:
    finding = first_of(store, "conflict")
    shown = review.evidence(store, project, finding["id"])
    assert shown.can_merge and {m.label for m in shown.cluster} == {"spam", "ham"}
    assert len(shown.cluster) == len(CONFLICT)
    review.merge(store, project, "rita", finding["id"], labels=["ham"])
    assert label_of(store, finding["record_id"]) == ("ham", "review", "reviewed by rita")
    ids = released_ids(store)
    other = next(m.record_id for m in shown.cluster if m.record_id != finding["record_id"])
    assert finding["record_id"] in ids and other not in ids
    assert review.review_queue(store, project).open_by_kind.get("conflict") is None


def test_any_decision_can_be_undone_by_id_by_another_reviewer(run, project, store) -> None:
    first, second = first_of(store, "label_issue"), first_of(store, "conflict")
    old = review.exclude(store, "rita", first["id"])
    review.keep(store, "rita", second["id"])
    review.undo(store, "kim", old.decision_id)
    assert first["record_id"] in released_ids(store)
    assert status_of(store, second["id"]) == "kept"  # only the named decision was undone
    with pytest.raises(ConflictError, match="already undone by kim"):
        review.undo(store, "rita", old.decision_id)


def test_without_a_cleaning_run_the_queue_is_empty(project, store) -> None:
    queue = review.review_queue(store, project)
    assert (queue.cleaning_id, queue.current, queue.open) == (None, None, 0)
