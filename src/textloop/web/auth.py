"""Who is asking: the signed-in annotator, their role, and the CSRF check on every POST.

CSRF defence (documented in docs/labeling-app.md): the session cookie is ``SameSite=Strict``
and ``HttpOnly``, every state-changing request must carry the session's CSRF token (the
``X-CSRF-Token`` header that the page's script adds to htmx requests, or a ``csrf_token``
form field), and ``guards.RequestGuard`` refuses any POST whose ``Origin`` is another site.
"""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Request, Response

from textloop.errors import ForbiddenError, TextloopError
from textloop.stages.label import Annotator, get_annotator
from textloop.web.context import WebContext, get_context
from textloop.web.session import COOKIE, Session, new_session

CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"


class NotSignedInError(TextloopError):
    """No valid session: the page redirects to the sign-in form, an API call gets 401."""

    http_status = 401
    code = "not_signed_in"


def read_session(request: Request) -> Session | None:
    return get_context(request).signer.loads(request.cookies.get(COOKIE))


def signed_in(request: Request) -> Annotator:
    """The annotator of a valid session whose account is still active, else 401."""
    context = get_context(request)
    session = read_session(request)
    if session is None:
        raise NotSignedInError("you are not signed in (or your session has expired)",
                               hint="open your login link, or sign in with name and token")
    annotator = get_annotator(context.store, session.name)
    if annotator is None or not annotator.active:
        raise NotSignedInError(f"the account {session.name!r} is no longer active",
                               hint="ask an admin for `textloop annotators reset NAME`")
    if session.generation != annotator.session_generation:
        raise NotSignedInError("this session has ended: the account signed out, or its token "
                               "was reset or revoked, after it began",
                               hint="sign in again with your login link or your current token")
    request.state.session = session
    request.state.user = annotator
    return annotator


async def posted_by(request: Request,
                    annotator: Annotated[Annotator, Depends(signed_in)]) -> Annotator:
    """``signed_in`` plus the session's CSRF token, from the header or the form."""
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and "form" in request.headers.get("content-type", ""):
        value = (await request.form()).get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    session: Session = request.state.session
    if not sent or not hmac.compare_digest(sent.encode(), session.csrf.encode()):
        raise ForbiddenError("the request lacks this session's CSRF token",
                             hint="reload the page and try again")
    return annotator


def adjudicator(request: Request,
                annotator: Annotated[Annotator, Depends(signed_in)]) -> Annotator:
    """Adjudicators and admins only: every page or call that shows other people's answers,
    agreement or disputes, or decides over them.

    Overlap is blind: an annotator who could see that a record is disputed could undo their
    answer and change it to match, and agreement would then measure nothing.
    """
    if not annotator.can_adjudicate:
        raise ForbiddenError(
            f"{request.url.path} needs the adjudicator or admin role, and {annotator.name} is "
            f"an {annotator.role}: annotators see only their own work, never other people's "
            "answers, agreement or disputes, and decisions are for adjudicators",
            hint="labeling stays blind so that answers are independent; ask an admin to add "
                 "you with --role adjudicator if you should decide between answers")
    return annotator


def adjudicator_posting(request: Request,
                        annotator: Annotated[Annotator, Depends(posted_by)]) -> Annotator:
    return adjudicator(request, annotator)


def admin_posting(annotator: Annotated[Annotator, Depends(posted_by)]) -> Annotator:
    if annotator.role != "admin":
        raise ForbiddenError("only an admin can do this", hint="ask an admin")
    return annotator


def start_session(response: Response, context: WebContext, annotator: Annotator) -> None:
    """Set the signed session cookie: HttpOnly, SameSite=Strict, Secure behind HTTPS."""
    session = new_session(annotator.name, annotator.session_generation)
    response.set_cookie(COOKIE, context.signer.dumps(session), httponly=True,
                        samesite="strict", secure=context.settings.secure_cookie, path="/",
                        max_age=int(context.settings.session_seconds))


def end_session(response: Response, context: WebContext) -> None:
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="strict",
                           secure=context.settings.secure_cookie)


SignedIn = Annotated[Annotator, Depends(signed_in)]
Posting = Annotated[Annotator, Depends(posted_by)]
Adjudicator = Annotated[Annotator, Depends(adjudicator)]
AdjudicatorPosting = Annotated[Annotator, Depends(adjudicator_posting)]
AdminPosting = Annotated[Annotator, Depends(admin_posting)]
Context = Annotated[WebContext, Depends(get_context)]
