"""``textloop import``: a file into the store as one transaction, with exact error reports.

Default mode is all or nothing: on the first bad row writing stops, the rest of the file is
still scanned so the user sees up to ``MAX_REPORTED`` problems at once, and the transaction
rolls back. ``skip_invalid`` imports the valid rows and writes every skipped line and why
to a CSV report. A killed process leaves the store untouched (uncommitted transaction).
"""

from __future__ import annotations

import csv
import difflib
import itertools
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from textloop.config import Label, Project
from textloop.errors import InvalidInputError
from textloop.progress import NULL_PROGRESS, Progress
from textloop.stages.ingest.formats import RawRow, ReadOptions, Source, open_source
from textloop.stages.ingest.rows import (
    DEFAULT_MAX_CHARS,
    ColumnMap,
    RowError,
    content_hash,
    resolve_columns,
    to_record,
)
from textloop.stages.ingest.writer import RecordWriter
from textloop.storage import Store, imports, records
from textloop.types import NewRecord, SourceKind

BATCH = 5000
MAX_REPORTED = 10


@dataclass
class ImportOptions:
    text_col: str | None = None
    label_col: str | None = None
    meta_cols: list[str] | None = None
    id_col: str | None = None
    label_map: dict[str, str] = field(default_factory=dict)
    skip_invalid: bool = False
    add_labels: bool = False
    max_chars: int = DEFAULT_MAX_CHARS
    read: ReadOptions = field(default_factory=ReadOptions)


@dataclass
class ImportResult:
    import_id: int
    source: str
    file_sha256: str
    rows_read: int = 0
    records_new: int = 0
    annotations_new: int = 0
    rows_skipped: int = 0
    rows_unlabeled: int = 0
    repeated_texts: int = 0
    conflicting_texts: int = 0
    labels: Counter[str] = field(default_factory=Counter)
    new_labels: list[str] = field(default_factory=list)
    report_path: Path | None = None
    previous_imports: list[int] = field(default_factory=list)
    seconds: float = 0.0


def import_file(store: Store, project: Project, path: Path, options: ImportOptions,
                progress: Progress = NULL_PROGRESS) -> ImportResult:
    """Import ``path`` into the project's store; see the module docstring for the semantics."""
    started = time.perf_counter()
    source = open_source(path, options.read)
    rows = _rows_with_columns(source)
    cmap = resolve_columns(
        path, source.columns or [], text=options.text_col, label=options.label_col,
        meta=options.meta_cols, id_col=options.id_col, spec_text=project.spec.text_field,
        spec_meta=project.spec.metadata_fields, label_map=options.label_map,
        max_chars=options.max_chars)
    with store.write() as conn:
        import_id = imports.start(conn, str(path.resolve()), SourceKind.FILE.value, None,
                                  _options_dict(options, cmap))
        run = _ImportRun(conn, import_id, project, cmap, options, str(path.resolve()))
        with progress.task(f"Importing {path.name}", total=source.size) as task:
            for row in rows:
                run.take(row)
                if run.rows_read % 2000 == 0:
                    task.advance(source.bytes_read - run.bytes_reported)
                    run.bytes_reported = source.bytes_read
                if run.too_many_errors():
                    break
        run.flush()
        if run.errors:
            raise _failure(path, run)
        result = run.result(source, store)
        imports.finish(conn, import_id, file_sha256=source.sha256, rows_read=result.rows_read,
                       records_new=result.records_new, annotations_new=result.annotations_new,
                       rows_skipped=result.rows_skipped,
                       report_path=str(result.report_path) if result.report_path else None)
        if result.new_labels:
            project.spec.labels = [*project.spec.labels, *(Label(name=n) for n in result.new_labels)]
            project.save()
    result.seconds = time.perf_counter() - started
    return result


def _rows_with_columns(source: Source) -> Iterator[RawRow]:
    """For formats without a header (JSON Lines), take the columns from the first row."""
    rows = source.rows()
    if source.columns is not None:
        return rows
    first = next(rows, None)
    if first is None:
        raise InvalidInputError(f"{source.path}: the file has no rows", hint="check the file")
    source.columns = [k for k in first.fields if not k.startswith("__")]
    return itertools.chain([first], rows)


class _ImportRun:
    """State of one import: validation, batching, skipped rows and collected errors."""

    def __init__(self, conn: Any, import_id: int, project: Project, cmap: ColumnMap,
                 options: ImportOptions, source_ref: str) -> None:
        self.conn = conn
        self.cmap = cmap
        self.options = options
        self.known_labels = set(project.spec.label_names)
        self.writer = RecordWriter(conn, import_id, SourceKind.FILE.value, source_ref)
        self.import_id = import_id
        self.batch: list[tuple[NewRecord, str]] = []
        self.ids_seen: dict[str, tuple[str, int]] = {}
        self.seen: dict[str, str | None] = {}  # content hash -> first label in this file
        self.result_counts: Counter[str] = Counter()
        self.labels: Counter[str] = Counter()
        self.new_labels: dict[str, None] = {}
        self.skipped: list[RowError] = []
        self.errors: list[RowError] = []
        self.rows_read = 0
        self.bytes_reported = 0

    def take(self, row: RawRow) -> None:
        self.rows_read += 1
        try:
            record = to_record(row, self.cmap)
            digest = content_hash(record.text)
            self._check_label(row, record)
            self._check_id(row, record, digest)
        except RowError as problem:
            self._reject(problem)
            return
        self._count(record, digest)
        if not self.errors:
            self.batch.append((record, digest))
            if len(self.batch) >= BATCH:
                self.flush()

    def _check_label(self, row: RawRow, record: NewRecord) -> None:
        label = record.label
        if label is None or label in self.known_labels:
            return
        if self.options.add_labels:
            self.new_labels[label] = None
            return
        known = sorted(self.known_labels)
        close = difflib.get_close_matches(label, known, n=1)
        shown = ", ".join(known[:10]) + (" ..." if len(known) > 10 else "") if known else "none"
        guess = f"; did you mean {close[0]!r}?" if close else ""
        raise RowError(row, f"label {label!r} is not in textloop.yaml (labels: {shown}){guess}",
                       self.cmap.label, fix="add the label to textloop.yaml, map it with "
                       "--label-map, or pass --add-labels")

    def _check_id(self, row: RawRow, record: NewRecord, digest: str) -> None:
        ident = record.external_id
        if ident is None:
            return
        seen = self.ids_seen.get(ident)
        if seen is not None and seen[0] != digest:
            raise RowError(row, f"id {ident!r} is also used at line {seen[1]} for a different "
                                "text", self.cmap.id, fix="make ids unique, or drop --id-col")
        self.ids_seen.setdefault(ident, (digest, row.line))

    def _count(self, record: NewRecord, digest: str) -> None:
        if record.label is None:
            self.result_counts["unlabeled"] += 1
        else:
            self.labels[record.label] += 1
        if digest not in self.seen:
            self.seen[digest] = record.label
            return
        self.result_counts["repeated"] += 1
        previous = self.seen[digest]
        if previous is not None and record.label is not None and previous != record.label:
            self.result_counts["conflicting"] += 1

    def _reject(self, problem: RowError) -> None:
        if self.options.skip_invalid:
            self.skipped.append(problem)
        else:
            self.errors.append(problem)
            self.batch.clear()

    def too_many_errors(self) -> bool:
        return len(self.errors) >= MAX_REPORTED

    def flush(self) -> None:
        """Write the pending batch after checking its ids against the store."""
        if self.errors or not self.batch:
            self.batch.clear()
            return
        batch = self._drop_stored_id_conflicts(self.batch)
        self.writer.write([r for r, _ in batch], [h for _, h in batch])
        self.batch = []

    def _drop_stored_id_conflicts(self, batch: list[tuple[NewRecord, str]]
                                  ) -> list[tuple[NewRecord, str]]:
        wanted = {r.external_id for r, _ in batch if r.external_id is not None}
        if not wanted:
            return batch
        owners = records.external_id_owners(self.conn, wanted)
        kept = []
        for record, digest in batch:
            owner = owners.get(record.external_id or "")
            if owner is not None and owner != digest:
                row = RawRow(record.source_line or 0, {})
                self._reject(RowError(row, f"id {record.external_id!r} already belongs to a "
                                           "different text in the store", self.cmap.id,
                                      fix="use new ids for new texts, or drop --id-col"))
                continue
            kept.append((record, digest))
        return kept if not self.errors else []

    def result(self, source: Source, store: Store) -> ImportResult:
        report = _write_skip_report(store, self.import_id, self.skipped) if self.skipped else None
        return ImportResult(
            import_id=self.import_id, source=str(source.path), file_sha256=source.sha256,
            rows_read=self.rows_read, records_new=self.writer.records_new,
            annotations_new=self.writer.annotations_new, rows_skipped=len(self.skipped),
            rows_unlabeled=self.result_counts["unlabeled"],
            repeated_texts=self.result_counts["repeated"],
            conflicting_texts=self.result_counts["conflicting"], labels=self.labels,
            new_labels=list(self.new_labels), report_path=report,
            previous_imports=imports.same_file(self.conn, source.sha256, self.import_id))


def _failure(path: Path, run: _ImportRun) -> InvalidInputError:
    shown = run.errors[:MAX_REPORTED]
    more = " (scanning stopped there)" if run.too_many_errors() else ""
    lines = "\n  ".join(e.describe() for e in shown)
    count = f"{len(shown)} problem{'s' if len(shown) > 1 else ''}{more}"
    return InvalidInputError(
        f"{path}: {count}; nothing was imported:\n  {lines}",
        hint=f"{shown[0].fix}. --skip-invalid imports the valid rows and reports the rest")


def _write_skip_report(store: Store, import_id: int, skipped: list[RowError]) -> Path:
    folder = store.path_for("imports")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"import-{import_id}-skipped.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["where", "line", "column", "problem", "fix"])
        for e in skipped:
            out.writerow([e.row.where, e.row.line, e.column or "", e.message, e.fix])
    return path


def _options_dict(options: ImportOptions, cmap: ColumnMap) -> dict[str, Any]:
    return {"text_col": cmap.text, "label_col": cmap.label, "meta_cols": list(cmap.meta),
            "id_col": cmap.id, "label_map": cmap.label_map, "skip_invalid": options.skip_invalid,
            "add_labels": options.add_labels, "format": options.read.format,
            "encoding": options.read.encoding, "header": options.read.header}
