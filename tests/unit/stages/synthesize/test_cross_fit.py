"""Cross-fitting a batch: every real row scored out of fold, no item trained beside its
held-out seed."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin

from textloop.stages.synthesize.ablation import Inputs
from textloop.stages.synthesize.cross_fit import Pool, cross_compare, folds_possible

FITS: list[list[str]] = []


class Recorder(ClassifierMixin, BaseEstimator):
    """Remembers what each fit saw; predicts the label of an identical training text."""

    def __init__(self, random_state: int = 0) -> None:
        self.random_state = random_state

    def fit(self, x, y):
        FITS.append(list(x))
        self.classes_ = np.array(sorted(set(y)))
        self.memory_ = dict(zip(x, y, strict=True))
        return self

    def predict_proba(self, x):
        out = np.full((len(x), len(self.classes_)), 1 / len(self.classes_))
        for row, text in enumerate(x):
            if text in self.memory_:
                out[row] = self.classes_ == self.memory_[text]
        return out


def pool(n_per_class: int = 6) -> Pool:
    texts = [f"{label} real {i}" for label in ("a", "b") for i in range(n_per_class)]
    labels = [t.split()[0] for t in texts]
    ids = [f"r{i}" for i in range(len(texts))]
    # each item is a copy of one real row, made from it: scoring it beside its seed would
    # let the "with" arm read the answer
    extra = Inputs(list(texts), list(labels))
    return Pool(Inputs(texts, labels), ids, Inputs(["fixed a"], ["a"]), extra,
                [frozenset({rid}) for rid in ids])


def test_no_fold_trains_on_an_item_made_from_a_row_it_holds_out(project) -> None:
    FITS.clear()
    data = pool()
    comparison, folds = cross_compare(Recorder(), project, data, ["a", "b"], seeds=2)
    assert folds == 5 and len(FITS) == 2 * 2 * 5
    for seen in FITS:
        assert "fixed a" in seen  # earlier synthetic rows train every fold
        held = [t for t in data.real.x if t not in seen]
        assert held, "every fold holds some real rows out"
        assert seen.count(held[0]) == 0  # neither the row nor its copy
    # with leakage the "with" arm would score 1.0; without, it scores what "without" does
    assert comparison.macro_f1["delta"] == pytest.approx(0.0)
    assert comparison.seeds == [0, 1]


def test_the_with_arm_trains_on_the_items_of_the_rows_it_keeps(project) -> None:
    FITS.clear()
    data = pool()
    cross_compare(Recorder(), project, data, ["a", "b"], seeds=1)
    with_fits = FITS[5:]  # the "without" arm's five folds come first
    for seen in with_fits:
        kept = [t for t in data.real.x if t in seen]
        assert all(seen.count(t) == 2 for t in kept)  # the row and its copy


@pytest.mark.parametrize(("labels", "folds"), [
    (["a"] * 9 + ["b"] * 9, 5), (["a"] * 9 + ["b"] * 3, 3), (["a"] * 9 + ["b"], 1), ([], 0)])
def test_folds_are_capped_by_the_smallest_class(labels, folds) -> None:
    assert folds_possible(labels) == folds


def test_too_few_rows_of_a_class_is_refused(project) -> None:
    data = Pool(Inputs(["a 1", "a 2", "b 1"], ["a", "a", "b"]), ["r1", "r2", "r3"],
                Inputs([], []), Inputs([], []), [])
    with pytest.raises(ValueError, match="at least 2 real rows"):
        cross_compare(Recorder(), project, data, ["a", "b"], seeds=1)
