"""Text statistics drift: length and character make-up of production texts.

Each text is described by the numbers Evidently's text descriptors use: length in
characters, words, and the shares of non-letter characters, digits and upper-case letters.
Each feature is compared with a two-sample KS test; the score is the largest KS statistic,
and its permutation null (rows shuffled as wholes) accounts for testing several features at
once. Evidently's fixed rule is its dataset-drift rule: drift when at least half of the
features have a KS p-value below 0.05. The driving rows are the most extreme rows of the
feature that moved most, in the direction it moved.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.stats import ks_2samp

from textloop.strategies.drift.base import (
    DriftResult,
    PermutationTested,
    decided,
    ks_statistic,
    top_rows,
)

NAME = "textloop.drift.text-stats.v1"
FEATURES = ("text_length", "word_count", "non_letter_char_share", "digit_share",
            "uppercase_share")
EVIDENTLY_P_VALUE = 0.05
EVIDENTLY_DRIFT_SHARE = 0.5


def text_features(texts: Sequence[str]) -> np.ndarray:
    """[n, len(FEATURES)]: the numbers compared for each text."""
    rows = [_features(text) for text in texts]
    return np.array(rows, dtype=np.float64).reshape(-1, len(FEATURES))


def _features(text: str) -> tuple[float, ...]:
    chars = max(len(text), 1)
    letters = sum(c.isalpha() for c in text)
    return (float(len(text)), float(len(text.split())), 1.0 - letters / chars,
            sum(c.isdigit() for c in text) / chars, sum(c.isupper() for c in text) / chars)


def max_ks(reference: np.ndarray, current: np.ndarray) -> float:
    return max(ks_statistic(reference[:, j], current[:, j]) for j in range(reference.shape[1]))


@dataclass(frozen=True)
class TextStatsDetector(PermutationTested):
    def test(self, reference: Sequence[str], current: Sequence[str], *,
             seed: int = 0) -> DriftResult:
        rng = np.random.default_rng(seed)
        ref = text_features([reference[i] for i in self.reference_rows(len(reference), rng)])
        cur = text_features(current)
        per_feature = {name: _compare(ref[:, j], cur[:, j]) for j, name in enumerate(FEATURES)}
        score, verdict = self.permutation_test(max_ks, ref, cur, rng)
        drifted = sum(entry["p_value"] < EVIDENTLY_P_VALUE for entry in per_feature.values())
        fixed = (EVIDENTLY_P_VALUE, drifted >= EVIDENTLY_DRIFT_SHARE * len(FEATURES))
        return decided(NAME, score, verdict, fixed=fixed,
                       rows=_driving(per_feature, cur, self.rows),
                       details={"features": per_feature})


def _compare(reference: np.ndarray, current: np.ndarray) -> dict[str, float]:
    return {"ks": ks_statistic(reference, current),
            "p_value": float(ks_2samp(reference, current, method="asymp").pvalue),
            "reference_median": float(np.median(reference)),
            "current_median": float(np.median(current)),
            "reference_mean": float(reference.mean()), "current_mean": float(current.mean())}


def _driving(per_feature: dict[str, dict[str, float]], current: np.ndarray, k: int) -> list[int]:
    name = max(per_feature, key=lambda f: per_feature[f]["ks"])
    entry = per_feature[name]
    values = current[:, FEATURES.index(name)]
    rising = entry["current_mean"] >= entry["reference_mean"]
    return top_rows(values if rising else -values, k)
