"""Agreement coefficients against published, hand-computed examples and their edge cases."""

from __future__ import annotations

import json

import numpy as np
import pytest
from sklearn.metrics import cohen_kappa_score

from textloop.errors import InvalidInputError
from textloop.measures.agreement import (
    FLEISS_UNEQUAL_NOTE,
    cohen_kappa,
    coincidences,
    fleiss_kappa,
    krippendorff_alpha,
    strength,
)

# Wikipedia, "Cohen's kappa": 50 proposals read by A and B; 20 yes/yes, 5 yes/no, 10 no/yes,
# 15 no/no. p_o = 0.7, p_e = 0.5, kappa = 0.4.
COHEN_A = ["yes"] * 25 + ["no"] * 25
COHEN_B = ["yes"] * 20 + ["no"] * 5 + ["yes"] * 10 + ["no"] * 15

# Wikipedia, "Fleiss' kappa": 14 raters, 10 subjects, 5 categories; kappa = 0.210.
FLEISS_TABLE = [[0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0],
                [2, 2, 8, 1, 1], [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2],
                [6, 5, 2, 1, 0], [0, 2, 2, 3, 7]]

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: four
# observers, twelve units, missing values. Published: nominal 0.743, ordinal 0.815,
# interval 0.849, ratio 0.797.
_ = None
OBSERVERS = [[1, 2, 3, 3, 2, 1, 4, 1, 2, _, _, _],
             [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, _, 3],
             [_, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, _],
             [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, _]]
UNITS = [list(unit) for unit in zip(*OBSERVERS, strict=True)]


def test_cohen_kappa_matches_the_published_example() -> None:
    found = cohen_kappa(COHEN_A, COHEN_B)
    assert found.value == pytest.approx(0.4)
    assert found.n_items == 50 and found.note == ""


def test_cohen_kappa_agrees_with_scikit_learn_on_random_labels() -> None:
    rng = np.random.default_rng(3)
    a = rng.choice(["x", "y", "z"], 200).tolist()
    b = [label if rng.random() < 0.6 else rng.choice(["x", "y", "z"]) for label in a]
    assert cohen_kappa(a, b).value == pytest.approx(cohen_kappa_score(a, b))


def test_cohen_kappa_perfect_and_undefined() -> None:
    assert cohen_kappa(["a", "b", "a"], ["a", "b", "a"]).value == pytest.approx(1.0)
    single = cohen_kappa(["a"] * 5, ["a"] * 5)
    assert single.value is None and "undefined" in single.note
    empty = cohen_kappa([], [])
    assert empty.value is None and empty.n_items == 0 and "no shared" in empty.note


def test_cohen_kappa_refuses_sequences_of_different_lengths() -> None:
    with pytest.raises(InvalidInputError, match="3 and 2"):
        cohen_kappa(["a", "b", "a"], ["a", "b"])


def test_fleiss_kappa_matches_the_published_example() -> None:
    found = fleiss_kappa(FLEISS_TABLE)
    assert round(found.value, 3) == 0.210
    assert found.n_items == 10 and found.note == ""


def test_fleiss_kappa_perfect_agreement_is_one() -> None:
    assert fleiss_kappa([[3, 0], [0, 3], [3, 0]]).value == pytest.approx(1.0)


def test_fleiss_kappa_unequal_raters_uses_each_items_own_count_and_says_so() -> None:
    # two items rated by 2 (agreeing), one by 3 (2 vs 1), one by a single rater (dropped)
    table = [[2, 0], [0, 2], [2, 1], [1, 0]]
    found = fleiss_kappa(table)
    per_item = np.array([1.0, 1.0, 2 / 6])  # sum n(n-1) / (n_i (n_i - 1))
    shares = np.array([4, 3]) / 7
    expected = (per_item.mean() - shares @ shares) / (1 - shares @ shares)
    assert found.value == pytest.approx(expected)
    assert found.n_items == 3 and found.note == FLEISS_UNEQUAL_NOTE


def test_fleiss_kappa_undefined_cases() -> None:
    one_label = fleiss_kappa([[3, 0], [3, 0]])
    assert one_label.value is None and "same label" in one_label.note
    lone = fleiss_kappa([[1, 0], [0, 1]])  # fewer than 2 raters per item
    assert lone.value is None and lone.n_items == 0
    with pytest.raises(InvalidInputError):
        fleiss_kappa([[-1, 2]])


@pytest.mark.parametrize(("level", "published"), [("nominal", 0.743), ("ordinal", 0.815),
                                                   ("interval", 0.849), ("ratio", 0.797)])
def test_krippendorff_alpha_matches_the_published_example(level, published) -> None:
    found = krippendorff_alpha(UNITS, level)
    assert round(found.value, 3) == published
    assert found.n_items == 11  # the last unit has a single value: not pairable


def test_coincidence_matrix_matches_the_published_table() -> None:
    values, matrix, _n_units = coincidences(UNITS)
    assert values == [1, 2, 3, 4, 5]
    # by hand: 40 pairable values; value 1 appears 9 times, 2: 13, 3: 10, 4: 5, 5: 3.
    # o[1,1] = 3*2/2 (unit 1) + 3*2/3 (unit 8) + 2*1/1 (unit 11) = 7;
    # o[1,2] = 1/3 (unit 6) + 3*1/3 (unit 8) = 4/3
    assert matrix.sum() == pytest.approx(40)
    np.testing.assert_allclose(matrix.sum(axis=1), [9, 13, 10, 5, 3])
    np.testing.assert_allclose(matrix, matrix.T)
    assert matrix[0, 0] == pytest.approx(7) and matrix[0, 1] == pytest.approx(4 / 3)


def test_krippendorff_alpha_on_text_labels_and_edge_cases() -> None:
    assert krippendorff_alpha([["a", "a"], ["b", "b"], ["a", None]]).value == pytest.approx(1.0)
    same = krippendorff_alpha([["a", "a"], ["a", "a"]])
    assert same.value is None and "same value" in same.note
    lonely = krippendorff_alpha([["a"], ["b"]])  # one annotator: nothing pairable
    assert lonely.value is None and lonely.n_items == 0
    with pytest.raises(InvalidInputError, match="numeric"):
        krippendorff_alpha([["a", "b"], ["b", "b"]], level="interval")
    with pytest.raises(InvalidInputError, match="unknown level"):
        krippendorff_alpha(UNITS, level="cardinal")  # type: ignore[arg-type]


def test_nominal_alpha_is_close_to_fleiss_kappa_with_many_items() -> None:
    rng = np.random.default_rng(1)
    truth = rng.integers(0, 3, 400)
    units = [[int(t) if rng.random() < 0.8 else int(rng.integers(0, 3)) for _ in range(3)]
             for t in truth]
    table = np.array([np.bincount(u, minlength=3) for u in units])
    alpha, kappa = krippendorff_alpha(units).value, fleiss_kappa(table).value
    assert abs(alpha - kappa) < 0.01  # they differ by a small-sample correction only


def test_strength_words() -> None:
    assert [strength(v) for v in (0.9, 0.7, 0.5, 0.3, 0.1, -0.2, None)] == [
        "almost perfect", "substantial", "moderate", "fair", "slight", "worse than chance",
        "undefined"]


# Krippendorff (2011), sections A and B: two observers, no missing values.
BINARY_A = [0, 1, 0, 0, 0, 0, 0, 0, 1, 0]
BINARY_B = [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]
NOMINAL_A = list("aabbdcccedda")
NOMINAL_B = list("babbbccceddd")


def test_krippendorff_alpha_two_observers_published_examples() -> None:
    binary = krippendorff_alpha(list(zip(BINARY_A, BINARY_B, strict=True)))
    assert round(binary.value, 3) == 0.095  # o_01 = 4, n_0 = 14, n_1 = 6: 1 - 19 * 8 / 168
    nominal = krippendorff_alpha(list(zip(NOMINAL_A, NOMINAL_B, strict=True)))
    assert round(nominal.value, 3) == 0.692
    # Cohen's kappa on the same data is a little lower: it keeps each observer's own marginals
    assert cohen_kappa(NOMINAL_A, NOMINAL_B).value == pytest.approx(0.6842, abs=1e-4)


def test_fleiss_kappa_with_two_raters_is_scotts_pi_on_the_cohen_example() -> None:
    table = [[int(a == "yes") + int(b == "yes"), int(a == "no") + int(b == "no")]
             for a, b in zip(COHEN_A, COHEN_B, strict=True)]
    # pooled shares: yes 55/100, no 45/100 -> p_e = 0.505; p_o = 0.7
    assert fleiss_kappa(table).value == pytest.approx((0.7 - 0.505) / (1 - 0.505))


def test_cohen_kappa_at_and_below_chance() -> None:
    # each annotator always gives one label, a different one: no agreement, chance is 0 too
    assert cohen_kappa(["a"] * 4, ["b"] * 4).value == pytest.approx(0.0)
    # systematic swap: every item disagrees where chance predicts half agreement
    assert cohen_kappa(["x", "y", "x", "y"], ["y", "x", "y", "x"]).value == pytest.approx(-1.0)


def test_perfect_agreement_is_one_for_every_coefficient_even_with_missing_answers() -> None:
    units = [["spam", "spam", None], [None, "ham", "ham"], ["ham", "ham", "ham"],
             ["spam", None, "spam"], ["other", "other", None]]
    assert krippendorff_alpha(units).value == pytest.approx(1.0)
    table = [[2, 0, 0], [0, 2, 0], [0, 3, 0], [2, 0, 0], [0, 0, 2]]
    assert fleiss_kappa(table).value == pytest.approx(1.0)
    assert cohen_kappa(["a", "b", "c"], ["a", "b", "c"]).value == pytest.approx(1.0)


@pytest.mark.parametrize("size", [2, 5, 50])
def test_one_label_used_by_everyone_is_undefined_not_nan(size) -> None:
    """Everyone agrees, but on one label only: chance agreement is already 1, so no
    coefficient can say anything. Each returns value None and a reason, never NaN."""
    found = [cohen_kappa(["ham"] * size, ["ham"] * size),
             fleiss_kappa([[3, 0]] * size),
             krippendorff_alpha([["ham", "ham", None]] * size),
             krippendorff_alpha([[1, 1]] * size, "interval")]
    for coefficient in found:
        assert coefficient.value is None
        assert coefficient.n_items == size and "undefined" in coefficient.note
        assert "nan" not in json.dumps(coefficient.to_dict()).lower()


def test_missing_answers_only_pairable_units_count() -> None:
    # unit 3 has a single answer: it carries no agreement information and is dropped;
    # the rest is the Section A binary example, so alpha must not move
    units = [[a, b, None] for a, b in zip(BINARY_A, BINARY_B, strict=True)]
    units.append([None, None, 1])
    units.append([None, None, None])
    found = krippendorff_alpha(units)
    assert found.n_items == 10 and round(found.value, 3) == 0.095


def test_no_items_at_all() -> None:
    assert fleiss_kappa([]).value is None and fleiss_kappa([]).n_items == 0
    assert fleiss_kappa(np.zeros((0, 2))).value is None
    assert krippendorff_alpha([]).n_items == 0
    assert krippendorff_alpha([[None, None]]).value is None


def test_one_annotator_only_has_nothing_to_pair() -> None:
    alone = krippendorff_alpha([["spam"], ["ham"], ["spam"]])
    assert alone.value is None and "two or more annotators" in alone.note
    assert fleiss_kappa([[1, 0], [0, 1]]).note == "no item has two or more ratings"
