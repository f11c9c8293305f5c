"""``textloop runs``: every run side by side (params, metrics, release, duration, status).

Training, cross-validation and search runs share the catalog, so they compare in one table.
Params show what a run changed from its model's defaults (the full set stays in ``--json``),
and metric columns are the goal's metric as cross-validated (``cv/``, mean ± std), on
validation (``val/``) and on test (``test/``, after ``textloop evaluate``), each column only
when some run has it. ``--json`` has every param and metric.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from textloop.errors import InvalidInputError, NotFoundError
from textloop.models import classifiers  # noqa: F401  (registers the models whose defaults show)
from textloop.registry import REGISTRY
from textloop.storage import Store, runs

SOURCES = ("cv", "val", "test")
"""Where a bare metric name is looked up, in this order, when sorting."""
BOOKKEEPING = frozenset({"release", "n_train", "n_rows", "best_trial", "trials", "final_run"})
LOWER_IS_BETTER = ("loss", "ece", "brier_score")


@dataclass
class RunRow:
    name: str
    kind: str
    model: str
    release: str | None
    status: str
    duration: float | None
    params: dict[str, Any] = field(default_factory=dict)
    changed: dict[str, Any] = field(default_factory=dict)
    """Params that differ from the model's defaults (what the table shows)."""
    metrics: dict[str, float] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"run": self.name, "kind": self.kind, "model": self.model,
                "release": self.release, "status": self.status, "duration_s": self.duration,
                "params": self.params, "metrics": self.metrics}


def run_rows(store: Store, *, release: str | None = None, sort: str | None = None
             ) -> list[RunRow]:
    """Runs in run order, or best first by ``sort`` (runs without that metric last)."""
    with store.read() as conn:
        rows = [_row(run) for run in runs.list_all(conn)]
    if release is not None:
        rows = [r for r in rows if r.release == release]
    return sort_rows(rows, sort) if sort else rows


def metric_columns(rows: Sequence[RunRow], goal_metric: str) -> list[str]:
    """``cv/``, ``val/`` and ``test/`` of the goal metric, those that some run has."""
    wanted = [f"{source}/{goal_metric}" for source in SOURCES]
    return [key for key in wanted if any(key in r.metrics for r in rows)]


def sort_rows(rows: list[RunRow], key: str) -> list[RunRow]:
    """Best first: descending for scores, ascending for losses, missing values last."""
    if key == "duration":
        return sorted(rows, key=lambda r: (r.duration is None, r.duration or 0.0))
    if not any(sort_value(r, key) is not None for r in rows):
        raise InvalidInputError(f"no run has a metric {key!r}",
                                hint="sort by a metric in the table, e.g. --sort val/macro_f1")
    sign = 1.0 if key.endswith(LOWER_IS_BETTER) else -1.0

    def order(row: RunRow) -> tuple[bool, float]:
        value = sort_value(row, key)
        return value is None, sign * (value or 0.0)

    return sorted(rows, key=order)


def sort_value(row: RunRow, key: str) -> float | None:
    """``val/macro_f1`` as is; a bare ``macro_f1`` is the run's cv/, else val/, else test/."""
    if "/" in key:
        return row.metrics.get(key)
    return next((row.metrics[f"{s}/{key}"] for s in SOURCES if f"{s}/{key}" in row.metrics),
                None)


def _row(run: dict[str, Any]) -> RunRow:
    ended = run.get("end_time")
    duration = None if ended is None else float(ended) - float(run["start_time"])
    short = run["model"].split(".")[2] if run["model"].count(".") >= 3 else run["model"]
    params = run["params"]
    return RunRow(name=run["name"], kind=run["config"].get("kind", "train"), model=short,
                  release=run["release_id"], status=run["status"], duration=duration,
                  params=params, changed=_changed(run["model"], params),
                  metrics={k: v for k, v in run["metrics"].items()
                           if not k.startswith(("fold/", "trial/"))})


def _changed(model: str, params: dict[str, Any]) -> dict[str, Any]:
    try:
        defaults = REGISTRY.resolve("model", model)[1]().get_params()
    except (NotFoundError, TypeError):
        defaults = {}
    return {k: v for k, v in params.items()
            if k not in BOOKKEEPING and (k not in defaults or defaults[k] != v)}
