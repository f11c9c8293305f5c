"""Per-key rate limits: ``100/s``-style rates and a token bucket for each key.

A bucket holds at most ``count`` tokens and refills at ``count / seconds`` per second, so a
key may burst up to its whole allowance and then goes at the steady rate. One server process
keeps its buckets in memory. The worker processes of ``textloop serve --workers N`` share
each bucket instead, as a 16-byte file in a folder of the server's own (``SharedBucket``),
so the whole server allows the documented rate, not N times it.

Why a shared file rather than the alternatives:

* each worker enforcing ``count / N``: a client's keep-alive connection stays with one
  worker, so a client would get 1/N of its rate, and a rate of fewer than N requests per
  unit (``1/min`` over two workers) could never be met at all;
* a counter in the project store: a database write per request, serialized on SQLite's
  write lock (or a round trip to PostgreSQL), to protect a handler that takes milliseconds;
* a locked file: a ``flock``, a 16-byte read and write, microseconds, contended only by the
  other workers' own checks, and exact however the connections are spread.
"""

from __future__ import annotations

import hashlib
import os
import struct
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

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


def spend(rate: Rate, tokens: float, updated: float, now: float) -> tuple[float, float]:
    """Refill a bucket that held ``tokens`` at time ``updated`` up to ``now``, then spend one
    token: the tokens left, and 0.0 when allowed or else the seconds until one is there."""
    tokens = min(float(rate.count), tokens + max(now - updated, 0.0) * rate.per_second)
    if tokens >= 1.0:
        return tokens - 1.0, 0.0
    return tokens, (1.0 - tokens) / rate.per_second


class Bucket(Protocol):
    def take(self) -> float: ...


class TokenBucket:
    """A bucket in this process's memory."""

    def __init__(self, rate: Rate, clock: Clock = time.monotonic) -> None:
        self.rate = rate
        self.clock = clock
        self.tokens = float(rate.count)
        self.updated = clock()

    def take(self) -> float:
        """Spend one token: 0.0 when allowed, else the seconds until one is available."""
        now = self.clock()
        self.tokens, wait = spend(self.rate, self.tokens, self.updated, now)
        self.updated = now
        return wait


STATE = struct.Struct("<dd")
"""A shared bucket's file: its tokens and when they were counted (the monotonic clock,
which is the machine's, the same in every process)."""


class SharedBucket:
    """A bucket in a file that every worker process of one server opens.

    Each take locks the file (``flock``), reads the state, spends and writes it back, so
    takes from all workers are counted in one bucket. The file starts empty: the first take
    finds a full bucket.
    """

    def __init__(self, path: Path, rate: Rate, clock: Clock = time.monotonic) -> None:
        self.rate = rate
        self.clock = clock
        self.fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)

    def take(self) -> float:
        """Spend one token: 0.0 when allowed, else the seconds until one is available."""
        import fcntl  # POSIX; only several worker processes need it

        fcntl.flock(self.fd, fcntl.LOCK_EX)
        try:
            now = self.clock()
            raw = os.pread(self.fd, STATE.size, 0)
            tokens, updated = (STATE.unpack(raw) if len(raw) == STATE.size
                               else (float(self.rate.count), now))
            tokens, wait = spend(self.rate, tokens, updated, now)
            os.pwrite(self.fd, STATE.pack(tokens, now), 0)
        finally:
            fcntl.flock(self.fd, fcntl.LOCK_UN)
        return wait

    def close(self) -> None:
        os.close(self.fd)


class RateLimiter:
    """One bucket per key name and rate, made on the key's first request (event-loop only:
    no thread lock). With ``folder`` the buckets are ``SharedBucket`` files there, shared
    with every other limiter on the same folder (the other workers)."""

    def __init__(self, clock: Clock = time.monotonic, folder: Path | None = None) -> None:
        self.clock = clock
        self.folder = folder
        self.buckets: dict[tuple[str, str], Bucket] = {}

    def check(self, key: str, rate: str | None) -> None:
        """Raise ``RateLimitedError`` when ``key`` has no token left; keys without a rate pass."""
        if rate is None:
            return
        bucket = self.buckets.get((key, rate))
        if bucket is None:
            bucket = self.buckets[key, rate] = self._bucket(key, parse_rate(rate))
        wait = bucket.take()
        if wait > 0.0:
            raise RateLimitedError(key, rate, wait)

    def close(self) -> None:
        """Close the shared buckets' files."""
        for bucket in self.buckets.values():
            if isinstance(bucket, SharedBucket):
                bucket.close()
        self.buckets.clear()

    def _bucket(self, key: str, rate: Rate) -> Bucket:
        if self.folder is None:
            return TokenBucket(rate, self.clock)
        name = hashlib.sha256(f"{key}\n{rate}".encode()).hexdigest()[:32]
        return SharedBucket(self.folder / name, rate, self.clock)


class FailedAuthLimiter:
    """Failed API key checks per client address, a token bucket each: an address may fail
    ``rate`` (a burst of COUNT, refilled at COUNT per unit); once its bucket is empty every
    request from it is answered 429 until a token is back, before its key is looked at.

    Each guess at a key's secret costs the server a scrypt hash, slow on purpose: without
    this, one client could keep the server hashing, and guess at leisure. At most
    ``max_clients`` addresses are remembered (the least recently failed are forgotten first),
    so a flood of addresses cannot grow memory. Event-loop only, one per process: with
    ``--workers N`` each worker allows an address the rate.
    """

    def __init__(self, rate: Rate, clock: Clock = time.monotonic,
                 max_clients: int = 10_000) -> None:
        self.rate = rate
        self.clock = clock
        self.max_clients = max_clients
        self.buckets: OrderedDict[str, TokenBucket] = OrderedDict()

    def check(self, client: str) -> None:
        """Raise ``RateLimitedError`` when ``client`` has no failure left to spend."""
        bucket = self.buckets.get(client)
        if bucket is None:
            return
        _, wait = spend(self.rate, bucket.tokens, bucket.updated, self.clock())
        if wait > 0.0:
            raise RateLimitedError.for_client(client, str(self.rate), wait)

    def failed(self, client: str) -> None:
        """Count one failed key check from ``client``."""
        bucket = self.buckets.pop(client, None) or TokenBucket(self.rate, self.clock)
        self.buckets[client] = bucket  # the most recent failure last
        while len(self.buckets) > self.max_clients:
            self.buckets.popitem(last=False)
        bucket.take()
