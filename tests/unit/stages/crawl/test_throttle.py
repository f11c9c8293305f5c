from __future__ import annotations

import itertools

from textloop.stages.crawl.throttle import MAX_CRAWL_DELAY, HostThrottle


class FakeClock:
    """Time that moves only when slept through or advanced by hand."""

    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def _throttle(delay: float) -> tuple[HostThrottle, FakeClock]:
    clock = FakeClock()
    return HostThrottle(delay, clock=clock, sleep=clock.sleep), clock


def test_second_request_to_a_host_waits_for_the_delay() -> None:
    throttle, clock = _throttle(1.5)
    starts = []
    for _ in range(3):
        with throttle.slot("a.test"):
            starts.append(clock.now)

    assert [b - a for a, b in itertools.pairwise(starts)] == [1.5, 1.5]


def test_delay_counts_from_the_end_of_a_slow_request() -> None:
    throttle, clock = _throttle(1.0)
    with throttle.slot("a.test"):
        clock.now += 5.0  # a slow download
    end_of_first = clock.now
    with throttle.slot("a.test"):
        start_of_second = clock.now

    assert start_of_second - end_of_first == 1.0


def test_hosts_do_not_wait_for_each_other() -> None:
    throttle, clock = _throttle(2.0)
    with throttle.slot("a.test"):
        pass
    with throttle.slot("b.test"):
        pass

    assert clock.slept == []


def test_crawl_delay_raises_but_never_lowers_and_is_capped() -> None:
    throttle, _ = _throttle(1.0)
    throttle.raise_delay("slow.test", 4)
    throttle.raise_delay("fast.test", 0.1)
    throttle.raise_delay("hostile.test", 86_400)

    assert throttle.delay_for("slow.test") == 4
    assert throttle.delay_for("fast.test") == 1.0
    assert throttle.delay_for("hostile.test") == MAX_CRAWL_DELAY
    assert throttle.delay_for("other.test") == 1.0
