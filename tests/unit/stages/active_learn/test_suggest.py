"""``suggest``: cold start without labels, model suggestions with them, no record twice."""

from __future__ import annotations

import pytest

from textloop.errors import InvalidInputError
from textloop.stages.active_learn import suggest
from textloop.storage import queue

pytestmark = pytest.mark.model


def queued_items(store) -> list[dict]:
    with store.read() as conn:
        return queue.active_items(conn)


def test_cold_start_queues_a_diverse_batch_without_suggestions(unlabeled_project) -> None:
    project, store = unlabeled_project
    result = suggest(store, project, batch=12)
    assert result.cold_start and result.strategy == "textloop.query.default.v3"
    assert result.queued == 12 and result.labeled == 0 and result.pool_size == 150
    items = queued_items(store)
    assert {i["record_id"] for i in items} == set(result.record_ids)
    assert all(i["suggestion"] is None for i in items)
    assert all(i["overlap"] == project.spec.labeling.overlap for i in items)


def test_with_labels_the_model_suggests_and_nothing_is_queued_twice(mixed_project) -> None:
    project, store = mixed_project
    first = suggest(store, project, batch=10, overlap=2)
    second = suggest(store, project, batch=10)
    assert not first.cold_start and first.labeled == 30
    assert not set(first.record_ids) & set(second.record_ids)
    items = {i["record_id"]: i for i in queued_items(store)}
    assert all(items[r]["suggestion"] in {"spam", "ham"} for r in first.record_ids)
    assert all(0.5 <= items[r]["confidence"] <= 1.0 for r in first.record_ids)
    assert {items[r]["overlap"] for r in first.record_ids} == {2}
    # the earlier batch is served first
    assert min(items[r]["priority"] for r in first.record_ids) > max(
        items[r]["priority"] for r in second.record_ids)


def test_model_strategies_need_labels(unlabeled_project) -> None:
    project, store = unlabeled_project
    with pytest.raises(InvalidInputError, match="needs a trained model"):
        suggest(store, project, strategy="margin", batch=5)


def test_an_exhausted_pool_is_a_clear_error(unlabeled_project) -> None:
    project, store = unlabeled_project
    suggest(store, project, batch=200)
    with pytest.raises(InvalidInputError, match="nothing to suggest"):
        suggest(store, project, batch=5)


def test_the_strategy_sees_each_labeled_records_annotator_answers(mixed_project,
                                                                   monkeypatch) -> None:
    """Where several people answered, the query context carries their answers beside each
    labeled record (in ``labeled_X`` order), so a strategy can read their disagreement."""
    import importlib

    from textloop.stages.active_learn.data import load_sets
    from textloop.storage import annotation_log
    from textloop.strategies.query import get_strategy

    project, store = mixed_project
    pool = load_sets(store, project).pool_ids
    split, agreed = pool[:3], pool[3:5]
    with store.write() as conn:
        for record_id in split:  # 2:1, settled by majority
            for who, label in (("anna", "spam"), ("ben", "spam"), ("carl", "ham")):
                annotation_log.add_one(conn, record_id=record_id, label=label, kind="human",
                                       annotator=who)
        for record_id in agreed:
            for who in ("anna", "ben"):
                annotation_log.add_one(conn, record_id=record_id, label="ham", kind="human",
                                       annotator=who)
    seen = []
    _, real = get_strategy("textloop.query.default.v3")

    class Watching:
        needs_model = False

        def select(self, ctx, batch):
            seen.append(ctx)
            return real.select(ctx, batch)

    module = importlib.import_module("textloop.stages.active_learn.suggest")
    monkeypatch.setattr(module, "get_strategy", lambda name: ("watching", Watching()))
    suggest(store, project, batch=4)
    sets = load_sets(store, project)
    ctx = seen[-1]
    assert len(ctx.labeled_votes) == ctx.labeled_X.shape[0] == len(sets.labeled_ids) == 35
    votes = dict(zip(sets.labeled_ids, ctx.labeled_votes, strict=True))
    assert all(votes[r] == {"anna": "spam", "ben": "spam", "carl": "ham"} for r in split)
    assert all(votes[r] == {"anna": "ham", "ben": "ham"} for r in agreed)
    assert sum(1 for answers in ctx.labeled_votes if answers) == 5  # imports: no answers


def split_votes(store, record_ids, majority: str, minority: str) -> None:
    """Three annotators per record, two for ``majority``: settled, but disputed."""
    from textloop.storage import annotation_log

    with store.write() as conn:
        for record_id in record_ids:
            for who, label in (("anna", majority), ("ben", majority), ("carl", minority)):
                annotation_log.add_one(conn, record_id=record_id, label=label, kind="human",
                                       annotator=who)


def test_the_result_says_when_the_default_keeps_away_from_disputed_labels(
        mixed_project) -> None:
    from textloop.stages.active_learn.data import load_sets

    project, store = mixed_project
    calm = suggest(store, project, batch=4)
    assert calm.choice["noisy"] is False and calm.choice["diverse"] is False
    split_votes(store, load_sets(store, project).pool_ids[:24], "spam", "ham")
    result = suggest(store, project, batch=4)
    assert result.choice["noisy"] is True and result.choice["evidence"] == "votes"
    assert result.choice["noisy_classes"] == ["spam"] and result.choice["class_share"] == 1.0
    assert result.to_dict()["choice"]["noisiest_class"] == "spam"
