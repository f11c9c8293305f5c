from __future__ import annotations

import socket
from dataclasses import replace

import pytest

from tests.unit.stages.crawl.local_site import LocalSite, Route
from tests.unit.stages.crawl.network import LoopbackOnly, table_resolver
from textloop.stages.crawl.addresses import AddressGuard, AddressPolicy, HostAllowance
from textloop.stages.crawl.fetcher import BodyRules, Fetcher, parse_content_type
from textloop.stages.crawl.options import DEFAULT_CONTENT_TYPES, CrawlOptions
from textloop.stages.crawl.skips import PageSkipped, SkipKind

PAGES = BodyRules(max_bytes=10_000, content_types=DEFAULT_CONTENT_TYPES)


def _skip(fetcher: Fetcher, url: str, rules: BodyRules = PAGES) -> PageSkipped:
    with pytest.raises(PageSkipped) as caught:
        fetcher.get(url, rules)
    return caught.value


def test_follows_a_redirect_chain_within_the_limit(site: LocalSite,
                                                   local_options: CrawlOptions) -> None:
    site.html("/final", "<p>arrived</p>")
    site.redirect("/r2", "/final", status=301)
    start = site.redirect("/r1", site.url("/r2"))

    with Fetcher(local_options) as fetcher:
        fetched = fetcher.get(start, PAGES)

    assert fetched.ok and fetched.body == b"<p>arrived</p>"
    assert fetched.url == start and fetched.final_url == site.url("/final")
    assert (fetched.content_type, fetched.charset) == ("text/html", "utf-8")
    assert site.paths() == ["/r1", "/r2", "/final"]


def test_stops_after_max_redirects_without_requesting_further(
        site: LocalSite, local_options: CrawlOptions) -> None:
    for hop in range(7):
        site.redirect(f"/hop{hop}", f"/hop{hop + 1}")
    site.html("/hop7", "<p>too far</p>")

    with Fetcher(replace(local_options, max_redirects=5)) as fetcher:
        problem = _skip(fetcher, site.url("/hop0"))

    assert problem.kind == SkipKind.REDIRECTS
    assert "more than 5 redirects" in problem.reason
    assert site.paths() == [f"/hop{i}" for i in range(6)]


def test_redirect_loop_is_reported(site: LocalSite, local_options: CrawlOptions) -> None:
    site.redirect("/a", "/b")
    site.redirect("/b", "/a")

    with Fetcher(local_options) as fetcher:
        problem = _skip(fetcher, site.url("/a"))

    assert problem.kind == SkipKind.REDIRECTS and "loop" in problem.reason
    assert site.paths() == ["/a", "/b"]


def test_every_hop_is_checked(site: LocalSite, local_options: CrawlOptions) -> None:
    site.html("/end", "<p>x</p>")
    start = site.redirect("/start", "/end")
    checked: list[str] = []

    with Fetcher(local_options) as fetcher:
        fetcher.get(start, PAGES, check_hop=lambda url: checked.append(url.path))

    assert checked == ["/start", "/end"]


def test_redirect_to_another_scheme_is_refused(site: LocalSite,
                                               local_options: CrawlOptions) -> None:
    start = site.redirect("/ftp", "ftp://files.example.com/data.txt")

    with Fetcher(local_options) as fetcher:
        problem = _skip(fetcher, start)

    assert problem.kind == SkipKind.SCHEME


def _trusting(site: LocalSite, **table: list[str]) -> AddressGuard:
    """Names resolve from ``table`` (``site.test`` is the loopback server), never from DNS;
    ``site.test`` on the server's port is allowed, and so is loopback in general."""
    names = {"site.test": ["127.0.0.1"], **{k.replace("_", "."): v for k, v in table.items()}}
    policy = AddressPolicy(loopback=True,
                           hosts=(HostAllowance.parse(f"site.test:{site.port}"),))
    return AddressGuard(policy, resolver=table_resolver(names))


@pytest.mark.parametrize(("target", "kind"), [
    ("http://169.254.169.254/latest/meta-data/", SkipKind.FORBIDDEN),
    ("http://metadata.test/computeMetadata/v1/", SkipKind.FORBIDDEN),
    ("http://[2002:a9fe:a9fe::]/latest/meta-data/", SkipKind.FORBIDDEN),
    ("http://[fd00:ec2::254]/latest/meta-data/", SkipKind.FORBIDDEN),
    ("http://100.100.100.200/latest/meta-data/", SkipKind.FORBIDDEN),
    ("http://lan.test/admin", SkipKind.PRIVATE),
])
def test_redirect_to_metadata_or_private_address_is_refused_before_connecting(
        site: LocalSite, network: LoopbackOnly, target: str, kind: SkipKind) -> None:
    site.redirect("/jump", target)
    options = CrawlOptions(delay=0.0, timeout=5.0)
    guard = _trusting(site, metadata_test=["169.254.169.254"], lan_test=["192.168.0.1"])

    with Fetcher(options, guard) as fetcher:
        problem = _skip(fetcher, f"http://site.test:{site.port}/jump")

    assert problem.kind == kind
    assert site.paths() == ["/jump"]
    assert network.outside == []


def test_redirect_to_another_port_of_an_allowed_host_is_refused(
        site: LocalSite, other_site: LocalSite) -> None:
    other_site.html("/secret", "<p>internal</p>")
    start = site.redirect("/jump", other_site.url("/secret"))
    options = CrawlOptions(delay=0.0, timeout=5.0, allow_hosts=(f"127.0.0.1:{site.port}",))

    with Fetcher(options) as fetcher:
        problem = _skip(fetcher, start)

    assert problem.kind == SkipKind.PRIVATE
    assert f"--allow-host 127.0.0.1:{other_site.port}" in problem.reason
    assert site.paths() == ["/jump"] and other_site.hits == []


def test_each_redirect_hop_is_resolved_and_checked_again(site: LocalSite,
                                                         network: LoopbackOnly) -> None:
    """DNS rebinding between hops: the same name answers 169.254.169.254 the second time."""
    site.html("/b", "<p>b</p>")
    site.redirect("/a", "/b")
    answers = iter([["127.0.0.1"], ["169.254.169.254"]])
    guard = AddressGuard(AddressPolicy(hosts=(HostAllowance.parse(f"flip.test:{site.port}"),)),
                         resolver=lambda host, port: next(answers))

    with Fetcher(CrawlOptions(delay=0.0, timeout=5.0), guard) as fetcher:
        problem = _skip(fetcher, f"http://flip.test:{site.port}/a")

    assert problem.kind == SkipKind.FORBIDDEN
    assert site.paths() == ["/a"]
    assert network.outside == []


def test_declared_oversize_body_is_refused(site: LocalSite, local_options: CrawlOptions) -> None:
    url = site.html("/big", "x" * 50_000)

    with Fetcher(local_options) as fetcher:
        problem = _skip(fetcher, url)

    assert problem.kind == SkipKind.TOO_LARGE
    assert "10,000" in problem.reason


def test_undeclared_endless_body_stops_at_the_limit(site: LocalSite,
                                                    local_options: CrawlOptions) -> None:
    site.routes["/endless"] = Route(body=b"y" * 65_536, chunks=2_000, send_length=False,
                                    headers={"Content-Type": "text/plain"})

    with Fetcher(local_options) as fetcher:
        problem = _skip(fetcher, site.url("/endless"))

    assert problem.kind == SkipKind.TOO_LARGE
    assert "stopped reading" in problem.reason


def test_truncating_rules_keep_the_first_bytes(site: LocalSite,
                                               local_options: CrawlOptions) -> None:
    url = site.file("/long.txt", b"z" * 5_000, "text/plain")

    with Fetcher(local_options) as fetcher:
        fetched = fetcher.get(url, BodyRules(max_bytes=1_000, truncate=True))

    assert fetched.body == b"z" * 1_000


@pytest.mark.parametrize("content_type", ["image/png", "application/pdf", ""])
def test_unaccepted_content_types_are_skipped(site: LocalSite, local_options: CrawlOptions,
                                              content_type: str) -> None:
    url = site.file("/thing", b"\x89PNG....", content_type)

    with Fetcher(local_options) as fetcher:
        problem = _skip(fetcher, url)

    assert problem.kind == SkipKind.CONTENT_TYPE
    assert (content_type or "(none)") in problem.reason


def test_error_status_is_returned_without_a_body(site: LocalSite,
                                                 local_options: CrawlOptions) -> None:
    with Fetcher(local_options) as fetcher:
        fetched = fetcher.get(site.url("/missing"), PAGES)

    assert fetched.status == 404 and not fetched.ok and fetched.body == b""


def test_slow_server_times_out(site: LocalSite) -> None:
    url = site.html("/slow", "<p>late</p>", pause=1.5)

    with Fetcher(CrawlOptions(delay=0.0, allow_loopback=True, timeout=0.3)) as fetcher:
        problem = _skip(fetcher, url)

    assert problem.kind == SkipKind.NETWORK and "timed out" in problem.reason


def test_requests_carry_the_textloop_user_agent(site: LocalSite,
                                                local_options: CrawlOptions) -> None:
    url = site.html("/ua", "<p>x</p>")

    with Fetcher(local_options) as fetcher:
        fetcher.get(url, PAGES)

    assert site.hits[0].user_agent is not None
    assert site.hits[0].user_agent.startswith("textloop/")


def test_parse_content_type() -> None:
    assert parse_content_type('Text/HTML; Charset="ISO-8859-1"') == ("text/html", "iso-8859-1")
    assert parse_content_type("text/plain") == ("text/plain", None)
    assert parse_content_type("") == ("", None)


def test_unreachable_port_is_a_network_problem(local_options: CrawlOptions) -> None:
    with Fetcher(local_options) as fetcher:
        problem = _skip(fetcher, f"http://127.0.0.1:{_closed_port()}/")

    assert problem.kind == SkipKind.NETWORK


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_invalid_url_is_reported(local_options: CrawlOptions) -> None:
    with Fetcher(local_options) as fetcher:
        problem = _skip(fetcher, "not a url")

    assert problem.kind == SkipKind.INVALID_URL
