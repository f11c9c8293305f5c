"""Span suggestions for the labeling page: span rules, and an LLM asked ahead of labeling
(``preannotate``) through a real OpenAI-compatible server on 127.0.0.1, its answers cached
per text, model and prompt version in the store and read back without asking again."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from tests.unit.stages.preannotate_fixtures import (
    KEY_ENV,
    LABELED,
    QUEUED,
    SECRET,
    configure,
    make_span_project,
    mentions,
)
from tests.unit.stages.span_run_fixtures import RULES, queue_unlabeled, released_span_project
from tests.unit.strategies.synth.chat_server import ChatServer, Step
from textloop.config import Label, Project, SpanRule
from textloop.errors import ConfigError, ExternalServiceError, InvalidInputError, NotFoundError
from textloop.spans import Span, encode_spans
from textloop.stages.label import preannotate, span_suggesters, suggest_spans
from textloop.stages.project.init import init_project
from textloop.stages.runs import load_run
from textloop.stages.train import train
from textloop.stages.versions import register_run
from textloop.storage import Store, annotation_log, model_versions, queue, records
from textloop.strategies.span_suggest import SuggestedSpan


@pytest.fixture
def span_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                 ) -> Iterator[tuple[Project, Store, dict[str, str]]]:
    project, ids = make_span_project(tmp_path, monkeypatch)
    with Store.for_project(project) as store:
        yield project, store, ids


def test_without_suggest_llm_no_llm_suggests_and_preannotate_says_what_to_set(
        span_project) -> None:
    project, store, _ = span_project
    # only the model's cache is read (empty: nothing pre-annotated); no LLM is listed
    assert [s.name for s in span_suggesters(store, project)] == ["model", "learner"]
    assert suggest_spans(store, project, QUEUED[0]) == []
    with pytest.raises(ConfigError, match=r"labeling\.suggest_llm is not set") as info:
        preannotate(store, project, source="llm")
    assert "base_url" in (info.value.hint or "")
    # without a source, a project with no LLM pre-annotates with its model: there is none
    with pytest.raises(NotFoundError, match="no span model to pre-annotate with") as info:
        preannotate(store, project)
    assert "textloop train" in (info.value.hint or "")
    assert "labeling.suggest_llm" in (info.value.hint or "")


def test_preannotated_llm_spans_are_suggested_for_queued_records_and_never_asked_twice(
        span_project, chat_server: ChatServer, tmp_path: Path) -> None:
    project, store, _ = span_project
    configure(project, chat_server)
    chat_server.replies = [
        mentions(("Ana", "PER"), ("Acme", "ORG")),
        mentions(("Bo", "PER"), ("Cy", "PER"), ("Initech", "ORG"), ("Zed", "PER"),
                 ("Bo", "ANIMAL")),
        "```json\n" + mentions(("김철수", "PER"), ("삼성전자", "ORG")) + "\n```",
    ]
    first = preannotate(store, project)
    assert (first.waiting, first.asked, first.cached) == (3, 3, 0)
    assert first.suggested == 7 and first.dropped == {"not_found": 1, "unknown_label": 1}
    assert (first.model, first.prompt) == ("tiny-llm", "spans.v1")
    assert len(first.examples) == 2

    assert suggest_spans(store, project, QUEUED[0]) == [
        SuggestedSpan(0, 3, "PER", "llm"), SuggestedSpan(13, 17, "ORG", "llm")]
    korean = suggest_spans(store, project, QUEUED[2])
    assert [(QUEUED[2][s.start:s.end], s.label) for s in korean] == [("김철수", "PER"),
                                                                     ("삼성전자", "ORG")]
    assert [(s.start, s.end) for s in korean] == [(0, 3), (5, 9)]
    assert suggest_spans(store, project, "a text never pre-annotated") == []

    # each prompt: the guideline, the people's examples, the queued text as a JSON string
    asked = [seen.body["messages"][0]["content"] for seen in chat_server.requests]
    assert len(asked) == 3 and '"Ana works at Acme"' in asked[0]
    assert all("- PER: People, by name" in prompt for prompt in asked)
    assert all('Text: "Dana joined Globex"' in prompt and '"Eve left Hooli"' in prompt
               for prompt in asked)
    assert chat_server.requests[0].headers["Authorization"] == f"Bearer {SECRET}"

    again = preannotate(store, project)
    assert (again.asked, again.cached, again.suggested) == (0, 3, 0)
    assert len(chat_server.requests) == 3  # the cache answered
    for stored in (project.store_dir).rglob("*"):
        if stored.is_file():
            assert SECRET.encode() not in stored.read_bytes(), stored


def test_another_model_or_prompt_is_asked_again_and_shows_only_its_own_answers(
        span_project, chat_server: ChatServer) -> None:
    project, store, _ = span_project
    configure(project, chat_server)
    chat_server.replies = [mentions(("Ana", "PER"))]
    preannotate(store, project, limit=1)
    assert [s.label for s in suggest_spans(store, project, QUEUED[0])] == ["PER"]
    project.spec.labeling.suggest_llm = project.spec.labeling.suggest_llm.model_copy(
        update={"model": "bigger-llm"})
    assert suggest_spans(store, project, QUEUED[0]) == []
    chat_server.replies = [mentions(("Acme", "ORG"))]
    assert preannotate(store, project, limit=1).asked == 1
    assert [s.label for s in suggest_spans(store, project, QUEUED[0])] == ["ORG"]


def test_limit_takes_the_queue_in_the_order_annotators_get_it(
        span_project, chat_server: ChatServer) -> None:
    project, store, _ = span_project
    configure(project, chat_server, examples=0)
    chat_server.replies = ["{}"]
    result = preannotate(store, project, limit=2)
    assert (result.waiting, result.asked, result.examples) == (2, 2, [])
    assert result.dropped == {"malformed": 2}
    asked = [seen.body["messages"][0]["content"] for seen in chat_server.requests]
    assert json.dumps(QUEUED[0]) in asked[0] and json.dumps(QUEUED[1]) in asked[1]
    assert "(none yet)" in asked[0]
    assert preannotate(store, project).asked == 1  # only the third is left
    with pytest.raises(ConfigError, match="at least 1"):
        preannotate(store, project, limit=0)


def test_a_record_waiting_for_a_second_annotator_is_never_an_example(
        span_project, chat_server: ChatServer) -> None:
    project, store, ids = span_project
    with store.write() as conn:  # the first annotator answered a queued record
        annotation_log.add_one(conn, record_id=ids[QUEUED[1]], kind="human", annotator="bo",
                               label=encode_spans([Span(0, 2, "PER")]))
    configure(project, chat_server, examples=5)
    chat_server.replies = ["[]"]
    result = preannotate(store, project, limit=1)  # not asking about that record this time
    assert sorted(result.examples) == sorted(ids[t] for t in LABELED)
    assert all('Text: "Bo met Cy at Initech"\nAnswer' not in seen.body["messages"][0]["content"]
               for seen in chat_server.requests)


def test_a_failing_endpoint_stops_the_run_keeping_what_was_answered_and_no_key_is_shown(
        span_project, chat_server: ChatServer) -> None:
    project, store, _ = span_project
    configure(project, chat_server)
    chat_server.script = [Step(), Step(503, b'{"error": "overloaded"}')]
    chat_server.replies = [mentions(("Ana", "PER"))]
    with pytest.raises(ExternalServiceError, match="HTTP 503") as info:
        preannotate(store, project)
    assert SECRET not in info.value.message and SECRET not in (info.value.hint or "")
    assert [s.label for s in suggest_spans(store, project, QUEUED[0])] == ["PER"]
    chat_server.replies = ["[]"]
    assert preannotate(store, project).asked == 2  # the first answer was kept

    chat_server.script = [Step(401, b'{"error": "bad key"}')]
    with store.write() as conn:
        queue.enqueue(conn, [{"record_id": next(r.id for r in records.iter_all(conn)
                                               if r.text == "Eve left Hooli"),
                              "priority": 0.0, "strategy": "test", "batch_id": "b2",
                              "overlap": 1, "suggestion": None, "confidence": None}])
    with pytest.raises(ExternalServiceError, match="refused the credentials") as info:
        preannotate(store, project)
    assert KEY_ENV in (info.value.hint or "") and SECRET not in str(info.value.to_dict())


def test_rules_and_the_llm_both_suggest_and_the_same_span_is_listed_per_source(
        span_project, chat_server: ChatServer) -> None:
    project, store, _ = span_project
    project.spec.span_rules = [SpanRule(name="firms", label="ORG", phrases=["Acme"])]
    configure(project, chat_server)
    chat_server.replies = [mentions(("Ana", "PER"), ("Acme", "ORG"))]
    preannotate(store, project, limit=1)
    assert [s.name for s in span_suggesters(store, project)] == [
        "rules", "model", "learner", "llm"]
    assert suggest_spans(store, project, QUEUED[0]) == [
        SuggestedSpan(0, 3, "PER", "llm"), SuggestedSpan(13, 17, "ORG", "llm"),
        SuggestedSpan(13, 17, "ORG", "rule:firms")]


def test_stored_suggestions_follow_the_projects_labels_and_overlap_setting_now(
        span_project, chat_server: ChatServer) -> None:
    project, store, _ = span_project
    project.spec.spans.overlapping = True
    configure(project, chat_server)
    chat_server.replies = [mentions(("Ana works", "PER"), ("Ana", "PER"), ("Acme", "ORG"))]
    preannotate(store, project, limit=1)
    assert len(suggest_spans(store, project, QUEUED[0])) == 3
    project.spec.spans.overlapping = False
    project.spec.labels = [label for label in project.spec.labels if label.name != "ORG"]
    assert suggest_spans(store, project, QUEUED[0]) == [SuggestedSpan(0, 9, "PER", "llm")]


def test_preannotate_refuses_a_classification_project(tmp_path: Path) -> None:
    project = init_project(tmp_path / "cls", labels=[Label(name="spam"), Label(name="ham")])
    with Store.for_project(project) as store, pytest.raises(ConfigError, match="span"):
        preannotate(store, project)


def test_an_unknown_prompt_template_is_refused_before_anything_is_asked(
        span_project, chat_server: ChatServer) -> None:
    project, store, _ = span_project
    configure(project, chat_server, template="spans.v9")
    with pytest.raises(NotFoundError, match=r"no prompt template 'spans\.v9'") as info:
        preannotate(store, project)
    assert "spans.v1" in (info.value.hint or "") and chat_server.requests == []


# --- suggestions from the current span model -------------------------------------------

NAMES = SpanRule(name="first-names", label="PER", phrases=["Ana", "Bob"])
"""With ``RULES``' ``people`` (Ana), the span-rules model scores Ana 1.0 (both PER rules)
and Bob 0.5 (one of two)."""
TO_LABEL = ["Bob met Ana at Acme", "김철수 010-1111-2222", "no entities at all"]


def test_the_current_models_scored_spans_are_cached_and_suggested_never_predicted_twice(
        tmp_path: Path) -> None:
    with released_span_project(tmp_path, rules=(*RULES, NAMES)) as (project, store, _):
        with pytest.raises(NotFoundError, match="no span model") as info:
            preannotate(store, project, source="model")
        assert "textloop train" in (info.value.hint or "")
        first_run = train(store, project).run_name
        queue_unlabeled(store, project, TO_LABEL, tmp_path)
        project.spec.span_rules = []  # only the model suggests from here on
        project.save()
        built_before = span_suggesters(store, project)  # as a page open during the run

        first = preannotate(store, project)  # no LLM configured: the model
        assert (first.source, first.run, first.chosen, first.version) == (
            "model", first_run, "latest", None)
        assert (first.waiting, first.asked, first.cached, first.suggested) == (3, 3, 0, 4)
        assert [s.name for s in built_before] == ["model", "learner"]
        # the run's calibrated scores, as /v1/extract serves them (raw: Bob 0.5, Ana 1.0)
        calibrated = load_run(store, first_run).span_calibration
        assert calibrated is not None
        half, one = (float(calibrated.map_for("PER").apply(np.array([v]))[0]) for v in (0.5, 1))
        assert half <= one < 1.0
        assert suggest_spans(store, project, TO_LABEL[0], built_before) == [
            SuggestedSpan(0, 3, "PER", "model", pytest.approx(half)),
            SuggestedSpan(8, 11, "PER", "model", pytest.approx(one)),
            SuggestedSpan(15, 19, "ORG", "model", pytest.approx(one))]
        assert [(TO_LABEL[1][s.start:s.end], s.label, s.score)
                for s in suggest_spans(store, project, TO_LABEL[1])] == [
            ("010-1111-2222", "PHONE", pytest.approx(one))]
        assert suggest_spans(store, project, TO_LABEL[2]) == []

        again = preannotate(store, project, source="model")
        assert (again.asked, again.cached, again.suggested) == (0, 3, 0)

        # a new run (a third PER rule, on Bob: Bob 2/3, Ana 2/3) predicts again and takes over
        project.spec.span_rules = [*RULES, NAMES,
                                   SpanRule(name="bob", label="PER", phrases=["Bob"])]
        project.save()
        second_run = train(store, project, calibration="none").run_name  # raw scores
        project.spec.span_rules = []
        second = preannotate(store, project)
        assert (second.run, second.asked, second.cached) == (second_run, 3, 0)
        assert [(s.start, s.label, s.score) for s in suggest_spans(store, project, TO_LABEL[0])
                ] == [(0, "PER", pytest.approx(2 / 3)), (8, "PER", pytest.approx(2 / 3)),
                      (15, "ORG", 1.0)]

        # the run given is used whatever is current, and it still asks nothing new
        given = preannotate(store, project, run=first_run)
        assert (given.source, given.run, given.chosen, given.asked) == (
            "model", first_run, "given", 0)


def test_the_champion_is_preferred_to_the_latest_run(tmp_path: Path) -> None:
    with released_span_project(tmp_path) as (project, store, _):
        champion_run = train(store, project).run_name
        registered = register_run(store, project, champion_run, actor="test")
        with store.write() as conn:
            model_versions.move_alias(conn, "champion", registered.version["version"],
                                      action="promote", actor="test")
        train(store, project)  # a later run, not the champion
        queue_unlabeled(store, project, TO_LABEL[:1], tmp_path)
        result = preannotate(store, project, source="model")
        assert (result.run, result.chosen, result.version) == (champion_run, "champion", "m1")


def test_a_source_that_does_not_fit_is_refused_before_any_work(
        span_project, chat_server: ChatServer) -> None:
    project, store, _ = span_project
    with pytest.raises(InvalidInputError, match="'human' is not a suggestion source"):
        preannotate(store, project, source="human")
    configure(project, chat_server)
    with pytest.raises(InvalidInputError, match="--run 3 names a span model"):
        preannotate(store, project, source="llm", run="3")
    assert chat_server.requests == []
