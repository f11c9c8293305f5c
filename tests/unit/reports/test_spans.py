"""The span report's highlighting: an example's context cut at its spans' offsets only."""

from __future__ import annotations

from textloop.reports.spans import highlighted


def test_a_wrong_boundary_is_cut_where_gold_and_prediction_start_and_end() -> None:
    text = "Please Call Acme Corp at 010-9876-5432"
    example = {"context": text[7:], "context_start": 7,
               "gold": {"start": 12, "end": 21, "label": "ORG", "text": "Acme Corp"},
               "predicted": {"start": 12, "end": 16, "label": "ORG", "text": "Acme"}}
    assert highlighted(example) == [
        {"text": "Call ", "gold": None, "predicted": None},
        {"text": "Acme", "gold": "ORG", "predicted": "ORG"},
        {"text": " Corp", "gold": "ORG", "predicted": None},
        {"text": " at 010-9876-5432", "gold": None, "predicted": None}]


def test_a_missed_span_at_the_start_keeps_the_whole_text() -> None:
    example = {"context": "김철수는 <b>", "context_start": 0, "predicted": None,
               "gold": {"start": 0, "end": 3, "label": "PER", "text": "김철수"}}
    pieces = highlighted(example)
    assert "".join(p["text"] for p in pieces) == "김철수는 <b>"
    assert pieces[0] == {"text": "김철수", "gold": "PER", "predicted": None}
