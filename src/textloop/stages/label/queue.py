"""Labeling actions, one function per key an annotator presses.

The web app (and any other front end) calls only these. Each action is one short write
transaction, stored at once: closing the browser loses nothing, and the next request
resumes at the annotator's open assignment. Annotators act at the same time, so each action
runs through ``Store.run_write``: a transaction PostgreSQL rolls back over a conflict with
another annotator's is run again instead of reaching the page, and taking the next item
(which finds the one already taken on a second run) is run again after a lost connection.
Annotators never see each other's answers here; only adjudicators see them, through
``disputes``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection

from textloop.config import Project
from textloop.errors import ConflictError, InvalidInputError, NotFoundError
from textloop.spans import Span, encode_spans
from textloop.stages.label import span_answers
from textloop.storage import Store, annotation_log, comments, imports, queue, records
from textloop.tasks import ValueProblem, task_for
from textloop.texts import check_text, has_html_markup
from textloop.types import AnnotationKind

if TYPE_CHECKING:
    from textloop.spans.matching import Token
    from textloop.strategies.span_suggest import SuggestedSpan

MAX_COMMENT = 2000


@dataclass(frozen=True)
class LabelingItem:
    """What the labeling view shows for one record."""

    record_id: str
    text: str
    meta: dict[str, Any]
    suggestion: str | None
    confidence: float | None
    remaining: int
    """Items still to come for this annotator, counted up to ``queue.REMAINING_CAP``."""
    picked_because: str | None = None
    """Why a record came back from production (``production REQUEST/IDX: disputed ...``);
    None for the project's own suggestions, whose strategy name means nothing to annotators."""
    withheld_below: float | None = None
    """The confidence a suggestion needs, when the model's guess fell short of it and was
    withheld (``suggestion`` is then None); None when nothing was withheld."""
    shown_as: str | None = None
    """How HTML that came with the text is shown (see ``html_note``); None when it has none."""
    tokens: tuple[Token, ...] = ()
    """Span projects: the text's tokens (code points), which the page's cursor moves over."""
    spans: tuple[Span, ...] = ()
    """Span projects: spans the annotator starts with, as their own (what they answered
    before an undo, and suggestions they accepted in teach mode); empty otherwise."""
    suggested_spans: tuple[SuggestedSpan, ...] = ()
    """Span projects: proposals from the project's suggesters, shown apart from the
    annotator's spans and stored only once accepted; none they already decided on."""

    def page_view(self) -> span_answers.PageView:
        """The text, spans and suggestions in the page's units (UTF-16)."""
        return span_answers.page_view(self.text, self.tokens, self.spans,
                                      self.suggested_spans)

    @property
    def remaining_text(self) -> str:
        """"1,000+" once the count reached its cap, the exact count below it."""
        capped = self.remaining >= queue.REMAINING_CAP
        return f"{self.remaining:,}{'+' if capped else ''}"


@dataclass(frozen=True)
class Dispute:
    record_id: str
    text: str
    votes: dict[str, str]  # annotator -> label
    suggestion: str | None = None


@dataclass
class Undone:
    record_id: str
    label: str


def decode_labels(value: str | None) -> list[str]:
    """An answer as stored (a label, or a JSON list for multi-label tasks) as a list."""
    if not value:
        return []
    if value.startswith("["):
        try:
            decoded = json.loads(value)
        except ValueError:
            return [value]
        if isinstance(decoded, list):
            return [str(v) for v in decoded]
    return [value]


def encode_labels(project: Project, labels: Sequence[str]) -> str:
    """The stored form of an answer: the label, or a JSON list for multi-label tasks."""
    known = set(project.spec.label_names)
    unknown = [lab for lab in labels if lab not in known]
    if unknown:
        raise InvalidInputError(f"unknown label {unknown[0]!r} (known labels: "
                                f"{', '.join(project.spec.label_names)})",
                                hint="use one of the project's labels")
    if task_for(project).value_kind == "labels":  # several labels per answer
        return json.dumps(sorted(set(labels)), ensure_ascii=False)
    if len(labels) != 1:
        raise InvalidInputError(f"expected exactly one label, got {len(labels)}",
                                hint="this project is single-label (task: classification)")
    return labels[0]


def next_item(store: Store, annotator: str, *, min_confidence: float = 0.0,
              project: Project | None = None) -> LabelingItem | None:
    """The annotator's open assignment, or a newly claimed one; None when nothing is left.

    A suggestion less confident than ``min_confidence`` (``labeling.suggest_min_confidence``)
    is withheld, as is one of unknown confidence when a minimum is set: shown as the default
    answer, a coin flip would anchor the annotator instead of helping. Given the
    ``project`` of a span task, the item also carries the text's tokens, the spans the
    annotator starts with and the suggesters' proposals.
    """
    spanning = project is not None and span_answers.is_span_project(project)
    claimed = store.run_write(lambda conn: _claim(conn, annotator, spanning), idempotent=True)
    if claimed is None:
        return None
    assignment, record, remaining, import_options, (spans, decided) = claimed
    strategy = str(assignment.get("strategy") or "")
    suggestion, confidence = assignment["suggestion"], assignment["confidence"]
    withheld = suggestion is not None and min_confidence > 0 and (
        confidence is None or confidence < min_confidence)
    if withheld:
        suggestion = confidence = None
    item = LabelingItem(record.id, record.text, record.meta, suggestion, confidence, remaining,
                        strategy if strategy.startswith(queue.PRODUCTION_STRATEGY) else None,
                        withheld_below=min_confidence if withheld else None,
                        shown_as=html_note(record.text, import_options))
    if project is None or not spanning:
        return item
    kept = set(spans) | decided
    suggested = [s for s in span_answers.suggestions_for(store, project, record.text)
                 if s.span not in kept]
    # a span project's queue item holds the learner's spans (``QueuedLearnerSuggester``):
    # they are among ``suggested``, not a class label to show as "Model suggests"
    return replace(item, tokens=span_answers.tokens_of(record.text), spans=tuple(spans),
                   suggested_spans=tuple(suggested), suggestion=None, confidence=None,
                   withheld_below=None)


def _claim(conn: Connection, annotator: str, spanning: bool) -> tuple[Any, ...] | None:
    """The annotator's open assignment (claimed now if there is none) and what the page
    shows with it, read in the same transaction; None when nothing is left."""
    assignment = queue.open_assignment(conn, annotator) or queue.claim_next(conn, annotator)
    if assignment is None:
        return None
    (record,) = records.get_many(conn, [assignment["record_id"]])
    start: tuple[list[Span], set[Span]] = (
        span_answers.starting_point(conn, annotator, record.id) if spanning else ([], set()))
    return (assignment, record, queue.remaining_for(conn, annotator),
            imports.options_for_record(conn, record.id), start)


def html_note(text: str, import_options: dict[str, Any] | None) -> str | None:
    """What the labeling page says about HTML that came with a record's text.

    The page always displays text escaped (a record never renders as HTML), so ``<br />``
    and ``&amp;`` in the stored text appear as those characters; an annotator should know
    whether that is what the author typed or what ``--unescape-html`` already resolved.
    """
    if import_options and import_options.get("unescape_html"):
        return ("shown as imported: HTML entities and <br /> line breaks were unescaped at "
                "import (--unescape-html)")
    if has_html_markup(text):
        return ("shown as typed: the text contains HTML markup, displayed literally (import "
                "with --unescape-html to turn entities and <br /> into characters and line "
                "breaks)")
    return None


def submit(store: Store, project: Project, annotator: str, record_id: str,
           labels: Sequence[str] | Sequence[Span], comment: str | None = None, *,
           utf16: bool = False) -> None:
    """Store the annotator's answer for a record they hold, and close the assignment.

    The answer is labels, or for a span project the list of spans the annotator ends with
    (code points; ``utf16`` when they come from a page counting UTF-16 units), checked
    against the record's text; an empty list of spans means "nothing to mark".
    """
    spanning = span_answers.is_span_project(project)
    value = "" if spanning else encode_labels(project, [str(label) for label in labels])
    note = _clean_comment(comment) if comment else None

    def store_answer(conn: Connection) -> None:
        assignment = _held(conn, annotator, record_id)
        stored = (_span_value(conn, project, record_id, labels, utf16=utf16) if spanning
                  else value)
        annotation_log.add_one(conn, record_id=record_id, label=stored,
                               kind=AnnotationKind.HUMAN.value, annotator=annotator,
                               comment=note)
        queue.mark_answered(conn, assignment)

    store.run_write(store_answer)


def _span_value(conn: Connection, project: Project, record_id: str,
                answer: Sequence[str] | Sequence[Span], *, utf16: bool) -> str:
    """A span answer's stored value, checked against the record's text."""
    spans = [span for span in answer if isinstance(span, Span)]
    if len(spans) != len(answer):
        raise InvalidInputError("a span project's answer is a list of spans, not labels",
                                hint="mark spans in the text, or answer with an empty list")
    (record,) = records.get_many(conn, [record_id])
    if utf16:
        spans = span_answers.spans_from_page(record.text, spans)
    return span_answers.check_answer(project, record.text, spans)


def skip(store: Store, annotator: str, record_id: str) -> None:
    store.run_write(lambda conn: queue.mark_skipped(conn, _held(conn, annotator, record_id)))


def undo(store: Store, annotator: str) -> Undone | None:
    """Take back the annotator's latest answer; its record becomes their current item."""
    def take_back(conn: Connection) -> Undone | None:
        latest = annotation_log.latest_by(conn, annotator, (AnnotationKind.HUMAN.value,))
        if latest is None:
            return None
        annotation_log.retract(conn, latest["id"])
        assignment = queue.assignment_for(conn, annotator, latest["record_id"])
        if assignment is not None:
            queue.reopen(conn, assignment)
        return Undone(latest["record_id"], latest["label"])

    return store.run_write(take_back)


def add_comment(store: Store, annotator: str, record_id: str, text: str) -> None:
    """A note on a record routed to this annotator (others' records stay out of reach)."""
    note = _clean_comment(text)
    with store.write() as conn:
        if queue.assignment_for(conn, annotator, record_id) is None:
            raise NotFoundError(f"record {record_id} is not in {annotator}'s queue",
                                hint="comment on the record shown on your labeling page")
        comments.add(conn, record_id, annotator, note)


def latest_answers(votes: Iterable[tuple[str, str, str, str, float]]
                   ) -> dict[str, dict[str, str]]:
    """record_id -> {annotator: answer} from (record_id, annotator, answer, kind, at) rows in
    insertion order (``annotation_log.human_votes``): later answers replace earlier ones;
    adjudications and review decisions are left out."""
    out: dict[str, dict[str, str]] = {}
    for record_id, annotator, label, kind, _ in votes:
        if kind == AnnotationKind.HUMAN.value:
            out.setdefault(record_id, {})[annotator] = label
    return out


def disputes(store: Store) -> list[Dispute]:
    """Records whose human answers disagree and that no adjudicator or reviewer decided yet."""
    with store.read() as conn:
        votes = annotation_log.human_votes(conn)
        decided = {record_id for record_id, _, _, kind, _ in votes
                   if kind in (AnnotationKind.ADJUDICATED.value, AnnotationKind.REVIEW.value)}
        by_record = latest_answers(votes)  # a decision (adjudication or review) settles it
        ids = [r for r, answers in by_record.items()
               if r not in decided and len(set(answers.values())) > 1]
        texts = {r.id: r.text for r in records.get_many(conn, ids)}
    return [Dispute(r, texts[r], by_record[r]) for r in ids if r in texts]


def adjudicate(store: Store, project: Project, adjudicator: str, record_id: str,
               labels: Sequence[str] = (), reason: str = "", *,
               spans: Sequence[Span] | None = None) -> None:
    """An adjudicator's final answer, which outranks annotators' votes: ``labels`` in a
    classification project, ``spans`` (code points over the record's text; an empty list
    says "nothing to mark") in a span project. Spans are checked by the task against the
    record's text, labels and ``spans.overlapping`` before anything is stored."""
    task = task_for(project)
    if (spans is not None) != (task.value_kind == "spans"):
        wanted = "spans" if task.value_kind == "spans" else "labels"
        raise InvalidInputError(f"a decision in a {task.name} project gives {wanted}",
                                hint="reload the adjudication page")
    value = encode_labels(project, labels) if spans is None else encode_spans(spans)
    note = _clean_comment(reason, "reason") if reason else None
    with store.write() as conn:
        found = records.get_many(conn, [record_id])
        if not found:
            raise NotFoundError(f"no record {record_id!r}", hint="reload the adjudication page")
        if spans is not None:
            try:
                value = task.check_value(value, project.spec, found[0].text)
            except ValueProblem as problem:
                raise InvalidInputError(f"record {record_id}: {problem}",
                                        hint=problem.fix) from None
        annotation_log.add_one(conn, record_id=record_id, label=value,
                               kind=AnnotationKind.ADJUDICATED.value, annotator=adjudicator,
                               comment=note)


@dataclass
class QueueStatus:
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def waiting(self) -> int:
        return self.counts.get(queue.OPEN, 0) + self.counts.get(queue.FULL, 0)

    @property
    def total(self) -> int:
        """Every record queued so far and not withdrawn: the waiting ones and the answered."""
        return self.waiting + self.counts.get(queue.DONE, 0)


def queue_status(store: Store) -> QueueStatus:
    with store.read() as conn:
        return QueueStatus(queue.counts(conn))


def _held(conn: Connection, annotator: str, record_id: str) -> dict[str, Any]:
    """The annotator's open assignment for this record, or a clear refusal."""
    assignment = queue.assignment_for(conn, annotator, record_id)
    if assignment is None:
        raise NotFoundError(f"record {record_id} is not in {annotator}'s queue",
                            hint="reload the page to get your next record")
    if assignment["status"] != queue.OPEN:
        raise ConflictError(f"record {record_id} was already {assignment['status']}",
                            hint="press U to undo your last answer instead")
    return assignment


def _clean_comment(text: str, field: str = "comment") -> str:
    """A note as stored: checked before any write, because the page's forms (unlike the JSON
    API's models) hand over raw strings, and a NUL or lone surrogate stored here would fail
    later (on PostgreSQL, or in an export) far from the request that sent it."""
    text = check_text(text, field).strip()
    if not text:
        raise InvalidInputError("the comment is empty", hint="type a comment or press Escape")
    if len(text) > MAX_COMMENT:
        raise InvalidInputError(f"the comment has {len(text)} characters (limit {MAX_COMMENT})",
                                hint="shorten it")
    return text
