"""``train --model embed-mlp``: per-epoch history, verdict, restored metrics, TensorBoard."""

from __future__ import annotations

import pytest

from tests.unit.stages.pipeline_fixtures import released
from textloop.config import TrainingSettings
from textloop.stages.evaluate.evaluation import evaluate_run
from textloop.stages.train.training import train
from textloop.storage import runs
from textloop.storage.bundles import load_bundle

pytestmark = pytest.mark.model


def test_history_verdict_and_bundle_of_a_monitored_run(project, store, tmp_path) -> None:
    released(store, project, tmp_path)
    project.spec.training = TrainingSettings(epochs=40, patience=2, min_delta=0.01)
    result = train(store, project, model="embed-mlp", params={"learning_rate": 0.01})
    training = result.training
    assert training is not None and training.stopped_early and training.epochs_run < 40
    assert training.verdict.kind in {"healthy", "overfitting"}
    assert training.best_epoch == training.restored_epoch
    with store.read() as conn:
        run = runs.get(conn, result.run_name)
        history = runs.metric_history(conn, result.run_id)
    steps = [step for step, _ in history["val/loss"]]
    assert steps == list(range(1, training.epochs_run + 1))
    best = dict(history["val/loss"])[training.best_epoch]
    assert run["metrics"]["val/log_loss"] == pytest.approx(best, rel=1e-4)
    assert run["metrics"]["restored_epoch"] == training.restored_epoch
    assert run["config"]["training"]["patience"] == 2 and run["params"]["epochs"] == 40
    bundle = load_bundle(store.path_for(run["bundle_path"]), run["bundle_sha256"])
    assert bundle.meta["training"]["verdict"]["sentence"] == training.verdict.sentence
    assert len(bundle.meta["training"]["history"]) == training.epochs_run
    assert list(store.path_for("runs", result.run_name, "tensorboard").glob("events.out.*"))


def test_param_overrides_the_training_section_and_report_shows_curves(project, store,
                                                                      tmp_path) -> None:
    released(store, project, tmp_path)
    project.spec.training = TrainingSettings(epochs=50, loss="hinge")
    result = train(store, project, model="embed-mlp", params={"epochs": 3})
    assert result.training is not None and result.training.epochs_run == 3
    with store.read() as conn:
        assert runs.get(conn, result.run_name)["params"]["loss"] == "hinge"
    html = evaluate_run(store, project, result.run_name).report_html.read_text()
    section = html.split('id="training"', 1)[1].split("</section>", 1)[0]
    assert result.training.verdict.sentence in section
    assert "<svg" in section and "train/loss" in section and "3 epochs" in section
