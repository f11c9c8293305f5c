"""Tag schemes: detection with its reason, strict validation naming the position and the fix
(seqeval's strict mode, raising where seqeval drops), conversions both ways."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from textloop.spans import Span, SpanError
from textloop.spans.schemes import (
    SCHEMES,
    TagError,
    convert_tags,
    detect_scheme,
    scheme_name,
    spans_to_tags,
    tag_rules,
    tags_to_spans,
)

SPANS = [Span(0, 2, "PER"), Span(2, 3, "PER"), Span(4, 5, "LOC"), Span(5, 8, "creative-work")]
TAGS = {
    "IOB1": ["I-PER", "I-PER", "B-PER", "O", "I-LOC", "I-creative-work", "I-creative-work",
             "I-creative-work", "O"],
    "IOB2": ["B-PER", "I-PER", "B-PER", "O", "B-LOC", "B-creative-work", "I-creative-work",
             "I-creative-work", "O"],
    "IOBES": ["B-PER", "E-PER", "S-PER", "O", "S-LOC", "B-creative-work", "I-creative-work",
              "E-creative-work", "O"],
    "BILOU": ["B-PER", "L-PER", "U-PER", "O", "U-LOC", "B-creative-work", "I-creative-work",
              "L-creative-work", "O"],
}


@pytest.mark.parametrize("scheme", SCHEMES)
def test_each_scheme_converts_both_ways(scheme: str) -> None:
    assert tags_to_spans(TAGS[scheme], scheme) == SPANS
    assert spans_to_tags(SPANS, 9, scheme) == TAGS[scheme]


@pytest.mark.parametrize("scheme", SCHEMES)
def test_each_scheme_is_detected_with_its_reason(scheme: str) -> None:
    detection = detect_scheme([["O"], TAGS[scheme]])
    assert detection.scheme == scheme
    assert detection.reason


def test_detection_reasons_and_the_undecidable_cases() -> None:
    assert "I- tags start entities (first at sentence 2, token 1)" in detect_scheme(
        [["O"], TAGS["IOB1"]]).reason
    assert detect_scheme([["O", "O"]]).reason == "no entity tags; IOB2 assumed"
    mixed = detect_scheme([["B-PER", "O", "I-LOC"]])
    assert mixed.scheme == "IOB2" and "also starts one (sentence 1, token 3)" in mixed.reason
    with pytest.raises(SpanError, match="mix IOBES"):
        detect_scheme([["S-PER", "U-LOC"]])
    with pytest.raises(TagError, match="token 2"):
        detect_scheme([["O", "PER"]])


def test_aliases() -> None:
    assert [scheme_name(n) for n in ("bio", "BIOES", "biluo", "iob-2")] == [
        "IOB2", "IOBES", "BILOU", "IOB2"]
    with pytest.raises(SpanError, match="unknown tag scheme"):
        scheme_name("IOE2")


@pytest.mark.parametrize(("scheme", "tags", "position", "message", "fix"), [
    ("IOB2", ["B-ORG", "I-PER"], 1, "'I-PER' after 'B-ORG': in IOB2 an I- tag continues",
     "write B-PER"),
    ("IOB2", ["O", "I-PER"], 1, "after 'O'", "or read the file as IOB1"),
    ("IOB2", ["I-PER"], 0, "at the start", "write B-PER"),
    ("IOB2", ["B-PER", "E-PER"], 1, "prefix E-, which IOB2 does not use", "IOBES"),
    ("IOBES", ["O", "E-PER"], 1, "an E- tag ends an entity", "write B-PER"),
    ("IOBES", ["B-PER", "O"], 1, "begun at token 1 ('B-PER') is not closed", "E-LABEL"),
    ("IOBES", ["B-PER", "I-PER"], 1, "not closed before the end of the sentence", "S-LABEL"),
    ("IOBES", ["B-PER", "S-LOC"], 1, "not closed before 'S-LOC'", "E-LABEL"),
    ("BILOU", ["B-PER", "B-PER", "L-PER"], 1, "in BILOU an entity ends with L-", "U-LABEL"),
    ("BILOU", ["B-PER", "E-PER"], 1, "prefix E-", "IOBES"),
    ("IOB1", ["O", "B-PER"], 1, "in IOB1 a B- tag only begins an entity right after another",
     "read the file as IOB2"),
    ("IOB1", ["I-LOC", "B-PER"], 1, "after 'I-LOC'", "write I-PER"),
    ("IOB2", ["B-PER", "X-PER"], 1, "not O nor PREFIX-LABEL", "write tags as O"),
])
def test_strict_errors_name_the_position_and_the_fix(scheme: str, tags: list[str],
                                                      position: int, message: str,
                                                      fix: str) -> None:
    with pytest.raises(TagError) as caught:
        tags_to_spans(tags, scheme)
    assert caught.value.position == position
    assert message in str(caught.value)
    assert fix in caught.value.fix


def test_lenient_reading_is_conllevals() -> None:
    tags = ["O", "I-PER", "I-PER", "B-LOC", "I-ORG", "E-ORG", "O", "E-MISC"]
    assert tags_to_spans(tags, "IOB2", strict=False) == [
        Span(1, 3, "PER"), Span(3, 4, "LOC"), Span(4, 6, "ORG"), Span(7, 8, "MISC")]
    assert tags_to_spans(["B-PER", "L-PER", "U-LOC"], "BILOU", strict=False) == [
        Span(0, 2, "PER"), Span(2, 3, "LOC")]


def test_tags_cannot_hold_overlapping_or_outside_spans() -> None:
    with pytest.raises(TagError, match="overlap"):
        spans_to_tags([Span(0, 2, "PER"), Span(1, 3, "LOC")], 3)
    with pytest.raises(TagError, match="outside the 2 tokens"):
        spans_to_tags([Span(1, 3, "PER")], 2)


def test_convert_between_schemes() -> None:
    assert convert_tags(TAGS["IOB1"], "IOB1", "BILOU") == TAGS["BILOU"]
    assert convert_tags(TAGS["IOBES"], "IOBES", "IOB1") == TAGS["IOB1"]


@st.composite
def token_spans(draw: st.DrawFn) -> tuple[list[Span], int]:
    length = draw(st.integers(1, 15))
    cuts = sorted(draw(st.sets(st.integers(0, length), min_size=2)))
    spans = [Span(a, b, draw(st.sampled_from(["PER", "LOC", "B-X"])))
             for a, b in itertools.pairwise(cuts) if draw(st.booleans())]
    return spans, length


@given(token_spans(), st.sampled_from(SCHEMES))
def test_spans_round_trip_through_every_scheme_and_agree_with_lenient(
        case: tuple[list[Span], int], scheme: str) -> None:
    spans, length = case
    tags = spans_to_tags(spans, length, scheme)
    assert tags_to_spans(tags, scheme) == spans
    assert tags_to_spans(tags, scheme, strict=False) == spans
    if spans:
        assert detect_scheme([tags]).scheme in (scheme, "IOB2" if scheme == "IOB1" else scheme)


def test_detection_can_leave_out_sentences_with_malformed_tags() -> None:
    sentences = [["B-PER", "X-ORG", "E-ORG"], ["O", "I-PER"]]
    with pytest.raises(TagError, match="token 2"):
        detect_scheme(sentences)
    # the malformed sentence's E- does not make the file IOBES: it is left out whole
    detection = detect_scheme(sentences, skip_malformed=True)
    assert detection.scheme == "IOB1"


RULE_LABELS = ("PER", "creative-work")


@pytest.mark.parametrize("scheme", ["IOB2", "IOBES", "BILOU"])
@given(data=st.data())
def test_tag_rules_accept_exactly_the_sequences_strict_reading_accepts(scheme, data) -> None:
    rules = tag_rules(RULE_LABELS, scheme)
    index = data.draw(st.lists(st.integers(0, len(rules.tags) - 1), min_size=1, max_size=6))
    tags = [rules.tags[i] for i in index]
    by_rules = (rules.start[index[0]] and rules.end[index[-1]]
                and all(rules.follows[a][b] for a, b in itertools.pairwise(index)))
    try:
        tags_to_spans(tags, scheme)
        strict = True
    except TagError:
        strict = False
    assert by_rules == strict, tags


def test_tag_rules_list_the_tags_that_would_extend_a_span() -> None:
    iob2 = tag_rules(["PER", "LOC"], "IOB2")
    assert iob2.tags == ("O", "B-PER", "I-PER", "B-LOC", "I-LOC")
    begin, inside = iob2.tags.index("B-PER"), iob2.tags.index("I-PER")
    assert iob2.continues[begin] == iob2.continues[inside] == (inside,)
    assert iob2.continues[0] == ()
    assert all(not c for c in tag_rules(["PER"], "BILOU").continues)


def test_tag_rules_refuse_iob1() -> None:
    with pytest.raises(SpanError, match="IOB1"):
        tag_rules(["PER"], "IOB1")
