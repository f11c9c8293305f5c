"""How good is each rule? Coverage, overlaps, conflicts and accuracy, Snorkel-style.

Over all ``n`` items (so the numbers of different rules are comparable):

- coverage: share of items the rule votes on;
- overlaps: share of items where the rule votes and at least one other rule votes too;
- conflicts: share of items where the rule votes and another rule votes a different label.

On items with a gold label (resolved human or adjudicated labels), the number the rule
covers and its accuracy there: the only number that says a rule is right, not just busy.
A rule that never fires on a gold item has no accuracy (None), not 0.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from textloop.errors import InvalidInputError


@dataclass(frozen=True)
class RuleStats:
    name: str
    polarity: list[str]
    """The labels the rule voted (one for keyword and regex rules)."""
    coverage: float
    overlaps: float
    conflicts: float
    n_votes: int
    n_gold: int
    """Gold-labeled items the rule voted on."""
    n_correct: int
    accuracy: float | None


@dataclass(frozen=True)
class RuleAnalysis:
    rules: list[RuleStats]
    n_items: int
    n_gold: int
    coverage: float
    """Share of items at least one rule votes on."""
    overlap: float
    """Share of items two or more rules vote on."""
    conflict: float
    """Share of items where rules vote different labels."""
    gold_kinds: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def analyze_rules(votes: np.ndarray, rule_names: Sequence[str], label_names: Sequence[str],
                  gold: np.ndarray | Sequence[int] | None = None) -> RuleAnalysis:
    """Statistics of a ``[items, rules]`` vote matrix (-1 = abstain); ``gold`` class indices
    per item with -1 where the true label is unknown."""
    votes = np.asarray(votes)
    n = len(votes)
    truth = np.full(n, -1) if gold is None else np.asarray(gold)
    if votes.ndim != 2 or votes.shape[1] != len(rule_names) or truth.shape != (n,):
        raise InvalidInputError(f"votes has shape {votes.shape} and gold {truth.shape}; "
                                f"expected [items, {len(rule_names)}] and [items]")
    voted = votes >= 0
    several = voted.sum(axis=1) >= 2
    highest = _masked(votes, voted, np.max, -1)
    lowest = _masked(votes, voted, np.min, len(label_names))
    conflicted = several & (highest != lowest)
    stats = [_rule_stats(name, votes[:, j], voted[:, j], several, conflicted, truth, label_names)
             for j, name in enumerate(rule_names)]
    return RuleAnalysis(stats, n, int((truth >= 0).sum()), _share(voted.any(axis=1)),
                        _share(several), _share(conflicted))


def _rule_stats(name: str, column: np.ndarray, voted: np.ndarray, several: np.ndarray,
                conflicted: np.ndarray, truth: np.ndarray,
                label_names: Sequence[str]) -> RuleStats:
    on_gold = voted & (truth >= 0)
    correct = int((column[on_gold] == truth[on_gold]).sum())
    n_gold = int(on_gold.sum())
    polarity = [label_names[i] for i in np.unique(column[voted])]
    return RuleStats(name, polarity, _share(voted), _share(voted & several),
                     _share(voted & conflicted), int(voted.sum()), n_gold, correct,
                     correct / n_gold if n_gold else None)


def _masked(votes: np.ndarray, voted: np.ndarray, reduce: Any, fill: int) -> np.ndarray:
    """Row-wise max/min over the votes actually cast."""
    if votes.shape[1] == 0:
        return np.full(len(votes), fill)
    return reduce(np.where(voted, votes, fill), axis=1)


def _share(mask: Any) -> float:
    mask = np.asarray(mask)
    return float(mask.mean()) if mask.size else 0.0
