from __future__ import annotations

from tests.unit.stages.crawl.local_site import ARTICLE_PAGE
from textloop.stages.crawl.extract import decode, extract

URL = "https://news.example/science/foxes"


def test_article_text_is_kept_and_boilerplate_dropped() -> None:
    page = extract(ARTICLE_PAGE.encode(), "text/html", "utf-8", URL)

    assert "learned to hunt beneath deep snow" in page.text
    assert "magnetic field of the earth" in page.text
    for boilerplate in ("Shop our catalogue", "Contact sales", "subscribe newsletter",
                        "All rights reserved"):
        assert boilerplate not in page.text
    assert page.title == "Foxes of the northern forest"


def test_layout_without_main_content_falls_back_to_all_paragraph_text() -> None:
    html = ('<html><body><div id="comments"><p>Comment text that is long enough here</p>'
            "</div></body></html>")

    page = extract(html.encode(), "text/html", None, URL)

    assert page.text == "Comment text that is long enough here"


def test_page_without_text_gives_empty_text() -> None:
    for body in (b"", b"<html><head><title>Only a title</title></head><body></body></html>"):
        assert extract(body, "text/html", None, URL).text == ""


def test_plain_text_is_taken_as_is_with_the_header_charset() -> None:
    page = extract("Caf\u00e9 cr\u00e8me\n".encode("latin-1"), "text/plain", "iso-8859-1", URL)

    assert page.text == "Caf\u00e9 cr\u00e8me"
    assert page.title is None


def test_html_charset_from_meta_when_the_header_has_none() -> None:
    html = ('<html><head><meta charset="windows-1252"><title>Na\u00efve</title></head>'
            "<body><p>Fa\u00e7ade renovation finished this spring.</p></body></html>")

    page = extract(html.encode("cp1252"), "text/html", None, URL)

    assert page.title == "Na\u00efve"
    assert "Fa\u00e7ade" in page.text


def test_xhtml_with_an_xml_declaration_is_parsed() -> None:
    xhtml = ('<?xml version="1.0" encoding="utf-8"?><html xmlns="http://www.w3.org/1999/xhtml">'
             "<head><title>X</title></head><body><p>Strict markup still has text.</p></body>"
             "</html>")

    page = extract(xhtml.encode(), "application/xhtml+xml", "utf-8", URL)

    assert page.title == "X" and "Strict markup still has text." in page.text


def test_unknown_or_wrong_charset_never_fails() -> None:
    assert decode(b"caf\xc3\xa9", "no-such-charset") == "caf\u00e9"
    assert decode(b"caf\xe9", None) == "caf\ufffd"


def test_links_are_absolute_without_fragments_and_only_http() -> None:
    html = ('<html><body><p>Links below.</p><a href="/a#top">a</a> <a href="b?x=1">b</a>'
            '<a href="mailto:me@example.com">mail</a><a href="https://other.example/c">c</a>'
            '<a href="/a">again</a></body></html>')

    page = extract(html.encode(), "text/html", "utf-8", URL, want_links=True)

    assert page.links == ["https://news.example/a", "https://news.example/science/b?x=1",
                          "https://other.example/c"]


def test_links_are_not_collected_unless_wanted() -> None:
    html = b'<html><body><p>Text.</p><a href="/a">a</a></body></html>'

    assert extract(html, "text/html", "utf-8", URL).links == []
