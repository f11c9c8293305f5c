"""The mistakes worth reading first: wrong predictions the model was most sure about,
overall and for each frequent confusion.

Each mistake names its record id, the stable id a person can look up (``textloop show``),
fix, or find in the release; a row number means nothing outside the report.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

MAX_TEXT_CHARS = 300


@dataclass(frozen=True)
class Mistake:
    """One wrong prediction, with the text cut to a readable length."""

    record_id: str
    text: str
    true: str
    predicted: str
    confidence: float
    p_true: float


@dataclass(frozen=True)
class ConfusionPair:
    """A (true -> predicted) confusion, how often it happened, and its surest examples."""

    true: str
    predicted: str
    count: int
    examples: list[Mistake]


def confident_mistakes(ids: Sequence[str], texts: Sequence[str], y_idx: np.ndarray,
                       probs: np.ndarray, labels: Sequence[str], limit: int) -> list[Mistake]:
    """Up to ``limit`` wrong predictions, most confident first (ties by row order);
    ``ids`` are the rows' record ids."""
    wrong = probs.argmax(axis=1) != y_idx
    return _most_confident(ids, texts, y_idx, probs, labels, wrong, limit)


def confusion_examples(ids: Sequence[str], texts: Sequence[str], y_idx: np.ndarray,
                       probs: np.ndarray, labels: Sequence[str],
                       pairs: Sequence[dict[str, object]], per_pair: int
                       ) -> list[ConfusionPair]:
    """For each of ``pairs`` (``{"true", "predicted", "count"}``, as ``top_confusions``
    lists them) its ``per_pair`` most confident examples."""
    predicted = probs.argmax(axis=1)
    index = {label: i for i, label in enumerate(labels)}
    out = []
    for pair in pairs:
        true, guess = str(pair["true"]), str(pair["predicted"])
        rows = (y_idx == index[true]) & (predicted == index[guess])
        out.append(ConfusionPair(true=true, predicted=guess, count=int(rows.sum()),
                                 examples=_most_confident(ids, texts, y_idx, probs, labels,
                                                          rows, per_pair)))
    return out


def _most_confident(ids: Sequence[str], texts: Sequence[str], y_idx: np.ndarray,
                    probs: np.ndarray, labels: Sequence[str], rows: np.ndarray, limit: int
                    ) -> list[Mistake]:
    """The ``limit`` rows of ``rows`` (a boolean mask) with the most confident prediction."""
    predicted = probs.argmax(axis=1)
    confidence = probs[np.arange(len(y_idx)), predicted]
    chosen = np.flatnonzero(rows)
    order = chosen[np.argsort(-confidence[chosen], kind="stable")][: max(limit, 0)]
    return [Mistake(record_id=str(ids[i]), text=truncate(str(texts[i])), true=labels[y_idx[i]],
                    predicted=labels[predicted[i]], confidence=float(confidence[i]),
                    p_true=float(probs[i, y_idx[i]])) for i in order]


def truncate(text: str, limit: int = MAX_TEXT_CHARS) -> str:
    """The text cut at ``limit`` characters (at a space when one is near), marked with …."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    space = cut.rfind(" ")
    if space > limit * 0.8:
        cut = cut[:space]
    return cut.rstrip() + " …"
