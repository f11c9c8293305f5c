"""Per-host rate limiting: at least ``delay`` seconds between requests to the same host.

The gap is measured from the *end* of one request to the start of the next, so a slow
response never lets two requests arrive closer together than the delay. A robots.txt
``Crawl-delay`` raises the delay for its host (capped, so a hostile robots.txt cannot stall
a crawl for hours).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

MAX_CRAWL_DELAY = 60.0


class HostThrottle:
    def __init__(self, delay: float, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.delay = delay
        self._clock = clock
        self._sleep = sleep
        self._delays: dict[str, float] = {}
        self._last_end: dict[str, float] = {}

    def raise_delay(self, host: str, seconds: float) -> None:
        """Use ``seconds`` for ``host`` when it is longer than the configured delay."""
        self._delays[host] = max(self.delay, min(seconds, MAX_CRAWL_DELAY))

    def delay_for(self, host: str) -> float:
        return self._delays.get(host, self.delay)

    @contextmanager
    def slot(self, host: str) -> Iterator[None]:
        """Wait until ``host`` may be contacted again; the request runs inside the block."""
        last = self._last_end.get(host)
        if last is not None:
            wait = last + self.delay_for(host) - self._clock()
            if wait > 0:
                self._sleep(wait)
        try:
            yield
        finally:
            self._last_end[host] = self._clock()
