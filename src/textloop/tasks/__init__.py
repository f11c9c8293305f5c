"""What a task type (classification, regression, ...) decides for every verb of the loop.

``Task`` is the contract (``base``); ``ClassificationTask`` and ``RegressionTask`` implement
it. Stages ask ``task_for(project)`` instead of branching on the task's name.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textloop.lazy import lazy_front

if TYPE_CHECKING:  # re-exported names, for type checkers
    from textloop.tasks.base import ALL_VERBS as ALL_VERBS
    from textloop.tasks.base import Task as Task
    from textloop.tasks.base import ValueProblem as ValueProblem
    from textloop.tasks.classification import CLASSIFICATION as CLASSIFICATION
    from textloop.tasks.classification import ClassificationTask as ClassificationTask
    from textloop.tasks.lookup import get_task as get_task
    from textloop.tasks.lookup import next_train_hint as next_train_hint
    from textloop.tasks.lookup import require_verb as require_verb
    from textloop.tasks.lookup import task_for as task_for
    from textloop.tasks.lookup import task_names as task_names
    from textloop.tasks.regression import REGRESSION as REGRESSION
    from textloop.tasks.regression import RegressionTask as RegressionTask
    from textloop.tasks.spans import SPANS as SPANS
    from textloop.tasks.spans import SpanTask as SpanTask

__all__, __getattr__ = lazy_front(__name__, {
    "base": ("ALL_VERBS", "Task", "ValueProblem"),
    "classification": ("CLASSIFICATION", "ClassificationTask"),
    "lookup": ("get_task", "next_train_hint", "require_verb", "task_for", "task_names"),
    "regression": ("REGRESSION", "RegressionTask"),
    "spans": ("SPANS", "SpanTask"),
})
