"""Span rules: regex and gazetteer rules that mark spans, judged one by one (``analyze``)
and combined by a per-token majority into weak spans (``combine``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textloop.lazy import lazy_front

if TYPE_CHECKING:  # re-exported names, for type checkers
    from textloop.strategies.span_rules.analyze import SpanRuleAnalysis as SpanRuleAnalysis
    from textloop.strategies.span_rules.analyze import SpanRuleStats as SpanRuleStats
    from textloop.strategies.span_rules.analyze import analyze_span_rules as analyze_span_rules
    from textloop.strategies.span_rules.combine import combine_spans as combine_spans
    from textloop.strategies.span_rules.compile import CompiledSpanRule as CompiledSpanRule
    from textloop.strategies.span_rules.compile import SpanRuleSet as SpanRuleSet
    from textloop.strategies.span_rules.compile import compile_span_rules as compile_span_rules
    from textloop.strategies.span_rules.compile import phrase_pattern as phrase_pattern

__all__, __getattr__ = lazy_front(__name__, {
    "analyze": ("SpanRuleAnalysis", "SpanRuleStats", "analyze_span_rules"),
    "combine": ("combine_spans",),
    "compile": ("CompiledSpanRule", "SpanRuleSet", "compile_span_rules", "phrase_pattern"),
})
