"""What a crawl may do: limits, politeness and reach, validated once up front.

The defaults are deliberately conservative (one request per second per host, 5 MB per page,
only the URLs given, public addresses only) so that running ``textloop crawl`` against
someone else's site without reading the options is still polite and safe. Reaching beyond
the public internet takes an explicit allowance per server (``allow_hosts``, host and port)
or for this machine (``allow_loopback``); see ``addresses`` for what can never be opened.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from textloop import __version__
from textloop.errors import InvalidInputError
from textloop.stages.crawl.addresses import AddressPolicy, HostAllowance

DEFAULT_CONTENT_TYPES = frozenset({"text/html", "application/xhtml+xml", "text/plain"})
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})


def user_agent() -> str:
    """The ``User-Agent`` sent with every request; robots.txt rules match its product token."""
    return f"textloop/{__version__}"


@dataclass(frozen=True)
class CrawlOptions:
    max_pages: int = 100
    max_bytes: int = 5_000_000
    max_redirects: int = 5
    timeout: float = 20.0
    delay: float = 1.0
    follow_links: bool = False
    max_depth: int = 1
    allow_hosts: tuple[str, ...] = ()  # "127.0.0.1:8712", "wiki.lan": servers the user trusts
    allow_loopback: bool = False
    content_types: frozenset[str] = field(default_factory=lambda: DEFAULT_CONTENT_TYPES)

    def __post_init__(self) -> None:
        object.__setattr__(self, "allow_hosts", tuple(self.allow_hosts))
        self.policy()  # a bad --allow-host is reported now, before anything is opened
        checks = [
            ("max_pages", self.max_pages >= 1, "at least 1"),
            ("max_bytes", self.max_bytes >= 1, "at least 1"),
            ("max_redirects", self.max_redirects >= 0, "0 or more"),
            ("timeout", self.timeout > 0, "more than 0 seconds"),
            ("delay", self.delay >= 0, "0 or more seconds"),
            ("max_depth", self.max_depth >= 0, "0 or more"),
        ]
        for name, ok, expected in checks:
            if not ok:
                flag = "--" + name.replace("_", "-")
                raise InvalidInputError(
                    f"{flag} is {getattr(self, name)} (expected {expected})",
                    hint=f"pass a valid {flag}, or leave it out for the default")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, saved in the import log so a crawl's settings can be looked up."""
        data = asdict(self)
        data["content_types"] = sorted(self.content_types)
        data["allow_hosts"] = list(self.allow_hosts)
        return data

    def policy(self) -> AddressPolicy:
        """The addresses this crawl may reach beyond the public internet."""
        return AddressPolicy(loopback=self.allow_loopback,
                             hosts=tuple(HostAllowance.parse(h) for h in self.allow_hosts))
