from __future__ import annotations

import httpx
import pytest

from tests.unit.stages.crawl.local_site import LocalSite
from textloop.stages.crawl.addresses import AddressGuard
from textloop.stages.crawl.skips import PageSkipped, SkipKind
from textloop.stages.crawl.transport import PinnedTransport


def _client(guard: AddressGuard) -> httpx.Client:
    return httpx.Client(transport=PinnedTransport(guard), trust_env=False)


def test_connects_to_the_checked_address_and_keeps_the_host_header(site: LocalSite) -> None:
    """``site.test`` is unknown to the system resolver: only the pinned address can work."""
    site.html("/hello", "<p>hello</p>")
    guard = AddressGuard(allow_private=True, resolver=lambda host, port: ["127.0.0.1"])

    with _client(guard) as client:
        response = client.get(f"http://site.test:{site.port}/hello")

    assert response.status_code == 200
    assert response.text == "<p>hello</p>"
    assert str(response.url) == f"http://site.test:{site.port}/hello"
    assert site.hits[0].host == f"site.test:{site.port}"


def test_refused_host_is_never_contacted(site: LocalSite) -> None:
    site.html("/hello", "<p>hello</p>")

    with _client(AddressGuard()) as client, pytest.raises(PageSkipped) as caught:
        client.get(site.url("/hello"))

    assert caught.value.kind == SkipKind.PRIVATE
    assert site.hits == []


def test_falls_back_to_the_next_checked_address_when_one_refuses_connections(
        site: LocalSite) -> None:
    site.html("/hello", "<p>hello</p>")
    guard = AddressGuard(allow_private=True,
                         resolver=lambda host, port: ["127.0.0.2", "127.0.0.1"])

    with _client(guard) as client:
        response = client.get(f"http://two.test:{site.port}/hello")

    assert response.status_code == 200
    assert len(site.hits) == 1


def test_other_schemes_are_refused() -> None:
    with _client(AddressGuard(allow_private=True)) as client, \
            pytest.raises(PageSkipped) as caught:
        client.get("ftp://127.0.0.1/file")

    assert caught.value.kind == SkipKind.SCHEME
