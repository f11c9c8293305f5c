"""Fairness differences against values computed by hand on small constructed groups."""

from __future__ import annotations

import pytest

from tests.unit.stages.evaluate.error_analysis.helpers import split_of
from textloop.config import Fairness
from textloop.stages.evaluate.error_analysis.fairness import fairness_section, fairness_sections

# group a: truth yes yes yes no no, predicted yes yes no yes no
#   selection 3/5, TPR 2/3, FPR 1/2
# group b: truth yes no no no no,   predicted yes no no no no
#   selection 1/5, TPR 1,   FPR 0
# demographic parity 0.6 - 0.2 = 0.4; TPR gap 1/3; FPR gap 1/2; equalized odds 1/2
Y_TRUE = ["yes", "yes", "yes", "no", "no", "yes", "no", "no", "no", "no"]
PREDICTED = ["yes", "yes", "no", "yes", "no", "yes", "no", "no", "no", "no"]
GROUPS = [{"g": "a"}] * 5 + [{"g": "b"}] * 5
LABELS = ["no", "yes"]


def test_binary_differences_match_the_hand_computed_values() -> None:
    section = fairness_section(Fairness(field="g", positive_label="yes", min_rows=5),
                               split_of(Y_TRUE, PREDICTED, LABELS, GROUPS), "fairness.0")
    assert section["demographic_parity_difference"] == pytest.approx(0.4)
    assert section["equalized_odds_difference"] == pytest.approx(0.5)
    gaps = section["per_label"]["yes"]
    assert (gaps["tpr_difference"], gaps["fpr_difference"]) == (pytest.approx(1 / 3),
                                                                pytest.approx(0.5))
    a, b = section["groups"]
    assert (a["group"], a["n"], a["accuracy"]) == ("a", 5, pytest.approx(0.6))
    assert a["selection_rate"] == {"yes": pytest.approx(0.6)}
    assert (a["tpr"]["yes"], a["fpr"]["yes"]) == (pytest.approx(2 / 3), 0.5)
    assert (b["tpr"]["yes"], b["fpr"]["yes"], b["accuracy"]) == (1.0, 0.0, 1.0)
    assert not a["too_small"] and section["mode"] == "positive_label"


def test_without_a_positive_label_both_binary_labels_give_the_same_differences() -> None:
    section = fairness_section(Fairness(field="g"), split_of(Y_TRUE, PREDICTED, LABELS, GROUPS),
                               "fairness.0")
    assert section["mode"] == "one_vs_rest" and set(section["per_label"]) == {"no", "yes"}
    for gaps in section["per_label"].values():
        assert gaps["demographic_parity_difference"] == pytest.approx(0.4)
        assert gaps["equalized_odds_difference"] == pytest.approx(0.5)
    assert all(row["too_small"] for row in section["groups"])  # 5 rows < default 20


def test_multiclass_reports_the_largest_one_vs_rest_difference_and_its_label() -> None:
    # a: truth x y z -> x y y ; b: truth x y z -> z z z
    # selection x: 1/3 vs 0, y: 2/3 vs 0, z: 0 vs 1 -> DP largest for z (1.0)
    # TPR x: 1 vs 0 (gap 1) -> equalized odds 1.0, first reached by x
    split = split_of(["x", "y", "z"] * 2, ["x", "y", "y", "z", "z", "z"], ["x", "y", "z"],
                     [{"g": "a"}] * 3 + [{"g": "b"}] * 3)
    section = fairness_sections([Fairness(field="g")], split)["g"]
    assert section["demographic_parity_difference"] == pytest.approx(1.0)
    assert section["demographic_parity_label"] == "z"
    assert section["per_label"]["y"]["demographic_parity_difference"] == pytest.approx(2 / 3)
    assert section["equalized_odds_difference"] == pytest.approx(1.0)
    assert section["equalized_odds_label"] == "x"


def test_a_group_without_positives_is_left_out_of_the_tpr_gap() -> None:
    split = split_of(["yes", "no", "no", "no"], ["yes", "yes", "no", "no"], LABELS,
                     [{"g": "a"}, {"g": "a"}, {"g": "b"}, {"g": "b"}])
    section = fairness_section(Fairness(field="g", positive_label="yes"), split, "fairness.0")
    b = section["groups"][1]
    assert b["tpr"]["yes"] is None and b["fpr"]["yes"] == 0.0
    gaps = section["per_label"]["yes"]
    assert gaps["tpr_difference"] == 0.0 and gaps["fpr_difference"] == pytest.approx(1.0)
    assert section["equalized_odds_difference"] == pytest.approx(1.0)
