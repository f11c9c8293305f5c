"""A span project's model loop on WNUT-17, as a new user runs it: ``init --task spans`` →
import → release → train each span model → evaluate → register → promote → serve →
``POST /v1/extract`` (and masking) → ``POST /v1/feedback`` with corrected spans → ``monitor``
→ ``suggest --from production``.

The verbs run through the CLI; the server is a real uvicorn on a loopback port, called over
HTTP as curl would. The production traffic is WNUT-17's test tweets, which no stage saw;
feedback gives their true spans, so the realized F1 the monitor reports can be checked
against ``measures.span_metrics`` computed here.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from typer.testing import CliRunner

from tests.conftest import shared_data
from tests.unit.server.fixtures import live_server, wait_until
from textloop.cli.main import app
from textloop.config import find_project
from textloop.measures.span_metrics import span_metrics
from textloop.spans import Span
from textloop.spans.conll import read_conll
from textloop.storage import Store, predictions

# WNUT-17 token vectors are encoded once per session (tests/token_vectors.py)
pytestmark = [pytest.mark.integration, pytest.mark.model,
              pytest.mark.usefixtures("token_vectors_memo")]

TRAIN_SENTENCES = 700
TRAFFIC = 120
FEEDBACK = 40
LABELS = ("person=People by name;location=Places;corporation=Companies;"
          "group=Bands, teams, organisations;product=Products;creative-work=Titles")
RULES = [{"name": "cities", "label": "location",
          "phrases": ["London", "Paris", "New York", "Los Angeles", "Toronto", "Chicago"]},
         {"name": "brands", "label": "corporation",
          "phrases": ["Google", "Apple", "Facebook", "Twitter", "Microsoft", "Amazon"]}]


def textloop(root: Path, *args: str) -> Any:
    """``textloop -p ROOT ARGS --json``, its output parsed."""
    result = CliRunner().invoke(app, ["-p", str(root), *args, "--json"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def conll_slice(source: Path, target: Path, sentences: int) -> Path:
    """The first ``sentences`` sentences of a CoNLL file (blank-line separated)."""
    blocks = source.read_text(encoding="utf-8").strip().split("\n\n")[:sentences]
    target.write_text("\n\n".join(blocks) + "\n", encoding="utf-8")
    return target


def test_wnut17_from_init_to_production_suggestions(tmp_path: Path) -> None:
    root = tmp_path / "tweets"
    init = CliRunner().invoke(app, ["init", str(root), "--task", "spans", "--labels", LABELS],
                              catch_exceptions=False)
    assert init.exit_code == 0, init.output
    config = yaml.safe_load((root / "textloop.yaml").read_text(encoding="utf-8"))
    config["span_rules"] = RULES
    config["monitoring"] = {"window": TRAFFIC + 1,  # the traffic and one masking request
                             "min_rows": 10, "permutations": 99,
                             "reference_split": "train", "neighbours": 0, "alert_rows": 10,
                             "detectors": ["text-stats", "oov", "span-rate", "span-presence",
                                           "span-length", "span-confidence",
                                           "new-span-strings"]}
    (root / "textloop.yaml").write_text(yaml.safe_dump(config, allow_unicode=True),
                                        encoding="utf-8")

    train_file = conll_slice(shared_data("spans", "wnut17", "train.conll"),
                             tmp_path / "train.conll", TRAIN_SENTENCES)
    imported = textloop(root, "import", str(train_file))
    assert imported["rows_read"] == TRAIN_SENTENCES and imported["records_new"] > 600
    release = textloop(root, "release")
    assert release["counts"]["train"] > 400

    # train each no-torch span model; both evaluate into entity-level metrics
    runs = {}
    for model in ("span-rules", "minilm-crf"):
        run = textloop(root, "train", "--model", model)
        evaluated = textloop(root, "evaluate", run["run_name"])
        metrics = json.loads(Path(evaluated["metrics_json"]).read_text(encoding="utf-8"))
        assert {"entity_micro_f1", "entity_macro_f1", "per_type"} <= set(metrics)
        runs[model] = (run["run_name"], metrics["entity_micro_f1"])
    assert runs["minilm-crf"][1] > runs["span-rules"][1] > 0.0

    registered = textloop(root, "register", runs["minilm-crf"][0])
    version = str(registered["version"]["version"])
    promoted = textloop(root, "promote", version)
    assert promoted["promoted"], promoted

    # production: WNUT-17's test tweets, served over HTTP
    traffic = list(read_conll(shared_data("spans", "wnut17", "test.conll")))[:TRAFFIC]
    project = find_project(root)
    with Store.for_project(project) as store, live_server(project, store) as url, \
            httpx.Client(base_url=url, timeout=30) as http:
        sent: list[tuple[str, int, list[Span]]] = []
        served: dict[str, list[Span]] = {}
        for start in range(0, TRAFFIC, 10):
            chunk = traffic[start:start + 10]
            response = http.post("/v1/extract", json={"texts": [r.text for r in chunk]})
            assert response.status_code == 200, response.text
            body = response.json()
            for index, (record, found) in enumerate(zip(chunk, body["extractions"],
                                                        strict=True)):
                for span in found["spans"]:  # offsets and text agree, in code points
                    assert record.text[span["start"]:span["end"]] == span["text"]
                sent.append((body["request_id"], index, record.spans))
                served[f"{body['request_id']}/{index}"] = [
                    Span(s["start"], s["end"], s["label"]) for s in found["spans"]]

        text = "I moved to London to work at Google with Ana"
        masked = http.post("/v1/extract", json={"text": text, "mask": True}).json()
        found = masked["extractions"][0]
        expected = text
        for span in sorted(found["spans"], key=lambda s: -s["start"]):
            expected = (expected[:span["start"]] + f"[{span['label']}]"
                        + expected[span["end"]:])
        assert found["spans"] and found["masked_text"] == expected

        for request_id, index, truth in sent[:FEEDBACK]:
            answer = http.post("/v1/feedback", json={
                "request_id": request_id, "index": index,
                "spans": [{"start": s.start, "end": s.end, "label": s.label} for s in truth]})
            assert answer.status_code == 201, answer.text

        def logged() -> bool:
            with store.read() as conn:
                return predictions.get(conn, *sent[-1][:2]) is not None

        wait_until(logged, "the prediction log to hold the traffic")

    report = textloop(root, "monitor")
    assert {"span_rate", "new_span_strings", "entity_f1"} <= {
        c["name"] for c in report["checks"]}
    stored = json.loads((Path(report["report"]).parent / "monitor.json").read_text("utf-8"))
    checks = {c["name"]: c for c in stored["checks"] if c["slice"] == "all"}
    realized = checks["entity_f1"]["details"]["realized"]
    keys = [f"{r}/{i}" for r, i, _ in sent[:FEEDBACK]]
    truth = {f"{r}/{i}": spans for r, i, spans in sent[:FEEDBACK]}
    texts = {f"{r}/{i}": traffic[n].text for n, (r, i, _) in enumerate(sent[:FEEDBACK])}
    direct = span_metrics(truth, {k: served[k] for k in keys}, texts,
                          labels=project.spec.label_names)
    assert realized["rows"] == FEEDBACK
    assert realized["entity_micro_f1"] == pytest.approx(direct["entity_micro_f1"], abs=1e-9)
    new_strings = checks["new_span_strings"]["details"]["new_strings"]
    assert new_strings, "the test tweets name things the training slice never did"
    requests = {request for request, _, _ in sent} | {masked["request_id"]}
    assert all(s["requests"][0]["request_id"] in requests for s in new_strings)

    queued = textloop(root, "suggest", "--from", "production", "--batch", "30")
    assert queued["counts"]["disputed"] > 0
    picked = {p["request_id"] for p in queued["picks"]}
    assert picked and picked <= requests
    wrong = {f"{r}/{i}" for r, i, spans in sent[:FEEDBACK] if served[f"{r}/{i}"] != spans}
    disputed = {p["request_id"] for p in queued["picks"] if "disputed" in p["reasons"]}
    assert disputed <= {key.split("/")[0] for key in wrong}
