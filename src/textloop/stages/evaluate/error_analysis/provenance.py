"""Each released row's provenance (how it entered the store, how it got its label)."""

from __future__ import annotations

import pyarrow.parquet as pq

from textloop.stages.evaluate.error_analysis.slicing import SOURCE_COLUMNS, Provenance
from textloop.stages.release import ReleaseData
from textloop.stages.release.writer import split_file


def split_provenance(data: ReleaseData, split: str) -> list[Provenance]:
    """``source_kind``, ``source_ref`` and ``label_kind`` per row, in the split's row order
    (the release was verified when ``data`` was loaded)."""
    columns = list(SOURCE_COLUMNS.values())
    table = pq.read_table(data.path / split_file(split), columns=columns)
    return table.to_pylist()
