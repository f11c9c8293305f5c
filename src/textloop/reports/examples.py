"""The mistakes worth reading first: wrong predictions the model was most sure about."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

MAX_TEXT_CHARS = 300


@dataclass(frozen=True)
class Mistake:
    """One wrong prediction, with the text cut to a readable length."""

    row: int
    text: str
    true: str
    predicted: str
    confidence: float
    p_true: float


def confident_mistakes(texts: Sequence[str], y_idx: np.ndarray, probs: np.ndarray,
                       labels: Sequence[str], limit: int) -> list[Mistake]:
    """Up to ``limit`` wrong predictions, most confident first (ties by row order)."""
    predicted = probs.argmax(axis=1)
    confidence = probs[np.arange(len(y_idx)), predicted]
    wrong = np.flatnonzero(predicted != y_idx)
    order = wrong[np.argsort(-confidence[wrong], kind="stable")][: max(limit, 0)]
    return [Mistake(row=int(i), text=truncate(str(texts[i])), true=labels[y_idx[i]],
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
