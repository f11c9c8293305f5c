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
from textloop.executors.base import TableFile

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


class _BatchCaller:
    """A Ray Data actor: builds the batch function once (a model loaded once per actor)
    and calls it on each batch."""

    def __init__(self, make_fn: Callable[[], Callable[[Any], Any]]) -> None:
        self._fn = make_fn()

    def __call__(self, batch: Any) -> Any:
        return self._fn(batch)


def _read_table_file(data: Any, source: TableFile) -> Any:
    """The file as a Ray Data dataset whose cells are exactly the file's text: no column
    type inferred, no ``NA`` or empty cell made null (``007`` stays ``007``). A ``lines``
    file is one string column ``line`` per non-empty line (parsed by the batch function).
    """
    import pyarrow.csv as pacsv

    path = str(source.path)
    # The reading takes no CPU of its own: the actors scoring it hold one each (one per CPU
    # by default), and a read waiting for a free CPU would never start.
    if source.format == "parquet":
        return data.read_parquet(path, num_cpus=0)  # (predict reads its Parquet itself)
    lines = source.format == "lines"
    names = ["line"] if lines else list(source.columns)
    read = pacsv.ReadOptions(encoding=source.encoding, column_names=names,
                             skip_rows=0 if lines else 1, block_size=source.block_bytes)
    parse = pacsv.ParseOptions(
        delimiter="\x1e" if lines else ("\t" if source.format == "tsv" else ","),
        quote_char='"' if source.quoted and not lines else False,
        double_quote=not lines, escape_char=False, newlines_in_values=not lines,
        ignore_empty_lines=True)
    convert = pacsv.ConvertOptions(column_types=dict.fromkeys(names, _string()),
                                   null_values=[], strings_can_be_null=False,
                                   quoted_strings_can_be_null=False, check_utf8=True)
    return data.read_csv(path, read_options=read, parse_options=parse,
                         convert_options=convert, num_cpus=0)


def _string() -> Any:
    import pyarrow as pa

    return pa.string()


def _root_cause(exc: BaseException) -> BaseException:
    """The error underneath Ray's wrappers (``RayTaskError``, ``UserCodeException``)."""
    seen: set[int] = set()
    while id(exc) not in seen:
        seen.add(id(exc))
        inner = getattr(exc, "cause", None) or exc.__cause__
        if not isinstance(inner, BaseException):
            break
        exc = inner
    return exc


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

    def map_file_batches(self, source: TableFile, make_fn: Callable[[], Callable[[Any], Any]],
                         batch_rows: int) -> Iterator[Any]:
        """A Ray Data pipeline: the file read on the cluster (``read_csv``/``read_parquet``,
        every cell kept as the text it is), ``fn(table)`` on each batch of ``batch_rows``
        rows in a pool of ``workers`` actors (``fn = make_fn()`` built once per actor), the
        results streamed back here in file order (``preserve_order``).

        Failures come out as ``_get`` says them: an error the work raised as itself, a
        worker lost past its retries or a file Arrow could not read as an
        ExternalServiceError.
        """
        ray = self._ray
        context = ray.data.DataContext.get_current()
        context.execution_options.preserve_order = True
        dataset = _read_table_file(ray.data, source).map_batches(
            _BatchCaller, fn_constructor_args=(make_fn,), concurrency=self.workers,
            batch_size=batch_rows, batch_format="pyarrow", num_cpus=1,
            max_restarts=TASK_RETRIES, max_task_retries=TASK_RETRIES)
        try:
            yield from dataset.iter_batches(batch_size=None, batch_format="pyarrow")
        except TextloopError:
            raise
        except Exception as exc:
            cause = _root_cause(exc)
            if isinstance(cause, TextloopError):
                raise cause from exc
            if isinstance(exc, ray.exceptions.RayError) and not isinstance(
                    exc, ray.exceptions.RayTaskError):
                raise self._lost(exc) from exc
            raise ExternalServiceError(
                f"a task failed on the Ray cluster: {cause}",
                hint="run with --executor local to see the error without Ray") from exc

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
            raise self._lost(exc) from exc

    @staticmethod
    def _lost(exc: BaseException) -> ExternalServiceError:
        return ExternalServiceError(
            f"a Ray worker was lost and the work did not finish after {TASK_RETRIES} "
            f"retries: {type(exc).__name__}",
            hint="check the cluster's memory and nodes (`ray status`), then run the "
                 "command again; nothing was written")

    def close(self) -> None:
        if self._started_here and self._ray.is_initialized():
            self._ray.shutdown()
        self._started_here = False

    def __enter__(self) -> RayExecutor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
