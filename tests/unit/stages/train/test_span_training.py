"""``textloop train`` on a span project: the span-rules model by default (``minilm-crf``
without rules), entity scores logged as ``val/entity_micro_f1`` ..., the rules recorded in
the run, and per-type thresholds for ``spans.targets``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.unit.stages.span_run_fixtures import RULES, expected, released_span_project
from textloop.config import BandTarget
from textloop.config.span_rules import SpanRule
from textloop.errors import ConfigError
from textloop.stages.evaluate import evaluate_run
from textloop.stages.release import load_release
from textloop.stages.runs import load_run
from textloop.stages.train import train
from textloop.storage import runs
from textloop.tasks import SPANS


def test_trains_the_span_rules_model_and_logs_entity_scores(tmp_path: Path) -> None:
    with released_span_project(tmp_path) as (project, store, release_id):
        project.spec.spans.targets = {"PHONE": BandTarget(recall=0.9)}
        result = train(store, project)
        assert result.model == "textloop.model.span-rules.v1"
        data = load_release(store, release_id)
        for prefix, split in (("train", "train"), ("val", "validation")):
            by_hand = expected(data.splits[split].texts)
            for key, value in by_hand.items():
                assert result.metrics[f"{prefix}/{key}"] == pytest.approx(value)
        with store.read() as conn:
            run = runs.get(conn, result.run_name)
        logged, params = run["metrics"], run["params"]
        assert logged["val/entity_micro_f1"] == pytest.approx(
            expected(data.splits["validation"].texts)["entity_micro_f1"])
        assert {"val/entity_macro_f1", "val/partial_micro_f1", "val/token_accuracy"} <= set(logged)
        assert [rule["name"] for rule in params["rules"]] == ["people", "companies", "kr-mobile"]
        loaded = load_run(store, result.run_name)
        thresholds = loaded.meta["span_thresholds"]
        # one PHONE rule: every raw score is 1, calibrated to the share of right rule spans
        precision = expected(data.splits["validation"].texts)["entity_micro_precision"]
        assert thresholds["thresholds"]["PHONE"] == pytest.approx(precision, abs=1e-3)

        # the run predicts with the rules it was trained with, whatever textloop.yaml says now
        project.spec.span_rules = [SpanRule(name="other", label="PER", phrases=["Bob"])]
        project.save()
        assert loaded.model.predict(["Ana works at Acme"])[0][0].label == "PER"
        again = load_run(store, result.run_name).model.predict(["Ana met Bob"])
        assert [(s.start, s.end) for s in again[0]] == [(0, 3)]


@pytest.mark.model
def test_a_span_project_without_rules_trains_the_learned_span_model(tmp_path: Path) -> None:
    # a new user with labeled spans and no rules: the default learns from the labels
    with released_span_project(tmp_path, rules=()) as (project, store, _):
        assert SPANS.model_for(project.spec) == "minilm-crf"
        result = train(store, project)
        assert result.model == "textloop.model.minilm-crf.v1"
        assert 0.0 <= result.metrics["val/entity_micro_f1"] <= 1.0
        with store.read() as conn:
            assert [r["status"] for r in runs.list_all(conn)] == ["finished"]


def test_a_rule_of_a_label_the_model_lacks_is_refused_naming_it(tmp_path: Path) -> None:
    assert RULES[0].label == "PER"
    with released_span_project(tmp_path) as (project, store, _):
        with pytest.raises(ConfigError, match="span rule 'people' marks 'PER', which is not"):
            train(store, project, params={"labels": ["ORG", "PHONE"]})
        with store.read() as conn:
            assert [r["status"] for r in runs.list_all(conn)] == ["failed"]


def test_span_scores_are_calibrated_on_validation_and_thresholds_fitted_on_them(
        tmp_path: Path) -> None:
    with released_span_project(tmp_path) as (project, store, release_id):
        project.spec.spans.targets = {"PHONE": BandTarget(recall=0.9)}
        validation = load_release(store, release_id).splits["validation"].texts
        precision = expected(validation)["entity_micro_precision"]
        assert precision < 0.9  # the rules' raw 1.0 over-states them
        result = train(store, project)
        loaded = load_run(store, result.run_name)
        saved = loaded.meta["span_calibration"]
        assert saved["method"] == "textloop.calibration.temperature.v1"
        assert saved["fitted_on"] == "validation" and saved["types"] == {}  # few spans: pooled
        assert saved["pooled"]["kind"] == "platt"
        # every raw score is 1.0: its ECE is the share of wrong spans, and none is left after
        assert result.metrics["val/span_ece"] == pytest.approx(1 - precision)
        assert result.metrics["val/span_calibrated_ece"] == pytest.approx(0.0, abs=1e-3)
        served = SPANS.served_output(loaded, ["Ana works at Acme"]).scored[0]
        assert [score for _, score in served] == pytest.approx([precision] * 2, abs=1e-3)
        assert loaded.meta["span_thresholds"]["thresholds"]["PHONE"] == pytest.approx(
            served[0][1])  # the threshold is on the scores served

        # calibration: none (or a run saved before span calibration): raw scores throughout
        plain = load_run(store, train(store, project, calibration="none").run_name)
        assert "span_calibration" not in plain.meta and plain.span_calibration is None
        assert plain.meta["span_thresholds"]["thresholds"] == {"PHONE": 1.0}
        assert [s for _, s in SPANS.served_output(plain, ["Ana works at Acme"]).scored[0]] == [
            1.0, 1.0]
        with store.read() as conn:
            assert "val/span_ece" not in runs.get(conn, plain.run["name"])["metrics"]


@pytest.mark.model
@pytest.mark.slow
def test_a_fine_tuned_span_model_trains_monitored_on_entity_f1(tmp_path: Path) -> None:
    """``minilm-tagger`` is iterative: the stage hands it decoded spans (train and
    validation), stops early on ``val/entity_micro_f1`` (the span project's monitor), writes
    the verdict, and the run reloads predicting what the trained model predicts; its
    evaluation's metrics.json and report carry the verdict, as a classifier's report does."""
    with released_span_project(tmp_path) as (project, store, release_id):
        result = train(store, project, model="minilm-tagger",
                       params={"epochs": 2, "max_seq_len": 32, "batch_size": 8,
                               "learning_rate": 3e-4, "head_learning_rate": 3e-3})
        assert result.model == "textloop.model.minilm-tagger.v1"
        training = result.training
        assert training is not None and training.monitor == "val/entity_micro_f1"
        assert training.epochs_run == 2
        assert all({"train/loss", "val/loss", "train/entity_micro_f1", "val/entity_micro_f1"}
                   <= set(row) for row in training.history)
        assert training.verdict.kind in ("healthy", "underfitting", "overfitting")
        assert training.best_epoch in (1, 2)
        assert 0.0 <= result.metrics["val/entity_micro_f1"] <= 1.0
        texts = load_release(store, release_id).splits["validation"].texts
        loaded = load_run(store, result.run_name)
        assert loaded.meta["training"]["monitor"] == "val/entity_micro_f1"
        assert loaded.model.epochs_run_ == 2
        spans = loaded.model.predict(texts)
        assert spans == loaded.model.predict(texts) and len(spans) == len(texts)

        evaluated = evaluate_run(store, project, result.run_name, split="validation")
        metrics = json.loads(evaluated.metrics_json.read_text(encoding="utf-8"))
        assert metrics["entity_micro_f1"] == pytest.approx(result.metrics["val/entity_micro_f1"])
        assert metrics["training"]["monitor"] == "val/entity_micro_f1"
        assert metrics["training"]["verdict"]["kind"] == training.verdict.kind
        assert metrics["training"]["epochs_run"] == 2
        html = evaluated.report_html.read_text(encoding="utf-8")
        assert 'id="training"' in html and f"Verdict: {training.verdict.kind}" in html
