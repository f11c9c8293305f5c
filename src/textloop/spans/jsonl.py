"""JSONL with character spans, as Prodigy and spaCy write it: one object per line,
``{"text": ..., "spans": [{"start", "end", "label"}, ...], "meta": {...}}``.

Offsets count code points (Python's ``str`` indexing, which both tools use). Extra span
fields (``token_start``, ``token_end``) and extra top-level fields (``tokens``,
``_input_hash``) are ignored; a span that quotes its ``text`` is checked against it, and
offsets that only select it as UTF-16 units are converted (see ``records.located_span``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from textloop.spans.core import SpanError
from textloop.spans.records import (
    Item,
    Record,
    RecordError,
    checked,
    json_lines_items,
    located_span,
    public_meta,
    strict_reader,
    text_of,
    write_atomically,
)


def jsonl_items(path: str | Path, *, text_field: str = "text", spans_field: str = "spans"
                ) -> Iterator[Item]:
    """The records of a span JSONL file, with a ``RecordError`` in the place of a line that
    is not JSON or whose spans do not fit its text; meta is the line's ``meta`` object and
    ``line``."""
    def record(number: int, value: dict[str, Any]) -> Record:
        text = text_of(path, number, value.get(text_field), text_field)
        items = value.get(spans_field, [])
        if not isinstance(items, list):
            raise RecordError(path, number, f'"{spans_field}" must be a list of spans',
                              'write spans as [{"start": 0, "end": 4, "label": "PER"}]')
        spans = []
        for item in items:
            if not isinstance(item, dict):
                raise RecordError(path, number, f"a span must be an object, got {item!r}",
                                  'write each span as {"start": 0, "end": 4, "label": "PER"}')
            try:
                span = located_span(text, item.get("start"), item.get("end"),
                                    item.get("label"), item.get("text"))
            except SpanError as exc:
                raise RecordError(path, number, str(exc), exc.fix) from None
            spans.append(span)
        meta = value.get("meta")
        return Record(text, checked(path, number, text, spans),
                      {**(meta if isinstance(meta, dict) else {}), "line": number})

    return json_lines_items(path, record)


read_jsonl = strict_reader(jsonl_items)
"""The records of a span JSONL file (see ``jsonl_items``); raises at the first bad line."""


def write_jsonl(records: Iterable[Record], path: str | Path) -> None:
    """Write records as span JSONL (UTF-8, non-ASCII kept as written)."""
    def lines() -> Iterator[str]:
        for record in records:
            value: dict[str, object] = {"text": record.text,
                                        "spans": [s.to_dict() for s in record.spans]}
            meta = public_meta(record.meta)
            if meta:
                value["meta"] = meta
            yield json.dumps(value, ensure_ascii=False) + "\n"

    write_atomically(path, lines())
