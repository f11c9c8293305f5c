"""What a label-issue method sees and returns.

A method gets the given labels (class indices), the out-of-fold probabilities of one or
more models ("views": the first is the main model), and each record's label distribution
among its nearest neighbours in embedding space. It returns which records it flags, a label
quality score per record (lower = more likely wrong) and the probabilities it based them
on, from which the suggested label is taken. Methods never touch the store.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from textloop.errors import InvalidInputError
from textloop.registry import REGISTRY


@dataclass(frozen=True)
class LabelIssueInput:
    labels: np.ndarray
    """[n] given labels as class indices 0..k-1."""
    views: list[np.ndarray]
    """Out-of-fold probabilities [n, k] per model; ``views[0]`` is the main model."""
    neighbour_proba: np.ndarray | None = None
    """[n, k] share of each class among a record's nearest neighbours' given labels."""


@dataclass(frozen=True)
class LabelIssues:
    flagged: np.ndarray
    """[n] bool: the record's given label is likely wrong."""
    quality: np.ndarray
    """[n] label quality in [0, 1]; lower means more likely mislabeled."""
    proba: np.ndarray
    """[n, k] the probabilities the decision used; their argmax is the suggested label."""
    weights: list[float] | None = None
    """The weight of each view, then of the neighbour labels, where the method mixes them."""


class LabelIssueMethod(Protocol):
    def find(self, data: LabelIssueInput) -> LabelIssues: ...


def get_method(name: str, **params: Any) -> tuple[str, LabelIssueMethod]:
    """(full versioned name, instance) for ``views-knn`` or ``textloop.cleaning.views-knn.v1``;
    refuses a span method (``span_rules``), which reads span evidence, not class labels."""
    if REGISTRY.tags("cleaning", name).get("task") == "spans":
        classes = [n for n in REGISTRY.names("cleaning")
                   if REGISTRY.tags("cleaning", n).get("task") != "spans"]
        raise InvalidInputError(f"label-issue method {name!r} is for span projects",
                                hint=f"for classes use one of {', '.join(classes)}")
    full, cls = REGISTRY.resolve("cleaning", name)
    return full, cls(**params)


def cleanlab_issues(labels: np.ndarray, proba: np.ndarray) -> LabelIssues:
    """cleanlab's defaults: ``find_label_issues`` (prune by noise rate) and self-confidence."""
    from cleanlab.filter import find_label_issues
    from cleanlab.rank import get_label_quality_scores

    flagged = find_label_issues(labels, proba)
    quality = get_label_quality_scores(labels, proba)
    return LabelIssues(np.asarray(flagged, dtype=bool), np.asarray(quality, dtype=np.float64),
                       proba)
