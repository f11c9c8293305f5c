"""Texts unlike the rest, and texts no classifier should learn from.

*Outliers* are far from their nearest neighbours in embedding space: the score is the
mean cosine distance to the ``k`` nearest records, and a record is flagged beyond Tukey's
far-out fence (third quartile + 3 x IQR), a rule that adapts to how spread out a data set
is instead of always flagging a fixed share. *Empty*, *garbage* (few letters or digits,
broken encodings, one character repeated) and *overlong* texts are found from the text
alone.
"""

from __future__ import annotations

import unicodedata

import numpy as np

FENCE = 3.0
MIN_GARBAGE_CHARS = 4
MIN_WORD_SHARE = 0.5
REPLACEMENT = "\ufffd"


def knn_distance(similarity: np.ndarray) -> np.ndarray:
    """Mean cosine distance to the nearest neighbours (rows of ``Neighbours.similarity``)."""
    if similarity.shape[1] == 0:
        return np.zeros(len(similarity))
    return np.asarray(1.0 - similarity.astype(np.float64).mean(axis=1))


def outlier_mask(distance: np.ndarray, fence: float = FENCE) -> tuple[np.ndarray, float]:
    """Which distances lie beyond ``Q3 + fence * IQR``, and that cut-off."""
    if len(distance) < 4:
        return np.zeros(len(distance), dtype=bool), float("inf")
    q1, q3 = np.percentile(distance, [25, 75])
    cut = float(q3 + fence * (q3 - q1))
    return distance > cut, cut


def text_problem(text: str, max_chars: int) -> tuple[str, str] | None:
    """(kind, reason) when a text is empty, garbage or overlong; ``None`` when it is fine."""
    stripped = text.strip()
    if not stripped:
        return "empty", "no visible characters"
    if len(text) > max_chars:
        return "overlong", f"{len(text):,} characters (more than {max_chars:,})"
    reason = _garbage_reason(stripped)
    return ("garbage", reason) if reason else None


def _garbage_reason(text: str) -> str | None:
    if REPLACEMENT in text or any(unicodedata.category(c) == "Cc" and c not in "\t\n\r"
                                  for c in text):
        return "broken encoding or control characters"
    if len(text) < MIN_GARBAGE_CHARS:
        return None
    visible = [c for c in text if not c.isspace()]
    if len(set(visible)) == 1:
        return f"one character repeated ({len(visible)} times)"
    wordy = sum(c.isalnum() for c in visible) / len(visible)
    if wordy < MIN_WORD_SHARE:
        return f"only {wordy:.0%} letters or digits"
    return None
