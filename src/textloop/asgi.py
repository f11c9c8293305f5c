"""ASGI pieces both HTTP adapters use: the labeling app (``web/``) and the inference server
(``server/``). They live below both so that neither adapter imports the other.

The guards run before routing, so a refused request never reaches a handler or the store,
and they answer in the one JSON error shape (``TextloopError.to_dict``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from typing import Annotated, Any

from fastapi.exceptions import RequestValidationError
from pydantic import BeforeValidator
from pydantic_core import PydanticCustomError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from textloop.errors import ForbiddenError, InvalidInputError, TextloopError
from textloop.hosts import host_allowed
from textloop.texts import text_error, text_problem

STORABLE_ERROR = "storable_text"
"""The pydantic error type of a ``StorableText`` refusal, which ``invalid_request``
turns into ``text_error``."""


def _storable(value: object) -> object:
    problem = text_problem(value) if isinstance(value, str) else None
    if problem is not None:
        raise PydanticCustomError(STORABLE_ERROR, "{problem}", {"problem": problem})
    return value


StorableText = Annotated[str, BeforeValidator(_storable)]
"""A request-body string field that must pass ``texts.text_problem`` (pydantic models of the
HTTP adapters): the validation error names the field and the problem. It runs before
pydantic's own checks, whose length limits would otherwise refuse a lone surrogate with a
message about parsing."""


UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class BodyTooLargeError(InvalidInputError):
    http_status = 413
    code = "too_large"


async def send_error(send: Send, error: TextloopError) -> None:
    """The JSON error response, sent from a middleware (before any handler ran)."""
    body = json.dumps(error.to_dict()).encode()
    await send({"type": "http.response.start", "status": error.http_status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


def header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key == name:
            return str(value.decode("latin-1"))
    return None


def host_of(scope: Scope) -> str:
    """The request's ``Host`` header, lower-cased ("" when there is none)."""
    return (header(scope, b"host") or "").lower()


class BodyLimit:
    """Reads a request body up to ``limit`` bytes (413 beyond), then replays it to the app.

    Buffering the (small) body here bounds chunked uploads too, which carry no length.
    Subclasses say in ``hint`` what a client should send instead.
    """

    hint = "send a smaller request body"

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in UNSAFE:
            await self.app(scope, receive, send)
            return
        declared = header(scope, b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await send_error(send, self._too_large(int(declared)))
            return
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > self.limit:
                await send_error(send, self._too_large(size))
                return
            if not message.get("more_body", False):
                break
        await self.app(scope, _replay(b"".join(chunks), receive), send)

    def _too_large(self, size: int) -> BodyTooLargeError:
        return BodyTooLargeError(f"request body of {size:,} bytes or more exceeds the limit of "
                                 f"{self.limit:,} bytes", hint=self.hint)


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if sent:
            return await receive()  # wait for the disconnect like the server would
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


def _every_request(scope: Scope) -> bool:
    return True


class HostGuard:
    """Refuses requests whose ``Host`` names none of ``allowed_hosts`` (``*``: any), with 403.

    ``checks`` is asked for each request whether to check it at all (the inference server
    leaves its key-protected routes to the key once keys exist); see ``textloop.hosts``.
    """

    def __init__(self, app: ASGIApp, allowed_hosts: Iterable[str], hint: str,
                 checks: Callable[[Scope], bool] = _every_request) -> None:
        self.app = app
        self.allowed = tuple(h.lower() for h in allowed_hosts)
        self.hint = hint
        self.checks = checks

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and self.checks(scope):
            refusal = self.refusal(scope)
            if refusal is not None:
                await send_error(send, refusal)
                return
        await self.app(scope, receive, send)

    def refusal(self, scope: Scope) -> TextloopError | None:
        host = host_of(scope)
        if not host_allowed(host, self.allowed):
            return ForbiddenError(f"unknown host {host!r}", hint=self.hint)
        return None


def field_name(loc: Sequence[Any]) -> str:
    """A validation error's location as a client writes it: ``texts[3]``, ``labels[0]``."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def invalid_request(exc: RequestValidationError, hint: str) -> InvalidInputError:
    """FastAPI's validation error as one sentence naming each field and its problem.

    A body refused only for text the store cannot hold (``StorableText``) gets the same error
    as a stage's ``check_text``: the field, the problem, its fix and ``details.field``.
    """
    errors = exc.errors()
    if errors and all(e["type"] == STORABLE_ERROR for e in errors):
        first = errors[0]
        return text_error(field_name(first["loc"][1:]) or "body", first["ctx"]["problem"])
    problems = "; ".join(f"{field_name(e['loc'][1:]) or 'body'}: "
                         f"{str(e['msg']).removeprefix('Value error, ')}"
                         for e in errors)
    return InvalidInputError(f"invalid request ({problems})", hint=hint)
