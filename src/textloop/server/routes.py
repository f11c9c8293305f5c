"""The HTTP routes: parse, call one function of ``textloop.stages.serving``, answer."""

from __future__ import annotations

import time
import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response

from textloop.server.auth import Caller
from textloop.server.batcher import Answer
from textloop.server.schemas import (
    ClassifyRequest,
    ClassifyResponse,
    ExtractionOut,
    ExtractRequest,
    ExtractResponse,
    FeedbackRequest,
    FeedbackResponse,
    Health,
    PredictionOut,
    Readiness,
    SpanIn,
    SpanOut,
    errors,
)
from textloop.server.state import ServerState, get_state
from textloop.spans import Span
from textloop.stages.serving import (
    ApiKey,
    check_texts,
    extracted,
    log_row,
    mask_text,
    predicted,
    record_feedback,
    require_route,
    require_scope,
    texts_of,
)

router = APIRouter()
State = Annotated[ServerState, Depends(get_state)]


async def _answered(state: ServerState, key: ApiKey | None, route: str, text: str | None,
                    texts: list[str] | None) -> tuple[str, list[Answer]]:
    """What /v1/classify and /v1/extract share: the route fits the project's task, the texts
    fit the limits, the model is ready; the texts go through the micro-batcher and every
    answer is offered to the prediction log. Returns the request id and the answers."""
    require_route(state.project, route)
    serving = state.config.serving
    sent = texts_of(text, texts)
    check_texts(sent, max_texts=serving.max_texts, max_chars=serving.max_text_chars)
    state.model()  # 503 at once when not ready, before anything is queued
    started = time.perf_counter()
    answers = await state.batcher.predict([s.text for s in sent])
    latency_ms = (time.perf_counter() - started) * 1000.0
    request_id = uuid.uuid4().hex
    key_name = key.name if key else None
    state.log.offer([log_row(prediction, request_id=request_id, idx=i, version=model.version,
                             api_key=key_name, latency_ms=latency_ms,
                             log_texts=serving.log_texts)
                     for i, (model, prediction) in enumerate(answers)])
    return request_id, answers


@router.post("/v1/classify", response_model=ClassifyResponse,
             responses=errors(400, 401, 403, 409, 413, 422, 429, 503))
async def classify(body: ClassifyRequest, state: State, key: Caller,
                   response: Response) -> ClassifyResponse:
    """Label, calibrated probabilities, score and action band for each text (a span project
    answers on /v1/extract instead: 400 here)."""
    request_id, answers = await _answered(state, key, "/v1/classify", body.text, body.texts)
    out = []
    for i, (model, answer) in enumerate(answers):
        prediction = predicted(answer, model.run_name)
        state.metrics.predictions.labels(label=prediction.label or "",
                                         band=prediction.band or "").inc()
        out.append(PredictionOut(
            request_id=request_id, index=i, label=prediction.label or None,
            probabilities=prediction.probabilities, score=prediction.score,
            band=prediction.band or None, value=prediction.value,
            model_version=model.version, run=model.run_name))
    response.headers["X-Request-ID"] = request_id
    return ClassifyResponse(request_id=request_id, predictions=out)


@router.post("/v1/extract", response_model=ExtractResponse,
             responses=errors(400, 401, 403, 409, 413, 422, 429, 503))
async def extract(body: ExtractRequest, state: State, key: Caller,
                  response: Response) -> ExtractResponse:
    """Spans (start, end in code points of the text as sent; label, text, score) for each
    text of a span project, below-threshold spans dropped; with `"mask": true` also the text
    with each span replaced by `[LABEL]`. A classification project answers on /v1/classify
    instead: 400 here."""
    request_id, answers = await _answered(state, key, "/v1/extract", body.text, body.texts)
    out = []
    for i, (model, answer) in enumerate(answers):
        found = extracted(answer, model.run_name)
        for span in found.spans:
            state.metrics.spans.labels(label=span.label).inc()
        out.append(ExtractionOut(
            request_id=request_id, index=i,
            spans=[SpanOut(**span.to_dict()) for span in found.spans],
            masked_text=mask_text(found.text, found.spans) if body.mask else None,
            model_version=model.version, run=model.run_name))
    response.headers["X-Request-ID"] = request_id
    return ExtractResponse(request_id=request_id, extractions=out)


@router.post("/v1/feedback", response_model=FeedbackResponse, status_code=201,
             responses=errors(401, 403, 404, 422, 429))
def feedback(body: FeedbackRequest, state: State, key: Caller) -> FeedbackResponse:
    """Attach the true label (the true spans, on a span project) to a logged prediction
    (runs in the thread pool: it writes). Needs a key with the ``feedback`` scope, and only
    the key's own predictions take it."""
    require_scope(key, "feedback")
    spans = None if body.spans is None else [Span(s.start, s.end, s.label) for s in body.spans]
    stored = record_feedback(state.store, state.project, request_id=body.request_id,
                             idx=body.index, label=body.label, spans=spans,
                             api_key=key.name if key else None, flush=state.log.flush)
    return FeedbackResponse(
        feedback_id=stored.id, request_id=stored.request_id, index=stored.idx,
        label=stored.label, record_id=stored.record_id,
        spans=None if stored.spans is None else [SpanIn(**s.to_dict()) for s in stored.spans])


@router.get("/healthz", response_model=Health)
async def healthz() -> Health:
    """The process is up (it may still be loading its model: see /readyz)."""
    return Health(status="ok")


@router.get("/readyz", response_model=Readiness, responses=errors(503))
async def readyz(state: State) -> Readiness:
    """200 once a model is loaded and warmed, 503 before."""
    model = state.model()
    return Readiness(status="ready", model_version=model.version, run=model.run_name)


@router.get("/metrics", include_in_schema=False)
def metrics(request: Request) -> Response:
    """Prometheus text format. A plain ``def``: rendering reads the store (drift gauges) and,
    with several workers, every worker's metric files, so it runs in the thread pool."""
    body, content_type = get_state(request).metrics.render()
    return Response(body, media_type=content_type)
