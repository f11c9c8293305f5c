"""Choosing and fitting the label model that turns rule votes into one label per record.

Dawid-Skene (the default) learns how often each rule fires on each class, so a precise rule
outweighs a noisy one and agreeing rules reinforce each other; majority vote counts every
rule the same. Both leave ties unlabeled (-1): a record where Dawid-Skene finds two labels
equally likely (say, one spam rule and one equally trusted ham rule) gets no weak label
rather than the first label of the list. Both are registered under versioned names, which
are stored with every weak label run.
"""

from __future__ import annotations

import numpy as np

from textloop.errors import InvalidInputError
from textloop.registry import REGISTRY

TIE_TOLERANCE = 1e-6
"""Top two Dawid-Skene posteriors closer than this are a tie."""



def label_models() -> list[str]:
    """The registered label models' short names (``dawid_skene``, ``majority``)."""
    return REGISTRY.names("label_model")

def fit_label_model(method: str, votes: np.ndarray, n_classes: int
                    ) -> tuple[str, np.ndarray, np.ndarray]:
    """(registered name, labels, confidence) of a label model on a vote matrix.

    Dawid-Skene runs with ``abstain_is_answer``: rules are one-label voters, and without
    modelling when they stay silent it cannot tell a precise rule from a careless one.
    """
    known = label_models()
    if method not in known:
        raise InvalidInputError(f"unknown label model {method!r}",
                                hint=f"use one of {', '.join(known)}")
    name, model = REGISTRY.resolve("label_model", method)
    if method == "majority":
        labels, confidence = model(votes, n_classes)
        return name, labels, confidence
    if len(votes) == 0:
        return name, np.empty(0, dtype=np.int64), np.empty(0)
    fit = model(votes, n_classes, abstain_is_answer=True)
    labels = fit.labels.copy()
    if n_classes > 1:
        top_two = np.sort(fit.posteriors, axis=1)[:, -2:]
        labels[top_two[:, 1] - top_two[:, 0] < TIE_TOLERANCE] = -1
    return name, labels, fit.confidence
