"""The server's running parts: the heap is frozen once a model is in place (in the server's
own process), so a full garbage collection no longer walks the model and pauses every
request in flight."""

from __future__ import annotations

import dataclasses
import gc
import time

from fastapi.testclient import TestClient

from tests.unit.server.fixtures import (
    LOOPBACK_URL,
    add_version,
    promote_to,
    wait_ready,
    wait_until,
)
from textloop.server.app import create_app
from textloop.server.settings import ServerConfig


def test_a_loaded_model_is_frozen_out_of_garbage_collection_and_a_reload_refreezes(
        served) -> None:
    project, store = served
    assert gc.get_freeze_count() == 0
    config = dataclasses.replace(ServerConfig.for_project(project, poll_seconds=0.1),
                                 settle_heap=True)
    try:
        with TestClient(create_app(project, store, config), base_url=LOOPBACK_URL) as client:
            wait_ready(client)
            frozen = gc.get_freeze_count()
            assert frozen > 10_000  # the model, the modules, the app
            started = time.perf_counter()
            gc.collect()  # what a full collection walks now: the few objects made since
            assert time.perf_counter() - started < 0.5
            promote_to(store, project, add_version(store, project, c=1.0))
            wait_until(lambda: wait_ready(client)["model_version"] == 2, "the new champion")
            # the heap is unfrozen (0 for a moment), collected and frozen again
            wait_until(lambda: gc.get_freeze_count() not in (0, frozen), "a refrozen heap")
            assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()


def test_an_app_built_inside_another_program_leaves_its_heap_alone(served) -> None:
    project, store = served
    config = ServerConfig.for_project(project, poll_seconds=0.1)
    assert not config.settle_heap
    with TestClient(create_app(project, store, config), base_url=LOOPBACK_URL) as client:
        wait_ready(client)
        assert gc.get_freeze_count() == 0
