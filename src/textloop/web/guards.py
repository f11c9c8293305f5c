"""ASGI guards around the whole app: body size, host and origin checks, response headers.
The body limit and host check are ``textloop.asgi``'s, shared with the inference server.

They run before routing, so a refused request never reaches a handler or the store, and
they answer in the one JSON error shape (``TextloopError.to_dict``).
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from textloop import asgi
from textloop.asgi import UNSAFE, HostGuard, header, host_of
from textloop.errors import ForbiddenError, TextloopError

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


class BodyLimit(asgi.BodyLimit):
    hint = "send less (a comment is at most 2,000 characters)"


class RequestGuard(HostGuard):
    """Refuses requests for unknown hosts (DNS rebinding) and cross-site state changes."""

    def __init__(self, app: ASGIApp, allowed_hosts: Iterable[str]) -> None:
        super().__init__(app, allowed_hosts, hint="open the address `textloop label` printed")

    def refusal(self, scope: Scope) -> TextloopError | None:
        refused = super().refusal(scope)
        if refused is not None or scope["method"] not in UNSAFE:
            return refused
        if not _same_origin(scope, host_of(scope)):
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
    site = header(scope, b"sec-fetch-site")
    if site is not None:
        return site in ("same-origin", "none")
    origin = header(scope, b"origin")
    return origin is None or origin.lower() == f"{scope.get('scheme', 'http')}://{host}"


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
