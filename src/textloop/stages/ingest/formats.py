"""Which reader a file needs: CSV, TSV, JSON Lines, JSON, Parquet, TFRecord, a HF dataset
folder, or a span file (``span_formats``: CoNLL is known by ``.conll``/``.iob``/``.bio``; the
other span formats are JSON Lines too, so they are named with ``--format``).

The format comes from ``--format``, else the folder layout or the file name (ignoring
``.gz``/``.bz2``/``.xz``), else the first line of the file (for names like
``SMSSpamCollection``). Each reader lives in its own module and yields ``RawRow`` objects.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from textloop.errors import InvalidInputError, NotFoundError
from textloop.stages.ingest.byte_input import COMPRESSED, file_encoding, open_bytes
from textloop.stages.ingest.delimited import open_delimited
from textloop.stages.ingest.json_formats import open_json_document, open_jsonl
from textloop.stages.ingest.source import FORMATS, SPAN_FORMATS, RawRow, ReadOptions, Source

__all__ = ["FORMATS", "RawRow", "ReadOptions", "Source", "detect_format", "first_line",
           "looks_like_conll", "open_source", "span_file_format"]

_TAG = re.compile(r"(?:O|[BIESLU]-\S+)")
_SNIFF_LINES = 50

_BY_EXTENSION = {".csv": "csv", ".tsv": "tsv", ".tab": "tsv", ".txt": "tsv", ".jsonl": "jsonl",
                 ".ndjson": "jsonl", ".json": "json", ".parquet": "parquet", ".pq": "parquet",
                 ".conll": "conll", ".iob": "conll", ".bio": "conll", ".tfrecord": "tfrecord",
                 ".tfrecords": "tfrecord"}


def detect_format(path: Path) -> str:
    """Format from the folder layout, the file name, or the first line."""
    if path.is_dir():
        if any(path.glob("*.arrow")) or (path / "dataset_dict.json").exists():
            return "hf"
        raise InvalidInputError(f"{path} is a folder but not a saved Hugging Face dataset",
                                hint="pass a file, or a folder written by Dataset.save_to_disk")
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] in COMPRESSED:
        suffixes = suffixes[:-1]
    ext = suffixes[-1] if suffixes else ""
    return _BY_EXTENSION.get(ext) or _sniff(path)


def _head(path: Path) -> str:
    """The first 64 KiB of a (possibly compressed) text file, decoded in the file's encoding
    (a UTF-16 file's first line is not a UTF-8 line), without a BOM."""
    with open_bytes(path) as handle:
        head = handle.read(65536)
    return head.decode(file_encoding(path, "utf-8"), "replace").lstrip("\ufeff")


def first_line(path: Path) -> str:
    """The first line of a text file without surrounding blanks: what a message quotes to
    show what a file holds, and what an extension-less file's format is guessed from."""
    return _head(path).split("\n", 1)[0].strip()


def span_file_format(path: Path) -> str | None:
    """The span format a file is read in without ``--format``, or None when it holds no spans
    in a form textloop recognises unasked (a labeled CSV, plain JSON Lines).

    ``conll`` for a ``.conll``/``.iob``/``.bio`` file, or a ``.tsv``/``.txt`` of token and
    tag columns as a span project's import reads it (``looks_like_conll``); ``spans-jsonl``
    for JSON Lines whose first object has a ``text`` and a list of ``spans``, the shape of
    Prodigy's and spaCy's files. doccano, Label Studio and ``hf-tokens`` files are not told
    apart from other JSON by their look: those are named with ``--format``.
    """
    fmt = detect_format(path)
    if fmt in SPAN_FORMATS:
        return fmt
    if fmt == "tsv" and looks_like_conll(path):
        return "conll"
    if fmt == "jsonl" and _holds_spans(_first_object(path)):
        return "spans-jsonl"
    return None


def _first_object(path: Path) -> object:
    """The first non-blank line of a JSON Lines file, parsed (None when it is not JSON)."""
    line = next((line for line in _head(path).split("\n") if line.strip()), "")
    try:
        return json.loads(line)
    except ValueError:
        return None


def _holds_spans(row: object) -> bool:
    return (isinstance(row, dict) and isinstance(row.get("text"), str)
            and isinstance(row.get("spans"), list))


def _sniff(path: Path) -> str:
    """Guess for extension-less files (e.g. SMSSpamCollection) from the first line."""
    with open_bytes(path) as handle:
        if handle.read(4) == b"PAR1":
            return "parquet"
    first = first_line(path)
    if first.startswith("{"):
        return "jsonl"
    if first.startswith("["):
        return "json"
    if "\t" in first:
        return "tsv"
    if "," in first:
        return "csv"
    raise InvalidInputError(f"{path}: cannot tell the file format from its name or first line",
                            hint=f"pass --format with one of: {', '.join(FORMATS)}")


def looks_like_conll(path: Path) -> bool:
    """Whether a tab/space-separated file (``.tsv``, ``.txt``, no extension) is token-per-line
    CoNLL: its first lines each hold two or more columns and end in a tag (``O``, ``B-X``,
    ``I-X``, ``E-``/``S-``/``L-``/``U-X``). BC5CDR and many corpora ship CoNLL as ``.tsv``; a
    span project reads such a file as CoNLL rather than failing to find a ``text`` column."""
    if path.is_dir():
        return False
    lines = [line.strip() for line in _head(path).split("\n")[:-1]]
    rows = [line.split() for line in lines
            if line and not line.startswith(("-DOCSTART-", "#"))][:_SNIFF_LINES]
    return bool(rows) and all(len(row) >= 2 and _TAG.fullmatch(row[-1]) for row in rows)


def open_source(path: Path, options: ReadOptions) -> Source:
    """Open ``path`` for reading; raises ``NotFoundError``/``InvalidInputError`` early."""
    if not path.exists():
        raise NotFoundError(f"{path}: no such file or folder", hint="check the path")
    fmt = options.format or detect_format(path)
    if fmt not in FORMATS:
        raise InvalidInputError(f"unknown format {fmt!r}", hint=f"use one of: {', '.join(FORMATS)}")
    _check_readable(path, fmt)
    size = _size(path)
    if fmt in SPAN_FORMATS:
        from textloop.stages.ingest.span_formats import open_span_source

        return open_span_source(path, fmt, size, options)
    if fmt in ("csv", "tsv"):
        return open_delimited(path, fmt, size, options)
    if fmt in ("jsonl", "json"):
        return (open_jsonl if fmt == "jsonl" else open_json_document)(path, size, options)
    if fmt == "tfrecord":
        from textloop.stages.ingest.tfrecord_format import open_tfrecord

        return open_tfrecord(path, size)
    # pyarrow takes a noticeable part of a second to import: only Arrow inputs pay for it
    from textloop.stages.ingest.arrow_formats import open_hf, open_parquet

    return open_parquet(path, size) if fmt == "parquet" else open_hf(path, size)


def _check_readable(path: Path, fmt: str) -> None:
    """A folder only for ``hf``, and a file we may open: say so now, not with a traceback."""
    if fmt != "hf-tokens" and path.is_dir() != (fmt == "hf"):
        expected = "a folder written by save_to_disk" if fmt == "hf" else "a file"
        raise InvalidInputError(f"{path}: format {fmt!r} needs {expected}",
                                hint="check the path and --format")
    if path.is_dir():
        return
    try:
        with path.open("rb"):
            pass
    except OSError as exc:
        raise InvalidInputError(f"{path}: cannot be read ({exc.strerror})",
                                hint="check the file's permissions") from None


def _size(path: Path) -> int:
    if path.is_dir():
        return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
    return path.stat().st_size
