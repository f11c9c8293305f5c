"""The local executor and the choice of executor."""

from __future__ import annotations

import pytest

from textloop.config import ExecutionSettings
from textloop.errors import ConfigError
from textloop.executors import Executor, LocalExecutor, executor_for


def _square(x: int) -> int:
    return x * x


def test_map_tasks_keeps_order() -> None:
    assert LocalExecutor().map_tasks(_square, [3, 1, 2]) == [9, 1, 4]


def test_map_batches_builds_the_batch_function_once() -> None:
    built: list[int] = []

    def make() -> object:
        built.append(1)
        return lambda batch: sum(batch)

    out = list(LocalExecutor().map_batches(make, ([i, i] for i in range(5))))
    assert out == [0, 2, 4, 6, 8]
    assert built == [1]


def test_local_is_the_default_without_ray_address(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RAY_ADDRESS", raising=False)
    chosen = executor_for()
    assert isinstance(chosen, Executor) and chosen.name == "local"


def test_explicit_choice_wins_over_the_project_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RAY_ADDRESS", "127.0.0.1:1")  # never contacted: local was asked for
    assert executor_for("local", ExecutionSettings(engine="ray")).name == "local"


def test_unknown_engine_names_the_choices() -> None:
    with pytest.raises(ConfigError) as err:
        executor_for("spark")
    assert "spark" in err.value.message and "local, ray" in (err.value.hint or "")


class _Owned(LocalExecutor):
    """A local executor that remembers being closed."""

    def __init__(self) -> None:
        super().__init__()
        self.closed = False

    def close(self) -> None:
        self.closed = True


def test_scope_closes_what_it_chose_and_leaves_a_given_executor_open(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import textloop.executors as executors

    given = _Owned()
    with executors.executor_scope(given) as inside:
        assert inside is given
    assert not given.closed  # its owner may run more calls on it
    chosen = _Owned()
    asked: list[object] = []
    monkeypatch.setattr(executors, "executor_for",
                        lambda engine, settings: asked.append(engine) or chosen)
    with pytest.raises(RuntimeError), executors.executor_scope("local"):
        raise RuntimeError("a failing call")
    assert asked == ["local"] and chosen.closed  # closed even when the call failed
