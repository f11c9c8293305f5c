from __future__ import annotations

import httpx
import pytest

from textloop.stages.crawl.scope import CrawlScope
from textloop.stages.crawl.skips import PageSkipped, SkipKind


def test_ports_are_part_of_a_named_host() -> None:
    scope = CrawlScope(["http://a.test:8000/start"])

    assert scope.contains(httpx.URL("http://a.test:8000/other?q=1"))
    assert not scope.contains(httpx.URL("http://a.test:9000/"))
    assert not scope.contains(httpx.URL("http://a.test/"))
    assert not scope.contains(httpx.URL("http://b.a.test:8000/"))


def test_default_ports_are_compared_as_numbers() -> None:
    scope = CrawlScope(["https://A.Test/docs/"])

    assert scope.contains(httpx.URL("https://a.test:443/x"))
    assert not scope.contains(httpx.URL("http://a.test/x"))


def test_every_named_url_adds_its_host_and_unusable_ones_add_nothing() -> None:
    scope = CrawlScope(["http://a.test/", "http://[::1]:8080/", "ftp://c.test/", "nonsense"])

    assert scope.contains(httpx.URL("http://[::1]:8080/x"))
    assert scope.contains(httpx.URL("http://a.test/y"))
    assert not scope.contains(httpx.URL("http://c.test/"))


def test_admit_explains_a_url_on_another_host() -> None:
    scope = CrawlScope(["http://a.test:8000/", "http://[::1]:8080/"])

    with pytest.raises(PageSkipped) as caught:
        scope.admit("http://a.test:9000/page")

    assert caught.value.kind == SkipKind.OUT_OF_SCOPE
    assert caught.value.reason == (
        "a.test:9000 is not a host named for this crawl (named: [::1]:8080, a.test:8000); "
        "links and sitemap entries stay on the hosts and ports given")


def test_admit_returns_the_parsed_url_and_refuses_invalid_ones() -> None:
    scope = CrawlScope(["http://a.test:8000/"])

    assert scope.admit(" http://a.test:8000/p#top ") == httpx.URL("http://a.test:8000/p")
    with pytest.raises(PageSkipped) as caught:
        scope.admit("not a url")
    assert caught.value.kind == SkipKind.INVALID_URL
