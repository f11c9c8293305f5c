"""Refusing a crawl outright when every starting URL would be refused anyway.

Per-URL refusals are normally reported in the result, but when *all* of them are refused
(typically: crawling a local test server without ``--allow-private``) the user most likely
needs a flag, and saying so as an error is kinder than an empty crawl. This runs before the
import log is opened and before any request is sent.
"""

from __future__ import annotations

from collections.abc import Sequence

from textloop.errors import InvalidInputError
from textloop.stages.crawl.addresses import AddressGuard
from textloop.stages.crawl.skips import REFUSAL_KINDS, PageSkipped, SkipKind
from textloop.stages.crawl.urls import parse_url, port_of

_SHOWN = 5


def refuse_if_all_refused(urls: Sequence[str], guard: AddressGuard) -> None:
    """Raise ``InvalidInputError`` when no URL in ``urls`` passes the scheme and address checks.

    A URL whose host does not resolve counts as passing here: that is a network problem,
    reported per URL by the crawl itself.
    """
    refused: list[tuple[str, PageSkipped]] = []
    for url in urls:
        try:
            parsed = parse_url(url)
            guard.addresses(parsed.host, port_of(parsed))
        except PageSkipped as problem:
            if problem.kind not in REFUSAL_KINDS:
                return
            refused.append((url, problem))
        else:
            return
    if not refused:
        return
    listed = "; ".join(f"{url}: {problem.reason}" for url, problem in refused[:_SHOWN])
    more = f" (and {len(refused) - _SHOWN} more)" if len(refused) > _SHOWN else ""
    private = any(problem.kind == SkipKind.PRIVATE for _, problem in refused)
    hint = ("pass --allow-private to crawl private, loopback or link-local addresses "
            "(only for hosts you trust)" if private else
            "give absolute http:// or https:// URLs")
    raise InvalidInputError(f"every URL was refused, nothing was fetched: {listed}{more}",
                            hint=hint)
