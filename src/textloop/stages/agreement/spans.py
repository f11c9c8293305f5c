"""``textloop agreement`` for span projects: entity F1 and token kappa between annotators.

The measures are ``measures.span_agreement`` (strict and partial entity F1 per pair, per
label and overall; token-level Cohen's kappa per pair and Light's kappa over pairs; the
records whose spans differ). This module feeds them each annotator's standing spans (their
latest answer per record, undone answers left out, an empty list counting as "nothing to
mark") and adds what waits for adjudication, as the classification report does.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields

from textloop.config import Project
from textloop.errors import InvalidInputError
from textloop.measures.span_agreement import SpanAgreementReport, span_agreement
from textloop.spans import Span, SpanError, decode_spans
from textloop.stages.agreement.answers import ADJUDICATION_PATH, latest_answers
from textloop.stages.label.queue import disputes
from textloop.storage import Store, annotation_log, records


@dataclass
class SpanAgreement(SpanAgreementReport):
    """The span measures for a project, plus what waits for an adjudicator."""

    awaiting_adjudication: int = 0
    awaiting_records: list[str] = field(default_factory=list)
    """Ids of the disputed records no adjudicator or reviewer has decided yet."""
    adjudication_path: str = ADJUDICATION_PATH
    task: str = "spans"
    """Tells a reader of ``--json`` which report this is (the keys differ from
    classification's)."""


def span_agreement_report(store: Store, project: Project) -> SpanAgreement:
    """The span agreement report for the project's store (read-only)."""
    with store.read() as conn:
        stored = latest_answers(annotation_log.human_votes(conn))
        texts = {r.id: r.text for r in records.get_many(conn, sorted(stored))}
    measured = span_agreement(decoded_answers(stored), texts, labels=project.spec.label_names)
    awaiting = sorted(d.record_id for d in disputes(store))
    return SpanAgreement(**{f.name: getattr(measured, f.name) for f in fields(measured)},
                         awaiting_adjudication=len(awaiting), awaiting_records=awaiting)


def decoded_answers(stored: Mapping[str, Mapping[str, str]]) -> dict[str, dict[str, list[Span]]]:
    """record_id -> {annotator: spans} from the stored answers (span lists as JSON)."""
    return {rid: {name: _decoded(rid, name, value) for name, value in votes.items()}
            for rid, votes in stored.items()}


def _decoded(record_id: str, annotator: str, value: str) -> list[Span]:
    try:
        return decode_spans(value)
    except SpanError as exc:
        raise InvalidInputError(f"record {record_id}, annotator {annotator}: the stored answer "
                                f"is not a span list ({exc})",
                                hint="the project's task was changed after labeling; set "
                                     "task back in textloop.yaml") from None
