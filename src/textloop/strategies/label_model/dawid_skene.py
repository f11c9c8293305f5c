"""Dawid & Skene (1979): each voter's confusion matrix and the true labels, jointly, by EM.

Voters are annotators (for disputed human labels) or weak rules (for weak labels). Unlike a
majority vote, an accurate voter counts for more than a careless one, and a voter biased
towards one class is discounted on that class. Votes are an ``[items, voters]`` array of
class indices with -1 where a voter said nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class DawidSkeneResult:
    posteriors: np.ndarray
    """[items, classes] probability of each true class."""
    confusion: np.ndarray
    """[voters, true class, voted class (+ abstain)] estimated voting probabilities."""
    priors: np.ndarray
    """[classes] estimated class frequencies."""
    iterations: int

    @property
    def labels(self) -> np.ndarray:
        return np.argmax(self.posteriors, axis=1)

    @property
    def confidence(self) -> np.ndarray:
        return np.max(self.posteriors, axis=1)


def one_hot_votes(votes: np.ndarray, n_classes: int) -> np.ndarray:
    """[items, voters, classes] with a 1 at each vote and zeros where a voter abstained."""
    votes = np.asarray(votes, dtype=np.int64)
    out = np.zeros((*votes.shape, n_classes), dtype=np.float64)
    items, voters = np.nonzero(votes >= 0)
    out[items, voters, votes[items, voters]] = 1.0
    return out


def dawid_skene(votes: np.ndarray, n_classes: int, *, max_iter: int = 100, tol: float = 1e-6,
                smoothing: float = 0.01, abstain_is_answer: bool = False) -> DawidSkeneResult:
    """Fit by EM, starting from the (soft) majority vote; ``smoothing`` avoids zero rates.

    ``abstain_is_answer`` models abstaining as one more answer (the last column of
    ``confusion``), for weak rules: a rule that only ever votes one label says nothing through
    its votes alone, but how much more often it fires on that class than on the others does.
    """
    answers = n_classes + 1 if abstain_is_answer else n_classes
    coded = np.where(np.asarray(votes) < 0, n_classes, votes) if abstain_is_answer else votes
    onehot = one_hot_votes(coded, answers)
    counts = onehot[:, :, :n_classes].sum(axis=1)
    posteriors = _normalize(counts + 1e-9)
    confusion = priors = np.empty(0)
    iterations = 0
    while iterations < max_iter:
        iterations += 1
        priors = posteriors.mean(axis=0) + 1e-12
        confusion = np.einsum("ik,ijl->jkl", posteriors, onehot) + smoothing
        confusion /= confusion.sum(axis=2, keepdims=True)
        log_post = np.log(priors) + np.einsum("ijl,jkl->ik", onehot, np.log(confusion))
        updated = _normalize(np.exp(log_post - log_post.max(axis=1, keepdims=True)))
        change = float(np.abs(updated - posteriors).max()) if len(updated) else 0.0
        posteriors = updated
        if change < tol:
            break
    return DawidSkeneResult(posteriors, confusion, priors / priors.sum(), iterations)


def _normalize(matrix: np.ndarray) -> np.ndarray:
    return matrix / matrix.sum(axis=1, keepdims=True)
