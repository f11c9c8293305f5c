"""Which label a record carries now, resolved from all of its annotations, and why.

Human answers decide first, following the project's policy (``labeling.policy``), in order:

- ``adjudicated``: a decision wins outright: an adjudicator's, or a reviewer's answer to a
  ``textloop clean`` finding (kind ``review``); the latest decision of the two kinds wins.
  Review decisions apply even when a policy leaves ``adjudicated`` out (they come first
  then): a reviewer relabeled the record after seeing why it was flagged;
- ``majority``: a single answer, or one label with more votes than any other, wins;
- ``dawid_skene``: otherwise (ties) the Dawid-Skene estimate, fitted over every record
  with two or more human answers, weighs each annotator by their estimated accuracy, but
  only when three or more annotators answered those records. With two, the answers only
  show how often the pair agrees, not which of them is right: the estimate would settle
  every tie for one of them at random and then report that annotator as always right.

What a majority is belongs to the project's task (``Task.majority``, passed as ``task``):
one label with more votes than any other, or in a span project the span-level majority
(``spans.voting``: each span kept when more than half of the annotators marked exactly it;
a span exactly half marked is a tie). Dawid-Skene applies only where the task says it
can (``Task.estimates_ties``: not for span lists, whose ties wait for an adjudicator).

A tie that no step decides stays undecided: the record has no final label (not even an
imported or weak one, which people's split answers outrank) and waits for adjudication.
Each annotator counts once per record (their latest standing answer; undone answers are
ignored). Records without human answers take the most trusted other kind (import >
synthetic > weak > model > production): the majority label of that kind, ties to the
newest. Every resolution carries a one-line reason that the web app and reports show.

``labeled_records`` (what releases and ``textloop clean`` read) leaves out records that a
review excluded (``storage/reviews.py``); their labels still resolve here.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from itertools import groupby
from typing import NamedTuple

from sqlalchemy import Connection

from textloop.config import POLICY_STEPS
from textloop.storage import annotation_log, records, reviews
from textloop.tasks import Task
from textloop.tasks.base import value_majority
from textloop.types import AnnotationKind, LabeledRecord

HUMAN = AnnotationKind.HUMAN.value
ADJUDICATED = AnnotationKind.ADJUDICATED.value
REVIEW = AnnotationKind.REVIEW.value
DECISIONS = (ADJUDICATED, REVIEW)
TRUST_ORDER = (AnnotationKind.REVIEW, AnnotationKind.ADJUDICATED, AnnotationKind.HUMAN,
               AnnotationKind.IMPORT,
               AnnotationKind.SYNTHETIC, AnnotationKind.WEAK, AnnotationKind.MODEL,
               AnnotationKind.PRODUCTION)
_RANK = {kind.value: rank for rank, kind in enumerate(TRUST_ORDER)}
MIN_ESTIMATE_ANNOTATORS = 3
"""Annotators Dawid-Skene must be fitted on before it may decide a tie (see the module)."""


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


def current_labels(conn: Connection, policy: Sequence[str] = POLICY_STEPS, *,
                   task: Task | None = None) -> dict[str, Resolution]:
    """record_id -> Resolution for every record with at least one standing annotation,
    except tied records that no step of the policy decides (they wait for adjudication).

    ``task`` (the project's) decides what a majority is and whether Dawid-Skene applies;
    without one, answers are compared as whole values, as for classification."""
    out, tied = _resolve_human(_by_voter(annotation_log.human_votes(conn)), policy,
                               task=task)
    _resolve_others(out, annotation_log.iter_votes(conn), skip=tied)
    return out


def labels_for(conn: Connection, record_ids: Sequence[str],
               policy: Sequence[str] = POLICY_STEPS, *,
               task: Task | None = None) -> dict[str, Resolution]:
    """``current_labels`` for a few records, reading only their annotations.

    A record left to Dawid-Skene needs the estimate fitted over every disputed record, so
    then the whole store is resolved (the answer is the same either way).
    """
    votes = _by_voter(annotation_log.human_votes(conn, record_ids))
    out, tied = _resolve_human(votes, policy, estimate=False, task=task)
    if "dawid_skene" in policy and tied and (task is None or task.estimates_ties):
        full = current_labels(conn, policy, task=task)
        return {rid: full[rid] for rid in record_ids if rid in full}
    _resolve_others(out, annotation_log.iter_votes(conn, record_ids), skip=tied)
    return out


def _by_voter(rows: Iterable[tuple[str, str, str, str, float]]
              ) -> dict[str, dict[str, tuple[str, str, float]]]:
    """record_id -> voter -> (label, kind, at); a voter's later rows replace earlier ones.

    Decisions are keyed apart from answers, so an adjudicator who also labeled counts once
    as an annotator and once as a decision.
    """
    human: dict[str, dict[str, tuple[str, str, float]]] = defaultdict(dict)
    for record_id, annotator, label, kind, at in rows:
        key = annotator if kind == HUMAN else f"{kind}:{annotator}"
        human[record_id][key] = (label, kind, at)
    return human


def _resolve_others(out: dict[str, Resolution], votes: Iterable[tuple[str, str, str, float]],
                    skip: set[str]) -> None:
    """Records without a human resolution take their most trusted machine or import label;
    ``skip``: undecided ties, where people's split answers outrank any other label."""
    for record_id, group in groupby(votes, key=lambda v: v[0]):
        if record_id in out or record_id in skip:
            continue
        others = [(label, kind, at) for _, label, kind, at in group
                  if kind not in annotation_log.HUMAN_KINDS]
        if others:
            label, kind = resolve(others)
            out[record_id] = Resolution(label, kind, f"{kind} label")


def _resolve_human(votes: dict[str, dict[str, tuple[str, str, float]]],
                   policy: Sequence[str], estimate: bool = True, task: Task | None = None
                   ) -> tuple[dict[str, Resolution], set[str]]:
    """Resolutions from people's answers, and the tied records left undecided;
    ``estimate=False`` leaves every tie undecided (no Dawid-Skene fit)."""
    majority = value_majority if task is None else task.majority
    estimate = estimate and (task is None or task.estimates_ties)
    out: dict[str, Resolution] = {}
    undecided: dict[str, dict[str, str]] = {}
    overlapping: dict[str, dict[str, str]] = {}  # what Dawid-Skene learns annotators from
    for record_id, by_voter in votes.items():
        decisions = sorted((v for v in by_voter.items() if v[1][1] in DECISIONS),
                           key=lambda item: item[1][2])
        answers = {name: v[0] for name, v in by_voter.items() if v[1] == HUMAN}
        if len(answers) >= 2:
            overlapping[record_id] = answers
        found = _first_rule(policy, decisions, answers, majority)
        if found is not None:
            out[record_id] = found
        elif answers:
            undecided[record_id] = answers
    if undecided and estimate and "dawid_skene" in policy:
        out.update(_estimate(undecided, overlapping))
    return out, {rid for rid in undecided if rid not in out}


def _first_rule(policy: Sequence[str], decisions: list[tuple[str, tuple[str, str, float]]],
                answers: dict[str, str],
                majority: Callable[[Mapping[str, str]], tuple[str, str] | None]
                ) -> Resolution | None:
    steps = policy if "adjudicated" in policy else (REVIEW, *policy)
    for step in steps:
        if step == REVIEW:
            decisions = [d for d in decisions if d[1][1] == REVIEW]
        if step in ("adjudicated", REVIEW) and decisions:
            return _decision(*decisions[-1])
        if step == "majority" and answers and (found := majority(answers)) is not None:
            return Resolution(found[0], HUMAN, found[1])
        if step == "dawid_skene" and answers and len(answers) >= 2:
            return None  # decided together with the other disputed records
    return None


def _decision(voter: str, vote: tuple[str, str, float]) -> Resolution:
    label, kind, _ = vote
    name = voter.split(":", 1)[1]
    return Resolution(label, kind, f"adjudicated by {name}" if kind == ADJUDICATED
                      else f"reviewed by {name}")


def _estimate(undecided: dict[str, dict[str, str]], overlapping: dict[str, dict[str, str]]
              ) -> dict[str, Resolution]:
    """Dawid-Skene fitted on every record with 2+ answers, applied to the undecided ones;
    nothing when fewer than ``MIN_ESTIMATE_ANNOTATORS`` answered (see the module)."""
    import numpy as np  # only ties need it, so reading labels (status) does not load NumPy

    from textloop.strategies.label_model.dawid_skene import dawid_skene

    table = {**overlapping, **undecided}
    ids = list(table)
    annotators = sorted({name for a in table.values() for name in a})
    if len(annotators) < MIN_ESTIMATE_ANNOTATORS:
        return {}
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


def labeled_records(conn: Connection, policy: Sequence[str] = POLICY_STEPS, *,
                    task: Task | None = None) -> list[LabeledRecord]:
    """Every record that has a resolved label and no standing exclusion, in id order."""
    labels = current_labels(conn, policy, task=task)
    excluded = reviews.excluded_ids(conn)
    out = []
    for rec in records.iter_all(conn):
        resolved = labels.get(rec.id)
        if resolved is not None and rec.id not in excluded:
            out.append(LabeledRecord(id=rec.id, text=rec.text, label=resolved.label,
                                     meta=rec.meta, source_kind=rec.source_kind,
                                     source_ref=rec.source_ref, label_kind=resolved.kind))
    return out
