"""Refusing a crawl outright when every starting URL would be refused anyway.

Per-URL refusals are normally reported in the result, but when *all* of them are refused
(typically: crawling a local test server without ``--allow-host``) the user most likely
needs a flag, and saying so as an error (with the exact flag) is kinder than an empty
crawl. This runs before the import log is opened and before any request is sent.
"""

from __future__ import annotations

from collections.abc import Sequence

from textloop.errors import InvalidInputError
from textloop.stages.crawl.addresses import AddressGuard
from textloop.stages.crawl.skips import REFUSAL_KINDS, PageSkipped, SkipKind
from textloop.stages.crawl.urls import host_port, parse_url, port_of

_SHOWN = 5


def refuse_if_all_refused(urls: Sequence[str], guard: AddressGuard) -> None:
    """Raise ``InvalidInputError`` when no URL in ``urls`` passes the scheme and address checks.

    A URL whose host does not resolve counts as passing here: that is a network problem,
    reported per URL by the crawl itself.
    """
    refused: list[tuple[str, PageSkipped]] = []
    openable: list[str] = []  # host:port of each refused server an --allow-host would open
    for url in urls:
        try:
            parsed = parse_url(url)
            guard.addresses(parsed.host, port_of(parsed))
        except PageSkipped as problem:
            if problem.kind not in REFUSAL_KINDS:
                return
            refused.append((url, problem))
            if problem.kind == SkipKind.PRIVATE:
                openable.append(host_port(parsed.host, port_of(parsed)))
        else:
            return
    if not refused:
        return
    listed = "; ".join(f"{url}: {problem.reason}" for url, problem in refused[:_SHOWN])
    more = f" (and {len(refused) - _SHOWN} more)" if len(refused) > _SHOWN else ""
    raise InvalidInputError(f"every URL was refused, nothing was fetched: {listed}{more}",
                            hint=_hint(refused, openable))


def _hint(refused: list[tuple[str, PageSkipped]], openable: list[str]) -> str:
    if openable:
        flags = " ".join(f"--allow-host {server}" for server in dict.fromkeys(openable))
        return (f"pass {flags} for servers you trust (--allow-loopback opens every server "
                "on this machine)")
    if any(problem.kind == SkipKind.FORBIDDEN for _, problem in refused):
        return ("link-local, cloud metadata and multicast addresses are never crawled, "
                "whatever the options; crawl a public or explicitly allowed address")
    return "give absolute http:// or https:// URLs"
