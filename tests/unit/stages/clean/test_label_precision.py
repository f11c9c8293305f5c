"""Which label-issue flags ``textloop clean`` keeps, and what it says about their precision,
on synthetic out-of-fold probabilities with known flips (``noise_fixtures``)."""

from __future__ import annotations

import re

import numpy as np
import pytest

from tests.unit.strategies.cleaning.noise_fixtures import BINARY, THREE, synthetic
from textloop.errors import InvalidInputError
from textloop.stages.clean.label_precision import check_min_precision, flag_precision
from textloop.strategies.cleaning import LabelIssues


def proposal(strength: float, noise: list[list[float]], n: int = 6000
             ) -> tuple[LabelIssues, np.ndarray, np.ndarray, list[str]]:
    """A method's issues flagging every disagreement with the given label."""
    data = synthetic(strength, noise, n=n)
    issues = LabelIssues(flagged=data.proba.argmax(axis=1) != data.given,
                         quality=data.proba[np.arange(n), data.given], proba=data.proba)
    return issues, data.given, data.flipped, [f"r{i}" for i in range(n)]


def test_a_model_as_noisy_as_the_labels_is_said_so_and_only_trusted_flags_stay() -> None:
    issues, given, flipped, ids = proposal(1.5, BINARY)
    judged = flag_precision(issues, given, ids, None)
    assert judged.details["model_as_noisy"] is True
    [warning] = judged.warnings
    assert warning.startswith("the model errs as often as the labels seem to")
    false_share = int(re.search(r"expect about (\d+)% of the", warning).group(1))
    assert false_share == round(100 * (1 - judged.details["proposed_precision"]))
    assert false_share == pytest.approx(100 * (1 - flipped[issues.flagged].mean()), abs=8)
    kept = judged.issues.flagged
    assert 0 < kept.sum() < issues.flagged.sum()
    assert judged.details["ranked_not_flagged"] == issues.flagged.sum() - kept.sum()
    assert flipped[kept].mean() > flipped[issues.flagged].mean() + 0.1
    assert "ranked, not flagged" in warning


def test_a_strong_models_flags_all_stay_without_a_warning() -> None:
    issues, given, _, ids = proposal(6.0, THREE)
    judged = flag_precision(issues, given, ids, None)
    assert judged.warnings == []
    assert (judged.issues.flagged == issues.flagged).all()
    assert judged.details["ranked_not_flagged"] == 0


def test_min_precision_flags_fewer_as_the_target_rises_and_reaches_it() -> None:
    issues, given, flipped, ids = proposal(3.0, THREE)
    kept = {}
    for target in (0.7, 0.8, 0.9):
        judged = flag_precision(issues, given, ids, target)
        kept[target] = judged.issues.flagged
        assert judged.details["min_precision"] == target
        assert judged.details["expected_precision"] >= target
        assert flipped[kept[target]].mean() == pytest.approx(target, abs=0.05)
    assert kept[0.7].sum() > kept[0.8].sum() > kept[0.9].sum() > 0


@pytest.mark.parametrize("value", [0.0, -0.2, 1.5])
def test_an_impossible_target_is_refused_with_a_hint(value: float) -> None:
    with pytest.raises(InvalidInputError, match="--min-precision") as info:
        check_min_precision(value)
    assert "0.8" in info.value.hint
