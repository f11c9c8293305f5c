"""What active learning trains on and what it may ask annotators about."""

from __future__ import annotations

import pytest

from tests.unit.stages.synthesize.batches import candidate, stored_batch
from textloop.stages.active_learn.data import load_sets
from textloop.stages.synthesize.decisions import decide
from textloop.storage import records


def test_accepted_synthetic_records_are_neither_pool_nor_training(mixed_project) -> None:
    project, store = mixed_project
    before = load_sets(store, project)
    batch = stored_batch(store, [candidate("win a free prize now, text CLAIM to 8888"),
                                 candidate("cheap loans approved today, reply YES")])
    decide(store, batch, "accepted", actor="ana")
    with store.read() as conn:
        generated = {r.id for r in records.iter_all(conn) if r.source_kind == "synthetic"}
    assert len(generated) == 2  # the batch became records
    after = load_sets(store, project)
    assert after.pool_ids == before.pool_ids
    assert after.labeled_ids == before.labeled_ids
    assert not generated & (set(after.pool_ids) | set(after.labeled_ids))


def test_a_tie_waiting_for_adjudication_is_not_asked_again(mixed_project) -> None:
    """Two annotators split 1:1: the record has no final label, but asking more people is not
    how it is settled (an adjudicator decides), so it stays out of the pool."""
    from textloop.storage import annotation_log

    project, store = mixed_project
    before = load_sets(store, project)
    tied = before.pool_ids[0]
    with store.write() as conn:
        for who, label in (("anna", "spam"), ("ben", "ham")):
            annotation_log.add_one(conn, record_id=tied, label=label, kind="human",
                                   annotator=who)
    after = load_sets(store, project)
    assert tied not in after.pool_ids and tied not in after.labeled_ids
    assert set(after.pool_ids) == set(before.pool_ids) - {tied}


@pytest.mark.model
def test_a_korean_project_asks_with_multilingual_vectors(tmp_path) -> None:
    from tests.unit.stages.pipeline_fixtures import embedded_model_ids, project_in, released
    from textloop.storage import Store

    project = project_in("ko", tmp_path)
    with Store.for_project(project) as store:
        released(store, project, tmp_path)
        sets = load_sets(store, project)
        assert sets.labeled_X.shape[1] == 512
        assert embedded_model_ids(store) == {"use-multilingual-v3/int8-per-token-exact"}
