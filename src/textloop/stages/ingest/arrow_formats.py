"""Parquet files and Hugging Face ``datasets`` folders, read with pyarrow alone.

A folder written by ``Dataset.save_to_disk`` holds Arrow IPC stream files plus
``dataset_info.json``; a ``DatasetDict`` adds one subfolder per split. Reading them with
pyarrow avoids making the ``datasets`` package a dependency. ``ClassLabel`` columns hold
integers; their names come from the features in ``dataset_info.json``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from textloop.errors import InvalidInputError
from textloop.stages.ingest.formats import RawRow, Source

_BATCH = 8192


def open_parquet(path: Path, size: int) -> Source:
    try:
        parquet = pq.ParquetFile(path)
    except (pa.ArrowInvalid, OSError) as exc:
        raise InvalidInputError(f"{path}: not a readable Parquet file ({exc})",
                                hint="check that the file is complete, or pass --format") from None
    source = Source(path, "parquet", list(parquet.schema_arrow.names), size)
    source._digest = _file_digest([path])
    source._rows = _parquet_rows(source, parquet)
    return source


def _parquet_rows(source: Source, parquet: pq.ParquetFile) -> Iterator[RawRow]:
    number = 0
    for batch in parquet.iter_batches(batch_size=_BATCH):
        for fields in batch.to_pylist():
            number += 1
            yield RawRow(number, fields, where=f"row {number}")
        source.bytes_read = int(source.size * min(1.0, number / max(parquet.metadata.num_rows, 1)))


def open_hf(path: Path, size: int) -> Source:
    """A saved ``Dataset`` folder, or a ``DatasetDict`` folder (split name becomes ``split``)."""
    splits = _hf_splits(path)
    files = [f for _, folder in splits for f in sorted(folder.glob("*.arrow"))]
    if not files:
        raise InvalidInputError(f"{path}: no .arrow files found",
                                hint="pass the folder written by Dataset.save_to_disk")
    first_schema = _open_reader(files[0]).schema
    source = Source(path, "hf", list(first_schema.names), size)
    source._digest = _file_digest(files)
    source._rows = _hf_rows(source, splits)
    return source


def _hf_splits(path: Path) -> list[tuple[str | None, Path]]:
    index = path / "dataset_dict.json"
    if index.exists():
        names = json.loads(index.read_text(encoding="utf-8")).get("splits", [])
        return [(name, path / name) for name in names]
    return [(None, path)]


def _hf_rows(source: Source, splits: list[tuple[str | None, Path]]) -> Iterator[RawRow]:
    number = 0
    for split, folder in splits:
        label_names = _class_label_names(folder)
        for file in sorted(folder.glob("*.arrow")):
            for batch in _batches(file):
                for fields in batch.to_pylist():
                    number += 1
                    for column, names in label_names.items():
                        value = fields.get(column)
                        if isinstance(value, int) and 0 <= value < len(names):
                            fields[column] = names[value]
                    if split is not None:
                        fields.setdefault("split", split)
                    where = f"row {number}" + (f" ({split})" if split else "")
                    yield RawRow(number, fields, where=where)
            source.bytes_read += file.stat().st_size


def _open_reader(file: Path) -> Any:
    """``save_to_disk`` writes the Arrow stream format; accept the file format too."""
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


def _file_digest(files: list[Path]) -> Any:
    digest = hashlib.sha256()
    for file in files:
        with file.open("rb") as handle:
            while block := handle.read(1 << 20):
                digest.update(block)
    return digest
