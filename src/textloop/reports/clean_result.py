"""What ``textloop clean`` found: findings per record and the summaries a report shows.

Plain data with no store behind it, so it lives below the stages: ``stages/clean`` builds it
and ``reports/cleaning`` renders it (``textloop.stages.clean.result`` re-exports it), and a
report never has to import a stage.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

KINDS = ("label_issue", "missing_span", "spurious_span", "wrong_type", "wrong_boundary",
         "inconsistent_type", "conflict", "duplicate", "outlier", "empty", "garbage",
         "overlong", "pii", "leakage")


@dataclass(frozen=True)
class Finding:
    """One flagged record; ``details`` is JSON-ready (the review queue reads it)."""

    record_id: str
    kind: str
    score: float | None
    details: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {"record_id": self.record_id, "kind": self.kind, "score": self.score,
                "details": self.details}


@dataclass
class LabelSummary:
    """Label issues: flagged ids by the chosen method and by cleanlab's defaults."""

    method: str
    models: list[str]
    flagged: list[str]
    baseline_flagged: list[str]
    per_class: dict[str, dict[str, Any]]
    quality: list[float]
    """Label quality of every record, in record order (for the report's histogram)."""
    is_flagged: list[bool]
    """Whether the method flags each record, in record order."""
    details: dict[str, Any] = field(default_factory=dict)
    """What else the task's method reports (span projects: ``unit: spans``, findings per
    kind, flagged tokens, per-annotator disagreement rates)."""
    ranked: list[Finding] = field(default_factory=list)
    """Candidates the method ranked but did not flag (span projects: the model's other
    disagreements), most suspicious first: in ``findings.json``, never in the review queue."""

    @property
    def error_rate(self) -> float:
        total = sum(v["n"] for v in self.per_class.values())
        return len(self.flagged) / total if total else 0.0


@dataclass
class CleanResult:
    cleaning_id: str
    n_records: int
    classes: list[str]
    config: dict[str, Any]
    labels: LabelSummary
    clusters: list[dict[str, Any]]
    duplicate_counts: dict[str, int]
    outliers: dict[str, Any]
    text_problems: dict[str, int]
    pii: dict[str, Any]
    leakage: dict[str, Any]
    findings: list[Finding]
    warnings: list[str] = field(default_factory=list)
    report_html: Path | None = None
    report_json: Path | None = None
    redacted_release: str | None = None
    carried: int = 0
    """Findings closed on arrival by earlier review decisions (``stages/review/carry.py``)."""

    def counts(self) -> dict[str, int]:
        """Findings per kind, every kind listed."""
        out = dict.fromkeys(KINDS, 0)
        for finding in self.findings:
            out[finding.kind] += 1
        return out

    def summary(self) -> dict[str, Any]:
        """The numbers a person reads first; stored with the run and printed by the CLI."""
        conflicts = [c for c in self.clusters if len(c["labels"]) > 1]
        return {
            "records": self.n_records, "classes": self.classes, "findings": self.counts(),
            "label_issues": {"method": self.labels.method, "flagged": len(self.labels.flagged),
                             "baseline_flagged": len(self.labels.baseline_flagged),
                             "estimated_error_rate": self.labels.error_rate,
                             "per_class": self.labels.per_class, **self.labels.details},
            "duplicates": {**self.duplicate_counts, "clusters": len(self.clusters),
                           "conflicting_clusters": len(conflicts)},
            "outliers": {k: v for k, v in self.outliers.items() if k != "distance"},
            "text_problems": self.text_problems,
            "pii": self.pii,
            "leakage": {k: v for k, v in self.leakage.items() if k != "pairs"},
            "warnings": self.warnings,
            "carried_decisions": self.carried,
        }

    def to_dict(self) -> dict[str, Any]:
        """Everything, JSON-ready: the report's ``findings.json``."""
        return {"cleaning_id": self.cleaning_id, "config": self.config,
                "summary": self.summary(), "clusters": self.clusters,
                "leakage_pairs": self.leakage.get("pairs", []),
                "findings": [f.to_dict() for f in self.findings],
                "ranked_not_flagged": [f.to_dict() for f in self.labels.ranked],
                "redacted_release": self.redacted_release}
