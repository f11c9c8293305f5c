"""Which findings a reviewer works through: filters by kind, current label and score.

A run can hold hundreds of findings of a kind that is noise for the task (URLs in a spam
filter) next to the few that matter. The queue, the page's counts and ``textloop review``
all take one ``ReviewFilter``, so the same filter means the same findings everywhere. The
label is the record's current label (resolved now, as the page shows it), not the one it had
at clean time; a span finding's is its own span type (the given or the suggested span's:
"LOC" keeps a wrong type from PER to LOC, not another finding on a record that has a LOC
span); a score bound leaves out findings without a score. Counts per kind apply the
label and score filters but not the kind, so each kind shows what choosing it would give.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from textloop.config import Project
from textloop.errors import InvalidInputError
from textloop.stages.label.queue import decode_labels
from textloop.stages.label.resolution import labels_for
from textloop.storage import findings
from textloop.tasks import Task, require_verb, task_for

FINDING_KINDS = findings.PRIORITY
"""Every finding kind, in review order (what a kind filter accepts)."""


REVIEW_ACTION = "textloop review (findings of `textloop clean`)"
"""What a refusal calls the review: the findings are what a task without ``clean`` lacks."""


def require_review(project: Project) -> None:
    """Refuse up front a project whose task has no cleaning findings to review."""
    require_verb(project, "review", REVIEW_ACTION)


@dataclass(frozen=True)
class ReviewFilter:
    """Empty fields do not filter. ``min_score``/``max_score`` bound the finding's score
    (label issues: label quality, lower is more suspicious; others: higher is surer)."""

    kind: str | None = None
    label: str | None = None
    min_score: float | None = None
    max_score: float | None = None

    @classmethod
    def parse(cls, *, kind: str | None = None, label: str | None = None,
              min_score: str | None = None, max_score: str | None = None) -> ReviewFilter:
        """From text fields (a query string): blanks are no filter, scores must be numbers."""
        return cls(kind=(kind or "").strip() or None, label=(label or "").strip() or None,
                   min_score=_number("min_score", min_score),
                   max_score=_number("max_score", max_score))

    @property
    def active(self) -> bool:
        return any(v is not None for v in (self.kind, self.label, self.min_score,
                                           self.max_score))

    def check(self, project: Project) -> ReviewFilter:
        """Refuse a kind or label the project cannot have, and an empty score range."""
        if self.kind is not None and self.kind not in findings.PRIORITY:
            raise InvalidInputError(f"unknown finding kind {self.kind!r}",
                                    hint=f"use one of {', '.join(findings.PRIORITY)}")
        names = project.spec.label_names
        if self.label is not None and self.label not in names:
            raise InvalidInputError(f"unknown label {self.label!r}",
                                    hint=f"use one of {', '.join(names)}")
        if (self.min_score is not None and self.max_score is not None
                and self.min_score > self.max_score):
            raise InvalidInputError(f"min_score {self.min_score:g} is above max_score "
                                    f"{self.max_score:g}", hint="swap them or drop one")
        return self

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "label": self.label, "min_score": self.min_score,
                "max_score": self.max_score}

    def keeps_score(self, score: float | None) -> bool:
        if self.min_score is None and self.max_score is None:
            return True
        return score is not None and (self.min_score is None or score >= self.min_score) \
            and (self.max_score is None or score <= self.max_score)


@dataclass(frozen=True)
class Selection:
    """The findings a filter keeps (in review order) and, per kind, how many it would keep
    with any kind."""

    rows: list[dict[str, Any]]
    by_kind: dict[str, Counter[str]]
    """kind -> status -> findings, under the label and score filters."""


def select(conn: Connection, project: Project, cleaning_id: str, flt: ReviewFilter,
           status: str | None = None) -> Selection:
    """The run's findings (of ``status`` when given) that ``flt`` keeps, in review order
    (``findings.review_order``), with the counts per kind and status."""
    rows = [row for row in findings.in_review_order(conn, cleaning_id, status)
            if flt.keeps_score(row["score"])]
    if flt.label is not None:
        labels = labels_for(conn, sorted({row["record_id"] for row in rows}),
                            project.spec.labeling.policy)
        task = task_for(project)
        rows = [row for row in rows if flt.label in (
            span_types(row["details"]) or _current(task, labels.get(row["record_id"])))]
    by_kind: dict[str, Counter[str]] = {}
    for row in rows:
        by_kind.setdefault(row["kind"], Counter())[row["status"]] += 1
    kept = [row for row in rows if flt.kind is None or row["kind"] == flt.kind]
    return Selection(kept, by_kind)


def span_types(details: dict[str, Any]) -> set[str]:
    """The types of the spans a span finding names (given, suggested, or the one span of an
    inconsistent type); empty for a finding about a whole record."""
    return {shown["label"] for key in ("given", "suggested", "span")
            if isinstance(shown := details.get(key), dict) and "label" in shown}


def _current(task: Task, found: Any) -> set[str]:
    """The labels in a record's current answer: its label(s), or its spans' types."""
    if found is None:
        return set()
    counted = task.tally([found.label], [])
    return set(decode_labels(found.label)) | {name for name, n in counted.items() if n}


def _number(field: str, value: str | None) -> float | None:
    text = (value or "").strip()
    if not text:
        return None
    try:
        number = float(text)
    except ValueError:
        number = math.nan
    if not math.isfinite(number):
        raise InvalidInputError(f"{field} {text!r} is not a number",
                                hint=f"give {field} as a number such as 0.5, or leave it empty")
    return number
