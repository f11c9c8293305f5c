"""``textloop promote | rollback``: move the ``champion`` alias under the project's policy.

Promotion compares the candidate with the current champion on the candidate's own test
release: when the champion was tested on another release, it is scored again on this one,
so an uplift is never an artefact of two different test sets. Latency is measured here, on
this machine, by timing single-text predictions of the candidate (one warm-up call first),
each answered as the project's task serves it (``Task.served_output``: probabilities for a
classifier, scored spans for a span model), so the same policy judges every task.
A refused promotion changes nothing; ``force`` with a reason promotes anyway and records the
override, the failed rules and who did it in the alias history.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial, singledispatch
from typing import Any, NamedTuple

from textloop.config import Project
from textloop.errors import ConflictError, InvalidInputError
from textloop.measures.latency import single_text_latency
from textloop.measures.metrics import compute_metrics
from textloop.measures.probabilities import align_proba
from textloop.measures.regression_metrics import regression_metrics
from textloop.models.tags import model_tags
from textloop.stages.evaluate.calibration_report import bundle_actions
from textloop.stages.release import ReleaseData, load_release
from textloop.stages.runs.loading import LoadedRun, load_run, model_inputs
from textloop.stages.versions.policy import (
    Comparison,
    RuleResult,
    check_policy,
    goal_met,
    passed,
)
from textloop.stages.versions.register import CHALLENGER, CHAMPION
from textloop.storage import Store, model_versions
from textloop.storage.model_versions import version_name
from textloop.storage.refs import resolve_version
from textloop.tasks import SpanTask, Task, get_task, require_verb, task_for

LatencyMeter = Callable[[Store, str, Sequence[str]], dict[str, float]]


@dataclass
class PromotionDecision:
    version: int
    previous: int | None
    rules: list[RuleResult]
    promoted: bool
    forced: bool = False
    reason: str | None = None
    goal: dict[str, Any] = field(default_factory=dict)
    """metric, target, direction, value, met (None without a value) and required."""

    def to_json(self) -> dict[str, Any]:
        return {"version": version_name(self.version),
                "previous": None if self.previous is None else version_name(self.previous),
                "promoted": self.promoted, "forced": self.forced, "reason": self.reason,
                "goal": self.goal, "rules": [r.to_json() for r in self.rules]}

    to_dict = to_json  # the name every typed result of the public API answers to

    def refusal(self) -> ConflictError:
        """The error a refused promotion ends with: the failed rules, and how to go on."""
        failed = "; ".join(f"{r.rule}: {r.sentence}" for r in self.rules if r.status == "fail")
        return ConflictError(f"version {version_name(self.version)} was not promoted: {failed}",
                             hint="fix what failed and register a new run, or override with "
                                  "--force --reason TEXT (recorded in the alias history)")


def promote(store: Store, project: Project, version_ref: str, *, actor: str,
            force: bool = False, reason: str | None = None,
            measure: LatencyMeter | None = None) -> PromotionDecision:
    """Judge a version against the policy and make it champion when every rule holds.

    A promoted challenger stops being the challenger: the alias is cleared (and the move
    recorded), so ``challenger`` always names a version still waiting for its turn.
    """
    require_verb(project, "promote")
    if force and not (reason or "").strip():
        raise InvalidInputError("--force needs --reason", hint='e.g. --force --reason '
                                '"hotfix for the outage; full evaluation follows"')
    with store.read() as conn:
        candidate = resolve_version(conn, version_ref)
        champion_no = model_versions.aliases(conn).get(CHAMPION)
        champion = (None if champion_no is None
                    else model_versions.get_version(conn, str(champion_no)))
    if champion_no == candidate["version"]:
        raise ConflictError(f"version {version_name(champion_no)} is already the champion",
                            hint="list versions with `textloop versions`")
    task = task_for(project)
    comparison = _comparison(store, project, candidate, champion,
                             measure or partial(measure_latency, task=task), task)
    rules = check_policy(project.spec.promotion, comparison)
    ok = passed(rules)
    goal = project.spec.goal
    decision = PromotionDecision(
        candidate["version"], champion_no, rules, ok or force, forced=force and not ok,
        reason=reason, goal={"metric": goal.metric, "target": goal.target,
                             "higher_is_better": goal.higher_is_better,
                             "value": comparison.candidate.get(goal.metric),
                             "met": goal_met(comparison),
                             "required": project.spec.promotion.require_goal})
    if decision.promoted:
        with store.write() as conn:
            model_versions.move_alias(conn, CHAMPION, candidate["version"], action="promote",
                                actor=actor, forced=decision.forced, reason=reason,
                                details={"rules": [r.to_json() for r in rules]})
            if model_versions.aliases(conn).get(CHALLENGER) == candidate["version"]:
                model_versions.clear_alias(conn, CHALLENGER, action="promoted", actor=actor)
    return decision


def _comparison(store: Store, project: Project, candidate: dict[str, Any],
                champion: dict[str, Any] | None, measure: LatencyMeter, task: Task
                ) -> Comparison:
    release = candidate["release_id"]
    data = load_release(store, release)
    texts = data.test.texts[:project.spec.promotion.latency_texts]
    baseline = None
    if champion is not None:
        baseline = champion["metrics"] if champion["release_id"] == release else (
            score_on_test(store, champion["run_id"], release, task))
    return Comparison(goal_metric=project.spec.goal.metric, candidate=candidate["metrics"],
                      champion=baseline,
                      champion_version=None if champion is None else champion["version"],
                      release=release, latency=measure(store, candidate["run_id"], texts),
                      higher_is_better=project.spec.goal.higher_is_better,
                      goal_target=project.spec.goal.target)


def score_on_test(store: Store, run_ref: str, release_id: str, task: Task | None = None
                  ) -> dict[str, Any]:
    """A run's metrics on another release's test split (as ``predict`` would serve them),
    scored as ``task`` (the run's model's own task when None) scores them."""
    loaded = load_run(store, run_ref)
    data = load_release(store, release_id)
    return policy_metrics(task or _task_of(loaded), loaded, data,
                        model_inputs(loaded.model, data.test.texts, store))


@singledispatch
def policy_metrics(task: Task, loaded: LoadedRun, data: ReleaseData, x: Any) -> dict[str, Any]:
    """The test metrics the policy compares, per task (a ``functools.singledispatch``, as
    ``evaluate_split``): classification and regression here, spans registered below."""
    if loaded.is_regressor:
        return regression_metrics(data.test.labels, loaded.served(x))
    proba = loaded.served(x)
    aligned = align_proba(proba, list(loaded.model.classes_), data.labels)
    return compute_metrics(data.test.labels, aligned, data.labels,
                           score_labels=bundle_actions(loaded).score_labels)


@policy_metrics.register
def _span_test_metrics(task: SpanTask, loaded: LoadedRun, data: ReleaseData, x: Any
                       ) -> dict[str, Any]:
    """Entity-level scores (``entity_micro_f1`` ...) of the run's spans on the test split,
    and the scores per type (``per_type``) that the per-class rule compares."""
    found = task.entity_scores(data.test.labels, task.served_output(loaded, x), data.labels)
    return {**{key: float(found[key]) for key in task.headline_metrics},
            "per_type": found["per_type"]}


def measure_latency(store: Store, run_ref: str, texts: Sequence[str],
                    task: Task | None = None) -> dict[str, float]:
    """Milliseconds per single-text prediction, raw text in, what serving answers out
    (``Task.served_output``: calibrated probabilities, numbers or scored spans)."""
    loaded = load_run(store, run_ref)
    served = task or _task_of(loaded)
    return single_text_latency(lambda batch: served.served_output(loaded, batch), texts)


def _task_of(loaded: LoadedRun) -> Task:
    """The task the run's model was trained for (its ``task`` tag names a task)."""
    return get_task(model_tags(loaded.model).task)


class Rollback(NamedTuple):
    """A rollback: the champion it undid and the one it restored (a pair, ``(from, to)``)."""

    previous: int
    champion: int

    def to_dict(self) -> dict[str, Any]:
        """What ``textloop rollback --json`` prints, both versions by name (m3): the same
        keys as the public API's ``Rollback``."""
        return {"previous": version_name(self.previous),
                "champion": version_name(self.champion)}


def rollback(store: Store, *, actor: str, reason: str | None = None) -> Rollback:
    """Point ``champion`` back at the champion before the current one; (from, to).

    The champion history is replayed as a stack (a promotion pushes, a rollback pops), so
    rolling back twice goes two champions back rather than undoing the first rollback.
    """
    with store.write() as conn:
        stack: list[int] = []
        for move in model_versions.history(conn, CHAMPION):
            if move["action"] == "rollback":
                stack.pop()
            else:
                stack.append(int(move["to_version"]))
        if len(stack) < 2:
            raise ConflictError("there is no previous champion to roll back to",
                                hint="see the alias history with `textloop versions --history`")
        model_versions.move_alias(conn, CHAMPION, stack[-2], action="rollback", actor=actor,
                            reason=reason)
    return Rollback(stack[-1], stack[-2])
