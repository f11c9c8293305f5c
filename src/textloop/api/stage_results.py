"""The stages' own result types, which ``Project`` methods return unchanged.

Re-exported here so that ``textloop.ImportResult`` and friends name them for annotations
and ``isinstance`` checks without the caller knowing the stage layout. Importing this module
loads those stages (``textloop`` itself reaches it only when one of these names is asked for).
"""

from __future__ import annotations

from textloop.stages.active_learn import SuggestResult
from textloop.stages.active_learn.production import ProductionSuggestResult
from textloop.stages.clean import CleanResult
from textloop.stages.evaluate.evaluation import EvaluationResult
from textloop.stages.ingest import ImportResult
from textloop.stages.monitor import MonitorResult
from textloop.stages.predict import Prediction
from textloop.stages.project import ProjectStatus
from textloop.stages.release import ReleaseInfo, ReleaseSummary
from textloop.stages.runs import RunRow
from textloop.stages.synthesize import Evaluation as SynthEvaluation
from textloop.stages.synthesize import SynthResult
from textloop.stages.versions import PromotionDecision
from textloop.stages.versions.register import Lineage, Registered

__all__ = ["CleanResult", "EvaluationResult", "ImportResult", "Lineage", "MonitorResult",
           "Prediction", "ProductionSuggestResult", "ProjectStatus", "PromotionDecision",
           "Registered", "ReleaseInfo", "ReleaseSummary", "RunRow", "SuggestResult",
           "SynthEvaluation", "SynthResult"]
