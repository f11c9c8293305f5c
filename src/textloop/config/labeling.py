"""``labeling:``: overlap, the final-label policy, the queue and retraining."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from textloop.config.base import Strict

PolicyStep = Literal["adjudicated", "majority", "dawid_skene"]
POLICY_STEPS: tuple[PolicyStep, ...] = ("adjudicated", "majority", "dawid_skene")


class LabelingSettings(Strict):
    """How human labeling runs: overlap, the final-label policy, the queue and retraining.

    ``policy`` orders the sources of a record's final label among human answers:
    an adjudicator's decision, then a strict majority of annotators, then the Dawid-Skene
    estimate (which weighs annotators by their estimated accuracy) for ties.

    ``suggest_min_confidence``: the labeling page shows the model's suggestion (and makes
    ``Enter`` accept it) only when the model is at least this confident; a coin-flip guess
    offered as the default answer pulls annotators towards it.
    """

    overlap: int = Field(1, ge=1, le=10)
    policy: list[PolicyStep] = Field(default_factory=lambda: list(POLICY_STEPS))
    strategy: str = "default"
    batch: int = Field(50, ge=1, le=10_000)
    retrain_after: int = Field(10, ge=1)
    retrain_debounce_seconds: float = Field(5.0, ge=0.0)
    suggest_min_confidence: float = Field(0.7, ge=0.0, le=1.0)

    @field_validator("policy")
    @classmethod
    def _policy_nonempty_unique(cls, value: list[str]) -> list[str]:
        if not value or len(set(value)) != len(value):
            raise ValueError("policy needs at least one of adjudicated, majority, dawid_skene, "
                             "each at most once")
        return value
