"""Monitoring a served span model on real traffic, as a new user runs it: a WNUT-17 subset
imported with its spans, span rules (a gazetteer and a capitalised-name regex) trained as
the span-rules model, registered and promoted, served by a real uvicorn server on
127.0.0.1; tweets of WNUT-17's test split and a shifted stream of new names go to
``/v1/extract``, feedback corrects some of the shifted answers, then ``textloop monitor``
names the shifted rows behind its alerts and ``textloop suggest --from production`` queues
them for labeling."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from typer.testing import CliRunner

from tests.conftest import shared_data
from tests.integration.test_span_rules_real import RULES
from tests.unit.server.fixtures import live_server
from textloop.cli.main import app
from textloop.config import find_project
from textloop.config.span_rules import SpanRule
from textloop.storage import Store, queue

# WNUT-17 token vectors are encoded once per session (tests/token_vectors.py)
pytestmark = [pytest.mark.integration,
              pytest.mark.usefixtures("token_vectors_memo")]

SENTENCES = 400
STEADY, SHIFTED, CORRECTED = 80, 60, 12
FIRST = ("Zorvan", "Quillon", "Bexaro")
LAST = ("Vantrell", "Okkaboro", "Presswick", "Hilvane")
"""12 names nobody in WNUT-17 has, each in 5 of the shifted tweets."""
MONITORING = {"window": STEADY + SHIFTED, "min_rows": 10, "permutations": 99,
              "reference_split": "train",
              "neighbours": 0, "alert_rows": 10,
              "detectors": ["text-stats", "oov", "span-rate", "span-presence", "span-length",
                            "span-confidence", "new-span-strings"]}


def textloop(root: Path, *args: str) -> Any:
    """``textloop -p ROOT ARGS --json``, its output parsed."""
    result = CliRunner().invoke(app, ["-p", str(root), *args, "--json"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def sentences(path: Path, n: int) -> list[list[str]]:
    """The first ``n`` sentences of a CoNLL file, each as its lines."""
    out: list[list[str]] = [[]]
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            out[-1].append(line)
        elif out[-1]:
            if len(out) == n:
                break
            out.append([])
    return [s for s in out if s]


def gazetteer(lines: list[list[str]]) -> list[SpanRule]:
    """A phrase rule per type listing the entities the subset marks (at least 3 letters):
    what a team's first rules look like, so the model finds known strings on ordinary
    traffic and only the name regex finds strings training never had."""
    found: dict[str, set[str]] = {}
    for sentence in lines:
        tokens = [line.split("\t") for line in sentence]
        for i, (_, tag) in enumerate(tokens):
            if tag.startswith("B-"):
                words = [tokens[i][0]]
                words += [w for w, t in itertools.takewhile(lambda wt: wt[1].startswith("I-"),
                                                            tokens[i + 1:])]
                phrase = " ".join(words)
                if len(phrase) >= 3:
                    found.setdefault(tag[2:], set()).add(phrase)
    return [SpanRule(name=f"known-{label}", label=label, phrases=sorted(phrases))
            for label, phrases in sorted(found.items())]


def shifted_text(i: int) -> str:
    name = f"{FIRST[i % len(FIRST)]} {LAST[i // len(FIRST) % len(LAST)]}"
    return f"lol just met {name} in quuxville #{i}"


def corrected_spans(text: str) -> list[dict[str, Any]]:
    """The person the name regex finds, and the town it misses."""
    name = text.index("just met ") + len("just met ")
    town = text.index("quuxville")
    return [{"start": name, "end": text.index(" in "), "label": "person"},
            {"start": town, "end": town + len("quuxville"), "label": "location"}]


def test_span_traffic_monitored_and_sent_back_to_labeling(tmp_path: Path) -> None:
    root = tmp_path / "wnut"
    assert CliRunner().invoke(app, ["init", str(root), "--task", "spans"]).exit_code == 0
    subset = tmp_path / "wnut-subset.conll"
    lines = sentences(shared_data("spans", "wnut17", "dev.conll"), SENTENCES)
    subset.write_text("\n\n".join("\n".join(s) for s in lines) + "\n", encoding="utf-8")
    assert textloop(root, "import", str(subset), "--add-labels")["records_new"] > 300
    config = yaml.safe_load((root / "textloop.yaml").read_text(encoding="utf-8"))
    config["span_rules"] = [rule.model_dump(exclude_none=True)
                            for rule in [*RULES, *gazetteer(lines)]]
    config["monitoring"] = MONITORING
    (root / "textloop.yaml").write_text(yaml.safe_dump(config, allow_unicode=True),
                                        encoding="utf-8")
    textloop(root, "release")
    run = textloop(root, "train", "--model", "span-rules")["run_name"]
    textloop(root, "register", run)
    textloop(root, "promote", "m1", "--force", "--reason", "first span model")

    steady = [" ".join(line.split("\t")[0] for line in s)
              for s in sentences(shared_data("spans", "wnut17", "test.conll"), STEADY)]
    shifted = [shifted_text(i) for i in range(SHIFTED)]
    project = find_project(root)
    with Store.for_project(project) as store, live_server(project, store) as url, \
            httpx.Client(base_url=url, timeout=30) as client:
        sent: dict[str, str] = {}
        for text in [*steady, *shifted]:
            answer = client.post("/v1/extract", json={"text": text})
            assert answer.status_code == 200, answer.text
            sent[answer.json()["request_id"]] = text
        by_text = {text: rid for rid, text in sent.items()}
        shifted_ids = {by_text[t] for t in shifted}
        for text in shifted[:CORRECTED]:
            feedback = client.post("/v1/feedback", json={
                "request_id": by_text[text], "index": 0, "spans": corrected_spans(text)})
            assert feedback.status_code == 201, feedback.text

    report = textloop(root, "monitor")
    assert report["status"] == "drift"
    checks = {c["name"]: c for c in report["checks"] if c["slice"] == "all"}
    assert {"new_span_strings", "span_rate", "entity_f1"} <= set(checks)
    assert checks["new_span_strings"]["status"] == "drift"
    assert checks["entity_f1"]["status"] == "drift"
    stored = json.loads((Path(report["report"]).parent / "monitor.json").read_text("utf-8"))
    alerts = {a["check"]: a for a in stored["alerts"]}
    named = {row["request_id"] for row in alerts["new_span_strings"]["rows"]}
    assert named and named <= shifted_ids
    strings = next(c for c in stored["checks"] if c["name"] == "new_span_strings"
                   and c["slice"] == "all")["details"]["new_strings"]
    assert all(s["requests"][0]["request_id"] in shifted_ids for s in strings[:5])
    assert strings[0]["string"].split()[0] in FIRST
    f1 = next(c for c in stored["checks"] if c["name"] == "entity_f1" and c["slice"] == "all")
    assert f1["details"]["realized"]["rows"] == CORRECTED
    assert f1["details"]["realized"]["entity_micro_f1"] == pytest.approx(2 / 3)
    assert {row["request_id"] for row in alerts["entity_f1"]["rows"]} <= {
        by_text[t] for t in shifted[:CORRECTED]}

    queued = textloop(root, "suggest", "--from", "production", "--batch", "30")
    assert queued["counts"]["drifted"] > 0 and queued["counts"]["disputed"] > 0
    picked = {p["request_id"]: p for p in queued["picks"]}
    # every corrected row comes back, disputed (and, named by the entity_f1 alert, drifted)
    assert all("disputed" in picked[by_text[t]]["reasons"] for t in shifted[:CORRECTED])
    assert set(picked) <= set(sent) and len(picked) == 30
    with Store.for_project(project) as store, store.read() as conn:
        waiting = {item["strategy"].split(":")[0] for item in queue.active_items(conn)}
    assert {f"production {rid}/0" for rid in picked} <= waiting
    again = textloop(root, "suggest", "--from", "production", "--batch", "30")
    assert not {p["request_id"] for p in again["picks"]} & set(picked)  # each row asked once
