"""Sign-in and sign-out, plus ``/`` (which leads to the labeling page) and ``/healthz``.

The login link ``/login?name=NAME#token=TOKEN`` keeps the token in the URL fragment, which
browsers never send: it stays out of server logs and ``Referer`` headers. The page's
script moves it into the form, clears the address bar and posts the form.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import PlainTextResponse, RedirectResponse, Response

from textloop.stages.label import authenticate, sign_out
from textloop.web.auth import Context, Posting, end_session, start_session
from textloop.web.rendering import render

router = APIRouter()
MAX_FIELD = 200


def safe_next(target: str | None) -> str:
    """Only a path on this site: never ``//host`` or ``https://...`` (open redirects)."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return "/label"


@router.get("/", include_in_schema=False)
def home() -> RedirectResponse:
    return RedirectResponse("/label", status_code=303)


@router.get("/healthz", include_in_schema=False)
def healthz() -> PlainTextResponse:
    """No store access: the floor the round-trip benchmark compares against."""
    return PlainTextResponse("ok")


@router.get("/login")
def login_form(request: Request, name: str = "", next: str = "/label") -> Response:
    return render(request, "login.html", title="Sign in", name=name[:MAX_FIELD],
                  next=safe_next(next), failed=False)


@router.post("/login")
def login(request: Request, context: Context,
          name: Annotated[str, Form(max_length=MAX_FIELD)],
          token: Annotated[str, Form(max_length=MAX_FIELD)],
          next: Annotated[str, Form(max_length=2000)] = "/label") -> Response:
    annotator = authenticate(context.store, name.strip(), token.strip())
    if annotator is None:
        return render(request, "login.html", status_code=401, title="Sign in", name=name,
                      next=safe_next(next), failed=True)
    response = RedirectResponse(safe_next(next), status_code=303)
    start_session(response, context, annotator)
    return response


@router.post("/logout")
def logout(context: Context, user: Posting) -> Response:
    """End every session of the account (a copied cookie too), then clear this one."""
    sign_out(context.store, user.name)
    response = RedirectResponse("/login", status_code=303)
    end_session(response, context)
    return response
