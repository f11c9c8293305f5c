"""robots.txt, fetched once per origin through the same guarded client, and obeyed.

Following RFC 9309 §2.3.1: a 4xx answer (typically 404) means there are no rules and
everything may be crawled; a 5xx answer or an unreachable server means the site's wishes
are unknown, so the whole origin is treated as disallowed for this crawl. A ``Crawl-delay``
for our user agent raises the per-host delay.
"""

from __future__ import annotations

from urllib.robotparser import RobotFileParser

import httpx

from textloop.stages.crawl.fetcher import BodyRules, Fetcher
from textloop.stages.crawl.options import user_agent
from textloop.stages.crawl.skips import PageSkipped, SkipKind
from textloop.stages.crawl.urls import robots_url

ROBOTS_MAX_BYTES = 512 * 1024  # RFC 9309 asks crawlers to parse at least 500 KiB
# Problems with the host itself: reported as such, not as "robots.txt unreachable".
_PAGE_WOULD_FAIL_TOO = frozenset({SkipKind.PRIVATE, SkipKind.FORBIDDEN, SkipKind.DNS,
                                 SkipKind.SCHEME})
_DISALLOW_ALL = ["User-agent: *", "Disallow: /"]


class _Rules:
    """One origin's parsed robots.txt, plus why everything is blocked when it is."""

    def __init__(self, parser: RobotFileParser, blocked_because: str | None = None) -> None:
        self.parser = parser
        self.blocked_because = blocked_because


class RobotsRules:
    def __init__(self, fetcher: Fetcher) -> None:
        self._fetcher = fetcher
        self._agent = user_agent()
        self._by_origin: dict[str, _Rules] = {}

    def check(self, url: httpx.URL) -> None:
        """Raise ``PageSkipped`` when robots.txt does not let us fetch ``url``."""
        rules = self._rules_for(url)
        if rules.blocked_because is not None:
            raise PageSkipped(rules.blocked_because, SkipKind.ROBOTS)
        if not rules.parser.can_fetch(self._agent, str(url)):
            raise PageSkipped("disallowed by robots.txt", SkipKind.ROBOTS)

    def _rules_for(self, url: httpx.URL) -> _Rules:
        key = str(robots_url(url))
        if key not in self._by_origin:
            self._by_origin[key] = self._load(key)
            delay = self._by_origin[key].parser.crawl_delay(self._agent)
            if delay:
                self._fetcher.throttle.raise_delay(url.host, float(delay))
        return self._by_origin[key]

    def _load(self, location: str) -> _Rules:
        parser = RobotFileParser(location)
        try:
            fetched = self._fetcher.get(location, BodyRules(ROBOTS_MAX_BYTES, truncate=True))
        except PageSkipped as problem:
            if problem.kind in _PAGE_WOULD_FAIL_TOO:
                raise
            parser.parse(_DISALLOW_ALL)
            return _Rules(parser, f"robots.txt unreachable ({problem.reason}); "
                                  "the site is treated as disallowed")
        if fetched.ok:
            parser.parse(fetched.body.decode("utf-8", errors="replace").splitlines())
            return _Rules(parser)
        if 400 <= fetched.status < 500:
            parser.parse([])
            return _Rules(parser)
        parser.parse(_DISALLOW_ALL)
        return _Rules(parser, f"robots.txt answered HTTP {fetched.status}; "
                              "the site is treated as disallowed")
