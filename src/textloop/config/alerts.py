"""``alerts:``: rules that turn a stored monitoring report into a log line or a webhook."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from textloop.config.base import Strict

ALERT_CHECKS = ("status", "text_stats", "oov", "domain_classifier", "mmd", "label_psi",
                "band_psi", "label_chi_square", "band_chi_square", "label_jensen_shannon",
                "band_jensen_shannon", "confidence", "performance")


class AlertRule(Strict):
    """An alert rule: after ``textloop monitor`` stores a report, a check whose ``metric``
    compares with ``threshold`` by ``op`` fires a log line and, with ``webhook``, a JSON POST
    (docs/monitoring.md, "Alerts").

    ``check`` ``status`` is 1 when the report's status is drift, else 0 (``metric`` unused).
    ``slice``: which rows of the check (``all``, or a slice value such as ``length=<40``).
    ``window``: the fewest rows the check must have been computed on; smaller windows are
    too noisy to page anyone.
    """

    name: str = Field(min_length=1, max_length=100)
    check: Literal[ALERT_CHECKS]  # type: ignore[valid-type]
    metric: Literal["score", "p_value"] = "score"
    op: Literal[">", "<"] = ">"
    threshold: float
    window: int = Field(0, ge=0)
    slice: str = "all"
    webhook: str | None = Field(None, pattern=r"^https?://")
