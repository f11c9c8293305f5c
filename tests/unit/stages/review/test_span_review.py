"""Reviewing span findings: accepting the fix edits the record's current spans as a review
annotation naming the finding, edits are checked against the text, every decision undoes,
and the change reaches the next release's diff."""

from __future__ import annotations

import json

import pytest
import yaml

from tests.unit.stages.clean.span_clean_fixtures import span_clean_project
from textloop.errors import ConflictError, InvalidInputError
from textloop.spans import Span, decode_spans, encode_spans
from textloop.stages import review
from textloop.stages.label.resolution import current_labels, labeled_records
from textloop.stages.release import create_release
from textloop.storage import Store, annotation_log, findings

TEXT = "Alice flew to Prague last week"  # planted: Prague's LOC span dropped


CONFIG = {"method": "textloop.cleaning.span-confident.v1",
          "models": ["textloop.model.minilm-crf.v1"]}


def shown(start: int, end: int, label: str) -> dict:
    return {"start": start, "end": end, "label": label, "text": TEXT[start:end]}


@pytest.fixture
def spans_store(tmp_path):
    project, ids, _ = span_clean_project(tmp_path)
    with Store.for_project(project) as store:
        rid = ids[TEXT]
        rows = [  # what `textloop clean` stores for this record (stages.clean.span_issues)
            {"record_id": rid, "kind": "missing_span", "score": 0.01,
             "details": {"given": None, "suggested": shown(14, 20, "LOC")}},
            {"record_id": rid, "kind": "wrong_boundary", "score": 0.2,
             "details": {"given": shown(0, 5, "PER"), "suggested": shown(0, 10, "PER")}},
            {"record_id": rid, "kind": "spurious_span", "score": 0.3,
             "details": {"given": shown(0, 5, "PER"), "suggested": None}},
        ]
        with store.write() as conn:
            run = findings.add(conn, config=CONFIG, summary={}, rows=rows)
            found = findings.list_for(conn, run["id"])
        yield project, store, rid, {f["kind"]: f["id"] for f in found}


def spans_of(store, rid) -> list[Span]:
    with store.read() as conn:
        return decode_spans(current_labels(conn)[rid].label)


def test_accepting_a_missing_span_adds_it_to_the_current_spans(spans_store) -> None:
    project, store, rid, found = spans_store
    evidence = review.evidence(store, project, found["missing_span"])
    assert evidence.suggested == "add LOC “Prague”" and evidence.can_accept
    assert [(p["text"], p["predicted"]) for p in evidence.parts] == [
        ("Alice flew to ", None), ("Prague", "LOC"), (" last week", None)]
    assert "models trained without this record mark LOC “Prague”" in evidence.reason
    done = review.accept(store, project, "rita", found["missing_span"])
    assert spans_of(store, rid) == [Span(0, 5, "PER"), Span(14, 20, "LOC")]
    assert done.label == encode_spans([Span(0, 5, "PER"), Span(14, 20, "LOC")])
    with store.read() as conn:
        latest = annotation_log.history(conn, rid)[-1]
    assert latest["kind"] == "review" and latest["annotator"] == "rita"
    meta = json.loads(latest["meta"]) if isinstance(latest["meta"], str) else latest["meta"]
    assert meta["finding"] == found["missing_span"] and meta["finding_kind"] == "missing_span"
    assert meta["action"] == "accept"


def test_fixes_apply_to_the_spans_as_they_are_now_and_undo_restores_them(spans_store) -> None:
    project, store, rid, found = spans_store
    review.accept(store, project, "rita", found["missing_span"])
    review.accept(store, project, "rita", found["wrong_boundary"])  # PER 0-5 -> 0-10
    assert spans_of(store, rid) == [Span(0, 10, "PER"), Span(14, 20, "LOC")]
    # the spurious finding names PER 0-5, which the boundary fix replaced: refused, not guessed
    with pytest.raises(ConflictError, match="no longer has the span PER 0–5"):
        review.accept(store, project, "rita", found["spurious_span"])
    review.undo(store, "rita")
    assert spans_of(store, rid) == [Span(0, 5, "PER"), Span(14, 20, "LOC")]
    review.accept(store, project, "rita", found["spurious_span"])  # now PER 0-5 is there
    assert spans_of(store, rid) == [Span(14, 20, "LOC")]
    review.undo(store, "rita")
    review.undo(store, "rita")
    assert spans_of(store, rid) == [Span(0, 5, "PER")]
    with store.read() as conn:
        assert {f["status"] for f in findings.list_for(conn, "c1")} == {"open"}


def test_an_edit_is_checked_against_the_text_and_the_types(spans_store) -> None:
    project, store, rid, found = spans_store
    refused = f"finding {found['wrong_boundary']}, record {rid}: span 0-99 \\(PER\\) is outside"
    with pytest.raises(InvalidInputError, match=refused) as caught:
        review.edit(store, project, "rita", found["wrong_boundary"],
                    json.dumps([{"start": 0, "end": 99, "label": "PER"}]))
    assert "code points" in caught.value.hint
    with pytest.raises(InvalidInputError, match="ORG"):
        review.edit(store, project, "rita", found["wrong_boundary"],
                    json.dumps([{"start": 0, "end": 5, "label": "ORG"}]))
    # a single label, as the classification keys send, is no span list: refused, not stored
    with pytest.raises(InvalidInputError, match=f"record {rid}"):
        review.relabel(store, project, "rita", found["wrong_boundary"], ["PER"])
    assert spans_of(store, rid) == [Span(0, 5, "PER")]
    done = review.edit(store, project, "rita", found["wrong_boundary"],
                       json.dumps([{"start": 14, "end": 20, "label": "LOC"},
                                   {"start": 0, "end": 5, "label": "PER"}]))
    assert done.action == "relabel"
    assert spans_of(store, rid) == [Span(0, 5, "PER"), Span(14, 20, "LOC")]


def test_keep_and_exclude_work_on_span_findings(spans_store) -> None:
    _, store, rid, found = spans_store
    review.keep(store, "rita", found["spurious_span"])
    assert spans_of(store, rid) == [Span(0, 5, "PER")]
    review.exclude(store, "rita", found["missing_span"])
    with store.read() as conn:
        assert rid not in {r.id for r in labeled_records(conn)}
    review.undo(store, "rita")
    with store.read() as conn:
        assert rid in {r.id for r in labeled_records(conn)}


def test_an_accepted_fix_shows_in_the_next_release_diff(spans_store) -> None:
    project, store, rid, found = spans_store
    create_release(store, project)
    review.accept(store, project, "rita", found["missing_span"])
    release = create_release(store, project)
    diff = json.loads((release.path / "diff.json").read_text())
    assert diff["relabeled"] == [{"id": rid, "old": encode_spans([Span(0, 5, "PER")]),
                                  "new": encode_spans([Span(0, 5, "PER"),
                                                       Span(14, 20, "LOC")])}]
    card = (release.path / "README.md").read_text()
    assert "relabeled" in card
    # the card names the cleaning run's versioned method and what the review decided
    assert "## Cleaning" in card
    assert "method `textloop.cleaning.span-confident.v1`" in card
    assert "`textloop.model.minilm-crf.v1`" in card
    assert "by review decision: accepted 1, open 2" in card
    described = yaml.safe_load((release.path / "dataset.yaml").read_text())["cleaning"]
    assert described["method"] == "textloop.cleaning.span-confident.v1"
    assert described["models"] == ["textloop.model.minilm-crf.v1"]


def test_the_label_filter_keeps_span_findings_of_that_span_type(spans_store) -> None:
    project, store, _, found = spans_store
    loc = review.review_queue(store, project, flt=review.ReviewFilter(label="LOC"))
    assert loc.open_by_kind == {"missing_span": 1} and loc.matching == 1
    assert loc.current.finding_id == found["missing_span"]
    per = review.review_queue(store, project, flt=review.ReviewFilter(label="PER"))
    assert per.open_by_kind == {"spurious_span": 1, "wrong_boundary": 1}
    wrong = review.review_queue(store, project, flt=review.ReviewFilter(kind="wrong_boundary",
                                                                         label="LOC"))
    assert wrong.current is None and wrong.matching == 0
