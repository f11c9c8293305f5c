"""The ``ray`` executor: the same work as ``local``, on a Ray cluster.

Ray is imported here only, so the core install never needs it; a missing extra names the
pip command. Joining a cluster (``address``, or ``RAY_ADDRESS``) leaves it running at
``close``; without an address a local Ray runtime is started for the run and stopped after.
Usage statistics are switched off before Ray starts: a run sends nothing beyond the
cluster it was pointed at.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, TypeVar

from textloop.errors import ConfigError, ExternalServiceError, MissingExtraError, TextloopError

T = TypeVar("T")
R = TypeVar("R")
B = TypeVar("B")

TASK_RETRIES = 2
"""How often Ray reruns a task or actor call whose worker died; work is pure, so a rerun
gives the same answer."""


def import_ray(*, loopback: bool = False, purpose: str = "Running batch work on Ray") -> Any:
    """The ``ray`` module, or a MissingExtraError naming the install command (and what
    needed it: ``purpose``).

    ``loopback``: a Ray runtime started for this run listens on 127.0.0.1 only (Ray would
    otherwise advertise the machine's outside address and open its ports to the network).
    """
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    if loopback:
        os.environ.setdefault("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")
    try:
        import ray
    except ImportError as exc:  # pragma: no cover - exercised only without the extra
        raise MissingExtraError("ray", "ray", purpose) from exc
    return ray


def _apply(fn: Callable[[T], R], item: T) -> R:
    """One ``map_tasks`` call, run as a Ray task."""
    return fn(item)


def connect(ray: Any, address: str | None, *, object_store_bytes: int | None = None,
            hint: str = "check the address") -> bool:
    """Join the cluster at ``address``, or start a Ray runtime of this process's own; True
    when it was started here (the caller then stops it). Nothing when Ray is already
    initialized in this process.

    Without an address the runtime is asked for as ``local``: Ray would otherwise join any
    cluster it finds on this machine (the last ``ray start``, someone else's), and run this
    work there.
    """
    if ray.is_initialized():
        return False
    try:
        if address:
            ray.init(address=address, log_to_driver=False)
            return False
        ray.init(address="local", include_dashboard=False, log_to_driver=False,
                 object_store_memory=object_store_bytes)
        return True
    except ConnectionError as exc:
        raise ExternalServiceError(f"cannot reach the Ray cluster at {address}: {exc}",
                                   hint=f"start one with `ray start --head`, or {hint}") from exc


class RayExecutor:
    """Runs ``map_tasks`` as Ray tasks and ``map_batches`` on a pool of actors, each
    building its batch function once (the model is loaded once per actor)."""

    name = "ray"

    def __init__(self, address: str | None = None, workers: int | None = None,
                 *, in_flight: int = 2) -> None:
        address = address or os.environ.get("RAY_ADDRESS") or None
        ray = import_ray(loopback=not address)
        self._ray = ray
        self._started_here = connect(ray, address, hint="check execution.address / "
                                                        "RAY_ADDRESS (docs/scaling.md)")
        cpus = int(ray.cluster_resources().get("CPU", 1))
        if workers is not None and workers < 1:
            raise ConfigError(f"execution.workers must be at least 1, got {workers}")
        self.workers = workers or max(1, cpus)
        self._in_flight = max(1, in_flight)

    def map_tasks(self, fn: Callable[[T], R], items: Sequence[T]) -> list[R]:
        ray = self._ray
        # ``fn`` travels as an argument of one task function rather than being made a
        # task itself: any picklable callable works (a ``functools.partial`` carrying
        # settings, a callable object), and it is stored once, not once per item.
        remote = ray.remote(max_retries=TASK_RETRIES, num_cpus=1)(_apply)
        shared = ray.put(fn)
        refs = [remote.remote(shared, item) for item in items]
        return list(self._get(refs))

    def map_batches(self, make_fn: Callable[[], Callable[[B], R]],
                    batches: Iterable[B]) -> Iterator[R]:
        ray = self._ray

        @ray.remote(num_cpus=1, max_restarts=TASK_RETRIES, max_task_retries=TASK_RETRIES)
        class _Worker:
            def __init__(self, factory: Callable[[], Callable[[B], R]]) -> None:
                self._fn = factory()

            def run(self, batch: B) -> R:
                return self._fn(batch)

        actors = [_Worker.remote(make_fn)  # type: ignore[attr-defined]
                  for _ in range(self.workers)]
        window: deque[Any] = deque()
        limit = self.workers * self._in_flight
        try:
            for i, batch in enumerate(batches):
                window.append(actors[i % len(actors)].run.remote(batch))
                if len(window) >= limit:
                    yield self._get(window.popleft())
            while window:
                yield self._get(window.popleft())
        finally:
            for actor in actors:
                ray.kill(actor)

    def _get(self, refs: Any) -> Any:
        """``ray.get``, with Ray's failures said in the project's terms: an error the work
        itself raised (a TextloopError naming a bad row) comes out as itself; a worker
        that died past its retries, or a lost node, as an ExternalServiceError naming what
        to check. Nothing is written by the caller in either case."""
        ray = self._ray
        try:
            return ray.get(refs)
        except ray.exceptions.RayTaskError as exc:
            cause = getattr(exc, "cause", None)
            if isinstance(cause, TextloopError):
                raise cause from exc
            raise ExternalServiceError(
                f"a task failed on the Ray cluster: {cause or exc}",
                hint="the error above comes from the work itself; run with --executor "
                     "local to see it without Ray") from exc
        except ray.exceptions.RayError as exc:
            raise ExternalServiceError(
                f"a Ray worker was lost and the work did not finish after "
                f"{TASK_RETRIES} retries: {type(exc).__name__}",
                hint="check the cluster's memory and nodes (`ray status`), then run the "
                     "command again; nothing was written") from exc

    def close(self) -> None:
        if self._started_here and self._ray.is_initialized():
            self._ray.shutdown()
        self._started_here = False

    def __enter__(self) -> RayExecutor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
