"""The ``training:`` section of textloop.yaml: defaults, values, and errors that name the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from textloop.config import load_spec
from textloop.errors import ConfigError

SPEC = """
name: spam-filter
labels: [{name: spam}, {name: ham}]
"""


def load(tmp_path: Path, extra: str = ""):
    path = tmp_path / "textloop.yaml"
    path.write_text(SPEC + extra, encoding="utf-8")
    return load_spec(path)


def test_defaults_when_the_section_is_absent(tmp_path: Path) -> None:
    training = load(tmp_path).training
    assert (training.epochs, training.patience, training.min_delta) == (50, 5, 0.0)
    assert training.monitor == "val/loss" and training.mode == "auto"
    assert training.restore_best and training.loss == "cross_entropy"


def test_values_are_read(tmp_path: Path) -> None:
    training = load(tmp_path, "training: {epochs: 12, patience: 2, min_delta: 0.01, "
                              "monitor: val/macro_f1, loss: hinge, restore_best: false}\n").training
    assert training.epochs == 12 and training.monitor == "val/macro_f1"
    assert training.loss == "hinge" and not training.restore_best


def test_unknown_key_is_named_with_a_suggestion(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        load(tmp_path, "training: {patiense: 3}\n")
    assert "unknown key `training.patiense`" in info.value.message
    assert "did you mean `patience`" in info.value.message


def test_bad_values_name_the_key(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"training\.loss"):
        load(tmp_path, "training: {loss: squared}\n")
    with pytest.raises(ConfigError, match=r"training\.patience"):
        load(tmp_path, "training: {patience: 0}\n")


SPANS = """
name: entities
task: spans
labels: [{name: PER}, {name: LOC}]
"""


def test_a_span_project_stops_early_on_validation_entity_f1(tmp_path: Path) -> None:
    """A span model reports no macro-F1; its early stopping watches entity micro-F1 unless
    the section names another monitor."""
    path = tmp_path / "textloop.yaml"
    path.write_text(SPANS, encoding="utf-8")
    assert load_spec(path).training.monitor == "val/entity_micro_f1"
    path.write_text(SPANS + "training: {patience: 2}\n", encoding="utf-8")
    assert load_spec(path).training.monitor == "val/entity_micro_f1"
    path.write_text(SPANS + "training: {monitor: val/loss}\n", encoding="utf-8")
    assert load_spec(path).training.monitor == "val/loss"


def test_a_monitor_of_another_task_is_refused_naming_the_key(tmp_path: Path) -> None:
    path = tmp_path / "textloop.yaml"
    path.write_text(SPANS + "training: {monitor: val/macro_f1}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"training\.monitor 'val/macro_f1' does not fit a "
                                          r"spans task"):
        load_spec(path)
    with pytest.raises(ConfigError, match=r"training\.monitor 'val/entity_micro_f1' does not "
                                          r"fit a classification task"):
        load(tmp_path, "training: {monitor: val/entity_micro_f1}\n")
