"""Noise and model error rates and per-record error probabilities, on synthetic out-of-fold
probabilities where the truth is known (``noise_fixtures``)."""

from __future__ import annotations

import numpy as np
import pytest

from tests.unit.strategies.cleaning.noise_fixtures import BINARY, THREE, sparse_noise, synthetic
from textloop.strategies.cleaning.precision import estimate_errors


@pytest.mark.parametrize("noise", [BINARY, THREE])
def test_noise_rate_per_class_matches_the_injected_one(noise: list[list[float]]) -> None:
    data = synthetic(5.0, noise)
    found = estimate_errors(data.given, data.proba)
    for c in range(len(noise)):
        carrying = data.given == c
        assert found.noise_rate[c] == pytest.approx(data.flipped[carrying].mean(), abs=0.04)
    assert found.overall_noise_rate == pytest.approx(data.flipped.mean(), abs=0.03)


@pytest.mark.parametrize("strength", [2.0, 6.0])
def test_model_error_rate_matches_the_models_mistakes_on_true_labels(strength: float) -> None:
    data = synthetic(strength, BINARY)
    found = estimate_errors(data.given, data.proba)
    actual = np.mean(data.proba.argmax(axis=1) != data.true)
    assert found.overall_model_error == pytest.approx(actual, abs=0.04)


def test_a_weak_model_is_said_to_err_as_often_as_the_labels() -> None:
    weak, strong = (synthetic(strength, BINARY) for strength in (1.5, 6.0))
    weak, strong = (estimate_errors(d.given, d.proba) for d in (weak, strong))
    assert weak.model_as_noisy and not strong.model_as_noisy
    assert weak.overall_model_error > strong.overall_model_error


def test_min_precision_flags_realize_about_the_target() -> None:
    data = synthetic(3.0, THREE)
    found = estimate_errors(data.given, data.proba)
    everyone = np.ones(len(data.given), dtype=bool)
    flagged = {target: found.reaching(everyone, target) for target in (0.7, 0.8, 0.9)}
    for target, mask in flagged.items():
        assert mask.sum() > 20
        assert data.flipped[mask].mean() == pytest.approx(target, abs=0.05)
        assert found.precision(mask) >= target
    assert flagged[0.7].sum() > flagged[0.8].sum() > flagged[0.9].sum()
    assert (flagged[0.9] <= flagged[0.8]).all()


def test_a_strong_models_flags_at_a_target_are_at_least_that_precise() -> None:
    data = synthetic(6.0, THREE)
    found = estimate_errors(data.given, data.proba)
    everyone = np.ones(len(data.given), dtype=bool)
    for target in (0.7, 0.8, 0.9):
        mask = found.reaching(everyone, target)
        assert data.flipped[mask].mean() >= target - 0.05


def test_error_probability_ranks_the_flips_first() -> None:
    data = synthetic(4.0, BINARY)
    found = estimate_errors(data.given, data.proba)
    assert found.error_probability[data.flipped].mean() > 0.5
    assert found.error_probability[~data.flipped].mean() < 0.1


def test_trusted_keeps_every_flag_of_a_strong_model_and_the_likely_ones_of_a_weak_one() -> None:
    for strength in (1.5, 6.0):
        data = synthetic(strength, BINARY)
        found = estimate_errors(data.given, data.proba)
        proposed = data.proba.argmax(axis=1) != data.given
        kept = found.trusted(proposed)
        if found.model_as_noisy:
            assert kept.sum() < proposed.sum()
            assert (found.error_probability[kept] >= 0.5).all()
            assert data.flipped[kept].mean() > data.flipped[proposed].mean()
        else:
            assert (kept == proposed).all()


def test_a_weak_model_trims_flags_only_when_each_class_has_enough_anchors() -> None:
    """The same weak model and noise: with 6,000 records (300 anchors per class) the default
    flags are trimmed to the likely ones; with 200 records (10 per class) the estimates are
    rough and every proposed flag stays."""
    for n, rough in ((6000, False), (200, True)):
        data = synthetic(1.5, BINARY, n=n)
        found = estimate_errors(data.given, data.proba)
        proposed = found.error_probability >= 0.3
        assert found.model_as_noisy and found.rough is rough
        kept = found.trusted(proposed)
        if rough:
            assert (kept == proposed).all()
        else:
            assert kept.sum() < proposed.sum() and (kept <= proposed).all()


def _per_class_truth(data) -> np.ndarray:  # type: ignore[no-untyped-def]
    k = int(data.given.max()) + 1
    return np.asarray([data.flipped[data.given == c].mean() for c in range(k)])


@pytest.mark.parametrize("seed", [0, 1])
def test_many_small_classes_read_their_noise_from_the_pooled_rate(seed: int) -> None:
    """77 classes of about 130 records (13 anchors each), 20% of each class flipped to two
    others: read alone, a class's anchors often miss a class its flips go to, and the noise
    comes out far too low; shrunk toward the pooled column it lands near the truth."""
    data = synthetic(8.0, sparse_noise(77, 0.2), n=10_000, seed=seed)
    pooled = estimate_errors(data.given, data.proba)
    alone = estimate_errors(data.given, data.proba, pooling=0.0)
    assert pooled.overall_noise_rate == pytest.approx(data.flipped.mean(), abs=0.04)
    assert alone.overall_noise_rate < data.flipped.mean() - 0.06
    truth = _per_class_truth(data)
    pooled_error = np.abs(pooled.noise_rate - truth).mean()
    assert pooled_error < 0.75 * np.abs(alone.noise_rate - truth).mean()
    actual_model_error = np.mean(data.proba.argmax(axis=1) != data.true)
    assert (abs(pooled.overall_model_error - actual_model_error)
            < 0.5 * abs(alone.overall_model_error - actual_model_error))


@pytest.mark.parametrize("seed", [0, 1])
def test_min_precision_holds_on_many_small_classes(seed: int) -> None:
    data = synthetic(8.0, sparse_noise(77, 0.2), n=10_000, seed=seed)
    found = estimate_errors(data.given, data.proba)
    flagged = found.reaching(np.ones(len(data.given), dtype=bool), 0.8)
    assert flagged.sum() > 500
    assert data.flipped[flagged].mean() == pytest.approx(0.8, abs=0.05)


def test_few_big_classes_keep_their_own_noise_reading() -> None:
    """Three classes of 2,000 records (200 anchors each): pooling barely moves anything."""
    data = synthetic(4.0, THREE)
    pooled = estimate_errors(data.given, data.proba)
    alone = estimate_errors(data.given, data.proba, pooling=0.0)
    assert np.abs(pooled.noise_rate - alone.noise_rate).max() < 0.01
    assert np.abs(pooled.error_probability - alone.error_probability).mean() < 0.01
