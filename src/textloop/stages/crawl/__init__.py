"""Collecting text from the web: ``crawl`` fetches pages politely and safely, stores their text.

Modules, from the outside in: ``crawler`` (the loop and batched writes), ``scope`` (links
and sitemap entries stay on the hosts named), ``sitemap``, ``robots``, ``fetcher``
(redirects, limits), ``transport`` (connects only to checked addresses), ``addresses``
(which addresses may be reached, and the allowances that open them), ``throttle``
(per-host delay), ``extract`` (main text, title, links).
"""

from textloop.stages.crawl.crawler import crawl
from textloop.stages.crawl.options import CrawlOptions
from textloop.stages.crawl.result import CrawlResult
from textloop.stages.crawl.skips import SkipKind, SkippedUrl

__all__ = ["CrawlOptions", "CrawlResult", "SkipKind", "SkippedUrl", "crawl"]
