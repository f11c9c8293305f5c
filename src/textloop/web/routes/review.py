"""Review of ``textloop clean`` findings: one finding at a time with its evidence, one key
per decision (``stages.review``).

Only adjudicators and admins reach it: a decision outranks annotators' answers and can take
records out of releases. Each POST stores its decision and answers with the panel for the
next open finding, which htmx swaps in place; the notice says what was done and that ``U``
undoes it.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from textloop.stages import review
from textloop.web.auth import Adjudicator, AdjudicatorPosting, Context
from textloop.web.context import WebContext
from textloop.web.rendering import render, stored_labels

router = APIRouter(prefix="/review")
FindingId = Annotated[int, Form(ge=1)]
Labels = Annotated[list[str] | None, Form(alias="label")]


def panel(request: Request, context: WebContext, notice: str = "") -> Response:
    """The panel with the next open finding of the latest run, or what to do instead."""
    return render(request, "_review_panel.html", notice=notice,
                  queue=review.review_queue(context.store, context.project))


@router.get("")
def page(request: Request, context: Context, _: Adjudicator) -> Response:
    return render(request, "review.html", title="Review", notice="",
                  queue=review.review_queue(context.store, context.project))


@router.get("/panel")
def current(request: Request, context: Context, _: Adjudicator) -> Response:
    return panel(request, context)


@router.post("/accept")
def accept(request: Request, context: Context, user: AdjudicatorPosting,
           finding_id: FindingId) -> Response:
    done = review.accept(context.store, context.project, user.name, finding_id)
    return panel(request, context, _said(done))


@router.post("/keep")
def keep(request: Request, context: Context, user: AdjudicatorPosting,
         finding_id: FindingId) -> Response:
    return panel(request, context, _said(review.keep(context.store, user.name, finding_id)))


@router.post("/relabel")
def relabel(request: Request, context: Context, user: AdjudicatorPosting,
            finding_id: FindingId, labels: Labels = None) -> Response:
    done = review.relabel(context.store, context.project, user.name, finding_id, labels or [])
    return panel(request, context, _said(done))


@router.post("/exclude")
def exclude(request: Request, context: Context, user: AdjudicatorPosting,
            finding_id: FindingId) -> Response:
    return panel(request, context, _said(review.exclude(context.store, user.name, finding_id)))


@router.post("/merge")
def merge(request: Request, context: Context, user: AdjudicatorPosting,
          finding_id: FindingId) -> Response:
    done = review.merge(context.store, context.project, user.name, finding_id)
    return panel(request, context, _said(done))


@router.post("/undo")
def undo(request: Request, context: Context, user: AdjudicatorPosting,
         decision_id: Annotated[int | None, Form(ge=1)] = None) -> Response:
    """Undo the reviewer's latest decision, or the one named by ``decision_id``."""
    done = review.undo(context.store, user.name, decision_id)
    notice = (f"Undid “{done.action}” on record {done.record_id}: its finding is open again."
              if done else "Nothing to undo.")
    return panel(request, context, notice)


def _said(done: review.Decided) -> str:
    """The notice after a decision; values are escaped by the template."""
    label = ", ".join(stored_labels(done.label))
    if done.action == "merge":
        return (f"Merged the cluster of record {done.record_id}: {len(done.excluded)} "
                "excluded as duplicates. U undoes it.")
    what = {"accept": f"Accepted “{label}” for", "relabel": f"Relabeled “{label}”:",
            "keep": "Kept", "exclude": "Excluded"}[done.action]
    return f"{what} record {done.record_id}. U undoes it."
