"""A span file as the simulation's oracle: CoNLL, span JSONL (and every span format
``textloop import`` reads), through the importer's own span readers.

Which files are span files: ``--format`` says so (``conll``, ``spans-jsonl``, ``doccano``,
``label-studio``, ``hf-tokens``), else the content where it is unambiguous: a ``.conll``/
``.iob``/``.bio`` file, a tab- or space-separated file whose first lines each end in a valid
tag (``O``, ``B-X`` ...; the importer's ``looks_like_conll``), or a JSON Lines file whose first
row holds a ``spans`` list. Anything else is a file of labeled rows (``data.read_labeled``).

A record the reader rejects (a broken tag sequence, spans outside the text) or whose text
cannot be stored is counted and left out; a text met again is kept once, with its first
spans. A ``split`` meta value of "test" (span JSONL's ``meta``, a DatasetDict's split) marks
the test set.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from textloop.errors import InvalidInputError
from textloop.progress import NULL_PROGRESS, Progress
from textloop.spans import Span, decode_spans
from textloop.stages.ingest.byte_input import open_bytes
from textloop.stages.ingest.formats import ReadOptions, detect_format, looks_like_conll, open_source
from textloop.stages.ingest.source import SPAN_FORMATS
from textloop.stages.ingest.span_formats import SPANS, SPLIT, TEXT
from textloop.stages.simulate.data import TEST_SPLIT
from textloop.texts import text_problem


@dataclass
class SpanTexts:
    """Texts with their spans; ``is_test`` marks records whose ``split`` says "test"."""

    texts: list[str]
    spans: list[list[Span]]
    is_test: np.ndarray | None
    """None when no record is in a "test" split."""
    path: Path
    sha256: str
    format: str
    rows_read: int = 0
    skipped: int = 0
    repeated: int = 0

    @property
    def labels(self) -> list[str]:
        """The span labels the file uses, sorted."""
        return sorted({span.label for spans in self.spans for span in spans})


def span_format(path: Path, fmt: str | None = None) -> str | None:
    """The span format ``path`` is read with, or None for a file of labeled rows."""
    if fmt is not None:
        return fmt if fmt in SPAN_FORMATS else None
    try:
        found = detect_format(path)
    except InvalidInputError:  # no telling extension, first line neither JSON nor delimited
        found = "tsv"
    if found == "conll" or (found in ("tsv", "csv") and looks_like_conll(path)):
        return "conll"
    if found == "jsonl" and _first_row_has_spans(path):
        return "spans-jsonl"
    return None


def _first_row_has_spans(path: Path) -> bool:
    with open_bytes(path) as handle:
        first = handle.readline(1 << 20).decode("utf-8", "replace").lstrip("\ufeff")
    try:
        row = json.loads(first)
    except ValueError:
        return False
    return isinstance(row, dict) and isinstance(row.get(SPANS), list)


def read_spans(path: Path, fmt: str, *, progress: Progress = NULL_PROGRESS) -> SpanTexts:
    """Every valid record of the span file ``path`` read as ``fmt``."""
    source = open_source(path, ReadOptions(format=fmt))
    out = SpanTexts([], [], None, path, "", fmt)
    splits: list[bool] = []
    seen: set[str] = set()
    with progress.task(f"Reading {path.name}", total=None):
        for row in source.rows():
            out.rows_read += 1
            text = row.fields.get(TEXT)
            if row.problem or not isinstance(text, str) or not text.strip() \
                    or text_problem(text):
                out.skipped += 1
            elif text in seen:
                out.repeated += 1
            else:
                seen.add(text)
                out.texts.append(text)
                out.spans.append(decode_spans(row.fields[SPANS]))
                splits.append(str(row.fields.get(SPLIT, "")).strip().lower() == TEST_SPLIT)
    if not out.texts:
        raise InvalidInputError(f"{path}: no valid record read as {fmt} ({out.skipped} "
                                "rejected)", hint="check the file, or name its format with "
                                                  "--format")
    out.sha256 = source.sha256
    tests = np.asarray(splits, dtype=bool)
    out.is_test = tests if tests.any() else None
    return out
