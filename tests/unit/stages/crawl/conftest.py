"""Fixtures for crawler tests: a live local site and options that allow reaching it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.unit.stages.crawl.local_site import LocalSite
from textloop.stages.crawl import CrawlOptions


@pytest.fixture
def site() -> Iterator[LocalSite]:
    served = LocalSite().start()
    yield served
    served.stop()


@pytest.fixture
def local_options() -> CrawlOptions:
    """No delay (tests that measure gaps set their own) and the loopback server allowed."""
    return CrawlOptions(delay=0.0, allow_private=True, timeout=5.0)
