"""Feedback: the true label of a logged prediction, sent back by the application.

The label is checked against the project's labels and stored twice over: as a feedback row
linked to the prediction, and as a ``production`` annotation on the record of that text, so
it flows into labeling, cleaning and the next release like any other label (the weakest kind:
a person's or an import's label wins over it). The record is found by the text's content
hash; when the server logs full texts and no record has that text yet, one is created with
production provenance (``source_ref`` names the prediction). With ``log_texts: hash`` only an
existing record gets the annotation; with ``none`` the feedback row stands alone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from textloop.config import Project
from textloop.errors import InvalidInputError, NotFoundError
from textloop.storage import Store, annotation_log, jsoncol, predictions, records
from textloop.texts import normalize_text, record_id
from textloop.types import AnnotationKind, SourceKind


@dataclass(frozen=True)
class Feedback:
    id: int
    request_id: str
    idx: int
    label: str
    record_id: str | None
    annotation_id: int | None


def record_feedback(store: Store, project: Project, *, request_id: str, idx: int, label: str,
                    api_key: str | None, flush: Callable[[], object] | None = None) -> Feedback:
    """Store ``label`` as the truth for prediction ``idx`` of ``request_id``.

    ``flush`` waits for the prediction log to be written: feedback sent right after the
    answer may arrive before its row is in the store.
    """
    _check_label(project, label)
    prediction = _logged(store, request_id, idx, flush)
    with store.write() as conn:
        rid = record_of_prediction(conn, prediction)
        annotation = None if rid is None else annotation_log.add_one(
            conn, record_id=rid, label=label, kind=AnnotationKind.PRODUCTION.value,
            annotator=f"api:{api_key or 'anonymous'}",
            meta=jsoncol.dumps({"request_id": request_id, "idx": idx}))
        feedback_id = predictions.add_feedback(conn, request_id=request_id, idx=idx,
                                               label=label, api_key=api_key, record_id=rid,
                                               annotation_id=annotation)
    return Feedback(feedback_id, request_id, idx, label, rid, annotation)


def _check_label(project: Project, label: str) -> None:
    known = project.spec.label_names
    if not known:
        raise InvalidInputError("feedback takes a label, and this project has none "
                                f"(a {project.spec.task} task)",
                                hint="feedback is for classification projects")
    if label not in known:
        raise InvalidInputError(f"unknown label {label!r} (known labels: {', '.join(known)})",
                                hint="send one of the project's labels")


def _logged(store: Store, request_id: str, idx: int,
            flush: Callable[[], object] | None) -> dict[str, Any]:
    for attempt in range(2):
        with store.read() as conn:
            row = predictions.get(conn, request_id, idx)
        if row is not None:
            return row
        if attempt == 0 and flush is not None:
            flush()
    raise NotFoundError(f"no logged prediction {idx} of request {request_id!r}",
                        hint="send the request_id (and index) of a /v1/classify answer; a "
                             "row dropped by a full prediction log cannot take feedback")


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
    records.insert(conn, [{
        "id": rid, "content_hash": digest, "text": normalize_text(prediction["text"]), "meta": "{}",
        "source_kind": SourceKind.PRODUCTION.value,
        "source_ref": f"prediction:{prediction['request_id']}/{prediction['idx']}",
        "created_at": prediction["created_at"]}])
    return rid
