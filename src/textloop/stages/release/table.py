"""The column layout of a release's Parquet files, shared by the writer and the loader.

Columns: ``id``, ``text``, ``label``, one column per metadata key, then provenance
(``source_kind``, ``source_ref``, ``label_kind``). A metadata key keeps its native type
(string, integer, float, boolean) when every record agrees on it, and is written as strings
otherwise, so a column has one type in every split. A key that collides with a fixed column
is prefixed with ``meta_``; the manifest records which column holds which key.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pyarrow as pa

from textloop.types import LabeledRecord

BASE_COLUMNS = ("id", "text", "label", "spans")
PROVENANCE_COLUMNS = ("source_kind", "source_ref", "label_kind")
_RESERVED = frozenset(BASE_COLUMNS + PROVENANCE_COLUMNS)
_HF_DTYPES = {"double": "float64", "float": "float32", "bool": "bool"}
FILE_SOURCE = "file"
"""``source_kind`` of records imported from a file (their ``source_ref`` is its path)."""


def meta_columns(records: Sequence[LabeledRecord]) -> dict[str, str]:
    """Column name -> metadata key, for every key any record carries (sorted by key)."""
    keys = sorted({key for rec in records for key in rec.meta})
    taken = set(_RESERVED) | set(keys)
    out: dict[str, str] = {}
    for key in keys:
        column = key
        if key in _RESERVED:
            column = f"meta_{key}"
            while column in taken:
                column = f"meta_{column}"
            taken.add(column)
        out[column] = key
    return out


SPAN_TYPE = pa.list_(pa.struct([("start", pa.int64()), ("end", pa.int64()),
                                  ("label", pa.string())]))
"""A span release's ``spans`` column: character offsets (code points) over ``text``."""


def build_table(records: Sequence[LabeledRecord], columns: dict[str, str], *,
                label_kind: str = "label") -> pa.Table:
    """One Arrow table holding every record of the release, in the given order.

    ``label_kind`` is the task's value kind: a regression task's ``label`` is its target,
    stored as float64 so pandas and ``datasets`` read numbers; a span task writes a
    ``spans`` column (a list of ``{start, end, label}`` structs) instead of ``label``.
    """
    data: dict[str, pa.Array] = {
        "id": pa.array([r.id for r in records], pa.string()),
        "text": pa.array([r.text for r in records], pa.string()),
    }
    if label_kind == "spans":
        from textloop.spans import decode_spans

        data["spans"] = pa.array([[s.to_dict() for s in decode_spans(r.label)] for r in records],
                                 SPAN_TYPE)
    elif label_kind == "number":
        data["label"] = pa.array([float(r.label) for r in records], pa.float64())
    else:
        data["label"] = pa.array([r.label for r in records], pa.string())
    for column, key in columns.items():
        data[column] = _meta_array([r.meta.get(key) for r in records])
    data["source_kind"] = pa.array([r.source_kind for r in records], pa.string())
    data["source_ref"] = pa.array([r.source_ref for r in records], pa.string())
    data["label_kind"] = pa.array([r.label_kind for r in records], pa.string())
    return pa.table(data)


def _meta_array(values: list[Any]) -> pa.Array:
    """Native type when Arrow can hold all values in one; strings otherwise (or when all null)."""
    try:
        array = pa.array(values)
    except (pa.ArrowException, TypeError, ValueError, OverflowError):
        return pa.array([None if v is None else str(v) for v in values], pa.string())
    return array.cast(pa.string()) if pa.types.is_null(array.type) else array


def hf_features(table: pa.Table, labels: Sequence[str]) -> list[dict[str, Any]]:
    """``dataset_info.features`` for the card: ``label`` is a class label over ``labels``
    (a float for a regression target); ``spans`` a list of ``{start, end, label}``."""
    features: list[dict[str, Any]] = []
    for name, kind in zip(table.schema.names, table.schema.types, strict=True):
        if name == "label" and pa.types.is_string(kind):
            names = {str(i): label for i, label in enumerate(labels)}
            features.append({"name": name, "dtype": {"class_label": {"names": names}}})
        elif name == "spans":  # the card's feature for a list of structs
            features.append({"name": name, "list": [
                {"name": "start", "dtype": "int64"}, {"name": "end", "dtype": "int64"},
                {"name": "label", "dtype": "string"}]})
        else:
            features.append({"name": name, "dtype": _HF_DTYPES.get(str(kind), str(kind))})
    return features


def meta_dicts(table: pa.Table, columns: dict[str, str]) -> list[dict[str, Any]]:
    """Rebuild each row's metadata dict from its metadata columns."""
    if not columns:
        return [{} for _ in range(table.num_rows)]
    keys = list(columns.values())
    values = [table.column(column).to_pylist() for column in columns]
    return [dict(zip(keys, row, strict=True)) for row in zip(*values, strict=True)]


def shared_source_refs(table: pa.Table) -> tuple[pa.Table, dict[str, str]]:
    """The table as it leaves the machine (an export, a publication), and each path cut.

    A file import's ``source_ref`` is the path the file had on this machine, whose folders
    may carry a user name, a client's name or a mount point; what is shared names the file
    only, as the card and ``dataset.yaml`` already do. The release keeps the full path, which
    its lineage needs. Returns the table unchanged (the same object) when nothing is cut.
    """
    if "source_ref" not in table.schema.names or "source_kind" not in table.schema.names:
        return table, {}
    kinds, refs = table.column("source_kind").to_pylist(), table.column("source_ref").to_pylist()
    paths = {ref: ref.replace("\\", "/").rsplit("/", 1)[-1]
             for kind, ref in zip(kinds, refs, strict=True)
             if kind == FILE_SOURCE and ref and ("/" in ref or "\\" in ref)}
    if not paths:
        return table, {}
    named = pa.array([paths.get(ref, ref) if kind == FILE_SOURCE else ref
                      for kind, ref in zip(kinds, refs, strict=True)], pa.string())
    at = table.schema.get_field_index("source_ref")
    return table.set_column(at, table.schema.field(at), named), paths
