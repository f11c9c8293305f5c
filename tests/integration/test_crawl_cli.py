"""``textloop crawl`` end to end: a live local site, the real store, the real CLI."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from typer.testing import CliRunner

from tests.unit.stages.crawl.local_site import ARTICLE_PAGE, LocalSite
from tests.unit.stages.crawl.network import LoopbackOnly
from textloop.cli.main import app
from textloop.config import Project
from textloop.storage import Store, records

runner = CliRunner()


@pytest.fixture(autouse=True)
def network(monkeypatch: pytest.MonkeyPatch) -> Iterator[LoopbackOnly]:
    """These tests may reach loopback only; any other connection or lookup fails them."""
    guard = LoopbackOnly().install(monkeypatch)
    yield guard
    assert guard.outside == []


@pytest.fixture
def site() -> Iterator[LocalSite]:
    served = LocalSite().start()
    yield served
    served.stop()


def _crawl(project: Project, *args: str):
    return runner.invoke(app, ["--project", str(project.root), "crawl", *args])


def _allow(site: LocalSite) -> list[str]:
    return ["--allow-host", f"127.0.0.1:{site.port}", "--delay", "0"]


def test_crawl_stores_pages_and_lists_skipped_urls(project: Project, site: LocalSite) -> None:
    article = site.html("/article", ARTICLE_PAGE)
    image = site.file("/logo.png", b"\x89PNG", "image/png")

    result = _crawl(project, article, image, *_allow(site))

    assert result.exit_code == 0, result.output
    assert "1 page stored, 1 new record, 1 skipped" in result.output
    assert "Skipped URLs" in result.output
    assert "/logo.png" in result.output and "image/png" in result.output
    with Store.for_project(project) as store, store.read() as conn:
        stored = list(records.iter_all(conn))
    assert [(r.source_kind, r.source_ref) for r in stored] == [("crawl", article)]


def test_recrawl_reports_pages_already_stored(project: Project, site: LocalSite) -> None:
    article = site.html("/article", ARTICLE_PAGE)

    _crawl(project, article, *_allow(site))
    again = _crawl(project, article, *_allow(site))

    assert again.exit_code == 0, again.output
    assert "0 new records (1 already in the store)" in again.output


def test_sitemap_option(project: Project, site: LocalSite) -> None:
    page = site.html("/article", ARTICLE_PAGE)
    entry = f"<url><loc>{page}</loc></url>"
    sitemap = site.file("/sitemap.xml", f"<urlset>{entry}</urlset>".encode(), "text/xml")

    result = _crawl(project, "--sitemap", sitemap, *_allow(site))

    assert result.exit_code == 0, result.output
    assert "1 new record" in result.output
    assert "/article" in site.paths()


def test_loopback_address_without_an_allowance_is_an_error(project: Project,
                                                          site: LocalSite) -> None:
    article = site.html("/article", ARTICLE_PAGE)

    result = _crawl(project, article)

    assert result.exit_code == 2
    assert "Error: every URL was refused" in result.output
    assert f"Hint: pass --allow-host 127.0.0.1:{site.port}" in result.output
    assert site.hits == []


def test_allow_loopback_opens_servers_on_this_machine(project: Project,
                                                     site: LocalSite) -> None:
    article = site.html("/article", ARTICLE_PAGE)

    result = _crawl(project, article, "--allow-loopback", "--delay", "0")

    assert result.exit_code == 0, result.output
    assert "1 new record" in result.output


def test_allow_host_is_repeatable_and_checked(project: Project, site: LocalSite) -> None:
    article = site.html("/article", ARTICLE_PAGE)

    result = _crawl(project, article, "--allow-host", "wiki.test", *_allow(site))
    bad = _crawl(project, article, "--allow-host", "169.254.169.254", *_allow(site))

    assert result.exit_code == 0, result.output
    assert bad.exit_code == 2
    assert "--allow-host '169.254.169.254'" in bad.output and "never crawled" in bad.output
    assert site.paths().count("/article") == 1


def test_allow_private_is_refused_and_names_the_new_flags(project: Project,
                                                         site: LocalSite) -> None:
    article = site.html("/article", ARTICLE_PAGE)

    result = _crawl(project, article, "--allow-private")

    assert result.exit_code == 2
    assert "Error: --allow-private was removed" in result.output
    assert "--allow-host 127.0.0.1:8712" in result.output
    assert "--allow-loopback" in result.output
    assert site.hits == []


def test_invalid_limit_is_explained(project: Project) -> None:
    result = _crawl(project, "https://example.com/", "--max-pages", "0")

    assert result.exit_code == 2
    assert "--max-pages is 0 (expected at least 1)" in result.output


def test_help_shows_examples() -> None:
    result = runner.invoke(app, ["crawl", "--help"])

    assert result.exit_code == 0
    assert "textloop crawl --sitemap" in result.output
    assert "--allow-host" in result.output and "--allow-loopback" in result.output
    assert "--allow-private" not in result.output


def test_crawl_json_gives_the_counts_and_each_skipped_url(project: Project,
                                                          site: LocalSite) -> None:
    article = site.html("/article", ARTICLE_PAGE)
    image = site.file("/logo.png", b"\x89PNG", "image/png")
    result = _crawl(project, article, image, *_allow(site), "--json")
    assert result.exit_code == 0, result.output
    done = json.loads(result.stdout)
    assert done["pages_fetched"] == 1 and done["records_new"] == 1
    (skipped,) = done["skipped"]
    assert skipped["url"] == image and "image/png" in skipped["reason"]
    assert done["skip_counts"] == {skipped["kind"]: 1}
