"""``minilm-crf`` with the project's span rules (``use_rules``): with ``auto`` the rules are
kept only when they raise validation entity micro-F1, and the decision with both numbers is
recorded in the run, the bundle and the evaluation."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.unit.stages.span_run_fixtures import RULES, SCRIPT, released_span_project
from textloop.errors import ConfigError
from textloop.spans import Span
from textloop.stages.evaluate import evaluate_run
from textloop.stages.runs import load_run
from textloop.stages.train import train
from textloop.storage import runs

pytestmark = pytest.mark.model

RIGHT_RULES = tuple(rule for rule in RULES if rule.name != "companies")
"""Ana (PER) and the Korean mobile numbers (PHONE): every span they mark is a gold span."""
MARKS_NOTHING = {"l2": 1e4}
"""A CRF penalised so hard that it marks no span: everything it could find, the rules add."""


def test_rules_that_help_the_learned_model_are_kept_and_recorded(tmp_path: Path) -> None:
    with released_span_project(tmp_path, rules=RIGHT_RULES) as (project, store, _):
        result = train(store, project, model="minilm-crf", params=MARKS_NOTHING)
        with_rules = result.metrics["val/entity_micro_f1_with_rules"]
        without = result.metrics["val/entity_micro_f1_without_rules"]
        assert without == 0.0 and with_rules > 0.5
        assert result.rules_choice == (
            f"kept the span rules with the model: validation entity_micro_f1 "
            f"{with_rules:.4f} with them, {without:.4f} without")
        assert result.metrics["val/entity_micro_f1"] == with_rules  # scored as kept
        with store.read() as conn:
            run = runs.get(conn, result.run_name)
        assert run["params"]["rules_kept"] is True
        assert run["params"]["rules_choice"] == result.rules_choice
        assert run["metrics"]["val/entity_micro_f1_with_rules"] == with_rules

        loaded = load_run(store, result.run_name)  # the bundle keeps the decision
        assert loaded.meta["span_rules_choice"]["kept"] is True
        assert loaded.model.predict(["Ana called 010-9876-5432"]) == [
            [Span(0, 3, "PER"), Span(11, 24, "PHONE")]]
        assert list(loaded.model.classes_) == ["ORG", "PER", "PHONE"]

        evaluation = evaluate_run(store, project, result.run_name, split="test")
        metrics = json.loads(evaluation.metrics_json.read_text(encoding="utf-8"))
        assert metrics["span_rules_choice"]["reason"] == result.rules_choice
        assert 'id="span-rules-choice"' in evaluation.report_html.read_text(encoding="utf-8")


def test_rules_that_hurt_the_learned_model_are_dropped(tmp_path: Path) -> None:
    # RULES also mark Acme inside a script (no company there) and cut "Acme Corp" short
    with released_span_project(tmp_path) as (project, store, _):
        result = train(store, project, model="minilm-crf")
        with_rules = result.metrics["val/entity_micro_f1_with_rules"]
        without = result.metrics["val/entity_micro_f1_without_rules"]
        assert with_rules < without
        assert result.rules_choice == (
            f"dropped the span rules: validation entity_micro_f1 {with_rules:.4f} with them, "
            f"{without:.4f} without (kept only when higher)")
        assert result.metrics["val/entity_micro_f1"] == without
        loaded = load_run(store, result.run_name)
        assert loaded.meta["span_rules_choice"]["kept"] is False
        learned, ruled = loaded.model.predict_scored_parts([SCRIPT])
        assert ruled is not None and ruled[0]  # the rules still mark Acme in the script...
        assert loaded.model.predict_scored([SCRIPT]) == learned  # ...but are not merged
        with store.read() as conn:
            assert runs.get(conn, result.run_name)["params"]["rules_kept"] is False


def test_use_rules_on_and_off_are_obeyed_and_bad_values_refused(tmp_path: Path) -> None:
    with released_span_project(tmp_path, rules=RIGHT_RULES) as (project, store, _):
        on = train(store, project, model="minilm-crf", params={**MARKS_NOTHING,
                                                               "use_rules": "on"})
        assert on.rules_choice == "use_rules=on: the span rules are merged with the model"
        assert "val/entity_micro_f1_with_rules" not in on.metrics  # nothing was compared
        assert on.metrics["val/entity_micro_f1"] > 0.5
        off = train(store, project, model="minilm-crf", params={**MARKS_NOTHING,
                                                                "use_rules": "off"})
        assert off.metrics["val/entity_micro_f1"] == 0.0
        with pytest.raises(ConfigError, match="use_rules='maybe' is not one of auto, on, off"):
            train(store, project, model="minilm-crf", params={"use_rules": "maybe"})
    with released_span_project(tmp_path / "bare", rules=()) as (project, store, _):
        plain = train(store, project, model="minilm-crf")
        assert plain.rules_choice is None  # no rules: nothing to decide
        with pytest.raises(ConfigError, match="use_rules=on but the model has no span rules"):
            train(store, project, model="minilm-crf", params={"use_rules": "on"})
