"""Which suggesters pre-annotate a span project's labeling page, and what they propose.

Span rules suggest whenever ``span_rules:`` lists any (they are instant). Other sources
(the current span model, an LLM) join the list here as they become available, so the page
and any other front end ask one function and show every source the same way.
"""

from __future__ import annotations

from textloop.config import Project
from textloop.storage import Store
from textloop.strategies.span_rules import compile_span_rules
from textloop.strategies.span_suggest import RuleSuggester, SpanSuggester, SuggestedSpan


def span_suggesters(store: Store, project: Project) -> list[SpanSuggester]:
    """The project's suggesters, fastest first."""
    spec = project.spec
    suggesters: list[SpanSuggester] = []
    if spec.span_rules:
        suggesters.append(RuleSuggester(compile_span_rules(spec.span_rules, spec.label_names)))
    return suggesters


def suggest_spans(store: Store, project: Project, text: str) -> list[SuggestedSpan]:
    """Every suggester's proposals for one text, sorted by position; the same span from two
    sources is listed once per source (the page shows who agrees)."""
    found: list[SuggestedSpan] = []
    for suggester in span_suggesters(store, project):
        (proposed,) = suggester.suggest([text])
        found.extend(proposed)
    return sorted(found)
