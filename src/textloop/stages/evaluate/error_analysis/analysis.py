"""The error-analysis sections of an evaluation: slices, fairness and robustness probes."""

from __future__ import annotations

from typing import Any

from textloop.config import ProjectSpec
from textloop.progress import NULL_PROGRESS, Progress
from textloop.stages.evaluate.error_analysis.evaluated import EvaluatedSplit
from textloop.stages.evaluate.error_analysis.fairness import fairness_sections
from textloop.stages.evaluate.error_analysis.robustness import Scorer, probe_robustness
from textloop.stages.evaluate.error_analysis.slice_metrics import slice_metrics


def analyze_errors(spec: ProjectSpec, split: EvaluatedSplit, *, score: Scorer | None,
                   progress: Progress = NULL_PROGRESS) -> dict[str, Any]:
    """``slices``, ``fairness`` and ``robustness`` for metrics.json; ``robustness`` is None
    when ``score`` is None (probes skipped)."""
    robustness = None if score is None else probe_robustness(
        split, score, spec.goal.metric, progress=progress)
    return {"slices": slice_metrics(spec.slices, split),
            "fairness": fairness_sections(spec.fairness, split),
            "robustness": robustness}
