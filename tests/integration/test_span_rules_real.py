"""Span rules on a real corpus: WNUT-17's dev set (tweets, six entity types) imported with
its spans as the truth, a gazetteer and a regex judged against them, weak spans stored."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import shared_data
from textloop.config import Project
from textloop.config.span_rules import SpanRule
from textloop.spans import decode_spans
from textloop.stages.ingest import ImportOptions, import_file
from textloop.stages.label.resolution import current_labels
from textloop.stages.project.init import init_project
from textloop.stages.rules import SpanRulesReport, apply_weak_labels, evaluate_rules
from textloop.storage import Store, records

pytestmark = pytest.mark.integration

RULES = [
    SpanRule(name="platforms", label="corporation",
             phrases=["YouTube", "Twitter", "Facebook", "Instagram", "Google", "Apple",
                      "Netflix", "Snapchat", "Amazon"]),
    SpanRule(name="capitalised", label="person", regex=r"\b[A-Z][a-z]+ [A-Z][a-z]+\b",
             case_sensitive=True),
]


@contextmanager
def wnut_dev_project(tmp_path: Path, rules: list[SpanRule]) -> Iterator[tuple[Project, Store]]:
    """A span project with WNUT-17's dev tweets imported with their spans, and ``rules``."""
    project = init_project(tmp_path / "wnut", labels=[], task="spans")
    with Store.for_project(project) as store:
        import_file(store, project, shared_data("spans", "wnut17", "dev.conll"),
                    ImportOptions(add_labels=True))
        project.spec.span_rules = rules
        project.save()
        yield project, store


def test_span_rules_on_wnut17_against_its_own_spans(tmp_path) -> None:
    with wnut_dev_project(tmp_path, RULES) as (project, store):
        report = evaluate_rules(store, project, gold_kinds=["import"])
        assert isinstance(report, SpanRulesReport)
        with store.read() as conn:
            texts = {r.id: r.text for r in records.iter_all(conn)}
            gold = {rid: decode_spans(r.label) for rid, r in current_labels(conn).items()}
        assert report.analysis.n_items == report.analysis.n_gold == len(texts) > 1000
        assert report.weak.n_gold_spans == sum(len(spans) for spans in gold.values())
        for rule in report.analysis.rules:
            assert rule.n_spans > 0 and rule.strict_precision is not None
            assert rule.strict_precision <= rule.partial_precision  # type: ignore[operator]
        for example in report.examples:  # each example is what it says, in its record
            span = (example.start, example.end, example.label)
            assert texts[example.record_id][example.start:example.end] == example.span_text
            in_gold = span in {(s.start, s.end, s.label) for s in gold[example.record_id]}
            assert in_gold == (example.kind == "missed")
        assert {e.kind for e in report.examples} == {"false_positive", "missed"}

        first = apply_weak_labels(store, project)
        assert first.new == first.n_covered - first.below_threshold > 0
        again = apply_weak_labels(store, project)
        assert (again.new, again.changed, again.unchanged) == (0, 0, first.new)
        with store.read() as conn:
            after = current_labels(conn)
        # every record came with imported spans, which outrank the weak ones
        assert {r.kind for r in after.values()} == {"import"}
