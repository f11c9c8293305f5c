"""Training runs with MLflow-compatible names: params, metrics with steps, status, bundle."""

from __future__ import annotations

import math
import time
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, select

from textloop.errors import NotFoundError
from textloop.processes import Owner, current_owner
from textloop.storage import jsoncol
from textloop.storage.dialect import next_number
from textloop.storage.schema import run_metrics, run_params, runs

RUNNING = "running"
FINISHED = "finished"
FAILED = "failed"
INTERRUPTED = "failed (interrupted)"
"""A run whose process died (killed, machine rebooted) before it could finish."""
STATUSES = (RUNNING, FINISHED, FAILED, INTERRUPTED)
"""The one vocabulary of run statuses, in the CLI, the JSON output and the store."""
_LEGACY = {"RUNNING": RUNNING, "FINISHED": FINISHED, "FAILED": FAILED}
"""Stored before schema v12; the migration rewrites them, reading maps any left over."""


def status_word(stored: str) -> str:
    """The vocabulary word of a stored status (old upper-case values included)."""
    return _LEGACY.get(stored, stored)


def create(conn: Connection, *, model: str, short_name: str, release_id: str | None,
           config: Mapping[str, Any]) -> dict[str, Any]:
    """Open a running run named ``<short_name>-<n>`` owned by this process; returns its row."""
    number = next_number(conn, runs.c.number)
    owner = current_owner()
    row = {"id": uuid.uuid4().hex, "number": number, "name": f"{short_name}-{number}",
           "release_id": release_id, "model": model, "status": RUNNING,
           "start_time": time.time(), "config": jsoncol.dumps(dict(config)),
           "owner_pid": owner.pid, "owner_host": owner.host, "owner_started": owner.started}
    conn.execute(runs.insert().values(**row))
    return row


def running(conn: Connection) -> list[dict[str, Any]]:
    """Runs still marked running: name, id, and their owner (None for runs from before v12)."""
    query = select(runs.c.id, runs.c.name, runs.c.owner_pid, runs.c.owner_host,
                   runs.c.owner_started).where(runs.c.status.in_([RUNNING, "RUNNING"]))
    return [{"id": r.id, "name": r.name,
             "owner": None if r.owner_pid is None else Owner(int(r.owner_pid),
                                                             r.owner_host or "",
                                                             r.owner_started)}
            for r in conn.execute(query)]


def mark_interrupted(conn: Connection, run_id: str) -> bool:
    """``failed (interrupted)``, only if the run is still running; True when it changed."""
    done = conn.execute(runs.update().where(runs.c.id == run_id,
                                            runs.c.status.in_([RUNNING, "RUNNING"]))
                        .values(status=INTERRUPTED, end_time=time.time()))
    return bool(done.rowcount)


def log_params(conn: Connection, run_id: str, params: Mapping[str, Any]) -> None:
    if params:
        conn.execute(run_params.insert(), [
            {"run_id": run_id, "key": k, "value": jsoncol.dumps(v)} for k, v in params.items()])


def log_metrics(conn: Connection, run_id: str, metrics: Mapping[str, float], step: int = 0) -> None:
    now = time.time()
    if metrics:
        conn.execute(run_metrics.insert(), [
            {"run_id": run_id, "key": k, "value": float(v), "step": step, "timestamp": now}
            for k, v in metrics.items()])


def log_history(conn: Connection, run_id: str, history: Sequence[Mapping[str, float]]) -> None:
    """Per-epoch metrics with ``step`` = epoch (rows carry an ``epoch`` key, 1-based).

    NaN and infinite values are left out: SQLite stores NaN as NULL, which the column
    refuses. The run's training verdict still names the epoch where a loss blew up.
    """
    for row in history:
        log_metrics(conn, run_id, {k: v for k, v in row.items()
                                   if k != "epoch" and math.isfinite(v)},
                    step=int(row["epoch"]))


def metric_history(conn: Connection, run_id: str) -> dict[str, list[tuple[int, float]]]:
    """Every logged value of each metric as (step, value), in step order."""
    rows = conn.execute(select(run_metrics.c.key, run_metrics.c.step, run_metrics.c.value).where(
        run_metrics.c.run_id == run_id).order_by(run_metrics.c.step, run_metrics.c.id))
    out: dict[str, list[tuple[int, float]]] = {}
    for key, step, value in rows:
        out.setdefault(key, []).append((int(step), float(value)))
    return out


def metric_log(conn: Connection, run_id: str) -> list[dict[str, Any]]:
    """Every logged metric value with its key, step and timestamp, in the order logged.

    An export to another tracker needs the timestamps too, which ``metric_history`` drops.
    """
    rows = conn.execute(select(run_metrics.c.key, run_metrics.c.value, run_metrics.c.step,
                               run_metrics.c.timestamp).where(run_metrics.c.run_id == run_id)
                        .order_by(run_metrics.c.id)).mappings()
    return [dict(row) for row in rows]


def finish(conn: Connection, run_id: str, status: str, bundle_path: str | None = None,
           bundle_sha256: str | None = None) -> None:
    conn.execute(runs.update().where(runs.c.id == run_id).values(
        status=status, end_time=time.time(), bundle_path=bundle_path, bundle_sha256=bundle_sha256))


def get(conn: Connection, ref: str) -> dict[str, Any]:
    """A run by name (``tfidf-lr-2``), number, id, unique id prefix, or ``latest`` (the
    newest finished run with a model: cross-validation and search runs have none)."""
    row = _find(conn, ref)
    if row is None:
        known = ", ".join(r["name"] for r in list_all(conn)[-5:]) or "none yet"
        raise NotFoundError(f"no run {ref!r} (recent runs: {known})",
                            hint="list runs with `textloop status`; train with `textloop train`")
    return _with_details(conn, dict(row))


def _find(conn: Connection, ref: str) -> Any:
    if ref == "latest":
        query = select(runs).where(runs.c.status.in_([FINISHED, "FINISHED"]),
                                   runs.c.bundle_path.is_not(None)).order_by(runs.c.number.desc())
        return conn.execute(query.limit(1)).mappings().first()
    for cond in (runs.c.name == ref, runs.c.id == ref):
        row = conn.execute(select(runs).where(cond)).mappings().first()
        if row is not None:
            return row
    if ref.isdigit():
        row = conn.execute(select(runs).where(runs.c.number == int(ref))).mappings().first()
        if row is not None:
            return row
    if len(ref) >= 6:
        found = conn.execute(select(runs).where(runs.c.id.startswith(ref))).mappings().all()
        return found[0] if len(found) == 1 else None
    return None


def list_all(conn: Connection) -> list[dict[str, Any]]:
    rows = conn.execute(select(runs).order_by(runs.c.number)).mappings().all()
    return [_with_details(conn, dict(row)) for row in rows]


def _with_details(conn: Connection, row: dict[str, Any]) -> dict[str, Any]:
    """Attach params and the latest value of each metric (highest step, then newest)."""
    row["config"] = jsoncol.loads(row["config"])
    row["status"] = status_word(row["status"])
    params = conn.execute(select(run_params.c.key, run_params.c.value).where(
        run_params.c.run_id == row["id"]))
    row["params"] = {k: jsoncol.loads(v) for k, v in params}
    metrics = conn.execute(select(run_metrics.c.key, run_metrics.c.value).where(
        run_metrics.c.run_id == row["id"]).order_by(run_metrics.c.step, run_metrics.c.id))
    row["metrics"] = dict(metrics.all())
    return row
