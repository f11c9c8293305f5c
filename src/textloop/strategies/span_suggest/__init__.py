"""Span pre-annotation: suggesters that propose spans for an annotator to accept or reject
(span rules today; a model and an LLM through the same protocol)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textloop.lazy import lazy_front

if TYPE_CHECKING:  # re-exported names, for type checkers
    from textloop.strategies.span_suggest.base import SpanSuggester as SpanSuggester
    from textloop.strategies.span_suggest.base import SuggestedSpan as SuggestedSpan
    from textloop.strategies.span_suggest.rules import RuleSuggester as RuleSuggester

__all__, __getattr__ = lazy_front(__name__, {
    "base": ("SpanSuggester", "SuggestedSpan"),
    "rules": ("RuleSuggester",),
})
