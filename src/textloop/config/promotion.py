"""``promotion:``: what a model version must show before it becomes champion."""

from __future__ import annotations

from pydantic import Field

from textloop.config.base import Strict


class PromotionSettings(Strict):
    """What ``textloop promote`` demands of a model version before it becomes champion.

    ``min_uplift``: the goal metric must beat the champion's, on the candidate's test release,
    by at least this much (0.0: not worse). ``max_slice_drop``: no slice in the evaluation
    metrics may lose more than this on the goal metric against the champion. ``max_ece``:
    the calibrated expected calibration error on test must not exceed this.
    ``max_class_drop``: no class (a span type in a span project) may lose more than this in
    F1 against the champion; a class with fewer than ``min_class_support`` test examples on
    either side is listed but never decisive (its F1 moves a lot by chance). ``max_latency_ms``:
    the 95th percentile of single-text predictions, timed on ``latency_texts`` test texts, must
    stay within this budget. A bound set to null is not checked. ``require_goal``: refuse a
    version whose test value of the goal metric misses ``goal.target``; either way, every
    promotion says whether the goal is met.
    """

    min_uplift: float = Field(0.0, ge=-1.0, le=1.0)
    max_slice_drop: float | None = Field(0.02, ge=0.0, le=1.0)
    max_ece: float | None = Field(0.1, ge=0.0, le=1.0)
    max_class_drop: float | None = Field(0.1, ge=0.0, le=1.0)
    min_class_support: int = Field(20, ge=1)
    max_latency_ms: float | None = Field(None, gt=0.0)
    latency_texts: int = Field(50, ge=1, le=10_000)
    require_goal: bool = False
