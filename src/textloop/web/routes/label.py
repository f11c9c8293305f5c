"""The labeling page: one record at a time, answered by keyboard or click.

Each POST stores its action at once (``stages.labeling``) and answers with the record
panel for the annotator's next item, which htmx swaps in place; nothing waits for the
model. The progress bar is a separate request, triggered after answers, so computing it
never delays the next record.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import Response

from textloop.errors import InvalidInputError
from textloop.stages import label as labeling
from textloop.stages.label import Annotator
from textloop.web.auth import AdminPosting, Context, Posting, SignedIn
from textloop.web.context import WebContext
from textloop.web.rendering import render

router = APIRouter(prefix="/label")
RecordId = Annotated[str, Form(min_length=1, max_length=64)]
Labels = Annotated[list[str] | None, Form(alias="label")]
PostedSpans = Annotated[str | None, Form(max_length=labeling.MAX_SPANS * 80)]
"""A span project's answer: the spans as JSON, in the page's UTF-16 units."""
Mode = Annotated[Literal["teach"] | None, Query()]
"""``?mode=teach``: one suggested span at a time (span projects)."""
LABELED = {"HX-Trigger": "labeled"}


def next_for(context: WebContext, user: Annotator) -> labeling.LabelingItem | None:
    """The annotator's current item, with suggestions below the project's minimum withheld."""
    return labeling.next_item(
        context.store, user.name,
        min_confidence=context.project.spec.labeling.suggest_min_confidence,
        project=context.project)


def panel_values(context: WebContext, user: Annotator, mode: str | None) -> dict[str, Any]:
    """What the record panel shows: the annotator's current item (None when the queue is
    empty), or in teach mode the item with its most promising undecided suggestion."""
    if mode == "teach":
        shown = labeling.next_teach(
            context.store, context.project, user.name,
            min_confidence=context.project.spec.labeling.suggest_min_confidence)
        return {"panel_template": "_teach_panel.html", "shown": shown, "teach": True,
                "waiting": shown is None and context.queue_ran_dry()}
    item = next_for(context, user)
    return {"panel_template": "_panel.html", "item": item, "teach": False,
            "waiting": item is None and context.queue_ran_dry()}


def panel(request: Request, context: WebContext, user: Annotator, notice: str = "",
          headers: dict[str, str] | None = None, mode: str | None = None) -> Response:
    """The record panel alone, which htmx swaps in after each action."""
    values = panel_values(context, user, mode)
    return render(request, values["panel_template"], headers=headers, notice=notice, **values)


@router.get("")
def page(request: Request, context: Context, user: SignedIn, mode: Mode = None) -> Response:
    if mode == "teach" and not labeling.is_span_project(context.project):
        raise InvalidInputError("teach mode shows suggested spans one at a time: it is for "
                                "span projects (task: spans)", hint="open /label instead")
    return render(request, "label.html", title="Label", notice="",
                  **panel_values(context, user, mode))


@router.get("/panel")
def current(request: Request, context: Context, user: SignedIn, mode: Mode = None) -> Response:
    """The panel again: polled while the next batch is being chosen."""
    return panel(request, context, user, mode=mode)


@router.post("/answer")
def answer(request: Request, context: Context, user: Posting, record_id: RecordId,
           labels: Labels = None, spans: PostedSpans = None, mode: Mode = None) -> Response:
    if labeling.is_span_project(context.project):
        labeling.submit(context.store, context.project, user.name, record_id,
                        labeling.parse_posted(spans), utf16=True)
    else:
        labeling.submit(context.store, context.project, user.name, record_id, labels or [])
    context.labeled()
    return panel(request, context, user, headers=LABELED, mode=mode)


@router.post("/teach")
def teach(request: Request, context: Context, user: Posting, record_id: RecordId,
          verdict: Annotated[Literal["accept", "reject"], Form()],
          spans: PostedSpans = None) -> Response:
    """Teach mode's accept or reject of the suggestion shown, stored at once."""
    labeling.decide_suggestion(context.store, context.project, user.name, record_id,
                               labeling.parse_posted(spans), verdict == "accept", utf16=True)
    return panel(request, context, user, mode="teach")


@router.post("/skip")
def skip(request: Request, context: Context, user: Posting, record_id: RecordId,
         mode: Mode = None) -> Response:
    labeling.skip(context.store, user.name, record_id)
    return panel(request, context, user, mode=mode)


@router.post("/undo")
def undo(request: Request, context: Context, user: Posting, mode: Mode = None) -> Response:
    if mode == "teach":  # the latest verdict or answer, whichever came last
        notice = labeling.undo_teach(context.store, context.project, user.name)
        return panel(request, context, user, notice=notice or "Nothing to undo.",
                     headers=LABELED if notice else None, mode=mode)
    undone = labeling.undo(context.store, user.name)
    notice = (f"Took back your answer “{labeling.describe_answer(context.project, undone.label)}”:"
              " answer again." if undone else "Nothing to undo.")
    return panel(request, context, user, notice=notice, headers=LABELED if undone else None)


@router.post("/comment")
def comment(request: Request, context: Context, user: Posting, record_id: RecordId,
            text: Annotated[str, Form(max_length=labeling.MAX_COMMENT * 2)]) -> Response:
    labeling.add_comment(context.store, user.name, record_id, text)
    return render(request, "_comment_saved.html", text=text.strip())


@router.post("/fill")
def fill(request: Request, context: Context, user: AdminPosting) -> Response:
    """An admin fills an empty queue with the project's query strategy (``suggest``)."""
    from textloop.stages.active_learn import suggest

    result = suggest(context.store, context.project)
    return panel(request, context, user, notice=f"Queued {result.queued:,} records "
                                                f"({result.strategy}).")


@router.get("/progress")
def progress(request: Request, context: Context, _: SignedIn) -> Response:
    from textloop.stages.active_learn import labeling_progress

    return render(request, "_progress.html",
                  progress=labeling_progress(context.store, context.project),
                  queue=labeling.queue_status(context.store))
