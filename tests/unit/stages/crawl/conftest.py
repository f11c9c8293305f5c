"""Fixtures for crawler tests: a live local site, options that allow reaching it, and a
socket layer that refuses (and records) anything but loopback for every test here."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.unit.stages.crawl.local_site import LocalSite
from tests.unit.stages.crawl.network import LoopbackOnly
from textloop.stages.crawl import CrawlOptions


@pytest.fixture(autouse=True)
def network(monkeypatch: pytest.MonkeyPatch) -> Iterator[LoopbackOnly]:
    """Every crawler test may reach loopback only; anything else fails it."""
    guard = LoopbackOnly().install(monkeypatch)
    yield guard
    assert guard.outside == [], "a crawler test tried to reach beyond loopback"


@pytest.fixture
def site() -> Iterator[LocalSite]:
    served = LocalSite().start()
    yield served
    served.stop()


@pytest.fixture
def other_site() -> Iterator[LocalSite]:
    """A second loopback server: another port of the same host, never to be reached."""
    served = LocalSite().start()
    yield served
    served.stop()


@pytest.fixture
def local_options() -> CrawlOptions:
    """No delay (tests that measure gaps set their own) and loopback servers allowed."""
    return CrawlOptions(delay=0.0, allow_loopback=True, timeout=5.0)
