"""PSI, chi-square and Jensen-Shannon on label and band distributions."""

from __future__ import annotations

import math

import numpy as np
import pytest

from textloop.strategies.drift.chi_square import ChiSquareDetector, chi_square
from textloop.strategies.drift.jensen_shannon import JensenShannonDetector, js_distance
from textloop.strategies.drift.psi import PsiDetector, psi

REF = np.array([50.0, 50.0])
CUR = np.array([25.0, 75.0])


def test_statistics_match_hand_computed_values() -> None:
    # PSI: (0.25 - 0.5) ln(0.25 / 0.5) + (0.75 - 0.5) ln(0.75 / 0.5)
    assert psi(REF, CUR) == pytest.approx(0.25 * math.log(2) + 0.25 * math.log(1.5))
    # JS: mixture m = (0.375, 0.625); distance = sqrt of the mean KL to m
    kl_p = 0.5 * math.log(0.5 / 0.375) + 0.5 * math.log(0.5 / 0.625)
    kl_q = 0.25 * math.log(0.25 / 0.375) + 0.75 * math.log(0.75 / 0.625)
    assert js_distance(REF, CUR) == pytest.approx(math.sqrt((kl_p + kl_q) / 2))
    # chi-square of [[50, 50], [25, 75]]: expected 37.5 / 62.5 in both rows
    assert chi_square(REF, CUR) == pytest.approx(2 * 12.5**2 / 37.5 + 2 * 12.5**2 / 62.5)


def test_a_category_missing_from_the_reference_keeps_psi_finite() -> None:
    value = psi(np.array([100.0, 0.0]), np.array([90.0, 10.0]))
    expected = (0.9 - 1.0) * math.log(0.9) + (0.1 - 1e-4) * math.log(0.1 / 1e-4)
    assert value == pytest.approx(expected)
    assert chi_square(np.array([100.0, 0.0, 0.0]), np.array([90.0, 10.0, 0.0])) > 0


def labels(rng: np.random.Generator, n: int, p: list[float]) -> list[str]:
    return list(rng.choice(["a", "b", "c"], n, p=p))


@pytest.mark.parametrize("detector", [PsiDetector(permutations=99),
                                      ChiSquareDetector(permutations=99),
                                      JensenShannonDetector(permutations=99)])
def test_unchanged_windows_are_rarely_flagged_and_a_new_category_always(detector) -> None:
    rng = np.random.default_rng(1)
    reference = labels(rng, 1000, [0.5, 0.3, 0.2])
    flagged = sum(detector.test(reference, labels(rng, 300, [0.5, 0.3, 0.2]), seed=s).drift
                  for s in range(40))
    assert flagged <= 5  # alpha 0.05: about 2 of 40
    shifted = labels(rng, 240, [0.5, 0.3, 0.2]) + ["d"] * 60
    result = detector.test(reference, shifted, seed=0)
    assert result.drift and result.p_value <= 0.05 and result.score > result.threshold
    assert result.fixed_drift
    assert all(shifted[i] == "d" for i in result.rows)
    assert result.details["categories"]["d"] == {"reference": 0.0, "current": 0.2}


def test_chi_square_reports_the_asymptotic_p_value_as_evidently_does() -> None:
    result = ChiSquareDetector(permutations=19).test(["a"] * 50 + ["b"] * 50,
                                                     ["a"] * 25 + ["b"] * 75)
    assert result.details["asymptotic_p_value"] == pytest.approx(2.6e-4, rel=0.05)
    assert result.fixed_threshold == 0.05 and result.fixed_drift
