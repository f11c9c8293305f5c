"""The span label-error methods: which candidate findings reach the review queue."""

from __future__ import annotations

import pytest

from textloop.errors import InvalidInputError
from textloop.registry import REGISTRY
from textloop.strategies.cleaning.span_rules import (
    CONFIDENT_CUTS,
    SpanCleanlab,
    SpanConfident,
    SpanEvidence,
    get_span_method,
    span_methods,
)


def test_confident_flags_only_what_cleanlab_flags_and_its_kind_cut_passes() -> None:
    rule = SpanConfident(cuts={"wrong_type": 0.5, "spurious_span": 0.9})
    assert rule.flags(SpanEvidence("wrong_type", 0.6, True))
    assert not rule.flags(SpanEvidence("wrong_type", 0.6, False))  # no token-level agreement
    assert not rule.flags(SpanEvidence("wrong_type", 0.49, True))
    # the same probability is not enough for a kind with a stricter prior
    assert not rule.flags(SpanEvidence("spurious_span", 0.6, True))
    assert rule.flags(SpanEvidence("spurious_span", 0.95, True))
    # a kind without a cut is ranked, never flagged
    assert not rule.flags(SpanEvidence("missing_span", 1.0, True))
    assert SpanConfident(cuts={"wrong_type": 0.5}, require_token_flag=False).flags(
        SpanEvidence("wrong_type", 0.6, False))


def test_the_baseline_flags_every_candidate_cleanlab_flags() -> None:
    rule = SpanCleanlab()
    assert rule.flags(SpanEvidence("spurious_span", 0.01, True))
    assert not rule.flags(SpanEvidence("wrong_type", 0.99, False))


def test_span_methods_are_registered_versioned_and_listed_with_the_cleaning_methods() -> None:
    assert {"span-confident", "span-cleanlab"} <= set(REGISTRY.names("cleaning"))
    assert span_methods() == ["span-cleanlab", "span-confident"]
    full, rule = get_span_method("span-confident")
    assert full == "textloop.cleaning.span-confident.v1"
    assert isinstance(rule, SpanConfident) and dict(rule.cuts) == dict(CONFIDENT_CUTS)
    assert get_span_method("textloop.cleaning.span-cleanlab.v1")[0] == \
        "textloop.cleaning.span-cleanlab.v1"
    assert rule.describe()["cuts"] == dict(CONFIDENT_CUTS)


def test_a_classification_method_is_refused_for_spans_naming_the_span_ones() -> None:
    with pytest.raises(InvalidInputError) as caught:
        get_span_method("views-knn")
    assert "for classes" in caught.value.message
    assert "span-confident" in caught.value.hint and "span-cleanlab" in caught.value.hint


def test_a_span_method_is_refused_for_classes() -> None:
    from textloop.strategies.cleaning import get_method

    with pytest.raises(InvalidInputError) as caught:
        get_method("span-confident")
    assert "for span projects" in caught.value.message and "views-knn" in caught.value.hint


def test_support_from_other_records_lowers_the_cut_of_its_kind_only() -> None:
    rule = SpanConfident(cuts={"missing_span": 0.9}, supported_cuts={"missing_span": 0.5})
    assert not rule.flags(SpanEvidence("missing_span", 0.6, True, None))
    assert not rule.flags(SpanEvidence("missing_span", 0.6, True, 0.4))  # others disagree
    assert rule.flags(SpanEvidence("missing_span", 0.6, True, 0.5))
    assert not rule.flags(SpanEvidence("missing_span", 0.4, True, 1.0))
    assert not rule.flags(SpanEvidence("missing_span", 0.95, False, 1.0))
