"""The micro-batcher: a lone text runs at once; queued texts share batches up to the limit."""

from __future__ import annotations

import asyncio
import itertools
import time

from tests.unit.server.fixtures import HAM, SPAM
from textloop.server.batcher import MicroBatcher
from textloop.stages.serving.errors import OverloadedError
from textloop.stages.serving.model import ServeTarget, load_served, wanted_version


def served_model(served):
    _, store = served
    target = ServeTarget()
    return load_served(store, target, wanted_version(store, target))


def test_a_text_at_an_idle_server_does_not_wait_for_company(served) -> None:
    model = served_model(served)
    batches: list[int] = []

    async def scenario() -> None:
        batcher = MicroBatcher(lambda: model, max_batch=8, max_wait=30.0,
                               on_batch=batches.append)
        batcher.start()
        (answer,) = await asyncio.wait_for(batcher.predict([SPAM]), timeout=20.0)
        await batcher.stop()
        assert answer[1].label == "spam"

    # with a 30 s wait applied to it, the lone text would hit the 20 s timeout above
    asyncio.run(scenario())
    assert batches == [1]


def test_texts_queued_together_share_batches_of_at_most_max_batch(served) -> None:
    model = served_model(served)
    batches: list[int] = []

    async def scenario() -> list[str]:
        batcher = MicroBatcher(lambda: model, max_batch=4, max_wait=0.05,
                               on_batch=batches.append)
        batcher.start()
        answers = await asyncio.gather(*(batcher.predict([SPAM if i % 2 else HAM])
                                         for i in range(10)))
        await batcher.stop()
        return [a[0][1].label for a in answers]

    labels = asyncio.run(scenario())
    assert labels == ["ham", "spam"] * 5
    assert sum(batches) == 10 and max(batches) <= 4 and len(batches) < 10


class SlowModel:
    """A stand-in for the served model that takes ``seconds`` per batch and answers each
    text with itself, recording the batches it saw (the batcher asks nothing more of it)."""

    version = 1
    run_name = "slow"

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.batches: list[list[str]] = []

    def predict(self, texts):
        time.sleep(self.seconds)
        self.batches.append(list(texts))
        return list(texts)


def test_texts_are_answered_in_arrival_order_across_batches() -> None:
    """Requests arriving while batches run complete in the order they were queued: none is
    overtaken by a later one, whichever batch it lands in, and a request larger than a
    batch holds its place."""
    model = SlowModel(0.02)
    done: list[str] = []

    async def scenario() -> None:
        batcher = MicroBatcher(lambda: model, max_batch=3, max_wait=0.0)
        batcher.start()

        async def request(name: str, n: int) -> None:
            answers = await batcher.predict([f"{name}.{i}" for i in range(n)])
            assert [a[1] for a in answers] == [f"{name}.{i}" for i in range(n)]
            done.append(name)

        tasks = []
        for i in range(24):  # arrivals spread over several batches
            tasks.append(asyncio.create_task(request(f"r{i:02d}", 4 if i % 7 == 3 else 1)))
            await asyncio.sleep(0.004 * (i % 3))
        await asyncio.gather(*tasks)
        await batcher.stop()

    asyncio.run(scenario())
    assert done == [f"r{i:02d}" for i in range(24)]
    flat = [t for batch in model.batches for t in batch]
    assert flat == sorted(flat) and len(model.batches) > 8
    assert max(len(b) for b in model.batches) <= 3


def test_each_text_reports_how_long_it_waited_for_the_model() -> None:
    model = SlowModel(0.05)
    waits: list[float] = []

    async def scenario() -> None:
        batcher = MicroBatcher(lambda: model, max_batch=1, max_wait=0.0, on_wait=waits.append)
        batcher.start()
        await asyncio.gather(*(batcher.predict([f"t{i}"]) for i in range(4)))
        await batcher.stop()

    asyncio.run(scenario())
    # one text per batch: the first runs at once, each next one waits a batch (50 ms) longer
    assert len(waits) == 4 and waits == sorted(waits) and waits[0] < 0.04
    assert all(later - earlier >= 0.04 for earlier, later in itertools.pairwise(waits))


def test_a_full_queue_refuses_new_texts_with_a_retry_estimate() -> None:
    model = SlowModel(0.1)
    refused: list[str] = []

    async def scenario() -> tuple[list[Exception], list]:
        batcher = MicroBatcher(lambda: model, max_batch=2, max_wait=0.0, max_queue=4,
                               on_reject=refused.append)
        batcher.start()
        first = await batcher.predict(["warm", "up"])  # one batch measures the service time
        assert [a[1] for a in first] == ["warm", "up"]
        results = await asyncio.gather(*(batcher.predict([f"t{i}"]) for i in range(10)),
                                       return_exceptions=True)
        await batcher.stop()
        return [r for r in results if isinstance(r, Exception)], results

    errors, results = asyncio.run(scenario())
    # the ten arrive before the next batch starts: four wait (max_queue), six are refused
    assert len(errors) == 6 and refused == ["queue_full"] * 6
    for error in errors:
        assert isinstance(error, OverloadedError) and error.http_status == 503
        assert error.details["reason"] == "queue_full" and "serving.max_queue" in error.message
        assert error.retry_after >= 1 and isinstance(error.retry_after, int)
    answered = [r[0][1] for r in results if not isinstance(r, Exception)]
    assert answered == [f"t{i}" for i in range(4)]


def test_a_long_estimated_wait_refuses_new_texts() -> None:
    """Past ``max_queue_wait`` of estimated wait (texts ahead x the recent per-text time)
    a request is refused even though the queue has room; Retry-After rounds that up."""
    model = SlowModel(0.3)
    refused: list[str] = []

    async def scenario() -> list[Exception | list]:
        batcher = MicroBatcher(lambda: model, max_batch=1, max_wait=0.0, max_queue=100,
                               max_queue_wait=0.5, on_reject=refused.append)
        batcher.start()
        await batcher.predict(["measure"])  # about 0.3 s per text from now on
        results: list[Exception | list] = await asyncio.gather(
            *(batcher.predict([f"t{i}"]) for i in range(6)), return_exceptions=True)
        await batcher.stop()
        return results

    results = asyncio.run(scenario())
    errors = [r for r in results if isinstance(r, Exception)]
    # t0 has nothing ahead, t1 0.3 s (t0), t2 0.6 s: past the 0.5 s bound from t2 on
    assert [isinstance(r, Exception) for r in results] == [False, False, True, True, True, True]
    assert refused == ["queue_wait"] * 4
    assert all(e.details["reason"] == "queue_wait" and e.retry_after >= 1 for e in errors)


def test_a_lone_request_is_never_refused_whatever_its_size() -> None:
    """Nothing waiting: the request is next in line, so even one larger than max_queue runs
    (refusing it would refuse it for ever)."""
    model = SlowModel(0.0)

    async def scenario() -> list:
        batcher = MicroBatcher(lambda: model, max_batch=4, max_wait=0.0, max_queue=2,
                               max_queue_wait=0.001)
        batcher.start()
        answers = await batcher.predict([f"t{i}" for i in range(10)])
        await batcher.stop()
        return answers

    assert [a[1] for a in asyncio.run(scenario())] == [f"t{i}" for i in range(10)]
