"""Every error leaves the server as JSON in the one shape (``TextloopError.to_dict``).

Validation errors, unknown routes and wrong methods are translated into ``TextloopError``
classes first; anything unexpected becomes a 500 that says nothing about the internals.
A 401 names the scheme (``WWW-Authenticate: Bearer``); a 429 (rate limit) and a 503 from
admission control (overloaded) say when to retry (``Retry-After``, whole seconds).
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from textloop.asgi import invalid_request
from textloop.errors import NotFoundError, TextloopError
from textloop.stages.serving import RetryLaterError, UnauthorizedError

log = logging.getLogger(__name__)


def error_response(error: TextloopError) -> JSONResponse:
    headers = None
    if isinstance(error, RetryLaterError):
        headers = {"Retry-After": str(error.retry_after)}
    elif isinstance(error, UnauthorizedError):
        headers = {"WWW-Authenticate": "Bearer"}
    return JSONResponse(error.to_dict(), status_code=error.http_status, headers=headers)


async def on_textloop_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, TextloopError)
    return error_response(exc)


async def on_validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    content_type = request.headers.get("content-type", "")
    if request.method == "POST" and "json" not in content_type:
        hint = (f"the body was sent as {content_type or 'no content type'}: send JSON with "
                "the header Content-Type: application/json (curl: -H 'content-type: "
                "application/json')")
    else:
        hint = "see the request schemas at /openapi.json"
    return error_response(invalid_request(exc, hint=hint))


async def on_http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 404:
        return error_response(NotFoundError(f"no route {request.url.path}",
                                            hint="see the routes at /openapi.json"))
    error = TextloopError(str(exc.detail), hint="see the routes at /openapi.json")
    error.http_status = exc.status_code
    error.code = "http_error"
    return JSONResponse(error.to_dict(), status_code=exc.status_code, headers=exc.headers)


async def on_unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unexpected error on %s %s", request.method, request.url.path)
    error = TextloopError("internal server error", hint="the server log has the details")
    return JSONResponse(error.to_dict(), status_code=500)


def install(app: FastAPI) -> None:
    app.add_exception_handler(TextloopError, on_textloop_error)
    app.add_exception_handler(RequestValidationError, on_validation_error)
    app.add_exception_handler(HTTPException, on_http_error)
    app.add_exception_handler(Exception, on_unexpected)
