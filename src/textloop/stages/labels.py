"""Which label a record carries now, resolved from all of its annotations.

Policy (v1): the most trusted kind present wins (human > import > synthetic > weak >
model > production); within that kind the majority label wins, ties going to the most
recent annotation. Records whose winning kind is tied on every count keep the latest label;
the clean stage, not this resolver, is where such conflicts are surfaced.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from itertools import groupby

from sqlalchemy import Connection

from textloop.storage import annotation_log, records
from textloop.types import AnnotationKind, LabeledRecord

TRUST_ORDER = (AnnotationKind.ADJUDICATED, AnnotationKind.HUMAN, AnnotationKind.IMPORT, AnnotationKind.SYNTHETIC,
               AnnotationKind.WEAK, AnnotationKind.MODEL, AnnotationKind.PRODUCTION)
_RANK = {kind.value: rank for rank, kind in enumerate(TRUST_ORDER)}


def resolve(votes: Iterable[tuple[str, str, float]]) -> tuple[str, str]:
    """(label, kind) from one record's (label, kind, created_at) votes."""
    ordered = sorted(votes, key=lambda v: (_RANK.get(v[1], len(_RANK)), -v[2]))
    best_kind = ordered[0][1]
    same_kind = [v for v in ordered if v[1] == best_kind]
    counts = Counter(v[0] for v in same_kind)
    top = max(counts.values())
    # same_kind is newest-first, so the first label with the top count is the most recent
    label = next(v[0] for v in same_kind if counts[v[0]] == top)
    return label, best_kind


def current_labels(conn: Connection) -> dict[str, tuple[str, str]]:
    """record_id -> (label, kind) for every record with at least one annotation."""
    out: dict[str, tuple[str, str]] = {}
    for record_id, group in groupby(annotation_log.iter_votes(conn), key=lambda v: v[0]):
        out[record_id] = resolve((label, kind, at) for _, label, kind, at in group)
    return out


def labeled_records(conn: Connection) -> list[LabeledRecord]:
    """Every record that has a resolved label, in id order."""
    labels = current_labels(conn)
    out = []
    for rec in records.iter_all(conn):
        resolved = labels.get(rec.id)
        if resolved is not None:
            out.append(LabeledRecord(id=rec.id, text=rec.text, label=resolved[0], meta=rec.meta,
                                     source_kind=rec.source_kind, source_ref=rec.source_ref,
                                     label_kind=resolved[1]))
    return out
