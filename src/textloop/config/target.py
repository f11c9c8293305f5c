"""``target:``: the number a regression task predicts and the range it must fall in."""

from __future__ import annotations

from pydantic import model_validator

from textloop.config.base import Strict


class Target(Strict):
    """The numeric target of a regression task (e.g. a 1-5 rating): its name and the range
    a value must fall in (either bound may be left open)."""

    name: str = "score"
    description: str = ""
    min: float | None = None
    max: float | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Target:
        if self.min is not None and self.max is not None and self.min >= self.max:
            raise ValueError(f"target.min ({self.min}) must be below target.max ({self.max})")
        return self

    def problem_with(self, value: float) -> str | None:
        """Why ``value`` is not an acceptable target (None when it is)."""
        if value != value or value in (float("inf"), float("-inf")):
            return "is not a finite number"
        if self.min is not None and value < self.min:
            return f"is below target.min ({self.min:g})"
        if self.max is not None and value > self.max:
            return f"is above target.max ({self.max:g})"
        return None
