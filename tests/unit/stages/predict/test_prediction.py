"""``predict``: label, probabilities and the action band saved with the model."""

from __future__ import annotations

import pytest

from tests.unit.stages.pipeline_fixtures import released
from textloop.config import Actions
from textloop.errors import InvalidInputError
from textloop.stages.predict.prediction import predict
from textloop.stages.train.training import train


def test_predictions_carry_probabilities_and_filter_bands(project, store, tmp_path) -> None:
    project.spec.actions = Actions.for_filter(["spam"])
    released(store, project, tmp_path)
    train(store, project)
    spam, ham = predict(store, "latest", ["win free cash prize claim now urgent",
                                          "see you at home for dinner later"])
    assert spam.label == "spam" and ham.label == "ham"
    assert sum(spam.probabilities.values()) == pytest.approx(1.0)
    assert spam.score == pytest.approx(spam.probabilities["spam"])
    assert spam.band in {"block", "review"}
    assert ham.band == "allow"
    assert spam.model == "tfidf-lr-1"


def test_bands_come_from_the_bundle_not_the_current_spec(project, store, tmp_path) -> None:
    released(store, project, tmp_path)
    train(store, project)  # trained with the default policy: auto / review / manual
    project.spec.actions = Actions.for_filter(["spam"])  # changed later, not retrained
    (prediction,) = predict(store, "latest", ["win free cash prize claim now urgent"])
    assert prediction.band in {"auto", "review", "manual"}


def test_empty_text_is_refused(project, store, tmp_path) -> None:
    released(store, project, tmp_path)
    train(store, project)
    with pytest.raises(InvalidInputError, match="non-empty"):
        predict(store, "latest", ["  "])


def test_probabilities_are_the_calibrated_ones(project, store, tmp_path) -> None:
    from textloop.stages.runs.loading import load_run

    released(store, project, tmp_path)
    train(store, project)
    text = "win free cash prize claim now urgent"
    (prediction,) = predict(store, "latest", [text])
    loaded = load_run(store, "latest")
    raw = loaded.model.predict_proba([text])
    temperature = loaded.meta["calibration"]["extra"]["temperature"]
    assert prediction.calibrated is True
    expected = raw[0] ** (1 / temperature) / (raw[0] ** (1 / temperature)).sum()
    labels = [str(c) for c in loaded.model.classes_]
    assert [prediction.probabilities[label] for label in labels] == pytest.approx(expected)


def test_without_a_calibrator_probabilities_are_unchanged(project, store, tmp_path) -> None:
    from textloop.stages.runs.loading import load_run

    released(store, project, tmp_path)
    train(store, project, calibration="none")
    (prediction,) = predict(store, "latest", ["see you at home for dinner later"])
    loaded = load_run(store, "latest")
    raw = loaded.model.predict_proba(["see you at home for dinner later"])[0]
    labels = [str(c) for c in loaded.model.classes_]
    assert [prediction.probabilities[label] for label in labels] == pytest.approx(raw)
