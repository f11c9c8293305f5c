"""Every error leaves the app the same way: JSON for htmx and API calls, a page otherwise.

A ``TextloopError`` keeps its own status and shape (``to_dict``); FastAPI's validation
errors and unknown routes are translated into the same classes first, so a client only
ever parses one kind of error body.
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException

from textloop.asgi import invalid_request
from textloop.errors import NotFoundError, TextloopError
from textloop.web.auth import NotSignedInError
from textloop.web.rendering import render, wants_json


def error_response(request: Request, error: TextloopError) -> Response:
    if wants_json(request):
        headers = {"HX-Redirect": "/login"} if isinstance(error, NotSignedInError) else None
        return JSONResponse(error.to_dict(), status_code=error.http_status, headers=headers)
    if isinstance(error, NotSignedInError) and request.method == "GET":
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)
    return render(request, "error.html", status_code=error.http_status, title="Error",
                  error=error)


async def on_textloop_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, TextloopError)
    return error_response(request, exc)


async def on_validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    return error_response(request, invalid_request(exc, hint="reload the page and try again"))


async def on_http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 404:
        error: TextloopError = NotFoundError(f"no page {request.url.path}",
                                             hint="start from /label")
    else:
        error = TextloopError(str(exc.detail), hint=None)
        error.http_status = exc.status_code
        error.code = "http_error"
    return error_response(request, error)


def install(app: FastAPI) -> None:
    app.add_exception_handler(TextloopError, on_textloop_error)
    app.add_exception_handler(RequestValidationError, on_validation_error)
    app.add_exception_handler(HTTPException, on_http_error)
