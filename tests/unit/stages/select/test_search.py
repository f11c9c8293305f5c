"""``search``: trial count, time budget, recorded trials, final model, missing extra."""

from __future__ import annotations

import json
import sys

import pytest

from tests.unit.stages.selection_fixtures import noisy_release
from textloop.errors import InvalidInputError, MissingExtraError
from textloop.models.search_space import Choice, FloatRange, IntRange
from textloop.stages.select.search import search, suggest
from textloop.storage import runs


def test_runs_the_trials_asked_for_and_trains_the_best(project, store, tmp_path) -> None:
    noisy_release(store, project, tmp_path)
    result = search(store, project, trials=3, folds=3, budget_s=3600)
    assert [t.number for t in result.trials] == [0, 1, 2]
    assert all(t.state == "COMPLETE" for t in result.trials)
    assert result.trials[0].params == {"C": 10.0, "ngram_max": 2, "min_df": 1,
                                       "class_weight": None}  # the defaults go first
    best = max(result.trials, key=lambda t: t.value or 0.0)
    assert result.best_value == best.value and result.best_params == best.params
    assert result.final is not None and result.final.run_name == "tfidf-lr-2"
    with store.read() as conn:
        run = runs.get(conn, result.run_name)
        history = runs.metric_history(conn, run["id"])
        final = runs.get(conn, result.final.run_name)
    assert run["config"]["kind"] == "search" and run["config"]["space"]["C"]["log"] is True
    assert run["params"]["final_run"] == "tfidf-lr-2" and run["params"]["trials"] == 3
    assert run["metrics"]["cv/macro_f1"] == pytest.approx(result.best_value)
    assert [step for step, _ in history["trial/macro_f1"]] == [1, 2, 3]
    assert {k: final["params"][k] for k in best.params} == best.params
    trials = json.loads(store.path_for("runs", run["name"], "trials.json").read_text())
    assert [t["state"] for t in trials] == ["COMPLETE"] * 3
    assert trials[1]["value"] == pytest.approx(result.trials[1].value)


def test_a_spent_budget_cuts_the_trial_and_starts_no_other(project, store, tmp_path) -> None:
    noisy_release(store, project, tmp_path)
    with pytest.raises(InvalidInputError, match="no trial finished within the 1e-06s budget"):
        search(store, project, trials=5, folds=3, budget_s=1e-6)
    with store.read() as conn:
        run = runs.get(conn, "search-tfidf-lr-1")
    assert run["status"] == "failed"


def test_fixed_params_are_left_out_of_the_space(project, store, tmp_path) -> None:
    noisy_release(store, project, tmp_path)
    result = search(store, project, trials=2, folds=3, params={"ngram_max": 1, "min_df": 1},
                    train_final=False)
    assert all(set(t.params) == {"C", "class_weight"} for t in result.trials)
    assert result.best_params["ngram_max"] == 1 and result.final is None


def test_suggested_values_stay_inside_the_declared_ranges() -> None:
    import optuna

    space = {"C": FloatRange(0.1, 10.0, log=True), "n": IntRange(1, 3),
             "w": Choice((None, "balanced"))}
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    for _ in range(20):
        drawn = suggest(study.ask(), space)
        assert 0.1 <= drawn["C"] <= 10.0 and drawn["n"] in (1, 2, 3)
        assert drawn["w"] in (None, "balanced")


def test_missing_optuna_names_the_extra(project, store, monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "optuna", None)
    with pytest.raises(MissingExtraError) as caught:
        search(store, project)
    assert caught.value.hint == 'pip install "textloop[search]"'


@pytest.mark.slow
def test_the_same_seed_finds_the_same_best_trial_on_ray(project, store, tmp_path,
                                                        ray_cluster) -> None:
    from textloop.executors import executor_for

    noisy_release(store, project, tmp_path)
    kwargs = {"trials": 4, "folds": 3, "budget_s": 3600, "seed": 7, "train_final": False}
    local = search(store, project, executor="local", **kwargs)
    with executor_for("ray", address=ray_cluster) as ray:
        remote = search(store, project, executor=ray, **kwargs)
    assert [(t.params, t.value, t.scores) for t in remote.trials] == \
        [(t.params, t.value, t.scores) for t in local.trials]
    assert (remote.best_params, remote.best_value) == (local.best_params, local.best_value)
