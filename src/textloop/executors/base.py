"""The executor interface: where batch work runs, with the same answers everywhere.

Stages hand an executor pure work, never a store: a function and its inputs
(``map_tasks``: cross-validation folds, near-duplicate shards), or a factory that builds a
batch function once per worker and the batches to feed it (``map_batches``: scoring and
embedding, where the model is loaded once per worker rather than once per batch). Results
come back in input order, so a run on Ray writes byte-for-byte what a local run writes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Protocol, TypeVar, runtime_checkable

T = TypeVar("T")
R = TypeVar("R")
B = TypeVar("B")


@runtime_checkable
class Executor(Protocol):
    """Runs batch work; ``local`` in this process, ``ray`` on a Ray cluster.

    ``name``: the engine, as written in ``execution.engine`` and in run logs.
    ``workers``: how many tasks or actors run at once.
    """

    name: str
    workers: int

    def map_tasks(self, fn: Callable[[T], R], items: Sequence[T]) -> list[R]:
        """``[fn(item) for item in items]``, the calls possibly in parallel elsewhere;
        ``fn`` and the items must pickle for engines beyond this process. Order is kept.
        A failing call raises here (after the engine's own retries)."""
        ...

    def map_batches(self, make_fn: Callable[[], Callable[[B], R]],
                    batches: Iterable[B]) -> Iterator[R]:
        """Stream ``fn(batch)`` for each batch, in order, where ``fn = make_fn()`` is built
        once per worker (an ONNX session, a tokenizer). At most a bounded number of batches
        are in flight, so memory stays flat over inputs of any length."""
        ...

    def close(self) -> None:
        """Release what the executor started (a local Ray runtime); joining a cluster
        leaves the cluster running."""
        ...
