"""The project's span rules alongside a learned span model (``use_rules`` of ``minilm-crf``).

Rules and a learned model fail differently: a regex finds every well-formed phone number
and nothing else, a CRF generalises to names it never saw but misses rare formats. Merged:

- **the learned model's spans are all kept**, with their scores;
- **a rule span fills a gap**: it is added only where it overlaps no span of the model, so
  where both mark something the model wins (it learned the boundaries and types from the
  labeled data, which the rules were written without). Rule spans come from the
  ``span-rules`` model (``models.span_rules``: each rule applied, then the per-token
  majority of ``spans.rule_votes``), so they never overlap each other, and keep its score
  (the share of the label's rules that agree).

``use_rules``: ``on`` always merges, ``off`` never does, and ``auto`` (the default) lets
``textloop train`` decide on the validation split: the rules are kept only when the merged
spans score a higher entity micro-F1 there than the model's alone
(``stages/train/span_rules_choice.py``; the decision and both numbers are recorded with the
run). A model fitted outside ``textloop train`` with ``auto`` has measured nothing, so it
does not merge.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from textloop.errors import ConfigError
from textloop.models.span_rules import SpanRulesModel
from textloop.spans import Span

RULE_MODES = ("auto", "on", "off")


def check_rule_mode(mode: str) -> str:
    if mode not in RULE_MODES:
        raise ConfigError(f"use_rules={mode!r} is not one of {', '.join(RULE_MODES)}",
                          hint="pass --param use_rules=auto (keep the span rules when they "
                               "help on validation), on or off")
    return mode


def fit_rules(mode: str, rules: list[dict[str, Any]] | None, labels: list[str] | None
              ) -> SpanRulesModel | None:
    """The compiled ``span-rules`` model of ``rules`` (None without rules, or with
    ``use_rules=off``); ``use_rules=on`` without rules is refused."""
    if check_rule_mode(mode) == "off" or (not rules and mode == "auto"):
        return None
    if not rules:
        raise ConfigError("use_rules=on but the model has no span rules",
                          hint="add span_rules to textloop.yaml (docs/spans.md#span-rules), or "
                               "pass --param use_rules=off")
    return SpanRulesModel(rules=rules, labels=labels).fit([])


def merge_rule_spans(learned: Sequence[Sequence[tuple[Span, float]]],
                     ruled: Sequence[Sequence[tuple[Span, float]]]
                     ) -> list[list[tuple[Span, float]]]:
    """Per text, the learned spans plus each rule span that overlaps none of them, in
    canonical order (see the module docstring)."""
    out = []
    for mine, theirs in zip(learned, ruled, strict=True):
        added = [(span, score) for span, score in theirs
                 if not any(span.overlaps(other) for other, _ in mine)]
        out.append(sorted([*mine, *added], key=lambda pair: pair[0]))
    return out
