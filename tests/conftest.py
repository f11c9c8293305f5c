"""Shared fixtures: temporary projects, stores, and the real datasets in ../shared/data."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from tests.pg_server import pg_server  # noqa: F401 (a shared fixture)
from tests.ray_cluster import ray_cluster  # noqa: F401 (a shared fixture)
from tests.token_vectors import token_vectors_memo  # noqa: F401 (a shared fixture)
from tests.unit.strategies.synth.chat_server import ChatServer, running_chat_server
from textloop.config import Label, Project
from textloop.registry import REGISTRY, Registry
from textloop.stages.project.init import init_project
from textloop.storage import Store

# Property tests check what comes out, not how fast: a per-example deadline only turns a
# busy machine (CI shares its cores) into a flaky failure.
settings.register_profile("textloop", deadline=None)
settings.load_profile("textloop")

# ../shared/data next to the checkout, or wherever $TEXTLOOP_TEST_DATA points
SHARED_DATA = Path(os.environ.get("TEXTLOOP_TEST_DATA")
                   or Path(__file__).resolve().parents[2] / "shared" / "data")


def shared_data(*parts: str) -> Path:
    """Path into ../shared/data; skips the test with a reason when the folder is absent."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"real data not available at {path} (../shared/data is absent)")
    return path


@pytest.fixture
def project(tmp_path: Path) -> Project:
    """A fresh project with labels spam/ham."""
    return init_project(tmp_path / "proj", labels=[Label(name="spam"), Label(name="ham")])


@pytest.fixture
def store(project: Project) -> Store:
    with Store.for_project(project) as opened:
        yield opened


@pytest.fixture
def scratch_registry(monkeypatch: pytest.MonkeyPatch) -> Registry:
    """The global registry, with whatever a test registers forgotten after it."""
    REGISTRY.names("model")  # declare the built-ins before taking the copy
    monkeypatch.setattr(REGISTRY, "_entries", dict(REGISTRY._entries))
    monkeypatch.setattr(REGISTRY, "_tags", dict(REGISTRY._tags))
    return REGISTRY


@pytest.fixture
def chat_server() -> Iterator[ChatServer]:
    """A scripted OpenAI-compatible chat server on 127.0.0.1 (``chat_server.py``)."""
    with running_chat_server() as server:
        yield server


@pytest.fixture
def span_store(tmp_path: Path):
    """A span project with Korean and English records and three span rules (a phone regex,
    a brand gazetteer, a rule conflicting with it): (project, store, text -> record id);
    see ``tests/unit/stages/rules/span_fixtures.py``."""
    from tests.unit.stages.rules.span_fixtures import RULES, opened_span_project

    with opened_span_project(tmp_path, *RULES) as opened:
        yield opened
