"""Fit an iterative model under early stopping and judge its curves.

The train stage calls ``fit_monitored`` for models that train epoch by epoch (they carry
``iterative = True``); what it returns is stored with the run, printed by ``textloop train``
and drawn in the evaluation report.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from textloop.config import Goal as GoalSettings
from textloop.config import TrainingSettings
from textloop.models.tags import model_tags
from textloop.progress import NULL_PROGRESS, Progress
from textloop.stages.train.monitoring.early_stopping import EarlyStopping, History
from textloop.stages.train.monitoring.verdict import Goal, Verdict, judge


@dataclass
class MonitoredFit:
    """The per-epoch history and what early stopping and the verdict made of it."""

    history: History
    monitor: str
    best_epoch: int | None
    restored_epoch: int | None
    stopped_early: bool
    verdict: Verdict

    @property
    def epochs_run(self) -> int:
        return len(self.history)

    def to_json(self) -> dict[str, Any]:
        """Plain JSON (for the bundle and reports); NaN/inf losses become strings."""
        return {"history": [{k: _json_number(v) for k, v in row.items()} for row in self.history],
                "monitor": self.monitor, "best_epoch": self.best_epoch,
                "restored_epoch": self.restored_epoch, "stopped_early": self.stopped_early,
                "epochs_run": self.epochs_run,
                "verdict": {**asdict(self.verdict), "sentence": self.verdict.sentence}}


def fit_monitored(estimator: Any, x_train: Any, y_train: Sequence[str],
                  validation: tuple[Any, Sequence[str]] | None, settings: TrainingSettings,
                  goal: GoalSettings, progress: Progress = NULL_PROGRESS) -> MonitoredFit:
    """Train with early stopping, restore the best epoch if asked, and judge the curves."""
    stopper = EarlyStopping(monitor=settings.monitor, mode=settings.mode,
                            patience=settings.patience, min_delta=settings.min_delta,
                            restore_best=settings.restore_best)
    total = int(estimator.epochs)
    with progress.task(f"Training up to {total} epochs on {len(y_train):,} rows",
                       total=total) as task:

        def on_epoch(epoch: int, metrics: dict[str, float], model: Any) -> bool:
            task.advance()
            return stopper.on_epoch(epoch, metrics, model)

        inner = {"progress": progress} if model_tags(estimator).reports_progress else {}
        estimator.fit(x_train, y_train, validation=validation, on_epoch=on_epoch, **inner)
    restored = stopper.finish(estimator)
    verdict = judge(stopper.history, goal=Goal(goal.metric, goal.target,
                                                 goal.higher_is_better), restored_epoch=restored)
    return MonitoredFit(stopper.history, stopper.monitored, stopper.best_epoch, restored,
                        stopper.stopped_early, verdict)


def _json_number(value: float) -> float | str:
    return value if value == value and abs(value) != float("inf") else str(value)
