"""``textloop evaluate``: score a run on a release split, with error analysis, calibration and
a report.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textloop.lazy import lazy_front

if TYPE_CHECKING:  # re-exported names, for type checkers
    from textloop.stages.evaluate.calibration_report import bundle_actions as bundle_actions
    from textloop.stages.evaluate.evaluation import evaluate_run as evaluate_run
    from textloop.stages.evaluate.model_card import write_model_card as write_model_card
    from textloop.stages.evaluate.result import EvaluationResult as EvaluationResult

__all__, __getattr__ = lazy_front(__name__, {
    "evaluation": ("evaluate_run",), "result": ("EvaluationResult",),
    "model_card": ("write_model_card",),
    "calibration_report": ("bundle_actions",),
})
