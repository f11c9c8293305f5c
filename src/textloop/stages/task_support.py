"""Which verbs a project's task supports, said before any work starts.

A regression project imports, releases, trains, evaluates, predicts and promotes; the
verbs built on class probabilities (label suggestions, active learning, label-error
cleaning, weak rules, agreement, cross-validation, search, learning curves) refuse it with
one clear sentence instead of failing deep inside on a missing ``predict_proba``.
"""

from __future__ import annotations

from textloop.config import Project
from textloop.errors import ConfigError


def require_classification(project: Project, action: str) -> None:
    """Raise a ConfigError naming ``action`` when the project's task is regression."""
    if project.spec.task == "regression":
        raise ConfigError(f"{action} works on classification projects; {project.spec.name} is "
                          "a regression project (task: regression in textloop.yaml)",
                          hint="regression projects support import, release, train, evaluate, "
                               "predict, register and promote")
