"""Monitoring's reads and writes: windows of the prediction log, and monitor runs.

A window is the latest N logged predictions of one run, or those between two times, in time
order, each with the newest feedback label given for it. A monitor run (``m1``, ``m2``...)
is stored as one report row, one row per check (overall and per slice), and one row per
production row that drove an alert, so a page can plot a check over time and list the rows
behind any alert.
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, func, select

from textloop.errors import NotFoundError
from textloop.storage import jsoncol
from textloop.storage.dialect import next_number
from textloop.storage.predictions import decoded
from textloop.storage.schema import (
    monitor_alert_rows,
    monitor_checks,
    monitor_reports,
    prediction_feedback,
    predictions,
)

CHUNK = 500  # request ids per IN (...) list: well under every database's parameter limit


def window(conn: Connection, run_name: str | None, *, last: int | None = None,
           since: float | None = None, until: float | None = None) -> list[dict[str, Any]]:
    """Logged predictions of ``run_name`` (None: of every model), oldest first: the ``last``
    N, or those in ``[since, until)`` (either bound may be open), each with ``feedback`` (a
    label or None)."""
    query = select(predictions)
    if run_name is not None:
        query = query.where(predictions.c.run_name == run_name)
    if since is not None:
        query = query.where(predictions.c.created_at >= since)
    if until is not None:
        query = query.where(predictions.c.created_at < until)
    order = (predictions.c.created_at, predictions.c.request_id, predictions.c.idx)
    if last is not None:
        query = query.order_by(*(c.desc() for c in order)).limit(last)
    rows = [decoded(row) for row in conn.execute(query).mappings()]
    rows.sort(key=lambda r: (r["created_at"], r["request_id"], r["idx"]))
    return _with_feedback(conn, rows)


def traffic(conn: Connection, span: float) -> list[tuple[float, int, float]]:
    """(created_at, idx, latency_ms) of every logged prediction in the ``span`` seconds up to
    the newest one, oldest first: all a latency and volume plot needs, without the texts and
    probabilities of the rows. ``idx`` tells a request's first row: every row of a batch
    carries its request's latency, so latency percentiles should read each request once."""
    newest = select(func.max(predictions.c.created_at)).scalar_subquery()
    query = (select(predictions.c.created_at, predictions.c.idx, predictions.c.latency_ms)
             .where(predictions.c.created_at >= newest - span)
             .order_by(predictions.c.created_at))
    return [(float(at), int(idx), float(ms)) for at, idx, ms in conn.execute(query)]


def logged_rows(conn: Connection, keys: Sequence[tuple[str, int]]) -> list[dict[str, Any]]:
    """Logged predictions by (request id, index), in the order asked, each with
    ``feedback``; keys no longer in the log are left out. Read by request id in chunks, so
    an alert with hundreds of driving rows costs a few queries, not one per row."""
    wanted = list(dict.fromkeys(keys))
    by_key: dict[tuple[str, int], dict[str, Any]] = {}
    requests = sorted({request for request, _ in wanted})
    for start in range(0, len(requests), CHUNK):
        query = select(predictions).where(
            predictions.c.request_id.in_(requests[start:start + CHUNK]))
        for row in conn.execute(query).mappings():
            by_key[(row["request_id"], row["idx"])] = decoded(row)
    found = [by_key[key] for key in wanted if key in by_key]
    return _with_feedback(conn, found)


def _with_feedback(conn: Connection, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    labels = feedback_labels(conn, [(r["request_id"], r["idx"]) for r in rows])
    return [{**row, "feedback": labels.get((row["request_id"], row["idx"]))} for row in rows]


def feedback_labels(conn: Connection, keys: Sequence[tuple[str, int]]
                    ) -> dict[tuple[str, int], str]:
    """(request id, index) -> the newest feedback label, for the keys that have one."""
    wanted = set(keys)
    out: dict[tuple[str, int], str] = {}
    requests = sorted({request for request, _ in wanted})
    for start in range(0, len(requests), CHUNK):
        query = select(prediction_feedback.c.request_id, prediction_feedback.c.idx,
                       prediction_feedback.c.label).where(
            prediction_feedback.c.request_id.in_(requests[start:start + CHUNK])).order_by(
            prediction_feedback.c.id)
        for request, idx, label in conn.execute(query):
            if (request, idx) in wanted:
                out[(request, idx)] = label
    return out


REPORT_PREFIX = "mon"
"""Monitor reports are ``mon1``, ``mon2``: model versions are ``m1``, ``m2``, and a report
line reads "Monitor mon3: 500 predictions of m2". Stores written before kept ``m3``."""
_REPORT_REF = re.compile(r"m(?:on)?(\d+)")


def add_report(conn: Connection, *, model_version: int | None, run_name: str,
               release_id: str | None, window: tuple[float | None, float | None], n_rows: int,
               status: str, config: dict[str, Any], summary: dict[str, Any]) -> dict[str, Any]:
    """Catalog a monitor run in the caller's transaction; the number is taken inside it."""
    number = next_number(conn, monitor_reports.c.number)
    row = {"id": f"{REPORT_PREFIX}{number}", "number": number, "created_at": time.time(),
           "model_version": model_version, "run_name": run_name, "release_id": release_id,
           "window_start": window[0], "window_end": window[1], "n_rows": n_rows,
           "status": status, "config": jsoncol.dumps(config), "summary": jsoncol.dumps(summary)}
    conn.execute(monitor_reports.insert().values(**row))
    return row


def add_check(conn: Connection, report_id: str, check: dict[str, Any]) -> int:
    """One check's numbers (keys as in ``monitor_checks``; ``details`` a dict)."""
    fixed = check.get("fixed_drift")
    result = conn.execute(monitor_checks.insert().values(
        report_id=report_id, slice=check["slice"], name=check["name"],
        detector=check.get("detector"), status=check["status"], n_rows=check["n_rows"],
        score=check.get("score"), threshold=check.get("threshold"),
        p_value=check.get("p_value"), fixed_threshold=check.get("fixed_threshold"),
        fixed_drift=None if fixed is None else int(fixed),
        details=jsoncol.dumps(check.get("details") or {})))
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def add_alert_rows(conn: Connection, report_id: str, check_id: int,
                   rows: Sequence[dict[str, Any]]) -> None:
    """The production rows behind an alert, most driving first, with their neighbours."""
    if rows:
        conn.execute(monitor_alert_rows.insert(), [
            {"check_id": check_id, "report_id": report_id, "position": i,
             "request_id": row["request_id"], "idx": row["idx"],
             "neighbours": jsoncol.dumps(row.get("neighbours") or [])}
            for i, row in enumerate(rows)])


def set_report_path(conn: Connection, report_id: str, path: str) -> None:
    conn.execute(monitor_reports.update().where(monitor_reports.c.id == report_id)
                 .values(report_path=path))


def get_report(conn: Connection, ref: str = "latest") -> dict[str, Any]:
    """A monitor run by id (``mon3``; the ``m3`` of older stores too), or the newest."""
    query = select(monitor_reports)
    numbered = _REPORT_REF.fullmatch(ref)
    if ref == "latest":
        query = query.order_by(monitor_reports.c.number.desc()).limit(1)
    elif numbered is not None:
        query = query.where(monitor_reports.c.number == int(numbered.group(1)))
    else:
        query = query.where(monitor_reports.c.id == ref)
    row = conn.execute(query).mappings().first()
    if row is None:
        raise NotFoundError(f"no monitor report {ref!r}",
                            hint="run `textloop monitor` to create one")
    return {**row, "config": jsoncol.loads(row["config"]),
            "summary": jsoncol.loads(row["summary"])}


def checks(conn: Connection, report_id: str) -> list[dict[str, Any]]:
    query = select(monitor_checks).where(monitor_checks.c.report_id == report_id).order_by(
        monitor_checks.c.id)
    return [_check(row) for row in conn.execute(query).mappings()]


def check_history(conn: Connection, name: str, slice_key: str = "all") -> list[dict[str, Any]]:
    """One check over time (oldest run first), with each run's time: what a plot needs."""
    query = (select(monitor_checks, monitor_reports.c.created_at)
             .join(monitor_reports, monitor_reports.c.id == monitor_checks.c.report_id)
             .where(monitor_checks.c.name == name, monitor_checks.c.slice == slice_key)
             .order_by(monitor_reports.c.number))
    return [_check(row) for row in conn.execute(query).mappings()]


def alert_rows(conn: Connection, check_id: int) -> list[dict[str, Any]]:
    query = select(monitor_alert_rows).where(monitor_alert_rows.c.check_id == check_id).order_by(
        monitor_alert_rows.c.position)
    return [{**row, "neighbours": jsoncol.loads(row["neighbours"])}
            for row in conn.execute(query).mappings()]


def _check(row: Any) -> dict[str, Any]:
    out = {**row, "details": jsoncol.loads(row["details"])}
    if out["fixed_drift"] is not None:
        out["fixed_drift"] = bool(out["fixed_drift"])
    return out


def report_alert_rows(conn: Connection, report_id: str) -> list[dict[str, Any]]:
    """Every production row behind the report's alerts, with the check and slice that named
    it: most driving first within each check, checks in stored order."""
    query = (select(monitor_alert_rows.c.request_id, monitor_alert_rows.c.idx,
                    monitor_checks.c.name.label("check"), monitor_checks.c.slice)
             .join(monitor_checks, monitor_checks.c.id == monitor_alert_rows.c.check_id)
             .where(monitor_alert_rows.c.report_id == report_id)
             .order_by(monitor_checks.c.id, monitor_alert_rows.c.position))
    return [dict(row) for row in conn.execute(query).mappings()]
