"""Review of ``textloop clean`` findings: one finding at a time with its evidence, one key
per decision (``stages.review``).

Only adjudicators and admins reach it: a decision outranks annotators' answers and can take
records out of releases. Each POST stores its decision and answers with the panel for the
next open finding, which htmx swaps in place; the notice says what was done and that ``U``
undoes it. The page's filter (``?kind=&label=&min_score=&max_score=``, the same
``ReviewFilter`` as ``textloop review``) rides along in every post's query string, so the
next finding shown is the next one the filter keeps.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from textloop.stages import review
from textloop.web.auth import Adjudicator, AdjudicatorPosting, Context
from textloop.web.context import WebContext
from textloop.web.rendering import query_string, render, stored_labels

router = APIRouter(prefix="/review")
FindingId = Annotated[int, Form(ge=1)]
Labels = Annotated[list[str] | None, Form(alias="label")]


def query_filter(kind: str | None = None, label: str | None = None,
                 min_score: str | None = None, max_score: str | None = None
                 ) -> review.ReviewFilter:
    """The filter from the query string; blank fields (an untouched form) do not filter."""
    return review.ReviewFilter.parse(kind=kind, label=label, min_score=min_score,
                                     max_score=max_score)


Filter = Annotated[review.ReviewFilter, Depends(query_filter)]


def panel(request: Request, context: WebContext, flt: review.ReviewFilter, notice: str = "",
          template: str = "_review_panel.html", **values: Any) -> Response:
    """The panel with the next open finding the filter keeps, or what to do instead."""
    queue = review.review_queue(context.store, context.project, flt=flt)
    given = query_string(flt.to_dict())
    return render(request, template, notice=notice, queue=queue,
                  kinds=review.FINDING_KINDS, query=f"?{given}" if given else "", **values)


@router.get("")
def page(request: Request, context: Context, _: Adjudicator, flt: Filter) -> Response:
    return panel(request, context, flt, template="review.html", title="Review")


@router.get("/panel")
def current(request: Request, context: Context, _: Adjudicator, flt: Filter) -> Response:
    return panel(request, context, flt)


@router.post("/accept")
def accept(request: Request, context: Context, user: AdjudicatorPosting, flt: Filter,
           finding_id: FindingId) -> Response:
    done = review.accept(context.store, context.project, user.name, finding_id)
    return panel(request, context, flt, _said(done))


@router.post("/keep")
def keep(request: Request, context: Context, user: AdjudicatorPosting, flt: Filter,
         finding_id: FindingId) -> Response:
    return panel(request, context, flt, _said(review.keep(context.store, user.name,
                                                          finding_id)))


@router.post("/relabel")
def relabel(request: Request, context: Context, user: AdjudicatorPosting, flt: Filter,
            finding_id: FindingId, labels: Labels = None) -> Response:
    done = review.relabel(context.store, context.project, user.name, finding_id, labels or [])
    return panel(request, context, flt, _said(done))


@router.post("/edit")
def edit(request: Request, context: Context, user: AdjudicatorPosting, flt: Filter,
         finding_id: FindingId, value: Annotated[str, Form(max_length=100_000)]) -> Response:
    """Store the value the reviewer wrote (a span project's JSON span list), checked by the
    task against the record's text."""
    done = review.edit(context.store, context.project, user.name, finding_id, value)
    return panel(request, context, flt, _said(done))


@router.post("/exclude")
def exclude(request: Request, context: Context, user: AdjudicatorPosting, flt: Filter,
            finding_id: FindingId) -> Response:
    return panel(request, context, flt, _said(review.exclude(context.store, user.name,
                                                             finding_id)))


@router.post("/merge")
def merge(request: Request, context: Context, user: AdjudicatorPosting, flt: Filter,
          finding_id: FindingId) -> Response:
    done = review.merge(context.store, context.project, user.name, finding_id)
    return panel(request, context, flt, _said(done))


@router.post("/undo")
def undo(request: Request, context: Context, user: AdjudicatorPosting, flt: Filter,
         decision_id: Annotated[int | None, Form(ge=1)] = None) -> Response:
    """Undo the reviewer's latest decision, or the one named by ``decision_id``."""
    done = review.undo(context.store, user.name, decision_id)
    notice = (f"Undid “{done.action}” on record {done.record_id}: its finding is open again."
              if done else "Nothing to undo.")
    return panel(request, context, flt, notice)


def _said(done: review.Decided) -> str:
    """The notice after a decision; values are escaped by the template."""
    label = ", ".join(stored_labels(done.label))
    if done.action == "merge":
        return (f"Merged the cluster of record {done.record_id}: {len(done.excluded)} "
                "excluded as duplicates. U undoes it.")
    what = {"accept": f"Accepted “{label}” for", "relabel": f"Relabeled “{label}”:",
            "keep": "Kept", "exclude": "Excluded"}[done.action]
    return f"{what} record {done.record_id}. U undoes it."
