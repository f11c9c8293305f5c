"""Majority vote: shares as confidence, ties left unlabeled unless a seeded coin is asked for."""

from __future__ import annotations

import numpy as np
import pytest

from textloop.errors import InvalidInputError
from textloop.registry import REGISTRY
from textloop.strategies.label_model.majority import majority_vote, vote_counts

VOTES = np.array([[0, 0, 1],      # 2 of 3 for class 0
                  [1, -1, -1],    # a single vote
                  [0, 1, -1],     # tie
                  [-1, -1, -1],   # nobody voted
                  [2, 2, 2]])     # unanimous


def test_majority_label_and_share_of_votes() -> None:
    labels, confidence = majority_vote(VOTES, 3)
    assert labels.tolist() == [0, 1, -1, -1, 2]
    np.testing.assert_allclose(confidence, [2 / 3, 1.0, 0.0, 0.0, 1.0])


def test_ties_broken_by_a_seeded_generator_only_among_the_tied() -> None:
    ties = np.array([[0, 1, -1]] * 200 + [[2, 2, 1]])
    first, confidence = majority_vote(ties, 3, ties="random", seed=7)
    again, _ = majority_vote(ties, 3, ties="random", seed=7)
    assert first.tolist() == again.tolist()
    assert set(first[:200].tolist()) == {0, 1}  # both tied labels get picked, never 2
    assert first[200] == 2
    np.testing.assert_allclose(confidence[:200], 0.5)
    nobody, conf = majority_vote(np.array([[-1, -1]]), 2, ties="random")
    assert nobody.tolist() == [-1] and conf.tolist() == [0.0]


def test_counts_and_bad_input() -> None:
    assert vote_counts(VOTES, 3)[0].tolist() == [2, 1, 0]
    with pytest.raises(InvalidInputError):
        majority_vote(np.array([[3]]), 3)
    with pytest.raises(InvalidInputError):
        majority_vote(VOTES, 3, ties="first")  # type: ignore[arg-type]


def test_registered_under_a_versioned_name() -> None:
    name, model = REGISTRY.resolve("label_model", "majority")
    assert name == "textloop.label_model.majority.v1" and model is majority_vote
