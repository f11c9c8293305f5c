"""Span rules (``span_rules:`` in ``textloop.yaml``) as a suggester: each rule's spans,
named after the rule, so an annotator sees which pattern or gazetteer proposed a span."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from textloop.spans.rules import SpanRuleSet
from textloop.strategies.span_suggest.base import SuggestedSpan


@dataclass(frozen=True)
class RuleSuggester:
    rules: SpanRuleSet
    name: str = "rules"

    def suggest(self, texts: Sequence[str]) -> list[list[SuggestedSpan]]:
        out = []
        for text in texts:
            found = {SuggestedSpan(span.start, span.end, span.label, f"rule:{rule.name}")
                     for rule in self.rules.rules for span in rule.spans(text)}
            out.append(sorted(found))
        return out
