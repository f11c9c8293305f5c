"""What every reader produces: rows that know where they came from, and an opened source.

Readers (delimited, JSON, Arrow) yield ``RawRow`` objects carrying their location, so any
later complaint can name the line; the ``Source`` counts and hashes the bytes consumed, so
progress is exact and the file's sha256 costs no second pass.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SPAN_FORMATS = ("conll", "spans-jsonl", "doccano", "label-studio", "hf-tokens")
"""Span files, read by ``textloop.spans`` (``span_formats``); only a span project takes them."""
FORMATS = ("csv", "tsv", "jsonl", "json", "parquet", "hf", "tfrecord", *SPAN_FORMATS)
DEFAULT_MAX_CHARS = 1_000_000
# The longest spelling of one character in any text format we read: a JSON surrogate-pair
# escape (``\\ud83d\\ude00``) is 12 bytes for one character.
_BYTES_PER_CHAR = 12
_OTHER_COLUMNS = 1 << 20  # room on a row for the label, id and metadata beside the text


@dataclass(slots=True)
class RawRow:
    """One row as read: its first line (for messages) and its fields by column name.

    ``place`` overrides the default ``line N`` description for formats without lines
    (``row 12`` of a Parquet file, ``item 3 of 'train'`` of a JSON document).
    """

    line: int
    fields: dict[str, Any]
    place: str | None = None
    bad_bytes: bytes | None = None  # first undecodable byte sequence on the row's lines
    problem: str | None = None  # set by the reader when the row could not be parsed at all
    fix: str | None = None  # what to do about ``problem``

    @property
    def where(self) -> str:
        return self.place or f"line {self.line}"


@dataclass
class ReadOptions:
    format: str | None = None
    encoding: str = "utf-8"
    header: bool = True
    quoting: str | None = None  # "csv" or "none"; default: csv for .csv, none for .tsv
    max_chars: int = DEFAULT_MAX_CHARS  # longest text accepted (``--max-chars``)
    # A JSON document is parsed whole (about ten times its size in memory): beyond this,
    # JSON Lines, which is read row by row, is the format to use.
    max_document_bytes: int = 256 << 20
    tag_col: int = -1  # CoNLL: the column holding the tag (``--tag-col``; default the last)
    scheme: str | None = None  # token formats: the tag scheme (``--scheme``; default detected)
    tag_names: list[str] | None = None
    """hf-tokens: the names integer ``ner_tags`` index (``--tag-names``), where the file or
    dataset does not name them itself."""

    @property
    def max_row_bytes(self) -> int:
        """The most bytes a row (a line, or a quoted CSV row spanning lines) may take.

        A row holding a text of ``max_chars`` characters can never be longer, so a longer
        one is refused while it streams in, before it fills memory (one 1 GiB line in a
        1 MB ``.gz`` file).
        """
        return self.max_chars * _BYTES_PER_CHAR + _OTHER_COLUMNS


class ByteMeter:
    """Counts and hashes the bytes a reader consumes (of the file as stored, compressed or not).

    Readers that do not stream bytes (Parquet, Arrow) hash the files with ``hash_file`` and
    set ``bytes_read`` from the rows they have yielded.
    """

    def __init__(self) -> None:
        self.bytes_read = 0
        self._digest = hashlib.sha256()

    def update(self, data: bytes | memoryview) -> None:
        self.bytes_read += len(data)
        self._digest.update(data)

    def hash_file(self, path: Path) -> None:
        with path.open("rb") as handle:
            while block := handle.read(1 << 20):
                self._digest.update(block)

    @property
    def sha256(self) -> str:
        return self._digest.hexdigest()


@dataclass
class Source:
    """An opened input: format, columns (None until known), rows, and its byte meter.

    ``origin`` says where the column names came from, so a missing column can be explained.
    """

    path: Path
    format: str
    columns: list[str] | None
    size: int
    origin: str = "the header"
    meter: ByteMeter = field(default_factory=ByteMeter)
    provenance: dict[str, Any] = field(default_factory=dict)
    """How a span file was read as a whole (tag ``scheme``, its ``scheme_reason``, ``join``)."""
    _rows: Iterator[RawRow] | None = None

    def rows(self) -> Iterator[RawRow]:
        assert self._rows is not None, "a reader sets the rows when it opens the source"
        return self._rows

    @property
    def bytes_read(self) -> int:
        return self.meter.bytes_read

    @property
    def sha256(self) -> str:
        """sha256 of the file's bytes; complete once all rows have been read."""
        return self.meter.sha256
