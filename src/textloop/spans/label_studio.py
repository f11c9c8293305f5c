"""Label Studio's JSON export: a list of tasks, each ``{"id", "data": {"text": ...},
"annotations": [{"id", "result": [{"type": "labels", "value": {"start", "end", "text",
"labels": [...]}}], ...}]}``.

The browser counts offsets in UTF-16 units, and exports may carry them as such: after an
emoji outside the Basic Multilingual Plane they differ from code points. Each result quotes
its ``value.text``, so the offsets are read as code points when they select it and as UTF-16
units when those do (``records.located_span``); a record whose offsets needed converting has
``utf16: true`` in its meta.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from textloop.spans.core import Span, SpanError, to_utf16
from textloop.spans.records import (
    Record,
    checked,
    input_error,
    located_span,
    public_meta,
    read_text,
    text_of,
    write_atomically,
)


def read_label_studio(path: str | Path, *, text_key: str = "text",
                      all_annotations: bool = False) -> Iterator[Record]:
    """One record per task from its first annotation that was not cancelled (or, with
    ``all_annotations``, one per annotation). Tasks without one are skipped: they were not
    labeled. Meta: ``line`` of the task, ``task``, ``annotation``, ``annotator``."""
    for number, task in _tasks(path):
        data = task.get("data")
        if not isinstance(data, dict):
            raise input_error(path, number, 'a task needs a "data" object',
                              "export the project as JSON (not JSON-MIN or CSV)")
        text = text_of(path, number, data.get(text_key), f"data.{text_key}")
        annotations = [a for a in task.get("annotations") or []
                       if isinstance(a, dict) and not a.get("was_cancelled")]
        for annotation in annotations if all_annotations else annotations[:1]:
            spans: list[Span] = []
            utf16 = False
            for result in annotation.get("result") or []:
                value = result.get("value") if isinstance(result, dict) else None
                if not isinstance(value, dict) or "start" not in value:
                    continue  # not a span (a choice, a relation, a rating)
                labels = value.get("labels") or []
                if not isinstance(labels, list) or not labels:
                    raise input_error(path, number, f"result {result.get('id')!r} has no "
                                      "labels", "label every selected region")
                for label in labels:
                    try:
                        span, converted = located_span(text, value.get("start"),
                                                       value.get("end"), label,
                                                       value.get("text"))
                    except SpanError as exc:
                        raise input_error(path, number, f"task {task.get('id')}: {exc}",
                                          exc.fix) from None
                    utf16 = utf16 or converted
                    spans.append(span)
            meta: dict[str, Any] = {"line": number, "task": task.get("id"),
                                    "annotation": annotation.get("id"),
                                    "annotator": annotation.get("completed_by")}
            if utf16:
                meta["utf16"] = True
            yield Record(text, checked(path, number, text, spans), meta)


def _tasks(path: str | Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """Each task of the exported list with the line it starts on."""
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
        if not isinstance(task, dict):
            raise input_error(path, line, f"a task must be an object, got {task!r}",
                              "export the project as JSON")
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
