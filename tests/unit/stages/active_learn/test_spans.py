"""``textloop suggest`` on span projects: random and rule-coverage orderings, the span
strategies ranking by a span model fitted on the labels so far (the default cold-starting
until one can be trained), the teach mode taking records in that order, and strategies
that rank by class probabilities refused."""

from __future__ import annotations

import json
from contextlib import contextmanager

import numpy as np
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
from tests.unit.stages.span_fixtures import span_project
from textloop.errors import ConfigError, InvalidInputError
from textloop.stages.active_learn import suggest, suggest_from_production
from textloop.stages.active_learn.span_learner import fit_span_learner, tag_pool
from textloop.stages.ingest import ImportOptions, import_file
from textloop.stages.label import next_teach, submit
from textloop.stages.label.span_suggestions import LEARNER_SOURCE, suggest_spans
from textloop.storage import Store, queue, records
from textloop.strategies.query.sequence_uncertainty import normalized_log_probability


def queued(store) -> list[str]:
    """Queued record ids, first to be labeled first."""
    with store.read() as conn:
        items = sorted(queue.active_items(conn), key=lambda item: -item["priority"])
    return [item["record_id"] for item in items]


def test_rule_coverage_puts_conflicts_first_then_records_rules_mark_most(span_store) -> None:
    project, store, ids = span_store
    add_spans(store, ids[APPLE_PIE], [])  # labeled: not in the pool
    result = suggest(store, project, strategy="rule-coverage", batch=5)
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


def test_without_labels_the_default_is_a_cold_start_on_sentence_embeddings(tmp_path) -> None:
    with opened_span_project(tmp_path) as (project, store, _):
        result = suggest(store, project, batch=2)
        assert result.strategy == "textloop.query.span-default.v1" and result.cold_start
        assert "k-means" in (result.basis or "")
        assert len(set(result.record_ids)) == 2 and queued(store) == result.record_ids
        with pytest.raises(ConfigError, match="declares no span rules"):
            suggest(store, project, strategy="rule-coverage")


@pytest.mark.parametrize("strategy", ["margin", "entropy", "qbc", "cluster-margin", "default.v1"])
def test_strategies_ranking_by_class_probabilities_are_refused(span_store, strategy) -> None:
    project, store, _ = span_store
    with pytest.raises(InvalidInputError) as info:
        suggest(store, project, strategy=strategy if strategy != "default.v1"
                else "textloop.query.default.v1")
    assert "class probabilities" in str(info.value)
    hint = info.value.hint or ""
    assert "span-mnlp" in hint and "rule-coverage" in hint and "cold-start" in hint
    assert queued(store) == []


def test_a_span_strategy_without_any_labeled_span_says_what_to_label(span_store) -> None:
    project, store, ids = span_store
    add_spans(store, ids[APPLE_PIE], [])  # an answer, but no span to learn from
    with pytest.raises(InvalidInputError, match="at least one span") as info:
        suggest(store, project, strategy="span-mnlp")
    assert "--strategy default" in (info.value.hint or "")
    assert queued(store) == []


def test_production_rows_of_a_span_project_need_served_traffic(span_store) -> None:
    """Span models serve and are monitored, so production rows are no longer refused up
    front (test_production_spans.py queues them); without traffic there is nothing to ask."""
    project, store, _ = span_store
    with pytest.raises(InvalidInputError, match="no logged predictions"):
        suggest_from_production(store, project)


PEOPLE = ["Ana", "Ben", "Chloe", "David", "Emma", "Farid", "Grace", "Hugo", "Ines", "Jonas",
          "Kenji", "Lena"]
PLACES = ["Seoul", "Paris", "Lima", "Oslo", "Cairo", "Quito"]
POOL = ["Mira lives in Rome", "zq 77 ## ?? ~~ qq", "Tomas flew to Accra today",
        "the weather is nice"]


@pytest.fixture
def labeled_people(tmp_path):
    """12 records with people and places marked by a person, and ``POOL`` unlabeled."""
    with people_project(tmp_path) as found:
        yield found


@contextmanager
def people_project(tmp_path):
    """``labeled_people`` for tests elsewhere (the CLI's)."""
    project = span_project(tmp_path / "ner")
    texts = [f"{who} lives in {PLACES[i % len(PLACES)]}" for i, who in enumerate(PEOPLE)]
    data = tmp_path / "texts.jsonl"
    data.write_text("".join(json.dumps({"text": t}) + "\n" for t in [*texts, *POOL]),
                    encoding="utf-8")
    with Store.for_project(project) as store:
        import_file(store, project, data, ImportOptions(label_col=""))
        with store.read() as conn:
            ids = {r.text: r.id for r in records.iter_all(conn)}
        for text, who in zip(texts, PEOPLE, strict=True):
            place = text.rsplit(" ", 1)[1]
            add_spans(store, ids[text], [span(text, who, "PER"), span(text, place, "LOC")])
        yield project, store, ids, texts


def test_the_default_ranks_by_the_span_model_once_it_can_be_trained(labeled_people) -> None:
    """12 labeled records: the span model is fitted on them and the pool queued least sure
    first by MNLP; the teach mode opens the records in that order."""
    project, store, ids, texts = labeled_people
    result = suggest(store, project, batch=4)
    assert result.strategy == "textloop.query.span-default.v1" and not result.cold_start
    assert "least sure" in (result.basis or "") and result.labeled == 12
    pool = sorted(ids[t] for t in POOL)  # the pool in id order, as suggest sees it
    by_id = {rid: text for text, rid in ids.items()}
    labeled = sorted(zip(texts, PEOPLE, strict=True), key=lambda pair: ids[pair[0]])
    model = fit_span_learner([t for t, _ in labeled],  # in id order, as suggest fits
                             [[span(t, w, "PER"), span(t, t.rsplit(" ", 1)[1], "LOC")]
                              for t, w in labeled])
    uncertainty = normalized_log_probability(tag_pool(model, [by_id[r] for r in pool]))
    expected = [pool[i] for i in np.lexsort((np.arange(len(pool)), -uncertainty))]
    assert result.record_ids == expected and queued(store) == expected
    assert np.diff(np.log(np.sort(uncertainty))).min() > 0.1  # an order, not a near tie
    for position, record_id in enumerate(expected):
        shown = next_teach(store, project, "alice")
        assert shown is not None and shown.item.record_id == record_id, position
        submit(store, project, "alice", record_id, [])


def test_a_class_strategy_is_refused_in_a_classification_project_too(project, store) -> None:
    with pytest.raises(InvalidInputError, match="span model's tag probabilities") as info:
        suggest(store, project, strategy="span-mnlp")
    assert "--strategy default" in (info.value.hint or "")


def test_suggest_stores_the_learner_s_spans_for_the_labeling_page(labeled_people) -> None:
    """The span model that chose the records also says what it thinks they hold: each
    queued record's spans (with their probabilities) are suggestions the labeling page
    shows and teach mode offers one by one, from source ``learner``."""
    project, store, ids, texts = labeled_people
    result = suggest(store, project, batch=4)
    assert result.suggested_spans > 0
    labeled = sorted(zip(texts, PEOPLE, strict=True), key=lambda pair: ids[pair[0]])
    model = fit_span_learner([t for t, _ in labeled],
                             [[span(t, w, "PER"), span(t, t.rsplit(" ", 1)[1], "LOC")]
                              for t, w in labeled])
    assert model is not None
    predicted = dict(zip(POOL, model.predict_scored(POOL), strict=True))
    assert predicted["Mira lives in Rome"]  # the learner marks something there
    by_id = {rid: text for text, rid in ids.items()}
    for position, record_id in enumerate(result.record_ids):
        shown = next_teach(store, project, "alice")
        assert shown is not None and shown.item.record_id == record_id, position
        text = by_id[record_id]
        offered = [s for s in shown.item.suggested_spans if s.source == LEARNER_SOURCE]
        assert [(s.start, s.end, s.label) for s in offered] == [
            (s.start, s.end, s.label) for s, _ in predicted[text]]
        assert [s.score for s in offered] == pytest.approx([p for _, p in predicted[text]])
        assert shown.item.suggestion is None  # spans, not a class label to pre-select
        if offered:
            assert shown.target is not None and LEARNER_SOURCE in shown.target.sources
        submit(store, project, "alice", record_id, [])
    # every front end asks the same suggesters: the learner's spans are listed there too
    mira = "Mira lives in Rome"
    assert [s for s in suggest_spans(store, project, mira) if s.source == LEARNER_SOURCE]


def test_a_cold_start_queues_no_learner_spans(tmp_path) -> None:
    with opened_span_project(tmp_path) as (project, store, _):
        result = suggest(store, project, batch=2)
        assert result.cold_start and result.suggested_spans == 0
        with store.read() as conn:
            assert {item["suggestion"] for item in queue.active_items(conn)} == {None}
