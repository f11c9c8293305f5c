"""``textloop suggest`` on span projects: random and rule-coverage orderings, the default
following ``span_rules:``, and model-based strategies refused until span models exist."""

from __future__ import annotations

import pytest

from tests.unit.stages.rules.span_fixtures import (
    ANA_APPLE,
    APPLE_PIE,
    GALAXY,
    NOTHING,
    SAMSUNG_PHONE,
    SAMSUNG_SHARES,
    add_spans,
    opened_span_project,
    span,
)
from textloop.errors import ConfigError, InvalidInputError
from textloop.stages.active_learn import suggest, suggest_from_production
from textloop.storage import queue


def queued(store) -> list[str]:
    """Queued record ids, first to be labeled first."""
    with store.read() as conn:
        items = sorted(queue.active_items(conn), key=lambda item: -item["priority"])
    return [item["record_id"] for item in items]


def test_rule_coverage_puts_conflicts_first_then_records_rules_mark_most(span_store) -> None:
    project, store, ids = span_store
    add_spans(store, ids[APPLE_PIE], [])  # labeled: not in the pool
    result = suggest(store, project, batch=5)
    assert result.strategy == "rule-coverage"
    assert "disagree" in result.basis
    order = [ids[text] for text in (SAMSUNG_PHONE, SAMSUNG_SHARES)]
    # both Korean records hold a BRAND/ORG conflict; the first has one more span (the phone)
    assert queued(store)[:2] == order
    assert set(queued(store)[2:4]) == {ids[ANA_APPLE], ids[GALAXY]}
    assert queued(store)[4] == ids[NOTHING]  # no rule fires: last
    assert result.pool_size == 5 and result.queued == 5 and not result.cold_start
    with store.read() as conn:
        strategies = {item["strategy"] for item in queue.active_items(conn)}
    assert strategies == {"rule-coverage"}


def test_random_ordering_is_seeded_and_skips_labeled_and_queued_records(span_store) -> None:
    project, store, ids = span_store
    add_spans(store, ids[GALAXY], [span(GALAXY, "Galaxy S24", "BRAND")])
    first = suggest(store, project, strategy="random", batch=2, seed=3)
    assert first.strategy == "textloop.query.random.v1" and len(first.record_ids) == 2
    rest = suggest(store, project, strategy="random", batch=10, seed=3)
    assert ids[GALAXY] not in first.record_ids + rest.record_ids
    assert sorted(first.record_ids + rest.record_ids) == sorted(
        rid for text, rid in ids.items() if text != GALAXY)


def test_without_span_rules_the_default_is_random(tmp_path) -> None:
    with opened_span_project(tmp_path) as (project, store, _):
        assert suggest(store, project, batch=2).strategy == "textloop.query.random.v1"
        with pytest.raises(ConfigError, match="declares no span rules"):
            suggest(store, project, strategy="rule-coverage")


@pytest.mark.parametrize("strategy", ["margin", "entropy", "qbc", "cold-start"])
def test_model_based_strategies_are_refused_for_spans(span_store, strategy) -> None:
    project, store, _ = span_store
    with pytest.raises(InvalidInputError) as info:
        suggest(store, project, strategy=strategy)
    assert "span models come with" in str(info.value)
    assert "random" in (info.value.hint or "") and "rule-coverage" in (info.value.hint or "")
    assert queued(store) == []


def test_production_rows_of_a_span_project_need_served_traffic(span_store) -> None:
    """Span models serve and are monitored, so production rows are no longer refused up
    front (test_production_spans.py queues them); without traffic there is nothing to ask."""
    project, store, _ = span_store
    with pytest.raises(InvalidInputError, match="no logged predictions"):
        suggest_from_production(store, project)
