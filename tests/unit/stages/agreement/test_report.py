"""The agreement report on a small store whose every number is worked out by hand."""

from __future__ import annotations

import json

import pytest

from textloop.stages.agreement.report import agreement_report, build_report, latest_answers
from textloop.stages.ingest import ImportOptions, import_file
from textloop.stages.label.queue import adjudicate, disputes
from textloop.stages.label.resolution import current_labels
from textloop.storage import annotation_log, records

# record -> [(annotator, label, kind)] in the order they are given
ANSWERS = {
    0: [("alice", "spam", "human"), ("bob", "spam", "human")],
    1: [("alice", "spam", "human"), ("bob", "ham", "human"), ("alice", "ham", "human")],
    2: [("alice", "spam", "human"), ("bob", "ham", "human"), ("dave", "spam", "adjudicated")],
    3: [("alice", "spam", "human"), ("bob", "spam", "human"), ("carol", "ham", "human")],
    4: [("alice", "ham", "human")],
    5: [("bob", "ham", "human"), ("carol", "ham", "human")],
}


@pytest.fixture
def answered(project, store, tmp_path) -> list[str]:
    """Six records answered as in ANSWERS; carol also answers record 4, then undoes it."""
    data = tmp_path / "texts.csv"
    data.write_text("text\n" + "".join(f"message {i}\n" for i in range(8)))
    import_file(store, project, data, ImportOptions(label_col=""))
    with store.write() as conn:
        ids = sorted(r.id for r in records.iter_all(conn))
        for row, given in ANSWERS.items():
            for annotator, label, kind in given:
                annotation_log.add_one(conn, record_id=ids[row], label=label, kind=kind,
                                       annotator=annotator)
        undone = annotation_log.add_one(conn, record_id=ids[4], label="spam", kind="human",
                                        annotator="carol")
        annotation_log.retract(conn, undone)
    return ids


def test_report_numbers_match_the_hand_computation(project, store, answered) -> None:
    report = agreement_report(store, project, min_shared=2)
    assert (report.n_records, report.n_overlapping, report.n_disputed) == (6, 5, 2)
    # Fleiss, per record P_i = 1, 1, 0, 1/3, 1 -> 2/3; shares spam 5/11, ham 6/11
    assert report.fleiss_kappa.value == pytest.approx(59 / 180)
    assert report.fleiss_kappa.n_items == 5 and "different numbers" in report.fleiss_kappa.note
    # coincidences: o_ss = 3, o_hh = 4, o_sh = o_hs = 2, n = 11 -> 1 - 10 * 4 / 60
    assert report.krippendorff_alpha.value == pytest.approx(1 / 3)
    pairs = {(p.a, p.b): p for p in report.pairs}
    assert pairs["alice", "bob"].n_shared == 4 and pairs["alice", "bob"].observed == 0.75
    assert pairs["alice", "bob"].kappa.value == pytest.approx(0.5)
    assert pairs["bob", "carol"].kappa.value == pytest.approx(0.0)
    lone = pairs["alice", "carol"]
    assert lone.n_shared == 1 and lone.kappa.value is None and "at least 2" in lone.kappa.note


def test_each_annotator_against_adjudicated_labels(project, store, answered) -> None:
    report = agreement_report(store, project, min_shared=2)
    found = {a.annotator: (a.n_answers, a.n_compared, a.agreement) for a in report.annotators}
    # only record 2 is decided (dave: spam); majorities are the annotators' own votes
    assert found == {"alice": (5, 1, 1.0), "bob": (5, 1, 0.0), "carol": (2, 0, None)}


def test_disagreement_per_label_and_what_waits(project, store, answered) -> None:
    report = agreement_report(store, project)
    labels = {row.label: row for row in report.labels}
    assert (labels["spam"].n_items, labels["spam"].n_disputed) == (3, 2)
    assert labels["spam"].rate == pytest.approx(2 / 3)
    assert (labels["ham"].n_items, labels["ham"].n_disputed, labels["ham"].rate) == (4, 2, 0.5)
    assert labels["spam"].confused_with == [("ham", 3)]
    assert report.confusions == [("ham", "spam", 3)]
    assert report.awaiting_adjudication == 1  # record 3; record 2 is adjudicated
    assert report.adjudication_path == "/adjudicate"


def test_report_is_json_serializable(project, store, answered) -> None:
    data = json.loads(json.dumps(agreement_report(store, project).to_dict()))
    assert data["fleiss_kappa"]["n_items"] == 5
    assert data["pairs"][0]["a"] == "alice"
    assert data["labels"][0]["confused_with"] == [["ham", 3]]


def test_latest_answer_per_annotator_and_no_adjudications() -> None:
    rows = [("r", "a", "spam", "human", 1.0), ("r", "b", "ham", "human", 2.0),
            ("r", "a", "ham", "human", 3.0), ("r", "c", "spam", "adjudicated", 4.0)]
    assert latest_answers(rows) == {"r": {"a": "ham", "b": "ham"}}


def test_without_overlap_every_coefficient_is_missing_with_a_reason() -> None:
    report = build_report({"r1": {"a": "spam"}, "r2": {"b": "ham"}}, {}, ["spam", "ham"])
    assert report.n_overlapping == 0
    assert report.fleiss_kappa.value is None and report.fleiss_kappa.note
    assert report.krippendorff_alpha.value is None and report.krippendorff_alpha.note
    assert report.pairs[0].kappa.value is None and report.pairs[0].observed is None
    assert [a.agreement for a in report.annotators] == [None, None]
    assert [row.rate for row in report.labels] == [None, None]


def test_adjudication_queue_holds_exactly_the_undecided_disputes(project, store,
                                                                answered) -> None:
    # record 1: alice changed her mind to ham, so she and bob agree; record 2 is decided;
    # record 3 is 2 spam : 1 ham and nobody decided it
    assert [d.record_id for d in disputes(store)] == [answered[3]]
    with store.read() as conn:
        resolved = current_labels(conn, project.spec.labeling.policy)
    assert resolved[answered[3]].reason == "majority 2 of 3 (alice, bob)"
    adjudicate(store, project, "dave", answered[3], ["ham"], reason="guideline 2")
    report = agreement_report(store, project, min_shared=2)
    assert report.awaiting_adjudication == 0 and disputes(store) == []
    # the decision overrides the majority, so the majority's voters now disagree with it
    found = {a.annotator: (a.n_compared, a.agreement) for a in report.annotators}
    assert found["carol"] == (1, 1.0) and found["alice"] == (2, 0.5)
    # adjudicating does not change the annotators' agreement with each other
    assert report.n_disputed == 2


def test_one_annotator_only_says_why_nothing_is_measured() -> None:
    report = build_report({"r1": {"alice": "spam"}, "r2": {"alice": "ham"}},
                          {"r1": ("spam", "dave"), "r2": ("ham", "alice")}, ["spam", "ham"])
    assert report.pairs == [] and report.n_overlapping == 0
    assert "only one annotator (alice)" in report.note
    # a decision is compared even on a lone answer, but never with the decider's own answer
    assert [(a.annotator, a.n_answers, a.n_compared, a.agreement)
            for a in report.annotators] == [("alice", 2, 1, 1.0)]


def test_no_answers_and_no_overlap_explain_themselves() -> None:
    assert "no human answers yet" in build_report({}, {}, ["spam", "ham"]).note
    apart = build_report({"r1": {"a": "spam"}, "r2": {"b": "ham"}}, {}, ["spam", "ham"])
    assert "labeling.overlap" in apart.note and "only one" not in apart.note
    measured = build_report({"r1": {"a": "spam", "b": "spam"}}, {}, ["spam", "ham"])
    assert measured.note == ""


def test_labels_outside_the_spec_still_get_a_row() -> None:
    # a label removed from textloop.yaml after people used it stays visible in the report
    answers = {"r1": {"a": "spam", "b": "promo"}, "r2": {"a": "ham", "b": "ham"}}
    report = build_report(answers, {}, ["spam", "ham"])
    assert [row.label for row in report.labels] == ["spam", "ham", "promo"]
    promo = report.labels[2]
    assert (promo.n_items, promo.n_disputed, promo.confused_with) == (1, 1, [("spam", 1)])
    assert report.fleiss_kappa.n_items == 2


def test_pair_kappa_uses_only_records_both_answered() -> None:
    # a and b share r1..r4 (3 agree); c answers r5, r6 with a only
    answers = {"r1": {"a": "x", "b": "x"}, "r2": {"a": "y", "b": "y"},
               "r3": {"a": "x", "b": "x"}, "r4": {"a": "y", "b": "x"},
               "r5": {"a": "x", "c": "y"}, "r6": {"a": "y", "c": "y"}}
    pairs = {(p.a, p.b): p for p in build_report(answers, {}, ["x", "y"], min_shared=2).pairs}
    ab = pairs["a", "b"]
    # p_o = 3/4; a: x 2, y 2; b: x 3, y 1 -> p_e = (2*3 + 2*1) / 16 = 1/2 -> kappa 1/2
    assert (ab.n_shared, ab.observed) == (4, 0.75) and ab.kappa.value == pytest.approx(0.5)
    assert pairs["a", "c"].n_shared == 2 and pairs["a", "c"].observed == 0.5
    assert pairs["b", "c"].n_shared == 0 and pairs["b", "c"].kappa.value is None


def test_annotators_are_measured_against_adjudicated_labels_only(project, store,
                                                                 tmp_path) -> None:
    """The noisy annotator of a pair must not come out agreeing 100% with final labels
    that were decided by their own votes; only decisions by someone else count."""
    data = tmp_path / "pair.csv"
    data.write_text("text\n" + "".join(f"pair message {i}\n" for i in range(12)))
    import_file(store, project, data, ImportOptions(label_col=""))
    with store.write() as conn:
        ids = sorted(r.id for r in records.iter_all(conn))
        for i, rid in enumerate(ids):
            careful = "spam" if i % 2 else "ham"
            noisy = "spam" if i >= 8 else careful  # records 8 and 10 become ties
            for who, label in (("careful", careful), ("noisy", noisy)):
                annotation_log.add_one(conn, record_id=rid, label=label, kind="human",
                                       annotator=who)
    ties = [rid for i, rid in enumerate(ids) if i >= 8 and i % 2 == 0]
    report = agreement_report(store, project)
    assert report.disputed_records == sorted(ties) == report.awaiting_records
    assert {a.annotator: (a.n_compared, a.agreement) for a in report.annotators} == {
        "careful": (0, None), "noisy": (0, None)}  # nothing adjudicated yet
    for rid in ties:
        adjudicate(store, project, "dave", rid, ["ham"])
    report = agreement_report(store, project)
    assert {a.annotator: (a.n_compared, a.agreement) for a in report.annotators} == {
        "careful": (2, 1.0), "noisy": (2, 0.0)}
    assert report.disputed_records == sorted(ties) and report.awaiting_records == []
    assert json.loads(json.dumps(report.to_dict()))["disputed_records"] == sorted(ties)
