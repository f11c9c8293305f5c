"""JSON Lines (one object per line) and JSON documents (an array, or an object of arrays).

A JSON string may spell a lone UTF-16 surrogate (``"\\ud800"``); Python accepts it but no
database can store it, so such rows are reported here rather than failing inside SQLite.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from textloop.errors import InvalidInputError
from textloop.stages.ingest.byte_input import decoded_lines, file_encoding, open_bytes
from textloop.stages.ingest.source import ByteMeter, RawRow, ReadOptions, Source

_FIX_JSON = "write one JSON object per line, e.g. {\"text\": \"...\", \"label\": \"...\"}"
# Python's parser recurses once per level of [ or { and gives up near its recursion limit
# (about 1,000 levels): no real row nests that deep, so such a row is refused, not a crash.
_TOO_DEEP = "JSON nested too deeply to parse (hundreds of levels of [ or {)"
_DEEP = 500  # levels any Python parses; past them, the line where a document nests too deeply
_BRACKETS = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[{]|[\]}]')
_SURROGATE_ESCAPES = ("\\ud8", "\\ud9", "\\uda", "\\udb", "\\udc", "\\udd", "\\ude", "\\udf")


def open_jsonl(path: Path, size: int, options: ReadOptions) -> Source:
    """JSON Lines; the columns are the keys of the first valid row (see ``with_columns``)."""
    source = Source(path, "jsonl", None, size)
    source._rows = _jsonl_rows(path, options, source.meter)
    return source


def _jsonl_rows(path: Path, options: ReadOptions, meter: ByteMeter) -> Iterator[RawRow]:
    bad: dict[int, bytes] = {}
    lines = decoded_lines(path, options.encoding, meter, bad, options.max_row_bytes)
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        if number in bad:
            yield RawRow(number, {}, bad_bytes=bad[number])
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            yield RawRow(number, {}, problem=f"invalid JSON ({exc.msg} at column {exc.colno})",
                         fix=_FIX_JSON)
            continue
        except RecursionError:
            yield RawRow(number, {}, problem=_TOO_DEEP, fix=_FIX_JSON)
            continue
        if not isinstance(value, dict):
            yield RawRow(number, {}, problem="expected a JSON object ({...}), found "
                                             f"{_json_type(value)}", fix=_FIX_JSON)
            continue
        problem = _surrogate_problem(value) if _may_hold_surrogates(line) else None
        yield RawRow(number, value, problem=problem)


def _json_type(value: Any) -> str:
    names = {list: "an array", str: "a string", bool: "a boolean", int: "a number",
             float: "a number", type(None): "null"}
    return names.get(type(value), type(value).__name__)


def _may_hold_surrogates(raw: str) -> bool:
    """Cheap pre-check on the JSON text, so valid rows never pay for ``_surrogate_problem``."""
    if "\\u" not in raw:
        return False
    lowered = raw.lower()
    return any(escape in lowered for escape in _SURROGATE_ESCAPES)


def _surrogate_problem(value: Any) -> str | None:
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return "contains a lone UTF-16 surrogate escape (\\ud800-\\udfff), which is not text"
    return None


def open_json_document(path: Path, size: int, options: ReadOptions) -> Source:
    """A JSON array of rows, or an object of named arrays (the name becomes column ``split``)."""
    source = Source(path, "json", None, size)
    codec = file_encoding(path, options.encoding)
    with open_bytes(path, source.meter) as stream:
        data = stream.read(options.max_document_bytes + 1)
    if len(data) > options.max_document_bytes:
        raise InvalidInputError(
            f"{path}: the JSON document is larger than {options.max_document_bytes:,} bytes, "
            "too large to parse whole", hint="convert the file to JSON Lines (one object per "
            "line, e.g. with `jq -c '.[]'`), which is read row by row")
    try:
        text = data.decode(codec).removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise InvalidInputError(
            f"{path}: line {line}: bytes {data[exc.start:exc.end].hex(' ')} are not valid {codec}",
            hint="pass the file's real --encoding (e.g. cp1252), or re-save it as UTF-8") from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInputError(f"{path}: line {exc.lineno}, column {exc.colno}: invalid JSON "
                                f"({exc.msg})", hint="fix the JSON syntax there") from None
    except RecursionError:
        raise InvalidInputError(f"{path}: line {_too_deep_line(data)}: {_TOO_DEEP}",
                                hint="flatten the nesting there, or convert the file to JSON "
                                     "Lines with one object per line") from None
    source._rows = _document_rows(path, text, document)
    return source


def _too_deep_line(data: bytes) -> int:
    """The line where brackets outside strings first nest deeper than the parser can go."""
    depth = 0
    for match in _BRACKETS.finditer(data):
        token = match.group()
        if token in (b"[", b"{"):
            depth += 1
            if depth > _DEEP:
                return data.count(b"\n", 0, match.start()) + 1
        elif token in (b"]", b"}"):
            depth -= 1
    return 1


def _document_rows(path: Path, text: str, document: Any) -> Iterator[RawRow]:
    if isinstance(document, list):
        sections: dict[str | None, list[Any]] = {None: document}
    elif isinstance(document, dict) and all(isinstance(v, list) for v in document.values()):
        sections = dict(document)
    else:
        raise InvalidInputError(
            f"{path}: expected a JSON array of rows or an object whose values are arrays",
            hint="convert the file to JSON Lines (one object per line)")
    check = _may_hold_surrogates(text)
    counter = 0
    for name, items in sections.items():
        for index, item in enumerate(items, start=1):
            counter += 1
            place = f"item {index}" + (f" of {name!r}" if name is not None else "")
            yield _document_row(counter, place, name, item, check)


def _document_row(counter: int, place: str, section: str | None, item: Any,
                  check_surrogates: bool) -> RawRow:
    if isinstance(item, dict):
        fields = dict(item)
    elif isinstance(item, list):
        fields = {str(i): v for i, v in enumerate(item, start=1)}
    else:
        return RawRow(counter, {}, place, problem="expected an object or an array, found "
                                                  f"{_json_type(item)}")
    if section is not None:
        fields.setdefault("split", section)
    problem = _surrogate_problem(fields) if check_surrogates else None
    return RawRow(counter, fields, place, problem=problem)
