"""Why a URL was not stored: one exception inside the crawl, one record in its result.

A single bad page must never end a crawl, so every per-URL problem (refused address,
robots.txt, size, type, HTTP status, network) is raised as ``PageSkipped`` and caught by
the crawl loop, which records it and moves on.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class SkipKind(StrEnum):
    INVALID_URL = "invalid_url"
    SCHEME = "scheme"
    PRIVATE = "private"  # loopback or private: an --allow-host (or --allow-loopback) opens it
    FORBIDDEN = "forbidden"  # link-local, cloud metadata, multicast...: nothing opens it
    OUT_OF_SCOPE = "out_of_scope"  # a sitemap entry on a host the user did not name
    DNS = "dns"
    NETWORK = "network"
    ROBOTS = "robots"
    REDIRECTS = "redirects"
    HTTP_STATUS = "http_status"
    CONTENT_TYPE = "content_type"
    TOO_LARGE = "too_large"
    NO_TEXT = "no_text"
    SITEMAP = "sitemap"


# Refusals decided before any request is sent: the URL itself is unacceptable.
REFUSAL_KINDS = frozenset({SkipKind.INVALID_URL, SkipKind.SCHEME, SkipKind.PRIVATE,
                           SkipKind.FORBIDDEN})


class PageSkipped(Exception):
    """A URL cannot be stored; ``reason`` is shown to the user as is."""

    def __init__(self, reason: str, kind: SkipKind) -> None:
        super().__init__(reason)
        self.reason = reason
        self.kind = kind


@dataclass(frozen=True)
class SkippedUrl:
    url: str
    reason: str
    kind: SkipKind
