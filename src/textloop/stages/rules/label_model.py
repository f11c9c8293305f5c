"""Choosing and fitting the label model that turns rule votes into one label per record.

Dawid-Skene (the default) learns how often each rule fires on each class, so a precise rule
outweighs a noisy one and agreeing rules reinforce each other; majority vote counts every
rule the same and leaves ties unlabeled. Both are registered under versioned names, which
are stored with every weak label run.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from textloop.errors import InvalidInputError
from textloop.registry import REGISTRY
from textloop.strategies.label_model import dawid_skene as _dawid_skene  # noqa: F401 (registers)
from textloop.strategies.label_model import majority as _majority  # noqa: F401 (registers)

Method = Literal["dawid_skene", "majority"]
METHODS: tuple[Method, ...] = ("dawid_skene", "majority")


def fit_label_model(method: str, votes: np.ndarray, n_classes: int
                    ) -> tuple[str, np.ndarray, np.ndarray]:
    """(registered name, labels, confidence) of a label model on a vote matrix.

    Dawid-Skene runs with ``abstain_is_answer``: rules are one-label voters, and without
    modelling when they stay silent it cannot tell a precise rule from a careless one.
    """
    if method not in METHODS:
        raise InvalidInputError(f"unknown label model {method!r}",
                                hint=f"use one of {', '.join(METHODS)}")
    name, model = REGISTRY.resolve("label_model", method)
    if method == "majority":
        labels, confidence = model(votes, n_classes)
        return name, labels, confidence
    if len(votes) == 0:
        return name, np.empty(0, dtype=np.int64), np.empty(0)
    fit = model(votes, n_classes, abstain_is_answer=True)
    return name, fit.labels, fit.confidence
