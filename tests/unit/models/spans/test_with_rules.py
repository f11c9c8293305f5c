"""Merging the span rules' spans into a learned model's: the model's are kept, a rule span
only fills a gap; ``use_rules`` is checked by name."""

from __future__ import annotations

import pytest

from textloop.errors import ConfigError
from textloop.models.spans.with_rules import check_rule_mode, fit_rules, merge_rule_spans
from textloop.spans import Span


def test_rule_spans_fill_gaps_and_the_model_wins_an_overlap() -> None:
    learned = [[(Span(10, 19, "ORG"), 0.9)], []]
    ruled = [[(Span(0, 3, "PER"), 1.0), (Span(10, 14, "ORG"), 0.5), (Span(25, 38, "PHONE"), 1.0)],
             [(Span(4, 7, "PER"), 0.5)]]
    assert merge_rule_spans(learned, ruled) == [
        [(Span(0, 3, "PER"), 1.0), (Span(10, 19, "ORG"), 0.9), (Span(25, 38, "PHONE"), 1.0)],
        [(Span(4, 7, "PER"), 0.5)]]


def test_modes_are_checked_and_on_needs_rules() -> None:
    assert [check_rule_mode(m) for m in ("auto", "on", "off")] == ["auto", "on", "off"]
    with pytest.raises(ConfigError, match="use_rules='yes'"):
        check_rule_mode("yes")
    rules = [{"name": "people", "label": "PER", "phrases": ["Ana"]}]
    assert fit_rules("off", rules, ["PER"]) is None and fit_rules("auto", None, None) is None
    assert fit_rules("auto", rules, ["PER"]).predict(["Ana"]) == [[Span(0, 3, "PER")]]
    with pytest.raises(ConfigError, match="use_rules=on but the model has no span rules"):
        fit_rules("on", [], ["PER"])
