"""Suggested spans: what pre-annotation offers an annotator, and where each came from.

A suggestion is never an answer. The labeling page shows it beside the annotator's own
spans for them to accept or reject, so a suggester only proposes; what is stored is what a
person accepted. Every suggester, whatever it asks (span rules, a model, an LLM), answers in
the same shape: spans over the stored text in code points, with the source that proposed
them and a score where the source has one (rules have none).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from textloop.spans import Span


@dataclass(frozen=True, order=True)
class SuggestedSpan:
    """A proposed span: ``source`` names who proposed it (``rule:NAME``, ``model``,
    ``llm``), ``score`` how sure it is (None where the source gives no score)."""

    start: int
    end: int
    label: str
    source: str
    score: float | None = None

    @property
    def span(self) -> Span:
        return Span(self.start, self.end, self.label)

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "label": self.label,
                "source": self.source, "score": self.score}


class SpanSuggester(Protocol):
    """Anything that proposes spans for texts, one list per text, in the texts' order."""

    @property
    def name(self) -> str: ...

    def suggest(self, texts: Sequence[str]) -> list[list[SuggestedSpan]]: ...
