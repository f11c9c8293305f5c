"""Choosing the label model: registered names, ties left unlabeled, precise rules winning."""

from __future__ import annotations

import numpy as np
import pytest

from textloop.errors import InvalidInputError
from textloop.stages.rules.label_model import fit_label_model

SPAM, HAM = 0, 1


def conflicting_rules(seed: int = 0, n: int = 2000) -> tuple[np.ndarray, np.ndarray]:
    """Truth (30% spam) and the votes of three rules with known behaviour:

    - ``precise`` votes spam on 60% of spam and 1% of ham;
    - ``noisy`` votes ham on 50% of ham but also on 30% of spam;
    - ``careful`` votes ham on 40% of ham and 2% of spam.
    """
    rng = np.random.default_rng(seed)
    truth = np.where(rng.random(n) < 0.3, SPAM, HAM)
    spam = truth == SPAM

    def rule(label: int, on_spam: float, on_ham: float) -> np.ndarray:
        return np.where(rng.random(n) < np.where(spam, on_spam, on_ham), label, -1)

    votes = np.stack([rule(SPAM, 0.6, 0.01), rule(HAM, 0.3, 0.5), rule(HAM, 0.02, 0.4)], 1)
    return truth, votes


def test_each_method_returns_its_versioned_name() -> None:
    votes = np.array([[0, -1], [1, 1]])
    assert fit_label_model("majority", votes, 2)[0] == "textloop.label_model.majority.v1"
    assert fit_label_model("dawid_skene", votes, 2)[0] == "textloop.label_model.dawid_skene.v1"


def test_unknown_method_lists_the_known_ones() -> None:
    with pytest.raises(InvalidInputError, match="unknown label model 'snorkel'") as found:
        fit_label_model("snorkel", np.array([[0]]), 2)
    assert "dawid_skene, majority" in found.value.hint


@pytest.mark.parametrize("method", ["majority", "dawid_skene"])
def test_no_votes_no_labels(method) -> None:
    _, labels, confidence = fit_label_model(method, np.empty((0, 3), dtype=np.int32), 2)
    assert labels.shape == (0,) and confidence.shape == (0,)


@pytest.mark.parametrize("method", ["majority", "dawid_skene"])
def test_a_one_to_one_conflict_between_equal_rules_is_left_unlabeled(method) -> None:
    # two rules with mirror-image behaviour: nothing can tell which one is right on row 4
    votes = np.array([[0, -1], [0, -1], [-1, 1], [-1, 1], [0, 1]])
    _, labels, _ = fit_label_model(method, votes, 2)
    assert labels.tolist() == [0, 0, 1, 1, -1]


def test_dawid_skene_trusts_the_precise_rule_where_majority_sees_a_tie() -> None:
    truth, votes = conflicting_rules()
    clash = (votes[:, 0] == SPAM) & (votes[:, 1] == HAM) & (votes[:, 2] < 0)
    assert clash.sum() > 50 and (truth[clash] == SPAM).mean() > 0.95
    _, majority, _ = fit_label_model("majority", votes, 2)
    _, estimate, confidence = fit_label_model("dawid_skene", votes, 2)
    assert (majority[clash] == -1).all()  # 1:1, majority vote does not guess
    assert (estimate[clash] == truth[clash]).mean() > 0.95
    covered = (votes >= 0).any(axis=1)
    right = {name: (found[covered] == truth[covered]).mean()
             for name, found in (("majority", majority), ("estimate", estimate))}
    assert right["estimate"] > right["majority"]
    assert ((confidence >= 0.5) & (confidence <= 1.0)).all()


def test_majority_confidence_is_the_winning_share() -> None:
    _, labels, confidence = fit_label_model("majority", np.array([[0, 0, 1], [1, -1, -1]]), 2)
    assert labels.tolist() == [0, 1]
    np.testing.assert_allclose(confidence, [2 / 3, 1.0])
