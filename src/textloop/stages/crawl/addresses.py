"""Keeping the crawler off networks the user did not open.

A crawler that fetches whatever URL it is given (or whatever a page redirects to) can be
pointed at a cloud metadata endpoint (169.254.169.254), a database admin page on the LAN,
or a service on localhost. Every address is therefore classified by how far it is from the
public internet (``Reach``):

- public addresses are crawled;
- loopback addresses only with ``--allow-loopback`` or an ``--allow-host`` naming them;
- private addresses (LAN, unique-local, carrier-grade NAT...) only with an ``--allow-host``
  naming the host *and port*, so opening a test server does not open the rest of the LAN;
- link-local, cloud metadata, multicast, unspecified and reserved addresses never: no
  option opens them, because no crawl needs them and they are what an attacker aims for.

IPv6 addresses that carry an IPv4 address (IPv4-mapped, -compatible and -translated, 6to4,
Teredo, NAT64, ISATAP) are judged by what they carry, since that is where the packets end
up: ``2002:7f00:1::`` is loopback, ``64:ff9b::a9fe:a9fe`` is the metadata service.

``AddressGuard`` resolves every host before any connection and refuses it when *any* of its
addresses is not permitted. The transport then connects to exactly the address checked here
(see ``transport``), so a DNS answer that changes between check and connect cannot slip
through.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Callable
from dataclasses import dataclass
from enum import IntEnum

from textloop.errors import InvalidInputError
from textloop.stages.crawl.skips import PageSkipped, SkipKind
from textloop.stages.crawl.urls import DEFAULT_PORTS, host_port, is_ip

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], list[str]]


class Reach(IntEnum):
    """How far an address is from the public internet; a larger value is harder to open."""

    PUBLIC = 0
    LOOPBACK = 1  # this machine: --allow-loopback, or --allow-host naming it
    PRIVATE = 2  # another machine on a private network: only --allow-host naming it
    NEVER = 3  # link-local, cloud metadata...: no option opens it


@dataclass(frozen=True)
class Verdict:
    reach: Reach
    reason: str = ""  # "a loopback address (6to4 wrapping 127.0.0.1)"; empty when public


_net = ipaddress.ip_network
# Instance metadata and platform services reachable from inside a cloud VM. The link-local
# ones are refused as link-local anyway; naming them gives the user the real reason.
_METADATA = (
    _net("169.254.169.254/32"),  # AWS, GCP, Azure, Oracle, DigitalOcean, OpenStack...
    _net("169.254.170.2/32"),  # AWS ECS task metadata
    _net("fd00:ec2::254/128"),  # AWS instance metadata over IPv6
    _net("100.100.100.200/32"),  # Alibaba Cloud
    _net("168.63.129.16/32"),  # Azure platform (WireServer), a public address
    _net("192.0.0.192/32"),  # Oracle Cloud (older instances)
)
_THIS_NETWORK = _net("0.0.0.0/8")  # "this host on this network": Linux connects it locally
_NAT64 = _net("64:ff9b::/96")  # RFC 6052 well-known prefix, the IPv4 address in the low bits
_ISATAP_IDS = (0x0000_5EFE, 0x0200_5EFE)  # RFC 5214 interface ids that precede an IPv4

# Checked in order; loopback comes before "reserved" because Python counts ::/8 (and so
# ::1) as reserved.
_PLAIN: list[tuple[Reach, str, Callable[[IPAddress], bool]]] = [
    (Reach.NEVER, "a cloud metadata address", lambda ip: any(ip in n for n in _METADATA)),
    (Reach.NEVER, "a link-local address", lambda ip: ip.is_link_local),
    (Reach.NEVER, "the unspecified address", lambda ip: ip.is_unspecified),
    (Reach.NEVER, "a 'this network' address (0.0.0.0/8)", lambda ip: ip in _THIS_NETWORK),
    (Reach.NEVER, "a multicast address", lambda ip: ip.is_multicast),
    (Reach.LOOPBACK, "a loopback address", lambda ip: ip.is_loopback),
    (Reach.NEVER, "a reserved address", lambda ip: ip.is_reserved),
    (Reach.PRIVATE, "a private address", lambda ip: ip.is_private),
    (Reach.PRIVATE, "not a globally routable address", lambda ip: not ip.is_global),
]


def classify(address: str) -> Verdict:
    """How far ``address`` (``"127.0.0.1"``, ``"fe80::1%eth0"``) is from the public internet.

    An address that carries another is judged by what it carries (for ISATAP, by the worse
    of the two, since its prefix still decides where packets are routed first).
    """
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    carried = _carried(ip)
    if not carried:
        return _plain(ip)
    verdicts = [Verdict(v.reach, f"{v.reason} ({how} wrapping {inner})" if v.reason else "")
                for how, inner in carried for v in [_plain(inner)]]
    if any(how == "ISATAP" for how, _ in carried):
        verdicts.append(_plain(ip))
    return max(verdicts, key=lambda v: v.reach)


def _plain(ip: IPAddress) -> Verdict:
    for reach, reason, test in _PLAIN:
        if test(ip):
            return Verdict(reach, reason)
    return Verdict(Reach.PUBLIC)


def _carried(ip: IPAddress) -> list[tuple[str, ipaddress.IPv4Address]]:
    """The IPv4 addresses an IPv6 address carries, each with the name of the wrapping."""
    if not isinstance(ip, ipaddress.IPv6Address):
        return []
    value = int(ip)
    high, low = value >> 32, ipaddress.IPv4Address(value & 0xFFFF_FFFF)
    found: list[tuple[str, ipaddress.IPv4Address]] = []
    if ip.ipv4_mapped is not None:
        found.append(("IPv4-mapped", ip.ipv4_mapped))
    elif high == 0xFFFF_0000:
        found.append(("IPv4-translated", low))  # ::ffff:0:a.b.c.d (RFC 2765)
    elif high == 0 and value > 1:
        found.append(("IPv4-compatible", low))  # ::a.b.c.d, deprecated but still routed
    elif ip in _NAT64:
        found.append(("NAT64", low))
    if ip.sixtofour is not None:
        found.append(("6to4", ip.sixtofour))
    if ip.teredo is not None:
        found.extend(("Teredo", inner) for inner in ip.teredo)  # server, then client
    if high & 0xFFFF_FFFF in _ISATAP_IDS:
        found.append(("ISATAP", low))
    return found


@dataclass(frozen=True)
class HostAllowance:
    """One ``--allow-host``: a host name or IP address, and a port (``None``: 80 and 443)."""

    host: str
    port: int | None = None

    @classmethod
    def parse(cls, text: str) -> HostAllowance:
        """``127.0.0.1:8712``, ``wiki.lan``, ``[::1]:8080`` or ``::1``; explained when not."""
        host, port = _split_host_port(text)
        if port is not None and not 1 <= port <= 65535:
            raise _bad_allowance(text, f"port {port} is out of range (1 to 65535)")
        if is_ip(host):
            verdict = classify(host)
            if verdict.reach == Reach.NEVER:
                raise InvalidInputError(
                    f"--allow-host {text!r}: {host} is {verdict.reason}, which is never "
                    "crawled", hint="link-local, cloud metadata, multicast and unspecified "
                    "addresses cannot be allowed; for a server on this machine give "
                    "127.0.0.1:PORT")
        return cls(host, port)

    def covers(self, host: str, port: int) -> bool:
        ports = tuple(DEFAULT_PORTS.values()) if self.port is None else (self.port,)
        return _normal_host(host) == self.host and port in ports

    def __str__(self) -> str:
        return host_port(self.host, self.port)


_HOST_PORT = re.compile(r"\[(?P<bracketed>[0-9A-Fa-f:.]+)\]|(?P<name>[^\s:/?#@\[\]]+)")


def _split_host_port(text: str) -> tuple[str, int | None]:
    if not text.strip():
        raise _bad_allowance(text, "the value is empty")
    if is_ip(text) and ":" in text:  # a bare IPv6 address: its colons are not a port
        return _normal_host(text), None
    head, _, port = text.rpartition(":") if re.search(r":\d+$", text) else (text, "", "")
    match = _HOST_PORT.fullmatch(head)
    if match is None or (match["bracketed"] is not None and not is_ip(match["bracketed"])):
        raise _bad_allowance(text, "this is not HOST or HOST:PORT")
    import httpx  # here, not on import: the CLI reads crawl defaults without loading it

    try:
        host = _normal_host(match["bracketed"] or httpx.URL(f"http://{match['name']}/").host)
    except httpx.InvalidURL:
        raise _bad_allowance(text, "this is not HOST or HOST:PORT") from None
    return host, int(port) if port else None


def _bad_allowance(text: str, problem: str) -> InvalidInputError:
    return InvalidInputError(
        f"--allow-host {text!r}: {problem}; expected HOST or HOST:PORT, e.g. 127.0.0.1:8712, "
        "wiki.lan or [::1]:8080",
        hint="give the host name or IP address of a server you trust, with its port when "
             "that is not 80 or 443; repeat --allow-host for more servers")


def _normal_host(host: str) -> str:
    """IP addresses in their canonical form (``0:0::1`` -> ``::1``), names lower-cased."""
    return str(ipaddress.ip_address(host)) if is_ip(host) else host.lower()


@dataclass(frozen=True)
class AddressPolicy:
    """What the user opened beyond the public internet: loopback, and named hosts."""

    loopback: bool = False
    hosts: tuple[HostAllowance, ...] = ()

    def permits(self, reach: Reach, host: str, port: int) -> bool:
        if reach == Reach.PUBLIC:
            return True
        if reach == Reach.NEVER:
            return False
        if reach == Reach.LOOPBACK and self.loopback:
            return True
        return any(allowance.covers(host, port) for allowance in self.hosts)


def system_resolver(host: str, port: int) -> list[str]:
    """All addresses the system resolver gives for ``host``, in its preferred order."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    seen: dict[str, None] = {}
    for info in infos:
        seen.setdefault(str(info[4][0]), None)
    return list(seen)


class AddressGuard:
    """Resolves hosts and refuses any whose addresses ``policy`` does not permit."""

    def __init__(self, policy: AddressPolicy | None = None,
                 resolver: Resolver = system_resolver) -> None:
        self.policy = policy or AddressPolicy()
        self._resolve = resolver

    def addresses(self, host: str, port: int) -> list[str]:
        """Addresses to connect to for ``host``; raises ``PageSkipped`` when refused.

        Every address is checked, not just the first: the transport may fall back to any
        of them, and a name answering both a public and a private address is a classic
        way around a check of only one.
        """
        try:
            found = self._resolve(host, port)
        except (OSError, UnicodeError) as exc:
            raise PageSkipped(f"cannot resolve host {host!r} ({exc})", SkipKind.DNS) from None
        if not found:
            raise PageSkipped(f"host {host!r} has no address", SkipKind.DNS)
        refused = [(verdict, address) for address in found
                   for verdict in [classify(address)]
                   if not self.policy.permits(verdict.reach, host, port)]
        if refused:
            verdict, address = max(refused, key=lambda item: item[0].reach)
            raise _refusal(host, port, address, verdict)
        return found


def _refusal(host: str, port: int, address: str, verdict: Verdict) -> PageSkipped:
    shown = host if _normal_host(host) == _normal_host(address) else \
        f"{host} resolves to {address}, which"
    if verdict.reach == Reach.NEVER:
        return PageSkipped(f"refused: {shown} is {verdict.reason}; such addresses are never "
                           "crawled, whatever the options", SkipKind.FORBIDDEN)
    remedy = f"--allow-host {host_port(host, port)}"
    if verdict.reach == Reach.LOOPBACK:
        remedy += " or --allow-loopback"
    return PageSkipped(f"refused: {shown} is {verdict.reason} ({remedy} permits it)",
                       SkipKind.PRIVATE)
