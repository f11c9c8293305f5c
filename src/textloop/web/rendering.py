"""Templates for the web app: Jinja2 with autoescaping on for every template.

User text (records, metadata, comments, label descriptions, names) is only ever inserted
as an escaped value; values for scripts travel in ``data-`` attributes, never inline code.
"""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, StrictUndefined

from textloop.reports.templating import MISSING, number, percent
from textloop.spans import decode_spans
from textloop.stages.agreement import strength
from textloop.stages.label import decode_labels


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(loader=PackageLoader("textloop.web", "templates"), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["num"] = number
    env.filters["pct"] = percent
    env.filters["labels"] = stored_labels
    env.filters["spans"] = decode_spans
    env.filters["show"] = shown
    env.filters["strength"] = strength
    env.filters["as_image"] = svg_image
    env.filters["when"] = when
    env.filters["query"] = query_string
    return env


def query_string(values: dict[str, Any]) -> str:
    """``values`` as a URL query string, leaving out the ones that are None (a page's
    filter in links and form actions)."""
    return urlencode({key: value for key, value in values.items() if value is not None})


def render(request: Request, template: str, status_code: int = 200,
           headers: dict[str, str] | None = None, **values: Any) -> HTMLResponse:
    """Render a page or partial; every template sees the project, user and CSRF token."""
    context = request.app.state.context
    session = getattr(request.state, "session", None)
    html = environment().get_template(template).render(
        project=context.project.spec, csrf=session.csrf if session else "",
        user=getattr(request.state, "user", None), **values)
    return HTMLResponse(html, status_code=status_code, headers=headers)


stored_labels = decode_labels
"""An answer as stored (a label, or a JSON list for multi-label tasks) as a list."""


def wants_json(request: Request) -> bool:
    """htmx and API calls get JSON errors; page loads get an HTML page."""
    return request.url.path.startswith("/api/") or "hx-request" in request.headers


def shown(value: Any) -> str:
    """A metadata value as text: strings as they are, anything else as JSON."""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def svg_image(svg: str) -> str:
    """A chart's SVG as a ``data:`` URL for an ``<img>``.

    Inlined in the page, matplotlib's ``style`` attributes would be refused by the page's
    Content-Security-Policy (no inline styles); as an image the SVG is its own document,
    which also runs no script whatever it holds.
    """
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode("ascii")


def when(seconds: float | None) -> str:
    """A stored time (seconds since the epoch) in UTC, to the second."""
    if seconds is None:
        return MISSING
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
