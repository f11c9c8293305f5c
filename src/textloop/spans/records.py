"""What every span file reader and writer shares: the record, errors that name the file and
line, offsets given in UTF-16 units, and the path between tags and character spans.

A record is ``(text, spans, meta)``: the text as it will be stored, its spans in code points
and a dict of what the file said besides (``line`` where the record starts; for token
formats ``tokens`` offsets, ``join`` and the ``scheme`` read with the reason it was chosen).

A malformed record (a broken tag sequence, a line that is not JSON, offsets outside the
text) is a ``RecordError``; a malformed file (not UTF-8, a scheme that cannot be detected)
an ``InvalidInputError``. Each reader's ``*_items`` function yields the record errors in
place of their records and reads on, so an import with ``--skip-invalid`` skips and reports
them; its ``read_*`` function (``strict_reader``) raises the first. A file error stops both.
"""

from __future__ import annotations

import functools
import json
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, NamedTuple, ParamSpec, TypeVar

from textloop.errors import InvalidInputError
from textloop.spans.core import Span, SpanError, check_spans, from_utf16, span_from
from textloop.spans.schemes import (
    TagError,
    detect_scheme,
    scheme_name,
    spans_to_tags,
    tags_to_spans,
)
from textloop.spans.tokens import (
    Alignment,
    Offsets,
    detokenize,
    to_char_spans,
    to_token_spans,
    tokenize,
)

INTERNAL_META = frozenset({"line", "tokens", "join", "scheme", "scheme_reason", "document"})
"""Meta keys the readers set themselves; writers do not copy them into files."""


class Record(NamedTuple):
    text: str
    spans: list[Span]
    meta: dict[str, Any]


def input_error(path: str | Path, line: int | None, message: str, hint: str
                ) -> InvalidInputError:
    """The error for bad content at ``path:line``, so the user can open the spot."""
    where = f"{path}, line {line}" if line is not None else str(path)
    return InvalidInputError(f"{where}: {message}", hint=hint, path=str(path), line=line)


class RecordError(InvalidInputError):
    """One malformed record: where it is (``line``; ``place`` such as ``row 3`` for a
    dataset folder), what is wrong (``problem``, without the file and line) and the ``fix``.

    It is an error a strict reader raises, and a value the ``*_items`` readers yield in the
    record's place: one bad record need not hide the others, and the importer reports it
    as a skipped row of its own.
    """

    def __init__(self, path: str | Path, line: int, problem: str, fix: str,
                 place: str | None = None) -> None:
        where = f"{path}, line {line}" if place is None else f"{path}: {place}"
        super().__init__(f"{where}: {problem}", hint=fix, path=str(path), line=line)
        self.line = line
        self.problem = problem
        self.fix = fix
        self.place = place


Item = Record | RecordError
"""What an ``*_items`` reader yields: a record, or the error that stands for one."""

_P = ParamSpec("_P")
_T = TypeVar("_T")


def strict_reader(items: Callable[_P, Iterator[Item]]) -> Callable[_P, Iterator[Record]]:
    """The reader over ``items`` that raises the first ``RecordError`` instead of yielding
    it (the default for library callers, who want all the records or an error)."""
    def read(*args: _P.args, **kwargs: _P.kwargs) -> Iterator[Record]:
        return only_records(items(*args, **kwargs))

    functools.update_wrapper(read, items, assigned=("__module__", "__doc__"))
    read.__name__ = read.__qualname__ = "read_" + items.__name__.removesuffix("_items")
    return read


def only_records(items: Iterable[Item]) -> Iterator[Record]:
    """The records of ``items``; raises the first record error."""
    for item in items:
        if isinstance(item, RecordError):
            raise item
        yield item


def attempt(read: Callable[_P, _T], *args: _P.args, **kwargs: _P.kwargs) -> _T | RecordError:
    """``read(...)``, or the ``RecordError`` it raised: one record's reading, made a value
    an ``*_items`` reader can yield before going on to the next record."""
    try:
        return read(*args, **kwargs)
    except RecordError as error:
        return error


def read_text(path: str | Path) -> str:
    """A whole UTF-8 file (byte-order mark skipped, ``\r\n`` read as ``\n``), or the error
    that names it."""
    try:
        with open(path, encoding="utf-8-sig", newline=None) as handle:
            return handle.read()
    except OSError as exc:
        raise InvalidInputError(f"cannot read {path}: {exc.strerror}",
                                hint="check the path") from None
    except UnicodeDecodeError as exc:
        raise input_error(path, None, f"is not UTF-8 ({exc.reason} at byte {exc.start})",
                          "save the file as UTF-8") from None


def numbered_lines(path: str | Path) -> Iterator[tuple[int, str]]:
    """``(line number, line without its newline)``; a UTF-8 byte-order mark is skipped and
    ``\\r\\n`` ends a line like ``\\n`` (only those end lines, not U+2028 and friends)."""
    try:
        handle = open(path, encoding="utf-8-sig", newline=None)  # noqa: SIM115
    except OSError as exc:
        raise InvalidInputError(f"cannot read {path}: {exc.strerror}",
                                hint="check the path") from None
    with handle:
        try:
            for number, line in enumerate(handle, 1):
                yield number, line.rstrip("\n")
        except UnicodeDecodeError as exc:
            raise input_error(path, None, f"is not UTF-8 ({exc.reason} at byte {exc.start})",
                              "save the file as UTF-8") from None


def json_line(path: str | Path, number: int, line: str) -> dict[str, Any]:
    """One JSONL line as an object, or the record error naming it."""
    try:
        value = json.loads(line)
    except json.JSONDecodeError as exc:
        raise RecordError(path, number, f"not JSON ({exc.msg}, column {exc.colno})",
                          "write one JSON object per line") from None
    if not isinstance(value, dict):
        raise RecordError(path, number, f"expected a JSON object, got {type(value).__name__}",
                          "write one JSON object per line")
    return value


def json_lines_items(path: str | Path, read: Callable[[int, dict[str, Any]], _T]
                     ) -> Iterator[_T | RecordError]:
    """``read(line number, object)`` of each non-blank line of a JSONL file, or the record
    error that line gave (not JSON, not an object, or what ``read`` raised)."""
    def one(number: int, line: str) -> _T:
        return read(number, json_line(path, number, line))

    for number, line in numbered_lines(path):
        if line.strip():
            yield attempt(one, number, line)


def text_of(path: str | Path, number: int, value: Any, field: str) -> str:
    """The record's text, which must be a non-empty string."""
    if not isinstance(value, str) or not value:
        raise RecordError(path, number, f'"{field}" must be a non-empty string, got {value!r}',
                          f'give each record its text in "{field}"')
    return value


def span_readings(text: str, start: Any, end: Any, label: Any, quoted: str
                  ) -> tuple[Span | None, Span | None]:
    """A quoted span's offsets read as code points and as UTF-16 units: each reading, or
    None where it does not select the quoted text.

    Files written by browsers (Label Studio) may count UTF-16 units, which differ from code
    points after any character outside the Basic Multilingual Plane (most emoji). Both
    readings can select the same text at different places (``"a👩‍💻aaa"``: the last ``a`` is
    4-5 in code points and 6-7 in UTF-16 units, and 6-7 in code points is an ``a`` too), so
    a reader decides per file (``label_studio``), or prefers code points (``located_span``).
    """
    span = span_from({"start": start, "end": end, "label": label})
    as_code_points = span if (span.end <= len(text)  # slicing would clip, not fail
                              and text[span.start:span.end] == quoted) else None
    try:
        converted: Span | None = Span(from_utf16(text, span.start), from_utf16(text, span.end),
                                      span.label)
    except SpanError:
        converted = None
    if converted is not None and text[converted.start:converted.end] != quoted:
        converted = None
    return as_code_points, converted


def located_span(text: str, start: Any, end: Any, label: Any, quoted: Any) -> Span:
    """A span from a file written by Python tools (code points), checked against the text
    it quotes, if any; offsets that only select it as UTF-16 units are converted."""
    if not isinstance(quoted, str):
        return span_from({"start": start, "end": end, "label": label})
    as_code_points, as_utf16 = span_readings(text, start, end, label, quoted)
    found = as_code_points or as_utf16
    if found is None:
        raise unquoted(text, span_from({"start": start, "end": end, "label": label}), quoted)
    return found


def unquoted(text: str, span: Span, quoted: str) -> SpanError:
    """The error for offsets that select something else than the text the file quotes."""
    return SpanError(f"span {span.start}-{span.end} ({span.label}) selects "
                     f"{text[span.start:span.end]!r}, not the {quoted!r} the file quotes "
                     "(in code points or UTF-16 units)",
                     fix="export again from the tool, or correct the offsets or the text")


def checked(path: str | Path, number: int, text: str, spans: Sequence[Span]) -> list[Span]:
    """The spans in canonical order, or the record error naming the record's line."""
    try:
        return check_spans(text, spans, None, overlapping=True)
    except SpanError as exc:
        raise RecordError(path, number, str(exc), exc.fix) from None


def public_meta(meta: dict[str, Any]) -> dict[str, Any]:
    """The meta a writer copies into a file (what the source said, not what we derived)."""
    return {k: v for k, v in meta.items() if k not in INTERNAL_META}


class Sentence(NamedTuple):
    """A tokenised sentence from a token file: where it starts, its tokens and tags."""

    line: int
    tokens: list[str]
    tags: list[str]
    meta: dict[str, Any]


def records_from_tokens(path: str | Path, sentences: Sequence[Sentence | RecordError], *,
                        scheme: str | None, strict: bool, join: str,
                        unit: str = "token line") -> Iterator[Item]:
    """Records from tokenised sentences: the scheme detected (or given), tags checked and
    turned into spans, tokens joined into text by ``join``. A sentence whose tags break
    the scheme is a ``RecordError`` in its place, as are the record errors among
    ``sentences`` (lines the reader could not split into a token and a tag).

    The scheme is detected from the sentences whose tags are well-formed; a file whose tags
    cannot be read in any one scheme (IOBES and BILOU prefixes mixed) is an
    ``InvalidInputError``. ``unit`` says what a sentence's ``line`` counts, for errors:
    ``"token line"`` (CoNLL: one token per line, so a bad tag is reported at its own line),
    ``"line"`` (one sentence per line) or ``"row"`` (a dataset row).
    """
    def located(exc: SpanError, sentence: Sentence, note: str) -> RecordError:
        position = exc.position if isinstance(exc, TagError) else 0
        message = f"{exc}{note}"
        if unit == "token line":
            return RecordError(path, sentence.line + position, message, exc.fix)
        if unit == "line":
            return RecordError(path, sentence.line, message, exc.fix)
        return RecordError(path, sentence.line, message, exc.fix, place=f"{unit} "
                           f"{sentence.line}")

    if scheme is None:
        try:
            detection = detect_scheme((s.tags for s in sentences if isinstance(s, Sentence)),
                                      skip_malformed=True)
        except SpanError as exc:
            raise input_error(path, None, str(exc), exc.fix) from None
        scheme, reason = detection.scheme, detection.reason
    else:
        try:
            scheme, reason = scheme_name(scheme), "given"
        except SpanError as exc:
            raise input_error(path, None, str(exc), exc.fix) from None
    for sentence in sentences:
        if isinstance(sentence, RecordError):
            yield sentence
            continue
        try:
            token_spans = tags_to_spans(sentence.tags, scheme, strict=strict)
        except SpanError as exc:
            yield located(exc, sentence, f" (scheme {scheme}: {reason})")
            continue
        text, offsets = detokenize(sentence.tokens, join)
        meta = {"line": sentence.line, **sentence.meta, "tokens": offsets, "join": join,
                "scheme": scheme, "scheme_reason": reason}
        yield Record(text, to_char_spans(token_spans, offsets), meta)


def tokens_of(record: Record, tokenizer: Callable[[str], Offsets]) -> Offsets:
    """The record's tokens: those it was read with, when they still index its text, else
    ``tokenizer``'s."""
    recorded = record.meta.get("tokens")
    if recorded and all(0 <= s <= e <= len(record.text) for s, e in recorded):
        return [(s, e) for s, e in recorded]
    return tokenizer(record.text)


def tagged_sentences(path: str | Path, records: Iterable[Record], scheme: str,
                     tokenizer: Callable[[str], Offsets] | None, alignment: Alignment
                     ) -> Iterator[tuple[list[str], list[str]]]:
    """``(tokens, tags)`` of each record for a token writer; misaligned spans widened and
    counted in ``alignment``."""
    for index, record in enumerate(records, 1):
        offsets = tokens_of(record, tokenizer or tokenize)
        if not offsets:
            raise input_error(path, None, f"record {index} has no tokens ({record.text!r})",
                              "token formats need at least one token per text")
        token_spans = to_token_spans(record.text, record.spans, offsets, alignment)
        try:
            tags = spans_to_tags(token_spans, len(offsets), scheme)
        except SpanError as exc:
            raise input_error(path, None, f"record {index}: {exc}", exc.fix) from None
        yield [record.text[s:e] for s, e in offsets], tags


def write_atomically(path: str | Path, chunks: Iterable[str]) -> None:
    """Write text to ``path`` through a temporary file renamed into place, so an error
    midway leaves any existing file whole."""
    target = Path(path)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            for chunk in chunks:
                handle.write(chunk)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
