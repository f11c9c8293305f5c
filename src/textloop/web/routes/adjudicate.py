"""Adjudication: records whose annotators disagree, each answer shown, one decision each.

Only adjudicators and admins reach this page: it is the one place where annotators'
answers are shown to someone else. A decision is stored with its reason and the page then
shows the record's final label (or spans) and why (``stages.labels.current_labels``).

In a span project each annotator's spans are shown highlighted over the escaped text, side
by side; the adjudicator takes one version, a merge (``stages.label.span_adjudication``), or
edits spans in the page. The page counts offsets in UTF-16 units, converted where the
labeling page's are (``spans.spans_to_utf16`` out, ``stages.label.spans_from_page`` in).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from textloop.spans import decode_spans, spans_to_utf16
from textloop.stages import label as labeling
from textloop.stages.label import Resolution, current_labels
from textloop.tasks import task_for
from textloop.web.auth import Adjudicator, AdjudicatorPosting, Context
from textloop.web.context import WebContext
from textloop.web.rendering import render
from textloop.web.span_offsets import highlighted

router = APIRouter(prefix="/adjudicate")
MAX_POSTED_SPANS = 200_000
"""Characters of posted span JSON accepted (thousands of spans)."""


def resolutions(context: WebContext) -> dict[str, Resolution]:
    with context.store.read() as conn:
        return current_labels(conn, context.project.spec.labeling.policy,
                              task=task_for(context.project))


def spans_project(context: WebContext) -> bool:
    return task_for(context.project).value_kind == "spans"


@router.get("")
def page(request: Request, context: Context, _: Adjudicator) -> Response:
    decided = {rid: r for rid, r in resolutions(context).items() if r.kind == "adjudicated"}
    if spans_project(context):
        return render(request, "adjudicate_spans.html", title="Adjudicate", decided=decided,
                      disputes=[_shown(v) for v in labeling.span_disputes(context.store)],
                      overlapping=context.project.spec.spans.overlapping,
                      merges=labeling.MERGES)
    return render(request, "adjudicate.html", title="Adjudicate",
                  disputes=labeling.disputes(context.store), decided=decided)


@router.post("")
def decide(request: Request, context: Context, user: AdjudicatorPosting,
           record_id: Annotated[str, Form(min_length=1, max_length=64)],
           labels: Annotated[list[str] | None, Form(alias="label")] = None,
           reason: Annotated[str, Form(max_length=labeling.MAX_COMMENT * 2)] = "",
           take: Annotated[str | None, Form(max_length=200)] = None,
           merge: Annotated[str | None, Form(max_length=20)] = None,
           spans: Annotated[str | None, Form(max_length=MAX_POSTED_SPANS)] = None) -> Response:
    if spans_project(context):
        versions = labeling.span_versions(context.store, record_id)
        edited = (labeling.spans_from_page(versions.text, labeling.parse_posted(spans))
                  if spans is not None and take is None and merge is None else None)
        note = labeling.decide_spans(context.store, context.project, user.name, versions,
                                     take=take, merge=merge, edited=edited, reason=reason)
        resolution = resolutions(context).get(record_id)
        final = decode_spans(resolution.label) if resolution else []
        return render(request, "_decided_spans.html", record_id=record_id,
                      resolution=resolution, segments=highlighted(versions.text, final),
                      n_spans=len(final), note=note)
    labeling.adjudicate(context.store, context.project, user.name, record_id, labels or [],
                        reason=reason)
    return render(request, "_decided.html", record_id=record_id,
                  resolution=resolutions(context).get(record_id), note=reason.strip())


def _shown(versions: labeling.SpanVersions) -> dict[str, Any]:
    """What the page shows of a disputed span record: each version highlighted (code
    points, rendered escaped) and its spans as the page's script counts them (UTF-16)."""
    text = versions.text
    return {"record_id": versions.record_id, "text": text,
            "versions": [{"name": name, "segments": highlighted(text, spans),
                          "spans": spans_to_utf16(text, spans), "n_spans": len(spans)}
                         for name, spans in versions.versions.items()]}
