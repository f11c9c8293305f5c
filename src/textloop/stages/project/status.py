"""``textloop status``: the project at a glance, as plain data for any front end."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

from textloop.config import Project
from textloop.stages.label.queue import disputes
from textloop.stages.label.resolution import current_labels
from textloop.stages.runs.table import mixed_releases_note, shared_test_rows
from textloop.storage import Store, annotators, imports, queue, records, releases, runs
from textloop.tasks import task_for


@dataclass
class LabelingOverview:
    """Where the human labeling stands: who labels, what waits, what needs a decision."""

    annotators: int
    """Annotators whose access is not revoked."""
    waiting: int
    """Queued records still missing answers."""
    answered: int
    """Queued records that received all their answers."""
    disputes: int
    """Records whose answers disagree and await an adjudicator."""


@dataclass
class ProjectStatus:
    name: str
    root: str
    store_url: str
    goal: dict[str, Any]
    records: int
    labeled: int
    per_label: dict[str, int]
    label_kinds: dict[str, int]
    releases: list[dict[str, Any]] = field(default_factory=list)
    runs: list[dict[str, Any]] = field(default_factory=list)
    imports: list[dict[str, Any]] = field(default_factory=list)
    labeling: LabelingOverview | None = None
    runs_note: str | None = None
    """Said when the runs' scores come from more than one release."""

    @property
    def labeled_share(self) -> float:
        return self.labeled / self.records if self.records else 0.0

    def to_dict(self) -> dict[str, Any]:
        """What ``textloop status --json`` prints: the same facts as the tables, with the
        derived share, so a script never recomputes what the terminal shows."""
        return {**asdict(self), "labeled_share": self.labeled_share}


def project_status(store: Store, project: Project) -> ProjectStatus:
    with store.read() as conn:
        labels = current_labels(conn, project.spec.labeling.policy, task=task_for(project))
        kinds = Counter(r.kind for r in labels.values())
        ordered = task_for(project).tally((r.label for r in labels.values()),
                                          project.spec.label_names)
        info = ProjectStatus(
            name=project.spec.name, root=str(project.root), store_url=project.store_url,
            goal=project.spec.goal.model_dump(), records=records.count(conn),
            labeled=len(labels), per_label=ordered, label_kinds=dict(kinds),
            releases=releases.list_all(conn), runs=runs.list_all(conn),
            imports=imports.recent(conn, limit=5))
        scored = [r["release_id"] for r in info.runs if r["metrics"]]
        info.runs_note = mixed_releases_note(
            scored, compare="compare runs of one release with `textloop runs --release ID`",
            same_test_rows=shared_test_rows(conn, scored))
        people = [a for a in annotators.list_all(conn) if a.get("revoked_at") is None]
        counts = queue.counts(conn)
    if people or counts:  # labeling has started
        info.labeling = LabelingOverview(
            annotators=len(people), waiting=counts.get(queue.OPEN, 0) + counts.get(queue.FULL, 0),
            answered=counts.get(queue.DONE, 0), disputes=len(disputes(store)))
    return info

