"""``textloop preannotate`` through the CLI runner, against a scripted OpenAI-compatible
server on 127.0.0.1; and ``Project.preannotate``, the same call from Python."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.unit.cli.json_output import json_of
from tests.unit.stages.preannotate_fixtures import (
    QUEUED,
    SECRET,
    configure,
    make_span_project,
    mentions,
)
from tests.unit.stages.span_run_fixtures import queue_unlabeled, released_span_project
from tests.unit.strategies.synth.chat_server import ChatServer, Step
from textloop.api import open_project
from textloop.cli.console import console
from textloop.cli.main import app
from textloop.spans import Span
from textloop.stages.label import suggest_spans
from textloop.stages.runs import load_run
from textloop.stages.train import train
from textloop.storage import Store, schema
from textloop.strategies.span_suggest import SuggestedSpan
from textloop.tasks import task_for

runner = CliRunner()


@pytest.fixture(autouse=True)
def wide_console(monkeypatch) -> None:
    monkeypatch.setattr(console, "_width", 200)


def invoke(root: Path, *args: str):
    return runner.invoke(app, ["--project", str(root), "preannotate", *args])


def test_json_then_a_second_run_that_asks_nothing(tmp_path: Path, monkeypatch,
                                                  chat_server: ChatServer) -> None:
    project, _ = make_span_project(tmp_path, monkeypatch)
    configure(project, chat_server)
    chat_server.replies = [mentions(("Ana", "PER"), ("Acme", "ORG"), ("Globex", "ORG")),
                           "not json at all"]
    first = json_of(invoke(project.root, "--limit", "2", "--json"))
    assert {k: first[k] for k in ("waiting", "asked", "cached", "suggested", "dropped")} == {
        "waiting": 2, "asked": 2, "cached": 0, "suggested": 2,
        "dropped": {"not_found": 1, "malformed": 1}}
    assert first["model"] == "tiny-llm" and first["prompt"] == "spans.v1"
    assert len(first["examples"]) == 2

    again = invoke(project.root)
    assert again.exit_code == 0, again.output
    assert "3 queued records: asked tiny-llm (spans.v1) about 1, 2 already pre-annotated" \
        in again.output
    assert len(chat_server.requests) == 3
    with Store.for_project(project) as store:
        assert suggest_spans(store, project, QUEUED[0]) == [
            SuggestedSpan(0, 3, "PER", "llm"), SuggestedSpan(13, 17, "ORG", "llm")]


def test_a_refusing_endpoint_is_an_error_with_a_hint_and_no_key(
        tmp_path: Path, monkeypatch, chat_server: ChatServer) -> None:
    project, _ = make_span_project(tmp_path, monkeypatch)
    configure(project, chat_server)
    chat_server.script = [Step(401, b'{"error": "invalid key"}')]
    result = invoke(project.root)
    assert result.exit_code != 0
    assert "refused the credentials" in result.output and "Hint:" in result.output
    assert "TEXTLOOP_TEST_LLM_KEY" in result.output and SECRET not in result.output


def test_an_empty_queue_says_how_to_fill_it(tmp_path: Path, monkeypatch,
                                            chat_server: ChatServer) -> None:
    project, _ = make_span_project(tmp_path, monkeypatch)
    configure(project, chat_server)
    with Store.for_project(project) as store, store.write() as conn:
        conn.execute(schema.queue_items.delete())
    result = invoke(project.root)
    assert result.exit_code == 0, result.output
    assert "No records wait in the labeling queue" in result.output
    assert chat_server.requests == []


def test_unconfigured_is_an_error_naming_the_key(tmp_path: Path, monkeypatch) -> None:
    project, _ = make_span_project(tmp_path, monkeypatch)
    result = invoke(project.root, "--source", "llm", "--json")
    assert result.exit_code != 0 and "labeling.suggest_llm is not set" in result.output
    # without an LLM the default source is the model, and there is no span run yet
    result = invoke(project.root, "--json")
    assert result.exit_code != 0 and "no span model to pre-annotate with" in result.output
    assert "textloop train" in result.output


def test_the_current_model_preannotates_with_json_then_text(tmp_path: Path) -> None:
    with released_span_project(tmp_path) as (project, store, _):
        run_name = train(store, project).run_name
        queue_unlabeled(store, project, ["Ana called 010-1234-5678", "nothing here"],
                        tmp_path)
    first = json_of(invoke(project.root, "--source", "model", "--json"))
    assert {k: first[k] for k in ("source", "run", "chosen", "version", "waiting", "asked",
                                  "cached", "suggested")} == {
        "source": "model", "run": run_name, "chosen": "latest", "version": None,
        "waiting": 2, "asked": 2, "cached": 0, "suggested": 2}
    assert first["model"] == "textloop.model.span-rules.v1" and first["prompt"] is None

    again = invoke(project.root, "--run", run_name)
    assert again.exit_code == 0, again.output
    assert f"Model: run {run_name} (textloop.model.span-rules.v1; as asked)" in again.output
    assert "2 queued records: predicted 0, 2 already pre-annotated by this run" in again.output
    text = "Ana called 010-1234-5678"
    with Store.for_project(project) as store:
        # the model's suggestions carry the scores the run serves (through its calibrator)
        served = dict(task_for(project).served_output(load_run(store, run_name),
                                                      [text]).scored[0])
        assert suggest_spans(store, project, text) == [
            SuggestedSpan(0, 3, "PER", "model", served[Span(0, 3, "PER")]),
            SuggestedSpan(0, 3, "PER", "rule:people"),
            SuggestedSpan(11, 24, "PHONE", "model", served[Span(11, 24, "PHONE")]),
            SuggestedSpan(11, 24, "PHONE", "rule:kr-mobile")]


def test_the_api_makes_the_same_call(tmp_path: Path, monkeypatch,
                                     chat_server: ChatServer) -> None:
    project, _ = make_span_project(tmp_path, monkeypatch)
    configure(project, chat_server)
    chat_server.replies = [mentions(("Ana", "PER"))]
    with open_project(project.root) as api_project:
        result = api_project.preannotate(limit=1)
        assert (result.asked, result.suggested) == (1, 1)
        assert api_project.preannotate(limit=1).to_dict()["cached"] == 1
