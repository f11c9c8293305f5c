"""XML sitemaps and sitemap indexes (plain or gzipped) turned into a list of page URLs.

Sitemaps come from servers we do not trust, so parsing is defensive: defusedxml with DTDs
forbidden (no entity expansion, no external entities), decompression capped at the
protocol's 50 MB, and index recursion bounded in depth and in the number of sitemaps read.
"""

from __future__ import annotations

import gzip
import io
from collections import deque
from dataclasses import dataclass, field
from typing import Literal
from xml.etree.ElementTree import ParseError

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from textloop.stages.crawl.fetcher import BodyRules, Fetcher
from textloop.stages.crawl.robots import RobotsRules
from textloop.stages.crawl.scope import CrawlScope
from textloop.stages.crawl.skips import PageSkipped, SkipKind, SkippedUrl

SITEMAP_MAX_BYTES = 50 * 1024 * 1024  # the sitemaps.org limit for one uncompressed file
MAX_SITEMAP_DEPTH = 3
MAX_SITEMAPS = 100
_ENTRY_TAG = {"sitemapindex": "sitemap", "urlset": "url"}


@dataclass(frozen=True)
class SitemapDoc:
    kind: Literal["sitemapindex", "urlset"]
    locations: list[str]


def parse_sitemap(data: bytes) -> SitemapDoc:
    """The ``<loc>`` entries of a sitemap or sitemap index; ``PageSkipped`` if it is neither."""
    if data[:2] == b"\x1f\x8b":
        data = _gunzip(data)
    try:
        root = SafeET.fromstring(data, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise PageSkipped(f"sitemap refused: {exc}", SkipKind.SITEMAP) from None
    except ParseError as exc:
        raise PageSkipped(f"sitemap is not valid XML ({exc})", SkipKind.SITEMAP) from None
    kind = _local(root.tag)
    if kind not in _ENTRY_TAG:
        raise PageSkipped(f"not a sitemap: the root element is <{kind}> (expected <urlset> "
                          "or <sitemapindex>)", SkipKind.SITEMAP)
    locations = [
        loc.text.strip()
        for entry in root if _local(entry.tag) == _ENTRY_TAG[kind]
        for loc in entry if _local(loc.tag) == "loc" and loc.text and loc.text.strip()
    ]
    return SitemapDoc(kind, locations)  # type: ignore[arg-type]


def _gunzip(data: bytes) -> bytes:
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as handle:
            out = handle.read(SITEMAP_MAX_BYTES + 1)
    except (OSError, EOFError) as exc:
        raise PageSkipped(f"sitemap is not valid gzip ({exc})", SkipKind.SITEMAP) from None
    if len(out) > SITEMAP_MAX_BYTES:
        raise PageSkipped(f"sitemap is larger than {SITEMAP_MAX_BYTES:,} bytes uncompressed",
                          SkipKind.SITEMAP)
    return out


def _local(tag: str) -> str:
    """Tag name without its XML namespace: ``{http://...}urlset`` -> ``urlset``."""
    return tag.rsplit("}", 1)[-1]


@dataclass
class SitemapReader:
    """Walks a sitemap (index) breadth-first, collecting up to ``limit`` page URLs.

    Entries (pages and nested sitemaps) on a host outside ``scope`` are skipped with their
    reason and never requested: a sitemap must not send the crawl somewhere the user did not
    name.
    """

    fetcher: Fetcher
    robots: RobotsRules
    scope: CrawlScope
    skipped: list[SkippedUrl] = field(default_factory=list)

    def page_urls(self, start: str, limit: int) -> list[str]:
        pages: dict[str, None] = {}
        queue: deque[tuple[str, int]] = deque([(start, 0)])
        seen = {start}
        reads = 0
        while queue and len(pages) < limit:
            url, depth = queue.popleft()
            if reads >= MAX_SITEMAPS:
                self._skip(url, f"more than {MAX_SITEMAPS} sitemaps; not read")
                continue
            reads += 1
            doc = self._read(url)
            if doc is None:
                continue
            if doc.kind == "urlset":
                for loc in doc.locations:
                    if len(pages) >= limit:
                        break
                    if loc not in pages and self._admitted(loc):
                        pages[loc] = None
                continue
            for loc in doc.locations:
                if depth + 1 > MAX_SITEMAP_DEPTH:
                    self._skip(loc, f"sitemap nested deeper than {MAX_SITEMAP_DEPTH} levels")
                elif loc not in seen:
                    seen.add(loc)
                    if self._admitted(loc):
                        queue.append((loc, depth + 1))
        return list(pages)

    def _admitted(self, loc: str) -> bool:
        try:
            self.scope.admit(loc)
        except PageSkipped as problem:
            self.skipped.append(SkippedUrl(loc, problem.reason, problem.kind))
            return False
        return True

    def _read(self, url: str) -> SitemapDoc | None:
        try:
            fetched = self.fetcher.get(url, BodyRules(SITEMAP_MAX_BYTES), self.robots.check)
            if not fetched.ok:
                raise PageSkipped(f"sitemap answered HTTP {fetched.status}",
                                  SkipKind.HTTP_STATUS)
            return parse_sitemap(fetched.body)
        except PageSkipped as problem:
            self.skipped.append(SkippedUrl(url, problem.reason, problem.kind))
            return None

    def _skip(self, url: str, reason: str) -> None:
        self.skipped.append(SkippedUrl(url, reason, SkipKind.SITEMAP))
