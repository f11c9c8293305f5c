"""Span-level majority: kept, dropped, ties."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from textloop.spans import Span, check_spans
from textloop.spans.voting import span_majority

PER, ORG = "PER", "ORG"


def test_a_span_needs_a_strict_majority_of_the_annotators() -> None:
    found = span_majority({
        "a": [Span(0, 5, PER), Span(10, 13, PER)],
        "b": [Span(0, 5, PER), Span(10, 13, ORG)],
        "c": [Span(0, 5, PER), Span(10, 13, PER), Span(17, 22, ORG)],
    })
    assert found.spans == [Span(0, 5, PER), Span(10, 13, PER)]  # 3/3 and 2/3
    assert (found.n_dropped, found.n_tied) == (2, 0)  # ORG 10-13 and ORG 17-22: 1/3 each


def test_a_span_exactly_half_marked_is_a_tie_left_out() -> None:
    two = span_majority({"a": [Span(0, 5, PER)], "b": []})
    assert (two.spans, two.n_dropped, two.n_tied) == ([], 0, 1)
    four = span_majority({"a": [Span(0, 5, PER)], "b": [Span(0, 5, PER)], "c": [],
                          "d": [Span(6, 8, ORG)]})  # PER is 2/4, ORG 1/4
    assert (four.spans, four.n_dropped, four.n_tied) == ([], 1, 1)
    kept = span_majority({"a": [Span(0, 5, PER)], "b": [Span(0, 5, PER)], "c": [],
                          "d": [Span(0, 5, PER), Span(6, 8, ORG)]})  # PER 3/4, ORG 1/4
    assert (kept.spans, kept.n_dropped, kept.n_tied) == ([Span(0, 5, PER)], 1, 0)
    same = span_majority({"a": [Span(0, 5, PER)], "b": [Span(0, 5, PER)]})
    assert (same.spans, same.n_dropped, same.n_tied) == ([Span(0, 5, PER)], 0, 0)


def test_a_duplicate_span_in_one_answer_counts_once() -> None:
    found = span_majority({"a": [Span(0, 5, PER), Span(0, 5, PER)], "b": [], "c": []})
    assert (found.spans, found.n_dropped) == ([], 1)


spans_lists = st.lists(st.builds(lambda s, n, lab: Span(s, s + n, lab),
                                 st.integers(0, 20), st.integers(1, 5), st.sampled_from("AB")),
                       max_size=4).map(lambda spans: _non_overlapping(spans))


def _non_overlapping(spans: list[Span]) -> list[Span]:
    kept: list[Span] = []
    for span in sorted(set(spans)):
        if not any(span.overlaps(other) for other in kept):
            kept.append(span)
    return kept


@given(st.lists(spans_lists, min_size=1, max_size=5))
def test_non_overlapping_answers_give_a_non_overlapping_majority(answers) -> None:
    found = span_majority({f"annotator {i}": spans for i, spans in enumerate(answers)})
    check_spans("x" * 30, found.spans, None, overlapping=False)  # raises on an overlap
