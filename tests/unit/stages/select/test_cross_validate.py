"""``cross_validate``: stratified folds, mean ± std per metric, and a run without a model."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from tests.unit.stages.selection_fixtures import noisy_release
from textloop.errors import InvalidInputError
from textloop.stages.release import load_release
from textloop.stages.select.cross_validate import CVSummary, cross_validate, stratified_folds
from textloop.stages.train.training import train
from textloop.storage import runs


def test_summary_mean_and_sample_std_per_metric() -> None:
    summary = CVSummary([{"macro_f1": 0.8, "accuracy": 0.9}, {"macro_f1": 0.9, "accuracy": 0.9},
                         {"macro_f1": 0.7}])
    assert summary.mean == {"macro_f1": pytest.approx(0.8)}  # accuracy is not in every fold
    assert summary.std["macro_f1"] == pytest.approx(np.std([0.8, 0.9, 0.7], ddof=1))


def test_folds_are_stratified_and_cover_every_row_once() -> None:
    labels = ["a"] * 40 + ["b"] * 20
    folds = stratified_folds(labels, 4, seed=0)
    held = np.concatenate([h for _, h in folds])
    assert sorted(held.tolist()) == list(range(60))
    for fit, rows in folds:
        assert not set(fit) & set(rows)
        assert Counter(labels[i] for i in rows) == {"a": 10, "b": 5}


def test_more_folds_than_a_label_has_rows_is_refused() -> None:
    with pytest.raises(InvalidInputError, match="label 'b' has only 3 rows") as caught:
        stratified_folds(["a"] * 10 + ["b"] * 3, 5)
    assert caught.value.hint == "use --folds 3 or label more 'b' records"
    with pytest.raises(InvalidInputError, match="at least 2 folds"):
        stratified_folds(["a", "b"] * 5, 1)


def test_records_a_cv_run_over_train_and_validation(project, store, tmp_path) -> None:
    release_id = noisy_release(store, project, tmp_path)
    data = load_release(store)
    trained = train(store, project)
    result = cross_validate(store, project, folds=3, params={"C": 2.0})
    assert result.n_rows == len(data.train) + len(data.validation)
    assert len(result.summary.per_fold) == 3
    assert set(result.summary.mean) == {"accuracy", "macro_f1", "weighted_f1", "log_loss"}
    with store.read() as conn:
        run = runs.get(conn, result.run_name)
        history = runs.metric_history(conn, run["id"])
        latest = runs.get(conn, "latest")
    assert run["name"] == "cv-tfidf-lr-2" and run["status"] == "finished"
    assert run["config"]["kind"] == "cv" and run["config"]["params"]["C"] == 2.0
    assert run["params"] == {"C": 2.0, "release": release_id, "folds": 3,
                             "n_rows": result.n_rows}
    assert run["metrics"]["cv/macro_f1"] == pytest.approx(result.summary.mean["macro_f1"])
    assert run["metrics"]["cv/macro_f1_std"] == pytest.approx(result.summary.std["macro_f1"])
    assert [step for step, _ in history["fold/macro_f1"]] == [1, 2, 3]
    assert latest["name"] == trained.run_name  # 'latest' is the newest run with a model


def test_a_fold_scores_the_score_label_as_the_positive_class() -> None:
    from sklearn.base import BaseEstimator, ClassifierMixin

    from textloop.stages.select.cross_validate import fit_and_score

    class Fixed(ClassifierMixin, BaseEstimator):
        """Returns P(spam) given as the input: the fold's scores are known exactly."""

        def fit(self, x, y):
            self.classes_ = np.array(["ham", "spam"])
            return self

        def predict_proba(self, x):
            spam = np.asarray(x, dtype=float)
            return np.column_stack([1 - spam, spam])

    x, y = [0.1, 0.6, 0.4, 0.9, 0.8], ["ham", "ham", "spam", "spam", "spam"]
    labels = ["spam", "ham"]  # listed spam first, as `textloop init --labels spam,ham` does
    scored = fit_and_score(Fixed(), x, y, x, y, labels, ("pr_auc",), score_labels=["spam"])
    assert scored["pr_auc"] == pytest.approx(11 / 12)  # spam's average precision
    assert fit_and_score(Fixed(), x, y, x, y, labels, ("pr_auc",))["pr_auc"] == \
        pytest.approx(5 / 6)  # without score labels: the second label, ham


@pytest.mark.slow
def test_fold_scores_on_ray_match_local(project, store, tmp_path, ray_cluster) -> None:
    from textloop.executors import executor_for

    noisy_release(store, project, tmp_path)
    local = cross_validate(store, project, folds=4, seed=5, executor="local")
    with executor_for("ray", address=ray_cluster) as ray:
        remote = cross_validate(store, project, folds=4, seed=5, executor=ray)
    assert remote.summary.per_fold == local.summary.per_fold
    assert len({round(f["macro_f1"], 6) for f in local.summary.per_fold}) > 1  # real folds
