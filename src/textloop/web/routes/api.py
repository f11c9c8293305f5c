"""A small JSON API for the same labeling actions (scripts, other front ends).

Same session cookie and CSRF header as the page; same stage functions; errors in the one
JSON shape. An item carries only the record and the model's suggestion, never another
annotator's answer. Strings follow the import's text rules (``StorableText``): a NUL or a
lone surrogate is a 422 naming the field, never a failed write.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from textloop.asgi import StorableText
from textloop.spans import Span
from textloop.stages import label as labeling
from textloop.web.auth import Context, Posting, SignedIn
from textloop.web.context import WebContext

router = APIRouter(prefix="/api")


class SpanIn(BaseModel):
    """A span in code points over the record's text (as stored; the page's UTF-16 offsets
    are its own business)."""

    start: int
    end: int
    label: StorableText = Field(min_length=1, max_length=200)


class Answer(BaseModel):
    record_id: StorableText = Field(min_length=1, max_length=64)
    labels: list[StorableText] = Field(default_factory=list, max_length=1000)
    spans: list[SpanIn] | None = Field(default=None, max_length=labeling.MAX_SPANS)
    """A span project's answer (``[]``: nothing to mark); ``labels`` for the other tasks."""
    comment: StorableText | None = Field(default=None, max_length=labeling.MAX_COMMENT * 2)


class RecordRef(BaseModel):
    record_id: StorableText = Field(min_length=1, max_length=64)


def _next(context: WebContext, name: str) -> dict[str, Any] | None:
    item = labeling.next_item(
        context.store, name, min_confidence=context.project.spec.labeling.suggest_min_confidence,
        project=context.project)
    return asdict(item) if item else None


@router.get("/next")
def next_item(context: Context, user: SignedIn) -> dict[str, Any]:
    return {"item": _next(context, user.name)}


@router.post("/label")
def label(body: Answer, context: Context, user: Posting) -> dict[str, Any]:
    answer: list[str] | list[Span] = body.labels
    if body.spans is not None:
        answer = [Span(s.start, s.end, s.label) for s in body.spans]
    labeling.submit(context.store, context.project, user.name, body.record_id, answer,
                    comment=body.comment)
    context.labeled()
    return {"stored": body.record_id, "item": _next(context, user.name)}


@router.post("/skip")
def skip(body: RecordRef, context: Context, user: Posting) -> dict[str, Any]:
    labeling.skip(context.store, user.name, body.record_id)
    return {"skipped": body.record_id, "item": _next(context, user.name)}


@router.post("/undo")
def undo(context: Context, user: Posting) -> dict[str, Any]:
    undone = labeling.undo(context.store, user.name)
    return {"undone": asdict(undone) if undone else None, "item": _next(context, user.name)}
