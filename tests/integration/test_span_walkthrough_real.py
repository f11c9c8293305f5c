"""A span project as a new user runs it: ``textloop init --task spans``, import each dev
corpus, queue new texts for two annotators, pre-fill LLM suggestions (a scripted
OpenAI-compatible server on 127.0.0.1), label in the labeling app with pattern and LLM
suggestions, agreement, adjudication, release, export, and the export imported back.

The commands run through the CLI; annotators and the adjudicator go through the labeling
app's own routes (JSON API and adjudication form), as the page's scripts do."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from tests.conftest import shared_data
from tests.unit.strategies.synth.chat_server import ChatServer
from tests.unit.web.webapp import Web
from textloop.cli.main import app
from textloop.config import find_project
from textloop.spans import decode_spans
from textloop.stages.label import current_labels
from textloop.storage import Store
from textloop.tasks import task_for
from textloop.web.app import create_app
from textloop.web.settings import WebSettings

pytestmark = pytest.mark.integration

CORPORA = ("wnut17/dev.conll", "btc/e.conll", "bc5cdr/devel.tsv")
NEW_TEXTS = ["Ana flew from London to Paris with Acme Corp",
             "삼성전자 서울 본사에서 Ana 만남 😀",
             "Nothing to mark in this one",
             "Ben met 👩‍👩‍👧 family in London\ttoday"]


def textloop(root: Path, *args: str) -> Any:
    """``textloop -p ROOT ARGS --json``, its output parsed."""
    result = CliRunner().invoke(app, ["-p", str(root), *args, "--json"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def spans_of(text: str, *marks: tuple[str, str]) -> list[dict[str, Any]]:
    """Spans for the first occurrence of each ``(mention, label)`` in ``text``."""
    return [{"start": text.index(m), "end": text.index(m) + len(m), "label": label}
            for m, label in marks]


def test_init_import_label_adjudicate_release_export(tmp_path: Path,
                                                     chat_server: ChatServer) -> None:
    root = tmp_path / "ner"
    init = CliRunner().invoke(app, ["init", str(root), "--task", "spans", "--labels",
                                    "person=People by name;location=Places"],
                              catch_exceptions=False)
    assert init.exit_code == 0, init.output
    config = yaml.safe_load((root / "textloop.yaml").read_text(encoding="utf-8"))
    config["labeling"] = {**config.get("labeling", {}), "overlap": 2, "suggest_llm": {
        "base_url": chat_server.base_url, "model": "scripted", "max_retries": 0}}
    config["span_rules"] = [{"name": "cities", "label": "location",
                             "phrases": ["London", "Paris", "서울"]}]
    (root / "textloop.yaml").write_text(yaml.safe_dump(config, allow_unicode=True),
                                        encoding="utf-8")

    for name in CORPORA:  # each dev corpus imports, its labels added, idempotently
        path = shared_data("spans", *name.split("/"))
        first = textloop(root, "import", str(path), "--add-labels")
        assert first["records_new"] > 100 and first["span_reading"]["scheme"]
        again = textloop(root, "import", str(path), "--add-labels")
        assert (again["records_new"], again["annotations_new"]) == (0, 0)
    new = tmp_path / "new.jsonl"
    new.write_text("".join(json.dumps({"text": t}, ensure_ascii=False) + "\n"
                           for t in NEW_TEXTS), encoding="utf-8")
    assert textloop(root, "import", str(new))["records_new"] == len(NEW_TEXTS)

    queued = textloop(root, "suggest", "--strategy", "random", "--batch", str(len(NEW_TEXTS)))
    assert queued["queued"] == len(NEW_TEXTS)
    chat_server.replies = [json.dumps({"mentions": [{"text": "Ana", "label": "person"}]})]
    filled = textloop(root, "preannotate")
    assert filled["asked"] == len(NEW_TEXTS)

    project = find_project(root)
    with Store.for_project(project) as store:
        web = Web(project, store, create_app(project, store, WebSettings(retrain=False)))
        answers: dict[str, dict[str, Any]] = {}
        labeled: dict[str, str] = {}
        for annotator in ("ana", "ben"):
            user = web.sign_in(annotator)
            headers = {"X-CSRF-Token": user.csrf}
            item = user.get("/api/next").json()["item"]
            while item is not None:
                text = item["text"]
                sources = {(s["source"], text[s["start"]:s["end"]])
                           for s in item["suggested_spans"]}
                if "Ana" in text:  # the LLM's suggestion, offered, never stored by itself
                    assert ("llm", "Ana") in sources
                if "London" in text:
                    assert ("rule:cities", "London") in sources
                marks = [(m, "person") for m in ("Ana", "Ben") if m in text]
                marks += [(m, "location") for m in ("London", "Paris") if m in text]
                if annotator == "ben" and "Paris" in text:
                    marks.remove(("Paris", "location"))  # ben misses one: a dispute
                spans = spans_of(text, *marks)
                labeled[item["record_id"]] = text
                answers.setdefault(item["record_id"], {})[annotator] = spans
                reply = user.client.post("/api/label", headers=headers, json={
                    "record_id": item["record_id"], "spans": spans})
                assert reply.status_code == 200, reply.text
                item = reply.json()["item"]
        assert len(answers) == len(NEW_TEXTS)
        assert all(set(by) == {"ana", "ben"} for by in answers.values())

        agreement = textloop(root, "agreement")
        (disputed,) = [rid for rid, by in answers.items() if by["ana"] != by["ben"]]
        assert agreement["disputed_records"] == [disputed]
        assert 0 < agreement["strict"]["f1"] < 1

        judge = web.sign_in("adj", role="adjudicator")
        page = judge.get("/adjudicate")
        assert page.status_code == 200 and disputed in page.text
        decided = judge.post("/adjudicate", {"record_id": disputed, "take": "ana",
                                             "reason": "Paris is a place"})
        assert decided.status_code == 200, decided.text
        with store.read() as conn:
            final = current_labels(conn, project.spec.labeling.policy,
                                   task=task_for(project))
        assert final[disputed].kind == "adjudicated"
        expected = {rid: by["ana"] for rid, by in answers.items()}
        for rid, spans in expected.items():
            assert [s.to_dict() for s in decode_spans(final[rid].label)] == spans

    release = textloop(root, "release")
    out = tmp_path / "conll"
    exported = textloop(root, "export", "release", release["id"], "--format", "jsonl",
                        "--out", str(out))
    assert exported["widened"] == 0
    fresh = tmp_path / "fresh"
    assert CliRunner().invoke(app, ["init", str(fresh), "--task", "spans", "--labels",
                                    "person,location"]).exit_code == 0
    for file in sorted(out.glob("*.jsonl")):
        textloop(fresh, "import", str(file), "--format", "spans-jsonl", "--add-labels")
    with Store.for_project(find_project(fresh)) as store, store.read() as conn:
        from textloop.storage import annotation_log, records

        texts = {r.id: r.text for r in records.iter_all(conn)}
        back = {texts[rid]: json.loads(value)
                for rid, value, _, _ in annotation_log.iter_votes(conn)}
    for rid, by in answers.items():  # the labeled texts come back with their final spans
        assert back[labeled[rid]] == by["ana"]
