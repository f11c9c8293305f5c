"""Running the server: one process (the default), or several uvicorn worker processes.

One process is the default because the model is the bottleneck and micro-batching works
best when every request meets in one queue: the model thread already uses every core (ONNX
Runtime and BLAS run multi-threaded), a second process would hold a second copy of the model
and split the batches in half (see docs/serving.md for the measurements). ``--workers N``
starts N processes on the one bound socket; each loads the model, follows the alias and
writes the prediction log itself, and ``/metrics`` adds up all of them. Rate limits are
shared: every worker counts a key's requests in the same bucket (a file in the server's
temporary folder), so N workers still allow a key its documented rate.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import socket
import tempfile
from dataclasses import asdict
from pathlib import Path
from typing import Any

import uvicorn
from fastapi import FastAPI
from uvicorn.supervisors import Multiprocess

from textloop.config import Project, ServingSettings, find_project
from textloop.server.settings import ServerConfig
from textloop.stages.serving import ServeTarget
from textloop.storage import Store

CONFIG_ENV = "TEXTLOOP_SERVE_CONFIG"
GRACE_SECONDS = 30
"""How long a shutdown waits for requests in flight before closing their connections."""
HEALTHCHECK_SECONDS = 60
"""How long a worker may take to answer the supervisor's ping before it is killed. uvicorn's
5 s default kills workers whose model thread keeps the interpreter busy under full load,
dropping their connections."""


def serve(project: Project, config: ServerConfig, sock: socket.socket) -> None:
    """Serve until interrupted (Ctrl+C or SIGTERM), then drain and flush the log. The
    process is the server's own, so its heap is frozen once the model is in place
    (``ServerConfig.settle_heap``)."""
    config = dataclasses.replace(config, settle_heap=True)
    if config.serving.workers == 1:
        from textloop.server.app import create_app

        with Store.for_project(project) as store:
            app = create_app(project, store, config)
            uvicorn.Server(uvicorn_config(app)).run(sockets=[sock])
        return
    _serve_workers(project, config, sock)


def _serve_workers(project: Project, config: ServerConfig, sock: socket.socket) -> None:
    shared = Path(tempfile.mkdtemp(prefix="textloop-serve-"))  # this server's workers only
    (shared / "metrics").mkdir()
    (shared / "rate-limits").mkdir()
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(shared / "metrics")  # read by workers
    os.environ[CONFIG_ENV] = json.dumps(worker_spec(project, config, shared / "rate-limits"))
    try:
        uconfig = uvicorn_config(f"{__name__}:worker_app", workers=config.serving.workers)
        Multiprocess(uconfig, sockets=[sock]).run()
    finally:
        shutil.rmtree(shared, ignore_errors=True)


def worker_spec(project: Project, config: ServerConfig, rate_dir: Path) -> dict[str, Any]:
    """What a worker process (or a Ray Serve replica) needs to build the same app: plain
    JSON, since it crosses a process boundary."""
    return {"project": str(project.root), "target": asdict(config.target),
            "serving": config.serving.model_dump(), "rate_dir": str(rate_dir)}


def worker_app() -> FastAPI:
    """The app of one worker process, built from what the parent put in the environment."""
    return app_from_spec(json.loads(os.environ[CONFIG_ENV]))


def app_from_spec(spec: dict[str, Any]) -> FastAPI:
    """The app ``worker_spec`` describes, on its own store connection."""
    from textloop.server.app import create_app

    project = find_project(Path(spec["project"]))
    config = ServerConfig(ServeTarget(**spec["target"]), ServingSettings(**spec["serving"]),
                          rate_dir=Path(spec["rate_dir"]), settle_heap=True)
    return create_app(project, Store.for_project(project), config)


def uvicorn_config(app: FastAPI | str, workers: int = 1) -> uvicorn.Config:
    return uvicorn.Config(app, factory=isinstance(app, str), workers=workers,
                          log_level="warning", access_log=False, lifespan="on",
                          server_header=False, timeout_graceful_shutdown=GRACE_SECONDS,
                          timeout_worker_healthcheck=HEALTHCHECK_SECONDS)
