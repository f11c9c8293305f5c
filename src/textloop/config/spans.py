"""``spans:``: settings of a span task (``task: spans``)."""

from __future__ import annotations

from textloop.config.base import Strict


class SpanSettings(Strict):
    """Whether a record's spans may overlap.

    ``false`` (the default) is the named-entity convention: each character belongs to at
    most one span, as in CoNLL files. ``true`` allows nested and crossing spans (a phone
    number inside an address; Prodigy's ``spans.*`` recipes), stored and exported as such.
    """

    overlapping: bool = False
