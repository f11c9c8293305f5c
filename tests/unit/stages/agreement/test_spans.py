"""The span agreement report on a real store, every number worked out by hand."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.unit.stages.span_fixtures import (
    ANSWERS,
    LOC,
    ORG,
    PER,
    TEXTS,
    answer,
    import_texts,
    span_project,
)
from textloop.errors import ConfigError
from textloop.spans import Span
from textloop.stages.agreement import SpanAgreement, agreement_report
from textloop.stages.label.queue import adjudicate
from textloop.storage import Store, annotation_log
from textloop.tasks.spans import SpanTask


@pytest.fixture
def spans_store(tmp_path: Path):
    project = span_project(tmp_path / "ner")
    with Store.for_project(project) as store:
        ids = import_texts(store, project, tmp_path, TEXTS)
        # ben first marked "nothing here" as a person, then corrected it (latest counts);
        # cat answered record 1 and undid it (an undone answer is no answer)
        answer(store, [ids[2]], [{"ben": [(0, 7, PER)]}])
        answer(store, ids, ANSWERS)
        with store.write() as conn:
            undone = annotation_log.add_one(conn, record_id=ids[1], kind="human",
                                            annotator="cat", label="[]")
            annotation_log.retract(conn, undone)
        yield project, store, ids


def test_span_report_numbers_match_the_hand_computation(spans_store) -> None:
    project, store, ids = spans_store
    report = agreement_report(store, project)
    assert isinstance(report, SpanAgreement)
    assert (report.n_records, report.n_overlapping, report.n_disputed) == (4, 3, 1)
    assert report.annotators == ["ann", "ben", "cat"]
    pairs = {(p.a, p.b): p for p in report.pairs}
    ab = pairs["ann", "ben"]
    # shared records 0-2; 4 spans each, 3 the same (PER 0-5, ORG 0-4, PER 11-15)
    assert (ab.n_shared, ab.observed) == (3, pytest.approx(2 / 3))
    assert (ab.strict.precision, ab.strict.recall, ab.strict.f1) == (0.75, 0.75, 0.75)
    assert ab.partial.f1 == 0.75  # LOC against ORG on Paris: another label, no credit
    # 10 tokens, 9 tagged alike; ann PER 2 O 6 LOC 1 ORG 1, ben PER 2 O 6 ORG 2:
    # p_e = (4 + 36 + 0 + 2) / 100 -> (0.9 - 0.42) / 0.58
    assert ab.kappa.value == pytest.approx(24 / 29) and ab.kappa.n_items == 10
    by_label = {row.label: row for row in ab.labels}
    assert by_label[ORG].strict.precision == 0.5 and by_label[ORG].strict.recall == 1.0
    assert by_label[LOC].strict.f1 == 0.0 and by_label[LOC].strict.precision is None
    ac = pairs["ann", "cat"]
    assert ac.n_shared == 1 and ac.strict.f1 == 1.0 and ac.kappa.value == pytest.approx(1.0)
    bc = pairs["ben", "cat"]
    # PER agrees, Paris ORG vs LOC: p_o 4/5, p_e (1 + 9) / 25
    assert bc.strict.f1 == 0.5 and bc.kappa.value == pytest.approx(2 / 3)
    assert report.strict.f1 == pytest.approx((0.75 + 1.0 + 0.5) / 3)
    assert report.kappa.value == pytest.approx((24 / 29 + 1 + 2 / 3) / 3)  # Light's kappa
    assert [row.label for row in report.labels] == [PER, ORG, LOC]
    overall = {row.label: row for row in report.labels}
    assert overall[PER].n_spans == 5 and overall[PER].strict.f1 == 1.0  # records with 2+
    assert overall[LOC].strict.f1 == pytest.approx(1 / 3)  # 0, 1, 0 over the pairs
    assert report.disputed_records == [ids[0]]
    assert [d.differing for d in report.disputes] == [[("ann", "ben"), ("ben", "cat")]]


def test_what_waits_for_adjudication_and_the_json_keys(spans_store) -> None:
    project, store, ids = spans_store
    report = agreement_report(store, project)
    assert (report.awaiting_adjudication, report.awaiting_records) == (1, [ids[0]])
    adjudicate(store, project, "judge", ids[0], reason="Paris is a place",
               spans=[Span(0, 5, PER), Span(17, 22, LOC)])
    after = agreement_report(store, project)
    assert after.awaiting_adjudication == 0 and after.disputed_records == [ids[0]]
    data = json.loads(json.dumps(after.to_dict()))
    assert data["task"] == "spans" and data["adjudication_path"] == "/adjudicate"
    assert {"strict", "partial", "kappa", "pairs", "labels", "disputes"} <= set(data)
    assert data["pairs"][0]["strict"] == {"precision": 0.75, "recall": 0.75, "f1": 0.75}


def test_one_annotator_says_what_is_missing(tmp_path: Path) -> None:
    project = span_project(tmp_path / "ner")
    with Store.for_project(project) as store:
        ids = import_texts(store, project, tmp_path, TEXTS[:2])
        answer(store, ids, [{"ann": [(0, 5, PER)]}, {"ann": []}])
        report = agreement_report(store, project)
    assert report.n_records == 2 and report.pairs == []
    assert report.kappa.value is None and "only one annotator (ann)" in report.note


def test_the_span_task_lists_agreement() -> None:
    assert "agreement" in SpanTask.verbs


def test_a_stored_answer_that_is_no_span_list_names_record_and_annotator(tmp_path) -> None:
    project = span_project(tmp_path / "ner")
    with Store.for_project(project) as store:
        ids = import_texts(store, project, tmp_path, TEXTS[:1])
        with store.write() as conn:
            annotation_log.add_one(conn, record_id=ids[0], kind="human", annotator="ann",
                                   label="PER")
        with pytest.raises(Exception, match=rf"record {ids[0]}, annotator ann") as found:
            agreement_report(store, project)
    assert not isinstance(found.value, ConfigError)


def test_min_shared_is_refused_for_spans_not_ignored(tmp_path) -> None:
    """A pair's token kappa needs no minimum of shared records: a --min-shared given for a
    span project would change nothing, so it is refused saying what it applies to."""
    from textloop.errors import InvalidInputError

    project = span_project(tmp_path / "ner")
    with Store.for_project(project) as store:
        with pytest.raises(InvalidInputError, match="--min-shared") as info:
            agreement_report(store, project, min_shared=5)
        assert "label projects" in str(info.value) and info.value.hint
        assert isinstance(agreement_report(store, project), SpanAgreement)
