"""The micro-batcher: texts from concurrent requests share one model call.

Requests put their texts on a queue and await one future per text. A collector task on the
event loop takes the first waiting text, then more until ``max_batch`` texts or ``max_wait``
seconds have passed, and runs the model on them in one dedicated worker thread: model work
never blocks the event loop, and while one batch runs the next one fills up, so batches grow
with the load by themselves. A text that arrives at an idle server runs at once: waiting
``max_wait`` for company pays off only under load, which shows as texts already queued when
a batch finishes. A request larger than ``max_batch`` spans several batches.

Texts are served in arrival order: one FIFO queue, batches taken from its head, answers set
in batch order, so no request is overtaken by a later one.

Admission control keeps the queue bounded, so an overload shows as quick refusals a client
can retry elsewhere or later, instead of answers that come too late to be of use: a request
is refused (``OverloadedError``, 503 with ``Retry-After``) when its texts would take the
queue past ``max_queue`` or when the estimated wait is past ``max_queue_wait``. The estimate
is the texts ahead (waiting and in the running batch) times the recent per-text service time
(a moving average over batches, so it follows the batch sizes the load produces). A request
that finds nothing waiting is never refused: it is next in line, and refusing it would refuse
it for ever.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from textloop.stages.serving import OverloadedError, ServedAnswer, ServedModel

Answer = tuple[ServedModel, ServedAnswer]
"""A prediction (or a span model's spans) with the model that made it (after a reload,
batches in flight finish on the old model, and their answers say so)."""

SERVICE_SMOOTHING = 0.2
"""Weight of the latest batch in the per-text service time: about the last ten batches
count, so the estimate follows a change of load within a second or so under saturation
without jumping at one slow batch."""


@dataclass
class _Waiting:
    text: str
    future: asyncio.Future[Answer]
    queued: float
    """``loop.time()`` when the text was queued (its wait is measured from here)."""


class MicroBatcher:
    def __init__(self, model: Callable[[], ServedModel], *, max_batch: int, max_wait: float,
                 max_queue: int | None = None, max_queue_wait: float | None = None,
                 on_batch: Callable[[int], None] = lambda n: None,
                 on_depth: Callable[[int], None] = lambda n: None,
                 on_wait: Callable[[float], None] = lambda seconds: None,
                 on_reject: Callable[[str], None] = lambda reason: None) -> None:
        """``max_queue`` (texts) and ``max_queue_wait`` (seconds): the admission bounds
        (None: no bound). The callbacks hear of each batch's size, the queue's depth, each
        text's wait for the model (seconds) and each refusal's reason (``queue_full`` or
        ``queue_wait``), so metrics stay out of the batcher."""
        self.model = model
        self.max_batch = max_batch
        self.max_wait = max_wait
        self.max_queue = max_queue
        self.max_queue_wait = max_queue_wait
        self.on_batch = on_batch
        self.on_depth = on_depth
        self.on_wait = on_wait
        self.on_reject = on_reject
        self.waiting: deque[_Waiting] = deque()
        self.running = 0  # texts in the batch the model is working on
        self.per_text: float | None = None  # recent seconds of model work per text
        self.arrived = asyncio.Event()
        self.idle = asyncio.Event()
        self.idle.set()
        self.executor = ThreadPoolExecutor(1, thread_name_prefix="textloop-model")
        self.task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self.task = asyncio.create_task(self._collect(), name="textloop-batcher")

    def estimated_wait(self) -> float:
        """Seconds a text queued now would wait before its batch starts (0 until a batch has
        been timed)."""
        return (len(self.waiting) + self.running) * (self.per_text or 0.0)

    def admit(self, count: int) -> None:
        """Refuse ``count`` more texts with ``OverloadedError`` past a bound; pass otherwise."""
        if not self.waiting:
            return
        if self.max_queue is not None and len(self.waiting) + count > self.max_queue:
            self._refuse("queue_full",
                         f"the server is overloaded: {len(self.waiting):,} texts are waiting "
                         f"for the model and this request adds {count:,} (serving.max_queue "
                         f"is {self.max_queue:,})")
        wait = self.estimated_wait()
        if self.max_queue_wait is not None and wait > self.max_queue_wait:
            self._refuse("queue_wait",
                         f"the server is overloaded: a request queued now would wait about "
                         f"{wait:.1f} s for the model (serving.max_queue_wait_ms is "
                         f"{self.max_queue_wait * 1000:g})")

    def _refuse(self, reason: str, message: str) -> None:
        self.on_reject(reason)
        raise OverloadedError(message, reason=reason, retry_after=self.estimated_wait())

    async def predict(self, texts: Sequence[str]) -> list[Answer]:
        """Queue ``texts`` and wait for their predictions, in order; ``OverloadedError``
        when admission control refuses them (nothing is queued then)."""
        self.admit(len(texts))
        loop = asyncio.get_running_loop()
        now = loop.time()
        futures = [loop.create_future() for _ in texts]
        self.waiting.extend(_Waiting(t, f, now) for t, f in zip(texts, futures, strict=True))
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
        started = loop.time()
        for waiting in live:
            self.on_wait(started - waiting.queued)
        self.running = len(live)
        try:
            model = self.model()
            predictions: Sequence[ServedAnswer] = await loop.run_in_executor(
                self.executor, model.predict, [w.text for w in live])
        except Exception as exc:  # the model's failure belongs to these requests only
            for waiting in live:
                if not waiting.future.done():
                    waiting.future.set_exception(exc)
            return
        finally:
            self.running = 0
        self._timed(loop.time() - started, len(live))
        for waiting, prediction in zip(live, predictions, strict=True):
            if not waiting.future.done():
                waiting.future.set_result((model, prediction))

    def _timed(self, seconds: float, texts: int) -> None:
        """Fold one batch's time per text into the moving average of the service time."""
        latest = seconds / texts
        self.per_text = latest if self.per_text is None else (
            SERVICE_SMOOTHING * latest + (1 - SERVICE_SMOOTHING) * self.per_text)
