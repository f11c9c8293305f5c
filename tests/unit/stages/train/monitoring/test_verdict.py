"""Verdict rules on constructed curves: each verdict, its evidence sentence, and the order."""

from __future__ import annotations

import math

import pytest

from textloop.stages.train.monitoring import Goal, VerdictRules, judge


def curves(train: list[float], val: list[float] | None = None,
           train_f1: list[float] | None = None) -> list[dict[str, float]]:
    rows = []
    for i, loss in enumerate(train):
        row = {"epoch": float(i + 1), "train/loss": loss,
               "train/macro_f1": train_f1[i] if train_f1 else 0.99}
        if val is not None:
            row["val/loss"] = val[i]
        rows.append(row)
    return rows


def test_overfitting_names_the_rise_the_fall_and_the_restored_epoch() -> None:
    train = [1.0, 0.8, 0.6, 0.5, 0.45, 0.40, 0.36, 0.33, 0.30, 0.28]
    val = [1.0, 0.8, 0.6, 0.55, 0.52, 0.50, 0.51, 0.53, 0.55, 0.56]
    verdict = judge(curves(train, val), restored_epoch=6)
    assert verdict.kind == "overfitting"
    assert verdict.sentence == ("val/loss rose 12% over epochs 7–10 while train/loss fell 30%: "
                                "overfitting; restored epoch 6")
    assert "dropout" in verdict.advice


def test_a_small_rise_in_val_loss_is_not_overfitting() -> None:
    verdict = judge(curves([1.0, 0.6, 0.5, 0.45], [1.0, 0.6, 0.58, 0.60]))
    assert verdict.kind == "healthy"
    assert verdict.evidence == ("val/loss reached its lowest 0.58 at epoch 3 of 4 while "
                                "train/loss fell 55%")


def test_rise_threshold_is_a_rule_setting() -> None:
    history = curves([1.0, 0.6, 0.5, 0.45], [1.0, 0.6, 0.58, 0.60])
    assert judge(history, rules=VerdictRules(overfit_rise=0.03)).kind == "overfitting"


def test_nan_loss_is_diverging_at_its_epoch() -> None:
    verdict = judge(curves([0.9, 3.0, math.nan], [0.9, 3.5, math.nan]))
    assert verdict.kind == "diverging"
    assert verdict.sentence == "train/loss became nan at epoch 3: diverging"
    assert "learning_rate" in verdict.advice


def test_loss_rising_from_the_start_is_diverging_not_overfitting() -> None:
    verdict = judge(curves([0.7, 0.9, 1.2, 1.4], [0.7, 1.0, 1.4, 1.8]))
    assert verdict.kind == "diverging"
    assert verdict.evidence == "train/loss rose 100% over epochs 1–4 (0.7 → 1.4)"


def test_flat_losses_below_the_goal_are_underfitting() -> None:
    train = [0.69, 0.66, 0.655, 0.652, 0.651]
    verdict = judge(curves(train, [0.7, 0.68, 0.67, 0.668, 0.667],
                           train_f1=[0.55, 0.60, 0.61, 0.61, 0.61]),
                    goal=Goal("macro_f1", 0.9))
    assert verdict.kind == "underfitting"
    assert verdict.sentence == ("train/macro_f1 reached only 0.610 at epoch 5 (goal macro_f1 ≥ "
                                "0.9) while train/loss changed 0.6% over epochs 3–5: "
                                "underfitting")
    assert "bigger model" in verdict.advice


def test_still_falling_below_the_goal_asks_for_more_epochs() -> None:
    verdict = judge(curves([1.0, 0.8, 0.6], [1.0, 0.8, 0.6], train_f1=[0.5, 0.6, 0.7]))
    assert verdict.kind == "underfitting"
    assert "still falling (-40.0% over epochs 1–3)" in verdict.evidence
    assert verdict.advice == "train for more epochs"


def test_underfitting_reads_the_kept_epoch() -> None:
    history = curves([1.0, 0.5, 0.4], [1.0, 0.5, 0.45], train_f1=[0.5, 0.95, 0.8])
    assert judge(history, restored_epoch=2).kind == "healthy"
    assert judge(history).kind == "underfitting"


def test_healthy_without_validation_describes_the_training_loss() -> None:
    verdict = judge(curves([1.0, 0.5, 0.25]))
    assert verdict.kind == "healthy" and verdict.sentence == "train/loss fell 75%: healthy"


def test_kept_last_epoch_is_not_called_restored() -> None:
    verdict = judge(curves([1.0, 0.5], [1.0, 0.6]), restored_epoch=2)
    assert verdict.restored_epoch is None and "restored" not in verdict.sentence


def test_no_epochs_is_an_error() -> None:
    with pytest.raises(ValueError, match="no epochs"):
        judge([])
