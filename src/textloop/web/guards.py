"""ASGI guards around the whole app: body size, host and origin checks, response headers.
The labeling app uses them all; the inference server its body limit and host check.

They run before routing, so a refused request never reaches a handler or the store, and
they answer in the one JSON error shape (``TextloopError.to_dict``).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from textloop.errors import InvalidInputError, TextloopError
from textloop.web.auth import ForbiddenError

UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
       "form-action 'self'")
SECURITY_HEADERS = (
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    # same-origin, not no-referrer: under no-referrer browsers send ``Origin: null`` on
    # same-origin form and XHR POSTs, which the origin check below would have to trust
    (b"referrer-policy", b"same-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
)


class BodyTooLargeError(InvalidInputError):
    http_status = 413
    code = "too_large"


async def send_error(send: Send, error: TextloopError) -> None:
    """The JSON error response (``ResponseHeaders``, the outermost layer, adds the rest)."""
    body = json.dumps(error.to_dict()).encode()
    await send({"type": "http.response.start", "status": error.http_status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key == name:
            return str(value.decode("latin-1"))
    return None


class BodyLimit:
    """Reads a request body up to ``limit`` bytes (413 beyond), then replays it to the app.

    Buffering the (small) body here bounds chunked uploads too, which carry no length.
    """

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in UNSAFE:
            await self.app(scope, receive, send)
            return
        declared = _header(scope, b"content-length")
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
                                 f"{self.limit:,} bytes", hint="send less (a comment is at "
                                                               "most 2,000 characters)")


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if sent:
            return await receive()  # wait for the disconnect like the server would
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


def allowed_hosts(bind_host: str) -> Sequence[str]:
    """Loopback names when bound to loopback (blocks DNS rebinding), else any host."""
    if bind_host in LOOPBACK_NAMES:
        return LOOPBACK_NAMES
    return ("*",)


def _always() -> bool:
    return True


class HostGuard:
    """Refuses requests whose ``Host`` names none of ``allowed_hosts`` (``*``: any).

    DNS rebinding: a page on evil.example re-resolves its own name to 127.0.0.1 and so
    reaches a loopback server from the browser, but its requests still say
    ``Host: evil.example``. ``active`` is asked on every request whether to check at all
    (the inference server checks only while it demands no API key).
    """

    def __init__(self, app: ASGIApp, allowed_hosts: Iterable[str], hint: str,
                 active: Callable[[], bool] = _always) -> None:
        self.app = app
        self.allowed = {h.lower() for h in allowed_hosts}
        self.hint = hint
        self.active = active

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and self.active():
            refusal = self.refusal(scope)
            if refusal is not None:
                await send_error(send, refusal)
                return
        await self.app(scope, receive, send)

    def refusal(self, scope: Scope) -> TextloopError | None:
        host = _host(scope)
        if "*" not in self.allowed and _hostname(host) not in self.allowed:
            return ForbiddenError(f"unknown host {host!r}", hint=self.hint)
        return None


class RequestGuard(HostGuard):
    """Refuses requests for unknown hosts (DNS rebinding) and cross-site state changes."""

    def __init__(self, app: ASGIApp, allowed_hosts: Iterable[str]) -> None:
        super().__init__(app, allowed_hosts, hint="open the address `textloop label` printed")

    def refusal(self, scope: Scope) -> TextloopError | None:
        refused = super().refusal(scope)
        if refused is not None or scope["method"] not in UNSAFE:
            return refused
        if not _same_origin(scope, _host(scope)):
            return ForbiddenError("cross-site request refused",
                                  hint="use the labeling app's own pages")
        return None


def _same_origin(scope: Scope, host: str) -> bool:
    """Whether a POST comes from this site's own pages.

    Browsers that send ``Sec-Fetch-Site`` (which no page script can set) are trusted on it:
    ``same-origin``, or ``none`` for a request the user started. Others must send an
    ``Origin`` equal to this site (a missing one is accepted: non-browser clients, which
    still need the session's CSRF token); ``Origin: null`` is refused there.
    """
    site = _header(scope, b"sec-fetch-site")
    if site is not None:
        return site in ("same-origin", "none")
    origin = _header(scope, b"origin")
    return origin is None or origin.lower() == f"{scope.get('scheme', 'http')}://{host}"


def _host(scope: Scope) -> str:
    return (_header(scope, b"host") or "").lower()


def _hostname(host: str) -> str:
    """``127.0.0.1:8000`` -> ``127.0.0.1``; ``[::1]:8000`` -> ``::1``."""
    if host.startswith("["):
        return host[1:].split("]", 1)[0]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


class ResponseHeaders:
    """Security headers on every response, ``no-store`` on pages, and ``Server-Timing``.

    ``Server-Timing: app;dur=MS`` is the time spent in the app for this request; the
    round-trip benchmark reads it to split server time from browser time. A response that
    sets one of the security headers itself keeps its own (a stored report sets its own
    Content-Security-Policy; a browser enforces every policy it is sent, so adding the
    app's would forbid what the report's allows).
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        static = scope["path"].startswith("/static/")

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                took = (time.perf_counter() - started) * 1000
                headers: list[Any] = list(message.get("headers", []))
                own = {key.lower() for key, _ in headers}
                headers.extend(h for h in SECURITY_HEADERS if h[0] not in own)
                headers.append((b"server-timing", f"app;dur={took:.2f}".encode()))
                if not static:
                    headers.append((b"cache-control", b"no-store"))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)
