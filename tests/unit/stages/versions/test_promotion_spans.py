"""``promote`` and ``rollback`` on span versions: the same policy, entity micro-F1 as the goal,
latency timed through the span model's own prediction."""

from __future__ import annotations

import pytest

from tests.unit.stages.span_run_fixtures import RULES, released_span_project
from textloop.config import PromotionSettings
from textloop.stages.evaluate.evaluation import evaluate_run
from textloop.stages.release import create_release
from textloop.stages.train import train
from textloop.stages.versions.promotion import measure_latency, promote, rollback
from textloop.stages.versions.register import register_run
from textloop.storage import model_versions
from textloop.tasks import task_for

FEWER_RULES = tuple(rule for rule in RULES if rule.name != "kr-mobile")
"""Without the phone regex: fewer entities found, a lower entity micro-F1 than ``RULES``."""


def champion(store) -> int | None:
    with store.read() as conn:
        return model_versions.aliases(conn).get("champion")


def policy(project, **bounds) -> None:
    project.spec.promotion = PromotionSettings(**{"max_ece": None, "max_latency_ms": None,
                                                  "max_slice_drop": None, **bounds})


def two_versions(store, project) -> tuple[dict, dict]:
    """m1 from the rules without the phone regex, m2 from every rule (better)."""
    project.spec.span_rules = list(FEWER_RULES)
    first = register_run(store, project, train(store, project).run_name, actor="ann")
    project.spec.span_rules = list(RULES)
    second = register_run(store, project, train(store, project).run_name, actor="ann")
    return first.version["metrics"], second.version["metrics"]


def test_the_goal_metric_of_span_projects_is_entity_micro_f1(tmp_path) -> None:
    with released_span_project(tmp_path) as (project, _, _):
        assert project.spec.goal.metric == "entity_micro_f1"


def test_a_span_version_beats_the_champion_only_by_the_policys_margin(tmp_path) -> None:
    with released_span_project(tmp_path) as (project, store, _):
        worse, better = two_versions(store, project)
        gain = better["entity_micro_f1"] - worse["entity_micro_f1"]
        assert gain > 0.05
        policy(project, min_uplift=0.0)
        first = promote(store, project, "m1", actor="ann")
        assert first.promoted and champion(store) == 1
        assert first.goal["metric"] == "entity_micro_f1"
        assert first.goal["value"] == pytest.approx(worse["entity_micro_f1"])

        policy(project, min_uplift=round(gain + 0.01, 4))
        refused = promote(store, project, "m2", actor="ann")
        assert not refused.promoted and champion(store) == 1
        uplift = {r.rule: r for r in refused.rules}["uplift"]
        assert uplift.status == "fail"
        assert (f"entity_micro_f1 {better['entity_micro_f1']:.4f} vs champion m1 "
                f"{worse['entity_micro_f1']:.4f}") in uplift.sentence
        assert f"uplift {gain:+.4f} < required {gain + 0.01:+.4f}" in uplift.sentence
        assert "entity_micro_f1" in refused.refusal().message

        policy(project, min_uplift=round(gain - 0.01, 4))
        accepted = promote(store, project, "m2", actor="ann")
        assert accepted.promoted and accepted.previous == 1 and champion(store) == 2

        back = rollback(store, actor="ann", reason="phone numbers masked wrongly")
        assert (back.previous, back.champion) == (2, 1) and champion(store) == 1


def test_a_span_champion_tested_on_another_release_is_scored_on_the_candidates(
        tmp_path) -> None:
    with released_span_project(tmp_path) as (project, store, _):
        project.spec.span_rules = list(FEWER_RULES)
        register_run(store, project, train(store, project).run_name, actor="ann")
        policy(project, min_uplift=-1.0)
        promote(store, project, "m1", actor="ann")

        release = create_release(store, project, seed=7).id
        # what the champion's rules score on the new release's test split, measured apart
        same_rules = train(store, project, release=release).run_name
        base = evaluate_run(store, project, same_rules).metrics["entity_micro_f1"]
        project.spec.span_rules = list(RULES)
        candidate = register_run(store, project, train(store, project, release=release).run_name,
                                 actor="ann").version["metrics"]["entity_micro_f1"]
        decision = promote(store, project, "m2", actor="ann")
        uplift = {r.rule: r for r in decision.rules}["uplift"]
        assert decision.promoted and uplift.status == "pass"
        assert (f"entity_micro_f1 {candidate:.4f} vs champion m1 {base:.4f} on {release} test"
                in uplift.sentence)


def test_latency_is_timed_on_the_span_model_and_a_tiny_budget_refuses(tmp_path) -> None:
    with released_span_project(tmp_path) as (project, store, _):
        run = train(store, project).run_name
        register_run(store, project, run, actor="ann")
        timed = measure_latency(store, run, ["Ana works at Acme", "010-1234-5678"],
                                task=task_for(project))
        assert timed["n"] == 2 and timed["p95_ms"] > 0 and timed["p50_ms"] > 0

        policy(project, min_uplift=0.0, max_latency_ms=1e-6)
        decision = promote(store, project, "m1", actor="ann")
        latency = {r.rule: r for r in decision.rules}["latency"]
        assert not decision.promoted and latency.status == "fail"
        assert "single-text predictions > budget 1e-06 ms" in latency.sentence
        assert champion(store) is None

        policy(project, min_uplift=0.0, max_latency_ms=60_000)
        assert promote(store, project, "m1", actor="ann").promoted


def test_a_challenger_that_gives_up_a_span_type_is_refused_naming_it(tmp_path) -> None:
    with released_span_project(tmp_path) as (project, store, _):
        register_run(store, project, train(store, project).run_name, actor="ann")  # RULES
        policy(project, min_uplift=-1.0, max_class_drop=0.1, min_class_support=1)
        promote(store, project, "m1", actor="ann")

        # the challenger, on a new release, has no phone rule: the champion is scored again
        # on that release's test split, per type too
        release = create_release(store, project, seed=7).id
        project.spec.span_rules = list(FEWER_RULES)
        register_run(store, project, train(store, project, release=release).run_name,
                     actor="ann")
        decision = promote(store, project, "m2", actor="ann")
        classes = {r.rule: r for r in decision.rules}["classes"]
        assert not decision.promoted and champion(store) == 1
        assert classes.status == "fail"
        assert "type 'PHONE' F1 1.0000 -> 0.0000 (drop 1.0000)" in classes.sentence
        assert "against champion m1" in classes.sentence
        assert "'PER'" not in classes.sentence  # the other types hold
        assert "classes: " in decision.refusal().message

        policy(project, min_uplift=-1.0, max_class_drop=None)
        off = promote(store, project, "m2", actor="ann")
        assert off.promoted
        assert {r.rule: r for r in off.rules}["classes"].sentence == (
            "not checked (promotion.max_class_drop is null)")
