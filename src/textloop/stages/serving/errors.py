"""The errors only the inference server raises, each with its HTTP status."""

from __future__ import annotations

import math
from typing import Any

from textloop.errors import InvalidInputError, TextloopError


class UnauthorizedError(TextloopError):
    """No API key, or one that is unknown, wrong or revoked."""

    exit_code = 10
    http_status = 401
    code = "unauthorized"


class RetryLaterError(TextloopError):
    """A refusal that says when to come back: ``retry_after`` whole seconds (at least 1),
    which the server sends as the ``Retry-After`` header and in the error's details."""

    def __init__(self, message: str, *, hint: str, retry_after: float, **details: Any) -> None:
        self.retry_after = retry_seconds(retry_after)
        super().__init__(message, hint=hint, **details, retry_after=self.retry_after)


def retry_seconds(seconds: float) -> int:
    """``Retry-After`` counts whole seconds: round up, and never say 0 (that invites an
    immediate retry into the same refusal)."""
    return max(1, math.ceil(seconds))


class RateLimitedError(RetryLaterError):
    """The key has spent its requests for now; ``retry_after`` seconds until the next one."""

    exit_code = 11
    http_status = 429
    code = "rate_limited"

    def __init__(self, key: str, rate: str, retry_after: float, *,
                 message: str | None = None, hint: str | None = None) -> None:
        super().__init__(message or f"key {key!r} is over its rate limit of {rate}",
                         hint=hint or f"retry after {retry_seconds(retry_after)} s, or ask for "
                                      "a higher --rate", retry_after=retry_after)

    @classmethod
    def for_client(cls, client: str, rate: str, retry_after: float) -> RateLimitedError:
        """A client address that failed too many key checks (``FailedAuthLimiter``)."""
        seconds = retry_seconds(retry_after)
        return cls(client, rate, retry_after,
                   message=f"too many failed API key checks from {client} (the limit is "
                           f"{rate}, serving.failed_auth_rate)",
                   hint=f"retry after {seconds} s with the key `textloop keys create` printed")


class NotReadyError(TextloopError):
    """The server has no warmed model yet (starting, or its alias points at nothing)."""

    exit_code = 12
    http_status = 503
    code = "not_ready"


class OverloadedError(RetryLaterError):
    """Admission control refused the request: the queue for the model is full, or a text
    queued now would wait too long (``reason``: ``queue_full`` or ``queue_wait``).
    ``retry_after``: the estimated time for the queue ahead to drain."""

    exit_code = 14
    http_status = 503
    code = "overloaded"
    REASONS = ("queue_full", "queue_wait")

    def __init__(self, message: str, *, reason: str, retry_after: float) -> None:
        super().__init__(message, reason=reason, retry_after=retry_after,
                         hint=f"retry after {retry_seconds(retry_after)} s (the Retry-After "
                              "header) or send fewer texts per request; an operator can raise "
                              "serving.max_queue or serving.max_queue_wait_ms, or add capacity")


class TooLargeError(InvalidInputError):
    """A request asks for more than the server's limits allow."""

    http_status = 413
    code = "too_large"
