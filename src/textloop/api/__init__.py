"""The public Python API: open or create a project and run the loop's verbs on it.

``textloop`` re-exports these names (``import textloop; textloop.open_project()``); see
docs/api.md. The front is lazy (``textloop.lazy``), so importing it loads nothing heavy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textloop.lazy import lazy_front

if TYPE_CHECKING:  # re-exported names, for type checkers
    from textloop.api.project import Project as Project
    from textloop.api.project import init_project as init_project
    from textloop.api.project import open_project as open_project
    from textloop.api.results import ModelVersion as ModelVersion
    from textloop.api.results import Predictions as Predictions
    from textloop.api.results import Rollback as Rollback
    from textloop.api.results import Run as Run
    from textloop.api.stage_results import CleanResult as CleanResult
    from textloop.api.stage_results import EvaluationResult as EvaluationResult
    from textloop.api.stage_results import ImportResult as ImportResult
    from textloop.api.stage_results import Lineage as Lineage
    from textloop.api.stage_results import MonitorResult as MonitorResult
    from textloop.api.stage_results import Prediction as Prediction
    from textloop.api.stage_results import ProductionSuggestResult as ProductionSuggestResult
    from textloop.api.stage_results import ProjectStatus as ProjectStatus
    from textloop.api.stage_results import PromotionDecision as PromotionDecision
    from textloop.api.stage_results import Registered as Registered
    from textloop.api.stage_results import ReleaseInfo as ReleaseInfo
    from textloop.api.stage_results import ReleaseSummary as ReleaseSummary
    from textloop.api.stage_results import RunRow as RunRow
    from textloop.api.stage_results import SuggestResult as SuggestResult
    from textloop.api.stage_results import SynthEvaluation as SynthEvaluation
    from textloop.api.stage_results import SynthResult as SynthResult

__all__, __getattr__ = lazy_front(__name__, {
    "project": ("Project", "init_project", "open_project"),
    "results": ("ModelVersion", "Predictions", "Rollback", "Run"),
    "stage_results": ("CleanResult", "EvaluationResult", "ImportResult", "Lineage",
                      "MonitorResult", "Prediction", "ProductionSuggestResult", "ProjectStatus",
                      "PromotionDecision", "Registered", "ReleaseInfo", "ReleaseSummary",
                      "RunRow", "SuggestResult", "SynthEvaluation", "SynthResult"),
})
