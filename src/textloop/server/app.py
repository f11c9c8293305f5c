"""The inference server app: ``create_app(project, store, config)``.

Layers, outermost first: request metrics (every API answer is timed and counted, refusals
included), CORS only when ``serving.cors_origins`` lists origins, the host check, the
body-size limit, then the routes. Handlers answer errors in the one JSON shape. OpenAPI is
at ``/openapi.json``; no docs pages are served (they would load scripts from a CDN).

The host check (``textloop.hosts``): a server on loopback answers only requests addressed
to a loopback name, one elsewhere any name, unless ``serving.allowed_hosts`` lists the names.
A web page whose own name was re-pointed at 127.0.0.1 (DNS rebinding) could otherwise call
it, and read its answers, from a browser on this machine. Routes that need no key
(``/metrics``, ``/openapi.json``, the probes) are always checked; the ``/v1/`` routes are
left to the key once keys exist, unless ``allowed_hosts`` is set (then it holds for all).
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from textloop import __version__
from textloop.asgi import BodyLimit, HostGuard
from textloop.config import Project
from textloop.hosts import allowed_hosts
from textloop.server import errors
from textloop.server.metrics import RequestMetrics
from textloop.server.routes import router
from textloop.server.settings import ServerConfig
from textloop.server.state import ServerState, lifespan
from textloop.storage import Store

KEYED_PREFIX = "/v1/"
"""Routes that demand a key once the server has keys; every other route needs none."""


class ApiBodyLimit(BodyLimit):
    hint = "send fewer or shorter texts per request"


def create_app(project: Project, store: Store, config: ServerConfig) -> FastAPI:
    """The server for one project, open store and target; the model loads on startup."""
    app = FastAPI(title=f"textloop · {project.spec.name}", version=__version__,
                  lifespan=lifespan, docs_url=None, redoc_url=None)
    state = ServerState(project, store, config)
    app.state.serving = state
    errors.install(app)
    app.include_router(router)
    app.add_middleware(ApiBodyLimit, limit=config.serving.max_body_bytes)
    serving = config.serving
    app.add_middleware(HostGuard, allowed_hosts=allowed_hosts(serving.host, serving.allowed_hosts),
                       hint="call the server by the address `textloop serve` printed, or list "
                            "the name in serving.allowed_hosts",
                       checks=lambda scope: bool(serving.allowed_hosts) or not (
                           scope["path"].startswith(KEYED_PREFIX) and state.keys.required))
    if config.serving.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=config.serving.cors_origins,
                           allow_methods=["GET", "POST"],
                           allow_headers=["Authorization", "Content-Type", "X-API-Key"],
                           expose_headers=["X-Request-ID", "Retry-After"])
    app.add_middleware(RequestMetrics, metrics=state.metrics)
    return app
