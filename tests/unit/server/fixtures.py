"""A project with a champion to serve, and helpers to wait for a server without sleeping
blindly (every wait is bounded and fails with the last answer it saw)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.unit.stages.pipeline_fixtures import released
from tests.unit.stages.registry_fixtures import no_timing, registered
from textloop.config import Actions, Project, PromotionSettings
from textloop.server.app import create_app
from textloop.server.run import uvicorn_config
from textloop.server.settings import ServerConfig
from textloop.stages.serving import ServedModel
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


class SlowModel:
    """The served model, taking ``seconds`` longer per batch and recording the texts of each
    batch it ran (what the micro-batcher asks of a model: ``predict``, ``version``,
    ``run_name``), so a test can fill the queue and see the order texts were served in."""

    def __init__(self, model: ServedModel, seconds: float) -> None:
        self.model = model
        self.seconds = seconds
        self.version = model.version
        self.run_name = model.run_name
        self.batches: list[list[str]] = []

    def predict(self, texts: Sequence[str]) -> list[Any]:
        time.sleep(self.seconds)
        self.batches.append(list(texts))
        return self.model.predict(texts)


def slowed(app: FastAPI, seconds: float) -> Callable[[], SlowModel]:
    """Make the app's micro-batcher run the served model ``seconds`` slower per batch;
    returns a function giving the slow model once the server has loaded one."""
    state = app.state.serving
    slow: dict[int | None, SlowModel] = {}

    def model() -> SlowModel:
        served = state.model()
        if served.version not in slow:
            slow[served.version] = SlowModel(served, seconds)
        return slow[served.version]

    state.batcher.model = model
    return model


@contextmanager
def live_server(project: Project, store: Store, *, on_app: Callable[[FastAPI], None] | None = None,
                **options: Any) -> Iterator[str]:
    """A real uvicorn server on a free loopback port, in a thread; stopped gracefully (the
    lifespan shutdown drains the batcher and flushes the prediction log) on exit. ``on_app``
    sees the app before it starts (to slow its model down, say)."""
    config = ServerConfig.for_project(project, **{"poll_seconds": 0.1, **options})
    sock = bind("127.0.0.1", 0)
    app = create_app(project, store, config)
    if on_app is not None:
        on_app(app)
    server = uvicorn.Server(uvicorn_config(app))
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
