"""Label consistency: does a classifier agree that a generated text belongs to its label?

A generator asked for "spam" may write something any reader would call "ham"; trained on,
such a text teaches the model the wrong boundary. A classifier trained on the real data
(the scorer) reads each text, and the text passes when the probability it gives the
intended label is at least ``tau``. A label the scorer has no class for cannot be checked;
its texts are reported, not silently passed or rejected.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from textloop.errors import InvalidInputError

LABEL_INCONSISTENT = "label-inconsistent"

LabelScorer = Callable[[Sequence[str]], tuple[Sequence[str], np.ndarray]]
"""texts -> (class order, [len(texts), len(classes)] probabilities)."""


@dataclass(frozen=True)
class LabelScore:
    probability: float | None
    """Probability of the intended label; None when the scorer has no such class."""
    preferred: str
    """The class the scorer finds most likely."""
    preferred_probability: float

    def detail(self, label: str, tau: float) -> str:
        return (f"the classifier gives {label!r} probability {self.probability:.2f} (at least "
                f"{tau:.2f} expected); it prefers {self.preferred!r} "
                f"({self.preferred_probability:.2f})")


def score_labels(texts: Sequence[str], labels: Sequence[str], scorer: LabelScorer
                 ) -> list[LabelScore]:
    """The scorer's view of each text against its intended label."""
    if not texts:
        return []
    classes, proba = scorer(texts)
    classes = list(classes)
    proba = np.asarray(proba, dtype=np.float64)
    if proba.shape != (len(texts), len(classes)):
        raise InvalidInputError(
            f"the label scorer returned probabilities of shape {proba.shape} for "
            f"{len(texts)} texts and {len(classes)} classes (expected "
            f"({len(texts)}, {len(classes)}))",
            hint="the scorer must return (class order, one row of probabilities per text)")
    column = {c: k for k, c in enumerate(classes)}
    top = proba.argmax(axis=1)
    return [LabelScore(float(proba[i, column[label]]) if label in column else None,
                       classes[top[i]], float(proba[i, top[i]]))
            for i, label in enumerate(labels)]
