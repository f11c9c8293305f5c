"""Parsing and normalising URLs the way the crawl compares them."""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING

from textloop.stages.crawl.skips import PageSkipped, SkipKind

if TYPE_CHECKING:  # httpx loads when a URL is parsed: the CLI reads crawl defaults without it
    import httpx

DEFAULT_PORTS = {"http": 80, "https": 443}
SCHEMES = tuple(DEFAULT_PORTS)


def parse_url(text: str, base: httpx.URL | None = None) -> httpx.URL:
    """An absolute http(s) URL without fragment, or ``PageSkipped`` saying what is wrong."""
    import httpx

    try:
        url = base.join(text) if base is not None else httpx.URL(text.strip())
    except (httpx.InvalidURL, TypeError, ValueError) as exc:
        raise PageSkipped(f"not a valid URL ({exc})", SkipKind.INVALID_URL) from None
    if not url.scheme:
        raise PageSkipped("not an absolute URL (expected http://... or https://...)",
                          SkipKind.INVALID_URL)
    if url.scheme not in SCHEMES:
        raise PageSkipped(f"refused: {url.scheme}: URLs are not crawled (only http and https)",
                          SkipKind.SCHEME)
    if not url.host:
        raise PageSkipped("the URL has no host", SkipKind.INVALID_URL)
    return url.copy_with(fragment=None)


def robots_url(url: httpx.URL) -> httpx.URL:
    """Where the robots.txt governing ``url`` lives: its origin's ``/robots.txt`` (RFC 9309)."""
    return url.copy_with(path="/robots.txt", query=None, fragment=None, username=None,
                         password=None)


def port_of(url: httpx.URL) -> int:
    return url.port or DEFAULT_PORTS[url.scheme]


def host_port(host: str, port: int | None) -> str:
    """``host:port`` as a user would type it: IPv6 in brackets, no port when ``None``."""
    shown = f"[{host}]" if ":" in host else host
    return shown if port is None else f"{shown}:{port}"


def is_ip(host: str) -> bool:
    """Whether ``host`` is an IP address literal rather than a name to resolve."""
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True
