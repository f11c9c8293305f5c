"""The executor interface: where batch work runs, with the same answers everywhere.

Stages hand an executor pure work, never a store: a function and its inputs
(``map_tasks``: cross-validation folds, near-duplicate shards), or a factory that builds a
batch function once per worker and the batches to feed it (``map_batches``: scoring and
embedding, where the model is loaded once per worker rather than once per batch). Results
come back in input order, so a run on Ray writes byte-for-byte what a local run writes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TypeVar, runtime_checkable

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


@dataclass(frozen=True)
class TableFile:
    """A file an engine reads itself, as tables of text cells (``FileBatchExecutor``).

    ``format``: ``csv`` or ``tsv`` (``columns`` names them, the header line is skipped),
    ``lines`` (one column ``line`` per non-empty line: JSON Lines, parsed by the batch
    function) or ``parquet`` (the columns as stored). ``quoted``: ``"`` quotes cells.
    ``block_bytes``: the longest row the reader must hold in one block.
    """

    path: Path
    format: str
    columns: tuple[str, ...] = ()
    encoding: str = "utf-8"
    quoted: bool = True
    block_bytes: int = 1 << 24


@runtime_checkable
class FileBatchExecutor(Protocol):
    """An engine that reads a file itself, on its workers, so the process that started
    the job neither reads nor parses it (``ray``: a Ray Data pipeline)."""

    name: str
    workers: int

    def map_file_batches(self, source: TableFile, make_fn: Callable[[], Callable[[Any], Any]],
                         batch_rows: int) -> Iterator[Any]:
        """Stream ``fn(table)`` for each batch of ``batch_rows`` rows of ``source`` (a
        ``pyarrow.Table``), in file order, ``fn = make_fn()`` built once per worker."""
        ...
