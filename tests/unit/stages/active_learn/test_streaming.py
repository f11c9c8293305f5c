"""Scoring the pool chunk by chunk picks what scoring it whole picks, here and on Ray."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

from textloop.stages.active_learn import suggest
from textloop.stages.active_learn.data import fit, load_sets
from textloop.stages.active_learn.streaming import merge, streamed_top
from textloop.stages.active_learn.suggest import rank
from textloop.strategies.query import QueryContext, get_strategy


def _pool(n: int = 600, seed: int = 0) -> tuple[np.ndarray, LogisticRegression]:
    rng = np.random.default_rng(seed)
    labeled = rng.normal(size=(60, 8))
    y = np.array(["a", "b", "c"] * 20)
    labeled[:, 0] += np.array([0.0, 1.5, 3.0] * 20)
    pool = rng.normal(size=(n, 8)).astype(np.float32)
    pool[::50] = pool[7]  # identical rows: equal scores, to be broken by pool position
    return pool, LogisticRegression(max_iter=500).fit(labeled, y)


@pytest.mark.parametrize("name", ["margin", "entropy", "least-confidence"])
def test_chunks_pick_what_the_whole_pool_picks(name: str) -> None:
    pool, model = _pool()
    _, strategy = get_strategy(name)
    whole = strategy.select(QueryContext(pool_X=pool, labeled_X=pool[:0],
                                         labeled_y=np.array([]),
                                         proba=model.predict_proba(pool)), 25)
    for chunk in (7, 64, 1000):
        assert streamed_top(pool, model, strategy, 25, chunk=chunk).tolist() == whole.tolist()


def test_merge_keeps_the_best_and_gives_ties_to_the_lower_position() -> None:
    best = (np.array([9, 4]), np.array([0.9, 0.5]))
    found = (np.array([2, 12]), np.array([0.5, 0.95]))
    positions, scores = merge(best, found, 3)
    assert positions.tolist() == [12, 9, 2] and scores.tolist() == [0.95, 0.9, 0.5]


@pytest.mark.slow
def test_chunks_scored_on_ray_pick_what_local_picks(ray_cluster: str) -> None:
    from textloop.executors import executor_for

    pool, model = _pool(2000, seed=3)
    _, strategy = get_strategy("margin")
    local = streamed_top(pool, model, strategy, 40, chunk=128)
    with executor_for("ray", address=ray_cluster) as ray:
        remote = streamed_top(pool, model, strategy, 40, ray, chunk=128)
    assert remote.tolist() == local.tolist()


@pytest.mark.model
@pytest.mark.parametrize("engine", ["local", pytest.param("ray", marks=pytest.mark.slow)])
def test_suggest_queues_the_records_todays_ranking_picks(mixed_project, monkeypatch,
                                                         request, engine: str) -> None:
    project, store = mixed_project
    sets = load_sets(store, project)
    expected = rank(sets, "margin", 12, model=fit(sets)).chosen
    monkeypatch.setattr("textloop.stages.active_learn.streaming.CHUNK", 16)  # 10 chunks
    if engine == "ray":
        from textloop.executors import executor_for

        with executor_for("ray", address=request.getfixturevalue("ray_cluster")) as ray:
            result = suggest(store, project, strategy="margin", batch=12, executor=ray)
    else:
        result = suggest(store, project, strategy="margin", batch=12, executor="local")
    assert result.record_ids == [sets.pool_ids[i] for i in expected]
