"""``spans:``: settings of a span task (``task: spans``)."""

from __future__ import annotations

from pydantic import Field

from textloop.config.actions import BandTarget
from textloop.config.base import Strict


class SpanSettings(Strict):
    """Whether a record's spans may overlap, and the score targets of span types.

    ``false`` (the default) is the named-entity convention: each character belongs to at
    most one span, as in CoNLL files. ``true`` allows nested and crossing spans (a phone
    number inside an address; Prodigy's ``spans.*`` recipes), stored and exported as such.
    """

    overlapping: bool = False
    targets: dict[str, BandTarget] = Field(default_factory=dict)
    """Span type -> what its kept spans must achieve on validation (``{recall: 0.95}`` for
    personal data to mask, ``{precision: 0.9}`` for an auto-tagger): ``textloop train``
    picks a score threshold per type for it (``measures.span_thresholds``) and saves them
    in the bundle. Types without a target get no threshold."""
