"""``release:``: how a release splits its rows, and under which license."""

from __future__ import annotations

from pydantic import Field, model_validator

from textloop.config.base import Strict


class ReleaseSettings(Strict):
    seed: int = 13
    train: float = Field(0.8, gt=0.0, lt=1.0)
    validation: float = Field(0.1, ge=0.0, lt=1.0)
    test: float = Field(0.1, gt=0.0, lt=1.0)
    group_field: str | None = None
    license: str = "unknown"

    @model_validator(mode="after")
    def _fractions_sum_to_one(self) -> ReleaseSettings:
        total = self.train + self.validation + self.test
        if abs(total - 1.0) > 1e-6:
            raise ValueError(f"train + validation + test must be 1.0 (got {total:g})")
        return self
