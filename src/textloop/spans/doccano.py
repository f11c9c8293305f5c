"""doccano's sequence-labeling JSONL: ``{"text": ..., "label": [[start, end, "LABEL"], ...]}``
(older exports, and ``"data"`` for the text in some versions) or the newer
``{"text": ..., "entities": [{"id", "label", "start_offset", "end_offset"}], "relations": []}``.

doccano counts offsets in code points (its backend is Python), so they are read as such.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from textloop.spans.core import Span, SpanError, span_from
from textloop.spans.records import (
    Item,
    Record,
    RecordError,
    checked,
    json_lines_items,
    public_meta,
    strict_reader,
    text_of,
    write_atomically,
)

FORMS = ("label", "entities")


def doccano_items(path: str | Path) -> Iterator[Item]:
    """The records of a doccano export, with a ``RecordError`` in the place of a line that
    is not JSON or whose spans do not fit its text; meta keeps the record's ``id`` and
    other fields."""
    def record(number: int, value: dict[str, Any]) -> Record:
        field = "text" if "text" in value else "data"
        text = text_of(path, number, value.get(field), field)
        try:
            spans = _spans(value)
        except SpanError as exc:
            raise RecordError(path, number, str(exc), exc.fix) from None
        meta = {k: v for k, v in value.items()
                if k not in (field, "label", "entities", "relations")}
        return Record(text, checked(path, number, text, spans), {**meta, "line": number})

    return json_lines_items(path, record)


read_doccano = strict_reader(doccano_items)
"""The records of a doccano export (see ``doccano_items``); raises at the first bad line."""


def _spans(value: dict[str, Any]) -> list[Span]:
    if "entities" in value:
        items = value["entities"]
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            raise SpanError('"entities" must be a list of objects',
                            fix='write {"label": "PER", "start_offset": 0, "end_offset": 4}')
        return [span_from({"start": i.get("start_offset"), "end": i.get("end_offset"),
                           "label": i.get("label")}) for i in items]
    items = value.get("label", [])
    if not isinstance(items, list):
        raise SpanError('"label" must be a list of [start, end, "LABEL"]',
                        fix="export the project as sequence labeling (JSONL)")
    if any(isinstance(i, str) for i in items):
        raise SpanError('"label" holds class names, not spans: this is a text-classification '
                        "export", fix="export the project as sequence labeling (JSONL)")
    return [span_from(i) for i in items]


def write_doccano(records: Iterable[Record], path: str | Path, *, form: str = "label"
                  ) -> None:
    """Write records for doccano import: ``form="label"`` (``[[start, end, label]]``, read
    by every version) or ``"entities"`` (the newer export form)."""
    if form not in FORMS:
        raise SpanError(f"unknown doccano form {form!r}", fix='use "label" or "entities"')

    def lines() -> Iterator[str]:
        for record in records:
            value: dict[str, Any] = {**public_meta(record.meta), "text": record.text}
            if form == "label":
                value["label"] = [[s.start, s.end, s.label] for s in record.spans]
            else:
                value["entities"] = [{"id": i, "label": s.label, "start_offset": s.start,
                                      "end_offset": s.end}
                                     for i, s in enumerate(record.spans, 1)]
                value.setdefault("relations", [])
            yield json.dumps(value, ensure_ascii=False) + "\n"

    write_atomically(path, lines())
