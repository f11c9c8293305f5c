"""``fairness:``: per-group metrics over a sensitive metadata field."""

from __future__ import annotations

from pydantic import Field

from textloop.config.base import Strict


class Fairness(Strict):
    """Per-group metrics over a sensitive metadata field, with the demographic-parity and
    equalized-odds differences. Without ``positive_label`` every label is taken in turn as
    the positive one (one-vs-rest) and the largest difference is reported."""

    field: str = Field(min_length=1)
    positive_label: str | None = None
    max_groups: int = Field(10, ge=2, le=1000)
    min_rows: int = Field(20, ge=1)
