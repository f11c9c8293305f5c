"""The errors only the inference server raises, each with its HTTP status."""

from __future__ import annotations

import math

from textloop.errors import InvalidInputError, TextloopError


class UnauthorizedError(TextloopError):
    """No API key, or one that is unknown, wrong or revoked."""

    exit_code = 10
    http_status = 401
    code = "unauthorized"


class RateLimitedError(TextloopError):
    """The key has spent its requests for now; ``retry_after`` seconds until the next one."""

    exit_code = 11
    http_status = 429
    code = "rate_limited"

    def __init__(self, key: str, rate: str, retry_after: float) -> None:
        self.retry_after = max(1, math.ceil(retry_after))
        super().__init__(f"key {key!r} is over its rate limit of {rate}",
                         hint=f"retry after {self.retry_after} s, or ask for a higher --rate")


class NotReadyError(TextloopError):
    """The server has no warmed model yet (starting, or its alias points at nothing)."""

    exit_code = 12
    http_status = 503
    code = "not_ready"


class TooLargeError(InvalidInputError):
    """A request asks for more than the server's limits allow."""

    http_status = 413
    code = "too_large"
