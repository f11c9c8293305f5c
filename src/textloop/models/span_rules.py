"""``span-rules``: the project's span rules (regexes and gazetteers) as a span model.

The baseline every learned span model has to beat, and a model in its own right where the
rules are good (phone numbers, product names). "Fitting" compiles the rules and checks their
labels; nothing is learned from the training spans, which the rules were written without.
Predicting applies every rule and combines their spans by the per-token majority of
``textloop rules --apply`` (``spans.rule_votes.combine_spans``), so the model marks exactly
the weak spans ``textloop rules`` scores.

The rules are the model's ``rules`` parameter (``span_rules:`` entries as JSON), which
``textloop train`` fills from ``textloop.yaml`` (the ``uses_span_rules`` tag): the run's
params and the bundle hold them, so a trained run predicts the same after ``textloop.yaml``
changes, and ``textloop train --model span-rules`` again picks up the new rules.

A span's score is **the share of the rules of its label that mark part of it** (a gazetteer
and a regex that both find a name: 1.0; one of the two: 0.5). It is a number, never None,
so per-type thresholds can be fitted on it; with one rule per label every score is 1.0 and
a threshold keeps every span.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from textloop.config.span_rules import SpanRule
from textloop.errors import ConfigError
from textloop.models.span_model import ScoredSpan
from textloop.models.tags import ModelTags
from textloop.spans import Span
from textloop.spans.rule_votes import combine_spans
from textloop.spans.rules import SpanRuleSet, compile_span_rules

NO_RULES = ("the span-rules model has no rules: add span_rules to textloop.yaml (regexes or "
            "gazetteers, docs/spans.md#span-rules), or pass them with --param rules=[...]")


class SpanRulesModel(BaseEstimator):
    """Regex and gazetteer rules combined by a per-token majority (see the module docstring).

    ``rules``: ``span_rules:`` entries (dicts as in ``textloop.yaml``); ``labels``: the
    project's span labels, which the rules must use and which become ``classes_`` (the rules'
    own labels when None).
    """

    def __init__(self, rules: list[dict[str, Any]] | None = None,
                 labels: list[str] | None = None) -> None:
        self.rules = rules
        self.labels = labels

    def __textloop_tags__(self) -> ModelTags:
        return ModelTags(task="spans", uses_span_rules=True)

    def _compile(self) -> SpanRuleSet:
        if not self.rules:
            raise ConfigError(NO_RULES)
        try:
            parsed = [SpanRule.model_validate(rule) for rule in self.rules]
        except ValueError as exc:
            raise ConfigError(f"span-rules: a rule is invalid ({exc})",
                              hint="fix it under span_rules: in textloop.yaml") from None
        return compile_span_rules(parsed, self.labels)

    def fit(self, X: Sequence[str], y: Sequence[Sequence[Span]] | None = None
            ) -> SpanRulesModel:
        """Compile the rules (``X`` and ``y`` are not read: rules learn nothing)."""
        self.rule_set_ = self._compile()
        names = self.labels if self.labels is not None else self.rule_set_.labels
        self.classes_ = np.asarray(list(dict.fromkeys(names)), dtype=object)
        return self

    def predict_scored(self, X: Sequence[str]) -> list[list[ScoredSpan]]:
        check_is_fitted(self, "rule_set_")
        rule_set = self.rule_set_
        per_label: dict[str, int] = {}
        for label in rule_set.labels:
            per_label[label] = per_label.get(label, 0) + 1
        out: list[list[ScoredSpan]] = []
        for text in X:
            rule_spans = rule_set.apply(text)
            row: list[ScoredSpan] = []
            for span in combine_spans(text, rule_spans):
                voting = sum(any(s.label == span.label and s.start < span.end
                                 and span.start < s.end for s in spans)
                             for spans in rule_spans)
                row.append((span, voting / per_label[span.label]))
            out.append(row)
        return out

    def predict(self, X: Sequence[str]) -> list[list[Span]]:
        return [[span for span, _ in row] for row in self.predict_scored(X)]

    def export_state(self) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
        """No arrays: the rules are in the params, saved in ``bundle.json``."""
        check_is_fitted(self, "rule_set_")
        return {}, {}

    @classmethod
    def from_state(cls, params: dict[str, Any], arrays: dict[str, np.ndarray],
                   extra: dict[str, Any], classes: Sequence[str]) -> SpanRulesModel:
        model = cls(**params).fit([])
        if list(model.classes_) != list(classes):
            raise ValueError(f"labels {list(classes)} do not match the rules' "
                             f"{list(model.classes_)}")
        return model
