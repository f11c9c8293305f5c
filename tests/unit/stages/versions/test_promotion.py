"""``promote`` and ``rollback``: the policy on real versions, overrides, alias history."""

from __future__ import annotations

import pytest

from tests.unit.stages.pipeline_fixtures import released
from tests.unit.stages.registry_fixtures import no_timing, registered
from tests.unit.stages.selection_fixtures import noisy_release
from textloop.config import Actions, PromotionSettings
from textloop.errors import ConflictError, InvalidInputError
from textloop.stages.evaluate.evaluation import evaluate_run
from textloop.stages.versions.promotion import measure_latency, promote, rollback, score_on_test
from textloop.stages.versions.register import alias_history, lineage
from textloop.storage import model_versions


def champion(store) -> int | None:
    with store.read() as conn:
        return model_versions.aliases(conn).get("champion")


def slow(store, run: str, texts: list[str]) -> dict[str, float]:
    """A meter reporting a fixed slow latency, so budget rules are tested without timing."""
    return {"n": len(texts), "p50_ms": 30.0, "p95_ms": 45.0}


def lenient(project, **overrides) -> None:
    """A policy every toy model passes unless a test tightens one bound."""
    settings = dict(min_uplift=-1.0, max_slice_drop=0.02, max_ece=1.0, max_latency_ms=None)
    project.spec.promotion = PromotionSettings(**{**settings, **overrides})


def test_first_version_is_promoted_with_no_champion_to_beat(project, store, tmp_path) -> None:
    released(store, project, tmp_path)
    lenient(project)
    registered(store, project)
    decision = promote(store, project, "challenger", actor="ana", measure=no_timing)
    assert decision.promoted and not decision.forced and decision.previous is None
    assert {r.rule: r.status for r in decision.rules} == {
        "uplift": "skip", "slices": "skip", "classes": "skip", "calibration": "pass",
        "latency": "skip", "goal": decision.rules[-1].status}
    assert decision.rules[-1].rule == "goal" and decision.goal["met"] is not None
    assert champion(store) == 1
    with store.read() as conn:
        assert "challenger" not in model_versions.aliases(conn)
        cleared = model_versions.history(conn, "challenger")[-1]
    assert cleared["action"] == "promoted" and cleared["to_version"] is None
    with pytest.raises(ConflictError, match="already the champion"):
        promote(store, project, "v1", actor="ana", measure=no_timing)


def test_a_failed_uplift_refuses_and_leaves_the_champion(project, store, tmp_path) -> None:
    released(store, project, tmp_path)
    lenient(project)
    registered(store, project)
    promote(store, project, "1", actor="ana", measure=no_timing)
    registered(store, project, c=2.0)
    lenient(project, min_uplift=0.5)
    decision = promote(store, project, "2", actor="ana", measure=no_timing)
    assert not decision.promoted and decision.rules[0].status == "fail"
    assert champion(store) == 1
    error = decision.refusal()
    assert "m2 was not promoted: uplift:" in error.message and "--force" in (error.hint or "")


def test_a_slice_worse_than_the_champion_refuses(project, store, tmp_path) -> None:
    released(store, project, tmp_path)
    lenient(project)
    registered(store, project, slices={"len=short": {"macro_f1": 0.90}})
    promote(store, project, "1", actor="ana", measure=no_timing)
    registered(store, project, c=2.0, slices={"len=short": {"macro_f1": 0.80}})
    decision = promote(store, project, "2", actor="ana", measure=no_timing)
    slices = {r.rule: r for r in decision.rules}["slices"]
    assert not decision.promoted and slices.status == "fail"
    assert "slice 'len=short' macro_f1 0.9000 -> 0.8000" in slices.sentence
    assert champion(store) == 1


def test_latency_over_budget_refuses(project, store, tmp_path) -> None:
    released(store, project, tmp_path)
    lenient(project, max_latency_ms=10.0)
    registered(store, project)
    decision = promote(store, project, "1", actor="ana", measure=slow)
    assert not decision.promoted
    assert {r.rule: r.status for r in decision.rules}["latency"] == "fail"


def test_force_needs_a_reason_and_records_the_override(project, store, tmp_path) -> None:
    released(store, project, tmp_path)
    lenient(project, max_latency_ms=10.0)
    registered(store, project)
    with pytest.raises(InvalidInputError, match="--force needs --reason"):
        promote(store, project, "1", actor="ana", force=True, measure=no_timing)
    decision = promote(store, project, "1", actor="bo", force=True, reason="outage hotfix",
                       measure=slow)
    assert decision.promoted and decision.forced and champion(store) == 1
    move = alias_history(store, "champion")[-1]
    assert (move["actor"], move["forced"], move["reason"]) == ("bo", True, "outage hotfix")
    assert {r["rule"]: r["status"] for r in move["details"]["rules"]}["latency"] == "fail"


def test_rollback_restores_the_previous_champion_and_is_recorded(project, store,
                                                                 tmp_path) -> None:
    released(store, project, tmp_path)
    lenient(project)
    for c in (1.0, 2.0, 8.0):
        version = registered(store, project, c=c)
        promote(store, project, str(version), actor="ana", measure=no_timing)
    assert champion(store) == 3
    assert rollback(store, actor="bo", reason="v3 misroutes") == (3, 2)
    assert champion(store) == 2
    assert rollback(store, actor="bo") == (2, 1)
    assert champion(store) == 1
    with pytest.raises(ConflictError, match="no previous champion"):
        rollback(store, actor="bo")
    moves = [(m["action"], m["from_version"], m["to_version"], m["actor"])
             for m in alias_history(store, "champion")]
    assert moves == [("promote", None, 1, "ana"), ("promote", 1, 2, "ana"),
                     ("promote", 2, 3, "ana"), ("rollback", 3, 2, "bo"),
                     ("rollback", 2, 1, "bo")]
    assert lineage(store, "champion").version["version"] == 1


def test_scoring_on_the_same_release_matches_the_evaluation(project, store, tmp_path) -> None:
    release_id = released(store, project, tmp_path)
    version = registered(store, project)
    run = lineage(store, str(version)).run
    evaluated = evaluate_run(store, project, run["name"]).metrics
    again = score_on_test(store, run["id"], release_id)
    assert again["macro_f1"] == pytest.approx(evaluated["macro_f1"])
    assert again["n"] == evaluated["n"]


def test_a_champion_scored_on_another_release_treats_the_score_label_as_positive(
        project, store, tmp_path) -> None:
    """The project's score label (spam, listed first) is the positive class of the AUCs a
    champion is compared on, as in its own evaluation."""
    project.spec.actions = Actions.for_filter(["spam"])
    release_id = released(store, project, tmp_path)
    version = registered(store, project)
    run = lineage(store, str(version)).run
    evaluated = evaluate_run(store, project, run["name"]).metrics
    again = score_on_test(store, run["id"], release_id)
    assert again["auc_method"] == evaluated["auc_method"] == {"average": "binary",
                                                              "positive": "spam"}
    assert again["roc_auc"] == pytest.approx(evaluated["roc_auc"])
    assert again["pr_auc"] == pytest.approx(evaluated["pr_auc"])


def test_latency_is_measured_once_per_text(project, store, tmp_path) -> None:
    released(store, project, tmp_path)
    version = registered(store, project)
    run = lineage(store, str(version)).run
    measured = measure_latency(store, run["id"], ["free cash now", "see you at lunch"] * 3)
    assert measured["n"] == 6
    assert 0.0 <= measured["p50_ms"] <= measured["p95_ms"]


def test_require_goal_refuses_a_version_that_misses_the_goal(project, store, tmp_path) -> None:
    noisy_release(store, project, tmp_path)  # labels with noise: a goal of 1.0 is missed
    lenient(project, require_goal=True)
    registered(store, project)
    with store.read() as conn:
        value = model_versions.get_version(conn, "m1")["metrics"]["macro_f1"]
    project.spec.goal.target = min(1.0, value + 0.05)  # out of reach
    decision = promote(store, project, "m1", actor="ana", measure=no_timing)
    assert not decision.promoted and champion(store) is None
    goal = {r.rule: r for r in decision.rules}["goal"]
    assert goal.status == "fail" and "goal not met" in goal.sentence
    assert "promotion.require_goal" in goal.sentence
    assert decision.goal == {"metric": "macro_f1", "target": project.spec.goal.target,
                             "higher_is_better": True, "value": value, "met": False,
                             "required": True}
    assert "goal: goal not met" in decision.refusal().message


def test_a_missed_goal_is_said_but_does_not_refuse_by_default(project, store,
                                                               tmp_path) -> None:
    noisy_release(store, project, tmp_path)  # labels with noise: a goal of 1.0 is missed
    lenient(project)
    registered(store, project)
    project.spec.goal.target = 1.0
    decision = promote(store, project, "m1", actor="ana", measure=no_timing)
    goal = {r.rule: r for r in decision.rules}["goal"]
    assert decision.promoted and decision.goal["met"] is False
    assert goal.status == "skip" and "not required" in goal.sentence
    assert decision.to_json()["goal"]["met"] is False
