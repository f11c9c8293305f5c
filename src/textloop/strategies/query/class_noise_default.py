"""The default strategy, version 3: version 2 with the noise switch on per-class evidence.

Version 2 (``textloop.query.default.v2``, ``adaptive_default``) down-weights uncertain pool
items near contradicted labels when at least 10% of *all* labeled records are contradicted
out of fold. Measured (BENCHMARKS.md, "Active learning: labels saved"), that overall share
does not separate crowd-voted labels from clean ones: 7-8% on both davidson and ag_news, so
the switch fired on ag_news too and helped neither. Per class it does separate: davidson's
hate_speech labels are about half contradicted, while no ag_news class passes 15%. Noise in
real labels is a property of a class (one category people disagree about), so this version:

- **Fires on the most contradicted class**: among the classes with at least ``min_class``
  (20) records of evidence, the highest share of unreliable records must reach
  ``class_share`` (chosen on the training pools: ``benchmarks/al_noise_evidence.py``,
  recorded in BENCHMARKS.md). A small class's share is too noisy to act on.
- **Down-weights only near that class's unreliable records** (every class at or above
  ``class_share``): a pool item's margin score is multiplied by ``1 − s``, ``s`` the share of
  such records among its ``neighbours`` nearest labeled records. Contradictions spread evenly
  over a clean set's classes no longer move the batch.
- **Reads the annotators' votes where the project has them** (``QueryContext.labeled_votes``,
  records with two or more answers): a record is unreliable when its answers disagree. That
  is the evidence itself, not a model's guess at it, and costs no fitting at all. Without
  votes (imported labels, a simulation) the proxy is version 2's: a fold model gives another
  class at least ``confident``.
- **Fits fold models only when the switch can fire**: not before some class has
  ``min_class`` labeled records, and not again after a check that stayed quiet until the
  labeled set has grown by ``regrow`` (50%) over the same records (the labeled set of a
  labeling session only grows). Version 2 refits ``folds`` models on every query.

Everything else (cold start, margin, diverse batches) is version 2's.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from textloop.strategies.query.adaptive_default import (
    CANDIDATES,
    CONFIDENT,
    FOLDS,
    MANY_CLASSES,
    MAX_CHECK,
    NEIGHBOURS,
    PICKS_PER_CLASS,
    AdaptiveDefault,
)
from textloop.strategies.query.base import QueryContext
from textloop.strategies.query.default import MIN_LABELS

MIN_CLASS = 20
"""Records of evidence a class needs before its share counts (20: a share known to ±0.1)."""
CLASS_SHARE = 0.35
"""The most contradicted class's share that switches the down-weighting on (training-pool
evidence in BENCHMARKS.md: clean sets' noisiest class well below, davidson's hate_speech
well above)."""
REGROW = 0.5
"""A quiet out-of-fold check stands until the labeled set has grown by this fraction."""


class ClassNoiseDefault(AdaptiveDefault):
    """Version 2 with the noise switch on the most contradicted class (module docstring)."""

    def __init__(self, min_labels: int = MIN_LABELS, many_classes: int = MANY_CLASSES,
                 picks_per_class: int = PICKS_PER_CLASS, class_share: float = CLASS_SHARE,
                 min_class: int = MIN_CLASS, confident: float = CONFIDENT,
                 neighbours: int = NEIGHBOURS, folds: int = FOLDS,
                 candidates: int = CANDIDATES, max_check: int = MAX_CHECK,
                 regrow: float = REGROW) -> None:
        super().__init__(min_labels, many_classes, picks_per_class, confident=confident,
                         neighbours=neighbours, folds=folds, candidates=candidates,
                         max_check=max_check)
        self.class_share = class_share
        self.min_class = min_class
        self.regrow = regrow
        self.fold_checks = 0
        """Out-of-fold checks run (each fits ``folds`` models): what the cache saves."""
        self._quiet: tuple[int, bytes] | None = None
        """(labeled records, their fingerprint) of the last fold check that did not fire."""

    def noise_weights(self, ctx: QueryContext, shortlist: np.ndarray
                      ) -> tuple[np.ndarray | None, dict[str, Any]]:
        labels = np.asarray(ctx.labeled_y).astype(str)
        rows, unreliable, source = self.evidence(ctx, labels)
        facts: dict[str, Any] = {"noisy": False, "evidence": source}
        if unreliable is None:
            return None, facts
        shares = class_shares(labels[rows], unreliable, self.min_class)
        facts["class_shares"] = shares
        if shares:
            worst = max(shares, key=lambda c: shares[c])
            facts.update(noisiest_class=worst, class_share=shares[worst])
        noisy = sorted(c for c, share in shares.items() if share >= self.class_share)
        if not noisy:
            if source == "out-of-fold":
                self._quiet = (labels.shape[0], fingerprint(ctx, labels.shape[0]))
            return None, facts
        facts.update(noisy=True, noisy_classes=noisy)
        near_noise = unreliable & np.isin(labels[rows], noisy)
        return 1.0 - self.local_share(ctx, shortlist, ctx.labeled_X[rows], near_noise), facts

    def evidence(self, ctx: QueryContext, labels: np.ndarray
                 ) -> tuple[np.ndarray, np.ndarray | None, str]:
        """(labeled rows with evidence, which of them are unreliable or None, its source).

        Votes where two or more annotators answered; otherwise out-of-fold contradictions,
        skipped (None) while no class could reach ``min_class`` or a quiet check stands.
        """
        disputed = disputed_votes(ctx.labeled_votes, self.min_class)
        if disputed is not None:
            return disputed[0], disputed[1], "votes"
        none = np.empty(0, dtype=np.intp)
        counts = np.unique(labels, return_counts=True)[1]
        if counts.size == 0 or counts.max() < self.min_class or self.quiet_stands(ctx):
            return none, None, "out-of-fold"
        rows = self.checked_rows(ctx)
        self.fold_checks += 1
        contradicted = self.contradicted(ctx, rows)
        return (rows, contradicted, "out-of-fold") if contradicted is not None else (
            none, None, "out-of-fold")

    def quiet_stands(self, ctx: QueryContext) -> bool:
        """True while the last quiet check's records are all still labeled (same features,
        same labels, first in order) and fewer than ``regrow`` more have joined."""
        if self._quiet is None:
            return False
        checked, stamp = self._quiet
        n = ctx.labeled_X.shape[0]
        return checked <= n < checked * (1.0 + self.regrow) and fingerprint(ctx, checked) == stamp


def fingerprint(ctx: QueryContext, n: int) -> bytes:
    """A digest of the first ``n`` labeled records (features and labels)."""
    digest = hashlib.blake2b(np.ascontiguousarray(ctx.labeled_X[:n]).tobytes(), digest_size=16)
    digest.update("\x00".join(np.asarray(ctx.labeled_y[:n]).astype(str).tolist()).encode())
    return digest.digest()


def disputed_votes(votes: Sequence[Mapping[str, str]] | None, min_class: int
                   ) -> tuple[np.ndarray, np.ndarray] | None:
    """(labeled rows answered by two or more annotators, whether their answers disagree), or
    None when fewer than ``min_class`` records have two answers (too little to judge by)."""
    if votes is None:
        return None
    rows = np.array([i for i, answers in enumerate(votes) if len(answers) >= 2], dtype=np.intp)
    if rows.shape[0] < min_class:
        return None
    split = np.array([len(set(votes[i].values())) > 1 for i in rows], dtype=bool)
    return rows, split


def class_shares(labels: np.ndarray, unreliable: np.ndarray, min_class: int
                 ) -> dict[str, float]:
    """Class -> share of its records that are unreliable, for classes with ``min_class``."""
    out = {}
    for name in np.unique(labels):
        member = labels == name
        if int(member.sum()) >= min_class:
            out[str(name)] = round(float(unreliable[member].mean()), 4)
    return out
