"""One guarded, throttled HTTP client for a whole crawl: pages, robots.txt and sitemaps.

Redirects are followed here, by hand, so that every hop goes through the same checks as
the first request: scheme, address guard (in the transport), robots.txt (``check_hop``),
and the per-host delay. Bodies are streamed and reading stops as soon as the size limit
is passed, so a huge or endless response costs at most ``max_bytes`` of memory.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx

from textloop.stages.crawl.addresses import AddressGuard
from textloop.stages.crawl.options import CrawlOptions, user_agent
from textloop.stages.crawl.skips import PageSkipped, SkipKind
from textloop.stages.crawl.throttle import HostThrottle
from textloop.stages.crawl.transport import PinnedTransport
from textloop.stages.crawl.urls import parse_url

HopCheck = Callable[[httpx.URL], None]


@dataclass(frozen=True)
class BodyRules:
    """What a response body may be: accepted types (None: any), size cap, cut or refuse."""

    max_bytes: int
    content_types: frozenset[str] | None = None
    truncate: bool = False


@dataclass(frozen=True)
class Fetched:
    url: str
    final_url: str
    status: int
    content_type: str
    charset: str | None
    body: bytes
    fetched_at: str

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


class Fetcher:
    def __init__(self, options: CrawlOptions, guard: AddressGuard | None = None) -> None:
        self.options = options
        self.throttle = HostThrottle(options.delay)
        self.responses = 0
        transport = PinnedTransport(guard or AddressGuard(options.policy()))
        self._client = httpx.Client(
            transport=transport, timeout=options.timeout, follow_redirects=False,
            trust_env=False, headers={"User-Agent": user_agent()})

    def get(self, url: str, rules: BodyRules, check_hop: HopCheck | None = None) -> Fetched:
        """GET ``url`` following at most ``max_redirects`` redirects, each hop checked.

        Non-2xx final responses are returned (with an empty body) so robots.txt handling
        can tell 404 from 503; everything that makes the URL unusable raises ``PageSkipped``.
        """
        current = parse_url(url)
        seen = {str(current)}
        for _ in range(self.options.max_redirects + 1):
            if check_hop is not None:
                check_hop(current)
            outcome = self._request(url, current, rules)
            if isinstance(outcome, Fetched):
                return outcome
            current = outcome
            if str(current) in seen:
                raise PageSkipped(f"redirect loop at {current}", SkipKind.REDIRECTS)
            seen.add(str(current))
        raise PageSkipped(f"more than {self.options.max_redirects} redirects (--max-redirects)",
                          SkipKind.REDIRECTS)

    def _request(self, url: str, current: httpx.URL, rules: BodyRules) -> Fetched | httpx.URL:
        """One request: a redirect target, or the final response with its body read."""
        with self.throttle.slot(current.host):
            try:
                with self._client.stream("GET", current) as response:
                    self.responses += 1
                    if response.has_redirect_location:
                        return parse_url(response.headers["location"], base=current)
                    return self._complete(url, response, rules)
            except httpx.TimeoutException:
                raise PageSkipped(f"timed out after {self.options.timeout:g}s (--timeout)",
                                  SkipKind.NETWORK) from None
            except httpx.HTTPError as exc:
                raise PageSkipped(f"request failed: {exc or type(exc).__name__}",
                                  SkipKind.NETWORK) from None

    def _complete(self, url: str, response: httpx.Response, rules: BodyRules) -> Fetched:
        mime, charset = parse_content_type(response.headers.get("content-type", ""))
        body = b""
        if response.is_success:
            if rules.content_types is not None and mime not in rules.content_types:
                accepted = ", ".join(sorted(rules.content_types))
                raise PageSkipped(f"content type {mime or '(none)'} is not crawled "
                                  f"(accepted: {accepted})", SkipKind.CONTENT_TYPE)
            body = self._read_body(response, rules)
        return Fetched(url=url, final_url=str(response.url), status=response.status_code,
                       content_type=mime, charset=charset, body=body,
                       fetched_at=datetime.now(UTC).isoformat(timespec="seconds"))

    def _read_body(self, response: httpx.Response, rules: BodyRules) -> bytes:
        """The decoded body, refused (or cut, for ``truncate``) past ``max_bytes``."""
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > rules.max_bytes and not rules.truncate:
            raise _too_large(rules.max_bytes, f"declares {int(declared):,} bytes")
        deadline = time.monotonic() + self.options.timeout
        body = bytearray()
        for chunk in response.iter_bytes():
            body += chunk
            if len(body) > rules.max_bytes:
                if rules.truncate:
                    return bytes(body[:rules.max_bytes])
                raise _too_large(rules.max_bytes, "stopped reading")
            if time.monotonic() > deadline:
                raise PageSkipped(f"the body took longer than {self.options.timeout:g}s "
                                  "to download (--timeout)", SkipKind.NETWORK)
        return bytes(body)

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _too_large(limit: int, detail: str) -> PageSkipped:
    return PageSkipped(f"larger than {limit:,} bytes ({detail}; --max-bytes)",
                       SkipKind.TOO_LARGE)


def parse_content_type(header: str) -> tuple[str, str | None]:
    """``("text/html", "utf-8")`` from ``text/html; charset="UTF-8"``."""
    mime, *params = header.split(";")
    charset = None
    for param in params:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset" and value.strip():
            charset = value.strip().strip("\"'").lower()
    return mime.strip().lower(), charset
