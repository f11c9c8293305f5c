"""The JSON bodies of the API, as the OpenAPI spec at ``/openapi.json`` describes them."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from textloop.asgi import StorableText


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Texts(_Body):
    text: str | None = Field(None, description="One text (put before `texts` when both are sent)")
    texts: list[str] | None = Field(None, description="Texts to answer in one request")


class ClassifyRequest(_Texts):
    """Texts for ``/v1/classify``."""


class ExtractRequest(_Texts):
    """Texts for ``/v1/extract``, and whether to mask them."""

    mask: bool = Field(False, description="Also return each text with its spans replaced by "
                                          "`[LABEL]` (`masked_text`)")


class SpanOut(BaseModel):
    start: int = Field(description="First code point of the span in the text as sent (not a "
                                   "UTF-16 unit: JavaScript must convert, see docs/serving.md)")
    end: int = Field(description="Code point just after the span")
    label: str
    text: str = Field(description="The text the span covers")
    score: float | None = Field(description="The model's confidence in [0, 1] (null for a "
                                            "model without one)")


class _Answer(BaseModel):
    """What every answer for one text carries: where it came from and which model gave it."""

    request_id: str = Field(description="Send it back with the index to `/v1/feedback`")
    index: int = Field(description="Position of the text in the request")
    model_version: int | None = Field(description="Registry version (null for a pinned run)")
    run: str = Field(description="The run whose model answered")


class ExtractionOut(_Answer):
    spans: list[SpanOut] = Field(description="Spans kept (at or above their type's "
                                             "threshold), in text order")
    masked_text: str | None = Field(None, description="With `mask`: the text with each span "
                                                      "replaced by `[LABEL]`")


class ExtractResponse(BaseModel):
    request_id: str
    extractions: list[ExtractionOut]


class SpanIn(_Body):
    start: int = Field(ge=0, description="First code point of the span")
    end: int = Field(ge=0, description="Code point just after the span")
    label: StorableText = Field(min_length=1, max_length=200)


class PredictionOut(_Answer):
    label: str | None = Field(description="Predicted label (null for a regression model)")
    probabilities: dict[str, float] = Field(description="Calibrated probability per label")
    score: float = Field(description="What the action bands compare (the value for regression)")
    band: str | None = Field(description="Action band (null for a regression model)")
    value: float | None = Field(None, description="A regression model's prediction")


class ClassifyResponse(BaseModel):
    request_id: str
    predictions: list[PredictionOut]


class FeedbackRequest(_Body):
    request_id: StorableText = Field(min_length=1, max_length=64)
    index: int = Field(0, ge=0, le=1_000_000, description="Which text of the request")
    label: StorableText | None = Field(None, min_length=1, max_length=200,
                                       description="The true label (classification projects)")
    spans: list[SpanIn] | None = Field(None, max_length=10_000,
                                       description="The true spans of the text, all of them "
                                                   "(span projects; `[]`: it has none)")


class FeedbackResponse(BaseModel):
    feedback_id: int
    request_id: str
    index: int
    label: str = Field(description="The stored value: the label, or the spans as JSON")
    spans: list[SpanIn] | None = Field(None, description="The stored spans (span projects)")
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
