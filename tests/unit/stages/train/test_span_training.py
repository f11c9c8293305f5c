"""``textloop train`` on a span project: the span-rules model by default, entity scores
logged as ``val/entity_micro_f1`` ..., the rules recorded in the run, per-type thresholds
for ``spans.targets``, and a clear refusal without rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.unit.stages.span_run_fixtures import RULES, expected, released_span_project
from textloop.config import BandTarget
from textloop.config.span_rules import SpanRule
from textloop.errors import ConfigError
from textloop.stages.release import load_release
from textloop.stages.runs import load_run
from textloop.stages.train import train
from textloop.storage import runs


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
        assert thresholds["thresholds"] == {"PHONE": 1.0}  # one PHONE rule: every score is 1

        # the run predicts with the rules it was trained with, whatever textloop.yaml says now
        project.spec.span_rules = [SpanRule(name="other", label="PER", phrases=["Bob"])]
        project.save()
        assert loaded.model.predict(["Ana works at Acme"])[0][0].label == "PER"
        again = load_run(store, result.run_name).model.predict(["Ana met Bob"])
        assert [(s.start, s.end) for s in again[0]] == [(0, 3)]


def test_a_span_project_without_rules_is_told_what_to_add(tmp_path: Path) -> None:
    with released_span_project(tmp_path, rules=()) as (project, store, _):
        with pytest.raises(ConfigError, match="has no span rules") as caught:
            train(store, project)
        assert "add span_rules to textloop.yaml" in str(caught.value.hint)
        with store.read() as conn:
            assert runs.list_all(conn) == []  # refused before a run was recorded


def test_a_rule_of_a_label_the_model_lacks_is_refused_naming_it(tmp_path: Path) -> None:
    assert RULES[0].label == "PER"
    with released_span_project(tmp_path) as (project, store, _):
        with pytest.raises(ConfigError, match="span rule 'people' marks 'PER', which is not"):
            train(store, project, params={"labels": ["ORG", "PHONE"]})
        with store.read() as conn:
            assert [r["status"] for r in runs.list_all(conn)] == ["failed"]
