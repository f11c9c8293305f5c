"""``textloop runs``: every run side by side (params, metrics, release, duration, status).

Training, cross-validation and search runs share the catalog, so they compare in one table.
Params show what a run changed from its model's defaults (the full set stays in ``--json``),
and metric columns are the goal's metric as cross-validated (``cv/``, mean ± std), on
validation (``val/``) and on test (``test/``, after ``textloop evaluate``), each column only
when some run has it. ``--json`` has every param and metric.

Each run is scored on the splits of its own release, so one score column can hold numbers
measured on different test sets. The release stands beside the scores, and
``mixed_releases_note`` says so in words when a table holds more than one, unless their
test splits hold the same rows (a test split pinned at import, ``textloop import --split
test``): then it says the test scores compare.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection

from textloop.errors import InvalidInputError, NotFoundError
from textloop.registry import REGISTRY
from textloop.storage import Store, releases, runs

SOURCES = ("cv", "val", "test")
"""Where a bare metric name is looked up, in this order, when sorting."""
BOOKKEEPING = frozenset({"release", "n_train", "n_rows", "best_trial", "trials", "final_run",
                         "calibration", "calibration_choice"})
"""Params that are not the model's hyper-parameters: what the run was fitted on, and the
calibrator training kept with its reason (a sentence that would wrap over a dozen lines of
the table; `textloop train` prints it and the evaluation report shows it)."""
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

    to_dict = to_json  # the name every typed result of the public API answers to


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


def mixed_releases_note(release_ids: Iterable[str | None], *, compare: str,
                        same_test_rows: int | None = None) -> str | None:
    """A sentence when scores in one column come from more than one release, else None.

    ``compare`` ends the sentence with what to do (e.g. "filter with --release v3").
    ``same_test_rows``: the releases' test splits hold these same rows (``shared_test_rows``),
    so their ``test/`` scores compare while the others still do not.
    """
    found = sorted({r for r in release_ids if r}, key=_release_order)
    if len(found) < 2:
        return None
    named = f"scores come from {len(found)} releases ({', '.join(found)})"
    if same_test_rows:
        return (f"{named}: their test splits hold the same {same_test_rows:,} rows (pinned at "
                "import), so test/ scores compare across them; cv/ and val/ scores are "
                f"measured on each release's own splits; {compare}")
    return (f"{named}: each is measured on its own release's splits, so numbers of different "
            f"releases are not comparable; {compare}")


def shared_test_rows(conn: Connection, release_ids: Iterable[str | None]) -> int | None:
    """How many test rows two or more releases share when their test splits hold exactly
    the same records (as a test split pinned at import keeps them), else None."""
    found = sorted({r for r in release_ids if r})
    if len(found) < 2:
        return None
    first = releases.split_ids(conn, found[0], "test")
    if not first or any(releases.split_ids(conn, other, "test") != first
                        for other in found[1:]):
        return None
    return len(first)


def runs_note(rows: Sequence[RunRow], store: Store | None = None) -> str | None:
    """``mixed_releases_note`` for the scored rows of ``textloop runs``; with ``store``, it
    says whether their releases share one test split."""
    scored = [r.release for r in rows if any(k.startswith(tuple(f"{s}/" for s in SOURCES))
                                             for k in r.metrics)]
    newest = max((r for r in scored if r), key=_release_order, default=None)
    same = None
    if store is not None and len({r for r in scored if r}) > 1:
        with store.read() as conn:
            same = shared_test_rows(conn, scored)
    return mixed_releases_note(scored, compare=f"compare runs of one release (--release "
                                               f"{newest})", same_test_rows=same)


def _release_order(release_id: str) -> tuple[int, str]:
    """``v2`` before ``v10``: by number where the id has one."""
    digits = release_id[1:]
    return (int(digits) if digits.isdigit() else -1, release_id)


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
    # registers the models whose defaults show; here, so the notes above import nothing heavy
    from textloop.models import classifiers  # noqa: F401

    try:
        defaults = REGISTRY.resolve("model", model)[1]().get_params()
    except (NotFoundError, TypeError):
        defaults = {}
    return {k: v for k, v in params.items()
            if k not in BOOKKEEPING and (k not in defaults or defaults[k] != v)}
