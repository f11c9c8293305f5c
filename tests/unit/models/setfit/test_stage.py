"""``textloop train --model setfit``: monitored run, verdict, bundle, predict and evaluate."""

from __future__ import annotations

import pytest

from tests.unit.stages.pipeline_fixtures import released
from textloop.stages.evaluate.evaluation import evaluate_run
from textloop.stages.predict.prediction import predict
from textloop.stages.runs.loading import load_run
from textloop.stages.train.training import train

pytestmark = pytest.mark.model


def test_trains_through_the_stage_and_evaluates(project, store, tmp_path) -> None:
    released(store, project, tmp_path)
    result = train(store, project, model="setfit",
                   params={"max_pairs": 16, "max_seq_len": 32})
    assert result.model == "textloop.model.setfit.v1"
    assert result.training is not None and result.training.epochs_run == 1  # not 50
    assert result.training.verdict.kind in {"healthy", "underfitting", "overfitting"}
    assert result.metrics["val/macro_f1"] > 0.6
    loaded = load_run(store, result.run_name)
    assert loaded.model.encoder_weights_  # rebuilt from the bundle's arrays
    labels = [p.label for p in predict(store, result.run_name, ["win a free prize now txt"])]
    assert labels == ["spam"]
    evaluated = evaluate_run(store, project, result.run_name, probes=False)
    assert evaluated.metrics["macro_f1"] > 0.6
