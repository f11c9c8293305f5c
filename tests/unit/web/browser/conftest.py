"""Real-browser fixtures: the system Chromium driven by Playwright, the app served by uvicorn.

No browser is ever downloaded: ``$TEXTLOOP_CHROMIUM``, ``/usr/bin/chromium`` or ``chromium``
on the PATH is used, and the tests are skipped (with how to get one) when none is found.
One browser per module; each test gets its own project, server and browser contexts.
"""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.unit.web.webapp import SPAN_LABELS, Web, make_web
from textloop.web.serve import base_url, bind, login_link

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
HOW_TO_GET_ONE = ("install Chromium from the system's packages (apt-get install chromium) or "
                  "point $TEXTLOOP_CHROMIUM at a Chromium/Chrome binary")


def chromium_path() -> str | None:
    for candidate in (os.environ.get("TEXTLOOP_CHROMIUM"), "/usr/bin/chromium",
                      shutil.which("chromium"), shutil.which("chromium-browser"),
                      shutil.which("google-chrome")):
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One headless Chromium for the whole module."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("playwright is not installed: pip install -e '.[dev]'")
    path = chromium_path()
    if path is None:
        pytest.skip(f"no Chromium found: {HOW_TO_GET_ONE}")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=path, headless=True,
                                              args=CHROMIUM_ARGS)
        yield launched
        launched.close()


class LiveServer:
    """The app served by uvicorn in a thread, on a free loopback port."""

    def __init__(self, web: Web) -> None:
        import uvicorn

        self.web = web
        sock = bind("127.0.0.1", 0)
        self.url = base_url("127.0.0.1", sock.getsockname()[1])
        config = uvicorn.Config(web.app, log_level="warning", access_log=False, lifespan="on")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [sock]},
                                       daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the test server did not start")
            time.sleep(0.01)
        self._sock = sock

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self._sock.close()


@dataclass
class Live:
    """A project (``web``) served at ``url``, and the browser to visit it with."""

    web: Web
    url: str
    browser: Browser

    def sign_in(self, name: str, role: str = "annotator",
                context: BrowserContext | None = None) -> Page:
        """A new browser context signed in through the login link; the page is on /label."""
        from playwright.sync_api import expect

        token = self.web.tokens.get(name) or self.web.add(name, role)
        page = (context or self.new_context()).new_page()
        page.goto(login_link(self.url, name, token))
        page.wait_for_url(f"{self.url}/label")
        expect(page.locator(".who")).to_contain_text(name)
        return page

    def new_context(self, **kwargs: Any) -> BrowserContext:
        context = self.browser.new_context(**kwargs)
        context.set_default_timeout(10_000)
        return context


def serve(tmp_path: Path, browser: Browser, **options: Any) -> Iterator[Live]:
    web = make_web(tmp_path, **options)
    server = LiveServer(web)
    try:
        yield Live(web, server.url, browser)
    finally:
        server.stop()
        web.store.close()


@pytest.fixture
def live(tmp_path: Path, browser: Browser) -> Iterator[Live]:
    yield from serve(tmp_path, browser)


@pytest.fixture
def live_multi(tmp_path: Path, browser: Browser) -> Iterator[Live]:
    yield from serve(tmp_path, browser, task="multilabel")


@pytest.fixture
def live_overlap(tmp_path: Path, browser: Browser) -> Iterator[Live]:
    yield from serve(tmp_path, browser, overlap=2)


@pytest.fixture
def live_spans(tmp_path: Path, browser: Browser) -> Iterator[Live]:
    """A span project (PER, ORG, LOC; no overlaps), each record routed to two annotators."""
    yield from serve(tmp_path, browser, task="spans", overlap=2, labels=SPAN_LABELS)
