"""The whole project spec: every section, and the checks that span sections."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, Literal

from pydantic import BaseModel, Field, field_validator, model_validator

from textloop.config.actions import Actions
from textloop.config.alerts import AlertRule
from textloop.config.base import DEFAULT_STORE_URL, Strict
from textloop.config.calibration import CalibrationSettings
from textloop.config.clean import CleanSettings
from textloop.config.execution import ExecutionSettings
from textloop.config.fairness import Fairness
from textloop.config.goal import CLASSIFICATION_METRICS, REGRESSION_METRICS, SPAN_METRICS, Goal
from textloop.config.labeling import LabelingSettings
from textloop.config.labels import Label
from textloop.config.monitoring import MonitoringSettings
from textloop.config.promotion import PromotionSettings
from textloop.config.release import ReleaseSettings
from textloop.config.rules import Rule
from textloop.config.serving import ServingSettings
from textloop.config.slices import Slice
from textloop.config.span_rules import SpanRule
from textloop.config.spans import SpanSettings
from textloop.config.synth import SynthSettings
from textloop.config.target import Target
from textloop.config.training import (
    CLASSIFICATION_LOSSES,
    MONITORS,
    REGRESSION_LOSSES,
    TrainingSettings,
)

_LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*")


class ProjectSpec(Strict):
    name: str = Field(min_length=1)
    description: str = ""
    task: Literal["classification", "multilabel", "regression", "spans"] = "classification"
    target: Target = Field(default_factory=Target)
    text_field: str = "text"
    # BCP 47 tag of the texts (ko, ja, en-GB, und-Latn, mul); recorded at the first import
    # when unset, and chosen featurizers follow it (see docs/languages.md)
    language: str | None = None
    metadata_fields: list[str] = Field(default_factory=list)
    labels: list[Label]
    goal: Goal = Field(default_factory=Goal)
    actions: Actions = Field(default_factory=Actions)
    calibration: CalibrationSettings = Field(default_factory=CalibrationSettings)
    release: ReleaseSettings = Field(default_factory=ReleaseSettings)
    labeling: LabelingSettings = Field(default_factory=LabelingSettings)
    training: TrainingSettings = Field(default_factory=TrainingSettings)
    rules: list[Rule] = Field(default_factory=list)
    spans: SpanSettings = Field(default_factory=SpanSettings)
    span_rules: list[SpanRule] = Field(default_factory=list)
    promotion: PromotionSettings = Field(default_factory=PromotionSettings)
    serving: ServingSettings = Field(default_factory=ServingSettings)
    monitoring: MonitoringSettings = Field(default_factory=MonitoringSettings)
    alerts: list[AlertRule] = Field(default_factory=list)
    slices: list[Slice] = Field(default_factory=list)
    fairness: list[Fairness] = Field(default_factory=list)
    synth: SynthSettings = Field(default_factory=SynthSettings)
    clean: CleanSettings = Field(default_factory=CleanSettings)
    execution: ExecutionSettings = Field(default_factory=ExecutionSettings)
    store: str = DEFAULT_STORE_URL

    @field_validator("language")
    @classmethod
    def _language_is_a_tag(cls, value: str | None) -> str | None:
        if value is not None and not _LANGUAGE_TAG.fullmatch(value):
            raise ValueError("not a BCP 47 language tag: use a code such as ko, ja, en or "
                             "ko-KR (see docs/languages.md)")
        return value

    @field_validator("fairness", mode="before")
    @classmethod
    def _one_fairness_or_a_list(cls, value: Any) -> Any:
        """``fairness: {field: ...}`` is the common case; a list declares several fields."""
        return [value] if isinstance(value, dict) else value

    @model_validator(mode="before")
    @classmethod
    def _regression_defaults(cls, data: Any) -> Any:
        """A regression task needs no labels; its goal and loss default to ``r2 >= 0.5`` and
        ``mse``. A span task's goal defaults to ``entity_micro_f1 >= 0.8`` and its early
        stopping watches ``val/entity_micro_f1``."""
        if isinstance(data, dict) and data.get("task") == "spans":
            data = {**data, "goal": data.get("goal") or {"metric": "entity_micro_f1",
                                                         "target": 0.8}}
            training = data.get("training")
            if isinstance(training, BaseModel):  # re-validated on assignment: already settled
                return data
            return {**data, "training": {"monitor": "val/entity_micro_f1", **(training or {})}}
        if not isinstance(data, dict) or data.get("task") != "regression":
            return data
        data = {"labels": [], **data, "goal": data.get("goal") or {"metric": "r2", "target": 0.5}}
        training = data.get("training")
        if isinstance(training, BaseModel):  # re-validated on assignment: already settled
            return data
        training = dict(training or {})
        training.setdefault("loss", "mse")
        return {**data, "training": training}

    @model_validator(mode="after")
    def _task_consistent(self) -> ProjectSpec:
        regression = self.task == "regression"
        metrics, losses = ((REGRESSION_METRICS, REGRESSION_LOSSES) if regression
                           else (SPAN_METRICS, CLASSIFICATION_LOSSES) if self.task == "spans"
                           else (CLASSIFICATION_METRICS, CLASSIFICATION_LOSSES))
        if self.goal.metric not in metrics:
            raise ValueError(f"goal.metric {self.goal.metric!r} does not fit a {self.task} task: "
                             f"use one of {', '.join(metrics)}")
        fitting = [m for m in MONITORS if m.split("/", 1)[1] in ("loss", *metrics)]
        if self.training.monitor not in fitting:
            raise ValueError(f"training.monitor {self.training.monitor!r} does not fit a "
                             f"{self.task} task: use one of {', '.join(fitting)}")
        if self.training.loss not in losses:
            raise ValueError(f"training.loss {self.training.loss!r} does not fit a {self.task} "
                             f"task: use one of {', '.join(losses)}")
        if regression and self.labels:
            raise ValueError("a regression task has no labels: remove the labels list and "
                             "describe the number under target")
        return self

    @model_validator(mode="after")
    def _labels_unique_and_known(self) -> ProjectSpec:
        names = [label.name for label in self.labels]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"labels are listed twice: {', '.join(dupes)}")
        unknown = [n for n in self.actions.score_labels if n not in names]
        if unknown:
            raise ValueError(f"actions.score_labels names unknown labels: {', '.join(unknown)}")
        _check_rules("rules", "votes", self.rules, names)
        _check_rules("span_rules", "marks", self.span_rules, names)
        unknown = [n for n in self.spans.targets if n not in names]
        if unknown:
            raise ValueError(f"spans.targets names unknown labels: {', '.join(unknown)} "
                             f"(labels: {', '.join(names)})")
        _check_analysis(self, names)
        return self

    @property
    def label_names(self) -> list[str]:
        return [label.name for label in self.labels]


def _check_rules(key: str, verb: str, rules: Sequence[Rule | SpanRule],
                 names: list[str]) -> None:
    """Every rule under ``key`` names a known label, and rule names are unique."""
    bad = [f"{key}.{i}.label ({r.name!r} {verb} {r.label!r})"
           for i, r in enumerate(rules) if r.label not in names]
    if bad:
        raise ValueError(f"unknown label in {'; '.join(bad)}: use one of "
                         f"{', '.join(names)} or add the label under labels")
    rule_names = [r.name for r in rules]
    if len(set(rule_names)) != len(rule_names):
        what = "span rule" if key == "span_rules" else "rule"
        raise ValueError(f"{what} names must be unique")


def _check_analysis(spec: ProjectSpec, label_names: list[str]) -> None:
    """Slice names are unique; slices and fairness name declared fields and known labels."""
    slice_names = [s.name for s in spec.slices]
    dupes = sorted({n for n in slice_names if slice_names.count(n) > 1})
    if dupes:
        raise ValueError(f"slice names must be unique: {', '.join(dupes)} is listed twice")
    fields = [(f"slices.{i}.field", s.field) for i, s in enumerate(spec.slices) if s.field]
    fairness_fields = [f.field for f in spec.fairness]
    if len(set(fairness_fields)) != len(fairness_fields):
        raise ValueError("fairness lists a field twice: declare each field once")
    fields += [(f"fairness.{i}.field", f.field) for i, f in enumerate(spec.fairness)]
    declared = spec.metadata_fields
    unknown = [f"`{key}` ({value!r})" for key, value in fields
               if declared and value not in declared]
    if unknown:
        raise ValueError(f"unknown metadata field in {'; '.join(unknown)}: use one of "
                         f"metadata_fields ({', '.join(declared)}) or add it there")
    bad = [f"`fairness.{i}.positive_label` ({f.positive_label!r})"
           for i, f in enumerate(spec.fairness)
           if f.positive_label is not None and f.positive_label not in label_names]
    if bad:
        raise ValueError(f"unknown label in {'; '.join(bad)}: use one of "
                         f"{', '.join(label_names)}")
