"""What the review queue shows: the next open finding of a cleaning run and its evidence.

The evidence is what a person needs to decide without opening the report: why the record was
flagged and how sure the run was, its current label and why it has it, its nearest labeled
neighbours with their labels (stored with the finding at clean time) and, for duplicates and
conflicts, the other members of its cluster. Labels are read now, not as they were at clean
time, so a neighbour relabeled since shows its new label.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection

from textloop.config import Project
from textloop.errors import NotFoundError
from textloop.reports.spans import highlighted
from textloop.stages.label.resolution import Resolution, labels_for
from textloop.stages.review.batches import Batch, precision_batches
from textloop.stages.review.filters import ReviewFilter, require_review, select
from textloop.stages.review.reasons import describe
from textloop.stages.review.span_fix import describe_fix, is_span_fix
from textloop.storage import Store, findings, records, reviews

RECENT = 10


@dataclass(frozen=True)
class Related:
    """A neighbour or a cluster member, with its current label."""

    record_id: str
    text: str
    label: str | None
    similarity: float | None = None
    kept: bool = False
    """For cluster members: the one a merge keeps."""
    excluded: bool = False


@dataclass(frozen=True)
class Evidence:
    finding_id: int
    cleaning_id: str
    kind: str
    score: float | None
    status: str
    reason: str
    record_id: str
    text: str
    meta: dict[str, Any]
    label: Resolution | None
    suggested: str | None
    neighbours: list[Related]
    neighbour_space: str | None
    cluster: list[Related]
    excluded: bool
    parts: list[dict[str, Any]] = field(default_factory=list)
    """For span findings: the text cut at the given (``gold``) and suggested (``predicted``)
    spans (``reports.spans.highlighted``), for a page to highlight each part escaped."""
    error_probability: float | None = None
    """For label issues: the estimated chance that the given label is wrong."""

    @property
    def can_accept(self) -> bool:
        return self.suggested is not None

    @property
    def can_merge(self) -> bool:
        return len(self.cluster) > 1


@dataclass(frozen=True)
class Decision:
    """One stored review decision, for the page's history and its undo buttons."""

    id: int
    finding_id: int
    record_id: str
    action: str
    reviewer: str
    created_at: float
    label: str | None
    undone: bool


@dataclass(frozen=True)
class ReviewQueue:
    cleaning_id: str | None
    """The run being reviewed; None when ``textloop clean`` never ran."""
    current: Evidence | None
    open_by_kind: dict[str, int] = field(default_factory=dict)
    """Open findings per kind under the filter's label and score (not its kind)."""
    decided: int = 0
    recent: list[Decision] = field(default_factory=list)
    filter: ReviewFilter = field(default_factory=ReviewFilter)
    matching: int = 0
    """Open findings the whole filter keeps (what is left to review with it)."""
    batch: Batch | None = None
    """When the current finding is a label issue: the batch of open label issues it starts
    (``batches.BATCH`` in review order) and its estimated precision."""

    @property
    def open(self) -> int:
        return sum(self.open_by_kind.values())


def review_queue(store: Store, project: Project, cleaning: str = "latest",
                 flt: ReviewFilter | None = None) -> ReviewQueue:
    """The run's next open finding that ``flt`` keeps (``findings.PRIORITY`` order) and what
    is left."""
    require_review(project)
    flt = (flt or ReviewFilter()).check(project)
    with store.read() as conn:
        try:
            run = findings.get(conn, cleaning)
        except NotFoundError:
            if cleaning != "latest":
                raise
            return ReviewQueue(None, None, filter=flt)
        chosen = select(conn, project, run["id"], flt, findings.OPEN)
        current = None if not chosen.rows else _evidence(conn, project, chosen.rows[0])
        recent = [_as_decision(d) for d in reviews.recent(conn, RECENT)]
        by_kind = findings.counts(conn, run["id"])
    open_by_kind = {kind: chosen.by_kind[kind][findings.OPEN] for kind in findings.PRIORITY
                    if kind in chosen.by_kind}
    decided = sum(n for c in by_kind.values() for s, n in c.items() if s != findings.OPEN)
    batches = precision_batches(chosen.rows)
    return ReviewQueue(run["id"], current, open_by_kind, decided, recent, flt,
                       len(chosen.rows), batches[0] if batches and current is not None
                       and current.kind == "label_issue" else None)


def evidence(store: Store, project: Project, finding_id: int) -> Evidence:
    """The evidence for one finding, whatever its status."""
    with store.read() as conn:
        return _evidence(conn, project, findings.get_one(conn, finding_id))


def _evidence(conn: Connection, project: Project, row: dict[str, Any]) -> Evidence:
    details = row["details"]
    near = [(str(rid), float(sim)) for rid, sim in details.get("neighbours", [])]
    members, kept = cluster_members(conn, row)
    ids = list(dict.fromkeys([row["record_id"], *(rid for rid, _ in near), *members]))
    texts = {r.id: r for r in records.get_many(conn, ids)}
    labels = labels_for(conn, ids, project.spec.labeling.policy)
    excluded = reviews.excluded_ids(conn) & set(ids)

    def related(rid: str, similarity: float | None = None) -> Related:
        rec = texts.get(rid)
        resolved = labels.get(rid)
        return Related(rid, rec.text if rec else "", resolved.label if resolved else None,
                       similarity, kept=rid == kept, excluded=rid in excluded)

    record = texts[row["record_id"]]
    fixes_spans = is_span_fix(details)
    suggested = (describe_fix(details) if fixes_spans else
                 details.get("suggested") if row["kind"] == "label_issue" else None)
    return Evidence(
        finding_id=row["id"], cleaning_id=row["cleaning_id"], kind=row["kind"],
        score=row["score"], status=row["status"],
        reason=describe(row["kind"], row["score"], details), record_id=record.id,
        text=record.text, meta=record.meta, label=labels.get(record.id), suggested=suggested,
        neighbours=[related(rid, sim) for rid, sim in near],
        neighbour_space=details.get("neighbour_space"),
        cluster=[related(rid) for rid in members], excluded=record.id in excluded,
        parts=highlighted({"context": record.text, "context_start": 0,
                           "gold": details.get("given"), "predicted": details.get("suggested")})
        if fixes_spans else [], error_probability=details.get("error_probability"))


def cluster_members(conn: Connection, row: dict[str, Any]) -> tuple[list[str], str | None]:
    """(members of the finding's duplicate cluster, the one a merge keeps), or ([], None).

    The kept record is the one the run kept (a duplicate's ``of``); for a conflict cluster,
    where every member is a finding, the record of the finding being reviewed is kept.
    """
    cluster = row["details"].get("cluster")
    if row["kind"] not in ("duplicate", "conflict") or not cluster:
        return [], None
    rows = findings.in_cluster(conn, row["cleaning_id"], cluster)
    kept = row["details"].get("of") or row["record_id"]
    ids = [kept, *(r["record_id"] for r in rows), *(r["details"].get("of") for r in rows)]
    return [rid for rid in dict.fromkeys(ids) if rid], kept


def _as_decision(row: dict[str, Any]) -> Decision:
    return Decision(row["id"], row["finding_id"], row["record_id"], row["action"],
                    row["reviewer"], row["created_at"], row["label"],
                    row["undone_at"] is not None)
