"""Feedback: the true label of a logged prediction, sent back by the application.

The label is checked as a labeling answer is and stored twice over: as a feedback row
linked to the prediction, and as a ``production`` annotation on the record of that text, so
it flows into labeling, cleaning and the next release like any other label (the weakest kind:
a person's or an import's label wins over it). The record is found by the text's content
hash; when the server logs full texts and no record has that text yet, one is created with
production provenance (``source_ref`` names the prediction). With ``log_texts: hash`` only an
existing record gets the annotation; with ``none`` the feedback row stands alone.

A key gives feedback only on its own predictions: another client's request id is answered as
unknown, so a key can neither relabel another application's traffic nor learn which request
ids exist. A logged text that the store's text rules refuse (``text_problem``: logged before
the server checked texts) never becomes a record.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from textloop.config import Project
from textloop.errors import InvalidInputError, NotFoundError
from textloop.spans import Span, decode_spans, encode_spans
from textloop.stages.label.queue import encode_labels
from textloop.storage import Store, annotation_log, jsoncol, predictions, records
from textloop.tasks import ValueProblem, task_for
from textloop.texts import normalize_text, record_id, text_fix, text_problem
from textloop.types import AnnotationKind, SourceKind


@dataclass(frozen=True)
class Feedback:
    id: int
    request_id: str
    idx: int
    label: str
    record_id: str | None
    annotation_id: int | None
    spans: list[Span] | None = None
    """The stored spans, for span feedback (``label`` then holds them encoded)."""


def record_feedback(store: Store, project: Project, *, request_id: str, idx: int,
                    label: str | None = None, spans: Sequence[Span] | None = None,
                    api_key: str | None, flush: Callable[[], object] | None = None) -> Feedback:
    """Store ``label`` (on a span project: ``spans``, every true span of the text) as the
    truth for prediction ``idx`` of ``request_id``.

    ``flush`` waits for the prediction log to be written: feedback sent right after the
    answer may arrive before its row is in the store.
    """
    _check_kind(project, label, spans)
    value = "" if label is None else _label_value(project, label)
    prediction = _logged(store, request_id, idx, flush)
    if api_key is not None and prediction["api_key"] not in (None, api_key):
        raise _not_logged(request_id, idx)  # another client's request: as if unknown
    checked = None
    stored = label or ""
    if spans is not None:  # a span project (_check_kind): checked against the logged text
        value, checked = _spans_value(project, prediction, spans)
        stored = value
    with store.write() as conn:
        rid = record_of_prediction(conn, prediction)
        annotation = None if rid is None else annotation_log.add_one(
            conn, record_id=rid, label=value, kind=AnnotationKind.PRODUCTION.value,
            annotator=f"api:{api_key or 'anonymous'}",
            meta=jsoncol.dumps({"request_id": request_id, "idx": idx}))
        feedback_id = predictions.add_feedback(conn, request_id=request_id, idx=idx,
                                               label=stored, api_key=api_key, record_id=rid,
                                               annotation_id=annotation)
    return Feedback(feedback_id, request_id, idx, stored, rid, annotation, checked)


def _check_kind(project: Project, label: str | None, spans: Sequence[Span] | None) -> None:
    """A span project's feedback carries spans, any other's a label (the Task says which),
    refused before the prediction log is read."""
    if task_for(project).value_kind != "spans":
        if spans is not None or label is None:
            raise InvalidInputError(
                f"feedback on {project.spec.name} takes a label"
                + (", not spans" if spans is not None else "; none was sent"),
                hint='send {"request_id": "...", "index": 0, "label": "..."}', field="label")
    elif label is not None or spans is None:
        raise InvalidInputError(
            f"feedback on {project.spec.name}, a span project, takes spans"
            + (", not a label" if label is not None else "; none were sent"),
            hint='send "spans": [{"start": 0, "end": 3, "label": "PER"}] (every true span '
                 'of the text, in code points; [] when it has none)', field="spans")


def _spans_value(project: Project, prediction: dict[str, Any], spans: Sequence[Span]
                 ) -> tuple[str, list[Span]]:
    """The stored form of corrected spans, checked against the logged text as a labeling
    answer is (``Task.check_value``: offsets in code points inside the text, known labels,
    ``spans.overlapping``). Offsets can only be checked against the text itself, so a server
    that logs no full text (``serving.log_texts: hash`` or ``none``) cannot take them."""
    where = f"prediction {prediction['idx']} of request {prediction['request_id']!r}"
    if prediction["spans"] is None:
        raise InvalidInputError(f"{where} was not answered with spans (a /v1/classify answer)",
                                hint="send a label for it, or spans for a /v1/extract answer",
                                field="spans")
    if prediction["text"] is None:
        raise InvalidInputError(f"{where} was logged without its text, so corrected spans "
                                "cannot be checked against it",
                                hint="span feedback needs serving.log_texts: full (the "
                                     "default) when the text is extracted", field="spans")
    try:
        value = task_for(project).check_value(encode_spans(spans), project.spec,
                                              prediction["text"])
    except ValueProblem as exc:
        raise InvalidInputError(f"spans for {where}: {exc}", hint=exc.fix,
                                field="spans") from None
    return value, decode_spans(value)


def _label_value(project: Project, label: str) -> str:
    """The stored form of the label, checked as a labeling answer is (``encode_labels``):
    feedback becomes an annotation like any other, so it must obey the same rules."""
    if not project.spec.label_names:
        raise InvalidInputError("feedback takes a label, and this project has none "
                                f"(a {project.spec.task} task)",
                                hint="feedback is for classification projects")
    return encode_labels(project, [label])


def _logged(store: Store, request_id: str, idx: int,
            flush: Callable[[], object] | None) -> dict[str, Any]:
    for attempt in range(2):
        with store.read() as conn:
            row = predictions.get(conn, request_id, idx)
        if row is not None:
            return row
        if attempt == 0 and flush is not None:
            flush()
    raise _not_logged(request_id, idx)


def _not_logged(request_id: str, idx: int) -> NotFoundError:
    return NotFoundError(f"no logged prediction {idx} of request {request_id!r}",
                         hint="send the request_id (and index) of a /v1/classify answer made "
                              "with the same API key; a row dropped by a full prediction log "
                              "cannot take feedback")


def record_of_prediction(conn: Connection, prediction: dict[str, Any]) -> str | None:
    """The id of the record holding the prediction's text, created when the text is logged."""
    digest = prediction["text_hash"]
    if digest is None:
        return None
    rid = record_id(digest)
    if records.get_many(conn, [rid]):
        return rid
    if prediction["text"] is None:
        return None
    text = normalize_text(prediction["text"])
    problem = text_problem(text)
    if problem is not None:  # logged before serving checked texts: never a record
        raise InvalidInputError(f"the text of prediction {prediction['idx']} of request "
                                f"{prediction['request_id']!r} cannot become a record: it "
                                f"{problem}", hint="feedback on it cannot be stored; "
                                                   f"{text_fix(problem)} and classify it again")
    records.insert(conn, [{
        "id": rid, "content_hash": digest, "text": text, "meta": "{}",
        "source_kind": SourceKind.PRODUCTION.value,
        "source_ref": f"prediction:{prediction['request_id']}/{prediction['idx']}",
        "created_at": prediction["created_at"]}])
    return rid
