"""What ``textloop evaluate`` returns, and the per-task evaluation it dispatches to.

``evaluate_split`` is a ``functools.singledispatch`` over the project's ``Task``: each task
registers how its split is scored and reported (``classification.py``, ``regression.py``),
so ``evaluate_run`` never branches on the task's name and a new task registers its own.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import singledispatch
from pathlib import Path
from typing import Any

from textloop import __version__
from textloop.config import Project
from textloop.errors import ConfigError
from textloop.progress import Progress
from textloop.storage import Store
from textloop.tasks import Task


@dataclass
class EvaluationResult:
    run_name: str
    split: str
    metrics: dict[str, Any]
    report_html: Path
    metrics_json: Path
    goal_met: bool | None
    model_card: Path | None = None

    @property
    def report_path(self) -> Path:
        """The HTML report (``report_html``), under the name the public API documents."""
        return self.report_html

    def to_dict(self) -> dict[str, Any]:
        """What ``textloop evaluate --json`` prints: the metrics and where the files are."""
        return {"run_name": self.run_name, "split": self.split, "goal_met": self.goal_met,
                "metrics": self.metrics, "report_html": str(self.report_html),
                "metrics_json": str(self.metrics_json),
                "model_card": None if self.model_card is None else str(self.model_card)}


@dataclass(frozen=True)
class EvaluateOptions:
    compare_embedders: bool = False
    probes: bool = True


def record_evaluation(store: Store, project: Project, run: dict[str, Any], split: str,
                      metrics: dict[str, Any], logged: tuple[str, ...], report: Path,
                      metrics_json: Path, rows: int) -> EvaluationResult:
    """What every task's evaluation ends with: log the ``logged`` metrics under ``SPLIT/``,
    with ``SPLIT/rows``, the number of rows scored (so `textloop runs --json` shows whether
    two runs were scored on test sets of one size, as a test split pinned at import keeps
    them), write the model card, and say whether the goal is met in its metric's
    direction."""
    from textloop.stages.evaluate.model_card import write_model_card
    from textloop.storage import runs

    with store.write() as conn:
        runs.log_metrics(conn, run["id"], {**{f"{split}/{k}": metrics[k] for k in logged
                                              if metrics.get(k) is not None},
                                           f"{split}/rows": float(rows)})
    card = write_model_card(store, project, run, split, metrics)
    achieved = metrics.get(project.spec.goal.metric)
    goal_met = None if achieved is None else project.spec.goal.met(achieved)
    return EvaluationResult(run["name"], split, metrics, report, metrics_json, goal_met, card)


@singledispatch
def evaluate_split(task: Task, store: Store, project: Project, run_ref: str, split: str,
                   options: EvaluateOptions, progress: Progress) -> EvaluationResult:
    """Score ``split`` with the run's model and write the report, as ``task`` defines."""
    raise ConfigError(f"textloop evaluate has no evaluation for {task.name} projects")


def report_context(run: dict[str, Any], release_id: str, split: str, goal: dict[str, Any]
             ) -> dict[str, Any]:
    return {"run": run["name"], "run_id": run["id"], "model": run["model"],
            "release": release_id, "split": split, "goal": goal,
            "created": time.strftime("%Y-%m-%d %H:%M:%S"), "textloop_version": __version__}
