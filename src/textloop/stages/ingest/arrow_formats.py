"""Parquet files and Hugging Face ``datasets`` folders, read with pyarrow alone.

A folder written by ``Dataset.save_to_disk`` holds Arrow IPC stream files plus
``dataset_info.json`` and ``state.json`` (which lists the files in order); a ``DatasetDict``
adds one subfolder per split. Reading them with pyarrow avoids making the ``datasets``
package a dependency. ``ClassLabel`` columns hold integers; their names come from the
features in ``dataset_info.json``, and ``-1`` (the ``datasets`` convention for "no label")
becomes an unlabeled row.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from textloop.errors import InvalidInputError
from textloop.stages.ingest.source import RawRow, Source

_BATCH = 8192


def open_parquet(path: Path, size: int) -> Source:
    try:
        parquet = pq.ParquetFile(path)
    except (pa.ArrowInvalid, OSError) as exc:
        raise InvalidInputError(f"{path}: not a readable Parquet file ({exc})",
                                hint="check that the file is complete, or pass --format") from None
    source = Source(path, "parquet", list(parquet.schema_arrow.names), size,
                    origin="the Parquet schema")
    source.meter.hash_file(path)
    source._rows = _parquet_rows(source, parquet)
    return source


def _parquet_rows(source: Source, parquet: pq.ParquetFile) -> Iterator[RawRow]:
    number = 0
    total = max(parquet.metadata.num_rows, 1)
    for batch in parquet.iter_batches(batch_size=_BATCH):
        for fields in batch.to_pylist():
            number += 1
            yield RawRow(number, fields, f"row {number}")
        source.meter.bytes_read = int(source.size * min(1.0, number / total))


def open_hf(path: Path, size: int) -> Source:
    """A saved ``Dataset`` folder, or a ``DatasetDict`` folder (split name becomes ``split``)."""
    splits = [(name, folder, _arrow_files(folder)) for name, folder in _hf_splits(path)]
    files = [file for _, _, split_files in splits for file in split_files]
    if not files:
        raise InvalidInputError(f"{path}: no .arrow files found",
                                hint="pass the folder written by Dataset.save_to_disk")
    columns = list(_open_reader(files[0]).schema.names)
    if any(name is not None for name, _, _ in splits) and "split" not in columns:
        columns.append("split")
    source = Source(path, "hf", columns, size, origin="the dataset's columns")
    for file in files:
        source.meter.hash_file(file)
    source._rows = _hf_rows(source, splits)
    return source


def _hf_splits(path: Path) -> list[tuple[str | None, Path]]:
    index = path / "dataset_dict.json"
    if index.exists():
        names = json.loads(index.read_text(encoding="utf-8")).get("splits", [])
        return [(name, path / name) for name in names]
    return [(None, path)]


def _arrow_files(folder: Path) -> list[Path]:
    """The data files in the order ``state.json`` lists them (file name order otherwise)."""
    state = folder / "state.json"
    if state.exists():
        listed = json.loads(state.read_text(encoding="utf-8")).get("_data_files", [])
        names = [entry["filename"] for entry in listed if "filename" in entry]
        if names:
            return [folder / name for name in names]
    return sorted(folder.glob("*.arrow"))


def _hf_rows(source: Source, splits: list[tuple[str | None, Path, list[Path]]]
             ) -> Iterator[RawRow]:
    number = 0
    for split, folder, files in splits:
        label_names = _class_label_names(folder)
        index = 0
        for file in files:
            for batch in _batches(file):
                for fields in batch.to_pylist():
                    number += 1
                    index += 1
                    _name_class_labels(fields, label_names)
                    if split is not None:
                        fields.setdefault("split", split)
                    place = f"row {index}" + (f" of {split!r}" if split is not None else "")
                    yield RawRow(number, fields, place)
            source.meter.bytes_read += file.stat().st_size


def _name_class_labels(fields: dict[str, Any], label_names: dict[str, list[str]]) -> None:
    for column, names in label_names.items():
        value = fields.get(column)
        if value == -1:
            fields[column] = None
        elif isinstance(value, int) and 0 <= value < len(names):
            fields[column] = names[value]


def _open_reader(file: Path) -> Any:
    """``save_to_disk`` writes the Arrow stream format; accept the file format too."""
    if not file.exists():
        raise InvalidInputError(f"{file}: listed in state.json but missing",
                                hint="re-save the dataset with save_to_disk")
    try:
        return pa.ipc.open_stream(pa.memory_map(str(file)))
    except pa.ArrowInvalid:
        try:
            return pa.ipc.open_file(pa.memory_map(str(file)))
        except pa.ArrowInvalid as exc:
            raise InvalidInputError(f"{file}: not an Arrow file ({exc})",
                                    hint="re-save the dataset with save_to_disk") from None


def _batches(file: Path) -> Iterator[pa.RecordBatch]:
    reader = _open_reader(file)
    if isinstance(reader, pa.ipc.RecordBatchFileReader):
        yield from (reader.get_batch(i) for i in range(reader.num_record_batches))
    else:
        yield from reader


def _class_label_names(folder: Path) -> dict[str, list[str]]:
    """Column name -> ClassLabel names, from ``dataset_info.json`` when present."""
    info = folder / "dataset_info.json"
    if not info.exists():
        return {}
    features = json.loads(info.read_text(encoding="utf-8")).get("features", {})
    return {name: spec["names"] for name, spec in features.items()
            if isinstance(spec, dict) and spec.get("_type") == "ClassLabel" and "names" in spec}
