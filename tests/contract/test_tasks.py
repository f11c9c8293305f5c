"""The Task contract, checked on every registered task.

Each task in ``task_names()`` must satisfy the ``Task`` protocol, name facts that agree with
each other (its default model fits it, its default goal is one of its goal metrics, its
verbs are verbs of the loop), round-trip its own values, stratify every record, and score
its default model's output on a tiny corpus. A task registered later is checked without
touching this file.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from textloop.config import Project, ProjectSpec
from textloop.models.classifiers import make_model
from textloop.models.tags import model_tags
from textloop.stages.train import apply_span_rules
from textloop.tasks import ALL_VERBS, Task, get_task, task_names

TEXTS = ["win a free prize now", "free cash click here", "see you at lunch",
         "meeting moved to noon", "claim your free reward", "lunch tomorrow?",
         "cheap loans approved today", "the report is attached"]
VALUES = {"spans": ['[{"start":0,"end":3,"label":"PER"}]'] * 4 + ["[]"] * 4,
          "label": ["spam", "spam", "ham", "ham", "spam", "ham", "spam", "ham"],
          "labels": ["spam", "spam", "ham", "ham", "spam", "ham", "spam", "ham"],
          "number": ["5.0", "4.0", "1.0", "2.0", "5.0", "1.0", "4.0", "2.0"]}


def spec_for(task: Task) -> ProjectSpec:
    if task.value_kind == "number":
        return ProjectSpec(name="t", task=task.name, target={"name": "y", "min": 1, "max": 5})
    if task.value_kind == "spans":
        return ProjectSpec(name="t", task=task.name, labels=[{"name": "PER"}],
                           span_rules=[{"name": "free", "label": "PER", "phrases": ["free"]}])
    return ProjectSpec(name="t", task=task.name, labels=[{"name": "ham"}, {"name": "spam"}])


@pytest.fixture(params=task_names())
def task(request: pytest.FixtureRequest) -> Task:
    return get_task(request.param)


def test_it_satisfies_the_protocol(task: Task) -> None:
    assert isinstance(task, Task)
    assert get_task(task.name) is task


def test_its_facts_agree(task: Task) -> None:
    if "train" in task.verbs:
        assert task.default_model in task.allowed_models()
    else:  # no trainable model yet: train refuses before anything needs one
        assert task.default_model is None
    assert task.default_goal[0] in task.goal_metrics
    assert set(task.summary_metrics) <= set(task.goal_metrics) | set(task.headline_metrics)
    assert task.verbs <= ALL_VERBS and {"import", "release"} <= task.verbs
    assert task.report_sections and task.prediction_fields
    assert not task.monitoring_checks or "monitor" in task.verbs
    # monitor runs the detectors that read what the task's sides hold: none, no monitor
    assert bool(task.monitored_reads) == ("monitor" in task.verbs)


def test_it_refuses_a_verb_it_lacks_and_allows_its_own(task: Task) -> None:
    for verb in task.verbs:
        task.require(verb, "t")
    for verb in ALL_VERBS - task.verbs:
        with pytest.raises(Exception, match=f"is a {task.name} project"):
            task.require(verb, "t")


def test_values_round_trip_and_every_record_gets_a_stratum(task: Task) -> None:
    spec = spec_for(task)
    values = VALUES[task.value_kind]
    canonical = [task.check_value(v, spec, text) for v, text in zip(values, TEXTS, strict=True)]
    assert [task.check_value(v, spec, text)
            for v, text in zip(canonical, TEXTS, strict=True)] == canonical
    strata, n = task.strata(canonical, spec.label_names)
    assert len(strata) == len(values) and max(strata) < n


def test_its_default_model_trains_and_scores(task: Task) -> None:
    if "train" not in task.verbs:
        pytest.skip(f"{task.name} has no trainable model yet")
    spec = spec_for(task)
    values = [task.check_value(v, spec, text)
              for v, text in zip(VALUES[task.value_kind], TEXTS, strict=True)]
    assert task.model_for(spec) == task.default_model
    name, model = make_model(task.model_for(spec))
    task.check_model(model, name)
    if model_tags(model).uses_span_rules:
        apply_span_rules(model, {}, Project(root=Path("t"), spec=spec))
    model.fit(TEXTS, task.targets(values))
    output = task.model_output(model, TEXTS)
    if isinstance(output, np.ndarray):
        assert len(output) == len(TEXTS) and np.all(np.isfinite(output))
    scores = task.score(values, output, spec.label_names, estimator=model, reference=values)
    assert set(task.headline_metrics) & set(scores)
    assert all(isinstance(v, float) for v in scores.values())
    fitted = task.fit_on_validation(output, values, model, spec, None)
    assert isinstance(fitted.metrics, dict)
    assert isinstance(task.describe_values({values[0]: 3}), str)
    paragraphs, _ = task.intended_use(spec, "macro_f1 >= 0.9 (not measured)")
    assert paragraphs
