"""Rates and token buckets, on a clock the test moves by hand (no sleeping, no timing)."""

from __future__ import annotations

import pytest

from textloop.errors import InvalidInputError
from textloop.stages.serving.errors import RateLimitedError
from textloop.stages.serving.rate_limit import (
    FailedAuthLimiter,
    Rate,
    RateLimiter,
    TokenBucket,
    parse_rate,
    spend,
)


class HandClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_rates_parse_and_print_back() -> None:
    assert parse_rate("100/s") == Rate(100, 1.0)
    assert parse_rate(" 600/min ") == Rate(600, 60.0)
    assert str(parse_rate("5000/h")) == "5000/h"
    for bad in ("100", "0/s", "-1/s", "ten/s", "5/day", "1.5/s"):
        with pytest.raises(InvalidInputError, match="COUNT/UNIT"):
            parse_rate(bad)


def test_a_bucket_bursts_then_refills_at_the_rate() -> None:
    clock = HandClock()
    bucket = TokenBucket(Rate(2, 1.0), clock)
    assert [bucket.take(), bucket.take()] == [0.0, 0.0]
    assert bucket.take() == pytest.approx(0.5)  # one token comes back every half second
    clock.now += 0.25
    assert bucket.take() == pytest.approx(0.25)
    clock.now += 0.25
    assert bucket.take() == 0.0
    clock.now += 60.0  # a long pause refills no more than the burst
    assert [bucket.take(), bucket.take()] == [0.0, 0.0] and bucket.take() > 0.0


def test_the_limiter_keeps_one_bucket_per_key_and_says_when_to_retry() -> None:
    clock = HandClock()
    limiter = RateLimiter(clock)
    limiter.check("a", "1/min")
    limiter.check("b", "1/min")  # another key has its own bucket
    limiter.check("c", None)  # no rate: never limited
    with pytest.raises(RateLimitedError) as caught:
        limiter.check("a", "1/min")
    assert caught.value.http_status == 429 and caught.value.retry_after == 60
    assert "over its rate limit of 1/min" in caught.value.message
    clock.now += 60.0
    limiter.check("a", "1/min")


def test_limiters_on_one_folder_share_each_keys_bucket(tmp_path) -> None:
    """Two workers' limiters: the key's burst and refill are counted once for both."""
    clock = HandClock()
    first, second = RateLimiter(clock, tmp_path), RateLimiter(clock, tmp_path)
    try:
        first.check("a", "3/min")
        second.check("a", "3/min")
        first.check("a", "3/min")
        for limiter in (second, first):
            with pytest.raises(RateLimitedError) as caught:
                limiter.check("a", "3/min")
            assert caught.value.retry_after == 20  # one token every 20 s, for both
        second.check("b", "3/min")  # another key, another bucket
        clock.now += 20.0
        second.check("a", "3/min")  # the refill is shared too: one token, taken once
        with pytest.raises(RateLimitedError):
            first.check("a", "3/min")
    finally:
        first.close()
        second.close()
    assert len(list(tmp_path.iterdir())) == 2  # one file per key and rate


def test_a_rate_below_the_number_of_workers_is_still_met(tmp_path) -> None:
    """1/min over two workers: a split of the rate would leave each half a token."""
    clock = HandClock()
    workers = [RateLimiter(clock, tmp_path) for _ in range(2)]
    workers[1].check("a", "1/min")
    with pytest.raises(RateLimitedError):
        workers[0].check("a", "1/min")
    clock.now += 60.0
    workers[0].check("a", "1/min")
    for limiter in workers:
        limiter.close()


def test_spend_never_refills_backwards_or_beyond_the_burst() -> None:
    rate = Rate(4, 1.0)
    assert spend(rate, 0.5, updated=10.0, now=9.0) == (0.5, pytest.approx(0.125))
    assert spend(rate, 1.0, updated=0.0, now=1000.0) == (3.0, 0.0)


def test_failed_key_checks_are_limited_per_client_address() -> None:
    clock = HandClock()
    limiter = FailedAuthLimiter(Rate(3, 60.0), clock)
    for _ in range(3):
        limiter.check("10.0.0.1")
        limiter.failed("10.0.0.1")
    with pytest.raises(RateLimitedError) as limited:
        limiter.check("10.0.0.1")  # refused before its key is even looked at
    assert limited.value.retry_after == 20  # one failure comes back every 20 s
    assert "failed API key checks from 10.0.0.1" in limited.value.message
    limiter.check("10.0.0.2")  # another address is not affected
    clock.now += 20.0
    limiter.check("10.0.0.1")


def test_the_failed_auth_limiter_remembers_a_bounded_number_of_clients() -> None:
    limiter = FailedAuthLimiter(Rate(1, 60.0), HandClock(), max_clients=2)
    for client in ("a", "b", "c"):
        limiter.failed(client)
    assert list(limiter.buckets) == ["b", "c"]
    limiter.check("a")  # forgotten: starts afresh
    with pytest.raises(RateLimitedError):
        limiter.check("c")
