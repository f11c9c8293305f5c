"""The agreement page: the statistics of ``stages.agreement`` with words for each value.

Aggregates only: no record and no one's answer to a record is shown here (in span projects
too); disputed records are on the adjudication page. Even aggregates tell an annotator
that their answers disagree with someone's, so like adjudication the page is for
adjudicators and admins only.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from textloop.stages.agreement import SpanAgreement, agreement_report
from textloop.web.auth import Adjudicator, Context
from textloop.web.rendering import render

router = APIRouter(prefix="/agreement")


@router.get("")
def page(request: Request, context: Context, _: Adjudicator) -> Response:
    report = agreement_report(context.store, context.project)
    template = "span_agreement.html" if isinstance(report, SpanAgreement) else "agreement.html"
    return render(request, template, title="Agreement", r=report)
