"""Monitor reports written straight to the store, for code that reads stored reports (alert
rules, suggestions from production) without running the checks."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from textloop.storage import Store, monitoring


def stored_report(store: Store, checks: Sequence[dict[str, Any]], *, status: str = "drift",
                  n_rows: int = 200) -> str:
    """Store a report with ``checks`` (``monitor_checks`` keys; ``rows``: the request ids of
    the driving rows, index 0); returns the report id."""
    with store.write() as conn:
        report = monitoring.add_report(conn, model_version=None, run_name="tfidf-lr-1",
                                       release_id=None, window=(None, None), n_rows=n_rows,
                                       status=status, config={}, summary={})
        for check in checks:
            check_id = monitoring.add_check(conn, report["id"], {
                "slice": "all", "n_rows": n_rows, "status": "drift", **check})
            monitoring.add_alert_rows(conn, report["id"], check_id,
                                      [{"request_id": r, "idx": 0} for r in check.get("rows", [])])
    return report["id"]
