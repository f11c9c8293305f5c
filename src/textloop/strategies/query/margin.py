"""Margin ("breaking ties"): the items the model hesitates between two labels on."""

from __future__ import annotations

import numpy as np

from textloop.strategies.query.uncertainty import UncertaintySampling, margin


class Margin(UncertaintySampling):
    """Smallest top-1 minus top-2 probability first.

    A strong, cheap baseline in the literature for both linear models and fine-tuned
    transformers: labeling a near tie moves the decision boundary where it matters.
    """

    name = "margin"

    def uncertainty(self, proba: np.ndarray) -> np.ndarray:
        return -margin(proba)
