"""Span agreement against hand-computed cases, scikit-learn's kappa and a property test."""

from __future__ import annotations

from statistics import fmean

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import cohen_kappa_score

from textloop.errors import InvalidInputError
from textloop.measures.span_agreement import SpanDispute, span_agreement
from textloop.spans import Span
from textloop.spans.matching import token_tags, word_tokens

# Alice 0-5, met 6-9, Bob 10-13, in 14-16, Paris 17-22
EN = "Alice met Bob in Paris"
# 서울에서 0-4 (one token per syllable), 삼성전자를 5-10, 만났다 11-14
KO = "서울에서 삼성전자를 만났다"
TEXTS = {"en": EN, "ko": KO}
A_EN = [Span(0, 5, "PER"), Span(10, 13, "PER"), Span(17, 22, "LOC")]
B_EN = [Span(0, 5, "PER"), Span(10, 16, "PER"), Span(17, 22, "ORG")]
A_KO = [Span(0, 2, "LOC"), Span(5, 9, "ORG")]
B_KO = [Span(0, 2, "LOC"), Span(5, 7, "ORG")]
TWO = {"en": {"a": A_EN, "b": B_EN}, "ko": {"a": A_KO, "b": B_KO}}

# the token tags, written out by hand
TAGS_A = ["PER", "O", "PER", "O", "LOC",
          "LOC", "LOC", "O", "O", "ORG", "ORG", "ORG", "ORG", "O", "O", "O", "O"]
TAGS_B = ["PER", "O", "PER", "PER", "ORG",
          "LOC", "LOC", "O", "O", "ORG", "ORG", "O", "O", "O", "O", "O", "O"]


def test_two_annotators_strict_and_partial_by_hand() -> None:
    report = span_agreement(TWO, TEXTS, labels=["PER", "ORG", "LOC"])
    (pair,) = report.pairs
    assert (pair.a, pair.b, pair.n_shared, pair.observed) == ("a", "b", 2, 0.0)
    # 5 spans each; exact: PER 0-5, LOC 0-2; partial: PER 10-13~10-16, ORG 5-9~5-7
    assert pair.strict.precision == pytest.approx(2 / 5)
    assert pair.strict.recall == pytest.approx(2 / 5)
    assert pair.strict.f1 == pytest.approx(2 / 5)
    assert pair.partial.f1 == pytest.approx(3 / 5)
    per_label = {row.label: row for row in pair.labels}
    assert per_label["PER"].strict.f1 == pytest.approx(2 * 1 / 4)
    assert per_label["PER"].partial.f1 == pytest.approx(2 * 1.5 / 4)
    assert per_label["LOC"].strict.f1 == pytest.approx(2 * 1 / 3)  # a: 2 LOC, b: 1 LOC
    assert per_label["LOC"].strict.recall == pytest.approx(1 / 2)
    assert per_label["LOC"].strict.precision == pytest.approx(1.0)
    assert per_label["ORG"].strict.f1 == 0.0
    assert per_label["ORG"].partial.f1 == pytest.approx(2 * 0.5 / 3)
    # with one pair, the report's numbers are the pair's, labels in the order given
    assert report.strict == pair.strict and report.partial == pair.partial
    assert [row.label for row in report.labels] == ["PER", "ORG", "LOC"]
    assert [row.n_spans for row in report.labels] == [4, 3, 3]


def test_token_kappa_is_cohens_kappa_on_the_token_tags() -> None:
    report = span_agreement(TWO, TEXTS)
    kappa = report.pairs[0].kappa
    assert kappa.n_items == len(TAGS_A) == 17
    assert kappa.value == pytest.approx(cohen_kappa_score(TAGS_A, TAGS_B))
    assert report.kappa.value == pytest.approx(kappa.value)


def test_pairs_are_averaged_and_disputes_name_the_differing_pairs() -> None:
    three = {"en": {"a": A_EN, "b": B_EN, "c": list(reversed(A_EN))},
             "ko": {"a": A_KO, "b": B_KO}, "solo": {"a": []}}
    report = span_agreement(three, {**TEXTS, "solo": "nothing"})
    assert (report.n_records, report.n_overlapping) == (3, 2)
    assert [(p.a, p.b, p.n_shared) for p in report.pairs] == [("a", "b", 2), ("a", "c", 1),
                                                               ("b", "c", 1)]
    ab, ac, bc = report.pairs
    assert ac.strict.f1 == 1.0 and ac.observed == 1.0 and ac.kappa.value == pytest.approx(1.0)
    # b against c (= a) on the English record: 3 spans each, 1 exact, 1 partial
    assert bc.strict.f1 == pytest.approx(2 / 6)
    assert bc.partial.f1 == pytest.approx(2 * 1.5 / 6)
    assert report.strict.f1 == pytest.approx(fmean([2 / 5, 1.0, 2 / 6]))
    assert report.partial.f1 == pytest.approx(fmean([3 / 5, 1.0, 3 / 6]))
    assert report.kappa.value == pytest.approx(fmean([ab.kappa.value, 1.0, bc.kappa.value]))
    per_label = {row.label: row for row in report.labels}
    # PER strict F1 per pair: a-b 0.5, a-c 1.0, b-c 0.5 (1 exact of 2 + 2)
    assert per_label["PER"].strict.f1 == pytest.approx(fmean([0.5, 1.0, 0.5]))
    assert report.n_disputed == 2
    assert report.disputed_records == ["en", "ko"]
    assert report.disputes == [SpanDispute("en", ["a", "b", "c"], [("a", "b"), ("b", "c")]),
                               SpanDispute("ko", ["a", "b"], [("a", "b")])]
    payload = report.to_dict()
    assert payload["disputes"][0]["differing"] == [("a", "b"), ("b", "c")]
    assert payload["pairs"][0]["kappa"]["n_items"] == 17


def test_overlapping_spans_tag_tokens_with_the_first_by_start_end_label() -> None:
    text = "Bank of Korea Seoul"
    nested = [Span(8, 19, "LOC"), Span(0, 13, "ORG")]  # overlap on "Korea"
    flat = [Span(0, 13, "ORG"), Span(14, 19, "LOC")]
    report = span_agreement({"r": {"x": nested, "y": flat}}, {"r": text})
    # tokens: Bank of Korea Seoul -> x: ORG ORG ORG LOC, y: ORG ORG ORG LOC
    assert report.pairs[0].kappa.value == pytest.approx(1.0)
    assert report.pairs[0].strict.f1 == pytest.approx(2 * 1 / 4)
    assert report.pairs[0].partial.f1 == pytest.approx(2 * 1.5 / 4)


def test_emoji_and_astral_offsets_count_code_points() -> None:
    text = "\U0001f600 Kim \U0001f469\u200d\U0001f4bb Lee"
    spans = [Span(2, 5, "PER"), Span(10, 13, "PER")]
    assert [text[s.start:s.end] for s in spans] == ["Kim", "Lee"]
    report = span_agreement({"r": {"x": spans, "y": spans[:1]}}, {"r": text})
    # tokens: 😀 Kim 👩‍💻 Lee -> x: O PER O PER, y: O PER O O
    assert report.pairs[0].kappa.value == pytest.approx(
        cohen_kappa_score(["O", "PER", "O", "PER"], ["O", "PER", "O", "O"]))
    assert report.pairs[0].strict.recall == 0.5


def test_empty_answers_agree_but_have_no_scores() -> None:
    report = span_agreement({"r": {"x": [], "y": []}}, {"r": "nothing here"})
    pair = report.pairs[0]
    assert pair.observed == 1.0 and report.n_disputed == 0
    assert pair.strict.f1 is None and report.strict.f1 is None
    assert pair.kappa.value is None and "undefined" in pair.kappa.note
    assert report.kappa.value is None and report.kappa.note == pair.kappa.note


@pytest.mark.parametrize(("answers", "note"), [
    ({}, "no spans annotated yet"),
    ({"r": {"x": [Span(0, 1, "A")]}}, "only one annotator (x)"),
    ({"r": {"x": []}, "s": {"y": []}}, "no record has spans from two or more annotators"),
])
def test_why_nothing_is_measured(answers: dict, note: str) -> None:
    report = span_agreement(answers, {"r": "text", "s": "text"})
    assert note in report.note and report.pairs == []
    assert report.kappa.value is None


def test_bad_input_names_the_record_and_annotator() -> None:
    with pytest.raises(InvalidInputError, match="record r9: spans were given but no text"):
        span_agreement({"r9": {"x": [], "y": []}}, {})
    with pytest.raises(InvalidInputError, match="record r, annotator y: span 0-9") as caught:
        span_agreement({"r": {"x": [], "y": [Span(0, 9, "A")]}}, {"r": "short"})
    assert "code points" in (caught.value.hint or "")


def test_a_given_tokenizer_is_used() -> None:
    def characters(text: str) -> list[tuple[int, int]]:
        return [(i, i + 1) for i in range(len(text))]

    report = span_agreement({"r": {"x": [Span(0, 2, "A")], "y": [Span(0, 1, "A")]}},
                            {"r": "abc"}, tokenize=characters)
    assert report.pairs[0].kappa.n_items == 3
    assert report.pairs[0].kappa.value == pytest.approx(
        cohen_kappa_score(["A", "A", "O"], ["A", "O", "O"]))


PIECES = ["Kim", "서울", "삼성전자", "東京", "\U0001f600", "e\u0301", " ", ", ", "010-1234"]
TEXT = st.lists(st.sampled_from(PIECES), min_size=1, max_size=12).map("".join)


@st.composite
def records(draw: st.DrawFn) -> tuple[dict[str, str], dict[str, list[Span]]]:
    texts: dict[str, str] = {}
    spans: dict[str, list[Span]] = {}
    for i in range(draw(st.integers(1, 4))):
        text = draw(TEXT)
        found = []
        for _ in range(draw(st.integers(0, 3))):
            start = draw(st.integers(0, len(text) - 1))
            end = draw(st.integers(start + 1, len(text)))
            found.append(Span(start, end, draw(st.sampled_from(["PER", "LOC", "개인정보"]))))
        texts[f"r{i}"], spans[f"r{i}"] = text, found
    return texts, spans


@settings(max_examples=60, deadline=None)
@given(records())
def test_an_annotator_agrees_with_itself(data: tuple[dict[str, str], dict[str, list[Span]]]
                                         ) -> None:
    texts, spans = data
    report = span_agreement({rid: {"me": s, "again": list(reversed(s))}
                             for rid, s in spans.items()}, texts)
    assert report.n_disputed == 0 and report.pairs[0].observed == 1.0
    if any(spans.values()):
        assert report.strict.f1 == 1.0 and report.partial.f1 == 1.0
        assert all(row.strict.f1 == 1.0 for row in report.labels)
    else:
        assert report.strict.f1 is None
    tags = {tag for rid, s in spans.items() for tag in token_tags(word_tokens(texts[rid]), s)}
    kappa = report.pairs[0].kappa
    if len(tags) > 1:
        assert kappa.value == pytest.approx(1.0)
    elif tags:
        assert kappa.value is None and "one and the same label" in kappa.note
    else:  # texts without a single token: nothing to compare
        assert kappa.value is None and kappa.note == "no shared items"
