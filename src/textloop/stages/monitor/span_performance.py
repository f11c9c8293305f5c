"""Realized entity F1: what feedback says of the spans a span model served.

``POST /v1/feedback`` takes the corrected spans of a logged request (every true span of the
text). For the window's rows with feedback, the served spans are scored against the
corrected ones with the evaluation's strict entity measure (``measures.span_metrics``: same
start, end and type), pooled over the rows (micro). The score is the largest shortfall:
below the goal target (``goal:`` in textloop.yaml, when it names ``entity_micro_f1``) or
below the served run's test score (``test/entity_micro_f1``, else its validation score),
and more than ``monitoring.max_performance_drop`` is an alert. There is no label-free
estimate for spans (span scores are not calibrated probabilities), so with fewer than
``monitoring.min_rows`` rows of feedback the realized numbers are shown and nothing is
decided. The driving rows are the rows whose served spans differ from the feedback, most
differing spans first.
"""

from __future__ import annotations

from typing import Any

from textloop.config import MonitoringSettings
from textloop.measures.span_metrics import span_metrics
from textloop.spans import Span, decode_spans
from textloop.stages.monitor.sides import DRIFT, NOT_ENOUGH, OK, Check, Comparison, shortfall
from textloop.strategies.drift import DriftResult
from textloop.tasks.spans import ENTITY_F1

METRIC = "entity_micro_f1"


def entity_f1_check(comparison: Comparison, settings: MonitoringSettings) -> Check:
    """Strict entity micro-F1 of the served spans against feedback, against what the run
    should reach (``comparison.expected``)."""
    cur = comparison.current
    labeled = [i for i, truth in enumerate(cur.truth) if truth is not None]
    reason = shortfall(comparison, settings)
    if not reason and (cur.spans is None or cur.texts is None):
        reason = "the prediction log keeps no spans or no texts to score"
    if not reason and not labeled:
        reason = "no feedback with corrected spans in the window (POST /v1/feedback)"
    if reason:
        return Check(ENTITY_F1, "performance", comparison.slice, NOT_ENOUGH, len(cur),
                     reason=reason)
    assert cur.spans is not None and cur.texts is not None
    gold = {str(i): decode_spans(str(cur.truth[i])) for i in labeled}
    served = {str(i): [Span(h.start, h.end, h.label) for h in cur.spans[i]] for i in labeled}
    found = span_metrics(gold, served, {str(i): cur.texts[i] for i in labeled},
                         labels=comparison.labels)
    realized = {"entity_micro_f1": found["entity_micro_f1"],
                "entity_micro_precision": found["entity_micro_precision"],
                "entity_micro_recall": found["entity_micro_recall"], "rows": len(labeled),
                "n_gold": found["n_gold"], "n_predicted": found["n_predicted"],
                "n_correct": found["n_correct"], "per_type": found["per_type"]}
    expected = dict(comparison.expected)
    gaps = {name: value - realized[METRIC] for name, value in expected.items()}
    score = max(gaps.values(), default=0.0)
    details: dict[str, Any] = {"realized": realized, "expected": expected, "shortfall": gaps,
                               "tolerance": settings.max_performance_drop}
    enough = len(labeled) >= settings.min_rows
    drift = enough and score > settings.max_performance_drop
    result = DriftResult(detector="entity-f1", score=score,
                         threshold=settings.max_performance_drop, p_value=None, drift=drift,
                         rows=_disputed(gold, served)[: settings.alert_rows], details=details,
                         method="realized from feedback")
    if not enough:
        return Check(ENTITY_F1, "performance", comparison.slice, NOT_ENOUGH, len(cur), result,
                     reason=f"{len(labeled)} rows with feedback (monitoring.min_rows is "
                            f"{settings.min_rows}): realized F1 shown, not decided")
    return Check(ENTITY_F1, "performance", comparison.slice, DRIFT if drift else OK, len(cur),
                 result)


def _disputed(gold: dict[str, list[Span]], served: dict[str, list[Span]]) -> list[int]:
    """Rows whose served spans differ from the feedback, most differing spans first."""
    differing = {int(key): len(set(gold[key]) ^ set(served[key])) for key in gold}
    return sorted((row for row, n in differing.items() if n),
                  key=lambda row: (-differing[row], row))
