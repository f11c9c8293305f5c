"""The regression task: canonical numbers within the target's range, quantile strata,
scores against the train mean, and the verbs it refuses."""

from __future__ import annotations

import numpy as np
import pytest

from textloop.config import ProjectSpec
from textloop.errors import ConfigError, InvalidInputError
from textloop.tasks import REGRESSION, ValueProblem
from textloop.tasks.regression import parse_number, target_strata

SPEC = ProjectSpec(name="reviews", task="regression", target={"name": "stars", "min": 1, "max": 5})


def test_strata_are_quantile_bins_and_ties_share_one() -> None:
    values = np.arange(100, dtype=float)
    strata = target_strata(values)
    assert sorted(set(strata)) == [0, 1, 2, 3, 4]
    assert np.bincount(strata).tolist() == [20, 20, 20, 20, 20]
    assert target_strata(np.array([1.0, 1.0, 1.0, 2.0])) == [0, 0, 0, 1]


def test_values_are_stored_in_one_spelling_within_the_range() -> None:
    assert REGRESSION.check_value(" 4 ", SPEC) == REGRESSION.check_value("4.00", SPEC) == "4.0"
    with pytest.raises(ValueProblem, match=r"above target\.max") as caught:
        REGRESSION.check_value("6", SPEC)
    assert "between 1" in caught.value.fix
    assert parse_number("1_000") is None and parse_number(" 2.5 ") == 2.5


def test_strata_cover_the_range_and_count_the_bins() -> None:
    strata, n = REGRESSION.strata([repr(float(v)) for v in range(10)], [])
    assert n == 5 and sorted(set(strata)) == [0, 1, 2, 3, 4]


def test_score_compares_against_the_train_mean() -> None:
    scores = REGRESSION.score(["1.0", "3.0"], np.array([1.0, 3.0]), [], estimator=None,
                              reference=["2.0", "2.0"])
    assert scores["mae"] == 0.0 and scores["baseline_mae"] == 1.0


def test_a_train_split_without_two_targets_is_refused() -> None:
    with pytest.raises(InvalidInputError, match="at least two rows with different targets"):
        REGRESSION.check_train_labels("v1", ["3.0", "3.0"])


def test_verbs_built_on_probabilities_are_refused_with_what_works() -> None:
    with pytest.raises(ConfigError) as caught:
        REGRESSION.require("suggest", "reviews")
    assert str(caught.value).startswith("textloop suggest works on classification and spans "
                                        "projects; reviews is a regression project")
    assert caught.value.hint == ("regression projects support import, agreement, rules, "
                                 "release, train, evaluate, predict, register and promote")
    REGRESSION.require("train", "reviews")  # no error


def test_describe_values_summarises_instead_of_listing() -> None:
    assert REGRESSION.describe_values({"1.0": 2, "5.0": 2}) == (
        "4 targets, 2 distinct, mean 3, range 1 to 5")
    assert REGRESSION.describe_values({}) == "no targets"
