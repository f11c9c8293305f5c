"""The whole spec: checks that span sections (labels named elsewhere, task and goal, language)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.unit.config.specs import write
from textloop.config import load_spec
from textloop.errors import ConfigError


def test_duplicate_and_unknown_score_labels_rejected(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="listed twice"):
        load_spec(write(tmp_path, "name: x\nlabels: [{name: a}, {name: a}]\n"))
    with pytest.raises(ConfigError, match="unknown labels: b"):
        load_spec(write(tmp_path, "name: x\nlabels: [{name: a}]\nactions: {score_labels: [b]}\n"))


def test_regression_spec_defaults_and_mismatches(tmp_path: Path) -> None:
    spec = load_spec(write(tmp_path, "name: x\ntask: regression\ntarget: {min: 1, max: 5}\n"))
    assert spec.labels == [] and spec.goal.metric == "r2" and spec.training.loss == "mse"
    assert spec.goal.met(0.6) and not spec.goal.met(0.4)
    lower = load_spec(write(tmp_path, "name: x\ntask: regression\ngoal: {metric: mae, "
                                      "target: 0.5}\n")).goal
    assert lower.met(0.4) and not lower.met(0.6) and not lower.higher_is_better
    for text, found in [("name: x\ntask: regression\ngoal: {metric: macro_f1}\n", "macro_f1"),
                        ("name: x\nlabels: [{name: a}]\ngoal: {metric: mae, target: 1}\n", "mae"),
                        ("name: x\ntask: regression\ntraining: {loss: hinge}\n", "hinge"),
                        ("name: x\ntask: regression\nlabels: [{name: a}]\n", "no labels"),
                        ("name: x\ntask: regression\ntarget: {min: 5, max: 1}\n", "below"),
                        ("name: x\nlabels: [{name: a}]\ngoal: {metric: accuracy, target: 2}\n",
                         "above 1")]:
        with pytest.raises(ConfigError) as info:
            load_spec(write(tmp_path, text))
        assert found in info.value.message, text


def test_a_regression_spec_takes_an_assigned_language(tmp_path: Path) -> None:
    """Import records the detected language by assignment, which re-validates the spec."""
    spec = load_spec(write(tmp_path, "name: x\ntask: regression\ntraining: {epochs: 3}\n"))
    spec.language = "ko"
    assert spec.language == "ko" and spec.training.loss == "mse" and spec.training.epochs == 3


def test_language_must_be_a_tag(tmp_path: Path) -> None:
    path = tmp_path / "textloop.yaml"
    path.write_text("name: x\nlabels: [{name: a}]\nlanguage: Korean\n", "utf-8")
    with pytest.raises(ConfigError, match="key `language`: not a BCP 47 language tag"):
        load_spec(path)
