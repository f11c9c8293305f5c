"""The span checks that read annotations alone: strings typed two ways across records, and
annotators who disagree with the model or with the others far more than the rest; and the
folds of span cross-validation."""

from __future__ import annotations

import numpy as np

from textloop.reports.clean_result import Finding
from textloop.spans import Span
from textloop.stages.clean.span_issues import (
    SpanRecords,
    annotator_rates,
    inconsistent_types,
    per_type_rates,
)
from textloop.stages.clean.span_oof import _splits


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
