"""A span project on a real corpus, as a new user would run it: WNUT-17's dev tweets imported
with their spans, a gazetteer and a regex as span rules, released, the span-rules model
trained and evaluated; the report and metrics.json agree with ``measures.span_metrics``
computed directly on the test split."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tests.conftest import shared_data
from tests.integration.test_span_rules_real import RULES as JUDGED
from tests.integration.test_span_rules_real import wnut_dev_project
from textloop.cli.main import app
from textloop.config.span_rules import SpanRule
from textloop.measures.span_errors import KINDS
from textloop.measures.span_metrics import span_metrics
from textloop.spans import decode_spans
from textloop.spans.conll import read_conll, write_conll
from textloop.stages.evaluate import evaluate_run
from textloop.stages.release import create_release, load_release
from textloop.stages.runs import load_run
from textloop.stages.train import train

# WNUT-17 token vectors are encoded once per session (tests/token_vectors.py)
pytestmark = [pytest.mark.integration,
              pytest.mark.usefixtures("token_vectors_memo")]

RULES = [*JUDGED, SpanRule(name="cities", label="location",
                           phrases=["London", "Paris", "New York", "Los Angeles", "Toronto"])]
"""The gazetteer and the regex ``textloop rules`` is judged with, and a gazetteer of cities."""


def test_wnut17_span_rules_train_and_evaluate(tmp_path) -> None:
    with wnut_dev_project(tmp_path, RULES) as (project, store):
        release = create_release(store, project)
        run = train(store, project)
        assert run.model == "textloop.model.span-rules.v1"
        assert 0.0 < run.metrics["val/entity_micro_f1"] < 1.0
        result = evaluate_run(store, project, run.run_name)

        assert result.report_html.is_file() and result.metrics_json.is_file()
        metrics = json.loads(result.metrics_json.read_text(encoding="utf-8"))
        part = load_release(store, release.id).splits["test"]
        model = load_run(store, run.run_name).model
        direct = span_metrics(
            dict(zip(part.ids, (decode_spans(v) for v in part.labels), strict=True)),
            dict(zip(part.ids, model.predict(part.texts), strict=True)),
            dict(zip(part.ids, part.texts, strict=True)), labels=project.spec.label_names)
        assert {key: metrics[key] for key in direct} == direct  # JSON keeps floats exact
        assert metrics["n_records"] == len(part.ids) > 50
        assert metrics["per_type"]["corporation"]["n_predicted"] > 0

        errors = metrics["errors"]
        paired = sum(errors["counts"][k] for k in KINDS if k not in ("missed", "spurious"))
        assert errors["n_correct"] == metrics["n_correct"]
        assert metrics["n_gold"] == errors["n_correct"] + errors["counts"]["missed"] + paired
        assert (metrics["n_predicted"]
                == errors["n_correct"] + errors["counts"]["spurious"] + paired)
        texts = dict(zip(part.ids, part.texts, strict=True))
        for example in errors["examples"]["spurious"]:
            shown = example["predicted"]
            assert texts[example["record_id"]][shown["start"]:shown["end"]] == shown["text"]

        html = result.report_html.read_text(encoding="utf-8")
        assert f"{metrics['entity_micro_f1']:.3f}" in html
        assert "corporation" in html and 'id="confusion"' in html
        assert result.model_card is not None and result.model_card.is_file()


def test_wnut17_minilm_crf_trains_and_beats_the_rules(tmp_path) -> None:
    """The learned span model through ``textloop train --model minilm-crf``: its run reloads
    and predicts the same spans, and on the test split it finds more entities than the
    span rules do (trained on WNUT-17 dev's own train split, about 800 tweets)."""
    with wnut_dev_project(tmp_path, RULES) as (project, store):
        release = create_release(store, project)
        rules = evaluate_run(store, project, train(store, project).run_name)
        run = train(store, project, model="minilm-crf")
        assert run.model == "textloop.model.minilm-crf.v1"
        learned = evaluate_run(store, project, run.run_name)
        part = load_release(store, release.id).splits["test"]
        reloaded = load_run(store, run.run_name).model
        metrics = json.loads(learned.metrics_json.read_text(encoding="utf-8"))
        direct = span_metrics(
            dict(zip(part.ids, (decode_spans(v) for v in part.labels), strict=True)),
            dict(zip(part.ids, reloaded.predict(part.texts), strict=True)),
            dict(zip(part.ids, part.texts, strict=True)), labels=project.spec.label_names)
    assert metrics["entity_micro_f1"] == direct["entity_micro_f1"]
    assert metrics["entity_micro_f1"] > json.loads(
        rules.metrics_json.read_text(encoding="utf-8"))["entity_micro_f1"]
    assert metrics["entity_micro_recall"] > 0.2


@pytest.mark.model
@pytest.mark.slow
def test_wnut17_minilm_tagger_through_the_cli(tmp_path) -> None:
    """A new user's path with the fine-tuned tagger: ``textloop init --task spans``, import
    400 WNUT-17 dev tweets, release, ``textloop train --model minilm-tagger``, ``textloop
    evaluate``: metrics.json holds the strict entity scores and the training verdict."""
    records = list(read_conll(shared_data("spans", "wnut17", "dev.conll")))[:400]
    source = tmp_path / "tweets.conll"
    write_conll(records, source)
    root = tmp_path / "ner"
    init = CliRunner().invoke(app, ["init", str(root), "--task", "spans"],
                              catch_exceptions=False)
    assert init.exit_code == 0, init.output
    assert cli(root, "import", str(source), "--add-labels")["records_new"] == 400
    cli(root, "release")
    trained = cli(root, "train", "--model", "minilm-tagger", "--param", "epochs=2",
                  "--param", "max_seq_len=64")
    assert trained["model"] == "textloop.model.minilm-tagger.v1"
    assert trained["training"]["monitor"] == "val/entity_micro_f1"
    assert trained["training"]["epochs_run"] == 2
    evaluated = cli(root, "evaluate", trained["run_name"])
    metrics = json.loads(Path(evaluated["metrics_json"]).read_text(encoding="utf-8"))
    assert 0.0 < metrics["entity_micro_f1"] <= 1.0 and metrics["n_predicted"] > 0
    assert metrics["training"]["verdict"]["kind"] == trained["training"]["verdict"]["kind"]
    assert metrics["training"]["monitor"] == "val/entity_micro_f1"


def cli(root: Path, *args: str) -> Any:
    """``textloop -p ROOT ARGS --json``, its output parsed."""
    result = CliRunner().invoke(app, ["-p", str(root), *args, "--json"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)
