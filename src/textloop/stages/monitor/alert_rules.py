"""Alert rules (``alerts:`` in textloop.yaml) applied to a stored monitor report.

A monitor report holds numbers; a rule says which of them should wake someone. Rules are
read from the store, not from the run in memory, so the same function can re-fire the rules
on any stored report. Each match writes one line to the ``textloop.alerts`` logger (where
the team's log shipping picks it up) and, when the rule has a webhook, POSTs a JSON payload
naming the rule, the check, the value, the threshold, the report and the production rows
that drove the check, so the receiver can link straight to them.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from textloop.config import AlertRule, Project
from textloop.stages.monitor.sides import DRIFT
from textloop.stages.monitor.webhook import BACKOFF, Delivery, post_json
from textloop.storage import Store, monitoring

log = logging.getLogger("textloop.alerts")
STATUS = "status"


@dataclass
class Firing:
    rule: AlertRule
    payload: dict[str, Any]
    delivery: Delivery | None = None
    """The webhook's outcome (None: the rule has no webhook)."""

    @property
    def summary(self) -> str:
        p = self.payload
        where = "" if p["slice"] == "all" else f" [{p['slice']}]"
        return (f"alert {p['rule']!r}: {p['check']}{where} {p['metric']} {p['value']:.4g} "
                f"{p['op']} {p['threshold']:g} (report {p['report_id']}, "
                f"{len(p['rows'])} driving rows)")

    def to_dict(self) -> dict[str, Any]:
        delivery = None if self.delivery is None else vars(self.delivery)
        return {**self.payload, "webhook": delivery}


def fire_alerts(store: Store, project: Project, report_id: str, *,
                backoff: Sequence[float] = BACKOFF) -> list[Firing]:
    """Apply every rule to the stored report; log and deliver each match."""
    if not project.spec.alerts:
        return []
    with store.read() as conn:
        report = monitoring.get_report(conn, report_id)
        checks = monitoring.checks(conn, report_id)
        rows = monitoring.report_alert_rows(conn, report_id)
    firings = [Firing(rule, payload) for rule in project.spec.alerts
               for payload in matches(rule, report, checks, rows)]
    for firing in firings:
        log.warning(firing.summary)
        if firing.rule.webhook:
            firing.delivery = post_json(firing.rule.webhook, firing.payload, backoff=backoff)
            if not firing.delivery.delivered:
                log.error("alert %r: webhook %s failed after %d tries: %s", firing.rule.name,
                          firing.rule.webhook, firing.delivery.tries, firing.delivery.error)
    return firings


def matches(rule: AlertRule, report: dict[str, Any], checks: Sequence[dict[str, Any]],
            rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The payloads of the rule's matches in one report (none, one, or one per check)."""
    if rule.check == STATUS:
        value = 1.0 if report["status"] == DRIFT else 0.0
        return ([_payload(rule, report, STATUS, rule.slice, value, rows)]
                if report["n_rows"] >= rule.window and _holds(rule, value) else [])
    out = []
    for check in checks:
        value = check[rule.metric]
        if (check["name"] != rule.check or check["slice"] != rule.slice or value is None
                or check["n_rows"] < rule.window or not _holds(rule, value)):
            continue
        driving = [r for r in rows if (r["check"], r["slice"]) == (check["name"], check["slice"])]
        out.append(_payload(rule, report, check["name"], check["slice"], value, driving))
    return out


def _holds(rule: AlertRule, value: float) -> bool:
    return value > rule.threshold if rule.op == ">" else value < rule.threshold


def _payload(rule: AlertRule, report: dict[str, Any], check: str, slice_key: str,
             value: float, rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    metric = STATUS if check == STATUS else rule.metric
    return {"rule": rule.name, "check": check, "slice": slice_key, "metric": metric,
            "value": float(value), "op": rule.op, "threshold": rule.threshold,
            "report_id": report["id"], "status": report["status"],
            "model_version": report["model_version"], "run_name": report["run_name"],
            "window_rows": report["n_rows"], "created_at": report["created_at"],
            "rows": [{"request_id": r["request_id"], "idx": r["idx"]} for r in rows]}
