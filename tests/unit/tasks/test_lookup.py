"""Finding a task: by name, for a project, and through the registry a plugin would use."""

from __future__ import annotations

import pytest

from textloop.errors import ConfigError
from textloop.registry import REGISTRY
from textloop.tasks import CLASSIFICATION, REGRESSION, get_task, task_names


def test_built_in_tasks_are_registered_like_plugins() -> None:
    assert {"classification", "multilabel", "regression", "spans"} <= set(REGISTRY.names("task"))
    assert get_task("classification") is CLASSIFICATION
    assert get_task("regression") is REGRESSION
    assert task_names() == sorted(task_names())


def test_an_unknown_task_names_the_known_ones() -> None:
    with pytest.raises(ConfigError, match="unknown task 'boxes'") as caught:
        get_task("boxes")
    assert "classification" in (caught.value.hint or "")
