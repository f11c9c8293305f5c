from __future__ import annotations

import pytest

from tests.unit.stages.crawl.local_site import LocalSite, gzipped
from tests.unit.stages.crawl.network import LoopbackOnly
from textloop.stages.crawl.fetcher import Fetcher
from textloop.stages.crawl.options import CrawlOptions
from textloop.stages.crawl.robots import RobotsRules
from textloop.stages.crawl.scope import CrawlScope
from textloop.stages.crawl.sitemap import MAX_SITEMAP_DEPTH, SitemapReader, parse_sitemap
from textloop.stages.crawl.skips import PageSkipped, SkipKind

NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'


def urlset(*locs: str) -> bytes:
    entries = "".join(f"<url><loc> {loc} </loc><lastmod>2024-01-01</lastmod></url>"
                      for loc in locs)
    return f'<?xml version="1.0" encoding="UTF-8"?><urlset {NS}>{entries}</urlset>'.encode()


def index(*locs: str) -> bytes:
    entries = "".join(f"<sitemap><loc>{loc}</loc></sitemap>" for loc in locs)
    return f"<sitemapindex {NS}>{entries}</sitemapindex>".encode()


def test_parses_a_urlset_with_namespace() -> None:
    doc = parse_sitemap(urlset("https://a.example/1", "https://a.example/2"))

    assert doc.kind == "urlset"
    assert doc.locations == ["https://a.example/1", "https://a.example/2"]


def test_parses_a_gzipped_index() -> None:
    doc = parse_sitemap(gzipped(index("https://a.example/s1.xml")))

    assert doc.kind == "sitemapindex"
    assert doc.locations == ["https://a.example/s1.xml"]


def test_entity_expansion_is_refused() -> None:
    bomb = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
            b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
            b'<urlset><url><loc>&lol2;</loc></url></urlset>')

    with pytest.raises(PageSkipped) as caught:
        parse_sitemap(bomb)

    assert caught.value.kind == SkipKind.SITEMAP and "refused" in caught.value.reason


@pytest.mark.parametrize(("data", "words"), [
    (b"<html><body>not a sitemap</body></html>", "root element is <html>"),
    (b"{\"urls\": []}", "not valid XML"),
    (b"\x1f\x8b\x08garbage", "not valid gzip"),
])
def test_other_documents_are_explained(data: bytes, words: str) -> None:
    with pytest.raises(PageSkipped) as caught:
        parse_sitemap(data)

    assert words in caught.value.reason


def _reader(fetcher: Fetcher, *named: str) -> SitemapReader:
    """A reader whose scope is the hosts of ``named`` (the URLs a user gave)."""
    return SitemapReader(fetcher, RobotsRules(fetcher), CrawlScope(named))


def test_index_leads_to_gzipped_sitemap_pages(site: LocalSite,
                                              local_options: CrawlOptions) -> None:
    pages = [site.url(f"/p{i}") for i in range(3)]
    site.file("/sitemap-pages.xml.gz", gzipped(urlset(*pages)), "application/gzip")
    site.file("/sitemap.xml", index(site.url("/sitemap-pages.xml.gz"), site.url("/gone.xml")),
              "application/xml")

    with Fetcher(local_options) as fetcher:
        reader = _reader(fetcher, site.url("/sitemap.xml"))
        found = reader.page_urls(site.url("/sitemap.xml"), limit=10)

    assert found == pages
    assert [(s.url, s.kind) for s in reader.skipped] == [(site.url("/gone.xml"),
                                                          SkipKind.HTTP_STATUS)]


def test_page_limit_stops_reading_more_sitemaps(site: LocalSite,
                                                local_options: CrawlOptions) -> None:
    site.file("/a.xml", urlset(site.url("/1"), site.url("/2")), "text/xml")
    site.file("/b.xml", urlset(site.url("/3")), "text/xml")
    site.file("/index.xml", index(site.url("/a.xml"), site.url("/b.xml")), "text/xml")

    with Fetcher(local_options) as fetcher:
        found = _reader(fetcher, site.url()).page_urls(site.url("/index.xml"), limit=2)

    assert found == [site.url("/1"), site.url("/2")]
    assert "/b.xml" not in site.paths()


def test_nesting_is_bounded(site: LocalSite, local_options: CrawlOptions) -> None:
    for level in range(MAX_SITEMAP_DEPTH + 2):
        site.file(f"/s{level}.xml", index(site.url(f"/s{level + 1}.xml")), "text/xml")

    with Fetcher(local_options) as fetcher:
        reader = _reader(fetcher, site.url())
        found = reader.page_urls(site.url("/s0.xml"), limit=10)

    assert found == []
    assert f"/s{MAX_SITEMAP_DEPTH}.xml" in site.paths()
    assert f"/s{MAX_SITEMAP_DEPTH + 1}.xml" not in site.paths()
    assert any("nested deeper" in s.reason for s in reader.skipped)


def test_sitemap_disallowed_by_robots_is_not_read(site: LocalSite,
                                                  local_options: CrawlOptions) -> None:
    site.robots("User-agent: *\nDisallow: /maps/\n")
    site.file("/maps/sitemap.xml", urlset(site.url("/1")), "text/xml")

    with Fetcher(local_options) as fetcher:
        reader = _reader(fetcher, site.url())
        found = reader.page_urls(site.url("/maps/sitemap.xml"), limit=10)

    assert found == []
    assert reader.skipped[0].kind == SkipKind.ROBOTS
    assert site.paths() == ["/robots.txt"]


def test_entries_on_other_hosts_or_ports_are_skipped_with_a_reason(
        site: LocalSite, other_site: LocalSite, network: LoopbackOnly,
        local_options: CrawlOptions) -> None:
    own = site.url("/1")
    other_port = other_site.url("/2")
    other_name = f"http://localhost:{site.port}/3"
    elsewhere = "http://169.254.169.254/latest/meta-data/"
    site.file("/sitemap.xml", urlset(own, other_port, other_name, elsewhere), "text/xml")

    with Fetcher(local_options) as fetcher:
        reader = _reader(fetcher, site.url("/sitemap.xml"))
        found = reader.page_urls(site.url("/sitemap.xml"), limit=10)

    assert found == [own]
    assert [(s.url, s.kind) for s in reader.skipped] == [
        (other_port, SkipKind.OUT_OF_SCOPE), (other_name, SkipKind.OUT_OF_SCOPE),
        (elsewhere, SkipKind.OUT_OF_SCOPE)]
    reason = reader.skipped[0].reason
    assert f"127.0.0.1:{other_site.port}" in reason and f"127.0.0.1:{site.port}" in reason
    assert other_site.hits == [] and network.outside == []


def test_index_entries_on_other_hosts_are_not_read(
        site: LocalSite, other_site: LocalSite, local_options: CrawlOptions) -> None:
    other_site.file("/pages.xml", urlset(other_site.url("/1")), "text/xml")
    site.file("/pages.xml", urlset(site.url("/2")), "text/xml")
    site.file("/index.xml", index(other_site.url("/pages.xml"), site.url("/pages.xml")),
              "text/xml")

    with Fetcher(local_options) as fetcher:
        reader = _reader(fetcher, site.url("/index.xml"))
        found = reader.page_urls(site.url("/index.xml"), limit=10)

    assert found == [site.url("/2")]
    assert [(s.url, s.kind) for s in reader.skipped] == [
        (other_site.url("/pages.xml"), SkipKind.OUT_OF_SCOPE)]
    assert other_site.hits == []


def test_skipped_entries_do_not_use_up_the_page_limit(site: LocalSite,
                                                      local_options: CrawlOptions) -> None:
    site.file("/sitemap.xml", urlset("http://elsewhere.test/0", site.url("/1"), site.url("/2")),
              "text/xml")

    with Fetcher(local_options) as fetcher:
        found = _reader(fetcher, site.url()).page_urls(site.url("/sitemap.xml"), limit=2)

    assert found == [site.url("/1"), site.url("/2")]


def test_entries_on_every_named_host_are_kept(site: LocalSite, other_site: LocalSite,
                                              local_options: CrawlOptions) -> None:
    site.file("/sitemap.xml", urlset(site.url("/1"), other_site.url("/2")), "text/xml")

    with Fetcher(local_options) as fetcher:
        reader = _reader(fetcher, site.url("/sitemap.xml"), other_site.url("/"))
        found = reader.page_urls(site.url("/sitemap.xml"), limit=10)

    assert found == [site.url("/1"), other_site.url("/2")]
    assert reader.skipped == []
