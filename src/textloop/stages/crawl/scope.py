"""Which hosts a crawl stays on: the ones the user named, ports included.

Links found on pages and entries listed in a sitemap are followed only when they point at a
host (and port) that appears in the URLs the user gave, start pages and sitemap alike. A
sitemap or page is content from the site, and so from whoever controls it: without this,
one entry could send the crawl to any host on the internet, or to another service on the
same machine (``http://a.test:8000/`` must not open ``http://a.test:9000/``). Redirects are
not limited here; every hop still passes the address guard.
"""

from __future__ import annotations

from collections.abc import Iterable

import httpx

from textloop.stages.crawl.skips import PageSkipped, SkipKind
from textloop.stages.crawl.urls import host_port, parse_url, port_of

Origin = tuple[str, int]


class CrawlScope:
    def __init__(self, named: Iterable[str]) -> None:
        origins: set[Origin] = set()
        for url in named:
            try:
                origins.add(_origin(parse_url(url)))
            except PageSkipped:
                continue  # an unusable start URL is reported by the crawl; it names no host
        self._origins = frozenset(origins)

    def contains(self, url: httpx.URL) -> bool:
        return _origin(url) in self._origins

    def admit(self, text: str) -> httpx.URL:
        """``text`` parsed, or ``PageSkipped`` when it is invalid or on a host not named."""
        url = parse_url(text)
        if not self.contains(url):
            named = ", ".join(sorted(host_port(*origin) for origin in self._origins))
            raise PageSkipped(
                f"{host_port(*_origin(url))} is not a host named for this crawl (named: "
                f"{named}); links and sitemap entries stay on the hosts and ports given",
                SkipKind.OUT_OF_SCOPE)
        return url


def _origin(url: httpx.URL) -> Origin:
    return url.host.lower(), port_of(url)
