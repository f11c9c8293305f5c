"""Label Studio's JSON export: a list of tasks, each ``{"id", "data": {"text": ...},
"annotations": [{"id", "result": [{"type": "labels", "value": {"start", "end", "text",
"labels": [...]}}], ...}]}``.

The browser counts offsets in UTF-16 units, and exports may carry them as such: after an
emoji outside the Basic Multilingual Plane they differ from code points. Each result quotes
its ``value.text``, so the offsets are read as code points when they select it and as UTF-16
units when those do, decided once per file (``read_label_studio``); records read so have
``utf16: true`` in their meta.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, NamedTuple

from textloop.spans.core import Span, SpanError, from_utf16, span_from, to_utf16
from textloop.spans.records import (
    Item,
    Record,
    RecordError,
    attempt,
    checked,
    input_error,
    public_meta,
    read_text,
    span_readings,
    strict_reader,
    text_of,
    unquoted,
    write_atomically,
)

OFFSETS = ("auto", "codepoints", "utf16")


Region = tuple[dict[str, Any], str]
"""A labeled region of an annotation: its ``value`` and one of its labels."""


class _Task(NamedTuple):
    """A task as read: its line, the task, its text and the annotations kept with their
    labeled regions."""

    line: int
    task: dict[str, Any]
    text: str
    annotations: list[tuple[dict[str, Any], list[Region]]]


def label_studio_items(path: str | Path, *, text_key: str = "text",
                       all_annotations: bool = False, offsets: str = "auto"
                       ) -> Iterator[Item]:
    """One record per task from its first annotation that was not cancelled (or, with
    ``all_annotations``, one per annotation), with a ``RecordError`` in the place of a task
    that is not an object, has no text or has a span that does not fit it. Tasks without
    an annotation are skipped: they were not labeled. Meta: ``line`` of the task,
    ``task``, ``annotation``, ``annotator``, and ``utf16: true`` when the file's offsets
    were read as UTF-16 units.

    ``offsets="auto"`` decides for the whole file (one export counts one way): UTF-16 units
    if some span selects its quoted text only so, else code points; a file where some spans
    read only one way and others only the other is an error. Where every span reads both
    ways (no character outside the Basic Multilingual Plane before them, or a repeated
    text), code points are assumed: pass ``offsets="utf16"`` to override.
    """
    if offsets not in OFFSETS:
        raise input_error(path, None, f"unknown offsets {offsets!r}",
                          f"use one of {', '.join(OFFSETS)}")
    tasks = [attempt(_read_task, path, number, task, text_key, all_annotations)
             for number, task in _tasks(path)]
    if offsets == "auto":
        offsets = _offset_unit(path, [t for t in tasks if isinstance(t, _Task)])
    for task in tasks:
        if isinstance(task, RecordError):
            yield task
            continue
        for annotation, regions in task.annotations:
            yield attempt(_record, path, task, annotation, regions, offsets)


read_label_studio = strict_reader(label_studio_items)
"""The records of a Label Studio export (see ``label_studio_items``); raises at the first
bad task."""


def _read_task(path: str | Path, number: int, task: Any, text_key: str,
               all_annotations: bool) -> _Task:
    if not isinstance(task, dict):
        raise RecordError(path, number, f"a task must be an object, got {task!r}",
                          "export the project as JSON")
    return _Task(number, task, _text(path, number, task, text_key),
                 [(annotation, list(_labeled_values(path, number, annotation)))
                  for annotation in _annotations(task, all_annotations)])


def _record(path: str | Path, task: _Task, annotation: dict[str, Any], regions: list[Region],
            offsets: str) -> Record:
    """One annotation of a task as a record, its offsets read as ``offsets`` says."""
    spans = []
    for value, label in regions:
        try:
            spans.append(_read_span(task.text, value, label, offsets))
        except SpanError as exc:
            raise RecordError(path, task.line, f"task {task.task.get('id')}: {exc} (offsets "
                              f"read as {offsets})", exc.fix) from None
    meta: dict[str, Any] = {"line": task.line, "task": task.task.get("id"),
                            "annotation": annotation.get("id"),
                            "annotator": annotation.get("completed_by")}
    if offsets == "utf16":
        meta["utf16"] = True
    return Record(task.text, checked(path, task.line, task.text, spans), meta)


def _read_span(text: str, value: dict[str, Any], label: str, offsets: str) -> Span:
    """A region's span with its offsets read as ``offsets`` says, checked against the text
    it quotes when it quotes one."""
    raw = span_from({"start": value.get("start"), "end": value.get("end"), "label": label})
    quoted = value.get("text")
    if not isinstance(quoted, str):
        if offsets != "utf16":
            return raw
        return Span(from_utf16(text, raw.start), from_utf16(text, raw.end), label)
    as_code_points, as_utf16 = span_readings(text, raw.start, raw.end, label, quoted)
    span = as_utf16 if offsets == "utf16" else as_code_points
    if span is None:
        raise unquoted(text, raw, quoted)
    return span


def _text(path: str | Path, number: int, task: dict[str, Any], text_key: str) -> str:
    data = task.get("data")
    if not isinstance(data, dict):
        raise input_error(path, number, 'a task needs a "data" object',
                          "export the project as JSON (not JSON-MIN or CSV)")
    return text_of(path, number, data.get(text_key), f"data.{text_key}")


def _annotations(task: dict[str, Any], all_annotations: bool) -> list[dict[str, Any]]:
    kept = [a for a in task.get("annotations") or []
            if isinstance(a, dict) and not a.get("was_cancelled")]
    return kept if all_annotations else kept[:1]


def _labeled_values(path: str | Path, number: int, annotation: dict[str, Any]
                    ) -> Iterator[Region]:
    """``(value, label)`` of each span region of an annotation, one per label."""
    for result in annotation.get("result") or []:
        value = result.get("value") if isinstance(result, dict) else None
        if not isinstance(value, dict) or "start" not in value:
            continue  # not a span (a choice, a relation, a rating)
        labels = value.get("labels") or []
        if not isinstance(labels, list) or not labels:
            raise RecordError(path, number, f"result {result.get('id')!r} has no labels",
                              "label every selected region")
        for label in labels:
            yield value, label


def _offset_unit(path: str | Path, tasks: list[_Task]) -> str:
    """``"utf16"`` or ``"codepoints"``: how the file's offsets count, from the spans that
    select their quoted text one way only."""
    only: dict[str, int] = {}
    for task in tasks:
        for _, regions in task.annotations:
            for value, label in regions:
                if not isinstance(value.get("text"), str):
                    continue
                try:
                    as_code_points, as_utf16 = span_readings(
                        task.text, value.get("start"), value.get("end"), label, value["text"])
                except SpanError:
                    continue  # reported when the span is read
                if (as_code_points is None) != (as_utf16 is None):
                    only.setdefault("utf16" if as_code_points is None else "codepoints",
                                    task.line)
    if len(only) == 2:
        raise input_error(path, max(only.values()), "some spans select their text only as "
                          f"code points (first at line {only['codepoints']}), others only "
                          f"as UTF-16 units (first at line {only['utf16']})",
                          'pass offsets="codepoints" or offsets="utf16" to read all one way')
    return "utf16" if "utf16" in only else "codepoints"


def _tasks(path: str | Path) -> Iterator[tuple[int, Any]]:
    """Each task of the exported list with the line it starts on (``_read_task`` checks it
    is an object)."""
    content = read_text(path)
    decoder = json.JSONDecoder()
    position = _skip(content, 0)
    if content[position:position + 1] != "[":
        raise input_error(path, content.count("\n", 0, position) + 1,
                          "expected a JSON list of tasks", "export the project as JSON")
    position = _skip(content, position + 1)
    line, counted = 1, 0  # lines are counted on from the last task, not from the start
    while position < len(content) and content[position] != "]":
        line += content.count("\n", counted, position)
        counted = position
        try:
            task, position = decoder.raw_decode(content, position)
        except json.JSONDecodeError as exc:
            raise input_error(path, exc.lineno, f"not JSON ({exc.msg}, column {exc.colno})",
                              "export the project as JSON again") from None
        yield line, task
        position = _skip(content, position)
        if content[position:position + 1] == ",":
            position = _skip(content, position + 1)


def _skip(content: str, position: int) -> int:
    while position < len(content) and content[position] in " \t\r\n":
        position += 1
    return position


def write_label_studio(records: Iterable[Record], path: str | Path, *, utf16: bool = False
                       ) -> None:
    """Write records as a Label Studio JSON import with one annotation each (``from_name``
    ``label``, ``to_name`` ``text``); ``utf16`` writes offsets as the browser counts."""
    def offset(text: str, value: int) -> int:
        return to_utf16(text, value) if utf16 else value

    tasks = []
    for index, record in enumerate(records, 1):
        results = [{"id": f"s{n}", "from_name": "label", "to_name": "text", "type": "labels",
                    "value": {"start": offset(record.text, s.start),
                              "end": offset(record.text, s.end),
                              "text": s.text_of(record.text), "labels": [s.label]}}
                   for n, s in enumerate(record.spans, 1)]
        meta = public_meta(record.meta)
        tasks.append({"id": meta.get("task", index), "data": {"text": record.text},
                      "annotations": [{"id": meta.get("annotation", index),
                                       "result": results}]})
    write_atomically(path, [json.dumps(tasks, ensure_ascii=False, indent=1), "\n"])
