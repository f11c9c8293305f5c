"""The JSON bodies of the API, as the OpenAPI spec at ``/openapi.json`` describes them."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from textloop.asgi import StorableText


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ClassifyRequest(_Body):
    text: str | None = Field(None, description="One text (put before `texts` when both are sent)")
    texts: list[str] | None = Field(None, description="Texts to classify in one request")


class PredictionOut(BaseModel):
    request_id: str = Field(description="Send it back with the index to `/v1/feedback`")
    index: int = Field(description="Position of the text in the request")
    label: str | None = Field(description="Predicted label (null for a regression model)")
    probabilities: dict[str, float] = Field(description="Calibrated probability per label")
    score: float = Field(description="What the action bands compare (the value for regression)")
    band: str | None = Field(description="Action band (null for a regression model)")
    value: float | None = Field(None, description="A regression model's prediction")
    model_version: int | None = Field(description="Registry version (null for a pinned run)")
    run: str = Field(description="The run whose model answered")


class ClassifyResponse(BaseModel):
    request_id: str
    predictions: list[PredictionOut]


class FeedbackRequest(_Body):
    request_id: StorableText = Field(min_length=1, max_length=64)
    index: int = Field(0, ge=0, le=1_000_000, description="Which text of the request")
    label: StorableText = Field(min_length=1, max_length=200, description="The true label")


class FeedbackResponse(BaseModel):
    feedback_id: int
    request_id: str
    index: int
    label: str
    record_id: str | None = Field(description="The record the label was added to, if any")


class Health(BaseModel):
    status: str


class Readiness(BaseModel):
    status: str
    model_version: int | None
    run: str


class ErrorBody(BaseModel):
    code: str
    message: str
    hint: str | None = None
    details: dict[str, Any] | None = None


class ErrorResponse(BaseModel):
    error: ErrorBody


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` entries: each status answers with the one error shape."""
    return {status: {"model": ErrorResponse} for status in statuses}
