"""Fixtures for the web app tests: a project with its store and app, closed afterwards."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.unit.web.webapp import SPAN_LABELS, Web, make_web


@pytest.fixture
def web(tmp_path: Path) -> Iterator[Web]:
    """A single-label project (spam/ham/other, metadata ``source``), no retraining."""
    made = make_web(tmp_path)
    yield made
    made.store.close()


@pytest.fixture
def multi_web(tmp_path: Path) -> Iterator[Web]:
    made = make_web(tmp_path, task="multilabel")
    yield made
    made.store.close()


@pytest.fixture
def overlap_web(tmp_path: Path) -> Iterator[Web]:
    """Every record routed to two annotators."""
    made = make_web(tmp_path, overlap=2)
    yield made
    made.store.close()


@pytest.fixture
def span_overlap_web(tmp_path: Path) -> Iterator[Web]:
    """A span project (PER, ORG, LOC; spans may not overlap), each record routed to two
    annotators."""
    made = make_web(tmp_path, task="spans", overlap=2, labels=SPAN_LABELS)
    yield made
    made.store.close()
