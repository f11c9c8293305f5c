"""Weak labeling rules: compile them from textloop.yaml, run them, judge them, store weak labels.

``compile`` turns rules into matchers, ``apply`` runs them into a vote matrix, ``analyze``
measures each rule (coverage, overlaps, conflicts, accuracy), ``evaluate`` does that on the
store's records, and ``weak`` stores the label model's output as annotations of kind weak;
``spans`` does the same for a span project's ``span_rules:`` (weak spans).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textloop.lazy import lazy_front

if TYPE_CHECKING:  # re-exported names, for type checkers
    from textloop.stages.rules.analyze import RuleAnalysis as RuleAnalysis
    from textloop.stages.rules.analyze import RuleStats as RuleStats
    from textloop.stages.rules.analyze import analyze_rules as analyze_rules
    from textloop.stages.rules.apply import apply_rules as apply_rules
    from textloop.stages.rules.compile import CompiledRule as CompiledRule
    from textloop.stages.rules.compile import RuleSet as RuleSet
    from textloop.stages.rules.compile import compile_rules as compile_rules
    from textloop.stages.rules.evaluate import HUMAN_GOLD as HUMAN_GOLD
    from textloop.stages.rules.evaluate import evaluate_rules as evaluate_rules
    from textloop.stages.rules.label_model import fit_label_model as fit_label_model
    from textloop.stages.rules.label_model import label_models as label_models
    from textloop.stages.rules.spans import SpanRuleExample as SpanRuleExample
    from textloop.stages.rules.spans import SpanRulesReport as SpanRulesReport
    from textloop.stages.rules.spans import WeakSpanQuality as WeakSpanQuality
    from textloop.stages.rules.spans import span_rule_hits as span_rule_hits
    from textloop.stages.rules.votes import EXAMPLE_RULES as EXAMPLE_RULES
    from textloop.stages.rules.votes import RuleVotes as RuleVotes
    from textloop.stages.rules.votes import project_rules as project_rules
    from textloop.stages.rules.votes import rule_votes as rule_votes
    from textloop.stages.rules.weak import WeakLabelResult as WeakLabelResult
    from textloop.stages.rules.weak import apply_weak_labels as apply_weak_labels

__all__, __getattr__ = lazy_front(__name__, {
    "analyze": ("RuleAnalysis", "RuleStats", "analyze_rules"),
    "apply": ("apply_rules",),
    "compile": ("CompiledRule", "RuleSet", "compile_rules"),
    "evaluate": ("HUMAN_GOLD", "evaluate_rules"),
    "label_model": ("fit_label_model", "label_models"),
    "votes": ("EXAMPLE_RULES", "RuleVotes", "project_rules", "rule_votes"),
    "spans": ("SpanRuleExample", "SpanRulesReport", "WeakSpanQuality", "span_rule_hits"),
    "weak": ("WeakLabelResult", "apply_weak_labels"),
})
