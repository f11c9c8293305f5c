"""``textloop crawl``: fetch web pages and store their main text, unlabeled."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from textloop.cli.console import AsJson, RichProgress, console, esc, print_json
from textloop.cli.context import current_project, open_store
from textloop.cli.main import app
from textloop.errors import InvalidInputError
from textloop.stages.crawl import CrawlOptions

if TYPE_CHECKING:  # the crawler and its HTTP client load when the command runs
    from textloop.stages.crawl import CrawlResult

_DEFAULTS = CrawlOptions()
_MAX_ROWS_SHOWN = 50
_EPILOG = """Examples:\n
  textloop crawl https://example.com/blog/post-1 https://example.com/blog/post-2\n
  textloop crawl --sitemap https://example.com/sitemap.xml --max-pages 500\n
  textloop crawl https://example.com/docs/ --follow-links --max-depth 2 --delay 2\n
  textloop crawl http://127.0.0.1:8000/page --allow-host 127.0.0.1:8000"""


@app.command("crawl", epilog=_EPILOG)
def crawl_command(
    urls: Annotated[list[str] | None, typer.Argument(
        help="Pages to fetch (http or https).", show_default=False)] = None,
    sitemap: Annotated[str | None, typer.Option(
        help="Sitemap or sitemap index (XML or .xml.gz) listing the pages to fetch.")] = None,
    max_pages: Annotated[int, typer.Option(
        help="Most pages to request in this crawl.")] = _DEFAULTS.max_pages,
    max_bytes: Annotated[int, typer.Option(
        help="Largest page body in bytes; bigger pages are skipped.")] = _DEFAULTS.max_bytes,
    max_redirects: Annotated[int, typer.Option(
        help="Most redirects followed per page.")] = _DEFAULTS.max_redirects,
    timeout: Annotated[float, typer.Option(
        help="Seconds allowed to connect, per read, and for a whole body.")] = _DEFAULTS.timeout,
    delay: Annotated[float, typer.Option(
        help="Seconds between requests to the same host (robots.txt Crawl-delay when larger)."
    )] = _DEFAULTS.delay,
    follow_links: Annotated[bool, typer.Option(
        help="Also fetch links found on the pages (only on the hosts and ports named).")
    ] = False,
    max_depth: Annotated[int, typer.Option(
        help="With --follow-links: how many links away from a start URL to go.")
    ] = _DEFAULTS.max_depth,
    allow_host: Annotated[list[str] | None, typer.Option(
        help="Allow this loopback or private server, HOST or HOST:PORT (80/443 when no "
             "port); repeatable. Link-local and cloud metadata addresses are never allowed.",
        show_default=False)] = None,
    allow_loopback: Annotated[bool, typer.Option(
        help="Allow every server on this machine (127.0.0.0/8, ::1), on any port.")] = False,
    allow_private: Annotated[bool, typer.Option(hidden=True)] = False,
    as_json: AsJson = False,
) -> None:
    """Fetch pages, keep their main text, and store them unlabeled with the URL as provenance.

    robots.txt is honoured and each host gets at most one request per --delay seconds.
    Only public addresses are crawled unless a server is allowed with --allow-host.
    """
    from textloop.stages.crawl import crawl

    if allow_private:
        raise InvalidInputError(
            "--allow-private was removed: it opened every private network and loopback "
            "port at once",
            hint="name each server you trust, with its port: --allow-host 127.0.0.1:8712 "
                 "(repeatable), or pass --allow-loopback for every server on this machine")
    options = CrawlOptions(
        max_pages=max_pages, max_bytes=max_bytes, max_redirects=max_redirects, timeout=timeout,
        delay=delay, follow_links=follow_links, max_depth=max_depth,
        allow_hosts=tuple(allow_host or ()), allow_loopback=allow_loopback)
    project = current_project()
    with open_store(project) as store:
        result = crawl(store, urls or [], sitemap=sitemap, options=options,
                       progress=RichProgress())
    if as_json:
        print_json(result.to_dict())
        return
    print_crawl(result)


def print_crawl(result: CrawlResult) -> None:
    known = result.pages_fetched - result.records_new
    console.print(f"Crawled [bold]{esc(result.source)}[/]: "
                  f"{_count(result.pages_fetched, 'page')} stored, "
                  f"[bold]{_count(result.records_new, 'new record')}[/]"
                  f"{f' ({known:,} already in the store)' if known else ''}, "
                  f"{len(result.skipped):,} skipped, in {result.seconds:.1f}s", soft_wrap=True)
    if result.unvisited:
        console.print(f"  {_count(result.unvisited, 'more URL')} not visited (--max-pages)")
    if result.skipped:
        console.print(_skipped_table(result))


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def _skipped_table(result: CrawlResult) -> Table:
    table = Table(title="Skipped URLs", title_justify="left", show_lines=False)
    table.add_column("URL", overflow="fold")
    table.add_column("Reason", overflow="fold")
    for skipped in result.skipped[:_MAX_ROWS_SHOWN]:
        table.add_row(esc(skipped.url), esc(skipped.reason))
    hidden = len(result.skipped) - _MAX_ROWS_SHOWN
    if hidden > 0:
        table.caption = f"... and {hidden:,} more"
    return table
