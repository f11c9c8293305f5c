"""The ray executor on a real two-node cluster on loopback gives what local gives."""

from __future__ import annotations

import os
from functools import partial

import pytest

from textloop.executors import LocalExecutor, executor_for

pytestmark = pytest.mark.slow


def _square(x: int) -> int:
    return x * x


def _scale(x: int, *, factor: int) -> int:
    return x * factor


def _node_and_sum() -> object:
    import ray

    node = ray.get_runtime_context().get_node_id()
    return lambda batch: (node, os.getpid(), sum(batch))


def test_map_tasks_matches_local(ray_cluster: str) -> None:
    items = list(range(20))
    with executor_for("ray", address=ray_cluster) as ex:
        assert ex.name == "ray" and ex.workers == 2  # one CPU on each of the two nodes
        assert ex.map_tasks(_square, items) == LocalExecutor().map_tasks(_square, items)


def test_map_tasks_takes_any_picklable_callable(ray_cluster: str) -> None:
    scaled = partial(_scale, factor=3)  # settings bound to a function: not a plain function
    with executor_for("ray", address=ray_cluster) as ex:
        assert ex.map_tasks(scaled, [1, 2, 5]) == [3, 6, 15]


def test_map_batches_keeps_order_and_builds_once_per_actor(ray_cluster: str) -> None:
    batches = [[i, i + 1] for i in range(12)]
    with executor_for("ray", address=ray_cluster) as ex:
        out = list(ex.map_batches(_node_and_sum, batches))
    assert [s for _, _, s in out] == [sum(b) for b in batches]
    # two actors, one per node: each built its function once and served half the batches
    assert len({pid for _, pid, _ in out}) == 2
    assert len({node for node, _, _ in out}) == 2


class _RecordingRay:
    """Stands in for the ``ray`` module to check what ``connect`` asks of it, without
    starting or joining anything."""

    def __init__(self, initialized: bool = False) -> None:
        self.initialized = initialized
        self.calls: list[dict] = []

    def is_initialized(self) -> bool:
        return self.initialized

    def init(self, **kwargs: object) -> None:
        self.calls.append(kwargs)


def test_a_runtime_of_its_own_never_joins_another_cluster_on_the_machine() -> None:
    """Without an address Ray would join the last cluster `ray start` left on this machine
    (someone else's): the runtime is asked for as ``local``, a new one."""
    from textloop.executors.ray import connect

    fresh = _RecordingRay()
    assert connect(fresh, None, object_store_bytes=100 * 2**20) is True
    assert fresh.calls == [{"address": "local", "include_dashboard": False,
                            "log_to_driver": False, "object_store_memory": 100 * 2**20}]
    joined = _RecordingRay()
    assert connect(joined, "127.0.0.1:6379") is False  # joined: not ours to stop
    assert joined.calls == [{"address": "127.0.0.1:6379", "log_to_driver": False}]
    running = _RecordingRay(initialized=True)
    assert connect(running, None) is False and running.calls == []


def _refuse(x: int) -> int:
    from textloop.errors import InvalidInputError

    if x == 3:
        raise InvalidInputError("row 3 is bad", hint="fix row 3")
    return x


def _die_always(x: int) -> int:
    os._exit(1)


def test_an_error_of_the_work_itself_comes_back_as_itself(ray_cluster: str) -> None:
    from textloop.errors import InvalidInputError

    with executor_for("ray", address=ray_cluster) as ex, pytest.raises(InvalidInputError) as err:
        ex.map_tasks(_refuse, [1, 2, 3])
    assert err.value.message == "row 3 is bad" and err.value.hint == "fix row 3"


def test_a_worker_that_keeps_dying_is_a_clear_error(ray_cluster: str) -> None:
    from textloop.errors import ExternalServiceError

    with executor_for("ray", address=ray_cluster) as ex, \
            pytest.raises(ExternalServiceError) as err:
        ex.map_tasks(_die_always, [1])
    assert "retries" in err.value.message and "nothing was written" in (err.value.hint or "")
