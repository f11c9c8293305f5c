"""A project with a champion to serve, and helpers to wait for a server without sleeping
blindly (every wait is bounded and fails with the last answer it saw)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from fastapi.testclient import TestClient

from tests.unit.stages.pipeline_fixtures import released
from tests.unit.stages.registry_fixtures import no_timing, registered
from textloop.config import Actions, Project, PromotionSettings
from textloop.server.app import create_app
from textloop.server.run import uvicorn_config
from textloop.server.settings import ServerConfig
from textloop.stages.versions.promotion import promote
from textloop.storage import Store
from textloop.web.serve import bind

SPAM = "win free cash prize claim now urgent"
HAM = "see you at home for dinner later"


def lenient(project: Project) -> None:
    project.spec.promotion = PromotionSettings(min_uplift=-1.0, max_slice_drop=None,
                                               max_ece=1.0, max_latency_ms=None)


def with_champion(store: Store, project: Project, tmp_path: Path, c: float = 4.0) -> int:
    """Release the spam/ham data, train, register and promote a tfidf-lr model."""
    project.spec.actions = Actions.for_filter(["spam"])
    released(store, project, tmp_path)
    lenient(project)
    version = registered(store, project, c=c)
    promote(store, project, str(version), actor="ana", measure=no_timing)
    return version


def add_version(store: Store, project: Project, c: float) -> int:
    """Train and register another version (the challenger); not promoted."""
    lenient(project)
    return registered(store, project, c=c)


def promote_to(store: Store, project: Project, version: int) -> None:
    promote(store, project, str(version), actor="ana", measure=no_timing, force=True,
            reason="test")


def wait_until(check: Callable[[], Any], what: str, timeout: float = 60.0) -> Any:
    """Call ``check`` until it returns something truthy; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = check()
        if last:
            return last
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what} (last: {last!r})")


LOOPBACK_URL = "http://127.0.0.1:8000"
"""Where the test client says it calls: a loopback server without keys refuses other hosts."""


def client_for(project: Project, store: Store, **options: Any) -> TestClient:
    """A TestClient over the app (enter it with ``with``); options override ``serving:``."""
    config = ServerConfig.for_project(project, **{"poll_seconds": 0.1, **options})
    return TestClient(create_app(project, store, config), base_url=LOOPBACK_URL,
                      raise_server_exceptions=False)


def wait_ready(client: TestClient) -> dict[str, Any]:
    return wait_until(lambda: client.get("/readyz").status_code == 200 and
                      client.get("/readyz").json(), "the server to be ready")


@contextmanager
def live_server(project: Project, store: Store, **options: Any) -> Iterator[str]:
    """A real uvicorn server on a free loopback port, in a thread; stopped gracefully (the
    lifespan shutdown drains the batcher and flushes the prediction log) on exit."""
    config = ServerConfig.for_project(project, **{"poll_seconds": 0.1, **options})
    sock = bind("127.0.0.1", 0)
    server = uvicorn.Server(uvicorn_config(create_app(project, store, config)))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    try:
        wait_until(lambda: server.started, "uvicorn to start")
        wait_until(lambda: httpx.get(f"{url}/readyz").status_code == 200, "the model")
        yield url
    finally:
        server.should_exit = True
        thread.join(60)
        sock.close()
