"""The ``local`` executor: today's behaviour, in this process."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")
B = TypeVar("B")


class LocalExecutor:
    """Runs every call in this process, one after another.

    Sequential on purpose: the models underneath (ONNX Runtime, BLAS in scikit-learn)
    already use every core, so threads on top would only contend for them.
    """

    name = "local"

    def __init__(self) -> None:
        self.workers = 1

    def map_tasks(self, fn: Callable[[T], R], items: Sequence[T]) -> list[R]:
        return [fn(item) for item in items]

    def map_batches(self, make_fn: Callable[[], Callable[[B], R]],
                    batches: Iterable[B]) -> Iterator[R]:
        fn = make_fn()
        for batch in batches:
            yield fn(batch)

    def close(self) -> None:
        return None

    def __enter__(self) -> LocalExecutor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
