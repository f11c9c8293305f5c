"""Collecting text from the web: ``crawl`` fetches pages politely and safely, stores their text.

Modules, from the outside in: ``crawler`` (the loop and batched writes), ``scope`` (links
and sitemap entries stay on the hosts named), ``sitemap``, ``robots``, ``fetcher``
(redirects, limits), ``transport`` (connects only to checked addresses), ``addresses``
(which addresses may be reached, and the allowances that open them), ``throttle``
(per-host delay), ``extract`` (main text, title, links).

The front is lazy (``textloop.lazy``): the CLI reads the option defaults from ``options``
without loading the crawler and its HTTP client.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textloop.lazy import lazy_front

if TYPE_CHECKING:  # re-exported names, for type checkers
    from textloop.stages.crawl.crawler import crawl as crawl
    from textloop.stages.crawl.options import CrawlOptions as CrawlOptions
    from textloop.stages.crawl.result import CrawlResult as CrawlResult
    from textloop.stages.crawl.skips import SkipKind as SkipKind
    from textloop.stages.crawl.skips import SkippedUrl as SkippedUrl

__all__, __getattr__ = lazy_front(__name__, {
    "crawler": ("crawl",),
    "options": ("CrawlOptions",),
    "result": ("CrawlResult",),
    "skips": ("SkipKind", "SkippedUrl"),
})
