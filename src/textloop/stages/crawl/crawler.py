"""``textloop crawl``: fetch pages, extract their main text, store them unlabeled.

Network and database never overlap: pages are fetched without holding any database lock,
and every ``PAGES_PER_WRITE`` stored pages (and at the end) the batch is written in one
short write transaction, so other commands on the same store are blocked for milliseconds,
not for the length of a crawl. The import log row is opened in its own transaction before
the first request and closed after the last batch. An interrupted crawl keeps the batches
already written; its import log row then has no ``finished_at``.

Records dedupe by content hash, so crawling the same pages again adds nothing new. Links
and sitemap entries are followed only on the hosts (and ports) the user named (``scope``).
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass

from textloop.errors import InvalidInputError
from textloop.progress import NULL_PROGRESS, Progress
from textloop.stages.crawl.addresses import AddressGuard
from textloop.stages.crawl.extract import extract
from textloop.stages.crawl.fetcher import BodyRules, Fetched, Fetcher
from textloop.stages.crawl.options import CrawlOptions
from textloop.stages.crawl.preflight import refuse_if_all_refused
from textloop.stages.crawl.result import CrawlResult
from textloop.stages.crawl.robots import RobotsRules
from textloop.stages.crawl.scope import CrawlScope
from textloop.stages.crawl.sitemap import SitemapReader
from textloop.stages.crawl.skips import PageSkipped, SkipKind, SkippedUrl
from textloop.stages.crawl.urls import parse_url
from textloop.stages.ingest.writer import RecordWriter
from textloop.storage import Store, imports
from textloop.types import NewRecord, SourceKind

PAGES_PER_WRITE = 20


def crawl(store: Store, urls: Sequence[str] = (), *, sitemap: str | None = None,
          options: CrawlOptions | None = None, progress: Progress = NULL_PROGRESS,
          guard: AddressGuard | None = None) -> CrawlResult:
    """Crawl ``urls`` (and the pages listed in ``sitemap``) into ``store``.

    Every URL that is not stored is reported in ``CrawlResult.skipped`` with its reason;
    only the case where every starting URL is refused raises (``InvalidInputError``).
    ``guard`` replaces the address guard (and its resolver), mainly for tests.
    """
    started = time.perf_counter()
    options = options or CrawlOptions()
    guard = guard or AddressGuard(options.policy())
    starts = [*urls, *([sitemap] if sitemap else [])]
    if not starts:
        raise InvalidInputError("no URL to crawl", hint="give one or more URLs, or --sitemap URL")
    refuse_if_all_refused(starts, guard)
    with store.write() as conn:
        import_id = imports.start(conn, starts[0], SourceKind.CRAWL.value, None,
                                  {**options.to_dict(), "urls": list(urls), "sitemap": sitemap})
    result = CrawlResult(import_id=import_id, source=starts[0])
    with Fetcher(options, guard) as fetcher:
        run = _CrawlRun(store, fetcher, options, result, CrawlScope(starts))
        run.seed(urls, sitemap)
        run.run(progress)
        result.responses = fetcher.responses
    with store.write() as conn:
        imports.finish(conn, import_id, file_sha256=None, rows_read=result.pages_fetched,
                       records_new=result.records_new, annotations_new=0,
                       rows_skipped=len(result.skipped), report_path=None)
    result.seconds = time.perf_counter() - started
    return result


@dataclass(frozen=True)
class _Target:
    url: str
    depth: int


class _CrawlRun:
    """The frontier, the pending batch and the counts of one crawl."""

    def __init__(self, store: Store, fetcher: Fetcher, options: CrawlOptions,
                 result: CrawlResult, scope: CrawlScope) -> None:
        self.store = store
        self.scope = scope
        self.fetcher = fetcher
        self.options = options
        self.result = result
        self.robots = RobotsRules(fetcher)
        self.rules = BodyRules(options.max_bytes, options.content_types)
        self.frontier: deque[_Target] = deque()
        self.seen: set[str] = set()
        self.pending: list[NewRecord] = []

    def seed(self, urls: Sequence[str], sitemap: str | None) -> None:
        for url in urls:
            self.add(url, depth=0)
        if sitemap:
            reader = SitemapReader(self.fetcher, self.robots, self.scope)
            for url in reader.page_urls(sitemap, self.options.max_pages):
                self.add(url, depth=0)
            self.result.skipped.extend(reader.skipped)

    def add(self, url: str, depth: int) -> None:
        """Queue ``url`` unless already seen; an unusable URL is recorded as skipped."""
        try:
            parsed = parse_url(url)
        except PageSkipped as problem:
            self._skip(url, problem)
            return
        key = str(parsed)
        if key not in self.seen:
            self.seen.add(key)
            self.frontier.append(_Target(key, depth))

    def run(self, progress: Progress) -> None:
        total = None if self.options.follow_links else min(len(self.frontier),
                                                           self.options.max_pages)
        visited = 0
        with progress.task("Crawling", total=total) as task:
            while self.frontier and visited < self.options.max_pages:
                self.visit(self.frontier.popleft())
                visited += 1
                task.advance()
                if len(self.pending) >= PAGES_PER_WRITE:
                    self.flush()
        self.flush()
        self.result.unvisited = len(self.frontier)

    def visit(self, target: _Target) -> None:
        try:
            fetched = self.fetcher.get(target.url, self.rules, self.robots.check)
            if not fetched.ok:
                raise PageSkipped(f"HTTP {fetched.status}", SkipKind.HTTP_STATUS)
            self._store_page(target, fetched)
        except PageSkipped as problem:
            self._skip(target.url, problem)

    def _store_page(self, target: _Target, fetched: Fetched) -> None:
        want_links = self.options.follow_links and target.depth < self.options.max_depth
        page = extract(fetched.body, fetched.content_type, fetched.charset, fetched.final_url,
                       want_links)
        self.seen.add(fetched.final_url)
        for link in page.links:  # absolute http(s) links; others on other hosts are dropped
            if self.scope.contains(parse_url(link)):
                self.add(link, target.depth + 1)
        if not page.text:
            raise PageSkipped("no text found on the page", SkipKind.NO_TEXT)
        meta = {"url": target.url, "final_url": fetched.final_url, "title": page.title,
                "fetched_at": fetched.fetched_at, "status": fetched.status,
                "content_type": fetched.content_type}
        self.pending.append(NewRecord(text=page.text, meta=meta, source_ref=target.url))
        self.result.pages_fetched += 1

    def flush(self) -> None:
        """Write the pending pages in one short transaction (no network inside it)."""
        if not self.pending:
            return
        with self.store.write() as conn:
            writer = RecordWriter(conn, self.result.import_id, SourceKind.CRAWL.value, None)
            writer.write(self.pending)
        self.result.records_new += writer.records_new
        self.pending = []

    def _skip(self, url: str, problem: PageSkipped) -> None:
        self.result.skipped.append(SkippedUrl(url, problem.reason, problem.kind))
