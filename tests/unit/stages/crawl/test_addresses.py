from __future__ import annotations

import pytest

from tests.unit.stages.crawl.network import LoopbackOnly, table_resolver
from textloop.errors import InvalidInputError
from textloop.stages.crawl.addresses import (
    AddressGuard,
    AddressPolicy,
    HostAllowance,
    Reach,
    classify,
)
from textloop.stages.crawl.skips import PageSkipped, SkipKind


@pytest.mark.parametrize(("address", "reach", "words"), [
    ("10.0.0.1", Reach.PRIVATE, "private"),
    ("172.16.5.4", Reach.PRIVATE, "private"),
    ("192.168.1.1", Reach.PRIVATE, "private"),
    ("fc00::1", Reach.PRIVATE, "private"),
    ("100.64.0.1", Reach.PRIVATE, "not a globally routable"),
    ("127.0.0.1", Reach.LOOPBACK, "loopback"),
    ("127.8.9.10", Reach.LOOPBACK, "loopback"),
    ("::1", Reach.LOOPBACK, "loopback"),
    ("169.254.169.254", Reach.NEVER, "cloud metadata"),
    ("169.254.170.2", Reach.NEVER, "cloud metadata"),
    ("fd00:ec2::254", Reach.NEVER, "cloud metadata"),
    ("100.100.100.200", Reach.NEVER, "cloud metadata"),
    ("169.254.10.20", Reach.NEVER, "link-local"),
    ("fe80::1%eth0", Reach.NEVER, "link-local"),
    ("0.0.0.0", Reach.NEVER, "unspecified"),
    ("::", Reach.NEVER, "unspecified"),
    ("224.0.0.1", Reach.NEVER, "multicast"),
    ("240.0.0.1", Reach.NEVER, "reserved"),
])
def test_addresses_are_classified_with_a_reason(address: str, reach: Reach, words: str) -> None:
    verdict = classify(address)

    assert verdict.reach == reach
    assert words in verdict.reason


@pytest.mark.parametrize("address", ["8.8.8.8", "2001:4860:4860::8888", "93.184.216.34"])
def test_public_addresses_pass(address: str) -> None:
    assert classify(address).reach == Reach.PUBLIC


@pytest.mark.parametrize(("address", "reach", "words"), [
    ("2002:7f00:1::", Reach.LOOPBACK, "6to4 wrapping 127.0.0.1"),
    ("2002:a9fe:a9fe::1", Reach.NEVER, "6to4 wrapping 169.254.169.254"),
    ("2002:a00:1::", Reach.PRIVATE, "6to4 wrapping 10.0.0.1"),
    ("::ffff:127.0.0.1", Reach.LOOPBACK, "IPv4-mapped"),
    ("::ffff:10.1.2.3", Reach.PRIVATE, "IPv4-mapped"),
    ("::ffff:0:7f00:1", Reach.LOOPBACK, "IPv4-translated"),
    ("::7f00:1", Reach.LOOPBACK, "IPv4-compatible"),
    ("::a9fe:a9fe", Reach.NEVER, "IPv4-compatible"),
    ("64:ff9b::7f00:1", Reach.LOOPBACK, "NAT64 wrapping 127.0.0.1"),
    ("64:ff9b::a9fe:a9fe", Reach.NEVER, "NAT64 wrapping 169.254.169.254"),
    ("64:ff9b::6464:64c8", Reach.NEVER, "NAT64 wrapping 100.100.100.200"),
    # Teredo: server 65.54.227.120, client 127.0.0.1 (stored inverted, as RFC 4380 says)
    ("2001:0:4136:e378:8000:63bf:80ff:fffe", Reach.LOOPBACK, "Teredo wrapping 127.0.0.1"),
    # ISATAP: a global-looking prefix whose interface id carries 169.254.169.254
    ("2001:4860:1:2:0:5efe:a9fe:a9fe", Reach.NEVER, "ISATAP wrapping 169.254.169.254"),
])
def test_wrapped_addresses_are_judged_by_what_they_carry(address: str, reach: Reach,
                                                         words: str) -> None:
    verdict = classify(address)

    assert verdict.reach == reach
    assert words in verdict.reason


@pytest.mark.parametrize("address", ["2002:808:808::1", "64:ff9b::808:808",
                                     "2001:0:4136:e378:8000:63bf:f7f7:f7f7"])
def test_wrapped_public_addresses_are_public(address: str) -> None:
    assert classify(address).reach == Reach.PUBLIC


def _guard(policy: AddressPolicy | None = None, **table: list[str]) -> AddressGuard:
    """A guard whose resolver answers from ``table`` (``wiki_test`` is ``wiki.test``)."""
    return AddressGuard(policy, resolver=table_resolver(
        {name.replace("_", "."): found for name, found in table.items()}))


def _refusal(guard: AddressGuard, host: str, port: int = 80) -> PageSkipped:
    with pytest.raises(PageSkipped) as caught:
        guard.addresses(host, port)
    return caught.value


def test_host_is_refused_when_any_of_its_addresses_is_private() -> None:
    problem = _refusal(_guard(mixed_test=["8.8.8.8", "10.0.0.7"]), "mixed.test")

    assert problem.kind == SkipKind.PRIVATE
    assert "mixed.test resolves to 10.0.0.7" in problem.reason
    assert "--allow-host mixed.test:80" in problem.reason
    assert "--allow-loopback" not in problem.reason


def test_loopback_refusal_names_both_allowances() -> None:
    problem = _refusal(_guard(), "127.0.0.1", 8712)

    assert problem.kind == SkipKind.PRIVATE
    assert "127.0.0.1 is a loopback address" in problem.reason
    assert "--allow-host 127.0.0.1:8712 or --allow-loopback" in problem.reason


def test_every_resolved_address_is_checked_and_the_worst_is_reported() -> None:
    policy = AddressPolicy(loopback=True, hosts=(HostAllowance.parse("two.test:80"),))
    guard = _guard(policy, two_test=["127.0.0.1", "10.0.0.7", "169.254.169.254"])

    problem = _refusal(guard, "two.test")

    assert problem.kind == SkipKind.FORBIDDEN
    assert "two.test resolves to 169.254.169.254" in problem.reason
    assert "cloud metadata" in problem.reason and "never crawled" in problem.reason


def test_six_to_four_loopback_needs_a_loopback_allowance(network: LoopbackOnly) -> None:
    guard = _guard(six_test=["2002:7f00:1::"])

    problem = _refusal(guard, "six.test")
    allowed = _guard(AddressPolicy(loopback=True), six_test=["2002:7f00:1::"])

    assert problem.kind == SkipKind.PRIVATE
    assert "loopback address (6to4 wrapping 127.0.0.1)" in problem.reason
    assert allowed.addresses("six.test", 80) == ["2002:7f00:1::"]
    assert network.outside == []


@pytest.mark.parametrize("address", ["169.254.169.254", "169.254.1.1", "fe80::1",
                                     "fd00:ec2::254", "100.100.100.200", "2002:a9fe:a9fe::",
                                     "::ffff:169.254.169.254", "224.0.0.251"])
def test_never_allowed_addresses_stay_refused_with_every_allowance(
        address: str, network: LoopbackOnly) -> None:
    policy = AddressPolicy(loopback=True, hosts=(HostAllowance.parse("cloud.test:80"),))

    problem = _refusal(_guard(policy, cloud_test=[address]), "cloud.test")

    assert problem.kind == SkipKind.FORBIDDEN
    assert "never crawled" in problem.reason
    assert network.outside == []


def test_allow_loopback_opens_loopback_only() -> None:
    guard = _guard(AddressPolicy(loopback=True), lan_test=["192.168.1.20"])

    assert guard.addresses("127.0.0.1", 9999) == ["127.0.0.1"]
    assert guard.addresses("::1", 443) == ["::1"]
    assert _refusal(guard, "lan.test").kind == SkipKind.PRIVATE


def test_allow_host_opens_that_host_on_that_port_only() -> None:
    policy = AddressPolicy(hosts=(HostAllowance.parse("wiki.test:8712"),))
    guard = _guard(policy, wiki_test=["10.0.0.7"], other_test=["10.0.0.7"])

    assert guard.addresses("wiki.test", 8712) == ["10.0.0.7"]
    assert "--allow-host wiki.test:8713" in _refusal(guard, "wiki.test", 8713).reason
    assert _refusal(guard, "other.test", 8712).kind == SkipKind.PRIVATE


def test_allow_host_literal_with_port() -> None:
    guard = _guard(AddressPolicy(hosts=(HostAllowance.parse("127.0.0.1:8712"),)))

    assert guard.addresses("127.0.0.1", 8712) == ["127.0.0.1"]
    assert _refusal(guard, "127.0.0.1", 8713).kind == SkipKind.PRIVATE
    assert _refusal(guard, "127.0.0.2", 8712).kind == SkipKind.PRIVATE


def test_allowance_without_a_port_covers_the_default_ports_only() -> None:
    guard = _guard(AddressPolicy(hosts=(HostAllowance.parse("Wiki.Test"),)),
                   wiki_test=["10.0.0.7"])

    assert guard.addresses("wiki.test", 80) == ["10.0.0.7"]
    assert guard.addresses("wiki.test", 443) == ["10.0.0.7"]
    assert _refusal(guard, "wiki.test", 8080).kind == SkipKind.PRIVATE


@pytest.mark.parametrize(("text", "host", "port", "shown"), [
    ("127.0.0.1:8712", "127.0.0.1", 8712, "127.0.0.1:8712"),
    ("[::1]:8080", "::1", 8080, "[::1]:8080"),
    ("::1", "::1", None, "[::1]"),
    ("Intranet.Test", "intranet.test", None, "intranet.test"),
    ("wiki.test:80", "wiki.test", 80, "wiki.test:80"),
])
def test_allowances_are_parsed(text: str, host: str, port: int | None, shown: str) -> None:
    allowance = HostAllowance.parse(text)

    assert (allowance.host, allowance.port, str(allowance)) == (host, port, shown)


@pytest.mark.parametrize(("text", "words"), [
    ("", "is empty"),
    ("http://127.0.0.1:8712/", "HOST or HOST:PORT"),
    ("wiki.test/path", "HOST or HOST:PORT"),
    ("user@wiki.test", "HOST or HOST:PORT"),
    ("wiki.test:0", "port 0"),
    ("wiki.test:70000", "port 70000"),
    ("wiki test", "HOST or HOST:PORT"),
    ("169.254.169.254", "cloud metadata address, which is never crawled"),
    ("[fe80::1]:80", "link-local address, which is never crawled"),
    ("0.0.0.0:8000", "unspecified"),
])
def test_bad_allowances_are_explained(text: str, words: str) -> None:
    with pytest.raises(InvalidInputError) as caught:
        HostAllowance.parse(text)

    assert f"--allow-host {text!r}" in caught.value.message
    assert words in caught.value.message
    assert caught.value.hint


def test_unresolvable_host_is_a_dns_problem_not_a_refusal() -> None:
    problem = _refusal(_guard(), "nowhere.test")

    assert problem.kind == SkipKind.DNS
    assert "nowhere.test" in problem.reason


def test_system_resolver_refuses_literals_without_a_lookup(network: LoopbackOnly) -> None:
    guard = AddressGuard()

    kinds = [_refusal(guard, host).kind for host in ("127.0.0.1", "::1", "169.254.169.254")]

    assert kinds == [SkipKind.PRIVATE, SkipKind.PRIVATE, SkipKind.FORBIDDEN]
    assert network.outside == []
