"""An httpx transport that connects only to addresses the guard has approved.

Checking a hostname and then letting the HTTP library resolve it again opens a window for
DNS rebinding: the first answer is public, the second points at 127.0.0.1. Here the
request URL is rewritten to the checked IP address while the ``Host`` header (and, for
HTTPS, the TLS server name used for SNI and certificate checks) keep the original name,
so the server sees an ordinary request and the connection goes exactly where we looked.
"""

from __future__ import annotations

import httpx

from textloop.stages.crawl.addresses import AddressGuard
from textloop.stages.crawl.skips import PageSkipped, SkipKind
from textloop.stages.crawl.urls import SCHEMES, is_ip, port_of


class PinnedTransport(httpx.BaseTransport):
    """Resolves and checks every request's host, then connects to a checked address."""

    def __init__(self, guard: AddressGuard) -> None:
        self._guard = guard
        self._inner = httpx.HTTPTransport(trust_env=False, retries=0)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        if url.scheme not in SCHEMES:
            raise PageSkipped(f"refused: {url.scheme}: URLs are not crawled (only http and "
                              "https)", SkipKind.SCHEME)
        addresses = self._guard.addresses(url.host, port_of(url))
        failure: httpx.ConnectError | None = None
        for address in addresses:
            try:
                return self._inner.handle_request(_pinned(request, address))
            except httpx.ConnectError as exc:
                failure = exc
        assert failure is not None  # the guard never returns an empty list
        raise failure

    def close(self) -> None:
        self._inner.close()


def _pinned(request: httpx.Request, address: str) -> httpx.Request:
    """``request`` sent to ``address``, keeping its Host header and TLS server name."""
    url = request.url
    extensions = dict(request.extensions)
    if url.scheme == "https" and not is_ip(url.host):
        extensions["sni_hostname"] = url.host
    return httpx.Request(request.method, url.copy_with(host=address.split("%", 1)[0]),
                         headers=request.headers, stream=request.stream, extensions=extensions)
