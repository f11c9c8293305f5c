"""Per-key rate limits: ``100/s``-style rates and a token bucket for each key.

A bucket holds at most ``count`` tokens and refills at ``count / seconds`` per second, so a
key may burst up to its whole allowance and then goes at the steady rate. Buckets live in
the server process's memory: with several worker processes each enforces the rate alone.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from textloop.errors import InvalidInputError
from textloop.stages.serving.errors import RateLimitedError

UNITS = {"s": 1.0, "sec": 1.0, "second": 1.0, "m": 60.0, "min": 60.0, "minute": 60.0,
         "h": 3600.0, "hour": 3600.0}
Clock = Callable[[], float]


@dataclass(frozen=True)
class Rate:
    count: int
    seconds: float

    @property
    def per_second(self) -> float:
        return self.count / self.seconds

    def __str__(self) -> str:
        unit = next(name for name, secs in UNITS.items() if secs == self.seconds)
        return f"{self.count}/{unit}"


def parse_rate(text: str) -> Rate:
    """``100/s``, ``600/min`` or ``5000/h`` -> a ``Rate``; anything else is refused."""
    count, _, unit = text.strip().partition("/")
    if not count.strip().isdigit() or int(count) < 1 or unit.strip() not in UNITS:
        raise InvalidInputError(f"rate {text!r} is not COUNT/UNIT",
                                hint="e.g. --rate 100/s, --rate 600/min or --rate 5000/h")
    return Rate(int(count), UNITS[unit.strip()])


class TokenBucket:
    def __init__(self, rate: Rate, clock: Clock = time.monotonic) -> None:
        self.rate = rate
        self.clock = clock
        self.tokens = float(rate.count)
        self.updated = clock()

    def take(self) -> float:
        """Spend one token: 0.0 when allowed, else the seconds until one is available."""
        now = self.clock()
        self.tokens = min(float(self.rate.count),
                          self.tokens + (now - self.updated) * self.rate.per_second)
        self.updated = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return 0.0
        return (1.0 - self.tokens) / self.rate.per_second


class RateLimiter:
    """One bucket per key name, made on the key's first request (event-loop only: no lock)."""

    def __init__(self, clock: Clock = time.monotonic) -> None:
        self.clock = clock
        self.buckets: dict[tuple[str, str], TokenBucket] = {}

    def check(self, key: str, rate: str | None) -> None:
        """Raise ``RateLimitedError`` when ``key`` has no token left; keys without a rate pass."""
        if rate is None:
            return
        bucket = self.buckets.get((key, rate))
        if bucket is None:
            bucket = self.buckets[key, rate] = TokenBucket(parse_rate(rate), self.clock)
        wait = bucket.take()
        if wait > 0.0:
            raise RateLimitedError(key, rate, wait)
