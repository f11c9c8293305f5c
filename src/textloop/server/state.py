"""One server's running parts and their lifecycle: the model slot and its watcher, the
batcher, the key ring, the rate limiter and the prediction log.

Startup reads the keys (so the first request is already checked) and starts the watcher,
whose first round loads and warms the model in a thread: ``/healthz`` answers at once,
``/readyz`` only once a model is warm. Shutdown runs after uvicorn has finished the requests
in flight: the batcher drains, then the prediction log writes what is queued.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
from collections.abc import AsyncIterator

from fastapi import FastAPI, Request
from sqlalchemy.exc import SQLAlchemyError

from textloop.config import Project
from textloop.errors import InvalidInputError, TextloopError
from textloop.server.batcher import MicroBatcher
from textloop.server.metrics import ServerMetrics
from textloop.server.settings import ServerConfig
from textloop.stages.serving import (
    FailedAuthLimiter,
    KeyRing,
    NotReadyError,
    PredictionLog,
    Rate,
    RateLimiter,
    ServedModel,
    load_served,
    parse_rate,
    wanted_version,
)
from textloop.storage import Store

log = logging.getLogger(__name__)


class ServerState:
    def __init__(self, project: Project, store: Store, config: ServerConfig) -> None:
        serving = config.serving
        self.project = project
        self.store = store
        self.config = config
        self.metrics = ServerMetrics(store)
        self.current: ServedModel | None = None
        self.not_ready = "the model is loading"
        self.keys = KeyRing(serving.require_key)
        self.limiter = RateLimiter(folder=config.rate_dir)
        self.auth_failures = FailedAuthLimiter(_failed_auth_rate(serving.failed_auth_rate))
        self.log = PredictionLog(store, serving.log_queue, on_drop=self.metrics.log_dropped.inc,
                                 on_depth=self.metrics.log_queue.set)
        self.batcher = MicroBatcher(self.model, max_batch=serving.max_batch,
                                    max_wait=serving.max_wait_ms / 1000.0,
                                    max_queue=serving.max_queue,
                                    max_queue_wait=serving.max_queue_wait_ms / 1000.0 or None,
                                    on_batch=self.metrics.batch_size.observe,
                                    on_depth=self.metrics.queue_depth.set,
                                    on_wait=self.metrics.queue_wait.observe,
                                    on_reject=self.metrics.rejected_request)
        self.watcher: asyncio.Task[None] | None = None

    def model(self) -> ServedModel:
        """The warm model now being served; 503 until there is one."""
        if self.current is None:
            raise NotReadyError(f"not ready: {self.not_ready}",
                                hint="wait for GET /readyz to answer 200")
        return self.current

    def poll(self) -> None:
        """One watcher round (blocking: run in a thread): re-read the keys, and load and swap
        in the model when the alias has moved (or nothing is loaded yet)."""
        self.keys.refresh(self.store)
        try:
            wanted = wanted_version(self.store, self.config.target)
        except NotReadyError as exc:
            if self.current is None:
                self.not_ready = exc.message
            return  # an alias removed while serving: keep answering with the model we have
        if self.current is not None and (wanted is None or wanted == self.current.version):
            return
        served = load_served(self.store, self.config.target, wanted)
        replacing = self.current is not None
        if self.config.settle_heap and not replacing:
            settle_heap()  # before /readyz says ready: no request waits for this collection
        self.current = served  # one reference: the next batch uses it, running ones finish
        if self.config.settle_heap and replacing:
            settle_heap()  # after the swap: the replaced model's cycles can go now
        self.metrics.model_loaded(served)
        log.info("serving %s (version %s)", served.run_name, served.version)

    async def start(self) -> None:
        await asyncio.to_thread(self.keys.refresh, self.store)
        self.log.start()
        self.batcher.start()
        self.watcher = asyncio.create_task(self._watch(), name="textloop-model-watcher")

    async def stop(self) -> None:
        if self.watcher is not None:
            self.watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.watcher
        await self.batcher.stop()
        await asyncio.to_thread(self.log.close)
        self.limiter.close()

    async def _watch(self) -> None:
        while True:
            try:
                await asyncio.to_thread(self.poll)
            except Exception as exc:  # any failure: the watcher must live to poll again
                if self.current is None:
                    reason = exc.message if isinstance(exc, TextloopError) else str(exc)
                    self.not_ready = f"loading the model failed: {reason}"
                if isinstance(exc, TextloopError | SQLAlchemyError | OSError):
                    log.warning("model watcher: %s", exc)
                else:
                    log.exception("model watcher: unexpected failure")
            await asyncio.sleep(self.config.serving.poll_seconds)


@contextlib.asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    state: ServerState = app.state.serving
    await state.start()
    try:
        yield
    finally:
        await state.stop()


def settle_heap() -> None:
    """Collect, then freeze what survives (``gc.freeze``), once a model is in place.

    The model, the modules and the app live as long as the process, and Python's full
    collection walks every one of them: under load that paused the whole process (event
    loop and model thread) for 0.7 s once every few seconds, which every request in flight
    waited out: the 32-client p99 (BENCHMARKS.md, "Where the p99 came from"). Frozen objects
    are left out of later collections, so those see only the requests' own short-lived
    objects. Unfreezing first lets the cycles of a model just replaced be collected; memory
    that is not in a cycle is freed by reference counting as always.
    """
    gc.unfreeze()
    gc.collect()
    gc.freeze()


def _failed_auth_rate(text: str) -> Rate:
    try:
        return parse_rate(text)
    except InvalidInputError as exc:
        raise InvalidInputError(f"serving.failed_auth_rate: {exc.message}",
                                hint="e.g. failed_auth_rate: 30/min in textloop.yaml") from None


def get_state(request: Request) -> ServerState:
    state: ServerState = request.app.state.serving
    return state
