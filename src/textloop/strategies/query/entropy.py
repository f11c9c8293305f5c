"""Entropy: the items whose predicted distribution is most spread out."""

from __future__ import annotations

import numpy as np

from textloop.strategies.query.uncertainty import UncertaintySampling, entropy


class Entropy(UncertaintySampling):
    """Highest Shannon entropy of the class probabilities first."""

    name = "entropy"

    def uncertainty(self, proba: np.ndarray) -> np.ndarray:
        return entropy(proba)
