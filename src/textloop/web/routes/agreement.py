"""The agreement page: the report of ``stages.agreement``, rendered as tables.

The report's ``to_dict()`` is shown generically (mappings as definition lists, lists of
mappings as tables), so new statistics appear without a template change.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from textloop.web.auth import Context, SignedIn
from textloop.web.context import WebContext
from textloop.web.rendering import render

router = APIRouter(prefix="/agreement")


def report(context: WebContext) -> dict[str, Any] | None:
    """The report as a dict, or None while this version has no agreement report."""
    try:
        from textloop.stages.agreement import agreement_report
    except ImportError:
        return None
    result: dict[str, Any] = agreement_report(context.store, context.project).to_dict()
    return result


def split(report: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(single numbers and words for the summary, structured parts for their own sections)."""
    simple = {k: v for k, v in report.items() if not isinstance(v, dict | list | tuple)}
    return simple, {k: v for k, v in report.items() if k not in simple}


@router.get("")
def page(request: Request, context: Context, _: SignedIn) -> Response:
    found = report(context)
    summary, sections = split(found) if found is not None else ({}, {})
    return render(request, "agreement.html", title="Agreement", available=found is not None,
                  summary=summary, sections=sections)
