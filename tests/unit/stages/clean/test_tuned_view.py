"""A fine-tuned encoder as a cleaning view: out of fold by construction, fewer folds, the
budget skip, the sequence length, and the refusal without the train extra."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import ClassVar

import numpy as np
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin

from tests.unit.stages.clean.clean_fixtures import flip, import_rows, rows
from textloop.models.tags import ModelTags
from textloop.progress import NULL_PROGRESS
from textloop.stages.clean.oof import out_of_fold_proba
from textloop.stages.clean.tuned_view import (
    CostModel,
    linear_cost,
    measure_cost,
    seq_len_for,
    tuned_view,
)

SRC = Path(__file__).resolve().parents[4] / "src"
CLASSES = ["spam", "ham"]
MEMO = "textloop.model.memo-tuned.v1"
NO_TORCH = """import importlib.abc, sys
class NoTorch(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name.split('.')[0] == 'torch':
            raise ImportError('No module named ' + repr(name))
sys.meta_path.insert(0, NoTorch())
"""
"""A Python where ``import torch`` fails as it does where the extra is not installed
(``sys.modules['torch'] = None`` would also break scipy, which looks torch up there)."""


class Memoriser(ClassifierMixin, BaseEstimator):
    """A 'fine-tuned' model that answers its training label for every text it trained on
    (probability 1) and is unsure (uniform) about any other: an out-of-fold row that is not
    uniform saw its own record. ``delay`` seconds per training text make a costly fit."""

    fits: ClassVar[list[int]] = []

    def __init__(self, epochs: int = 3, max_seq_len: int = 128, delay: float = 0.0) -> None:
        self.epochs = epochs
        self.max_seq_len = max_seq_len
        self.delay = delay

    def __textloop_tags__(self) -> ModelTags:
        return ModelTags(iterative=True, own_epochs=True, reports_progress=True,
                         fine_tunes=True)

    def fit(self, X, y, *, progress=NULL_PROGRESS):
        time.sleep(self.delay * len(X))
        self.classes_ = np.array(sorted(set(y)), dtype=object)
        self.seen_ = dict(zip(X, y, strict=True))
        Memoriser.fits.append(len(X))
        return self

    def predict_proba(self, X):
        out = np.full((len(X), len(self.classes_)), 1.0 / len(self.classes_))
        for i, text in enumerate(X):
            if text in self.seen_:
                out[i] = self.classes_ == self.seen_[text]
        return out


@pytest.fixture
def memo(scratch_registry):
    scratch_registry.register(MEMO)(Memoriser)
    Memoriser.fits = []
    return "memo-tuned"


def _data(n: int = 60) -> tuple[list[str], list[str]]:
    data = rows(n)
    return [t for t, _ in data], [label for _, label in data]


def test_the_memoriser_would_show_a_leak() -> None:
    """The check below can fail: scored on its own training texts, the model is certain."""
    texts, labels = _data()
    proba = Memoriser().fit(texts, labels).predict_proba(texts)
    assert np.allclose(proba.max(axis=1), 1.0)


def test_out_of_fold_rows_never_come_from_a_model_that_saw_the_record(memo) -> None:
    texts, labels = _data()
    view = tuned_view(memo, texts, labels, CLASSES, folds=5, tuned_folds=3)
    assert view.proba is not None and view.proba.shape == (60, 2)
    assert np.allclose(view.proba, 0.5)  # no record scored by a model that trained on it
    assert view.folds == 3 and Memoriser.fits == [40, 40, 40]  # 3 folds, each on 2/3


def test_fold_models_train_one_epoch_at_the_texts_sequence_length(memo, monkeypatch) -> None:
    seen: list[dict] = []
    real = out_of_fold_proba

    def spy(*args, **kwargs):
        seen.append(kwargs["params"])
        return real(*args, **kwargs)

    monkeypatch.setattr("textloop.stages.clean.tuned_view.out_of_fold_proba", spy)
    texts, labels = _data()
    tuned_view(memo, texts, labels, CLASSES, folds=5, tuned_folds=2)
    assert seen[0]["epochs"] == 1
    assert 16 <= seen[0]["max_seq_len"] <= 24  # 8 short words + a number, not 128


def test_the_view_is_skipped_when_the_estimate_exceeds_the_budget(memo, scratch_registry
                                                                  ) -> None:
    texts, labels = _data(300)
    slow = "memo-slow"
    scratch_registry.register("textloop.model.memo-slow.v1")(
        type("Slow", (Memoriser,), {"__init__": _slow_init}))
    view = tuned_view(slow, texts, labels, CLASSES, folds=3, tuned_folds=3,
                      budget_minutes=0.02)  # 1.2 s; the folds would sleep 3 x 200 x 10 ms
    assert view.proba is None
    assert view.estimate_seconds is not None and view.estimate_seconds > 1.2
    assert "skipped" in view.warning and "--budget-minutes 0.02" in view.warning
    assert sum(Memoriser.fits) < 300  # only the two timed samples were fitted
    kept = tuned_view(slow, texts, labels, CLASSES, folds=3, tuned_folds=3,
                      budget_minutes=5.0)
    assert kept.proba is not None and kept.warning is None


def _slow_init(self, epochs: int = 3, max_seq_len: int = 128, delay: float = 0.01) -> None:
    Memoriser.__init__(self, epochs, max_seq_len, delay)


def test_the_cost_estimate_separates_fixed_cost_from_cost_per_record(memo) -> None:
    texts, labels = _data(200)
    cost = measure_cost(memo, {"delay": 0.005}, texts, labels)
    assert cost.fit_per_row == pytest.approx(0.005, rel=0.5)
    assert cost.seconds(10_000, 3) == pytest.approx(3 * 6_667 * 0.005, rel=0.5)


def test_linear_cost_through_two_timings() -> None:
    assert linear_cost([(32, 4.2), (96, 5.8)]) == pytest.approx((3.4, 0.025))
    # the larger sample timed no slower (a busy machine): its mean cost, an overestimate
    assert linear_cost([(32, 5.0), (96, 4.8)]) == pytest.approx((0.0, 0.05))
    model = CostModel(10.0, 0.01, 2.0, 0.001)
    assert model.seconds(300, 3) == pytest.approx(3 * (10 + 2 + 0.01 * 200 + 0.001 * 100))


def test_sequence_length_follows_the_texts_within_bounds() -> None:
    assert seq_len_for([10] * 99 + [400]) == 16
    assert seq_len_for(list(range(1, 101))) == 96
    assert seq_len_for([500] * 10) == 128


def test_clean_with_a_fine_tuned_view_names_the_extra_without_torch(project, store,
                                                                    tmp_path) -> None:
    """A Python that cannot import torch: ``textloop clean --model finetune`` stops before
    any work with the pip command, and stores no cleaning."""
    import_rows(store, project, tmp_path, flip(rows(40), 10)[0])
    code = (NO_TORCH + "from textloop.cli.main import main\n"
            "sys.argv = ['textloop', 'clean', '--model', 'finetune', '--model', 'tfidf-lr', "
            "'--no-embeddings', '--no-leakage']\nmain()\n")
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    env.pop("TEXTLOOP_PROJECT", None)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=env, cwd=project.root, check=False, timeout=300)
    assert done.returncode == 8, done.stderr
    assert "torch" in done.stderr and 'pip install "textloop[train]"' in done.stderr
    assert "Traceback" not in done.stderr
    assert not (project.root / ".textloop" / "cleanings").exists()
