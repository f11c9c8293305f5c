"""CSV and TSV: rows with exact line numbers, lenient where real files need it.

The parser runs in strict mode so that a quoted field that is never closed is caught
(lenient mode silently reads the rest of the file into that one field). Any other strict
complaint (``"ab"c``) re-reads just that row leniently, as spreadsheet tools do, so real
files with odd quoting still import. A quoted field may span lines: a row is reported by
the line it starts on.

A CSV cell that starts with ``'`` before ``=``, ``+``, ``-``, ``@``, a tab or a CR loses that
one quote: it is the guard against formula injection that ``textloop export`` (and
spreadsheets' own CSV exports) put there, so an exported CSV imports to the exact texts
(``texts.spreadsheet_unescape``).
"""

from __future__ import annotations

import csv
import itertools
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

from textloop.errors import InvalidInputError
from textloop.stages.ingest.byte_input import decoded_lines, too_long
from textloop.stages.ingest.source import RawRow, ReadOptions, Source
from textloop.texts import spreadsheet_unescape

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))  # our own --max-chars check applies instead
_EOF_IN_QUOTES = "unexpected end of data"
_BARE_CR = "new-line character seen in unquoted field"
_FIX = ("check the quotes and delimiters on that line (pass --quoting none if quote "
        "characters are ordinary text in this file)")


class _Record(NamedTuple):
    """One parsed row: its values, its first and last line, and what went wrong (if anything)."""

    values: list[str]
    start: int
    end: int
    problem: str | None


def open_delimited(path: Path, fmt: str, size: int, options: ReadOptions) -> Source:
    """Open a CSV/TSV file: read the header now (so columns are known), the rows lazily."""
    source = Source(path, fmt, None, size)
    bad: dict[int, bytes] = {}
    records = _records(path, fmt, options, source, bad)
    first = next(records, None)
    if first is None:
        raise InvalidInputError(f"{path}: the file is empty", hint="check the file")
    if options.header:
        columns = _header(path, first, bad)
        shape = f"the header has {len(columns)}"
        source.origin = f"the header (line {first.start})"
    else:
        columns = [str(i) for i in range(1, len(first.values) + 1)]
        shape = f"the first row has {len(columns)}"
        source.origin = f"the {len(columns)} numbered columns of the first row (--no-header)"
        records = itertools.chain([first], records)
    source.columns = columns
    source._rows = (_row(columns, shape, record, bad) for record in records)
    return source


def _records(path: Path, fmt: str, options: ReadOptions, source: Source,
             bad: dict[int, bytes]) -> Iterator[_Record]:
    """Every non-blank row of the file, with its line span and parse problem."""
    quoting = csv.QUOTE_MINIMAL if _quoting(fmt, options) == "csv" else csv.QUOTE_NONE
    unescape = fmt == "csv"  # a CSV cell's leading ' guards a formula (texts.spreadsheet_escape)
    dialect: dict[str, Any] = {"delimiter": "," if fmt == "csv" else "\t", "quoting": quoting}
    current: list[str] = []
    limit = options.max_row_bytes
    lines = decoded_lines(path, options.encoding, source.meter, bad, limit)
    reader = csv.reader(_remembered(path, lines, current, limit), strict=True, **dialect)
    start = 1
    while True:
        current.clear()
        problem = None
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            values, problem = _reread(current, dialect, str(exc))
        if unescape:
            values = [spreadsheet_unescape(v) for v in values]
        if values or problem:
            yield _Record(values, start, reader.line_num, problem)
        start = reader.line_num + 1


def _quoting(fmt: str, options: ReadOptions) -> str:
    quoting = options.quoting or ("csv" if fmt == "csv" else "none")
    if quoting not in ("csv", "none"):
        raise InvalidInputError(f"--quoting {quoting!r} is not known",
                                hint="use --quoting csv or --quoting none")
    return quoting


def _remembered(path: Path, lines: Iterator[str], current: list[str], limit: int
                ) -> Iterator[str]:
    """Pass lines through, keeping those of the row being parsed in ``current``.

    A quoted field may span lines, so one row can grow past ``limit`` from short lines (a
    quote never closed reads the rest of the file into it): refused here as it grows.
    Characters are counted, never more than the bytes they came from, so no row within
    the limit is refused.
    """
    size = first = 0
    for number, line in enumerate(lines, start=1):
        if not current:
            size, first = 0, number
        current.append(line)
        size += len(line)
        if size > limit:
            raise too_long(path, f"the row starting at line {first} spans more than", limit)
        yield line


def _reread(lines: list[str], dialect: dict[str, Any], error: str) -> tuple[list[str], str | None]:
    """Parse one row's lines leniently after a strict-mode error; (values, problem)."""
    if error == _EOF_IN_QUOTES:
        return [], ("a quoted field in this row is never closed: the rest of the file "
                    f"({len(lines):,} lines) would be read into it")
    if error.startswith(_BARE_CR):
        return [], ("has a carriage return (\\r) outside quotes; are the line endings old "
                    "Mac style? convert the file to \\n or \\r\\n line endings")
    try:
        rows = list(csv.reader(lines, strict=False, **dialect))
    except csv.Error as exc:
        return [], f"cannot be parsed ({exc})"
    if len(rows) != 1:
        return [], f"cannot be parsed ({error})"
    return rows[0], None


def _header(path: Path, first: _Record, bad: dict[int, bytes]) -> list[str]:
    if first.problem:
        raise InvalidInputError(f"{path}: line {first.start} (the header): {first.problem}",
                                hint="fix the header row, or pass --quoting none")
    if bad_bytes := _bad_bytes(bad, first):
        raise InvalidInputError(
            f"{path}: line {first.start} (the header): bytes {bad_bytes[:8].hex(' ')} are not "
            "valid in the file's encoding",
            hint="pass the file's real --encoding (e.g. --encoding cp1252), or re-save it as "
                 "UTF-8")
    columns = [c.strip() for c in first.values]
    seen: set[str] = set()
    for name in columns:
        if name in seen and name:
            raise InvalidInputError(
                f"{path}: line {first.start}: column {name!r} appears twice in the header",
                hint="rename one of the columns")
        seen.add(name)
    return columns


def _row(columns: list[str], shape: str, record: _Record, bad: dict[int, bytes]) -> RawRow:
    values = record.values
    problem = record.problem
    if problem is None and len(values) != len(columns):
        problem = f"has {len(values)} field{'s' if len(values) != 1 else ''}, {shape}"
    bad_bytes = _bad_bytes(bad, record) if bad else None
    fix = None if problem is None else _FIX
    return RawRow(record.start, dict(zip(columns, values, strict=False)), None, bad_bytes,
                  problem, fix)


def _bad_bytes(bad: dict[int, bytes], record: _Record) -> bytes | None:
    return next((bad[n] for n in range(record.start, record.end + 1) if n in bad), None)
