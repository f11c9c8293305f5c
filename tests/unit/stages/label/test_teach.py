"""Teach mode: suggestions one at a time, most promising first; verdicts stored at once,
undoable, pre-filling the editor (accepted) or never suggested again (rejected)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.unit.stages.span_fixtures import queue_span_texts, span_project
from tests.unit.stages.span_run_fixtures import RULES as RUN_RULES
from tests.unit.stages.span_run_fixtures import queue_unlabeled, released_span_project
from textloop.config.span_rules import SpanRule
from textloop.errors import InvalidInputError
from textloop.spans import Span
from textloop.stages.label import preannotate, teach
from textloop.stages.label import queue as labeling
from textloop.stages.train import train
from textloop.storage import Store, annotation_log, span_verdicts

TEXT = "ACME hired Ana in Seoul"
RULES = [{"name": "acme", "label": "ORG", "phrases": ["ACME"]},
         {"name": "caps", "label": "ORG", "regex": r"\bACME\b"},
         {"name": "city", "label": "LOC", "phrases": ["Seoul"]},
         {"name": "name", "label": "PER", "phrases": ["Ana"]}]
ACME, ANA, SEOUL = Span(0, 4, "ORG"), Span(11, 14, "PER"), Span(18, 23, "LOC")


@pytest.fixture
def teaching(tmp_path: Path):
    project = span_project(tmp_path / "ner", span_rules=RULES)
    with Store.for_project(project) as store:
        yield project, store


def claimed(store: Store, project, texts: list[str]) -> list[str]:
    """Queue ``texts`` and open the first for alice, as her page does."""
    ids = queue_span_texts(store, texts)
    assert teach.next_teach(store, project, "alice").item.record_id == ids[0]
    return ids


def verdicts(store: Store, annotator: str, record_id: str) -> list[tuple[Span, str]]:
    with store.read() as conn:
        return [(Span(v["start"], v["end"], v["label"]), v["verdict"])
                for v in span_verdicts.standing(conn, annotator, record_id)]


def test_the_suggestion_more_sources_agree_on_comes_first(teaching) -> None:
    project, store = teaching
    queue_span_texts(store, [TEXT])
    shown = teach.next_teach(store, project, "alice")
    assert shown.target.span == ACME and shown.target.sources == ("rule:acme", "rule:caps")
    assert shown.waiting == 3 and shown.parts == ("", "ACME", " hired Ana in Seoul")


def test_verdicts_are_stored_at_once_and_shape_what_the_editor_shows(teaching) -> None:
    project, store = teaching
    (rid,) = claimed(store, project, [TEXT])
    teach.decide_suggestion(store, project, "alice", rid, [ACME], accept=True)
    assert verdicts(store, "alice", rid) == [(ACME, "accepted")]
    shown = teach.next_teach(store, project, "alice")
    assert shown.target.span == ANA and shown.waiting == 2  # then by position
    teach.decide_suggestion(store, project, "alice", rid, [ANA], accept=False)
    item = labeling.next_item(store, "alice", project=project)
    assert item.spans == (ACME,)  # accepted: the annotator's own span
    assert [s.span for s in item.suggested_spans] == [SEOUL]  # rejected: gone for alice
    other = labeling.next_item(store, "bob", project=project)
    assert other is None or other.record_id != rid
    with store.read() as conn:  # a verdict is not an answer
        assert annotation_log.history(conn, rid) == []
    teach.decide_suggestion(store, project, "alice", rid, [SEOUL], accept=True)
    done = teach.next_teach(store, project, "alice")
    assert done.target is None and done.waiting == 0 and done.item.spans == (ACME, SEOUL)
    labeling.submit(store, project, "alice", rid, list(done.item.spans))
    with store.read() as conn:
        (row,) = annotation_log.history(conn, rid)
    assert row["label"] == ('[{"start":0,"end":4,"label":"ORG"},'
                            '{"start":18,"end":23,"label":"LOC"}]')


def test_undo_takes_back_the_latest_verdict_or_answer(teaching) -> None:
    project, store = teaching
    rid, second = claimed(store, project, [TEXT, "Ana again"])
    teach.decide_suggestion(store, project, "alice", rid, [ACME], accept=True)
    teach.decide_suggestion(store, project, "alice", rid, [ANA], accept=False)
    assert teach.undo_teach(store, project, "alice") == "Took back your rejection of PER “Ana”."
    assert teach.next_teach(store, project, "alice").target.span == ANA
    labeling.submit(store, project, "alice", rid, [ACME])
    assert teach.next_teach(store, project, "alice").item.record_id == second
    notice = teach.undo_teach(store, project, "alice")
    assert notice == "Took back your answer “1 span: ORG”: answer again."
    assert teach.next_teach(store, project, "alice").item.record_id == rid
    assert teach.undo_teach(store, project, "alice") == ("Took back your acceptance of ORG "
                                                        "“ACME”.")
    assert teach.undo_teach(store, project, "alice") is None


@pytest.mark.parametrize(("span", "message"), [
    (Span(0, 3, "ORG"), "not an undecided suggestion"),
    (Span(0, 4, "PER"), "not an undecided suggestion"),
])
def test_a_verdict_on_a_span_never_suggested_is_refused(teaching, span, message) -> None:
    project, store = teaching
    (rid,) = claimed(store, project, [TEXT])
    with pytest.raises(InvalidInputError, match=message):
        teach.decide_suggestion(store, project, "alice", rid, [span], accept=True)
    teach.decide_suggestion(store, project, "alice", rid, [ACME], accept=False)
    with pytest.raises(InvalidInputError, match="not an undecided suggestion"):
        teach.decide_suggestion(store, project, "alice", rid, [ACME], accept=True)
    assert verdicts(store, "alice", rid) == [(ACME, "rejected")]


def test_an_overlap_the_project_forbids_is_refused_and_not_offered(tmp_path: Path) -> None:
    rules = [{"name": "full", "label": "ORG", "phrases": ["Bank of Seoul"]},
             {"name": "city", "label": "LOC", "phrases": ["Seoul"]}]
    project = span_project(tmp_path / "ner", span_rules=rules)
    with Store.for_project(project) as store:
        (rid,) = claimed(store, project, ["Bank of Seoul"])
        teach.decide_suggestion(store, project, "alice", rid, [Span(0, 13, "ORG")], True)
        shown = teach.next_teach(store, project, "alice")
        assert shown.target is None  # Seoul overlaps the accepted span
        with pytest.raises(InvalidInputError, match="overlap"):
            teach.decide_suggestion(store, project, "alice", rid, [Span(8, 13, "LOC")], True)
        teach.decide_suggestion(store, project, "alice", rid, [Span(8, 13, "LOC")], False)
        assert verdicts(store, "alice", rid)[-1] == (Span(8, 13, "LOC"), "rejected")


def test_the_models_highest_scored_suggestion_comes_first(tmp_path: Path) -> None:
    """Scores from the current span model order teach mode: Ana (1.0, both PER rules of the
    run's model) before Bob (0.5) though Bob comes first in the text; no other source. (The
    run keeps its raw scores: a calibrator fitted on this tiny validation split could tie
    them.)"""
    names = SpanRule(name="first-names", label="PER", phrases=["Ana", "Bob"])
    with released_span_project(tmp_path, rules=(*RUN_RULES, names)) as (project, store, _):
        project.spec.calibration.method = "none"
        train(store, project)
        project.spec.span_rules = []
        (record_id,) = queue_unlabeled(store, project, ["Bob met Ana"], tmp_path).values()
        preannotate(store, project, source="model")
        shown = teach.next_teach(store, project, "alice")
        assert shown.item.record_id == record_id and shown.waiting == 2
        assert (shown.target.span, shown.target.sources, shown.target.score) == (
            Span(8, 11, "PER"), ("model",), 1.0)
        teach.decide_suggestion(store, project, "alice", record_id, [Span(8, 11, "PER")],
                                accept=True)
        after = teach.next_teach(store, project, "alice").target
        assert (after.span, after.score) == (Span(0, 3, "PER"), 0.5)
