"""Turning raw rows into records: column mapping and per-row validation with exact messages."""

from __future__ import annotations

import difflib
import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from textloop.errors import InvalidInputError
from textloop.stages.ingest.formats import RawRow
from textloop.types import NewRecord

DEFAULT_MAX_CHARS = 1_000_000


class RowError(Exception):
    """A problem with one row; ``column`` is None when it concerns the whole row."""

    def __init__(self, row: RawRow, message: str, column: str | None = None,
                 fix: str = "fix the row or pass --skip-invalid") -> None:
        super().__init__(message)
        self.row = row
        self.column = column
        self.message = message
        self.fix = fix

    def describe(self) -> str:
        col = f", column {self.column!r}" if self.column else ""
        return f"{self.row.where}{col}: {self.message}"


@dataclass(frozen=True)
class ColumnMap:
    """Which columns hold text, label, id and metadata, and how to read them."""

    text: str
    label: str | None = None
    meta: tuple[str, ...] = ()
    id: str | None = None
    label_map: dict[str, str] = field(default_factory=dict)
    max_chars: int = DEFAULT_MAX_CHARS


def resolve_columns(path: Path, columns: Sequence[str], *, text: str | None, label: str | None,
                    meta: Sequence[str] | None, id_col: str | None, spec_text: str,
                    spec_meta: Sequence[str], label_map: dict[str, str],
                    max_chars: int) -> ColumnMap:
    """Check the asked-for columns exist; fill defaults from the spec and common names."""
    text_col = text or (spec_text if spec_text in columns else _first_present(
        columns, ("text", "sentence", "content", "tweet", "comment", "body")) or spec_text)
    _require(path, columns, text_col, "--text-col")
    label_col = label if label is not None else _first_present(columns, ("label", "category",
                                                                         "class"))
    if label_col:
        _require(path, columns, label_col, "--label-col")
    if id_col:
        _require(path, columns, id_col, "--id-col")
    if meta is None:
        meta_cols = tuple(c for c in spec_meta if c in columns)
    elif list(meta) == ["*"]:
        meta_cols = tuple(c for c in columns if c not in {text_col, label_col, id_col})
    else:
        for column in meta:
            _require(path, columns, column, "--meta-cols")
        meta_cols = tuple(meta)
    return ColumnMap(text_col, label_col or None, meta_cols, id_col, dict(label_map), max_chars)


def _first_present(columns: Sequence[str], names: Sequence[str]) -> str | None:
    lowered = {c.lower(): c for c in columns}
    return next((lowered[n] for n in names if n in lowered), None)


def _require(path: Path, columns: Sequence[str], column: str, flag: str) -> None:
    if column in columns:
        return
    shown = ", ".join(repr(c[:40]) for c in columns[:12]) or "none"
    close = difflib.get_close_matches(column, list(columns), n=1)
    hint = f"did you mean {flag} {close[0]}?" if close else f"pass {flag} with one of the columns"
    if columns and all(c.isdigit() for c in columns):
        hint = f"columns are numbered from 1 when there is no header: pass {flag} N"
    elif _looks_like_data(columns):
        hint = (f"the first row looks like data, not a header: pass --no-header and select "
                f"columns by number ({flag} 1)")
    raise InvalidInputError(f"{path}: column {column!r} not found (columns: {shown})", hint=hint)


def _looks_like_data(columns: Sequence[str]) -> bool:
    """A header cell longer than 40 characters or with sentence punctuation is probably data."""
    return any(len(c) > 40 or (" " in c.strip() and c.rstrip()[-1:] in ".!?") for c in columns)


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def record_id(hash_hex: str) -> str:
    """Stable id from the content hash: the same text has the same id in every store."""
    return hash_hex[:16]


def normalize_text(value: str) -> str:
    """Surrounding whitespace and Windows line endings carry no meaning; drop them."""
    return value.replace("\r\n", "\n").strip()


def to_record(row: RawRow, cmap: ColumnMap) -> NewRecord:
    """Validate one row into a ``NewRecord`` or raise ``RowError`` saying exactly what is wrong."""
    fields = row.fields
    if "__error__" in fields:
        raise RowError(row, fields["__error__"])
    if "__width__" in fields:
        found, expected = fields["__width__"]
        raise RowError(row, f"has {found} fields, the header has {expected}",
                       fix="check quoting and delimiters on that line, or pass --skip-invalid")
    if row.bad_bytes is not None:
        raise RowError(row, f"bytes {row.bad_bytes[:8].hex(' ')} are not valid in the file's "
                            "encoding", fix="re-save the file as UTF-8, pass --encoding "
                            "(e.g. cp1252), or pass --skip-invalid")
    text = _text(row, cmap)
    return NewRecord(text=text, label=_label(row, cmap), meta=_meta(fields, cmap.meta),
                     external_id=_external_id(row, cmap), source_line=row.line)


def _text(row: RawRow, cmap: ColumnMap) -> str:
    value = row.fields.get(cmap.text)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        raise RowError(row, "text is missing (expected a non-empty string)", cmap.text)
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise RowError(row, f"expected a string, found {type(value).__name__}", cmap.text)
    text = normalize_text(str(value))
    if not text:
        raise RowError(row, "is empty (expected a non-empty string)", cmap.text)
    if len(text) > cmap.max_chars:
        raise RowError(row, f"text has {len(text):,} characters (limit {cmap.max_chars:,})",
                       cmap.text, fix="split the text, raise --max-chars, or pass --skip-invalid")
    if "\x00" in text:
        raise RowError(row, "contains a NUL character (binary data?)", cmap.text)
    return text


def _label(row: RawRow, cmap: ColumnMap) -> str | None:
    if cmap.label is None:
        return None
    value = row.fields.get(cmap.label)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    label = str(value).strip()
    if not label:
        return None
    return cmap.label_map.get(label, label)


def _external_id(row: RawRow, cmap: ColumnMap) -> str | None:
    if cmap.id is None:
        return None
    value = row.fields.get(cmap.id)
    ident = "" if value is None else str(value).strip()
    if not ident:
        raise RowError(row, "id is empty (expected a unique, non-empty id)", cmap.id,
                       fix="give every row an id, or drop --id-col")
    return ident


def _meta(fields: dict[str, Any], columns: Sequence[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for column in columns:
        value = fields.get(column)
        if isinstance(value, float) and math.isnan(value):
            value = None
        elif value is not None and not isinstance(value, str | int | float | bool):
            value = str(value)
        out[column] = value
    return out
