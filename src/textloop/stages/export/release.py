"""``textloop export release``: a span release written in other tools' span file formats.

A release keeps each record's text and its spans in code points; a file format is a view of
it. Character formats (span JSONL, doccano, Label Studio) hold the spans exactly. Token
formats (CoNLL, a Hugging Face dataset folder) need tokens, which a release does not store:
they are derived here, and a span that cuts a token is widened to the tokens covering it and
counted in the result, never silently moved. The tokenisation used is reported and written
in the CoNLL header, so the file reads back the way it was meant.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from textloop.errors import InvalidInputError
from textloop.progress import NULL_PROGRESS, Progress
from textloop.spans import decode_spans
from textloop.spans.records import Record
from textloop.spans.tokens import Alignment, Offsets, to_token_spans, tokenize, whitespace_tokens
from textloop.stages.release import SplitData, load_release
from textloop.storage import Store
from textloop.types import plain

__all__ = ["EXPORT_FORMATS", "TOKENIZERS", "ReleaseExport", "export_release"]

EXPORT_FORMATS = ("conll", "jsonl", "doccano", "label-studio", "hf")
TOKENIZERS = ("auto", "whitespace", "words")
"""``whitespace``: runs of non-space characters (a text joined from CoNLL tokens gives its
tokens back); ``words``: words, punctuation and single CJK characters (``spans.tokens``),
for spans inside whitespace tokens (Korean particles, ``Acme's``); ``auto``: whitespace when
every span of the release falls on its boundaries, else words."""
_TOKEN_FORMATS = ("conll", "hf")
_SUFFIX = {"conll": ".conll", "jsonl": ".jsonl", "doccano": ".jsonl",
           "label-studio": ".json", "hf": ""}
_TOKENIZE: dict[str, Callable[[str], Offsets]] = {"whitespace": whitespace_tokens,
                                                  "words": tokenize}


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

    def to_dict(self) -> dict[str, Any]:
        return plain(self)


def export_release(store: Store, release_id: str, fmt: str, out: Path, *,
                   scheme: str = "IOB2", tokenizer: str = "auto",
                   progress: Progress = NULL_PROGRESS) -> ReleaseExport:
    """Write every split of span release ``release_id`` to ``out`` in ``fmt``."""
    if fmt not in EXPORT_FORMATS:
        raise InvalidInputError(f"unknown export format {fmt!r}",
                                hint=f"use one of: {', '.join(EXPORT_FORMATS)}")
    if tokenizer not in TOKENIZERS:
        raise InvalidInputError(f"unknown tokenizer {tokenizer!r}",
                                hint=f"use one of: {', '.join(TOKENIZERS)}")
    data = load_release(store, release_id)
    task = data.manifest.get("task")
    if task != "spans":
        raise InvalidInputError(
            f"release {data.id} is a {task or 'classification'} release: these formats hold "
            "spans", hint="export a span project's release; a classification release's "
                          f"Parquet files are in {data.path} (pandas.read_parquet)")
    if out.exists() and not out.is_dir():
        raise InvalidInputError(f"{out} is a file", hint="give --out a folder (made if missing)")
    out.mkdir(parents=True, exist_ok=True)
    result = ReleaseExport(release=data.id, format=fmt, out=out)
    split_records = {name: list(_records(split)) for name, split in data.splits.items()
                     if len(split)}
    cut: Callable[[str], Offsets] | None = None
    if fmt in _TOKEN_FORMATS:
        result.scheme = scheme
        result.tokenizer = _choose(tokenizer, split_records)
        cut = _TOKENIZE[result.tokenizer]
    alignment = Alignment()
    with progress.task(f"Exporting {data.id} as {fmt}", total=len(split_records)) as bar:
        for name, records in split_records.items():
            path = out / f"{name}{_SUFFIX[fmt]}"
            written = _write(fmt, records, path, scheme, cut)
            if written is not None:
                alignment.expanded += written.expanded
                alignment.dropped += written.dropped
                alignment.first = alignment.first or written.first
            result.files[name] = path
            result.records[name] = len(records)
            result.spans += sum(len(r.spans) for r in records)
            bar.advance(1)
    result.widened, result.dropped = alignment.expanded, alignment.dropped
    result.first_misaligned = alignment.first
    return result


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


def _write(fmt: str, records: list[Record], path: Path, scheme: str,
           cut: Callable[[str], Offsets] | None) -> Alignment | None:
    """One split with the span library's writer; token formats return their alignment."""
    if fmt == "conll":
        from textloop.spans.conll import write_conll

        return write_conll(records, path, scheme=scheme, tokenizer=cut)
    if fmt == "hf":
        from textloop.spans.hf import write_hf

        return write_hf(records, path, scheme=scheme, tokenizer=cut)
    if fmt == "jsonl":
        from textloop.spans.jsonl import write_jsonl

        write_jsonl(records, path)
    elif fmt == "doccano":
        from textloop.spans.doccano import write_doccano

        write_doccano(records, path)
    else:
        from textloop.spans.label_studio import write_label_studio

        write_label_studio(records, path)
    return None

