"""Span files (CoNLL, span JSONL, doccano, Label Studio, Hugging Face tokens) as importer rows.

Each span reader of ``textloop.spans`` yields ``Record(text, spans, meta)``; here a record
becomes a ``RawRow`` whose ``text`` is the record's text and whose ``spans`` field is the
canonical span JSON, so the importer's one pipeline (all or nothing, ``--skip-invalid``,
dedup by content, idempotent re-import, ``--add-labels``) handles span files exactly as it
handles CSV. What a reader derived for the whole file (the tag scheme and why it was chosen,
how tokens were joined) is import provenance, kept on the ``Source``, not per-record meta.

A reader stops at the first malformed record (a broken tag sequence, offsets outside the
text) with an error naming the file and line; the import then rolls back. Problems the
importer checks per row (an unknown label, overlapping spans) can be skipped as usual.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from textloop.errors import InvalidInputError
from textloop.spans import encode_spans
from textloop.spans.records import INTERNAL_META, Record
from textloop.stages.ingest.source import SPAN_FORMATS, RawRow, ReadOptions, Source

__all__ = ["SPAN_FORMATS", "open_span_source"]

TEXT, SPANS = "text", "spans"
"""The fields a span row has besides the record's own meta."""
PROVENANCE = ("join", "scheme", "scheme_reason", "utf16")
"""Record meta that describes the whole file's reading (a Label Studio file's offsets are
UTF-16 units or code points for every task), reported once per import."""
SPLIT = "split"
"""The metadata key naming the split of a ``DatasetDict`` folder a row came from."""


def open_span_source(path: Path, fmt: str, size: int, options: ReadOptions) -> Source:
    """A ``Source`` over the records of a span file (or, for ``hf-tokens``, a dataset folder).

    Columns are the record fields seen in the first rows (``rows_with_columns``), as for
    JSON; the file is hashed whole, since the span readers do not stream bytes.
    """
    source = Source(path, fmt, None, size)
    source._rows = _rows(source, _records(path, fmt, options))
    return source


def _records(path: Path, fmt: str, options: ReadOptions) -> Iterator[Record]:
    if fmt == "conll":
        from textloop.spans.conll import read_conll

        return read_conll(path, tag_col=options.tag_col, scheme=options.scheme)
    if fmt == "spans-jsonl":
        from textloop.spans.jsonl import read_jsonl

        return read_jsonl(path)
    if fmt == "doccano":
        from textloop.spans.doccano import read_doccano

        return read_doccano(path)
    if fmt == "label-studio":
        from textloop.spans.label_studio import read_label_studio

        return read_label_studio(path)
    from textloop.spans.hf import read_hf, read_token_jsonl

    if not path.is_dir():
        return read_token_jsonl(path, scheme=options.scheme)
    splits = _dict_splits(path)
    if splits is None:
        return read_hf(path, scheme=options.scheme)
    return (Record(r.text, r.spans, {**r.meta, SPLIT: split}) for split in splits
            for r in read_hf(path, split=split, scheme=options.scheme))


def _dict_splits(path: Path) -> list[str] | None:
    """The split names of a saved ``DatasetDict`` (every split is imported, its name kept
    as metadata, as the generic ``hf`` reader does); None for a single ``Dataset``."""
    index = path / "dataset_dict.json"
    if not index.is_file():
        return None
    try:
        splits = json.loads(index.read_text(encoding="utf-8"))["splits"]
    except (OSError, ValueError, KeyError, TypeError):
        raise InvalidInputError(f"{index}: not the index a DatasetDict saves",
                                hint="save the dataset again with save_to_disk") from None
    return [str(split) for split in splits]


def _rows(source: Source, records: Iterator[Record]) -> Iterator[RawRow]:
    """One row per record; the file's hash and size once every record has been read."""
    rows_not_lines = source.path.is_dir()  # a dataset folder has rows, not lines
    for index, record in enumerate(records, 1):
        meta = record.meta
        if index == 1:
            source.provenance = {k: meta[k] for k in PROVENANCE if k in meta}
        fields: dict[str, Any] = {k: v for k, v in meta.items()
                                  if k not in INTERNAL_META and k not in PROVENANCE}
        fields[TEXT] = record.text
        fields[SPANS] = encode_spans(record.spans)
        line = int(meta.get("line", index))
        place = None
        if rows_not_lines:
            place = f"row {line}" + (f" of {meta[SPLIT]!r}" if SPLIT in meta else "")
        yield RawRow(line, fields, place=place)
    if source.path.is_dir():
        for file in sorted(p for p in source.path.rglob("*") if p.is_file()):
            source.meter.hash_file(file)
    else:
        source.meter.hash_file(source.path)
    source.meter.bytes_read = source.size
