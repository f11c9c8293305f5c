"""A real HTTP server on 127.0.0.1 (random port) that serves scripted routes and logs requests.

Crawler tests run against it instead of mocking httpx: redirects, sizes, content types,
robots.txt and timing all go over a real socket.
"""

from __future__ import annotations

import gzip
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Route:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    send_length: bool = True
    chunks: int = 1  # the body is sent this many times (an "endless" body when large)
    pause: float = 0.0  # seconds to wait before answering (for timeouts)
    on_request: Callable[[], None] | None = None


@dataclass(frozen=True)
class Hit:
    path: str
    at: float  # time.monotonic() when the request arrived
    host: str | None
    user_agent: str | None


class LocalSite:
    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.hits: list[Hit] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,),
                                        daemon=True)

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def paths(self) -> list[str]:
        return [hit.path for hit in self.hits]

    def html(self, path: str, body: str, **route: object) -> str:
        self.routes[path] = Route(body=body.encode(), headers={
            "Content-Type": "text/html; charset=utf-8"}, **route)  # type: ignore[arg-type]
        return self.url(path)

    def file(self, path: str, body: bytes, content_type: str, **route: object) -> str:
        self.routes[path] = Route(body=body, headers={"Content-Type": content_type},
                                  **route)  # type: ignore[arg-type]
        return self.url(path)

    def redirect(self, path: str, to: str, status: int = 302) -> str:
        self.routes[path] = Route(status=status, headers={"Location": to})
        return self.url(path)

    def robots(self, text: str) -> None:
        self.file("/robots.txt", text.encode(), "text/plain")

    def start(self) -> LocalSite:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def _handler_for(site: LocalSite) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            site.hits.append(Hit(self.path, time.monotonic(), self.headers.get("Host"),
                                 self.headers.get("User-Agent")))
            route = site.routes.get(self.path) or Route(status=404, body=b"not found")
            if route.on_request is not None:
                route.on_request()
            time.sleep(route.pause)
            self.send_response(route.status)
            for name, value in route.headers.items():
                self.send_header(name, value)
            if route.send_length:
                self.send_header("Content-Length", str(len(route.body) * route.chunks))
            self.end_headers()
            try:
                for _ in range(route.chunks):
                    self.wfile.write(route.body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client stopped reading: what a size limit is supposed to do

        def log_message(self, format: str, *args: object) -> None:
            return None

    return Handler


def gzipped(data: bytes) -> bytes:
    return gzip.compress(data)


ARTICLE_PAGE = """<!doctype html>
<html><head><title>Foxes of the northern forest</title></head>
<body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/about">About us</a></li>
<li><a href="/shop">Shop our catalogue</a></li>
<li><a href="/contact">Contact sales</a></li></ul></nav>
<header><p>Navigation menu subscribe newsletter login register</p></header>
<article>
<h1>Foxes of the northern forest</h1>
<p>The red foxes of the northern forest have learned to hunt beneath deep snow, listening
for voles that move in tunnels far below the surface before leaping high into the air.</p>
<p>Researchers who followed twelve families through three winters found that young foxes
learn this pounce from their mothers, and that success depends on the direction they face.</p>
<p>Most successful jumps were aimed north-east, which suggests the animals may sense the
magnetic field of the earth and use it to judge distance when prey is hidden from sight.</p>
</article>
<footer><p>Copyright 2024 Example Media Group. All rights reserved. Privacy policy and cookie
settings.</p></footer>
</body></html>
"""
