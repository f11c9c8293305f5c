"""A span project with records waiting in the labeling queue and records labeled by a
person, and an LLM configured for pre-annotation: for ``preannotate`` tests."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.unit.strategies.synth.chat_server import ChatServer
from textloop.config import Label, Project, SuggestLLMSettings
from textloop.spans import Span, encode_spans
from textloop.stages.ingest import ImportOptions, import_file
from textloop.stages.project.init import init_project
from textloop.storage import Store, annotation_log, queue, records

KEY_ENV = "TEXTLOOP_TEST_LLM_KEY"
SECRET = "sk-test-SECRET-4242"
QUEUED = ["Ana works at Acme", "Bo met Cy at Initech", "김철수는 삼성전자에 다닌다 😀"]
LABELED = {"Dana joined Globex": [Span(0, 4, "PER"), Span(12, 18, "ORG")],
           "Eve left Hooli": [Span(0, 3, "PER"), Span(9, 14, "ORG")]}


def mentions(*pairs: tuple[str, str]) -> str:
    return json.dumps({"mentions": [{"text": t, "label": lab} for t, lab in pairs]},
                      ensure_ascii=False)


def configure(project: Project, server: ChatServer, **settings: object) -> None:
    """Point labeling.suggest_llm at ``server`` and save the spec."""
    given = {"model": "tiny-llm", "api_key_env": KEY_ENV, "examples": 2, "max_retries": 0,
             "timeout": 5.0, **settings}
    project.spec.labeling.suggest_llm = SuggestLLMSettings(base_url=server.base_url, **given)
    project.save()


def make_span_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                      ) -> tuple[Project, dict[str, str]]:
    """A span project: three queued records (``QUEUED``, highest priority first), two
    labeled by a person (``LABELED``); the LLM's key in ``KEY_ENV``. Returns the project and
    text -> record id."""
    monkeypatch.setenv(KEY_ENV, SECRET)
    project = init_project(tmp_path / "ner", task="spans", labels=[
        Label(name="PER", description="People, by name"),
        Label(name="ORG", description="Companies and organisations")])
    data = tmp_path / "texts.csv"
    data.write_text("text\n" + "\n".join([*QUEUED, *LABELED]) + "\n", encoding="utf-8")
    with Store.for_project(project) as store:
        import_file(store, project, data, ImportOptions(label_col=""))
        with store.write() as conn:
            ids = {r.text: r.id for r in records.iter_all(conn)}
            queue.enqueue(conn, [{"record_id": ids[text], "priority": float(10 - i),
                                  "strategy": "test", "batch_id": "b1", "overlap": 1,
                                  "suggestion": None, "confidence": None}
                                 for i, text in enumerate(QUEUED)])
            for text, spans in LABELED.items():
                annotation_log.add_one(conn, record_id=ids[text], label=encode_spans(spans),
                                       kind="human", annotator="ana")
    return project, ids
