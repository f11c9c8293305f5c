"""Span pre-annotation: suggesters that propose spans for an annotator to accept or reject
(span rules and an LLM today; a model through the same protocol)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textloop.lazy import lazy_front

if TYPE_CHECKING:  # re-exported names, for type checkers
    from textloop.strategies.span_suggest.base import SpanSuggester as SpanSuggester
    from textloop.strategies.span_suggest.base import SuggestedSpan as SuggestedSpan
    from textloop.strategies.span_suggest.llm import Example as Example
    from textloop.strategies.span_suggest.llm import LLMAnswer as LLMAnswer
    from textloop.strategies.span_suggest.llm import LLMSuggester as LLMSuggester
    from textloop.strategies.span_suggest.llm import choose_examples as choose_examples
    from textloop.strategies.span_suggest.llm import from_cache as from_cache
    from textloop.strategies.span_suggest.llm import read_answer as read_answer
    from textloop.strategies.span_suggest.llm import to_cache as to_cache
    from textloop.strategies.span_suggest.rules import RuleSuggester as RuleSuggester

__all__, __getattr__ = lazy_front(__name__, {
    "base": ("SpanSuggester", "SuggestedSpan"),
    "llm": ("Example", "LLMAnswer", "LLMSuggester", "choose_examples", "from_cache",
            "read_answer", "to_cache"),
    "rules": ("RuleSuggester",),
})
