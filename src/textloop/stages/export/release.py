"""``textloop export release``: a release written in the formats people and tools load.

The release's task decides which formats apply (``Task.export_formats``): one value per
record (classification, regression) gives tables in JSON Lines, CSV, Parquet, a Hugging
Face dataset folder or TFRecord (``tables.py``); a span release also writes other tools'
span files. Every export is one file (or dataset folder) per non-empty split, with the
release's card (``README.md``), a ``dataset.yaml`` describing the export (its files' sha256
included) and a ``manifest.json``; it is written to a temporary folder renamed into place,
so a failed export leaves nothing behind.

Span files: a release keeps each record's text and its spans in code points; a file format
is a view of it. Character formats (span JSONL, doccano, Label Studio) hold the spans
exactly. Token formats (CoNLL, a Hugging Face dataset folder) need tokens, which a release
does not store: they are derived here, and a span that cuts a token is widened to the tokens
covering it and counted in the result, never silently moved. The tokenisation used is
reported and written in the CoNLL header, so the file reads back the way it was meant.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from textloop import __version__
from textloop.artifacts import MANIFEST, atomic_dir, sha256_file, write_manifest
from textloop.errors import ConflictError, InvalidInputError
from textloop.progress import NULL_PROGRESS, Progress
from textloop.spans import decode_spans
from textloop.spans.records import Record
from textloop.spans.tokens import Alignment, Offsets, to_token_spans, tokenize, whitespace_tokens
from textloop.stages.export.described import export_description
from textloop.stages.export.tables import WRITERS, export_table
from textloop.stages.release import ReleaseData, SplitData, load_release
from textloop.stages.release.dataset_yaml import DATASET_YAML, write_dataset_yaml
from textloop.stages.release.table import shared_source_refs
from textloop.stages.release.writer import CARD, split_file
from textloop.storage import Store
from textloop.tasks.lookup import all_tasks, get_task
from textloop.types import plain

__all__ = ["EXPORT_FORMATS", "TOKENIZERS", "ReleaseExport", "export_release"]

EXPORT_FORMAT = "textloop.export.v1"
TOKENIZERS = ("auto", "whitespace", "words")
"""``whitespace``: runs of non-space characters (a text joined from CoNLL tokens gives its
tokens back); ``words``: words, punctuation and single CJK characters (``spans.tokens``),
for spans inside whitespace tokens (Korean particles, ``Acme's``); ``auto``: whitespace when
every span of the release falls on its boundaries, else words."""
_TOKEN_FORMATS = ("spans-conll", "spans-hf")
_SPAN_SUFFIX = {"spans-conll": ".conll", "spans-jsonl": ".jsonl", "spans-doccano": ".jsonl",
                "spans-label-studio": ".json", "spans-hf": ""}
_TOKENIZE: dict[str, Callable[[str], Offsets]] = {"whitespace": whitespace_tokens,
                                                  "words": tokenize}


def _all_formats() -> tuple[str, ...]:
    return tuple(dict.fromkeys(fmt for task in all_tasks() for fmt in task.export_formats))


EXPORT_FORMATS = _all_formats()
"""Every format some task's releases export to (``Task.export_formats``)."""


@dataclass
class ReleaseExport:
    """What was written where, and what a token format could not keep exactly."""

    release: str
    format: str
    out: Path
    files: dict[str, Path] = field(default_factory=dict)
    """Split name -> the file (or, for ``hf``, the dataset folder) written for it."""
    records: dict[str, int] = field(default_factory=dict)
    spans: int = 0
    scheme: str | None = None  # token formats: the tag scheme written
    tokenizer: str | None = None  # token formats: how texts were cut into tokens
    widened: int = 0
    """Spans that cut a token and were widened to the tokens covering them."""
    dropped: int = 0
    """Spans that covered no token (only whitespace) and could not be written."""
    first_misaligned: str | None = None
    dataset_yaml: Path | None = None
    """The export's ``dataset.yaml`` (beside the card and the manifest)."""

    def to_dict(self) -> dict[str, Any]:
        return plain(self)


def export_release(store: Store, release_id: str, fmt: str, out: Path, *,
                   scheme: str = "IOB2", tokenizer: str = "auto",
                   progress: Progress = NULL_PROGRESS) -> ReleaseExport:
    """Write every non-empty split of release ``release_id`` to the new folder ``out`` in
    ``fmt``, with the card, ``dataset.yaml`` and a manifest."""
    if fmt not in EXPORT_FORMATS:
        raise InvalidInputError(f"unknown export format {fmt!r}",
                                hint=f"use one of: {', '.join(EXPORT_FORMATS)}")
    if tokenizer not in TOKENIZERS:
        raise InvalidInputError(f"unknown tokenizer {tokenizer!r}",
                                hint=f"use one of: {', '.join(TOKENIZERS)}")
    data = load_release(store, release_id)
    task_name = data.manifest.get("task") or "classification"
    formats = get_task(task_name).export_formats
    if fmt not in formats:
        raise InvalidInputError(
            f"release {data.id} is a {task_name} release: format {fmt!r} does not apply to it",
            hint=f"a {task_name} release exports as {', '.join(formats)}")
    _check_out(out)
    writer = formats[fmt]
    result = ReleaseExport(release=data.id, format=fmt, out=out)
    with atomic_dir(out) as tmp:
        if writer in WRITERS:
            _write_tables(data, writer, tmp, result, progress)
        else:
            _write_spans(data, writer, tmp, result, scheme, tokenizer, progress)
        (tmp / CARD).write_bytes((data.path / CARD).read_bytes())
        write_dataset_yaml(tmp, export_description(data, fmt, {
            name: path.relative_to(out).as_posix() for name, path in result.files.items()}))
        result.dataset_yaml = out / DATASET_YAML
        write_manifest(tmp, {"format": EXPORT_FORMAT, "release": data.id,
                             "export_format": fmt, "task": task_name,
                             "release_manifest_sha256": sha256_file(data.path / MANIFEST),
                             "textloop_version": __version__})
    return result


def _check_out(out: Path) -> None:
    """``out`` must be new (or an empty folder): an export never mixes with other files."""
    if not out.exists():
        return
    if not out.is_dir():
        raise InvalidInputError(f"{out} is a file", hint="give --out a folder (made if missing)")
    if any(out.iterdir()):
        raise ConflictError(f"{out} is not empty",
                            hint="give --out a new folder; an export is written whole, with "
                                 "its own manifest")
    out.rmdir()


def _write_tables(data: ReleaseData, writer: str, tmp: Path, result: ReleaseExport,
                  progress: Progress) -> None:
    """Each non-empty split's table, read from the verified release's Parquet file."""
    write, suffix = WRITERS[writer]
    names = [name for name, split in data.splits.items() if len(split)]
    with progress.task(f"Exporting {data.id} as {result.format}", total=len(names)) as bar:
        for name in names:
            table, _ = shared_source_refs(pq.read_table(data.path / split_file(name)))
            table = export_table(table)
            write(table, tmp / f"{name}{suffix}", data.labels)
            result.files[name] = result.out / f"{name}{suffix}"
            result.records[name] = table.num_rows
            bar.advance(1)


def _write_spans(data: ReleaseData, writer: str, tmp: Path, result: ReleaseExport,
                 scheme: str, tokenizer: str, progress: Progress) -> None:
    """Each non-empty split in a span file format, spans widened to tokens where needed."""
    split_records = {name: list(_records(split)) for name, split in data.splits.items()
                     if len(split)}
    cut: Callable[[str], Offsets] | None = None
    if writer in _TOKEN_FORMATS:
        result.scheme = scheme
        result.tokenizer = _choose(tokenizer, split_records)
        cut = _TOKENIZE[result.tokenizer]
    alignment = Alignment()
    with progress.task(f"Exporting {data.id} as {result.format}",
                       total=len(split_records)) as bar:
        for name, records in split_records.items():
            file = f"{name}{_SPAN_SUFFIX[writer]}"
            written = _write(writer, records, tmp / file, scheme, cut)
            if written is not None:
                alignment.expanded += written.expanded
                alignment.dropped += written.dropped
                alignment.first = alignment.first or written.first
            result.files[name] = result.out / file
            result.records[name] = len(records)
            result.spans += sum(len(r.spans) for r in records)
            bar.advance(1)
    result.widened, result.dropped = alignment.expanded, alignment.dropped
    result.first_misaligned = alignment.first


def _records(split: SplitData) -> Iterator[Record]:
    """The split's records with their spans and their metadata (set values only), and the
    record id so an exported line points back to its row."""
    for rid, text, value, meta in zip(split.ids, split.texts, split.labels, split.meta,
                                      strict=True):
        kept = {k: v for k, v in meta.items() if v is not None}
        yield Record(text, decode_spans(value), {**kept, "record_id": rid})


def _choose(tokenizer: str, split_records: dict[str, list[Record]]) -> str:
    """``auto``: whitespace tokens when they keep every span exactly, else word tokens."""
    if tokenizer != "auto":
        return tokenizer
    probe = Alignment()
    for records in split_records.values():
        for record in records:
            to_token_spans(record.text, record.spans, whitespace_tokens(record.text), probe)
            if probe.expanded or probe.dropped:
                return "words"
    return "whitespace"


def _write(writer: str, records: list[Record], path: Path, scheme: str,
           cut: Callable[[str], Offsets] | None) -> Alignment | None:
    """One split with the span library's writer; token formats return their alignment."""
    if writer == "spans-conll":
        from textloop.spans.conll import write_conll

        return write_conll(records, path, scheme=scheme, tokenizer=cut)
    if writer == "spans-hf":
        from textloop.spans.hf import write_hf

        return write_hf(records, path, scheme=scheme, tokenizer=cut)
    if writer == "spans-jsonl":
        from textloop.spans.jsonl import write_jsonl

        write_jsonl(records, path)
    elif writer == "spans-doccano":
        from textloop.spans.doccano import write_doccano

        write_doccano(records, path)
    else:
        from textloop.spans.label_studio import write_label_studio

        write_label_studio(records, path)
    return None

