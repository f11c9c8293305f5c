"""Review decisions on findings, one function per key a reviewer presses, and undo.

Each action is one write transaction that stores a decision (``storage/reviews.py``: who,
when, which finding of which run) and closes the finding. A label change is an annotation
of kind ``review`` whose ``meta`` names the finding, the run and the action, so the label
policy (``stages/label/resolution.py``) ranks it with adjudications, above annotators, imports and
weak labels. An exclusion is a row in ``exclusions``; the record stays in the store and
leaves releases until the decision is undone. Undo reverses everything a decision wrote:
the annotation is retracted, exclusions are restored and the findings it closed reopen.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection

from textloop.config import Project
from textloop.errors import ConflictError, InvalidInputError, NotFoundError
from textloop.stages.label.queue import encode_labels
from textloop.stages.label.resolution import labels_for
from textloop.stages.review.carry import STATE, carry_decisions, label_state
from textloop.stages.review.evidence import cluster_members
from textloop.stages.review.span_fix import fixed_value, is_span_fix
from textloop.storage import Store, annotation_log, findings, records, reviews
from textloop.tasks import ValueProblem, task_for
from textloop.types import AnnotationKind

ACCEPT, KEEP, RELABEL, EXCLUDE, MERGE = "accept", "keep", "relabel", "exclude", "merge"
STATUS = {ACCEPT: "accepted", KEEP: "kept", RELABEL: "relabeled", EXCLUDE: "excluded",
          MERGE: "merged"}


@dataclass(frozen=True)
class Decided:
    """What a decision did, for the page's notice and the CLI."""

    decision_id: int
    finding_id: int
    record_id: str
    action: str
    label: str | None = None
    excluded: list[str] = field(default_factory=list)
    reopened: list[int] = field(default_factory=list)


def accept(store: Store, project: Project, reviewer: str, finding_id: int) -> Decided:
    """Take the fix the run suggested: a label issue's suggested label, or a span finding's
    fix applied to the record's current spans (``span_fix.py``)."""
    with store.write() as conn:
        finding = _open_finding(conn, finding_id)
        details = finding["details"]
        if is_span_fix(details):
            current = labels_for(conn, [finding["record_id"]], project.spec.labeling.policy)
            resolved = current.get(finding["record_id"])
            value = fixed_value(resolved.label if resolved else None, details, finding_id)
            return _label(conn, finding, ACCEPT, _checked(conn, project, finding, value),
                          reviewer)
        suggested = details.get("suggested") if finding["kind"] == "label_issue" else None
        if not suggested:
            raise InvalidInputError(f"finding {finding_id} ({finding['kind']}) suggests no label",
                                    hint="press K to keep, a digit to relabel or X to exclude")
        return _label(conn, finding, ACCEPT, encode_labels(project, [suggested]), reviewer)


def relabel(store: Store, project: Project, reviewer: str, finding_id: int,
            labels: list[str]) -> Decided:
    """Give the record the label the reviewer chose."""
    value = encode_labels(project, labels)
    with store.write() as conn:
        finding = _open_finding(conn, finding_id)
        return _label(conn, finding, RELABEL, _checked(conn, project, finding, value),
                      reviewer)


def edit(store: Store, project: Project, reviewer: str, finding_id: int, value: str) -> Decided:
    """Give the record the value the reviewer wrote, as stored (a span project's JSON list
    of ``{start, end, label}``), checked by the project's task against the record's text;
    stored like a relabel."""
    with store.write() as conn:
        finding = _open_finding(conn, finding_id)
        return _label(conn, finding, RELABEL, _checked(conn, project, finding, value),
                      reviewer)


def keep(store: Store, reviewer: str, finding_id: int) -> Decided:
    """The record is fine as it is: no label change, but the decision is on record."""
    with store.write() as conn:
        finding = _open_finding(conn, finding_id)
        return _decide(conn, finding, KEEP, reviewer)


def exclude(store: Store, reviewer: str, finding_id: int) -> Decided:
    """Take the record out of releases (reversible: undo the decision)."""
    with store.write() as conn:
        finding = _open_finding(conn, finding_id)
        decided = _decide(conn, finding, EXCLUDE, reviewer,
                          details={"excluded": [finding["record_id"]]})
        reviews.exclude(conn, [finding["record_id"]], decision_id=decided.decision_id,
                        by=reviewer)
        return decided


def merge(store: Store, project: Project, reviewer: str, finding_id: int,
          labels: list[str] | None = None) -> Decided:
    """Keep one record of a duplicate cluster; exclude the others as duplicates of it.

    The kept record is the one the run kept (a duplicate's ``of``), or for a conflict the
    record of this finding. Every open duplicate and conflict finding of the cluster closes
    as ``merged``; ``labels`` also relabels the kept record.
    """
    value = encode_labels(project, labels) if labels else None
    with store.write() as conn:
        finding = _open_finding(conn, finding_id)
        members, kept = cluster_members(conn, finding)
        if kept is None or len(members) < 2:
            raise InvalidInputError(f"finding {finding_id} ({finding['kind']}) has no duplicate "
                                    "cluster to merge", hint="merge works on duplicates and "
                                                             "conflicts; press X to exclude")
        standing = reviews.excluded_ids(conn)
        dropped = [rid for rid in members if rid != kept and rid not in standing]
        closed = [r["id"] for r in findings.in_cluster(conn, finding["cleaning_id"],
                                                       finding["details"]["cluster"])
                  if r["status"] == findings.OPEN and r["id"] != finding_id]
        annotation = None if value is None else _annotate(conn, kept, value, finding, MERGE,
                                                          reviewer)
        decided = _decide(conn, finding, MERGE, reviewer, label=value, annotation_id=annotation,
                          details={"kept": kept, "excluded": dropped, "closed": closed})
        reviews.exclude(conn, dropped, decision_id=decided.decision_id, by=reviewer,
                        reason=reviews.DUPLICATE, duplicate_of=kept)
        for other in closed:
            findings.set_status(conn, other, STATUS[MERGE])
        return decided


def undo(store: Store, reviewer: str, decision_id: int | None = None) -> Decided | None:
    """Reverse a decision (the reviewer's latest standing one by default); None if none.

    The decision stays on record, stamped undone by ``reviewer``; its annotation is
    retracted, its exclusions end and the findings it closed are open again.
    """
    with store.write() as conn:
        row = (reviews.latest_standing(conn, reviewer) if decision_id is None
               else reviews.get_decision(conn, decision_id))
        if row is None and decision_id is None:
            return None
        if row is None:
            raise NotFoundError(f"no review decision {decision_id}",
                                hint="reload the review page")
        if row["undone_at"] is not None:
            raise ConflictError(f"decision {row['id']} was already undone by {row['undone_by']}",
                                hint="reload the review page")
        reviews.mark_undone(conn, row["id"], reviewer)
        if row["annotation_id"] is not None:
            annotation_log.retract(conn, row["annotation_id"])
        reviews.restore(conn, row["id"], reviewer)
        reopened = [row["finding_id"], *row["details"].get("closed", [])]
        for finding_id in reopened:
            findings.set_status(conn, finding_id, findings.OPEN)
        return Decided(row["id"], row["finding_id"], row["record_id"], row["action"],
                       row["label"], list(row["details"].get("excluded", [])), reopened)


def carry_over(conn: Connection, rows: list[dict[str, Any]]) -> int:
    """Close the new findings ``rows`` that standing decisions settled (``carry.py``)."""
    return carry_decisions(conn, rows, STATUS)


def _checked(conn: Connection, project: Project, finding: dict[str, Any], value: str) -> str:
    """``value`` in its canonical spelling once the task accepts it for the record (a span
    list inside the record's text, of the project's types); refused naming the finding."""
    (record,) = records.get_many(conn, [finding["record_id"]])
    try:
        return task_for(project).check_value(value, project.spec, record.text)
    except ValueProblem as exc:
        raise InvalidInputError(f"finding {finding['id']}, record {record.id}: {exc}",
                                hint=exc.fix or "give a value the project accepts") from None


def _label(conn: Connection, finding: dict[str, Any], action: str, value: str,
           reviewer: str) -> Decided:
    annotation = _annotate(conn, finding["record_id"], value, finding, action, reviewer)
    return _decide(conn, finding, action, reviewer, label=value, annotation_id=annotation)


def _annotate(conn: Connection, record_id: str, value: str, finding: dict[str, Any],
              action: str, reviewer: str) -> int:
    """The label as an annotation of kind ``review``, with the finding as its provenance."""
    meta = json.dumps({"finding": finding["id"], "cleaning": finding["cleaning_id"],
                       "action": action, "finding_kind": finding["kind"]}, sort_keys=True)
    return annotation_log.add_one(conn, record_id=record_id, label=value,
                                  kind=AnnotationKind.REVIEW.value, annotator=reviewer,
                                  meta=meta)


def _decide(conn: Connection, finding: dict[str, Any], action: str, reviewer: str, *,
            label: str | None = None, annotation_id: int | None = None,
            details: dict[str, Any] | None = None) -> Decided:
    details = {**(details or {}), STATE: label_state(conn, finding["record_id"])}
    decision = reviews.add_decision(conn, finding=finding, action=action, reviewer=reviewer,
                                    label=label, annotation_id=annotation_id, details=details)
    findings.set_status(conn, finding["id"], STATUS[action])
    return Decided(decision, finding["id"], finding["record_id"], action, label,
                   list(details.get("excluded", [])))


def _open_finding(conn: Connection, finding_id: int) -> dict[str, Any]:
    finding = findings.get_one(conn, finding_id)
    if finding["status"] != findings.OPEN:
        raise ConflictError(f"finding {finding_id} was already {finding['status']}",
                            hint="press U to undo the last decision, or reload the page")
    return finding
