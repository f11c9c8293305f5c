"""Where annotators disagree: per pair, per label and per annotator against the consensus.

All functions take ``answers``: record_id -> {annotator: label}, each annotator's latest
standing answer on each record. Only records with two or more answers say anything about
agreement; the others are ignored here.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations

from textloop.stages.agreement.stats import Coefficient, cohen_kappa

Answers = dict[str, dict[str, str]]
Decisions = dict[str, tuple[str, str]]
"""record_id -> (label, who decided it): the latest adjudication or review decision."""


@dataclass(frozen=True)
class PairAgreement:
    """Two annotators on the records both answered."""

    a: str
    b: str
    n_shared: int
    observed: float | None
    """Share of shared records where they gave the same label."""
    kappa: Coefficient


@dataclass(frozen=True)
class LabelDisagreement:
    label: str
    n_items: int
    """Records with 2+ answers where someone gave this label."""
    n_disputed: int
    """Of those, records where the answers differ."""
    rate: float | None
    confused_with: list[tuple[str, int]]
    """Other labels given to the same records, counted per pair of annotators, most first."""


@dataclass(frozen=True)
class ConsensusAgreement:
    """How often an annotator's answer is the label an adjudicator (or reviewer) decided.

    Only decisions count: a majority or Dawid-Skene label is made of the annotators' own
    votes, so with two annotators each one "agrees" with every label their vote settled.
    """

    annotator: str
    n_answers: int
    n_compared: int
    """Their answers on records that someone else decided."""
    agreement: float | None


def overlapping(answers: Answers) -> Answers:
    return {rid: votes for rid, votes in answers.items() if len(votes) >= 2}


def pair_agreement(answers: Answers, annotators: Sequence[str],
                   min_shared: int) -> list[PairAgreement]:
    """Cohen's kappa for every pair of annotators; None below ``min_shared`` shared records."""
    out = []
    for a, b in combinations(annotators, 2):
        shared = [votes for votes in answers.values() if a in votes and b in votes]
        first, second = [v[a] for v in shared], [v[b] for v in shared]
        observed = (sum(x == y for x, y in zip(first, second, strict=True)) / len(shared)
                    if shared else None)
        kappa = (cohen_kappa(first, second) if len(shared) >= min_shared else
                 Coefficient(None, len(shared), f"only {len(shared)} shared records "
                                                f"(kappa needs at least {min_shared})"))
        out.append(PairAgreement(a, b, len(shared), observed, kappa))
    return out


def pair_confusions(answers: Answers) -> Counter[tuple[str, str]]:
    """(label, other label) -> how many annotator pairs gave these two to one record."""
    found: Counter[tuple[str, str]] = Counter()
    for votes in overlapping(answers).values():
        for x, y in combinations(votes.values(), 2):
            if x != y:
                found[(min(x, y), max(x, y))] += 1
    return found


def label_disagreement(answers: Answers, labels: Sequence[str]) -> list[LabelDisagreement]:
    """For each label: how often records that got it are disputed, and what it is confused with."""
    confusions = pair_confusions(answers)
    given: Counter[str] = Counter()
    disputed: Counter[str] = Counter()
    for votes in overlapping(answers).values():
        distinct = set(votes.values())
        given.update(distinct)
        if len(distinct) > 1:
            disputed.update(distinct)
    out = []
    for label in labels:
        others = Counter({(y if x == label else x): n for (x, y), n in confusions.items()
                          if label in (x, y)})
        n = given[label]
        out.append(LabelDisagreement(label, n, disputed[label], disputed[label] / n if n else None,
                                     others.most_common()))
    return out


def consensus_agreement(answers: Answers, decided: Decisions,
                        annotators: Sequence[str]) -> list[ConsensusAgreement]:
    """Each annotator against the decided labels, on records someone else decided."""
    out = []
    for name in annotators:
        mine = {rid: votes[name] for rid, votes in answers.items() if name in votes}
        compared = [rid for rid in mine if rid in decided and decided[rid][1] != name]
        agree = sum(mine[rid] == decided[rid][0] for rid in compared)
        out.append(ConsensusAgreement(name, len(mine), len(compared),
                                      agree / len(compared) if compared else None))
    return out
