"""Proof that crawler tests talk only to the loopback servers they start.

``LoopbackOnly`` patches the socket layer the HTTP client ends up in: a connection to any
address that is not loopback, or a DNS lookup of any name other than ``localhost``, is
recorded in ``outside`` and fails before a packet leaves the machine. A test that says
"169.254.169.254 is refused" can then also assert that nothing tried to reach it, and the
fixture in ``conftest`` asserts ``outside == []`` after every crawler test.

``table_resolver`` stands in for DNS: names map to the addresses a test chooses, IP
literals map to themselves, anything else does not resolve.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from typing import Any

import pytest

from textloop.stages.crawl.urls import is_ip


class LoopbackOnly:
    def __init__(self) -> None:
        self.outside: list[str] = []

    def install(self, monkeypatch: pytest.MonkeyPatch) -> LoopbackOnly:
        real_connect = socket.socket.connect
        real_connect_ex = socket.socket.connect_ex
        real_getaddrinfo = socket.getaddrinfo

        def connect(sock: socket.socket, address: Any) -> None:
            self._check_connection(sock, address)
            return real_connect(sock, address)

        def connect_ex(sock: socket.socket, address: Any) -> int:
            self._check_connection(sock, address)
            return real_connect_ex(sock, address)

        def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
            name = host.decode() if isinstance(host, bytes) else host
            if name is not None and name != "localhost" and not _is_literal(name):
                self.outside.append(f"dns lookup of {name}")
                raise socket.gaierror(socket.EAI_NONAME, "DNS is blocked in crawler tests")
            return real_getaddrinfo(host, *args, **kwargs)

        monkeypatch.setattr(socket.socket, "connect", connect)
        monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
        monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
        return self

    def _check_connection(self, sock: socket.socket, address: Any) -> None:
        if sock.family not in (socket.AF_INET, socket.AF_INET6):
            return
        host = str(address[0])
        if not (_is_literal(host) and ipaddress.ip_address(host.split("%")[0]).is_loopback):
            self.outside.append(f"connection to {host}:{address[1]}")
            raise ConnectionRefusedError(f"crawler tests never connect to {host}")


def _is_literal(host: str) -> bool:
    return is_ip(host.split("%")[0])


def table_resolver(table: dict[str, list[str]]) -> Callable[[str, int], list[str]]:
    """A resolver answering from ``table``; IP literals resolve to themselves."""
    def resolve(host: str, port: int) -> list[str]:
        if _is_literal(host):
            return [host]
        if host not in table:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return list(table[host])
    return resolve
