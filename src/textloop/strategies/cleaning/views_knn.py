"""Two feature views and neighbour agreement, fed to cleanlab's confident learning.

A model on sentence embeddings and a model on TF-IDF word n-grams make different mistakes:
one misses rare keywords, the other misses paraphrases. Averaging their out-of-fold
probabilities cancels part of each model's errors. The label distribution among a record's
nearest neighbours adds evidence that no classifier gives: a record labeled unlike nearly
all of its neighbours is suspicious even when a model has memorised similar noise. The
three are averaged with equal weights (no tuning, so nothing is fitted to one data set)
and passed to cleanlab's ``find_label_issues`` with its default settings.

On SMS spam with 20% of each class's labels flipped, this lifts F1 against the flips from
about 0.80 (cleanlab's defaults on the embedding model) to about 0.88; see docs/cleaning.md.
"""

from __future__ import annotations

import numpy as np

from textloop.strategies.cleaning.base import LabelIssueInput, LabelIssues, cleanlab_issues


class ViewsAndNeighbours:
    """Equal-weight mean of every view and the neighbour label distribution."""

    def __init__(self, use_neighbours: bool = True) -> None:
        self.use_neighbours = use_neighbours

    def find(self, data: LabelIssueInput) -> LabelIssues:
        parts = list(data.views)
        if self.use_neighbours and data.neighbour_proba is not None:
            parts.append(data.neighbour_proba)
        proba = np.mean(np.stack(parts), axis=0)
        return cleanlab_issues(data.labels, proba / proba.sum(axis=1, keepdims=True))
