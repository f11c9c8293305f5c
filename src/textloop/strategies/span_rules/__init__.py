"""Span rules judged one by one (``analyze``): coverage, overlaps, conflicts and precision
against people. Compiling the rules and combining their votes into spans are span
primitives (``textloop.spans.rules``, ``textloop.spans.rule_votes``), below both the
strategies and the models, so the rules can also serve as a span model
(``models.span_rules``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textloop.lazy import lazy_front

if TYPE_CHECKING:  # re-exported names, for type checkers
    from textloop.strategies.span_rules.analyze import SpanRuleAnalysis as SpanRuleAnalysis
    from textloop.strategies.span_rules.analyze import SpanRuleStats as SpanRuleStats
    from textloop.strategies.span_rules.analyze import analyze_span_rules as analyze_span_rules

__all__, __getattr__ = lazy_front(__name__, {
    "analyze": ("SpanRuleAnalysis", "SpanRuleStats", "analyze_span_rules"),
})
