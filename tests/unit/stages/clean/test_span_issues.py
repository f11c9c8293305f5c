"""The span checks that read annotations alone: strings typed two ways across records, and
annotators who disagree with the model or with the others far more than the rest; the
candidate findings from the model's disagreements, which a method splits into flagged and
ranked; and the folds of span cross-validation."""

from __future__ import annotations

import numpy as np

from textloop.models.span_model import TaggedText
from textloop.reports.clean_result import Finding
from textloop.spans import Span
from textloop.spans.matching import word_tokens
from textloop.stages.clean.span_issues import (
    SpanRecords,
    annotator_rates,
    inconsistent_types,
    per_type_rates,
    span_candidates,
    split_findings,
)
from textloop.stages.clean.span_oof import _splits
from textloop.strategies.cleaning.span_rules import SpanConfident
from textloop.strategies.cleaning.token_issues import TokenIssues

TAGS = ["O", "B-PER", "I-PER", "B-LOC", "I-LOC"]


def _tagged(text: str, rows: list[tuple[str, dict[str, float]]]) -> TaggedText:
    """A tagger's view of ``text``: per token its best tag and its tag marginals."""
    marginals = np.zeros((len(rows), len(TAGS)))
    for t, (_, probs) in enumerate(rows):
        for tag, p in probs.items():
            marginals[t, TAGS.index(tag)] = p
    return TaggedText(word_tokens(text), [tag for tag, _ in rows], TAGS, marginals, 0.0)


def test_every_disagreement_is_a_candidate_and_the_method_flags_the_confident_ones() -> None:
    text = "Alice met Bob in New York City and Paris"
    # tokens: Alice met Bob in New York City and Paris
    given = [Span(0, 5, "PER"), Span(10, 13, "LOC"), Span(17, 30, "LOC")]
    row = _tagged(text, [
        ("B-PER", {"B-PER": 0.9, "O": 0.1}), ("O", {"O": 1.0}),
        ("B-PER", {"B-PER": 0.8, "B-LOC": 0.2}),  # Bob: PER, given LOC
        ("O", {"O": 1.0}),
        ("B-LOC", {"B-LOC": 0.3, "O": 0.7}), ("I-LOC", {"I-LOC": 0.3, "O": 0.7}),
        ("O", {"O": 0.7, "I-LOC": 0.3}),  # "City" outside: a boundary disagreement
        ("O", {"O": 1.0}),
        ("B-LOC", {"B-LOC": 0.4, "O": 0.6}),  # Paris: a span none gives, weakly
    ])
    other = _tagged("Bob left", [("B-PER", {"B-PER": 0.9, "O": 0.1}), ("O", {"O": 1.0})])
    data = SpanRecords(["r0", "r1"], [text, "Bob left"], [given, [Span(0, 3, "PER")]],
                       ["PER", "LOC"])
    proba = [np.stack([r.marginals[:, 0], r.marginals[:, 1] + r.marginals[:, 2],
                       r.marginals[:, 3] + r.marginals[:, 4]], axis=1) for r in (row, other)]
    flagged = np.zeros(9, dtype=bool)
    flagged[[2, 6, 8]] = True
    issues = TokenIssues([flagged, np.zeros(2, dtype=bool)],
                         [np.linspace(0.1, 0.9, 9), np.ones(2)], np.asarray([0.1, 1.0]))
    candidates = span_candidates(data, [row, other], proba, issues)
    assert {f.record_id for f in candidates} == {"r0"}  # r1 agrees with the model
    by_kind = {f.kind: f for f in candidates}
    assert set(by_kind) == {"wrong_type", "wrong_boundary", "missing_span"}
    # r1 labels "Bob" PER, the suggested type: the other records support the fix
    assert by_kind["wrong_type"].details["evidence"] == {"p_suggested": 0.8,
                                                         "token_flagged": True, "support": 1.0}
    # a boundary fix is as sure as the tokens it changes ("City" to O), not the ones kept
    assert by_kind["wrong_boundary"].details["evidence"]["p_suggested"] == 0.7
    assert by_kind["missing_span"].details["evidence"] == {"p_suggested": 0.4,
                                                           "token_flagged": True,
                                                           "support": None}
    rule = SpanConfident(cuts={"wrong_type": 0.5, "wrong_boundary": 0.75, "missing_span": 0.5},
                         supported_cuts={})
    hit, ranked = split_findings(candidates, rule)
    assert [f.kind for f in hit] == ["wrong_type"] and hit[0].details["flagged"] is True
    assert {f.kind for f in ranked} == {"wrong_boundary", "missing_span"}
    assert all(f.details["flagged"] is False for f in ranked)
    # both keep the candidates' order (lowest score first)
    order = [(f.kind, f.record_id) for f in candidates]
    assert [(f.kind, f.record_id) for f in ranked] == [k for k in order if k[0] != "wrong_type"]
    # support lowers the bar only where the other records back the suggestion
    strict = SpanConfident(cuts={"wrong_type": 0.9, "missing_span": 0.9},
                           supported_cuts={"wrong_type": 0.5, "missing_span": 0.3})
    assert [f.kind for f in split_findings(candidates, strict)[0]] == ["wrong_type"]


def test_a_tie_between_types_is_evidence_without_a_fix() -> None:
    texts = ["Jordan won", "jordan lost", "Paris is big", "PARIS  is big", "paris again"]
    spans = [[Span(0, 6, "PER")], [Span(0, 6, "LOC")], [Span(0, 5, "LOC")],
             [Span(0, 5, "LOC")], [Span(0, 5, "PER")]]
    data = SpanRecords([f"r{i}" for i in range(5)], texts, spans, ["PER", "LOC"])
    found = {f.details.get("surface"): f for f in inconsistent_types(data)}
    assert set(found) == {"jordan", "paris"}  # as the flagged record writes it
    tie = found["jordan"]
    assert tie.record_id == "r1"  # the rarest type (a tie: by name), first record
    assert tie.details["counts"] == {"PER": 1, "LOC": 1} and tie.score == 0.5
    assert "suggested" not in tie.details and "given" not in tie.details
    assert tie.details["span"]["text"] == "jordan"
    paris = found["paris"]
    assert paris.record_id == "r4" and paris.details["records"] == {"LOC": ["r2", "r3"],
                                                                     "PER": ["r4"]}
    assert paris.details["given"]["label"] == "PER"
    assert paris.details["suggested"] == {"start": 0, "end": 5, "label": "LOC",
                                          "text": "paris"}


def test_an_annotator_far_off_the_model_and_the_others_is_flagged() -> None:
    gold = {f"r{i}": [Span(0, 3, "PER"), Span(10, 14, "LOC")] for i in range(12)}
    answers = []
    for rid, spans in gold.items():
        answers.append((rid, "ann", spans))
        answers.append((rid, "ben", spans if rid != "r0" else spans[:1]))
        answers.append((rid, "sloppy", [Span(0, 3, "LOC"), Span(10, 14, "LOC")]))
    rates = annotator_rates(answers, gold)
    assert rates["ann"]["model_disagreement"] == 0.0 and rates["ann"]["flagged"] == []
    assert rates["ben"]["records"] == 12 and rates["ben"]["spans"] == 23
    assert rates["sloppy"]["model_disagreement"] == 0.5
    assert rates["sloppy"]["flagged"] == ["model_disagreement"]
    # against peers everyone pays for the sloppy one: flagged only where it stands out
    peer = {who: row["peer_disagreement"] for who, row in rates.items()}
    assert peer["sloppy"] >= 0.5 > 0.3 > max(peer["ann"], peer["ben"])
    # few spans are no evidence: the same pattern on one record is not flagged
    few = annotator_rates([a for a in answers if a[0] == "r1"], gold)
    assert few["sloppy"]["flagged"] == []


def test_folds_are_stratified_and_fall_back_when_no_stratum_fills_them() -> None:
    strata = np.array([0] * 9 + [1] * 6 + [2])
    for _, test in _splits(strata, 3, seed=0):
        assert sorted(np.bincount(strata[test], minlength=3)[:2]) == [2, 3]
    rare = np.arange(6)  # every record its own stratum
    folds = _splits(rare, 3, seed=0)
    assert sorted(np.concatenate([test for _, test in folds]).tolist()) == list(range(6))


def test_a_types_error_rate_counts_its_missed_spans_and_never_passes_one() -> None:
    # 2 PER spans given, one questioned; 3 PER mentions missed: 4 of the 5 PER spans the
    # records should hold are in question (not 4 of the 2 given: 200%)
    texts = ["Ana and Bob", "Cy met Di", "Ed"]
    spans = [[Span(0, 3, "PER"), Span(8, 11, "PER")], [], []]
    data = SpanRecords(["r0", "r1", "r2"], texts, spans, ["PER"])

    def shown(rid: str, start: int, end: int) -> dict[str, object]:
        return {"start": start, "end": end, "label": "PER",
                "text": texts[int(rid[1])][start:end]}

    found = [Finding("r0", "wrong_boundary", 0.1, {"given": shown("r0", 8, 11),
                                                    "suggested": shown("r0", 8, 10)}),
             Finding("r1", "missing_span", 0.1, {"suggested": shown("r1", 0, 2)}),
             Finding("r1", "missing_span", 0.1, {"suggested": shown("r1", 7, 9)}),
             Finding("r2", "missing_span", 0.1, {"suggested": shown("r2", 0, 2)})]
    rates = per_type_rates(data, found)["PER"]
    assert (rates["n"], rates["flagged"], rates["missing"]) == (2, 4, 3)
    assert rates["rate"] == 4 / 5
