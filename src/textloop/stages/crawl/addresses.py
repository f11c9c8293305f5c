"""Keeping the crawler off private networks.

A crawler that fetches whatever URL it is given (or whatever a page redirects to) can be
pointed at a cloud metadata endpoint (169.254.169.254), a database admin page on the LAN,
or a service on localhost. ``AddressGuard`` resolves every host before any connection and
refuses it when *any* of its addresses is not publicly routable, unless private addresses
were explicitly allowed. The transport then connects to exactly the address checked here
(see ``transport``), so a DNS answer that changes between check and connect cannot slip
through.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable

from textloop.stages.crawl.skips import PageSkipped, SkipKind

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], list[str]]

_CATEGORIES: list[tuple[str, Callable[[IPAddress], bool]]] = [
    ("a loopback address", lambda ip: ip.is_loopback),
    ("a link-local address", lambda ip: ip.is_link_local),
    ("the unspecified address", lambda ip: ip.is_unspecified),
    ("a multicast address", lambda ip: ip.is_multicast),
    ("a reserved address", lambda ip: ip.is_reserved),
    ("a private address", lambda ip: ip.is_private),
    ("not a globally routable address", lambda ip: not ip.is_global),
]


def non_public_reason(address: str) -> str | None:
    """Why ``address`` is not a public internet address (``"a loopback address"``), or None.

    IPv4-mapped IPv6 addresses (``::ffff:127.0.0.1``) are judged by the IPv4 address they
    carry, since that is where a connection to them ends up.
    """
    ip: IPAddress = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    for name, test in _CATEGORIES:
        if test(ip):
            return name
    return None


def system_resolver(host: str, port: int) -> list[str]:
    """All addresses the system resolver gives for ``host``, in its preferred order."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    seen: dict[str, None] = {}
    for info in infos:
        seen.setdefault(str(info[4][0]), None)
    return list(seen)


class AddressGuard:
    """Resolves hosts and refuses non-public ones unless ``allow_private``."""

    def __init__(self, allow_private: bool = False, resolver: Resolver = system_resolver) -> None:
        self.allow_private = allow_private
        self._resolve = resolver

    def addresses(self, host: str, port: int) -> list[str]:
        """Addresses to connect to for ``host``; raises ``PageSkipped`` when refused."""
        try:
            found = self._resolve(host, port)
        except (OSError, UnicodeError) as exc:
            raise PageSkipped(f"cannot resolve host {host!r} ({exc})", SkipKind.DNS) from None
        if not found:
            raise PageSkipped(f"host {host!r} has no address", SkipKind.DNS)
        if not self.allow_private:
            for address in found:
                reason = non_public_reason(address)
                if reason is not None:
                    shown = host if host == address else f"{host} resolves to {address}, which"
                    raise PageSkipped(f"refused: {shown} is {reason} (--allow-private "
                                      "permits it)", SkipKind.PRIVATE)
        return found
