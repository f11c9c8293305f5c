"""Review of synthetic batches: items class by class, each with its seeds, the gate's verdict
and its provenance; ``A``/``R`` accept or reject, ``J``/``K`` move
(``stages.synthesize.browse``).

Every signed-in person may read the page; only adjudicators and admins may decide, as on
the review page, because a decision puts a generated text into releases or keeps it out.
Decisions are stored by ``decisions.decide``, the function ``textloop synth accept|reject``
calls. Each POST answers with the panel for the next matching item, which htmx swaps in
place, and points the address bar at it so a reload stays there.
"""

from __future__ import annotations

from typing import Annotated, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import Response

from textloop.stages.synthesize import browse
from textloop.web.auth import AdjudicatorPosting, Context, SignedIn
from textloop.web.rendering import render

router = APIRouter(prefix="/synth")
BATCH = r"^(latest|s?[0-9]{1,12})$"


def asked(batch: Annotated[str, Query(pattern=BATCH)] = "latest",
          label: Annotated[str | None, Query(min_length=1, max_length=200)] = None,
          status: Annotated[str, Query(min_length=1, max_length=100)] = browse.ALL,
          item: Annotated[int | None, Query(ge=1)] = None) -> browse.Query:
    """The page's filters from the address: batch, class, status and the item shown."""
    return browse.Query(batch=batch, label=label, status=status, item=item)


def posted(batch: Annotated[str, Form(pattern=BATCH)], item: Annotated[int, Form(ge=1)],
           label: Annotated[str | None, Form(min_length=1, max_length=200)] = None,
           status: Annotated[str, Form(min_length=1, max_length=100)] = browse.ALL) -> browse.Query:
    """The same filters from a decision's form, which always names its item."""
    return browse.Query(batch=batch, label=label, status=status, item=item)


Asked = Annotated[browse.Query, Depends(asked)]
Posted = Annotated[browse.Query, Depends(posted)]


@router.get("")
def page(request: Request, context: Context, _: SignedIn, query: Asked) -> Response:
    return render(request, "synth.html", title="Synthetic", notice="",
                  p=browse.batch_page(context.store, context.project.spec, query))


@router.get("/panel")
def panel(request: Request, context: Context, _: SignedIn, query: Asked) -> Response:
    """The panel alone: ``J``/``K`` and the item list swap it in place."""
    return render(request, "_synth_panel.html", notice="",
                  p=browse.batch_page(context.store, context.project.spec, query))


@router.post("/decide")
def decide(request: Request, context: Context, user: AdjudicatorPosting, query: Posted,
           decision: Annotated[Literal["accepted", "rejected"], Form()]) -> Response:
    done = browse.decide_item(context.store, context.project.spec, query, decision,
                              actor=user.name)
    where = "/synth?" + urlencode(done.page.query.params())
    return render(request, "_synth_panel.html", headers={"HX-Push-Url": where},
                  p=done.page, notice=_said(done))


def _said(done: browse.DecidedPage) -> str:
    """The notice after a decision; values are escaped by the template."""
    item, batch_id = done.item, done.decided.batch["id"]
    said = f"{item['decision'].capitalize()} item {item['n']} of {batch_id} ({item['label']})"
    if done.skipped:
        return f"{said}; its text is already a record of another origin, so it stays out."
    if done.waits_for_batch:
        return f"{said}. It counts once the batch is accepted: textloop synth accept {batch_id}"
    return f"{said}: it {'is now a labeled record' if item['record_id'] else 'is left out'}."
