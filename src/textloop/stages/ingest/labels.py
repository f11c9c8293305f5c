"""Is a label from the file one the project knows? If not: a close match, or ``--add-labels``.

A label added with ``--add-labels`` must also be a valid name in ``textloop.yaml``; that is
checked on the row that introduces it, so a bad one is reported with its line instead of
failing when the spec is saved at the end of the import.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from pydantic import ValidationError

from textloop.config import Label, ProjectSpec, look_alike_problem
from textloop.spans import Span, SpanError, decode_spans, encode_spans
from textloop.stages.ingest.rows import RowError
from textloop.stages.ingest.source import RawRow
from textloop.tasks import Task, ValueProblem
from textloop.texts import normalize_text, normalized_offsets

_SHOWN = 10


class LabelCheck:
    """Checks each row's label against the spec, collecting new ones when allowed."""

    def __init__(self, known: Iterable[str], column: str | None, add_labels: bool) -> None:
        self.known = set(known)
        self.column = column
        self.add_labels = add_labels
        self._new: dict[str, Label] = {}

    def check(self, row: RawRow, label: str | None, text: str = "") -> str | None:
        """The label to store (as given), or a row error saying how to fix it."""
        if label is None or label in self.known or label in self._new:
            return label
        if self.add_labels:
            self._new[label] = self._valid_label(row, label)
            return label
        known = sorted(self.known)
        shown = ", ".join(known[:_SHOWN]) + (" ..." if len(known) > _SHOWN else "")
        close = [k for k in known if look_alike_problem(label, [k]) is not None]
        close = close or difflib.get_close_matches(label, known, n=1)
        guess = f"; did you mean {close[0]!r}?" if close else ""
        raise RowError(row, f"label {label!r} is not in textloop.yaml (labels: {shown or 'none'})"
                            f"{guess}", self.column,
                       fix="add the label to textloop.yaml, map it with --label-map "
                           f"'{label}=NAME', or pass --add-labels")

    def _valid_label(self, row: RawRow, label: str) -> Label:
        try:
            valid = Label(name=label)
        except ValidationError as exc:
            reason = exc.errors()[0]["msg"].removeprefix("Value error, ")
            raise RowError(row, f"label {label!r} cannot be added to textloop.yaml: {reason}",
                           self.column, fix="rename it with --label-map "
                                            f"'{label}=NAME'") from None
        for other in [*self.known, *self._new]:
            problem = look_alike_problem(label, [other])
            if problem is not None:
                raise RowError(row, problem, self.column,
                               fix=f"map it to that label with --label-map '{label}={other}', "
                                   "or fix the label in the file")
        return valid

    def new_labels(self) -> list[Label]:
        """Labels met in the file and not in the spec, in the order first seen."""
        return list(self._new.values())


class ValueCheck:
    """A value the project's task checks itself (a regression target: a number within
    ``target``'s range; spans: offsets within the record's text), stored in the task's
    canonical spelling."""

    def __init__(self, task: Task, spec: ProjectSpec, column: str | None) -> None:
        self.task = task
        self.spec = spec
        self.column = column

    def check(self, row: RawRow, label: str | None, text: str = "") -> str | None:
        if label is None:
            return None
        try:
            return self.task.check_value(label, self.spec, text)
        except ValueProblem as problem:
            raise RowError(row, str(problem), self.column, fix=problem.fix) from None

    def new_labels(self) -> list[Label]:
        """Such a task has no labels to add."""
        return []


class SpanCheck(ValueCheck):
    """Spans whose labels go through ``LabelCheck`` first (the usual unknown-label error, or
    ``--add-labels``), then the task's own check of offsets and overlaps.

    A label added on an earlier row counts as known for later rows: the task checks the
    value against the spec as it will be saved, labels added so far included. Offsets
    count characters of the text as the file holds it (``text_column`` of the row); the
    record stores it normalised (``normalize_text``), so the spans are moved with it.
    """

    def __init__(self, task: Task, spec: ProjectSpec, column: str | None,
                 add_labels: bool, text_column: str | None = None) -> None:
        super().__init__(task, spec, column)
        self.names = LabelCheck(spec.label_names, column, add_labels)
        self.text_column = text_column
        self._added = 0

    def check(self, row: RawRow, label: str | None, text: str = "") -> str | None:
        if label is None:
            return None
        try:
            spans = decode_spans(label)
        except SpanError as problem:
            raise RowError(row, str(problem), self.column, fix=problem.fix) from None
        for name in dict.fromkeys(span.label for span in spans):
            self.names.check(row, name)
        added = self.names.new_labels()
        if len(added) != self._added:
            self.spec = self.spec.model_copy(update={"labels": [*self.spec.labels, *added[
                self._added:]]})
            self._added = len(added)
        raw = row.fields.get(self.text_column) if self.text_column else None
        if spans and isinstance(raw, str) and raw != text:
            label = encode_spans(self._follow(row, raw, text, spans))
        return super().check(row, label, text)

    def _follow(self, row: RawRow, raw: str, text: str, spans: list[Span]) -> list[Span]:
        """The spans over ``raw`` moved onto ``text``, its normalised form; a span that
        selected only what normalising drops is a row error, not a silent deletion."""
        if normalize_text(raw) != text:
            raise RowError(row, "the text was changed beyond trimming and line endings "
                                "(--unescape-html?), so its spans would no longer select "
                                "what they did", self.column,
                           fix="import span files without --unescape-html")
        moved = []
        for span in spans:
            if not 0 <= span.start < span.end <= len(raw):
                moved.append(span)  # the task's check reports it against the stored text
                continue
            start, end = normalized_offsets(raw, (span.start, span.end))
            if start >= end:
                raise RowError(row, f"span {span.start}-{span.end} ({span.label}) selects "
                                    f"only whitespace or a line break "
                                    f"({raw[span.start:span.end]!r}), which import trims from "
                                    "the text", self.column,
                               fix="remove the span, or make it select some text")
            moved.append(Span(start, end, span.label))
        return moved

    def new_labels(self) -> list[Label]:
        """Span labels met in the file and not in the spec (with ``--add-labels``)."""
        return self.names.new_labels()
