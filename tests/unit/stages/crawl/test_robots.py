from __future__ import annotations

import socket

import httpx
import pytest

from tests.unit.stages.crawl.local_site import LocalSite, Route
from textloop.stages.crawl.fetcher import Fetcher
from textloop.stages.crawl.options import CrawlOptions
from textloop.stages.crawl.robots import RobotsRules
from textloop.stages.crawl.skips import PageSkipped, SkipKind


def _blocked(robots: RobotsRules, url: str) -> PageSkipped | None:
    try:
        robots.check(httpx.URL(url))
    except PageSkipped as problem:
        return problem
    return None


def test_disallowed_path_is_refused_and_robots_is_read_once(
        site: LocalSite, local_options: CrawlOptions) -> None:
    site.robots("User-agent: *\nDisallow: /private/\n")

    with Fetcher(local_options) as fetcher:
        robots = RobotsRules(fetcher)
        refused = _blocked(robots, site.url("/private/page"))
        allowed = [_blocked(robots, site.url(p)) for p in ("/public", "/private")]

    assert refused is not None and refused.kind == SkipKind.ROBOTS
    assert allowed == [None, None]
    assert site.paths() == ["/robots.txt"]


def test_rules_for_our_user_agent_apply(site: LocalSite, local_options: CrawlOptions) -> None:
    site.robots("User-agent: textloop\nDisallow: /\n\nUser-agent: *\nAllow: /\n")

    with Fetcher(local_options) as fetcher:
        refused = _blocked(RobotsRules(fetcher), site.url("/anything"))

    assert refused is not None and refused.reason == "disallowed by robots.txt"


def test_missing_robots_allows_everything(site: LocalSite, local_options: CrawlOptions) -> None:
    with Fetcher(local_options) as fetcher:
        refused = _blocked(RobotsRules(fetcher), site.url("/any/path"))

    assert refused is None
    assert site.paths() == ["/robots.txt"]


@pytest.mark.parametrize("status", [500, 503])
def test_server_error_disallows_the_whole_site(site: LocalSite, local_options: CrawlOptions,
                                               status: int) -> None:
    site.routes["/robots.txt"] = Route(status=status, body=b"oops")

    with Fetcher(local_options) as fetcher:
        refused = _blocked(RobotsRules(fetcher), site.url("/page"))

    assert refused is not None and refused.kind == SkipKind.ROBOTS
    assert f"HTTP {status}" in refused.reason


def test_unreachable_robots_disallows(local_options: CrawlOptions) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with Fetcher(local_options) as fetcher:
        refused = _blocked(RobotsRules(fetcher), f"http://127.0.0.1:{port}/page")

    assert refused is not None and "unreachable" in refused.reason


def test_crawl_delay_raises_the_host_delay(site: LocalSite, local_options: CrawlOptions) -> None:
    site.robots("User-agent: *\nCrawl-delay: 3\nDisallow:\n")

    with Fetcher(local_options) as fetcher:
        _blocked(RobotsRules(fetcher), site.url("/page"))
        delay = fetcher.throttle.delay_for("127.0.0.1")

    assert delay == 3


def test_private_robots_location_is_a_refusal_not_a_robots_problem(site: LocalSite) -> None:
    with Fetcher(CrawlOptions(delay=0.0)) as fetcher, pytest.raises(PageSkipped) as caught:
        RobotsRules(fetcher).check(httpx.URL(site.url("/page")))

    assert caught.value.kind == SkipKind.PRIVATE
    assert site.hits == []
