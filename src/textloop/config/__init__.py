"""The project spec (``textloop.yaml``): typed, validated, and explained when wrong.

The spec is the single place where a team writes down its task: labels and their
descriptions (which double as the labeling guideline), which fields hold text and
metadata, the goal, and how probabilities turn into actions. Each top-level section of the
file has its own module here (``config.training`` for ``training:``, ...); ``config.spec``
joins them and checks what spans sections, and ``config.core`` finds, loads, explains and
writes the file. This front keeps every name callers import from ``textloop.config``.
"""

from typing import TYPE_CHECKING, Any

from textloop.config import alerts, monitoring
from textloop.config.actions import Actions, BandTarget, positive_label
from textloop.config.alerts import AlertRule, alert_checks
from textloop.config.base import DEFAULT_STORE_URL, SPEC_FILE, STORE_DIR
from textloop.config.calibration import CalibrationSettings
from textloop.config.clean import PII_KINDS, CleanSettings, PiiSettings
from textloop.config.core import (
    Project,
    explain_validation,
    find_project,
    load_spec,
    set_spec_key,
    write_spec,
)
from textloop.config.execution import ExecutionSettings
from textloop.config.fairness import Fairness
from textloop.config.goal import (
    CLASSIFICATION_METRICS,
    KNOWN_METRICS,
    LOWER_IS_BETTER,
    REGRESSION_METRICS,
    SPAN_METRICS,
    Goal,
)
from textloop.config.labeling import (
    POLICY_STEPS,
    LabelingSettings,
    PolicyStep,
    SuggestLLMSettings,
)
from textloop.config.labels import Label, look_alike_problem
from textloop.config.monitoring import MonitoringSettings, drift_checks, drift_detectors
from textloop.config.promotion import PromotionSettings
from textloop.config.release import ReleaseSettings
from textloop.config.rules import Rule
from textloop.config.serving import RayServing, ServingSettings
from textloop.config.slices import SLICE_KINDS, Slice
from textloop.config.span_rules import SpanRule
from textloop.config.spans import SpanSettings
from textloop.config.spec import ProjectSpec
from textloop.config.synth import SynthEvaluation, SynthGate, SynthSettings
from textloop.config.target import Target
from textloop.config.training import CLASSIFICATION_LOSSES, REGRESSION_LOSSES, TrainingSettings

__all__ = [
    "ALERT_CHECKS",
    "CLASSIFICATION_LOSSES",
    "CLASSIFICATION_METRICS",
    "DEFAULT_STORE_URL",
    "DRIFT_DETECTORS",
    "KNOWN_METRICS",
    "LOWER_IS_BETTER",
    "PII_KINDS",
    "POLICY_STEPS",
    "REGRESSION_LOSSES",
    "REGRESSION_METRICS",
    "SLICE_KINDS",
    "SPAN_METRICS",
    "SPEC_FILE",
    "STORE_DIR",
    "Actions",
    "AlertRule",
    "BandTarget",
    "CalibrationSettings",
    "CleanSettings",
    "ExecutionSettings",
    "Fairness",
    "Goal",
    "Label",
    "LabelingSettings",
    "MonitoringSettings",
    "PiiSettings",
    "PolicyStep",
    "Project",
    "ProjectSpec",
    "PromotionSettings",
    "RayServing",
    "ReleaseSettings",
    "Rule",
    "ServingSettings",
    "Slice",
    "SpanRule",
    "SpanSettings",
    "SuggestLLMSettings",
    "SynthEvaluation",
    "SynthGate",
    "SynthSettings",
    "Target",
    "TrainingSettings",
    "alert_checks",
    "drift_checks",
    "drift_detectors",
    "explain_validation",
    "find_project",
    "load_spec",
    "look_alike_problem",
    "positive_label",
    "set_spec_key",
    "write_spec",
]

if TYPE_CHECKING:
    ALERT_CHECKS: tuple[str, ...]
    DRIFT_DETECTORS: tuple[str, ...]


def __getattr__(name: str) -> Any:
    """The name lists read from the registry each time (a detector registered later is in
    them): ``ALERT_CHECKS`` and ``DRIFT_DETECTORS``."""
    if name == "ALERT_CHECKS":
        return alerts.alert_checks()
    if name == "DRIFT_DETECTORS":
        return monitoring.drift_detectors()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
