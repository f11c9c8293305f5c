"""The HTTP routes: parse, call one function of ``textloop.stages.serving``, answer."""

from __future__ import annotations

import time
import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response

from textloop.server.auth import Caller
from textloop.server.schemas import (
    ClassifyRequest,
    ClassifyResponse,
    FeedbackRequest,
    FeedbackResponse,
    Health,
    PredictionOut,
    Readiness,
    errors,
)
from textloop.server.state import ServerState, get_state
from textloop.stages.serving import check_texts, log_row, record_feedback, require_scope, texts_of

router = APIRouter()
State = Annotated[ServerState, Depends(get_state)]


@router.post("/v1/classify", response_model=ClassifyResponse,
             responses=errors(401, 403, 413, 422, 429, 503))
async def classify(body: ClassifyRequest, state: State, key: Caller,
                   response: Response) -> ClassifyResponse:
    """Label, calibrated probabilities, score and action band for each text."""
    serving = state.config.serving
    sent = texts_of(body.text, body.texts)
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
    out = []
    for i, (model, prediction) in enumerate(answers):
        state.metrics.predictions.labels(label=prediction.label or "",
                                         band=prediction.band or "").inc()
        out.append(PredictionOut(
            request_id=request_id, index=i, label=prediction.label or None,
            probabilities=prediction.probabilities, score=prediction.score,
            band=prediction.band or None, value=prediction.value,
            model_version=model.version, run=model.run_name))
    response.headers["X-Request-ID"] = request_id
    return ClassifyResponse(request_id=request_id, predictions=out)


@router.post("/v1/feedback", response_model=FeedbackResponse, status_code=201,
             responses=errors(401, 403, 404, 422, 429))
def feedback(body: FeedbackRequest, state: State, key: Caller) -> FeedbackResponse:
    """Attach the true label to a logged prediction (runs in the thread pool: it writes).
    Needs a key with the ``feedback`` scope, and only the key's own predictions take it."""
    require_scope(key, "feedback")
    stored = record_feedback(state.store, state.project, request_id=body.request_id,
                             idx=body.index, label=body.label,
                             api_key=key.name if key else None, flush=state.log.flush)
    return FeedbackResponse(feedback_id=stored.id, request_id=stored.request_id,
                            index=stored.idx, label=stored.label, record_id=stored.record_id)


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
