"""Which label a record carries now, resolved from all of its annotations, and why.

Human answers decide first, following the project's policy (``labeling.policy``), in order:

- ``adjudicated``: an adjudicator's decision (the latest one) wins outright;
- ``majority``: a single answer, or one label with more votes than any other, wins;
- ``dawid_skene``: otherwise (ties) the Dawid-Skene estimate, fitted over every record
  with two or more human answers, weighs each annotator by their estimated accuracy.

Each annotator counts once per record (their latest standing answer; undone answers are
ignored). Records without human answers take the most trusted other kind (import >
synthetic > weak > model > production): the majority label of that kind, ties to the
newest. Every resolution carries a one-line reason that the web app and reports show.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from itertools import groupby
from typing import NamedTuple

import numpy as np
from sqlalchemy import Connection

from textloop.config import POLICY_STEPS
from textloop.storage import annotation_log, records
from textloop.strategies.label_model.dawid_skene import dawid_skene
from textloop.types import AnnotationKind, LabeledRecord

HUMAN = AnnotationKind.HUMAN.value
ADJUDICATED = AnnotationKind.ADJUDICATED.value
TRUST_ORDER = (AnnotationKind.ADJUDICATED, AnnotationKind.HUMAN, AnnotationKind.IMPORT,
               AnnotationKind.SYNTHETIC, AnnotationKind.WEAK, AnnotationKind.MODEL,
               AnnotationKind.PRODUCTION)
_RANK = {kind.value: rank for rank, kind in enumerate(TRUST_ORDER)}


class Resolution(NamedTuple):
    label: str
    kind: str
    reason: str


def resolve(votes: Iterable[tuple[str, str, float]]) -> tuple[str, str]:
    """(label, kind) from one record's (label, kind, created_at) machine or import votes."""
    ordered = sorted(votes, key=lambda v: (_RANK.get(v[1], len(_RANK)), -v[2]))
    best_kind = ordered[0][1]
    same_kind = [v for v in ordered if v[1] == best_kind]
    counts = Counter(v[0] for v in same_kind)
    top = max(counts.values())
    # same_kind is newest-first, so the first label with the top count is the most recent
    label = next(v[0] for v in same_kind if counts[v[0]] == top)
    return label, best_kind


def current_labels(conn: Connection, policy: Sequence[str] = POLICY_STEPS
                   ) -> dict[str, Resolution]:
    """record_id -> Resolution for every record with at least one standing annotation."""
    human: dict[str, dict[str, tuple[str, str, float]]] = defaultdict(dict)
    for record_id, annotator, label, kind, at in annotation_log.human_votes(conn):
        key = annotator if kind == HUMAN else f"{ADJUDICATED}:{annotator}"
        human[record_id][key] = (label, kind, at)  # later rows replace earlier ones
    out = _resolve_human(human, policy)
    for record_id, group in groupby(annotation_log.iter_votes(conn), key=lambda v: v[0]):
        if record_id in out:
            continue
        others = [(label, kind, at) for _, label, kind, at in group
                  if kind not in (HUMAN, ADJUDICATED)]
        if others:
            label, kind = resolve(others)
            out[record_id] = Resolution(label, kind, f"{kind} label")
    return out


def _resolve_human(votes: dict[str, dict[str, tuple[str, str, float]]],
                   policy: Sequence[str]) -> dict[str, Resolution]:
    out: dict[str, Resolution] = {}
    undecided: dict[str, dict[str, str]] = {}
    overlapping: dict[str, dict[str, str]] = {}  # what Dawid-Skene learns annotators from
    for record_id, by_voter in votes.items():
        decisions = sorted((v for v in by_voter.items() if v[1][1] == ADJUDICATED),
                           key=lambda item: item[1][2])
        answers = {name: v[0] for name, v in by_voter.items() if v[1] == HUMAN}
        if len(answers) >= 2:
            overlapping[record_id] = answers
        found = _first_rule(policy, decisions, answers)
        if found is not None:
            out[record_id] = found
        elif answers:
            undecided[record_id] = answers
    if undecided:
        out.update(_estimate(undecided, overlapping, by_dawid_skene="dawid_skene" in policy))
    return out


def _first_rule(policy: Sequence[str], decisions: list[tuple[str, tuple[str, str, float]]],
                answers: dict[str, str]) -> Resolution | None:
    for step in policy:
        if step == "adjudicated" and decisions:
            name, (label, _, _) = decisions[-1]
            return Resolution(label, ADJUDICATED, f"adjudicated by {name.split(':', 1)[1]}")
        if step == "majority" and answers:
            counts = Counter(answers.values()).most_common()
            if len(counts) == 1 or counts[0][1] > counts[1][1]:
                label, n = counts[0]
                who = ", ".join(sorted(a for a, lab in answers.items() if lab == label))
                reason = (f"labeled by {who}" if len(answers) == 1
                          else f"majority {n} of {len(answers)} ({who})")
                return Resolution(label, HUMAN, reason)
        if step == "dawid_skene" and answers and len(answers) >= 2:
            return None  # decided together with the other disputed records
    return None


def _estimate(undecided: dict[str, dict[str, str]], overlapping: dict[str, dict[str, str]],
              by_dawid_skene: bool) -> dict[str, Resolution]:
    """Dawid-Skene fitted on every record with 2+ answers, applied to the undecided ones.

    Without that step in the policy, the first tied label (alphabetically) is taken.
    """
    if not by_dawid_skene:
        return {rid: Resolution(sorted(a.values())[0], HUMAN, "tie: no rule in the policy "
                                "decides it; first label alphabetically")
                for rid, a in undecided.items()}
    table = {**overlapping, **undecided}
    ids = list(table)
    annotators = sorted({name for a in table.values() for name in a})
    classes = sorted({lab for a in table.values() for lab in a.values()})
    col, cls = {n: i for i, n in enumerate(annotators)}, {c: i for i, c in enumerate(classes)}
    votes = np.full((len(ids), len(annotators)), -1, dtype=np.int64)
    for row, rid in enumerate(ids):
        for name, label in table[rid].items():
            votes[row, col[name]] = cls[label]
    fit = dawid_skene(votes, len(classes))
    out = {}
    for row, rid in enumerate(ids):
        if rid not in undecided:
            continue
        label = classes[int(fit.labels[row])]
        tied = " / ".join(sorted(set(undecided[rid].values())))
        out[rid] = Resolution(label, HUMAN, f"Dawid-Skene estimate {fit.confidence[row]:.2f} "
                                            f"(annotators split: {tied})")
    return out


def labeled_records(conn: Connection, policy: Sequence[str] = POLICY_STEPS
                    ) -> list[LabeledRecord]:
    """Every record that has a resolved label, in id order."""
    labels = current_labels(conn, policy)
    out = []
    for rec in records.iter_all(conn):
        resolved = labels.get(rec.id)
        if resolved is not None:
            out.append(LabeledRecord(id=rec.id, text=rec.text, label=resolved.label,
                                     meta=rec.meta, source_kind=rec.source_kind,
                                     source_ref=rec.source_ref, label_kind=resolved.kind))
    return out
