from __future__ import annotations

import httpx
import pytest

from tests.unit.stages.crawl.local_site import LocalSite
from tests.unit.stages.crawl.network import LoopbackOnly, table_resolver
from textloop.stages.crawl.addresses import AddressGuard, AddressPolicy, HostAllowance
from textloop.stages.crawl.skips import PageSkipped, SkipKind
from textloop.stages.crawl.transport import PinnedTransport

LOOPBACK = AddressPolicy(loopback=True)


def _client(guard: AddressGuard) -> httpx.Client:
    return httpx.Client(transport=PinnedTransport(guard), trust_env=False)


def test_connects_to_the_checked_address_and_keeps_the_host_header(site: LocalSite) -> None:
    """``site.test`` is unknown to any resolver but the injected one: only the pin can work."""
    site.html("/hello", "<p>hello</p>")
    guard = AddressGuard(LOOPBACK, resolver=table_resolver({"site.test": ["127.0.0.1"]}))

    with _client(guard) as client:
        response = client.get(f"http://site.test:{site.port}/hello")

    assert response.status_code == 200
    assert response.text == "<p>hello</p>"
    assert str(response.url) == f"http://site.test:{site.port}/hello"
    assert site.hits[0].host == f"site.test:{site.port}"


def test_every_request_is_resolved_and_checked_again(site: LocalSite,
                                                     network: LoopbackOnly) -> None:
    """DNS rebinding: the second answer for the same name points at the metadata service."""
    site.html("/hello", "<p>hello</p>")
    answers = iter([["127.0.0.1"], ["169.254.169.254"]])
    guard = AddressGuard(AddressPolicy(hosts=(HostAllowance.parse(f"rebind.test:{site.port}"),)),
                         resolver=lambda host, port: next(answers))

    with _client(guard) as client:
        first = client.get(f"http://rebind.test:{site.port}/hello")
        with pytest.raises(PageSkipped) as caught:
            client.get(f"http://rebind.test:{site.port}/hello")

    assert first.status_code == 200
    assert caught.value.kind == SkipKind.FORBIDDEN
    assert len(site.hits) == 1
    assert network.outside == []


def test_refused_host_is_never_contacted(site: LocalSite) -> None:
    site.html("/hello", "<p>hello</p>")

    with _client(AddressGuard()) as client, pytest.raises(PageSkipped) as caught:
        client.get(site.url("/hello"))

    assert caught.value.kind == SkipKind.PRIVATE
    assert site.hits == []


def test_falls_back_to_the_next_checked_address_when_one_refuses_connections(
        site: LocalSite) -> None:
    site.html("/hello", "<p>hello</p>")
    guard = AddressGuard(LOOPBACK,
                         resolver=table_resolver({"two.test": ["127.0.0.2", "127.0.0.1"]}))

    with _client(guard) as client:
        response = client.get(f"http://two.test:{site.port}/hello")

    assert response.status_code == 200
    assert len(site.hits) == 1


def test_other_schemes_are_refused() -> None:
    with _client(AddressGuard(LOOPBACK)) as client, pytest.raises(PageSkipped) as caught:
        client.get("ftp://127.0.0.1/file")

    assert caught.value.kind == SkipKind.SCHEME
