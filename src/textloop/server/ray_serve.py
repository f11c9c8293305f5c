"""``textloop serve --ray``: the same server app as replicas of a Ray Serve deployment.

Each replica builds the very app ``textloop serve`` runs (``run.app_from_spec``, as a
``--workers`` process does): the same routes, keys, limits, host checks, model watcher and
prediction log, on its own store connection. So every replica follows the alias on its own
(``serving.poll_seconds``) and writes the predictions it answers itself; the store is the one
place they meet (SQLite with several writer processes on one machine, PostgreSQL across
machines). The replicas share a folder, as ``--workers`` processes do: each key's rate-limit
bucket lives there (a key gets its documented rate across all replicas, not per replica), and
so do the Prometheus metric files that ``/metrics`` sums, whichever replica answers the scrape.
The folder is made in the project's store folder, which every replica must reach anyway (the
model bundles are there).

Ray's HTTP proxy listens on ``serving.host`` (127.0.0.1 by default: this machine only). On
loopback one proxy runs, on the head node; on any other address every node runs one. Ray is
imported only here (and in the ray executor, whose ``import_ray`` names the pip command when
the extra is missing).
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import logging
import shutil
import tempfile
import threading
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import FastAPI

from textloop.config import Project
from textloop.errors import MissingExtraError
from textloop.executors.ray import connect, import_ray
from textloop.hosts import LOOPBACK_NAMES
from textloop.server.run import GRACE_SECONDS, app_from_spec, worker_spec
from textloop.server.settings import ServerConfig
from textloop.server.state import ServerState

log = logging.getLogger(__name__)

WARM_SECONDS = 600.0
"""How long a replica's startup waits for its model before it takes traffic anyway (and
answers 503 until the model is there, as ``textloop serve`` does)."""
APP_NAME = "textloop"
"""The Ray Serve application (and deployment) name; one project's server per cluster."""
SHARED_PREFIX = "serve-ray-"
LOCAL_OBJECT_STORE_BYTES = 100 * 2**20
"""A local runtime started for serving gets a small object store: requests and answers are
small and pass between the proxy and the replicas inline (Ray would take 30% of memory)."""


@dataclass
class RayDeployment:
    """A running deployment: ``url`` answers like ``textloop serve``. ``close`` removes it
    (each replica drains its batcher and writes its prediction log first), and stops Serve
    and Ray when they were started for it; on a joined cluster both keep running."""

    url: str
    name: str
    shared: Path
    started_ray: bool
    started_serve: bool
    _ray: Any

    def close(self) -> None:
        from ray import serve

        try:
            if self._ray.is_initialized():
                if self.started_ray or self.started_serve:
                    serve.shutdown()  # its proxy too: nothing of this server is left behind
                else:
                    serve.delete(self.name)
        finally:
            if self.started_ray and self._ray.is_initialized():
                self._ray.shutdown()
            shutil.rmtree(self.shared, ignore_errors=True)

    def __enter__(self) -> RayDeployment:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def deploy(project: Project, config: ServerConfig, *, address: str | None = None,
           name: str = APP_NAME) -> RayDeployment:
    """Deploy the server app on Ray Serve and return once every replica has started (each
    then loads its model; ``/readyz`` answers 200 once the replica asked is warm).

    ``address``: the Ray cluster to join (``auto``, ``HOST:PORT``); None starts a local Ray
    runtime on loopback for this server. ``serving.port`` must be a real port (the CLI
    picks a free one for 0).
    """
    serving = config.serving
    ray = import_ray(loopback=not address, purpose="textloop serve --ray")
    try:
        serve = importlib.import_module("ray.serve")
    except ImportError as exc:  # Ray without Serve: `pip install ray` rather than ray[serve]
        raise MissingExtraError("ray[serve]", "ray", "textloop serve --ray") from exc

    started_ray = connect(ray, address, object_store_bytes=LOCAL_OBJECT_STORE_BYTES,
                          hint="check --address, execution.address or RAY_ADDRESS")
    started_serve = not _serve_running(ray)
    shared = Path(tempfile.mkdtemp(prefix=SHARED_PREFIX, dir=project.store_dir))
    (shared / "metrics").mkdir()
    (shared / "rate-limits").mkdir()
    quiet = logging.getLogger("ray.serve")
    level = quiet.level
    quiet.setLevel(logging.WARNING)  # Ray names the address too; the caller prints it once
    try:
        serve.start(proxy_location="HeadOnly" if serving.host in LOOPBACK_NAMES else "EveryNode",
                    http_options={"host": serving.host, "port": serving.port})
        options = serving.ray
        scaling: dict[str, Any] = (
            {"autoscaling_config": {"min_replicas": options.min_replicas,
                                    "max_replicas": options.max_replicas,
                                    "target_ongoing_requests": serving.max_batch}}
            if options.autoscaling else {"num_replicas": options.replicas or 1})
        deployment: Any = serve.deployment(
            _replica_class(serve), name=name, max_ongoing_requests=options.max_ongoing_requests,
            graceful_shutdown_timeout_s=GRACE_SECONDS,
            ray_actor_options={"num_cpus": options.num_cpus, "runtime_env": {"env_vars": {
                # read when prometheus_client is imported: it must be set as the process starts
                "PROMETHEUS_MULTIPROC_DIR": str(shared / "metrics")}}},
            **scaling)
        spec = worker_spec(project, config, shared / "rate-limits")
        serve.run(deployment.bind(spec), name=name, route_prefix="/", blocking=False)
    except BaseException:
        RayDeployment("", name, shared, started_ray, started_serve, ray).close()
        raise
    finally:
        quiet.setLevel(level)
    return RayDeployment(_url(serving.host, serving.port), name, shared, started_ray,
                         started_serve, ray)


def serve_forever(deployment: RayDeployment) -> None:
    """Block until Ctrl+C or SIGTERM, then remove the deployment."""
    import signal

    stop = threading.Event()
    previous = signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        with contextlib.suppress(KeyboardInterrupt):
            while not stop.wait(1.0):
                pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        deployment.close()


def _serve_running(ray: Any) -> bool:
    """Whether Ray Serve already runs on the cluster (its actors live in the ``serve``
    namespace): then it was started by someone else, and stays when this server stops."""
    return any(actor.get("namespace") == "serve"
               for actor in ray.util.list_named_actors(all_namespaces=True))


def _replica_class(serve: Any) -> type:
    """The deployment's class, made once Ray is imported (``serve.ingress`` needs it): its
    app is built inside each replica, from plain settings, never pickled."""

    @serve.ingress()
    class TextloopReplica:
        def __init__(self, spec: dict[str, Any]) -> None:
            self.spec = spec
            if spec["serving"]["host"] in LOOPBACK_NAMES:
                _internal_port_on_loopback()

        def __serve_build_asgi_app__(self) -> FastAPI:
            return warm_before_ready(app_from_spec(self.spec))

    return TextloopReplica


def warm_before_ready(app: FastAPI, timeout: float = WARM_SECONDS) -> FastAPI:
    """``app``, whose startup returns only once its model is warm (or its first load has
    failed, or ``timeout`` passed).

    Ray Serve sends traffic to a replica as soon as its startup returns, and a replica's
    own ``/readyz`` is never asked: without this, a replica still loading (at deploy, or one
    added by autoscaling) would answer its share of the requests with 503.
    """
    serve_lifespan = app.router.lifespan_context

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with serve_lifespan(app):
            state: ServerState = app.state.serving
            loading = state.not_ready  # the watcher changes it when its first round fails
            deadline = time.monotonic() + timeout
            while (state.current is None and state.not_ready == loading
                   and time.monotonic() < deadline):
                await asyncio.sleep(0.05)
            yield

    app.router.lifespan_context = lifespan
    return app


def _internal_port_on_loopback() -> None:
    """Bind this replica's inter-deployment gRPC server to 127.0.0.1.

    Ray Serve 2.x opens it on every interface (``[::]:0``, not configurable), though this
    server never calls one deployment from another: a server meant for this machine only
    would otherwise listen on the network. Called in the replica before Ray starts that
    server; a Ray without the hook is left as it is, with a warning.
    """
    from ray.serve._private import replica

    bind = getattr(replica, "add_port_to_grpc_server", None)
    if bind is None:
        log.warning("cannot keep Ray Serve's inter-deployment port on loopback in this Ray "
                    "version: it listens on every interface")
        return
    if getattr(bind, "textloop_loopback", False):
        return

    def on_loopback(server: Any, address: str) -> Any:
        return bind(server, address.replace("[::]:", "127.0.0.1:", 1))

    on_loopback.textloop_loopback = True  # type: ignore[attr-defined]
    replica.add_port_to_grpc_server = on_loopback


def _url(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"
