"""``textloop import``: a file into the store as one transaction, with exact error reports.

Default mode is all or nothing: on the first bad row writing stops, the rest of the file is
still scanned so the user sees up to ``MAX_REPORTED`` problems at once, and the transaction
rolls back. ``skip_invalid`` imports the valid rows and writes every skipped line and why
to a CSV report. A killed process leaves the store untouched (uncommitted transaction).

Rows are written in large batches sorted by record id: the store's indexes are keyed by
content hashes, and sorted batches touch each index page once instead of once per row.
"""

from __future__ import annotations

import itertools
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from sqlalchemy import Connection

from textloop.config import Project
from textloop.config.release import UNKNOWN_LICENSE, license_problem
from textloop.errors import InvalidInputError
from textloop.processes import gc_paused
from textloop.progress import NULL_PROGRESS, Progress
from textloop.stages.ingest.formats import (
    ReadOptions,
    Source,
    detect_format,
    open_source,
    span_file_format,
)
from textloop.stages.ingest.labels import LabelCheck, SpanCheck, ValueCheck
from textloop.stages.ingest.report import MAX_REPORTED, SkipReport, failure
from textloop.stages.ingest.rows import (
    DEFAULT_MAX_CHARS,
    ColumnMap,
    RowError,
    resolve_columns,
    to_record,
)
from textloop.stages.ingest.source import SPAN_FORMATS, RawRow
from textloop.stages.ingest.span_formats import SPANS, TEXT
from textloop.stages.ingest.writer import RecordWriter
from textloop.stages.project.init import record_language
from textloop.storage import Store, imports, records
from textloop.tasks import task_for
from textloop.texts import content_hash, record_id
from textloop.types import SPLITS, NewRecord, SourceKind, plain

BATCH = 50_000
_PROGRESS_EVERY = 1000  # rows between progress updates
_COLUMN_SAMPLE = 1000  # rows whose keys make the columns of a JSON file


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
    unescape_html: bool = False
    """``<br />`` as line breaks and ``&amp;``-style references as characters, for text
    scraped from web pages; recorded with the import, so the labeling page can say how a
    record's text is shown."""
    license: str = UNKNOWN_LICENSE
    """The license of the file's texts (SPDX id), recorded with the import: ``textloop
    publish`` refuses a release holding records of a source that may not be passed on."""
    redistribute: bool = True
    """False when the source's terms forbid passing the texts on, whatever its license id."""
    labels: bool = True
    """False: store the file's texts only, unlabeled, whatever labels or spans it holds (a
    labeled corpus as the pool an active-learning loop queues from, its answers kept for
    later). A span file's spans cannot be left out any other way: its label column is
    fixed."""
    split: str | None = None
    """Pin every record of the file to this split (train, validation or test): every
    release puts it there, e.g. a corpus's official test set, so runs trained on different
    releases are scored on the same rows."""
    split_col: str | None = None
    """The column naming each row's split (train, validation or test), pinned as ``split``."""


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
    pinned: Counter[str] = field(default_factory=Counter)
    """Rows per split they were pinned to (``--split``/``--split-col``)."""
    repeated_texts: int = 0
    conflicting_texts: int = 0
    labels: Counter[str] = field(default_factory=Counter)
    new_labels: list[str] = field(default_factory=list)
    report_path: Path | None = None
    skipped: list[dict[str, Any]] = field(default_factory=list)
    """The first skipped rows (up to ``MAX_REPORTED``) as the report has them: ``where``,
    ``line``, ``column``, ``problem``, ``fix``."""
    previous_imports: list[int] = field(default_factory=list)
    language: str | None = None  # the language tag this import recorded in the spec, if any
    format: str = ""  # the format the file was read as (given or detected)
    span_reading: dict[str, Any] = field(default_factory=dict)
    """For a token span file: the tag ``scheme``, why (``scheme_reason``: detected from the
    tags, or given) and how tokens were ``join``-ed into the stored text."""
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        """Every count, the labels seen in the file and the skip report's path, JSON-ready."""
        return plain(self)


def import_file(store: Store, project: Project, path: Path, options: ImportOptions,
                progress: Progress = NULL_PROGRESS) -> ImportResult:
    """Import ``path`` into the project's store; see the module docstring for the semantics."""
    started = time.perf_counter()
    problem = license_problem(options.license)
    if problem is not None:
        raise InvalidInputError(f"--license: {problem}",
                                hint="pass the SPDX id of the file's license "
                                     "(https://spdx.org/licenses/), or leave it out (unknown)")
    _check_split_options(path, options)
    options = _for_format(path, project, options)
    # the readers bound each row by the longest text accepted, before it fills memory
    source = open_source(path, replace(options.read, max_chars=options.max_chars))
    rows = rows_with_columns(source)
    cmap = resolve_columns(
        path, source.columns or [], text=options.text_col, label=options.label_col,
        meta=options.meta_cols, id_col=options.id_col, spec_text=project.spec.text_field,
        spec_meta=project.spec.metadata_fields, label_map=options.label_map,
        max_chars=options.max_chars, origin=source.origin, split_col=options.split_col)
    cmap = replace(cmap, unescape_html=options.unescape_html,
                   label=cmap.label if options.labels else None, pin=options.split)
    with store.write() as conn:
        import_id = imports.start(conn, str(path.resolve()), SourceKind.FILE.value, None,
                                  _options_dict(options, cmap))
        report = SkipReport(store.path_for("imports", f"import-{import_id}-skipped.csv"))
        run = _ImportRun(conn, import_id, project, cmap, options, report, str(path.resolve()))
        try:
            with gc_paused():
                _read_all(run, source, rows, progress)
            result = _finish(run, source, path)
            if result.new_labels:
                project.spec.labels = [*project.spec.labels, *run.labels.new_labels()]
                project.save()
        except BaseException:
            report.discard()
            raise
    result.report_path = report.publish()
    result.format = source.format
    result.span_reading = dict(source.provenance)
    result.language = record_language(store, project)
    result.seconds = time.perf_counter() - started
    return result


def _check_split_options(path: Path, options: ImportOptions) -> None:
    """``--split`` names a known split, and is not given together with ``--split-col``."""
    if options.split is not None and options.split_col is not None:
        raise InvalidInputError(
            f"{path}: --split pins every row to {options.split!r}, but --split-col "
            f"{options.split_col!r} names a split per row",
            hint="pass one of them: --split for a file that is all one split, --split-col "
                 "for a file with a split column")
    if options.split is not None and options.split not in SPLITS:
        raise InvalidInputError(
            f"--split: {options.split!r} is not a split (expected one of {', '.join(SPLITS)})",
            hint="pass --split test for a corpus's official test file, --split train or "
                 "--split validation for its other files")


def _for_format(path: Path, project: Project, options: ImportOptions) -> ImportOptions:
    """The options with the format settled; a span file's rows have fixed fields.

    A span file fits only a span project (its labels are spans); its text and spans are
    the ``text`` and ``spans`` fields of each row, and every other field the reader kept
    (a doccano ``id``, a Label Studio ``annotator``) is metadata unless ``--meta-cols`` says.
    """
    if not options.labels and options.label_col:
        raise InvalidInputError(
            f"{path}: --no-labels imports the texts only, but --label-col names the label "
            f"column {options.label_col!r}",
            hint="leave out --label-col to import the texts unlabeled, or --no-labels to "
                 "import the labels")
    fmt = options.read.format or detect_format(path) if path.exists() else options.read.format
    if (fmt in ("tsv", "jsonl") and not options.read.format
            and task_for(project).value_kind == "spans"):
        # a span project's .tsv/.txt of token and tag columns is CoNLL, and its JSON Lines
        # of {"text", "spans"} objects are spans JSONL: read as plain rows, their spans
        # would be dropped without a word
        fmt = span_file_format(path) or fmt
    if options.read.tag_names is not None and fmt != "hf-tokens":
        raise InvalidInputError(
            f"{path}: --tag-names names the integer tags of an hf-tokens file, but this file "
            f"is read as {fmt}",
            hint="leave --tag-names out, or pass --format hf-tokens for a file of "
                 '{"tokens", "ner_tags"} lines or a dataset folder')
    if fmt not in SPAN_FORMATS:
        return options
    if task_for(project).value_kind != "spans":
        raise InvalidInputError(
            f"{path}: format {fmt!r} holds spans, but this project's task is "
            f"{project.spec.task!r}",
            hint="import span files into a project made with `textloop init NAME --task "
                 "spans`, or export the file as CSV/JSONL with a label column")
    return replace(options, text_col=options.text_col or TEXT,
                   label_col=options.label_col or SPANS,
                   meta_cols=["*"] if options.meta_cols is None else options.meta_cols,
                   read=replace(options.read, format=fmt))


def rows_with_columns(source: Source) -> Iterator[RawRow]:
    """For formats without a header (JSON), the columns are the keys of the first rows.

    Keys are collected over the first ``_COLUMN_SAMPLE`` rows, not just the first one: a
    file whose first rows carry no ``label`` key must not lose the labels of the others.
    """
    rows = source.rows()
    if source.columns is not None:
        return rows
    peeked = list(itertools.islice(rows, _COLUMN_SAMPLE))
    if not peeked:
        raise InvalidInputError(f"{source.path}: the file has no rows", hint="check the file")
    readable = [row for row in peeked if row.problem is None and row.bad_bytes is None]
    if not readable:
        raise failure(source.path, [_unreadable(row) for row in peeked[:MAX_REPORTED]],
                      stopped_early=len(peeked) > MAX_REPORTED)
    columns: dict[str, None] = {}
    for row in readable:
        columns.update((k, None) for k in row.fields if isinstance(k, str))
    source.columns = list(columns)
    source.origin = ("the keys of the first row" if len(peeked) == 1 else
                     f"the keys of the first {len(peeked):,} rows")
    return itertools.chain(peeked, rows)


def _unreadable(row: RawRow) -> RowError:
    """The error ``to_record`` gives a row the reader could not parse or decode."""
    try:
        to_record(row, ColumnMap(text=""))
    except RowError as error:
        return error
    raise AssertionError(f"{row.where} was expected to be unreadable")


def _read_all(run: _ImportRun, source: Source, rows: Iterator[RawRow],
              progress: Progress) -> None:
    reported = 0
    with progress.task(f"Importing {source.path.name}", total=source.size, unit="bytes") as task:
        for row in rows:
            run.take(row)
            if run.errors and run.too_many_errors():
                break
            if run.rows_read % _PROGRESS_EVERY == 0:
                task.advance(source.bytes_read - reported)
                reported = source.bytes_read
        run.flush()


def _finish(run: _ImportRun, source: Source, path: Path) -> ImportResult:
    if run.errors:
        raise failure(path, run.errors, run.too_many_errors())
    if run.rows_read == 0:
        raise InvalidInputError(f"{path}: no rows to import ({source.origin} only)",
                                hint="check that this is the file you meant")
    result = run.result(source)
    imports.finish(run.conn, run.import_id, file_sha256=source.sha256,
                   rows_read=result.rows_read, records_new=result.records_new,
                   annotations_new=result.annotations_new, rows_skipped=result.rows_skipped,
                   report_path=str(run.report.path) if run.report.count else None)
    return result


class _ImportRun:
    """State of one import: validation, batching, skipped rows and collected errors."""

    def __init__(self, conn: Connection, import_id: int, project: Project, cmap: ColumnMap,
                 options: ImportOptions, report: SkipReport, source_ref: str) -> None:
        self.conn = conn
        self.cmap = cmap
        self.skip_invalid = options.skip_invalid
        task = task_for(project)
        self.labels: LabelCheck | ValueCheck
        if task.value_kind == "spans":
            self.labels = SpanCheck(task, project.spec, cmap.label, options.add_labels,
                                    cmap.text)
        elif task.value_kind == "number":
            self.labels = ValueCheck(task, project.spec, cmap.label)
        else:
            self.labels = LabelCheck(project.spec.label_names, cmap.label, options.add_labels)
        self.writer = RecordWriter(conn, import_id, SourceKind.FILE.value, source_ref)
        self.import_id = import_id
        self.report = report
        self.batch: list[tuple[NewRecord, str, RawRow]] = []
        self.ids_seen: dict[str, tuple[str, str]] = {}  # external id -> (record id, where)
        self.splits_seen: dict[str, tuple[str, str]] = {}  # record id -> (its pin, where)
        self.pinned: Counter[str] = Counter()
        self.seen: dict[str, str | None] = {}  # record id -> first label in this file
        self.label_counts: Counter[str] = Counter()
        self.unlabeled = self.repeated = self.conflicting = 0
        self.errors: list[RowError] = []
        self.rows_read = 0

    def take(self, row: RawRow) -> None:
        self.rows_read += 1
        try:
            record = to_record(row, self.cmap)
            label = self.labels.check(row, record.label, record.text)
            if label != record.label:
                record = replace(record, label=label)
            digest = content_hash(record.text)
            if record.external_id is not None:
                self._check_id(row, record.external_id, digest)
            if record.split is not None:
                self._check_split(row, record.split, digest)
        except RowError as problem:
            self._reject(problem)
            return
        if not self.errors:
            self.batch.append((record, digest, row))
            if len(self.batch) >= BATCH:
                self.flush()

    def _check_id(self, row: RawRow, ident: str, digest: str) -> None:
        rid = record_id(digest)
        seen = self.ids_seen.setdefault(ident, (rid, row.where))
        if seen[0] != rid:
            raise RowError(row, f"id {ident!r} is also used at {seen[1]} for a different text",
                           self.cmap.id, fix="make ids unique, or drop --id-col")

    def _check_split(self, row: RawRow, split: str, digest: str) -> None:
        """One text, one split: the same text pinned to two splits in the file is refused."""
        seen = self.splits_seen.setdefault(record_id(digest), (split, row.where))
        if seen[0] != split:
            raise RowError(row, f"the same text is pinned to {seen[0]!r} at {seen[1]} and to "
                                f"{split!r} here", self.cmap.split,
                           fix="give both rows the same split, or drop one of them")

    def _reject(self, problem: RowError) -> None:
        if self.skip_invalid:
            self.report.add(problem)
        else:
            self.errors.append(problem)
            self.batch.clear()

    def too_many_errors(self) -> bool:
        return len(self.errors) >= MAX_REPORTED

    def flush(self) -> None:
        """Write the pending batch after checking its ids against the store.

        A row repeating an earlier row of the file (same text, same label) is counted but
        not sent to the database again: a file of repeats costs no more than its distinct rows.
        """
        batch, self.batch = self.batch, []
        if self.errors or not batch:
            return
        batch = self._without_stored_id_conflicts(batch)
        batch, to_pin = self._without_stored_split_conflicts(batch)
        if self.errors:
            return
        records_out = []
        hashes_out = []
        for record, digest, _ in batch:
            if record.split is not None:
                self.pinned[record.split] += 1
            if self._count(record, digest):
                records_out.append(record)
                hashes_out.append(digest)
        self.writer.write(records_out, hashes_out)
        records.pin_splits(self.conn, to_pin, self.import_id)

    def _without_stored_split_conflicts(self, batch: list[tuple[NewRecord, str, RawRow]]
                                        ) -> tuple[list[tuple[NewRecord, str, RawRow]],
                                                   list[tuple[str, str]]]:
        """The rows whose pin agrees with the store, and the stored unpinned records to pin.

        A stored record keeps the split it was pinned to: a release may already have held it
        out under that pin, so a second import cannot move it. A record stored unpinned is
        pinned now (the release refuses a pin that would train on a row it held out)."""
        wanted = {record_id(d) for r, d, _ in batch if r.split is not None}
        if not wanted:
            return batch, []
        stored = records.stored_splits(self.conn, wanted)
        kept, to_pin = [], {}
        for record, digest, row in batch:
            rid = record_id(digest)
            pin = stored.get(rid)
            if record.split is not None and pin is not None and pin != record.split:
                self._reject(RowError(
                    row, f"this text is already stored pinned to {pin!r}, not "
                         f"{record.split!r}; a record keeps the split it was first pinned to",
                    self.cmap.split, fix=f"drop the row, or import it with --split {pin}"))
                continue
            if record.split is not None and rid in stored and pin is None:
                to_pin[rid] = record.split
            kept.append((record, digest, row))
        return kept, sorted(to_pin.items())

    def _count(self, record: NewRecord, digest: str) -> bool:
        """Count the row; False when it repeats an earlier row exactly (nothing to write)."""
        label = record.label
        if label is None:
            self.unlabeled += 1
        else:
            self.label_counts[label] += 1
        rid = record_id(digest)
        if rid not in self.seen:
            self.seen[rid] = label
            return True
        self.repeated += 1
        previous = self.seen[rid]
        if previous is not None and label is not None and previous != label:
            self.conflicting += 1
        return label is not None and label != previous

    def _without_stored_id_conflicts(self, batch: list[tuple[NewRecord, str, RawRow]]
                                     ) -> list[tuple[NewRecord, str, RawRow]]:
        wanted = {r.external_id for r, _, _ in batch if r.external_id is not None}
        if not wanted:
            return batch
        owners = records.external_id_owners(self.conn, wanted)
        kept = []
        for record, digest, row in batch:
            owner = owners.get(record.external_id or "")
            if owner is not None and owner != digest:
                self._reject(RowError(row, f"id {record.external_id!r} already belongs to a "
                                           "different text in the store", self.cmap.id,
                                      fix="use new ids for new texts, or drop --id-col"))
                continue
            kept.append((record, digest, row))
        return kept

    def result(self, source: Source) -> ImportResult:
        return ImportResult(
            import_id=self.import_id, source=str(source.path), file_sha256=source.sha256,
            rows_read=self.rows_read, records_new=self.writer.records_new,
            annotations_new=self.writer.annotations_new, rows_skipped=self.report.count,
            skipped=list(self.report.first),
            rows_unlabeled=self.unlabeled, pinned=self.pinned, repeated_texts=self.repeated,
            conflicting_texts=self.conflicting, labels=self.label_counts,
            new_labels=[label.name for label in self.labels.new_labels()],
            previous_imports=imports.same_file(self.conn, source.sha256, self.import_id))


def _options_dict(options: ImportOptions, cmap: ColumnMap) -> dict[str, Any]:
    return {"text_col": cmap.text, "label_col": cmap.label, "meta_cols": list(cmap.meta),
            "id_col": cmap.id, "label_map": cmap.label_map, "skip_invalid": options.skip_invalid,
            "add_labels": options.add_labels, "labels": options.labels,
            "format": options.read.format, "encoding": options.read.encoding,
            "header": options.read.header,
            "max_chars": options.max_chars, "unescape_html": options.unescape_html,
            "tag_col": options.read.tag_col, "scheme": options.read.scheme,
            "tag_names": options.read.tag_names, "license": options.license,
            "redistribute": options.redistribute, "split": options.split,
            "split_col": options.split_col}
