"""Least confidence: the items whose predicted label has the lowest probability."""

from __future__ import annotations

import numpy as np

from textloop.strategies.query.uncertainty import UncertaintySampling, least_confidence


class LeastConfidence(UncertaintySampling):
    """Highest 1 − max probability first. Ignores how the rest of the mass is spread."""

    name = "least-confidence"

    def uncertainty(self, proba: np.ndarray) -> np.ndarray:
        return least_confidence(proba)
