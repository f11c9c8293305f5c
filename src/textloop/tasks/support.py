"""Which verbs a project's task supports, said before any work starts.

A regression project imports, releases, trains, evaluates, predicts and promotes; the
verbs built on class probabilities (label suggestions, active learning, label-error
cleaning, weak rules, agreement, cross-validation, search, learning curves) refuse it with
one clear sentence instead of failing deep inside on a missing ``predict_proba``.
"""

from __future__ import annotations

from collections.abc import Mapping

from textloop.config import Project
from textloop.errors import ConfigError


def require_classification(project: Project, action: str) -> None:
    """Raise a ConfigError naming ``action`` when the project's task is regression."""
    if project.spec.task == "regression":
        raise ConfigError(f"{action} works on classification projects; {project.spec.name} is "
                          "a regression project (task: regression in textloop.yaml)",
                          hint="regression projects support import, release, train, evaluate, "
                               "predict, register and promote")


def target_summary(counts: Mapping[str, int]) -> str:
    """Stored targets (canonical spellings with their counts) in one line: how many, the
    mean and the range, instead of a row per distinct number."""
    if not counts:
        return "no targets"
    total = sum(counts.values())
    values = {float(value): n for value, n in counts.items()}
    mean = sum(v * n for v, n in values.items()) / total
    return (f"{total:,} targets, {len(values):,} distinct, mean {mean:.4g}, "
            f"range {min(values):.4g} to {max(values):.4g}")


def next_train_hint(project: Project) -> str:
    """The command to run after a release: the task's default model."""
    model = "tfidf-ridge" if project.spec.task == "regression" else "tfidf-lr"
    return f"textloop train --model {model}"
