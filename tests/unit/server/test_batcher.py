"""The micro-batcher: a lone text runs at once; queued texts share batches up to the limit."""

from __future__ import annotations

import asyncio

from tests.unit.server.fixtures import HAM, SPAM
from textloop.server.batcher import MicroBatcher
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
