"""Weak labeling rules: compile them from textloop.yaml, run them, judge them, store weak labels.

``compile`` turns rules into matchers, ``apply`` runs them into a vote matrix, ``analyze``
measures each rule (coverage, overlaps, conflicts, accuracy), ``evaluate`` does that on the
store's records, and ``weak`` stores the label model's output as annotations of kind weak.
"""

from textloop.stages.rules.analyze import RuleAnalysis, RuleStats, analyze_rules
from textloop.stages.rules.apply import apply_rules
from textloop.stages.rules.compile import CompiledRule, RuleSet, compile_rules
from textloop.stages.rules.evaluate import HUMAN_GOLD, evaluate_rules
from textloop.stages.rules.label_model import METHODS, fit_label_model
from textloop.stages.rules.votes import EXAMPLE_RULES, RuleVotes, project_rules, rule_votes
from textloop.stages.rules.weak import WeakLabelResult, apply_weak_labels

__all__ = [
    "EXAMPLE_RULES",
    "HUMAN_GOLD",
    "METHODS",
    "CompiledRule",
    "RuleAnalysis",
    "RuleSet",
    "RuleStats",
    "RuleVotes",
    "WeakLabelResult",
    "analyze_rules",
    "apply_rules",
    "apply_weak_labels",
    "compile_rules",
    "evaluate_rules",
    "fit_label_model",
    "project_rules",
    "rule_votes",
]
