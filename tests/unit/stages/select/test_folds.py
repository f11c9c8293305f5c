"""Folds as pure work: the same probabilities in this process and as Ray tasks, a deadline
that skips folds not yet started, and a fold whose worker died rerun to the same answer."""

from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression

from textloop.executors import LocalExecutor, executor_for
from textloop.stages.select.cross_validate import stratified_folds
from textloop.stages.select.folds import Fold, fold_proba, make_folds, run_folds


def _data(n: int = 90, seed: int = 0) -> tuple[np.ndarray, list[str]]:
    rng = np.random.default_rng(seed)
    y = ["a", "b", "c"] * (n // 3)
    centres = {"a": 0.0, "b": 1.0, "c": 2.0}
    x = np.array([[centres[label] + rng.normal(0, 0.8), rng.normal()] for label in y])
    return x, y


class DiesOnce(BaseEstimator, ClassifierMixin):
    """Class centroids; the first fit anywhere (no ``marker`` file yet) kills its process,
    as a node lost mid-job would."""

    def __init__(self, marker: str = "") -> None:
        self.marker = marker

    def fit(self, x: np.ndarray, y: np.ndarray) -> DiesOnce:
        if self.marker and not Path(self.marker).exists():
            Path(self.marker).write_text(str(os.getpid()), encoding="utf-8")
            os._exit(1)
        self.classes_ = np.unique(np.asarray(y, dtype=object))
        labels = np.asarray(y, dtype=object)
        self.centres_ = np.stack([x[labels == c].mean(axis=0) for c in self.classes_])
        return self

    def predict_proba(self, x: np.ndarray) -> np.ndarray:
        distance = ((x[:, None, :] - self.centres_[None, :, :]) ** 2).sum(axis=2)
        weights = np.exp(-distance)
        return weights / weights.sum(axis=1, keepdims=True)


def test_a_fold_predicts_only_its_held_out_rows_in_the_classes_order() -> None:
    x, y = _data()
    folds = make_folds(LogisticRegression(), x, y, stratified_folds(y, 3), ["c", "b", "a"])
    probas = run_folds(folds)
    assert [p.shape for p in probas] == [(30, 3)] * 3
    fitted = LogisticRegression().fit(folds[0].x_fit, folds[0].y_fit)
    assert np.array_equal(probas[0], fitted.predict_proba(folds[0].x_held)[:, ::-1])


def test_a_fold_not_started_by_its_deadline_is_skipped() -> None:
    x, y = _data()
    fold = make_folds(LogisticRegression(), x, y, stratified_folds(y, 3), ["a", "b", "c"])[0]
    assert fold_proba(Fold(**{**fold.__dict__, "deadline": time.time() - 1})) is None
    assert fold_proba(Fold(**{**fold.__dict__, "deadline": time.time() + 60})) is not None


@pytest.mark.slow
def test_folds_on_ray_give_what_local_gives(ray_cluster: str) -> None:
    x, y = _data()
    folds = make_folds(LogisticRegression(C=0.5), x, y, stratified_folds(y, 5, seed=2),
                       ["a", "b", "c"])
    with executor_for("ray", address=ray_cluster) as ray:
        remote = run_folds(folds, ray)
    local = run_folds(folds, LocalExecutor())
    assert all(np.array_equal(r, lo) for r, lo in zip(remote, local, strict=True))


@pytest.mark.slow
def test_a_fold_whose_worker_died_is_rerun_to_the_same_result(ray_cluster: str,
                                                              tmp_path: Path) -> None:
    x, y = _data()
    marker = tmp_path / "died"
    folds = make_folds(DiesOnce(str(marker)), x, y, stratified_folds(y, 4), ["a", "b", "c"])
    with executor_for("ray", address=ray_cluster) as ray:
        remote = run_folds(folds, ray)
    assert marker.exists() and int(marker.read_text()) != os.getpid()  # a worker died
    local = run_folds(folds)  # the marker is there now, so nothing dies here
    assert all(np.array_equal(r, lo) for r, lo in zip(remote, local, strict=True))
