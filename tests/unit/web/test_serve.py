"""Binding the address before serving: free ports, taken ports, TCP_NODELAY, the links."""

from __future__ import annotations

import socket

import pytest

from textloop.errors import ConflictError
from textloop.web.serve import base_url, bind, login_link


def test_port_zero_picks_a_free_port_and_the_socket_says_tcp() -> None:
    sock = bind("127.0.0.1", 0)
    try:
        assert sock.getsockname()[1] > 0
        # asyncio turns on TCP_NODELAY only for sockets whose protocol is IPPROTO_TCP;
        # with proto 0 every response written in two parts waited ~40 ms for an ACK
        assert sock.proto == socket.IPPROTO_TCP
    finally:
        sock.close()


def test_a_taken_port_is_a_conflict_with_a_hint() -> None:
    first = bind("127.0.0.1", 0)
    port = first.getsockname()[1]
    try:
        with pytest.raises(ConflictError, match=f"port {port} on 127.0.0.1 is already in use"
                           ) as caught:
            bind("127.0.0.1", port)
        assert caught.value.hint == f"pass another port, e.g. --port {port + 1}"
    finally:
        first.close()


def test_addresses_and_login_links() -> None:
    assert base_url("127.0.0.1", 8000) == "http://127.0.0.1:8000"
    assert base_url("::1", 8000) == "http://[::1]:8000"
    name = socket.gethostname()  # every interface: the machine's name, not 0.0.0.0
    assert base_url("0.0.0.0", 8000) == base_url("::", 8000) == f"http://{name}:8000"
    link = login_link("http://127.0.0.1:8000/", "a.b", "t/k+n=")
    assert link == "http://127.0.0.1:8000/login?name=a.b#token=t/k%2Bn%3D"
