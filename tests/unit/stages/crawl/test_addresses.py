from __future__ import annotations

import socket

import pytest

from textloop.stages.crawl.addresses import AddressGuard, non_public_reason
from textloop.stages.crawl.skips import PageSkipped, SkipKind


@pytest.mark.parametrize(("address", "expected"), [
    ("10.0.0.1", "private"),
    ("172.16.5.4", "private"),
    ("192.168.1.1", "private"),
    ("127.0.0.1", "loopback"),
    ("169.254.169.254", "link-local"),
    ("::1", "loopback"),
    ("::ffff:127.0.0.1", "loopback"),
    ("::ffff:10.1.2.3", "private"),
    ("fc00::1", "private"),
    ("fe80::1%eth0", "link-local"),
    ("0.0.0.0", "unspecified"),
    ("224.0.0.1", "multicast"),
    ("100.64.0.1", "not a globally routable"),
    ("240.0.0.1", "reserved"),
])
def test_non_public_addresses_are_named(address: str, expected: str) -> None:
    reason = non_public_reason(address)

    assert reason is not None
    assert expected in reason


@pytest.mark.parametrize("address", ["8.8.8.8", "2001:4860:4860::8888", "93.184.216.34"])
def test_public_addresses_pass(address: str) -> None:
    assert non_public_reason(address) is None


def _resolver(table: dict[str, list[str]]):
    def resolve(host: str, port: int) -> list[str]:
        if host not in table:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return table[host]
    return resolve


def test_host_is_refused_when_any_of_its_addresses_is_private() -> None:
    guard = AddressGuard(resolver=_resolver({"mixed.test": ["8.8.8.8", "10.0.0.7"]}))

    with pytest.raises(PageSkipped) as caught:
        guard.addresses("mixed.test", 80)

    assert caught.value.kind == SkipKind.PRIVATE
    assert "mixed.test resolves to 10.0.0.7" in caught.value.reason
    assert "--allow-private" in caught.value.reason


def test_allow_private_returns_every_address_in_order() -> None:
    guard = AddressGuard(allow_private=True,
                         resolver=_resolver({"mixed.test": ["8.8.8.8", "10.0.0.7"]}))

    assert guard.addresses("mixed.test", 80) == ["8.8.8.8", "10.0.0.7"]


def test_public_host_passes() -> None:
    guard = AddressGuard(resolver=_resolver({"dns.test": ["8.8.8.8", "2001:4860:4860::8888"]}))

    assert guard.addresses("dns.test", 443) == ["8.8.8.8", "2001:4860:4860::8888"]


def test_unresolvable_host_is_a_dns_problem_not_a_refusal() -> None:
    guard = AddressGuard(resolver=_resolver({}))

    with pytest.raises(PageSkipped) as caught:
        guard.addresses("nowhere.test", 80)

    assert caught.value.kind == SkipKind.DNS
    assert "nowhere.test" in caught.value.reason


def test_system_resolver_refuses_loopback_literals() -> None:
    guard = AddressGuard()

    for host in ("127.0.0.1", "::1", "169.254.169.254"):
        with pytest.raises(PageSkipped) as caught:
            guard.addresses(host, 80)
        assert caught.value.kind == SkipKind.PRIVATE
