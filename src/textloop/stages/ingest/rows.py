"""Turning raw rows into records: column mapping and per-row validation with exact messages."""

from __future__ import annotations

import difflib
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from textloop.errors import InvalidInputError
from textloop.stages.ingest.source import DEFAULT_MAX_CHARS, RawRow
from textloop.texts import normalize_text, text_problem, unescape_html
from textloop.types import SPLITS, NewRecord

__all__ = ["DEFAULT_MAX_CHARS", "ColumnMap", "RowError", "resolve_columns", "to_record"]


class RowError(Exception):
    """A problem with one row; ``column`` is None when it concerns the whole row."""

    def __init__(self, row: RawRow, message: str, column: str | None = None,
                 fix: str = "fix the row") -> None:
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
    unescape_html: bool = False
    """Turn ``<br />`` into line breaks and ``&amp;``-style references into characters."""
    split: str | None = None
    """The column naming each row's split (``--split-col``)."""
    pin: str | None = None
    """The split every row of the file is pinned to (``--split``)."""


def resolve_columns(path: Path, columns: Sequence[str], *, text: str | None, label: str | None,
                    meta: Sequence[str] | None, id_col: str | None, spec_text: str,
                    spec_meta: Sequence[str], label_map: dict[str, str], max_chars: int,
                    origin: str = "the header", split_col: str | None = None) -> ColumnMap:
    """Check the asked-for columns exist; fill defaults from the spec and common names.

    ``origin`` says where the column names came from, for the error message.
    """
    text_col = text or (spec_text if spec_text in columns else _first_present(
        columns, ("text", "sentence", "content", "tweet", "comment", "body")) or spec_text)
    need = _Columns(path, columns, origin)
    need.require(text_col, "--text-col", given=text is not None)
    label_col = label if label is not None else _first_present(columns, ("label", "category",
                                                                         "class"))
    if label_col:
        need.require(label_col, "--label-col")
    if id_col:
        need.require(id_col, "--id-col")
    if split_col:
        need.require(split_col, "--split-col")
    if meta is None:
        meta_cols = tuple(c for c in spec_meta if c in columns)
    elif list(meta) == ["*"]:
        meta_cols = tuple(c for c in columns
                          if c not in {text_col, label_col, id_col, split_col})
    else:
        for column in meta:
            need.require(column, "--meta-cols")
        meta_cols = tuple(meta)
    return ColumnMap(text_col, label_col or None, meta_cols, id_col, dict(label_map), max_chars,
                     split=split_col or None)


def _first_present(columns: Sequence[str], names: Sequence[str]) -> str | None:
    lowered = {c.lower(): c for c in columns}
    return next((lowered[n] for n in names if n in lowered), None)


@dataclass(frozen=True)
class _Columns:
    """The columns a file offers, and the error (with the likely fix) when one is missing."""

    path: Path
    columns: Sequence[str]
    origin: str

    def require(self, column: str, flag: str, given: bool = True) -> None:
        """``given``: the user named the column (else it is the default from the spec)."""
        if column in self.columns:
            return
        shown = ", ".join(repr(c[:40]) for c in self.columns[:12]) or "none"
        more = f" and {len(self.columns) - 12} more" if len(self.columns) > 12 else ""
        why = f"from {flag}" if given else f"the default; choose another with {flag}"
        raise InvalidInputError(
            f"{self.path}: column {column!r} ({why}) not found in {self.origin} "
            f"(columns: {shown}{more})", hint=self._hint(column, flag))

    def _hint(self, column: str, flag: str) -> str:
        columns = list(self.columns)
        if columns and all(c.isdigit() for c in columns):
            return (f"columns are numbered 1 to {len(columns)} when there is no header: "
                    f"pass {flag} N")
        if _looks_like_data(columns):
            return ("the first row looks like data, not a header: pass --no-header and select "
                    f"columns by number ({flag} 1)")
        if column.isdigit():
            example = columns[0] if columns else "NAME"
            return ("column numbers work only for files without a header: pass --no-header, "
                    f"or name the column ({flag} {example})")
        close = difflib.get_close_matches(column, columns, n=1, cutoff=0.5)
        close = close or [c for c in columns if c.lower() == column.lower()]
        if close:
            return f"did you mean {flag} {close[0]}?"
        return f"pass {flag} with one of the columns"


def _looks_like_data(columns: Sequence[str]) -> bool:
    """A header cell longer than 40 characters or with sentence punctuation is probably data."""
    return any(len(c) > 40 or (" " in c.strip() and c.rstrip()[-1:] in ".!?") for c in columns)


def to_record(row: RawRow, cmap: ColumnMap) -> NewRecord:
    """Validate one row into a ``NewRecord`` or raise ``RowError`` saying exactly what is wrong."""
    if row.problem is not None:
        raise RowError(row, row.problem, fix=row.fix or "fix the row")
    if row.bad_bytes is not None:
        raise RowError(row, f"bytes {row.bad_bytes[:8].hex(' ')} are not valid in the file's "
                            "encoding", fix="pass the file's real --encoding (e.g. --encoding "
                            "cp1252), or re-save the file as UTF-8")
    fields = row.fields
    return NewRecord(text=_text(row, cmap), label=_label(row, cmap),
                     meta=_meta(fields, cmap.meta) if cmap.meta else {},
                     external_id=_external_id(row, cmap), source_line=row.line,
                     split=_split(row, cmap) if cmap.split else cmap.pin)


def _text(row: RawRow, cmap: ColumnMap) -> str:
    value = row.fields.get(cmap.text)
    if type(value) is not str:
        value = _scalar_text(row, cmap, value)
    text = normalize_text(unescape_html(value) if cmap.unescape_html else value)
    if not text:
        raise RowError(row, "is empty (expected a non-empty string)" if not value else
                       "holds only whitespace (expected some text)", cmap.text)
    if len(text) > cmap.max_chars:
        raise RowError(row, f"text has {len(text):,} characters (limit {cmap.max_chars:,})",
                       cmap.text, fix="split the text, or raise --max-chars")
    problem = text_problem(text)
    if problem is not None:
        raise RowError(row, problem, cmap.text,
                       fix="remove the NUL characters (is this a binary file?)"
                       if "NUL" in problem else "fix the text's encoding")
    return text


def _scalar_text(row: RawRow, cmap: ColumnMap, value: Any) -> str:
    """Numbers are text too (a tweet can be "42"); anything else is an error."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        raise RowError(row, "text is missing (expected a non-empty string)", cmap.text)
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise RowError(row, f"expected a string, found {type(value).__name__}", cmap.text)
    return str(value)


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
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    ident = "" if value is None else str(value).strip()
    if not ident:
        raise RowError(row, "id is empty (expected a unique, non-empty id)", cmap.id,
                       fix="give every row an id, or drop --id-col")
    return ident


def _split(row: RawRow, cmap: ColumnMap) -> str:
    """The row's split from the ``--split-col`` column: train, validation or test (any
    case); anything else, empty included, is refused rather than guessed at."""
    assert cmap.split is not None
    value = row.fields.get(cmap.split)
    name = "" if value is None else str(value).strip()
    if name.lower() in SPLITS:
        return name.lower()
    shown = repr(name[:40]) if name else "empty"
    raise RowError(row, f"split is {shown} (expected one of {', '.join(SPLITS)})", cmap.split,
                   fix=f"write {', '.join(SPLITS)} in column {cmap.split!r}, or leave out "
                       "--split-col for the release to choose")


def _meta(fields: dict[str, Any], columns: Sequence[str]) -> dict[str, Any]:
    """Metadata values as JSON can hold them: NaN becomes null, other objects their text."""
    out: dict[str, Any] = {}
    for column in columns:
        value = fields.get(column)
        if type(value) is not str and value is not None:
            value = _json_value(value)
        out[column] = value
    return out


def _json_value(value: Any) -> Any:
    if isinstance(value, float):
        return value if math.isfinite(value) else (None if math.isnan(value) else str(value))
    if isinstance(value, bool | int):
        return value
    if isinstance(value, dict | list):
        try:
            json.dumps(value, allow_nan=False)
        except (TypeError, ValueError):
            return str(value)
        return value
    return str(value)
