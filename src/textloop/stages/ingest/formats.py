"""Readers for the file formats users bring: CSV, TSV, JSON Lines, JSON, Parquet, HF datasets.

Every reader yields ``RawRow`` objects that say where in the file they came from, so any
later complaint can name the line. Text formats are read as bytes line by line and decoded
here: a byte that is not valid in the file's encoding marks its row, instead of aborting
the whole file at an unknown position.
"""

from __future__ import annotations

import bz2
import csv
import gzip
import hashlib
import io
import json
import lzma
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from textloop.errors import InvalidInputError, NotFoundError

FORMATS = ("csv", "tsv", "jsonl", "json", "parquet", "hf")
_OPENERS = {".gz": gzip.open, ".bz2": bz2.open, ".xz": lzma.open}
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))  # our own --max-chars check applies instead


@dataclass(slots=True)
class RawRow:
    """One row as read: its location (for messages) and its fields by column name."""

    line: int
    fields: dict[str, Any]
    where: str = ""
    bad_bytes: bytes | None = None  # first undecodable byte sequence on the row's lines

    def __post_init__(self) -> None:
        if not self.where:
            self.where = f"line {self.line}"


@dataclass
class ReadOptions:
    format: str | None = None
    encoding: str = "utf-8"
    header: bool = True
    quoting: str | None = None  # "csv" or "none"; default: csv for .csv, none for .tsv


@dataclass
class Source:
    """An opened input file: its format, header, rows, and a running sha256 of its bytes."""

    path: Path
    format: str
    columns: list[str] | None
    size: int
    _rows: Iterator[RawRow] | None = None
    _digest: Any = field(default_factory=hashlib.sha256)
    bytes_read: int = 0

    def rows(self) -> Iterator[RawRow]:
        assert self._rows is not None
        return self._rows

    @property
    def sha256(self) -> str:
        return self._digest.hexdigest()


def detect_format(path: Path) -> str:
    """Format from the folder layout or the file name (ignoring .gz/.bz2/.xz)."""
    if path.is_dir():
        if any(path.glob("*.arrow")) or (path / "dataset_dict.json").exists():
            return "hf"
        raise InvalidInputError(f"{path} is a folder but not a saved Hugging Face dataset",
                                hint="pass a file, or a folder written by Dataset.save_to_disk")
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] in _OPENERS:
        suffixes = suffixes[:-1]
    ext = suffixes[-1] if suffixes else ""
    by_ext = {".csv": "csv", ".tsv": "tsv", ".tab": "tsv", ".txt": "tsv", ".jsonl": "jsonl",
              ".ndjson": "jsonl", ".json": "json", ".parquet": "parquet", ".pq": "parquet"}
    if ext in by_ext:
        return by_ext[ext]
    return _sniff(path)


def _sniff(path: Path) -> str:
    """Guess for extension-less files (e.g. SMSSpamCollection) from the first line."""
    with _open_binary(path) as handle:
        first = handle.readline(65536).decode("utf-8", "replace").strip()
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


def _open_binary(path: Path) -> IO[bytes]:
    opener = _OPENERS.get(path.suffix.lower())
    return opener(path, "rb") if opener else path.open("rb")  # type: ignore[return-value]


def open_source(path: Path, options: ReadOptions) -> Source:
    """Open ``path`` for reading; raises ``NotFoundError``/``InvalidInputError`` early."""
    if not path.exists():
        raise NotFoundError(f"{path}: no such file or folder", hint="check the path")
    fmt = options.format or detect_format(path)
    if fmt not in FORMATS:
        raise InvalidInputError(f"unknown format {fmt!r}", hint=f"use one of: {', '.join(FORMATS)}")
    size = _size(path)
    if fmt in ("csv", "tsv"):
        return _delimited(path, fmt, size, options)
    if fmt == "jsonl":
        source = Source(path, fmt, None, size)
        source._rows = _jsonl_rows(source, options.encoding)
        return source
    if fmt == "json":
        return _json_document(path, size, options.encoding)
    from textloop.stages.ingest.arrow_formats import open_hf, open_parquet

    return open_parquet(path, size) if fmt == "parquet" else open_hf(path, size)


def _size(path: Path) -> int:
    if path.is_dir():
        return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
    return path.stat().st_size


def _decoded_lines(source: Source, encoding: str, bad: dict[int, bytes]) -> Iterator[str]:
    """Decode line by line; undecodable lines are remembered in ``bad`` (by line number)."""
    with _open_binary(source.path) as handle:
        for number, raw in enumerate(handle, start=1):
            source._digest.update(raw)
            source.bytes_read += len(raw)
            try:
                line = raw.decode(encoding)
            except UnicodeDecodeError as exc:
                bad[number] = raw[exc.start:exc.end]
                line = raw.decode(encoding, "replace")
            if number == 1:
                line = line.removeprefix("\ufeff")
            yield line


def _delimited(path: Path, fmt: str, size: int, options: ReadOptions) -> Source:
    delimiter = "," if fmt == "csv" else "\t"
    quoting_name = options.quoting or ("csv" if fmt == "csv" else "none")
    quoting = csv.QUOTE_MINIMAL if quoting_name == "csv" else csv.QUOTE_NONE
    source = Source(path, fmt, None, size)
    bad: dict[int, bytes] = {}
    reader = csv.reader(_decoded_lines(source, options.encoding, bad), delimiter=delimiter,
                        quoting=quoting, strict=False)
    try:
        first = next(reader)
    except StopIteration:
        raise InvalidInputError(f"{path}: the file is empty", hint="check the file") from None
    except csv.Error as exc:
        raise InvalidInputError(f"{path}: line 1: {exc}", hint="check the header row") from None
    if options.header:
        columns = [c.strip() for c in first]
        pending: list[tuple[int, list[str]]] = []
        _check_header(path, columns)
    else:
        columns = [str(i) for i in range(1, len(first) + 1)]
        pending = [(1, first)]
    source.columns = columns
    source._rows = _delimited_rows(path, reader, columns, pending, bad)
    return source


def _check_header(path: Path, columns: list[str]) -> None:
    seen: set[str] = set()
    for name in columns:
        if name in seen and name:
            raise InvalidInputError(f"{path}: line 1: column {name!r} appears twice in the header",
                                    hint="rename one of the columns")
        seen.add(name)


def _delimited_rows(path: Path, reader: Any, columns: list[str],
                    pending: list[tuple[int, list[str]]], bad: dict[int, bytes]
                    ) -> Iterator[RawRow]:
    yield from (_delimited_row(columns, line, line, values, bad) for line, values in pending)
    start = reader.line_num + 1
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise InvalidInputError(f"{path}: line {start}: {exc}",
                                    hint="check the quoting on that line (or pass --quoting none)"
                                    ) from None
        if values:
            yield _delimited_row(columns, start, reader.line_num, values, bad)
        start = reader.line_num + 1


def _delimited_row(columns: list[str], start: int, end: int, values: list[str],
                   bad: dict[int, bytes]) -> RawRow:
    """A row from lines ``start..end`` (quoted fields may span lines)."""
    fields: dict[str, Any] = dict(zip(columns, values, strict=False))
    if len(values) != len(columns):
        fields["__width__"] = (len(values), len(columns))
    bad_bytes = next((bad[n] for n in range(start, end + 1) if n in bad), None) if bad else None
    return RawRow(start, fields, bad_bytes=bad_bytes)


def _jsonl_rows(source: Source, encoding: str) -> Iterator[RawRow]:
    bad: dict[int, bytes] = {}
    for number, line in enumerate(_decoded_lines(source, encoding, bad), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            yield RawRow(number, {"__error__": f"invalid JSON ({exc.msg} at column {exc.colno})"})
            continue
        if not isinstance(value, dict):
            yield RawRow(number, {"__error__": f"expected a JSON object, found {type(value).__name__}"})
            continue
        yield RawRow(number, value, bad_bytes=bad.get(number))


def _json_document(path: Path, size: int, encoding: str) -> Source:
    """A JSON array of rows, or an object of named arrays (the name becomes column ``split``)."""
    source = Source(path, "json", None, size)
    with _open_binary(path) as handle:
        data = handle.read()
    source._digest.update(data)
    source.bytes_read = len(data)
    try:
        document = json.loads(io.TextIOWrapper(io.BytesIO(data), encoding=encoding).read())
    except UnicodeDecodeError as exc:
        raise InvalidInputError(f"{path}: byte {exc.start}: not valid {encoding}",
                                hint="re-save the file as UTF-8 or pass --encoding") from None
    except json.JSONDecodeError as exc:
        raise InvalidInputError(f"{path}: line {exc.lineno}, column {exc.colno}: invalid JSON "
                                f"({exc.msg})", hint="fix the JSON syntax there") from None
    if isinstance(document, list):
        sections: dict[str | None, list[Any]] = {None: document}
    elif isinstance(document, dict) and all(isinstance(v, list) for v in document.values()):
        sections = dict(document)
    else:
        raise InvalidInputError(
            f"{path}: expected a JSON array of rows or an object whose values are arrays",
            hint="convert the file to JSON Lines (one object per line)")
    source._rows = _json_section_rows(sections)
    return source


def _json_section_rows(sections: dict[str | None, list[Any]]) -> Iterator[RawRow]:
    counter = 0
    for name, items in sections.items():
        for index, item in enumerate(items, start=1):
            counter += 1
            where = f"item {index}" + (f" of {name!r}" if name is not None else "")
            if isinstance(item, dict):
                fields = dict(item)
            elif isinstance(item, list):
                fields = {str(i): v for i, v in enumerate(item, start=1)}
            else:
                fields = {"__error__": f"expected an object or array, found {type(item).__name__}"}
            if name is not None:
                fields.setdefault("split", name)
            yield RawRow(counter, fields, where=where)
