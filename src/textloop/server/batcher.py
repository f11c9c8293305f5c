"""The micro-batcher: texts from concurrent requests share one model call.

Requests put their texts on a queue and await one future per text. A collector task on the
event loop takes the first waiting text, then more until ``max_batch`` texts or ``max_wait``
seconds have passed, and runs the model on them in one dedicated worker thread: model work
never blocks the event loop, and while one batch runs the next one fills up, so batches grow
with the load by themselves. A text that arrives at an idle server runs at once: waiting
``max_wait`` for company pays off only under load, which shows as texts already queued when
a batch finishes. A request larger than ``max_batch`` spans several batches.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from textloop.stages.serving import ServedAnswer, ServedModel

Answer = tuple[ServedModel, ServedAnswer]
"""A prediction (or a span model's spans) with the model that made it (after a reload,
batches in flight finish on the old model, and their answers say so)."""


@dataclass
class _Waiting:
    text: str
    future: asyncio.Future[Answer]


class MicroBatcher:
    def __init__(self, model: Callable[[], ServedModel], *, max_batch: int, max_wait: float,
                 on_batch: Callable[[int], None] = lambda n: None,
                 on_depth: Callable[[int], None] = lambda n: None) -> None:
        self.model = model
        self.max_batch = max_batch
        self.max_wait = max_wait
        self.on_batch = on_batch
        self.on_depth = on_depth
        self.waiting: deque[_Waiting] = deque()
        self.arrived = asyncio.Event()
        self.idle = asyncio.Event()
        self.idle.set()
        self.executor = ThreadPoolExecutor(1, thread_name_prefix="textloop-model")
        self.task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self.task = asyncio.create_task(self._collect(), name="textloop-batcher")

    async def predict(self, texts: Sequence[str]) -> list[Answer]:
        """Queue ``texts`` and wait for their predictions, in order."""
        loop = asyncio.get_running_loop()
        futures = [loop.create_future() for _ in texts]
        self.waiting.extend(_Waiting(t, f) for t, f in zip(texts, futures, strict=True))
        self.idle.clear()
        self.arrived.set()
        self.on_depth(len(self.waiting))
        return list(await asyncio.gather(*futures))

    async def stop(self) -> None:
        """Finish every queued text, then stop the collector and the worker thread."""
        await self.idle.wait()
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.task
        self.executor.shutdown(wait=True)

    async def _collect(self) -> None:
        loop = asyncio.get_running_loop()
        woke = False  # True when the queue was empty and this text woke the collector
        while True:
            if not self.waiting:
                self.idle.set()
                self.arrived.clear()
                await self.arrived.wait()
                woke = True
                continue
            deadline = loop.time() + (0.0 if woke else self.max_wait)
            woke = False
            while len(self.waiting) < self.max_batch and loop.time() < deadline:
                self.arrived.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.arrived.wait(), deadline - loop.time())
            batch = [self.waiting.popleft()
                     for _ in range(min(self.max_batch, len(self.waiting)))]
            self.on_depth(len(self.waiting))
            await self._run(loop, batch)

    async def _run(self, loop: asyncio.AbstractEventLoop, batch: list[_Waiting]) -> None:
        live = [w for w in batch if not w.future.done()]  # cancelled: the client went away
        if not live:
            return
        self.on_batch(len(live))
        try:
            model = self.model()
            predictions: Sequence[ServedAnswer] = await loop.run_in_executor(
                self.executor, model.predict, [w.text for w in live])
        except Exception as exc:  # the model's failure belongs to these requests only
            for waiting in live:
                if not waiting.future.done():
                    waiting.future.set_exception(exc)
            return
        for waiting, prediction in zip(live, predictions, strict=True):
            if not waiting.future.done():
                waiting.future.set_result((model, prediction))
