"""``clean:``: the project's own cleaning choices (which personal data is expected)."""

from __future__ import annotations

from pydantic import Field, field_validator

from textloop.config.base import Strict

PII_KINDS = ("url", "email", "kr_rrn", "card", "ip", "kr_brn", "kr_phone", "phone")
"""Personal-data kinds ``textloop clean`` detects, in the priority order of overlaps: a
Korean number checked against its own rules is more specific than a generic phone or card."""


class PiiSettings(Strict):
    """``clean.pii``: which personal-data kinds are the task's signal rather than a problem.

    A spam filter declares ``expected: [url]``: links are what spam is made of, so flagging
    every one as personal data would bury the findings that matter. Expected kinds are
    neither flagged by ``textloop clean`` nor replaced by ``--redact``.
    """

    expected: list[str] = Field(default_factory=list)

    @field_validator("expected")
    @classmethod
    def _known_kinds(cls, value: list[str]) -> list[str]:
        unknown = [kind for kind in value if kind not in PII_KINDS]
        if unknown:
            raise ValueError(f"unknown personal-data kind {', '.join(map(repr, unknown))}: "
                             f"use some of {', '.join(PII_KINDS)}")
        return list(dict.fromkeys(value))


class CleanSettings(Strict):
    """``clean:`` in textloop.yaml (the project's own cleaning choices)."""

    pii: PiiSettings = Field(default_factory=PiiSettings)
    min_precision: float | None = Field(default=None, gt=0.0, le=1.0)
    """``textloop clean --min-precision``'s default: flag only label issues whose estimated
    precision reaches it (a review budget that wants, say, 8 real errors in 10 flags)."""
