"""Span files (CoNLL, span JSONL, doccano, Label Studio, Hugging Face tokens) as importer rows.

Each span reader of ``textloop.spans`` yields ``Record(text, spans, meta)``; here a record
becomes a ``RawRow`` whose ``text`` is the record's text and whose ``spans`` field is the
canonical span JSON, so the importer's one pipeline (all or nothing, ``--skip-invalid``,
dedup by content, idempotent re-import, ``--add-labels``) handles span files exactly as it
handles CSV. What a reader derived for the whole file (the tag scheme and why it was chosen,
how tokens were joined) is import provenance, kept on the ``Source``, not per-record meta.

A malformed record (a broken tag sequence, a line that is not JSON, offsets outside the
text or not selecting the text the file quotes) comes from the reader's ``*_items`` function
as a ``RecordError``; it becomes a row that carries its problem and fix, so the importer
handles it like any other invalid row: it stops the import (nothing stored), or with
``--skip-invalid`` is skipped and written to the report while the rest is imported. A
malformed file (not UTF-8, a tag scheme that cannot be detected) stops the import either way.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from textloop.errors import InvalidInputError
from textloop.spans import encode_spans
from textloop.spans.records import INTERNAL_META, Item, Record, RecordError
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


def _records(path: Path, fmt: str, options: ReadOptions) -> Iterator[Item]:
    if fmt == "conll":
        from textloop.spans.conll import conll_items

        return conll_items(path, tag_col=options.tag_col, scheme=options.scheme)
    if fmt == "spans-jsonl":
        from textloop.spans.jsonl import jsonl_items

        return jsonl_items(path)
    if fmt == "doccano":
        from textloop.spans.doccano import doccano_items

        return doccano_items(path)
    if fmt == "label-studio":
        from textloop.spans.label_studio import label_studio_items

        return label_studio_items(path)
    from textloop.spans.hf import hf_items, token_jsonl_items

    names = options.tag_names
    if not path.is_dir():
        return token_jsonl_items(path, scheme=options.scheme, labels=names)
    splits = _dict_splits(path)
    if splits is None:
        return hf_items(path, scheme=options.scheme, labels=names)
    return (_in_split(item, split) for split in splits
            for item in hf_items(path, split=split, scheme=options.scheme, labels=names))


def _in_split(item: Item, split: str) -> Item:
    """A record of a ``DatasetDict`` split with the split's name as metadata; a bad row's
    place names the split."""
    if isinstance(item, RecordError):
        return RecordError(item.details["path"], item.line, item.problem, item.fix,
                           place=f"{item.place or f'row {item.line}'} of {split!r}")
    return Record(item.text, item.spans, {**item.meta, SPLIT: split})


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


def _rows(source: Source, items: Iterator[Item]) -> Iterator[RawRow]:
    """One row per record (a row carrying its problem for a malformed one); the file's hash
    and size once every record has been read."""
    rows_not_lines = source.path.is_dir()  # a dataset folder has rows, not lines
    provenance = True
    for index, item in enumerate(items, 1):
        if isinstance(item, RecordError):
            yield RawRow(item.line, {}, place=item.place, problem=item.problem, fix=item.fix)
            continue
        meta = item.meta
        if provenance:  # the reading of the whole file, said by its first record
            source.provenance = {k: meta[k] for k in PROVENANCE if k in meta}
            provenance = False
        fields: dict[str, Any] = {k: v for k, v in meta.items()
                                  if k not in INTERNAL_META and k not in PROVENANCE}
        fields[TEXT] = item.text
        fields[SPANS] = encode_spans(item.spans)
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
