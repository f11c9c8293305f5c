"""Deliver one alert as a JSON POST, retrying with exponential backoff.

A receiver that is restarting, or a proxy answering 502 for a moment, should not lose an
alert; one that is down for good must not hang ``textloop monitor`` either. So a delivery
tries a bounded number of times (``BACKOFF``: wait 0.5 s, then 1 s between tries), retries
only what can heal (connection errors, timeouts, 5xx, 429), and reports what happened
instead of raising.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import httpx

BACKOFF = (0.5, 1.0)
"""Seconds to wait before the second and third try (3 tries in all)."""
TIMEOUT = 5.0


@dataclass(frozen=True)
class Delivery:
    url: str
    delivered: bool
    tries: int
    error: str | None = None
    """The last failure (an HTTP status or a connection error), when not delivered."""


def post_json(url: str, payload: dict[str, Any], *, backoff: Sequence[float] = BACKOFF,
              timeout: float = TIMEOUT, sleep: Callable[[float], None] = time.sleep
              ) -> Delivery:
    """POST ``payload`` to ``url``: up to ``len(backoff) + 1`` tries; never raises."""
    error = None
    for attempt in range(len(backoff) + 1):
        if attempt:
            sleep(backoff[attempt - 1])
        try:
            response = httpx.post(url, json=payload, timeout=timeout)
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc}"
            continue
        if response.is_success:
            return Delivery(url, True, attempt + 1)
        error = f"HTTP {response.status_code}"
        if response.status_code < 500 and response.status_code != 429:
            return Delivery(url, False, attempt + 1, error)  # the receiver refuses it
    return Delivery(url, False, len(backoff) + 1, error)
