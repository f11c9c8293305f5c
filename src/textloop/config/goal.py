"""``goal:``: the metric a model must reach, and which metrics each task knows."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator, model_validator

from textloop.config.base import Strict

CLASSIFICATION_METRICS = ("accuracy", "macro_f1", "micro_f1", "weighted_f1", "macro_precision",
                          "macro_recall", "roc_auc", "pr_auc")
REGRESSION_METRICS = ("mae", "rmse", "r2", "spearman")
SPAN_METRICS = ("entity_micro_f1", "entity_micro_precision", "entity_micro_recall",
                "entity_macro_f1", "partial_micro_f1", "token_accuracy")
"""Entity-level scores (strict: same start, end and label; partial: SemEval-2013's half
credit), under the keys of a span run's ``metrics.json`` (``measures.span_metrics``)."""
SPAN_METRIC_ALIASES = {"span_f1": "entity_micro_f1", "span_precision": "entity_micro_precision",
                       "span_recall": "entity_micro_recall", "partial_f1": "partial_micro_f1"}
"""The names span goals had before span runs existed; ``textloop.yaml`` files that use them
still load, read as the ``entity_*`` metric they always meant."""
KNOWN_METRICS = CLASSIFICATION_METRICS + REGRESSION_METRICS + SPAN_METRICS
LOWER_IS_BETTER = frozenset({"mae", "rmse"})


class Goal(Strict):
    """The metric a model must reach: ``value >= target``, or ``value <= target`` for the
    error metrics of a regression task (``mae``, ``rmse``), where lower is better."""

    metric: Literal[KNOWN_METRICS] = "macro_f1"  # type: ignore[valid-type]
    target: float = Field(0.9, ge=0.0)

    @field_validator("metric", mode="before")
    @classmethod
    def _old_span_names(cls, value: object) -> object:
        return SPAN_METRIC_ALIASES.get(value, value) if isinstance(value, str) else value

    @model_validator(mode="after")
    def _target_in_range(self) -> Goal:
        if self.metric not in LOWER_IS_BETTER and self.target > 1.0:
            raise ValueError(f"goal.target {self.target} is above 1, the best {self.metric} "
                             "there is")
        return self

    @property
    def higher_is_better(self) -> bool:
        return self.metric not in LOWER_IS_BETTER

    def met(self, value: float) -> bool:
        """Whether ``value`` of the goal metric reaches the target, in the metric's direction."""
        return value >= self.target if self.higher_is_better else value <= self.target
