"""Spans for /v1/extract: per-type thresholds from the bundle, masking, and which route
serves which task."""

from __future__ import annotations

from pathlib import Path

import pytest

from textloop.config import Label
from textloop.models.span_rules import SpanRulesModel
from textloop.stages.project.init import init_project
from textloop.stages.runs.loading import LoadedRun
from textloop.stages.serving.extract import (
    ExtractedSpan,
    WrongRouteError,
    extractions_from,
    mask_text,
    require_route,
    span_thresholds_of,
)

RULES = [{"name": "people", "label": "PER", "phrases": ["Ana"]},
         {"name": "people-too", "label": "PER", "phrases": ["Ana", "Bob"]},
         {"name": "places", "label": "LOC", "phrases": ["Seoul"]}]


def loaded(meta: dict) -> LoadedRun:
    model = SpanRulesModel(rules=RULES, labels=["PER", "LOC"]).fit([])
    return LoadedRun(run={"name": "span-rules-7"}, model=model, meta=meta)


def span(start: int, end: int, label: str, text: str = "") -> ExtractedSpan:
    return ExtractedSpan(start, end, label, text, None)


def test_spans_below_their_types_threshold_are_dropped_and_other_types_kept() -> None:
    text = "Bob and Ana 🙂 in Seoul"
    meta = {"span_thresholds": {"thresholds": {"PER": 0.75}, "unmet": ["LOC: ..."]}}
    (found,) = extractions_from(loaded(meta), [text])
    assert [(s.start, s.end, s.label, s.text, s.score) for s in found.spans] == [
        (8, 11, "PER", "Ana", 1.0), (17, 22, "LOC", "Seoul", 1.0)]
    assert (found.dropped, found.model, found.thresholds) == (1, "span-rules-7", {"PER": 0.75})
    (unfiltered,) = extractions_from(loaded({}), [text])
    assert [s.text for s in unfiltered.spans] == ["Bob", "Ana", "Seoul"]
    assert unfiltered.dropped == 0 and span_thresholds_of({}) == {}


def test_masking_replaces_left_to_right_and_the_outermost_span_wins() -> None:
    text = "Ana Kim lives in New York City"
    assert mask_text(text, []) == text
    assert mask_text(text, [span(17, 30, "LOC"), span(0, 7, "PER")]) == (
        "[PER] lives in [LOC]")
    nested = [span(17, 25, "LOC"), span(17, 30, "ORG"), span(21, 25, "LOC")]
    assert mask_text(text, nested) == "Ana Kim lives in [ORG]"
    crossing = [span(0, 7, "PER"), span(4, 13, "ORG")]  # no part of either is left in clear
    assert mask_text(text, crossing) == "[PER] in New York City"
    assert mask_text("😀Ana😀", [span(1, 4, "PER")]) == "😀[PER]😀"


def test_each_route_serves_its_task_and_the_other_names_it(tmp_path: Path) -> None:
    spans = init_project(tmp_path / "ner", labels=[Label(name="PER")], task="spans")
    labels = init_project(tmp_path / "spam", labels=[Label(name="spam"), Label(name="ham")])
    require_route(spans, "/v1/extract")
    require_route(labels, "/v1/classify")
    with pytest.raises(WrongRouteError, match="/v1/classify does not serve ner, a spans "
                                              "project: its model answers on /v1/extract"):
        require_route(spans, "/v1/classify")
    with pytest.raises(WrongRouteError, match="answers on /v1/classify") as refused:
        require_route(labels, "/v1/extract")
    assert refused.value.http_status == 400


def test_an_answer_of_the_other_kind_is_a_conflict_naming_the_run() -> None:
    """A project whose task changed after training could serve a run of the other kind: the
    route says so instead of answering with the wrong fields."""
    from textloop.errors import ConflictError
    from textloop.stages.predict.prediction import Prediction
    from textloop.stages.serving.extract import Extraction
    from textloop.stages.serving.model import extracted, predicted

    label = Prediction(text="hi", label="spam", probabilities={"spam": 1.0}, score=1.0,
                       band="block", model="tfidf-lr-1")
    spans = Extraction(text="Ana", spans=[span(0, 3, "PER", "Ana")], model="span-rules-1")
    assert predicted(label, "tfidf-lr-1") is label and extracted(spans, "span-rules-1") is spans
    with pytest.raises(ConflictError, match="the served run span-rules-1 is a span model"):
        predicted(spans, "span-rules-1")
    with pytest.raises(ConflictError, match="the served run tfidf-lr-1 is not a span model"):
        extracted(label, "tfidf-lr-1")
