"""Adjudication: records whose annotators disagree, each answer shown, one decision each.

Only adjudicators and admins reach this page: it is the one place where annotators'
answers are shown to someone else. A decision is stored with its reason and the page then
shows the record's final label and why (``stages.labels.current_labels``).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from textloop.stages import label as labeling
from textloop.stages.label import Resolution, current_labels
from textloop.tasks import task_for
from textloop.web.auth import Adjudicator, AdjudicatorPosting, Context
from textloop.web.context import WebContext
from textloop.web.rendering import render

router = APIRouter(prefix="/adjudicate")


def resolutions(context: WebContext) -> dict[str, Resolution]:
    with context.store.read() as conn:
        return current_labels(conn, context.project.spec.labeling.policy,
                              task=task_for(context.project))


@router.get("")
def page(request: Request, context: Context, _: Adjudicator) -> Response:
    decided = {rid: r for rid, r in resolutions(context).items() if r.kind == "adjudicated"}
    return render(request, "adjudicate.html", title="Adjudicate",
                  disputes=labeling.disputes(context.store), decided=decided)


@router.post("")
def decide(request: Request, context: Context, user: AdjudicatorPosting,
           record_id: Annotated[str, Form(min_length=1, max_length=64)],
           labels: Annotated[list[str] | None, Form(alias="label")] = None,
           reason: Annotated[str, Form(max_length=labeling.MAX_COMMENT * 2)] = "") -> Response:
    labeling.adjudicate(context.store, context.project, user.name, record_id, labels or [],
                        reason=reason)
    return render(request, "_decided.html", record_id=record_id,
                  resolution=resolutions(context).get(record_id), note=reason.strip())
