"""Writing a release's files into its (temporary) folder: Parquet per split, card, diff."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from textloop.stages.release.split import SPLITS

CARD = "README.md"
DIFF = "diff.json"


@dataclass(frozen=True)
class SplitFile:
    name: str
    rows: int
    nbytes: int


def split_file(name: str) -> str:
    return f"{name}.parquet"


def write_split_files(folder: Path, table: pa.Table, split: np.ndarray) -> dict[str, SplitFile]:
    """One Parquet file per split, rows in id order; every split gets a file, even an empty one."""
    out = {}
    for index, name in enumerate(SPLITS):
        part = table.filter(pa.array(split == index)).sort_by("id")
        write_parquet(folder / split_file(name), part)
        out[name] = SplitFile(name, part.num_rows, part.nbytes)
    return out


def write_parquet(path: Path, table: pa.Table) -> None:
    """An empty table is written without row groups: ``datasets`` fails on a zero-row group."""
    if table.num_rows:
        pq.write_table(table, path, compression="zstd")
        return
    with pq.ParquetWriter(path, table.schema, compression="zstd"):
        pass


def write_json(path: Path, body: dict[str, Any]) -> None:
    path.write_text(json.dumps(body, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
