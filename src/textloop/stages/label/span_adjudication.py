"""Adjudicating span records: each annotator's spans side by side, and the spans a decision
can take from them.

An adjudicator decides a disputed span record by taking one annotator's version, a merge of
all of them, or spans they edited; every decision is stored by ``queue.adjudicate``, which
checks it against the record's text, labels and ``spans.overlapping``. The merges:

- ``union``: every span anyone marked. In a project whose spans may not overlap, a union
  whose spans overlap is refused, naming the two spans: the adjudicator takes one version
  or edits instead (nothing is stored).
- ``majority``: the spans more than half of the annotators marked exactly
  (``spans.voting``); a span exactly half marked is left out (with two annotators: the
  spans both marked). The majority of non-overlapping answers never overlaps.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from textloop.config import Project
from textloop.errors import InvalidInputError, NotFoundError
from textloop.spans import Span, SpanError, canonical, decode_spans
from textloop.spans.voting import span_majority
from textloop.stages.label.queue import adjudicate, disputes, latest_answers
from textloop.storage import Store, annotation_log, records

MERGES = ("union", "majority")


@dataclass(frozen=True)
class SpanVersions:
    """A record's text and each annotator's standing spans on it (code points)."""

    record_id: str
    text: str
    versions: dict[str, list[Span]]

    def taken(self, annotator: str) -> list[Span]:
        """One annotator's spans, as they stand."""
        if annotator not in self.versions:
            raise NotFoundError(f"{annotator!r} has no answer on record {self.record_id}",
                                hint="reload the adjudication page")
        return self.versions[annotator]

    def merged(self, how: str, *, overlapping: bool) -> list[Span]:
        """The ``union`` or ``majority`` of the versions (see the module); a union with
        overlapping spans in a project whose spans may not overlap is refused."""
        if how == "union":
            spans = canonical(s for version in self.versions.values() for s in version)
        elif how == "majority":
            spans = span_majority(self.versions).spans
        else:
            raise InvalidInputError(f"unknown merge {how!r}", hint=f"use {' or '.join(MERGES)}")
        if not overlapping:
            for a, b in itertools.pairwise(spans):
                if a.overlaps(b):
                    raise InvalidInputError(
                        f"record {self.record_id}: the {how} of the annotators' spans has "
                        f"overlapping spans {a.start}-{a.end} ({a.label}) and "
                        f"{b.start}-{b.end} ({b.label}), and this project's spans may not "
                        "overlap (spans.overlapping: false)",
                        hint="take one annotator's version, or edit the spans and remove one")
        return spans


def span_versions(store: Store, record_id: str) -> SpanVersions:
    """The record's text and every annotator's standing spans on it."""
    with store.read() as conn:
        found = records.get_many(conn, [record_id])
        if not found:
            raise NotFoundError(f"no record {record_id!r}", hint="reload the adjudication page")
        answers = latest_answers(annotation_log.human_votes(conn, [record_id]))
    return _versions(record_id, found[0].text, answers.get(record_id, {}))


def span_disputes(store: Store) -> list[SpanVersions]:
    """``queue.disputes`` with each annotator's spans decoded: what the page shows."""
    return [_versions(d.record_id, d.text, d.votes) for d in disputes(store)]


def _versions(record_id: str, text: str, answers: dict[str, str]) -> SpanVersions:
    try:
        decoded = {name: decode_spans(value) for name, value in sorted(answers.items())}
    except SpanError as exc:
        raise InvalidInputError(f"record {record_id}: a stored answer is not a span list "
                                f"({exc})", hint="the project's task was changed after "
                                                 "labeling; set task back in textloop.yaml"
                                ) from None
    return SpanVersions(record_id, text, decoded)


def decide_spans(store: Store, project: Project, adjudicator: str, versions: SpanVersions, *,
                 take: str | None = None, merge: str | None = None,
                 edited: Sequence[Span] | None = None, reason: str = "") -> str:
    """Store an adjudicator's decision on a span record: one annotator's version (``take``),
    a merge of all (``merge``), or spans they edited (``edited``, code points); exactly one
    of the three. How it was made is kept with the reason (``took anna's version: ...``),
    which is returned as stored."""
    given = [choice for choice in (take, merge, edited) if choice is not None]
    if len(given) != 1:
        raise InvalidInputError(f"a decision takes one version, merges, or gives edited "
                                f"spans; got {len(given)} of these",
                                hint="press one of the decision buttons")
    if take is not None:
        spans, how = versions.taken(take), f"took {take}'s version"
    elif merge is not None:
        spans = versions.merged(merge, overlapping=project.spec.spans.overlapping)
        how = f"{merge} of the answers"
    else:
        spans, how = list(edited or []), "edited spans"
    reason = reason.strip()
    note = f"{how}: {reason}" if reason else how
    adjudicate(store, project, adjudicator, versions.record_id, reason=note, spans=spans)
    return note
