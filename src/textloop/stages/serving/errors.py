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

    def __init__(self, key: str, rate: str, retry_after: float, *,
                 message: str | None = None, hint: str | None = None) -> None:
        self.retry_after = max(1, math.ceil(retry_after))
        super().__init__(message or f"key {key!r} is over its rate limit of {rate}",
                         hint=hint or f"retry after {self.retry_after} s, or ask for a higher "
                                      "--rate")

    @classmethod
    def for_client(cls, client: str, rate: str, retry_after: float) -> RateLimitedError:
        """A client address that failed too many key checks (``FailedAuthLimiter``)."""
        seconds = max(1, math.ceil(retry_after))
        return cls(client, rate, retry_after,
                   message=f"too many failed API key checks from {client} (the limit is "
                           f"{rate}, serving.failed_auth_rate)",
                   hint=f"retry after {seconds} s with the key `textloop keys create` printed")


class NotReadyError(TextloopError):
    """The server has no warmed model yet (starting, or its alias points at nothing)."""

    exit_code = 12
    http_status = 503
    code = "not_ready"


class TooLargeError(InvalidInputError):
    """A request asks for more than the server's limits allow."""

    http_status = 413
    code = "too_large"
