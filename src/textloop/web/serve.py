"""Running the app: bind the address (a clear error when taken), then serve with uvicorn."""

from __future__ import annotations

import errno
import socket
from typing import TYPE_CHECKING
from urllib.parse import quote

from textloop.errors import ConflictError, InvalidInputError

if TYPE_CHECKING:
    from fastapi import FastAPI


WILDCARDS = ("0.0.0.0", "::", "")
"""Bind addresses meaning "every interface": no browser can open them as they are."""


def base_url(host: str, port: int) -> str:
    """The address to print and to put in login links; a wildcard bind shows this machine's
    name, which other machines can open (``0.0.0.0`` would lead them nowhere)."""
    if host in WILDCARDS:
        host = socket.gethostname()
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"


def login_link(base: str, name: str, token: str) -> str:
    """The one-click sign-in link; the token rides in the fragment, which is never sent."""
    return f"{base.rstrip('/')}/login?name={quote(name)}#token={quote(token)}"


def bind(host: str, port: int) -> socket.socket:
    """A listening socket, bound before uvicorn starts so the printed address is real.

    Port 0 picks a free port (read it back with ``getsockname``). The protocol is named
    (``IPPROTO_TCP``, not 0): asyncio sets ``TCP_NODELAY`` only on sockets that say they are
    TCP, and without it a response written in two parts waits ~40 ms for a delayed ACK.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise ConflictError(f"port {port} on {host} is already in use",
                                hint=f"pass another port, e.g. --port {port + 1}") from None
        raise InvalidInputError(f"cannot listen on {host}:{port}: {exc.strerror}",
                                hint="check --host (127.0.0.1 is the safe default)") from None
    sock.listen(128)
    return sock


def serve(app: FastAPI, sock: socket.socket) -> None:
    """Serve until interrupted; access logging is off (actions are in the store)."""
    import uvicorn

    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on",
                            server_header=False)
    uvicorn.Server(config).run(sockets=[sock])
