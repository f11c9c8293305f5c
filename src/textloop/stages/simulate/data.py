"""A labeled file as the simulation's oracle, read exactly as ``textloop import`` reads it.

The same readers, column resolution and text normalization as the importer, so a file that
imports also simulates, and a text is the same string (hence the same cached embedding) in
both. Rows the importer would reject or that carry no label are counted and left out; a
text met again is kept once, with its first label, as the store would keep it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from textloop.errors import InvalidInputError
from textloop.progress import NULL_PROGRESS, Progress
from textloop.stages.ingest.formats import ReadOptions, open_source
from textloop.stages.ingest.importer import rows_with_columns
from textloop.stages.ingest.rows import DEFAULT_MAX_CHARS, RowError, resolve_columns, to_record

SPLIT_COLUMN = "split"
TEST_SPLIT = "test"
_PROGRESS_EVERY = 1000


@dataclass
class LabeledTexts:
    """Texts with their labels; ``is_test`` marks rows whose ``split`` column says "test"."""

    texts: list[str]
    labels: list[str]
    is_test: np.ndarray | None
    """None when the file has no ``split`` column or no row in the "test" split."""
    path: Path
    sha256: str
    rows_read: int = 0
    skipped: int = 0
    unlabeled: int = 0
    repeated: int = 0


def read_labeled(path: Path, *, text_col: str | None = None, label_col: str | None = None,
                 progress: Progress = NULL_PROGRESS, fmt: str | None = None) -> LabeledTexts:
    """Every valid labeled row of ``path`` (any format ``textloop import`` reads; ``fmt``
    as ``--format`` names it, else detected)."""
    source = open_source(path, ReadOptions(format=fmt))
    rows = rows_with_columns(source)
    columns = source.columns or []
    meta = [SPLIT_COLUMN] if SPLIT_COLUMN in columns else []
    cmap = resolve_columns(path, columns, text=text_col, label=label_col, meta=meta, id_col=None,
                           spec_text="text", spec_meta=(), label_map={},
                           max_chars=DEFAULT_MAX_CHARS, origin=source.origin)
    if cmap.label is None:
        raise InvalidInputError(f"{path}: no label column found (columns: {', '.join(columns)})",
                                hint="name the column that holds the labels with --label-col")
    out = LabeledTexts([], [], None, path, "")
    splits: list[str | None] = []
    seen: set[str] = set()
    reported = 0
    with progress.task(f"Reading {path.name}", total=source.size, unit="bytes") as task:
        for row in rows:
            out.rows_read += 1
            if out.rows_read % _PROGRESS_EVERY == 0:
                task.advance(source.bytes_read - reported)
                reported = source.bytes_read
            try:
                record = to_record(row, cmap)
            except RowError:
                out.skipped += 1
                continue
            if record.label is None:
                out.unlabeled += 1
            elif record.text in seen:
                out.repeated += 1
            else:
                seen.add(record.text)
                out.texts.append(record.text)
                out.labels.append(record.label)
                splits.append(record.meta.get(SPLIT_COLUMN))
    out.sha256 = source.sha256
    tests = np.array([str(s).strip().lower() == TEST_SPLIT for s in splits], dtype=bool)
    out.is_test = tests if tests.any() else None
    return out
