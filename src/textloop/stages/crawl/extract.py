"""From a fetched body to the text worth labeling, its title, and (optionally) its links.

HTML goes through trafilatura, which keeps the main content and drops navigation,
footers and other boilerplate. Pages it finds nothing in (very short or unusual layouts)
fall back to trafilatura's baseline extractor, which keeps all visible paragraph text.
Plain text is taken as it is. Decoding uses the charset from the HTTP header, then a
``<meta charset>`` declaration, then UTF-8 with replacement characters, so an odd byte never
fails a page.
"""

from __future__ import annotations

import codecs
import contextlib
import re
from dataclasses import dataclass, field

import httpx
import lxml.html
from lxml.etree import ParserError

from textloop.stages.crawl.options import HTML_TYPES
from textloop.stages.crawl.skips import PageSkipped
from textloop.stages.crawl.urls import parse_url

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.I)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")


@dataclass(frozen=True)
class Extracted:
    text: str
    title: str | None = None
    links: list[str] = field(default_factory=list)


def extract(body: bytes, content_type: str, charset: str | None, url: str,
            want_links: bool = False) -> Extracted:
    """Main text (and title, links) of a page; ``text`` is empty when there is none."""
    if content_type not in HTML_TYPES:
        return Extracted(decode(body, charset).strip())
    html = _XML_DECLARATION.sub("", decode(body, charset or _meta_charset(body)))
    try:
        tree = lxml.html.document_fromstring(html)
    except (ParserError, ValueError):
        return Extracted("")
    title = (tree.findtext(".//title") or "").strip() or None
    links = _links(tree, url) if want_links else []
    return Extracted(_main_text(html, url), title, links)


def decode(body: bytes, charset: str | None) -> str:
    """``body`` as text: the declared charset if Python knows it, else UTF-8; never fails."""
    encoding = "utf-8"
    if charset:
        with contextlib.suppress(LookupError):
            encoding = codecs.lookup(charset).name
    return body.decode(encoding, errors="replace")


def _meta_charset(body: bytes) -> str | None:
    match = _META_CHARSET.search(body[:4096])
    return match.group(1).decode("ascii") if match else None


def _main_text(html: str, url: str) -> str:
    import trafilatura  # imported here: it takes a while to load and only crawling needs it

    text = trafilatura.extract(html, url=url, include_comments=False, include_tables=True)
    if not text or not text.strip():
        text = trafilatura.baseline(html)[1]
    return _tidy(text or "")


def _tidy(text: str) -> str:
    """Collapse runs of blank lines and trailing spaces left over from the markup."""
    lines = [line.rstrip() for line in text.strip().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines))


def _links(tree: lxml.html.HtmlElement, url: str) -> list[str]:
    """Absolute http(s) links of the page, without fragments, in document order."""
    base = httpx.URL(url)
    found: dict[str, None] = {}
    for href in tree.xpath("//a/@href"):
        try:
            found.setdefault(str(parse_url(str(href), base=base)), None)
        except PageSkipped:
            continue
    return list(found)
