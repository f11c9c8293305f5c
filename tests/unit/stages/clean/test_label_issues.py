"""Out-of-fold probabilities and label issues: injected flips are found, bad input refused."""

from __future__ import annotations

import numpy as np
import pytest

from tests.unit.stages.clean.clean_fixtures import flip, rows
from textloop.errors import InvalidInputError
from textloop.stages.clean.oof import check_folds, out_of_fold_proba
from textloop.strategies.cleaning import LabelIssueInput, get_method

CLASSES = ["spam", "ham"]


@pytest.fixture(scope="module")
def noisy() -> tuple[list[str], list[str], set[int], np.ndarray]:
    data, flipped = flip(rows(200), 10)
    texts, labels = [t for t, _ in data], [lab for _, lab in data]
    _, proba = out_of_fold_proba("tfidf-lr", texts, None, labels, CLASSES, folds=5)
    return texts, labels, flipped, proba


def test_out_of_fold_probabilities_have_one_row_per_record(noisy) -> None:
    texts, _, _, proba = noisy
    assert proba.shape == (len(texts), 2)
    assert np.allclose(proba.sum(axis=1), 1.0)


@pytest.mark.parametrize("method", ["cleanlab", "views-knn"])
def test_injected_flips_are_found(noisy, method: str) -> None:
    _, labels, flipped, proba = noisy
    y = np.array([CLASSES.index(label) for label in labels])
    _, finder = get_method(method)
    issues = finder.find(LabelIssueInput(labels=y, views=[proba]))
    found = set(np.flatnonzero(issues.flagged).tolist())
    assert len(found & flipped) >= 0.8 * len(flipped)
    assert len(found - flipped) <= 2
    suggested = issues.proba.argmax(axis=1)
    assert all(suggested[i] != y[i] for i in found & flipped)
    assert issues.quality[list(flipped)].mean() < issues.quality.mean()


def test_neighbour_agreement_changes_the_probabilities_views_knn_uses() -> None:
    y = np.array([0, 0, 1, 1])
    view = np.array([[0.9, 0.1], [0.8, 0.2], [0.2, 0.8], [0.6, 0.4]])
    knn = np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0], [0.0, 1.0]])
    _, finder = get_method("views-knn")
    issues = finder.find(LabelIssueInput(labels=y, views=[view, view], neighbour_proba=knn))
    assert np.allclose(issues.proba[3], [0.4, 0.6])


def test_versioned_names_resolve() -> None:
    assert get_method("cleanlab")[0] == "textloop.cleaning.cleanlab.v1"
    assert get_method("views-knn")[0] == "textloop.cleaning.views-knn.v1"


@pytest.mark.parametrize(("labels", "folds", "message"), [
    (["a"] * 10, 5, "same label"),
    (["a", "b", "a"], 5, "fewer than the 5 folds"),
    (["a", "b"] * 5, 1, "at least 2"),
])
def test_bad_input_is_refused_with_a_hint(labels: list[str], folds: int, message: str) -> None:
    with pytest.raises(InvalidInputError, match=message) as info:
        check_folds(labels, folds)
    assert info.value.hint


def test_out_of_fold_models_featurize_for_the_projects_language() -> None:
    """Every Korean word here is new (a stem glued to a syllable pair seen once), so word
    n-grams learn nothing; character n-grams, Korean's default in training, see the stem.
    The cleaning views must featurize as training does, or they judge labels blind."""
    syllables = [chr(0xAC00 + 37 * i) for i in range(80)]
    texts, labels = [], []
    for i in range(80):
        suffix = syllables[i] + syllables[(i * 7 + 3) % 80]
        stem, label = ("학교", "spam") if i % 2 else ("회사", "ham")
        texts.append(stem + suffix)
        labels.append(label)
    truth = np.array([CLASSES.index(label) for label in labels])

    def true_class_share(language: str | None) -> float:
        _, proba = out_of_fold_proba("tfidf-lr", texts, None, labels, CLASSES, folds=5,
                                     language=language)
        return float(proba[np.arange(len(texts)), truth].mean())

    assert true_class_share(None) < 0.6
    assert true_class_share("ko") > 0.75
