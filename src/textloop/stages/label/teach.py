"""Teach mode: a span record's suggestions one at a time, the most promising first, each
accepted or rejected with one key and stored at once.

A verdict is not an answer. Accepted spans become the annotator's own spans for that record
(the full editor opens with them marked, and teach mode's final Enter stores them as the
answer); rejected ones are never suggested to that annotator on that record again. The
record's answer is stored only when the annotator submits it, as in the editor, so a record
whose suggestions were all rejected still needs its Enter ("nothing to mark", or spans
added in the editor). ``U`` takes back the latest verdict or answer, whichever came last.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from textloop.config import Project
from textloop.errors import InvalidInputError
from textloop.spans import Span
from textloop.stages.label import span_answers
from textloop.stages.label.queue import LabelingItem, _held, next_item, undo
from textloop.storage import Store, annotation_log, records, span_verdicts
from textloop.types import AnnotationKind


@dataclass(frozen=True)
class Candidate:
    """One suggested span with every source that proposed it."""

    span: Span
    sources: tuple[str, ...]
    score: float | None

    @property
    def source(self) -> str:
        return " + ".join(self.sources)


@dataclass(frozen=True)
class TeachItem:
    """The record in teach mode: the suggestion to decide now (None once all are decided),
    how many wait, and what the annotator accepted so far (``item.spans``)."""

    item: LabelingItem
    target: Candidate | None
    waiting: int

    @property
    def parts(self) -> tuple[str, str, str]:
        """The text before, of and after the target span (code points, for display)."""
        text, target = self.item.text, self.target
        if target is None:
            return text, "", ""
        return (text[:target.span.start], text[target.span.start:target.span.end],
                text[target.span.end:])

    @property
    def target_posted(self) -> str:
        """The target as the page posts it back (``span_answers.page_spans``)."""
        spans = [] if self.target is None else [self.target.span]
        return span_answers.page_spans(self.item.text, spans)

    @property
    def accepted_posted(self) -> str:
        """The accepted spans as the page posts them back: teach mode's final answer."""
        return span_answers.page_spans(self.item.text, self.item.spans)

    def accepted(self) -> list[tuple[str, str]]:
        """(label, text) of each accepted span, for the list beside the text."""
        return [(span.label, span.text_of(self.item.text)) for span in self.item.spans]


def ranked(item: LabelingItem, overlapping: bool) -> list[Candidate]:
    """The item's undecided suggestions, highest value first: a span more sources agree on,
    then a higher score, then earlier in the text. Where spans may not overlap, one that
    overlaps a span already accepted is left out (accepting it would be refused)."""
    sources: dict[Span, list[str]] = defaultdict(list)
    scores: dict[Span, float | None] = {}
    for suggestion in item.suggested_spans:
        span = suggestion.span
        sources[span].append(suggestion.source)
        known = scores.get(span)
        if suggestion.score is not None and (known is None or suggestion.score > known):
            scores[span] = suggestion.score
        scores.setdefault(span, None)
    candidates = [Candidate(span, tuple(found), scores[span]) for span, found in sources.items()
                  if overlapping or not any(span.overlaps(own) for own in item.spans)]
    return sorted(candidates, key=lambda c: (-len(c.sources), -(c.score or 0.0), c.span))


def next_teach(store: Store, project: Project, annotator: str, *,
               min_confidence: float = 0.0) -> TeachItem | None:
    """The annotator's current record with its most promising undecided suggestion."""
    item = next_item(store, annotator, min_confidence=min_confidence, project=project)
    if item is None:
        return None
    candidates = ranked(item, project.spec.spans.overlapping)
    return TeachItem(item, candidates[0] if candidates else None, len(candidates))


def decide_suggestion(store: Store, project: Project, annotator: str, record_id: str,
           spans: Sequence[Span], accept: bool, *, utf16: bool = False) -> None:
    """Store one verdict on a suggested span of a record the annotator holds.

    ``spans`` holds the one span decided on (``utf16`` when posted by a page); a span no
    suggester proposed for this record, or one that cannot join the accepted spans (an
    overlap the project does not allow), is refused and nothing is stored.
    """
    if len(spans) != 1:
        raise InvalidInputError(f"a verdict is on one suggested span, got {len(spans)}",
                                hint="reload the page and decide the suggestion shown")
    with store.write() as conn:
        _held(conn, annotator, record_id)
        (record,) = records.get_many(conn, [record_id])
        (span,) = span_answers.spans_from_page(record.text, spans) if utf16 else spans
        own, decided = span_answers.starting_point(conn, annotator, record_id)
        proposed = [s.source for s in span_answers.suggestions_for(store, project, record.text)
                    if s.span == span]
        if not proposed or span in decided:
            raise InvalidInputError(f"span {span.start}-{span.end} ({span.label}) is not an "
                                    "undecided suggestion for this record",
                                    hint="reload the page and decide the suggestion shown")
        span_answers.check_answer(project, record.text, [*own, span] if accept else [span])
        span_verdicts.add(conn, record_id=record_id, annotator=annotator, start=span.start,
                          end=span.end, label=span.label, source=" + ".join(proposed),
                          verdict=span_verdicts.ACCEPTED if accept else span_verdicts.REJECTED)


def undo_teach(store: Store, project: Project, annotator: str) -> str | None:
    """Take back the annotator's latest verdict or answer, whichever came last; says what
    was taken back (None when there was nothing)."""
    with store.write() as conn:
        verdict = span_verdicts.latest_standing(conn, annotator)
        answer = annotation_log.latest_by(conn, annotator, (AnnotationKind.HUMAN.value,))
        if verdict is not None and (answer is None
                                    or verdict["created_at"] >= answer["created_at"]):
            span_verdicts.mark_undone(conn, verdict["id"])
            (record,) = records.get_many(conn, [verdict["record_id"]])
            shown = record.text[verdict["start"]:verdict["end"]]
            word = "acceptance" if verdict["verdict"] == span_verdicts.ACCEPTED else "rejection"
            return f"Took back your {word} of {verdict['label']} “{shown}”."
    undone = undo(store, annotator)
    if undone is None:
        return None
    return (f"Took back your answer “{span_answers.describe_answer(project, undone.label)}”:"
            " answer again.")
