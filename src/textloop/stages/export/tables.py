"""A release's splits as tables in the formats people load: JSON Lines, CSV, Parquet, a
Hugging Face dataset folder, TFRecord.

Every writer takes the split's Arrow table as the release stores it (``id``, ``text``,
``label``, metadata columns, provenance) and writes the same columns, so each file imports
back with ``textloop import`` to the same records and labels. A span release's ``spans``
(a list of structs in Parquet) is written as its canonical JSON string, the value
``textloop import --label-col spans`` stores. What differs per format is only what the
format needs:

- CSV: the ``csv`` module quotes embedded newlines, commas and quotes; a cell a spreadsheet
  would run as a formula gets a guarding ``'`` (``texts.spreadsheet_escape``), which the CSV
  import drops again;
- Hugging Face: a class label column is a ``ClassLabel`` over the release's labels, in
  their order (``datasets`` extra);
- TFRecord: one ``tf.train.Example`` per record (``textloop.tfrecord``), strings as UTF-8
  bytes, integers and booleans as int64, floats as float32, a missing value as a feature
  with no value; a class label also as ``label_id``, its index in the release's labels.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from textloop.texts import spreadsheet_escape
from textloop.tfrecord import ExampleEncoder, write_records

LABEL_ID = "label_id"
_FORMULA_CHARS = frozenset("=+-@\t\r'")
_TFRECORD_BATCH = 50_000
_HF_DATA = "data-00000-of-00001.arrow"
_HF_BATCH = 10_000
_JSON = json.JSONEncoder(ensure_ascii=False)


def export_table(table: pa.Table) -> pa.Table:
    """The release table as exported: a ``spans`` list column as canonical JSON strings."""
    if "spans" not in table.schema.names or not pa.types.is_list(table.schema.field(
            "spans").type):
        return table
    from textloop.spans import encode_spans, span_from

    values = [encode_spans(span_from(s) for s in row) for row in table.column("spans").to_pylist()]
    index = table.schema.get_field_index("spans")
    return table.set_column(index, "spans", pa.array(values, pa.string()))


def label_ids(table: pa.Table, labels: Sequence[str]) -> pa.Array | None:
    """Each row's index into ``labels`` when ``label`` is a class label every row has one of
    (a classification release); None otherwise (a number, several labels, spans)."""
    if "label" not in table.schema.names or not labels:
        return None
    column = table.column("label")
    if not pa.types.is_string(column.type):
        return None
    ids = pc.index_in(column, value_set=pa.array(list(labels), pa.string()))
    return None if ids.null_count else ids.cast(pa.int64())


def write_jsonl(table: pa.Table, path: Path, labels: Sequence[str]) -> None:
    """One JSON object per line; non-ASCII characters as themselves."""
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        for batch in table.to_batches(65_536):
            handle.writelines(jsonl_lines(batch))


def jsonl_lines(batch: pa.RecordBatch | pa.Table) -> Iterator[str]:
    """A batch's rows as JSON Lines (each with its newline); non-ASCII characters as
    themselves. Shared with ``textloop predict --output``, which writes batch by batch."""
    names = batch.schema.names
    dumps = _JSON.encode
    columns = [c.to_pylist() for c in batch.columns]
    return (dumps(dict(zip(names, row, strict=True))) + "\n"
            for row in zip(*columns, strict=True))


def write_csv(table: pa.Table, path: Path, labels: Sequence[str]) -> None:
    """A header and one row per record; every cell spreadsheet-safe."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(csv_header(table.schema.names))
        for batch in table.to_batches(65_536):
            writer.writerows(csv_rows(batch))


def csv_header(names: Sequence[str]) -> list[str]:
    """Column names as a spreadsheet-safe CSV header row."""
    return [_safe(name) for name in names]


def csv_rows(batch: pa.RecordBatch | pa.Table) -> Iterator[tuple[Any, ...]]:
    """A batch's rows as CSV cells, every text cell spreadsheet-safe, a null empty. Shared
    with ``textloop predict --output``, which writes batch by batch."""
    return zip(*(_csv_cells(c) for c in batch.columns), strict=True)


def _csv_cells(column: pa.Array | pa.ChunkedArray) -> list[Any]:
    values = column.to_pylist()
    if not pa.types.is_string(column.type):
        return ["" if v is None else v for v in values]
    return ["" if v is None else _safe(v) for v in values]


def _safe(cell: str) -> str:
    """``spreadsheet_escape`` for the few cells that can need it (a cheap first-character test
    keeps a million-row export fast)."""
    return spreadsheet_escape(cell) if cell and cell[0] in _FORMULA_CHARS else cell


def write_parquet(table: pa.Table, path: Path, labels: Sequence[str]) -> None:
    pq.write_table(table, path, compression="zstd")


def write_hf(table: pa.Table, path: Path, labels: Sequence[str]) -> None:
    """A ``datasets`` folder as ``Dataset.save_to_disk`` makes it (one Arrow stream file,
    ``dataset_info.json``, ``state.json``), ``label`` a ``ClassLabel`` when it is a class
    label. ``datasets`` describes the features; the rows are written by pyarrow in one pass,
    about eight times faster than ``save_to_disk``, which re-encodes them in small batches."""
    from textloop.spans.hf import datasets_module

    datasets = datasets_module()
    ids = label_ids(table, labels)
    if ids is not None:
        table = table.set_column(table.schema.get_field_index("label"), "label", ids)
    features = datasets.Features.from_arrow_schema(table.schema)
    if ids is not None:
        features["label"] = datasets.ClassLabel(names=list(labels))
    schema = features.arrow_schema  # carries the features in its metadata, as datasets does
    path.mkdir()
    with pa.OSFile(str(path / _HF_DATA), "wb") as sink, \
            pa.ipc.new_stream(sink, schema) as writer:
        writer.write_table(table.cast(schema), max_chunksize=_HF_BATCH)
    datasets.DatasetInfo(features=features).write_to_directory(str(path))
    digest = hashlib.sha256()  # the fingerprint: the record ids, hashed without a copy
    for buffer in table.column("id").combine_chunks().buffers():
        if buffer is not None:
            digest.update(buffer)
    fingerprint = digest.hexdigest()
    state: dict[str, Any] = {
        "_data_files": [{"filename": _HF_DATA}], "_fingerprint": fingerprint[:16],
        "_format_columns": None, "_format_kwargs": {}, "_format_type": None,
        "_output_all_columns": False, "_split": None}
    (path / "state.json").write_text(json.dumps(state, indent=2) + "\n", encoding="utf-8")


def write_tfrecord(table: pa.Table, path: Path, labels: Sequence[str]) -> None:
    """One ``tf.train.Example`` per record, with ``label_id`` beside a class label."""
    ids = label_ids(table, labels)
    with path.open("wb") as handle:
        for batch in _batches(table, ids):
            write_records(handle, batch)


def _batches(table: pa.Table, ids: pa.Array | None) -> Iterator[list[bytes]]:
    names = list(table.schema.names)
    for offset in range(0, max(table.num_rows, 1), _TFRECORD_BATCH):
        part = table.slice(offset, _TFRECORD_BATCH)
        columns = [c.to_pylist() for c in part.columns]
        if ids is not None:
            at = names.index("label") + 1
            columns.insert(at, ids.slice(offset, _TFRECORD_BATCH).to_pylist())
            keys = [*names[:at], LABEL_ID, *names[at:]]
        else:
            keys = names
        yield ExampleEncoder(keys).many(columns)


TableWriter = Callable[[pa.Table, Path, Sequence[str]], None]
WRITERS: dict[str, tuple[TableWriter, str]] = {
    "table-jsonl": (write_jsonl, ".jsonl"),
    "table-csv": (write_csv, ".csv"),
    "table-parquet": (write_parquet, ".parquet"),
    "table-hf": (write_hf, ""),
    "table-tfrecord": (write_tfrecord, ".tfrecord"),
}
"""Writer name (as a task's ``export_formats`` names it) -> (writer, file suffix)."""
