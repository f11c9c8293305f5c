"""Label consistency: does a classifier agree that a generated text belongs to its label?

A generator asked for "spam" may write something any reader would call "ham"; trained on,
such a text teaches the model the wrong boundary. A classifier trained on the real data
(the scorer) reads each text, and the text passes when the probability it gives the
intended label is at least ``tau``. A label the scorer has no class for cannot be checked;
its texts are reported, not silently passed or rejected.

An edit of a labeled seed (model-free augmentation) inherits the seed's label, and a scorer
that already misreads the seed itself cannot judge a near-copy of it: with a few labeled
rows per class the champion often gives its own training rows under ``tau``, and rejecting
their variants removes exactly the texts that would teach it those rows' region (measured
on sst2 at 8 examples per class: the gate's accepted items scored 2-4 macro-F1 points
below all generated ones). So for such an edit the bar is the seed's own probability less
a margin, when that is below ``tau``: the edit is rejected only for moving the text further
from its label than the seed already is.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
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

    def detail(self, label: str, tau: float, seed: float | None = None) -> str:
        bar = f"{tau:.2f}" + ("" if seed is None else f", its seed has {seed:.2f}")
        return (f"the classifier gives {label!r} probability {self.probability:.2f} (at least "
                f"{bar} expected); it prefers {self.preferred!r} "
                f"({self.preferred_probability:.2f})")


def seed_floors(seed_ids: Sequence[Sequence[str]], labels: Sequence[str],
                seed_texts: Mapping[str, str], scorer: LabelScorer, tau: float,
                margin: float) -> list[tuple[float, float | None]]:
    """Per candidate, (the least probability of its label that passes, its seed's probability
    of that label or None): ``min(tau, seed - margin)`` for a candidate made from one seed
    the scorer can read, else ``tau``."""
    wanted = sorted({(ids[0], label) for ids, label in zip(seed_ids, labels, strict=True)
                     if len(ids) == 1 and ids[0] in seed_texts})
    scored = score_labels([seed_texts[s] for s, _ in wanted], [lb for _, lb in wanted], scorer)
    seen = {key: score.probability for key, score in zip(wanted, scored, strict=True)}
    out: list[tuple[float, float | None]] = []
    for ids, label in zip(seed_ids, labels, strict=True):
        seed = seen.get((ids[0], label)) if len(ids) == 1 else None
        out.append((tau if seed is None else min(tau, seed - margin), seed))
    return out


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
