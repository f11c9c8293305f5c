"""One error hierarchy for the whole package.

Every error a user can cause is a ``TextloopError`` carrying a message (what was found,
what was expected) and a hint (what to do). Each subclass knows the CLI exit code and
the HTTP status it maps to, so the CLI and the server render the same error the same way
and neither needs its own translation table.
"""

from __future__ import annotations

from typing import Any


class TextloopError(Exception):
    """Root of all errors a user can cause or fix."""

    exit_code: int = 1
    http_status: int = 500
    code: str = "error"

    def __init__(self, message: str, hint: str | None = None, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.details = details

    def to_dict(self) -> dict[str, Any]:
        """The one JSON error shape used by the server and by ``--json`` output."""
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.hint:
            body["hint"] = self.hint
        if self.details:
            body["details"] = self.details
        return {"error": body}

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message}\nHint: {self.hint}"


class InvalidInputError(TextloopError):
    """The user's data or arguments are malformed (bad file, bad row, bad value)."""

    exit_code = 2
    http_status = 422
    code = "invalid_input"


class NotFoundError(TextloopError):
    """A named thing (project, release, run, file, model) does not exist."""

    exit_code = 3
    http_status = 404
    code = "not_found"


class ForbiddenError(TextloopError):
    """The caller is known but may not do this (a role, an API key's scope, a foreign host)."""

    exit_code = 13
    http_status = 403
    code = "forbidden"


class ConflictError(TextloopError):
    """The request contradicts what is stored (duplicate id, existing project, old release)."""

    exit_code = 4
    http_status = 409
    code = "conflict"


class NotFittedError(TextloopError):
    """A model was used before ``fit``."""

    exit_code = 5
    http_status = 409
    code = "not_fitted"


class ConfigError(TextloopError):
    """``textloop.yaml`` or another configuration is invalid."""

    exit_code = 6
    http_status = 400
    code = "config"


class StorageError(TextloopError):
    """The store or an artifact on disk is unreadable, inconsistent or from a newer version."""

    exit_code = 7
    http_status = 500
    code = "storage"


class StoreUnavailableError(StorageError):
    """The database server could not be reached, or the connection to it was lost."""

    http_status = 503
    code = "store_unavailable"


class IntegrityError(StorageError):
    """An artifact failed verification (checksum, unknown format): refused, never loaded."""

    code = "integrity"


class MissingExtraError(TextloopError):
    """An optional dependency is not installed; the hint names the ``pip install`` to run."""

    exit_code = 8
    http_status = 501
    code = "missing_extra"

    def __init__(self, package: str, extra: str, purpose: str) -> None:
        super().__init__(
            f"{purpose} needs the optional package {package!r}, which is not installed",
            hint=f'pip install "textloop[{extra}]"',
        )


class MissingDataError(MissingExtraError):
    """Optional files that no Python extra brings (a system word list, model weights) are
    not where they were looked for; the message says where, the hint how to install them."""

    code = "missing_data"

    def __init__(self, message: str, hint: str) -> None:
        TextloopError.__init__(self, message, hint=hint)


class ExternalServiceError(TextloopError):
    """A remote service (web page, registry, LLM endpoint) failed or refused."""

    exit_code = 9
    http_status = 502
    code = "external_service"
