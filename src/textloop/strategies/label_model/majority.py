"""Majority vote: the simplest label model, and the baseline any other one must beat.

Votes are an ``[items, voters]`` array of class indices with -1 where a voter abstained (the
same layout as Dawid-Skene). Every voter counts the same; confidence is the winning label's
share of the votes cast. A tie has no majority: by default the item is left unlabeled (-1),
because picking a side silently would make a coin flip look like evidence; with ``ties=
"random"`` a seeded generator picks among the tied labels instead.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from textloop.errors import InvalidInputError

ABSTAIN = -1


def vote_counts(votes: np.ndarray, n_classes: int) -> np.ndarray:
    """``[items, classes]``: how many voters chose each class (abstentions are not counted)."""
    votes = np.asarray(votes, dtype=np.int64)
    if votes.ndim != 2 or (votes >= n_classes).any() or (votes < ABSTAIN).any():
        raise InvalidInputError(f"votes must be an [items, voters] array of class indices "
                                f"0..{n_classes - 1} or -1 (abstain)",
                                hint="map labels to indices and abstentions to -1")
    counts = np.zeros((votes.shape[0], n_classes), dtype=np.int64)
    items, voters = np.nonzero(votes >= 0)
    np.add.at(counts, (items, votes[items, voters]), 1)
    return counts


def majority_vote(votes: np.ndarray, n_classes: int, *,
                  ties: Literal["abstain", "random"] = "abstain",
                  seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """(labels, confidence) per item; -1 and confidence 0 where no one voted or on a tie."""
    if ties not in ("abstain", "random"):
        raise InvalidInputError(f"unknown tie rule {ties!r}", hint="use 'abstain' or 'random'")
    counts = vote_counts(votes, n_classes)
    cast = counts.sum(axis=1)
    top = counts.max(axis=1, initial=0)
    is_top = (counts == top[:, None]) & (top[:, None] > 0)
    tied = is_top.sum(axis=1) > 1
    if ties == "random":
        jitter = np.random.default_rng(seed).random(counts.shape)
        labels = np.argmax(np.where(is_top, jitter, -1.0), axis=1)
    else:
        labels = np.argmax(counts, axis=1)
        labels[tied] = ABSTAIN
    labels[cast == 0] = ABSTAIN
    confidence = np.where(labels >= 0, top / np.maximum(cast, 1), 0.0)
    return labels.astype(np.int64), confidence.astype(np.float64)
