"""A released spam/ham project to publish: rows imported through the real importer, with
the license and redistribution terms ``textloop import`` records."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.unit.stages.publish.hub_server import HubServer, running_hub
from textloop.config import Project
from textloop.stages.ingest import ImportOptions, import_file
from textloop.storage import Store

Import = Callable[..., None]


def rows(n: int, prefix: str = "message") -> list[dict[str, Any]]:
    """``n`` distinct rows alternating spam/ham, long enough to shingle."""
    return [{"text": f"{prefix} number {i} about the weekly {'offer' if i % 2 else 'meeting'}"
                     f" and what follows {i * 7}", "label": "spam" if i % 2 else "ham"}
            for i in range(n)]


@pytest.fixture
def add(store: Store, project: Project, tmp_path: Path) -> Import:
    """``add(rows, license="CC-BY-4.0", redistribute=True)`` imports a JSONL file."""
    counter = iter(range(1000))

    def run(batch: list[dict[str, Any]], **terms: Any) -> None:
        path = tmp_path / f"part-{next(counter)}.jsonl"
        path.write_text("".join(json.dumps(r) + "\n" for r in batch), encoding="utf-8")
        import_file(store, project, path, ImportOptions(text_col="text", label_col="label",
                                                        **terms))

    return run


@pytest.fixture
def licensed(project: Project) -> Project:
    project.spec.release.license = "CC-BY-4.0"
    return project


@pytest.fixture
def hub(monkeypatch) -> Iterator[HubServer]:
    """A local Hub (``hub_server.py``) that the real client talks to."""
    hub_constants = pytest.importorskip("huggingface_hub.constants")
    with running_hub() as server:
        # the client's defaults point here too, so a call that forgot its endpoint fails
        # here instead of reaching huggingface.co; LFS, not Xet (see hub_server.py)
        monkeypatch.setattr(hub_constants, "ENDPOINT", server.url)
        monkeypatch.setattr(hub_constants, "HUGGINGFACE_CO_URL_TEMPLATE",
                            hub_constants.HUGGINGFACE_CO_URL_TEMPLATE.replace(
                                hub_constants._HF_DEFAULT_ENDPOINT, server.url))
        monkeypatch.setattr(hub_constants, "HF_HUB_DISABLE_XET", True)
        monkeypatch.setenv("HF_TOKEN", "hf_local_test_token")
        yield server
        assert {host for _, host, _ in server.requests} == {
            server.url.removeprefix("http://")}


