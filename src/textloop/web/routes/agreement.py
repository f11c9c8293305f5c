"""The agreement page: the statistics of ``stages.agreement`` with words for each value.

Aggregates only: no record and no one's answer to a record is shown here (annotators must
not see others' labels before answering); disputed records are on the adjudication page.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from textloop.stages.agreement import agreement_report
from textloop.web.auth import Context, SignedIn
from textloop.web.rendering import render

router = APIRouter(prefix="/agreement")


@router.get("")
def page(request: Request, context: Context, _: SignedIn) -> Response:
    return render(request, "agreement.html", title="Agreement",
                  r=agreement_report(context.store, context.project))
