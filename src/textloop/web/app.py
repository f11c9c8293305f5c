"""The labeling web app: one FastAPI application per project, rendered on the server.

``create_app`` wires the pieces: guards (body size, host, origin, security headers), error
handlers (one JSON shape for htmx/API calls, an HTML page otherwise), the static files
(vendored htmx and two small scripts) and one router per page. Handlers only parse the
request, call one function of ``textloop.stages`` and render a template.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from textloop.config import Project
from textloop.hosts import allowed_hosts
from textloop.storage import Store
from textloop.web import errors
from textloop.web.background import lifespan
from textloop.web.context import Refresher, WebContext
from textloop.web.guards import BodyLimit, RequestGuard, ResponseHeaders
from textloop.web.routes import ROUTERS
from textloop.web.session import SessionSigner
from textloop.web.settings import WebSettings

STATIC = Path(__file__).parent / "static"


def create_app(project: Project, store: Store, settings: WebSettings | None = None,
               refresher: Refresher | None = None) -> FastAPI:
    """The app for one project and open store; ``refresher`` replaces the default one."""
    settings = settings or WebSettings()
    app = FastAPI(title=f"textloop · {project.spec.name}", lifespan=lifespan,
                  docs_url=None, redoc_url=None, openapi_url=None)
    app.state.context = WebContext(project, store, settings,
                                   SessionSigner(settings.secret, settings.session_seconds),
                                   refresher)
    errors.install(app)
    for router in ROUTERS:
        app.include_router(router)
    # the palette and fonts the HTML reports inline, served from where they live (before the
    # /static mount, which would otherwise answer the path)
    app.mount("/static/theme", StaticFiles(packages=[("textloop.reports", "templates/theme")]),
              name="theme")
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes)
    app.add_middleware(RequestGuard, allowed_hosts=allowed_hosts(settings.host))
    app.add_middleware(ResponseHeaders)  # added last = outermost: headers on every answer
    return app
