"""``release:``: how a release splits its rows, and under which license."""

from __future__ import annotations

import re

from pydantic import Field, model_validator

from textloop.config.base import Strict

UNKNOWN_LICENSE = "unknown"
NO_LICENSE = frozenset({"", UNKNOWN_LICENSE, "none", "noassertion"})
"""Values that say no license was chosen: nothing may be published under them."""
_LICENSE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9.+:-]*")


def license_problem(value: str) -> str | None:
    """Why ``value`` is not a license id (an SPDX identifier such as ``CC-BY-4.0``, a
    Hugging Face license name such as ``other``, or ``unknown``), or None. One word, so it
    can stand in a card's front matter, a Kaggle metadata file and the import log alike."""
    if not _LICENSE_ID.fullmatch(value):
        return (f"{value!r} is not a license id (expected one word of letters, digits and "
                "'.+:-', e.g. CC-BY-4.0, MIT or unknown)")
    return None


def license_unset(value: str | None) -> bool:
    """True when no license was chosen (missing, ``unknown``, ``none``, ``NOASSERTION``)."""
    return value is None or value.strip().casefold() in NO_LICENSE


class ReleaseSettings(Strict):
    seed: int = 13
    train: float = Field(0.8, gt=0.0, lt=1.0)
    validation: float = Field(0.1, ge=0.0, lt=1.0)
    test: float = Field(0.1, gt=0.0, lt=1.0)
    group_field: str | None = None
    license: str = UNKNOWN_LICENSE

    @model_validator(mode="after")
    def _fractions_sum_to_one(self) -> ReleaseSettings:
        total = self.train + self.validation + self.test
        if abs(total - 1.0) > 1e-6:
            raise ValueError(f"train + validation + test must be 1.0 (got {total:g})")
        return self
