"""Span rules on the store: each rule judged against people's final spans, the combined weak
spans scored, examples that help fix a rule, and weak spans stored as annotations."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from tests.unit.stages.rules.span_fixtures import (
    ANA_APPLE,
    APPLE_PIE,
    BRANDS,
    GALAXY,
    KR_MOBILE,
    SAMSUNG_PHONE,
    SAMSUNG_SHARES,
    add_spans,
    label_people,
    span,
    span_project,
)
from textloop.errors import ConfigError, InvalidInputError
from textloop.spans import decode_spans
from textloop.stages.label.resolution import current_labels
from textloop.stages.rules import SpanRulesReport, apply_weak_labels, evaluate_rules
from textloop.storage import Store
from textloop.storage.schema import annotations_table as table


def by_name(report: SpanRulesReport) -> dict:
    return {rule.name: rule for rule in report.analysis.rules}


def test_each_rule_is_judged_against_peoples_spans(span_store) -> None:
    project, store, ids = span_store
    label_people(store, ids)
    report = evaluate_rules(store, project)
    assert isinstance(report, SpanRulesReport)
    rules = by_name(report)
    assert report.analysis.n_items == 6 and report.analysis.n_gold == 3
    # the regex finds the hyphenated number but not the one written with spaces
    mobile = rules["kr-mobile"]
    assert (mobile.n_spans, mobile.coverage) == (1, pytest.approx(1 / 6))
    assert (mobile.strict_precision, mobile.strict_recall) == (1.0, 0.5)
    # the gazetteer marks the pie's Apple too
    brands = rules["brands"]
    assert (brands.n_spans, brands.n_gold_spans) == (5, 3)
    assert brands.strict_precision == pytest.approx(2 / 3)
    # 삼성전자 is marked ORG by one rule and BRAND by another: both conflict there
    assert rules["samsung-org"].strict_precision == 0.0
    assert (rules["samsung-org"].n_conflicting, brands.n_conflicting) == (2, 2)
    assert report.gold_kinds == ["human", "adjudicated", "review"]


def test_the_combined_weak_spans_are_scored_against_people(span_store) -> None:
    project, store, ids = span_store
    label_people(store, ids)
    weak = evaluate_rules(store, project).weak
    # on the 3 labeled records the majority gives PHONE (exact), Apple (exact) and the pie's
    # Apple (wrong); 삼성전자 is a BRAND/ORG tie, so no span; 5 human spans
    assert (weak.n_records, weak.n_on_gold, weak.n_gold_spans) == (3, 3, 5)
    assert weak.strict_precision == pytest.approx(2 / 3)
    assert weak.strict_recall == pytest.approx(2 / 5)
    assert weak.strict_f1 == pytest.approx(2 * 2 / 8)
    assert (weak.n_covered, weak.n_spans) == (4, 4)  # in the whole store (+ Galaxy S24)


def test_examples_show_a_false_positive_and_a_missed_mention(span_store) -> None:
    project, store, ids = span_store
    label_people(store, ids)
    examples = evaluate_rules(store, project).examples
    wrong = [e for e in examples if e.rule == "brands" and e.kind == "false_positive"]
    assert [(e.record_id, e.span_text) for e in wrong] == [(ids[APPLE_PIE], "Apple")]
    missed = [e for e in examples if e.rule == "kr-mobile" and e.kind == "missed"]
    assert [(e.record_id, e.span_text, e.label) for e in missed] == [
        (ids[ANA_APPLE], "010 9876 5432", "PHONE")]
    assert missed[0].text == ANA_APPLE


def test_an_adjudicated_answer_is_the_truth(span_store) -> None:
    project, store, ids = span_store
    rid = ids[APPLE_PIE]
    add_spans(store, rid, [], who="alice")
    add_spans(store, rid, [span(APPLE_PIE, "Apple", "BRAND")], who="bob")
    add_spans(store, rid, [span(APPLE_PIE, "Apple", "BRAND")], kind="adjudicated", who="dave")
    assert by_name(evaluate_rules(store, project))["brands"].strict_precision == 1.0


def test_a_span_project_without_span_rules_gets_an_example(tmp_path) -> None:
    project = span_project(tmp_path / "ner")
    with Store.for_project(project) as store, pytest.raises(ConfigError) as info:
        evaluate_rules(store, project)
    assert "declares no span rules" in str(info.value)
    assert "span_rules:" in (info.value.hint or "") and "phrases:" in (info.value.hint or "")


def weak_rows(store) -> list[dict]:
    with store.read() as conn:
        query = select(table).where(table.c.kind == "weak").order_by(table.c.id)
        return [dict(row) for row in conn.execute(query).mappings()]


def standing(store) -> dict[str, list]:
    return {row["record_id"]: decode_spans(row["label"]) for row in weak_rows(store)
            if row["retracted_at"] is None}


def test_applying_span_rules_stores_the_combined_weak_spans(span_store) -> None:
    project, store, ids = span_store
    result = apply_weak_labels(store, project)
    assert result.label_model == "textloop.span_label_model.majority.v1"
    assert result.annotator == "label_model:majority"
    # 5 records where a rule fires; 삼성전자 주가 is a tie and gets no weak spans
    assert (result.n_records, result.n_covered, result.new, result.below_threshold) == (
        6, 5, 4, 1)
    assert result.labels == {"PHONE": 1, "BRAND": 3}
    assert standing(store) == {
        ids[SAMSUNG_PHONE]: [span(SAMSUNG_PHONE, "010-1234-5678", "PHONE")],
        ids[ANA_APPLE]: [span(ANA_APPLE, "Apple", "BRAND")],
        ids[APPLE_PIE]: [span(APPLE_PIE, "Apple", "BRAND")],
        ids[GALAXY]: [span(GALAXY, "Galaxy S24", "BRAND")]}
    row = next(r for r in weak_rows(store) if r["record_id"] == ids[SAMSUNG_PHONE])
    assert json.loads(row["meta"])["rules"] == ["kr-mobile", "brands", "samsung-org"]
    assert json.loads(row["label"]) == [{"start": 4, "end": 17, "label": "PHONE"}]


def test_applying_twice_writes_nothing_and_a_rule_change_rewrites_what_changed(
        span_store) -> None:
    project, store, ids = span_store
    apply_weak_labels(store, project)
    before = weak_rows(store)
    again = apply_weak_labels(store, project)
    assert (again.new, again.changed, again.unchanged, again.withdrawn) == (0, 0, 4, 0)
    assert weak_rows(store) == before
    project.spec.span_rules = [KR_MOBILE, BRANDS]  # without the conflicting ORG rule
    project.save()
    changed = apply_weak_labels(store, project)
    # 삼성전자 is now a brand in both Korean records
    assert (changed.new, changed.changed, changed.unchanged) == (1, 1, 3)
    assert standing(store)[ids[SAMSUNG_SHARES]] == [span(SAMSUNG_SHARES, "삼성전자", "BRAND")]
    assert len(standing(store)[ids[SAMSUNG_PHONE]]) == 2


def test_weak_spans_never_outrank_peoples_spans(span_store) -> None:
    project, store, ids = span_store
    label_people(store, ids)
    apply_weak_labels(store, project)
    with store.read() as conn:
        final = current_labels(conn, project.spec.labeling.policy)
    assert final[ids[APPLE_PIE]].kind == "human" and decode_spans(final[ids[APPLE_PIE]].label) == []
    assert final[ids[GALAXY]].kind == "weak"


def test_span_rules_combine_by_majority_only(span_store) -> None:
    project, store, _ = span_store
    with pytest.raises(InvalidInputError, match="majority") as info:
        apply_weak_labels(store, project, method="dawid_skene")
    assert "span" in str(info.value)


def test_a_confidence_threshold_is_refused_not_ignored(span_store) -> None:
    """Token majority has no confidence to compare with: a threshold given for span rules
    would silently change nothing, so it is refused, and nothing is stored."""
    project, store, _ = span_store
    with pytest.raises(InvalidInputError, match="--min-confidence") as info:
        apply_weak_labels(store, project, min_confidence=0.9)
    assert "label model" in str(info.value) and "leave --min-confidence out" in info.value.hint
    with store.read() as conn:
        assert conn.execute(select(table).where(table.c.kind == "weak")).first() is None


def test_gold_is_the_span_level_majority_of_three_annotators(span_store) -> None:
    project, store, ids = span_store
    rid = ids[ANA_APPLE]
    ana, apple = span(ANA_APPLE, "Ana", "PER"), span(ANA_APPLE, "Apple", "BRAND")
    add_spans(store, rid, [ana, apple, span(ANA_APPLE, "010 9876 5432", "PHONE")], who="ann")
    add_spans(store, rid, [apple], who="ben")
    add_spans(store, rid, [ana, apple], who="cat")
    report = evaluate_rules(store, project)
    # Ana (2 of 3) and Apple (3 of 3) are kept, the phone number (1 of 3) is dropped
    assert (report.analysis.n_gold, report.weak.n_gold_spans) == (1, 2)
    assert by_name(report)["kr-mobile"].strict_recall is None  # no PHONE span to find
    assert by_name(report)["brands"].strict_precision == 1.0
