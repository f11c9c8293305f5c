"""``synth evaluate``: the rule's decision on real test data, stored on the batch."""

from __future__ import annotations

import random

import pytest

from tests.unit.stages.pipeline_fixtures import HAM_WORDS, SPAM_WORDS, released
from tests.unit.stages.synthesize.batches import candidate, stored_batch
from textloop.config import SynthEvaluation
from textloop.errors import InvalidInputError
from textloop.stages.release import create_release
from textloop.stages.synthesize.ablation import Comparison
from textloop.stages.synthesize.evaluate import choose_evidence, evaluate_batch, judge
from textloop.storage import synth

RULE = SynthEvaluation()


def texts(words: list[str], n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return [" ".join(rng.choice(words) for _ in range(7)) + f" synth{i}" for i in range(n)]


def comparison(deltas: dict[str, float | None], macro: float) -> Comparison:
    return Comparison([0], {label: {"without": 0.8, "with": None if d is None else 0.8 + d,
                                    "delta": d} for label, d in deltas.items()},
                      {"without": 0.8, "with": 0.8 + macro, "delta": macro})


@pytest.mark.parametrize(("deltas", "macro", "decision", "words"), [
    ({"a": -0.005, "b": 0.02}, 0.012, "accepted", "macro-F1 +0.012 (at least +0.005"),
    ({"a": -0.01, "b": 0.02}, 0.005, "accepted", "no class loses more than 0.010"),
    ({"a": -0.02, "b": 0.05}, 0.015, "held_back", "'a' loses 0.020 F1 (at most 0.010"),
    ({"a": 0.0, "b": None}, -0.001, "held_back", "macro-F1 changes by -0.0010"),
])
def test_the_rule_allows_one_point_per_class_and_asks_for_a_macro_gain(deltas, macro, decision,
                                                                       words) -> None:
    got, reason = judge(comparison(deltas, macro), RULE, n_items=3)
    assert got == decision and words in reason


def test_a_batch_that_changes_nothing_is_held_back_by_the_gain_rule() -> None:
    """+0.000 does not help: the default asks for half a point, and the reason names the
    setting that held the batch back and how to accept batches that merely do no harm."""
    got, reason = judge(comparison({"a": 0.0, "b": 0.0}, 0.0), RULE, n_items=3)
    assert got == "held_back"
    assert "macro-F1 changes by +0.0000, less than the +0.005 required" in reason
    assert "synth.evaluate.min_macro_f1_delta" in reason and "set it to 0" in reason
    assert "max_class_f1_loss" not in reason


def test_min_macro_f1_delta_zero_accepts_a_batch_that_does_no_harm() -> None:
    harmless = SynthEvaluation(min_macro_f1_delta=0.0)
    got, reason = judge(comparison({"a": 0.0, "b": 0.0}, 0.0), harmless, n_items=3)
    assert got == "accepted" and "macro-F1 +0.000 (at least +0.000 required)" in reason


def test_the_reason_names_each_rule_that_held_a_batch_back() -> None:
    got, reason = judge(comparison({"a": -0.03, "b": 0.0}, -0.015), RULE, n_items=3)
    assert got == "held_back"
    assert "'a' loses 0.030 F1 (at most 0.010 allowed: synth.evaluate.max_class_f1_loss)" \
        in reason
    assert "less than the +0.005 required (synth.evaluate.min_macro_f1_delta" in reason


def test_a_macro_f1_that_could_not_be_computed_does_not_show_a_gain() -> None:
    got, reason = judge(Comparison([0], {"a": {"without": None, "with": None,
                                                "delta": None}}), RULE, n_items=3)
    assert got == "held_back" and "macro-F1 could not be compared" in reason


def test_a_batch_with_nothing_accepted_is_held_back_without_training() -> None:
    assert judge(Comparison([0]), RULE, n_items=0) == (
        "held_back", "no item passed the gate: nothing to add")


@pytest.fixture
def project_v1(project, store, tmp_path):
    released(store, project, tmp_path)
    return project


def test_mislabeled_items_are_held_back_with_the_class_they_hurt(project_v1, store) -> None:
    batch = stored_batch(store, [candidate(t, "spam") for t in texts(HAM_WORDS, 80, 1)])
    result, decided = evaluate_batch(store, project_v1, batch)
    assert result.decision == "held_back" and "'ham' loses" in result.reason
    assert result.comparison.per_class["ham"]["delta"] < -0.01
    assert result.model == "textloop.model.tfidf-lr.v1" and result.comparison.seeds == [0]
    assert decided.added == 0
    with store.read() as conn:
        stored = synth.get_batch(conn, batch)
    assert (stored["decision"], stored["decided_by"]) == ("held_back", "evaluation")
    assert stored["evaluation"]["per_class"]["ham"] == result.comparison.per_class["ham"]
    assert stored["evaluation"]["rule"] == {"max_class_f1_loss": 0.01,
                                            "min_macro_f1_delta": 0.005}


def test_a_harmless_batch_is_held_back_unless_harmless_is_enough(project_v1,
                                                                 store) -> None:
    """The separable toy data leaves nothing to gain: the batch changes macro-F1 by +0.000,
    which the default rule holds back, and ``min_macro_f1_delta: 0`` accepts; its items
    then join the next release."""
    items = [candidate(t, "spam") for t in texts(SPAM_WORDS, 20, 2)]
    items.append(candidate("lunch lunch", "spam", status="rejected", reason="too-short"))
    batch = stored_batch(store, items)
    held, none = evaluate_batch(store, project_v1, batch, seeds=2)
    assert held.decision == "held_back" and held.deciding.macro_f1["delta"] == 0.0
    assert "synth.evaluate.min_macro_f1_delta" in held.reason and none.added == 0
    project_v1.spec.synth.evaluate.min_macro_f1_delta = 0.0
    first, decided = evaluate_batch(store, project_v1, batch, seeds=2)
    assert first.decision == "accepted", first.reason
    assert (first.items, decided.added) == (20, 20)
    v2 = create_release(store, project_v1)
    assert v2.counts["train"] == first.train_rows + 20
    again, _ = evaluate_batch(store, project_v1, batch, release=v2.id)
    assert again.train_rows == first.train_rows  # the release's copies left out of "without"


@pytest.mark.parametrize(("setting", "test", "evidence", "words"), [
    ({}, ["a"] * 20 + ["b"] * 20, "test", ""),
    ({}, ["a"] * 20 + ["b"] * 3, "cross-fit",
     "the test split has 3 row(s) of 'b', fewer than synth.evaluate.min_test_rows (20)"),
    ({"min_test_rows": 3}, ["a"] * 20 + ["b"] * 3, "test", ""),
    ({"evidence": "test"}, ["a"], "test", ""),
    ({"evidence": "cross-fit"}, ["a"] * 20 + ["b"] * 20, "cross-fit", ""),
])
def test_small_test_splits_are_cross_fitted(setting, test, evidence, words) -> None:
    real = ["a"] * 40 + ["b"] * 30
    got, why = choose_evidence(SynthEvaluation(**setting), real, test)
    assert got == evidence and words in why
    assert bool(why) == bool(words)


def test_with_too_few_rows_to_cross_fit_auto_keeps_the_test_split_and_says_so() -> None:
    got, why = choose_evidence(RULE, ["a"] * 40 + ["b"], ["a"] * 5)
    assert got == "test" and "under 2 real rows to cross-fit" in why
    with pytest.raises(InvalidInputError, match="fewer than 2 real rows"):
        choose_evidence(SynthEvaluation(evidence="cross-fit"), ["a"] * 40 + ["b"], ["a"])


def test_a_small_release_is_decided_on_cross_fitted_real_rows(project_v1, store) -> None:
    batch = stored_batch(store, [candidate(t, "spam") for t in texts(HAM_WORDS, 80, 1)])
    result, _ = evaluate_batch(store, project_v1, batch, seeds=2)
    assert result.evidence == "cross-fit" and result.cross_fit is not None
    assert result.cross_fit.rows == 240 and result.cross_fit.folds == 5
    assert result.deciding is result.cross_fit.comparison
    assert result.cross_fit.comparison.per_class["ham"]["delta"] < -0.01
    assert "cross-fitted" in result.reason and "'ham' loses" in result.reason
    with store.read() as conn:
        stored = synth.get_batch(conn, batch)["evaluation"]
    assert stored["evidence"] == "cross-fit" and stored["cross_fit"]["rows"] == 240
    assert stored["per_class"] == result.comparison.per_class  # the test split's, reported
