from __future__ import annotations

import itertools
import sqlite3
from dataclasses import replace

import pytest

from tests.unit.stages.crawl.local_site import ARTICLE_PAGE, LocalSite, Route, gzipped
from tests.unit.stages.crawl.network import LoopbackOnly
from tests.unit.stages.crawl.test_sitemap import index, urlset
from textloop.config import Project
from textloop.errors import InvalidInputError
from textloop.stages.crawl import CrawlOptions, SkipKind, crawl
from textloop.stages.crawl.crawler import PAGES_PER_WRITE
from textloop.storage import Store, imports, records


def _stored(store: Store) -> dict[str, records.StoredRecord]:
    with store.read() as conn:
        return {r.source_ref or "": r for r in records.iter_all(conn)}


def _page(number: int) -> str:
    return f"<html><body><p>Page number {number} has its own distinct sentence.</p></body></html>"


def test_article_is_stored_with_the_url_as_provenance(
        site: LocalSite, store: Store, local_options: CrawlOptions) -> None:
    url = site.html("/article", ARTICLE_PAGE)

    result = crawl(store, [url], options=local_options)

    assert (result.pages_fetched, result.records_new, result.skipped) == (1, 1, [])
    record = _stored(store)[url]
    assert record.source_kind == "crawl"
    assert "deep snow" in record.text and "Contact sales" not in record.text
    assert record.meta["url"] == url and record.meta["final_url"] == url
    assert record.meta["title"] == "Foxes of the northern forest"
    assert record.meta["status"] == 200 and record.meta["content_type"] == "text/html"
    assert record.meta["fetched_at"].endswith("+00:00")
    with store.read() as conn:
        log = imports.recent(conn)[0]
    assert (log["source_kind"], log["source"], log["records_new"]) == ("crawl", url, 1)
    assert log["finished_at"] is not None


def test_recrawl_adds_nothing_new(site: LocalSite, store: Store,
                                  local_options: CrawlOptions) -> None:
    urls = [site.html("/article", ARTICLE_PAGE), site.html("/other", _page(1))]

    first = crawl(store, urls, options=local_options)
    again = crawl(store, urls, options=local_options)

    assert first.records_new == 2
    assert (again.pages_fetched, again.records_new) == (2, 0)
    assert len(_stored(store)) == 2


def test_robots_disallowed_page_is_never_requested(site: LocalSite, store: Store,
                                                   local_options: CrawlOptions) -> None:
    site.robots("User-agent: *\nDisallow: /private/\n")
    public = site.html("/public", _page(1))
    secret = site.html("/private/secret", _page(2))

    result = crawl(store, [secret, public], options=local_options)

    assert "/private/secret" not in site.paths()
    assert [(s.url, s.kind) for s in result.skipped] == [(secret, SkipKind.ROBOTS)]
    assert list(_stored(store)) == [public]


def test_each_bad_page_is_skipped_with_its_reason(site: LocalSite, store: Store,
                                                  local_options: CrawlOptions) -> None:
    good = site.html("/good", _page(1))
    urls = {
        SkipKind.CONTENT_TYPE: site.file("/photo.png", b"\x89PNG", "image/png"),
        SkipKind.TOO_LARGE: site.html("/huge", "<p>" + "w " * 20_000 + "</p>"),
        SkipKind.HTTP_STATUS: site.url("/missing"),
        SkipKind.NO_TEXT: site.html("/blank", "<html><body></body></html>"),
        SkipKind.REDIRECTS: site.redirect("/loop", "/loop"),
        SkipKind.SCHEME: "ftp://127.0.0.1/file.txt",
    }
    options = replace(local_options, max_bytes=10_000)

    result = crawl(store, [*urls.values(), good], options=options)

    assert {s.url: s.kind for s in result.skipped} == {u: k for k, u in urls.items()}
    assert list(_stored(store)) == [good]


def test_private_addresses_are_refused_and_nothing_is_requested(
        site: LocalSite, store: Store) -> None:
    url = site.html("/article", ARTICLE_PAGE)

    with pytest.raises(InvalidInputError) as caught:
        crawl(store, [url, site.url("/other")], options=CrawlOptions(delay=0.0))

    assert "127.0.0.1 is a loopback address" in caught.value.message
    assert caught.value.hint is not None
    assert f"--allow-host 127.0.0.1:{site.port}" in caught.value.hint
    assert "--allow-loopback" in caught.value.hint
    assert site.hits == []
    with store.read() as conn:
        assert imports.recent(conn) == [] and records.count(conn) == 0


def test_metadata_address_is_refused_whatever_is_allowed(store: Store,
                                                         network: LoopbackOnly) -> None:
    options = CrawlOptions(delay=0.0, allow_loopback=True, allow_hosts=("wiki.test:80",))

    with pytest.raises(InvalidInputError) as caught:
        crawl(store, ["http://169.254.169.254/latest/meta-data/", "http://[fe80::1]/"],
              options=options)

    assert "cloud metadata address" in caught.value.message
    assert "link-local address" in caught.value.message
    assert caught.value.hint is not None and "never crawled" in caught.value.hint
    assert "--allow" not in caught.value.hint
    assert network.outside == []


def test_six_to_four_wrapping_loopback_is_treated_as_loopback(site: LocalSite, store: Store,
                                                              network: LoopbackOnly) -> None:
    with pytest.raises(InvalidInputError) as caught:
        crawl(store, [f"http://[2002:7f00:1::]:{site.port}/"], options=CrawlOptions(delay=0.0))

    assert "loopback address (6to4 wrapping 127.0.0.1)" in caught.value.message
    assert network.outside == [] and site.hits == []


def test_allow_host_opens_only_that_port(site: LocalSite, other_site: LocalSite,
                                         store: Store) -> None:
    page = site.html("/p", _page(1))
    elsewhere = other_site.html("/p", _page(2))
    options = CrawlOptions(delay=0.0, timeout=5.0, allow_hosts=(f"127.0.0.1:{site.port}",))

    result = crawl(store, [page, elsewhere], options=options)

    assert list(_stored(store)) == [page]
    assert [(s.url, s.kind) for s in result.skipped] == [(elsewhere, SkipKind.PRIVATE)]
    assert other_site.hits == []


def test_a_refused_url_among_good_ones_is_reported_not_fatal(
        site: LocalSite, store: Store, local_options: CrawlOptions) -> None:
    good = site.html("/good", _page(1))

    result = crawl(store, ["gopher://127.0.0.1/", good], options=local_options)

    assert result.records_new == 1
    assert result.skipped[0].kind == SkipKind.SCHEME


def test_requests_to_one_host_are_spaced_by_the_delay(site: LocalSite, store: Store) -> None:
    urls = [site.html(f"/p{i}", _page(i)) for i in range(4)]
    options = CrawlOptions(delay=0.2, allow_loopback=True, timeout=5.0)

    crawl(store, urls, options=options)

    arrivals = [hit.at for hit in site.hits]
    assert len(arrivals) == 5  # robots.txt and four pages
    assert all(b - a >= 0.2 for a, b in itertools.pairwise(arrivals))


def test_sitemap_index_pages_are_crawled(site: LocalSite, store: Store,
                                         local_options: CrawlOptions) -> None:
    pages = [site.html(f"/post{i}", _page(i)) for i in range(3)]
    site.file("/posts.xml.gz", gzipped(urlset(*pages)), "application/x-gzip")
    sitemap = site.file("/sitemap.xml", index(site.url("/posts.xml.gz")), "application/xml")

    result = crawl(store, sitemap=sitemap, options=local_options)

    assert result.records_new == 3 and result.source == sitemap
    assert sorted(_stored(store)) == sorted(pages)


def test_max_pages_leaves_the_rest_unvisited(site: LocalSite, store: Store,
                                             local_options: CrawlOptions) -> None:
    urls = [site.html(f"/p{i}", _page(i)) for i in range(3)]

    result = crawl(store, urls, options=replace(local_options, max_pages=2))

    assert (result.pages_fetched, result.unvisited) == (2, 1)
    assert "/p2" not in site.paths()


def _link_page(*targets: str) -> str:
    links = "".join(f'<a href="{t}">{t}</a> ' for t in targets)
    return f"<html><body><p>Links to {' '.join(targets)} are below.</p>{links}</body></html>"


@pytest.mark.parametrize(("depth", "expected"), [(1, {"/", "/a", "/b"}),
                                                 (2, {"/", "/a", "/b", "/c"})])
def test_follow_links_stays_on_the_named_host_and_port_and_within_depth(
        site: LocalSite, other_site: LocalSite, store: Store, local_options: CrawlOptions,
        network: LoopbackOnly, depth: int, expected: set[str]) -> None:
    other_port = other_site.html("/x", _page(9))
    other_name = f"http://localhost:{site.port}/y"
    site.html("/", _link_page("/a", "/b", "http://elsewhere.invalid/x", other_port, other_name,
                              "http://169.254.169.254/latest/meta-data/"))
    site.html("/a", _link_page("/c"))
    site.html("/b", _link_page("/a"))
    site.html("/c", _page(3))
    site.html("/y", _page(4))
    options = replace(local_options, follow_links=True, max_depth=depth)

    result = crawl(store, [site.url("/")], options=options)

    assert {p for p in site.paths() if p != "/robots.txt"} == expected
    assert result.records_new == len(expected)
    assert result.skipped == []
    assert other_site.hits == [] and network.outside == []


def test_follow_links_may_cross_between_named_hosts(site: LocalSite, other_site: LocalSite,
                                                    store: Store,
                                                    local_options: CrawlOptions) -> None:
    site.html("/", _link_page(other_site.url("/b")))
    other_site.html("/", _page(1))
    other_site.html("/b", _page(2))
    options = replace(local_options, follow_links=True)

    crawl(store, [site.url("/"), other_site.url("/")], options=options)

    assert "/b" in other_site.paths()


def test_sitemap_entries_on_other_hosts_are_skipped_and_reported(
        site: LocalSite, other_site: LocalSite, store: Store,
        local_options: CrawlOptions) -> None:
    page = site.html("/post", _page(1))
    foreign = other_site.html("/post", _page(2))
    sitemap = site.file("/sitemap.xml", urlset(page, foreign), "application/xml")

    result = crawl(store, sitemap=sitemap, options=local_options)

    assert list(_stored(store)) == [page]
    assert [(s.url, s.kind) for s in result.skipped] == [(foreign, SkipKind.OUT_OF_SCOPE)]
    assert other_site.hits == []


def test_links_are_not_followed_by_default(site: LocalSite, store: Store,
                                           local_options: CrawlOptions) -> None:
    site.html("/", _link_page("/a"))
    site.html("/a", _page(1))

    crawl(store, [site.url("/")], options=local_options)

    assert "/a" not in site.paths()


def test_no_write_lock_is_held_while_fetching(site: LocalSite, store: Store,
                                              project: Project,
                                              local_options: CrawlOptions) -> None:
    """While the server answers, another process could take the write lock right away."""
    db_path = project.store_url.removeprefix("sqlite:///")
    lock_free: list[bool] = []

    def try_to_write() -> None:
        other = sqlite3.connect(db_path, timeout=0.1)
        try:
            other.execute("BEGIN IMMEDIATE")
            other.rollback()
            lock_free.append(True)
        except sqlite3.OperationalError:
            lock_free.append(False)
        finally:
            other.close()

    count = PAGES_PER_WRITE + 3
    for i in range(count):
        site.routes[f"/p{i}"] = Route(body=_page(i).encode(), on_request=try_to_write,
                                      headers={"Content-Type": "text/html"})

    result = crawl(store, [site.url(f"/p{i}") for i in range(count)], options=local_options)

    assert result.records_new == count
    assert lock_free == [True] * count


def test_no_urls_is_an_input_error(store: Store) -> None:
    with pytest.raises(InvalidInputError):
        crawl(store, [])
