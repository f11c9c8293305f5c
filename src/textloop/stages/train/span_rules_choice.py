"""Whether a learned span model keeps the project's span rules (``use_rules=auto``).

``models.spans.with_rules`` merges the rules' spans into a learned model's where the model
marks nothing. Rules can add what the model misses (well-formed phone numbers in a format
rare in the training data), or add noise (a company name inside a code snippet). Which one
a project's rules do is measured, never assumed: on the validation split, the model's spans
alone and merged with the rules are scored (entity micro-F1, strict), and the rules are
kept only when the merged spans score higher. A tie drops them: rules that change nothing
measurable are one more thing to maintain and to go wrong on new text.

The decision, the two scores and the mode are kept in the run (params ``rules_kept`` and
``rules_choice``, metrics ``val/entity_micro_f1_with_rules`` and
``val/entity_micro_f1_without_rules``) and in the bundle (``span_rules_choice``), so
``textloop runs`` and ``textloop evaluate`` show why a run does or does not use the rules.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from textloop.models.span_model import ScoredSpan
from textloop.tasks import Task
from textloop.tasks.spans import SpanOutput

METRIC = "entity_micro_f1"


@dataclass(frozen=True)
class RulesChoice:
    mode: str
    """``use_rules``: ``auto``, ``on`` or ``off``."""
    kept: bool
    f1_with: float | None
    """Validation entity micro-F1 with the rules merged in (None: not measured)."""
    f1_without: float | None
    reason: str

    def sentence(self) -> str:
        return self.reason

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "metric": METRIC}

    def params(self) -> dict[str, Any]:
        return {"rules_kept": self.kept, "rules_choice": self.reason}

    def metrics(self) -> dict[str, float]:
        if self.f1_with is None or self.f1_without is None:
            return {}
        return {f"val/{METRIC}_with_rules": self.f1_with,
                f"val/{METRIC}_without_rules": self.f1_without}


def choose_span_rules(task: Task, estimator: Any, x_val: Any | None,
                      values: Sequence[str], labels: Sequence[str]
                      ) -> tuple[RulesChoice | None, SpanOutput | None]:
    """Decide ``estimator``'s rules (``keep_rules``) for ``use_rules=auto`` on the validation
    inputs ``x_val`` and their stored spans ``values``; (the choice, the validation output of
    the model as decided, so it is not predicted again). (None, None) for a model without
    span rules."""
    params = estimator.get_params()
    mode = str(params.get("use_rules", "off"))
    if not params.get("rules"):
        return None, None
    if mode != "auto":
        return RulesChoice(mode, mode == "on", None, None,
                           f"use_rules={mode}: the span rules are "
                           f"{'merged with' if mode == 'on' else 'not used by'} the model"), None
    if x_val is None:
        estimator.keep_rules(False)
        return RulesChoice(mode, False, None, None,
                           "dropped the span rules: no validation split to show that they "
                           "help (pass --param use_rules=on to keep them)"), None
    from textloop.models.spans.with_rules import merge_rule_spans

    learned, ruled = estimator.predict_scored_parts(x_val)
    texts = list(x_val)
    alone = SpanOutput(texts, learned)
    both: list[list[ScoredSpan]] = [list(row) for row in merge_rule_spans(learned, ruled)]
    merged = SpanOutput(texts, both)
    without = task.score(values, alone, labels, estimator=estimator, reference=())[METRIC]
    with_rules = task.score(values, merged, labels, estimator=estimator, reference=())[METRIC]
    kept = with_rules > without
    estimator.keep_rules(kept)
    compared = (f"validation {METRIC} {with_rules:.4f} with them, {without:.4f} without")
    reason = (f"kept the span rules with the model: {compared}" if kept else
              f"dropped the span rules: {compared} (kept only when higher)")
    return RulesChoice(mode, kept, with_rules, without, reason), merged if kept else alone
