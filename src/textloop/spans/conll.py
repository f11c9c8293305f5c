"""CoNLL-style token files: one token per line with its tag, a blank line between sentences.

Columns are separated by tabs (then a token may hold spaces, as a character-level file's
space token does) or else by runs of spaces; the token is the first column and the tag the
last unless ``tag_col`` says otherwise. A tab-separated line may hold an empty or blank
token (the Broad Twitter Corpus has a few); it is kept as a token, so the file writes back
as it was read. ``-DOCSTART-`` lines start a new document. The tag
scheme (IOB1, IOB2, IOBES, BILOU) is detected unless given, and strict by default.

CoNLL keeps tokens, not the whitespace between them: the text of a sentence is its tokens
joined by ``join`` (one space, or nothing for character-level files). Files we write start
with a header comment recording that rule, the scheme and where the tokens came from::

    # textloop: {"join": "space", "scheme": "IOB2", "tokenizer": "records, else ..."}

and reading such a file honours it. No other line is taken for a comment: ``#`` alone is a
common token (hashtags).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from textloop.processes import gc_paused
from textloop.spans.records import (
    Item,
    Record,
    RecordError,
    Sentence,
    input_error,
    read_text,
    records_from_tokens,
    strict_reader,
    tagged_sentences,
    write_atomically,
)
from textloop.spans.schemes import scheme_name
from textloop.spans.tokens import JOINS, TOKENIZER, Alignment, Offsets

HEADER = "# textloop: "
DOCSTART = "-DOCSTART-"


def conll_items(path: str | Path, *, tag_col: int = -1, scheme: str | None = None,
                strict: bool = True, join: str | None = None) -> Iterator[Item]:
    """The records of a CoNLL file, one per sentence, with a ``RecordError`` in the place
    of a sentence whose tags break the scheme or that has a line without a tag.

    ``join`` defaults to the file's header, else ``"space"``; pass ``"none"`` for
    character-level files. Each record's meta has ``line``, ``document`` (counting
    ``-DOCSTART-`` lines), ``tokens``, ``join``, ``scheme`` and ``scheme_reason``.
    """
    with gc_paused():
        sentences, header = _sentences(path, tag_col)
        join = join or header.get("join") or "space"
        if join not in JOINS:
            raise input_error(path, 1 if header else None, f"unknown join {join!r}",
                              'use "space" or "none"')
        records = list(records_from_tokens(path, sentences, scheme=scheme or header.get(
            "scheme"), strict=strict, join=join))
    return iter(records)


read_conll = strict_reader(conll_items)
"""The records of a CoNLL file (see ``conll_items``); raises at the first malformed one."""


# A run of non-blank lines: one sentence (or a few, split by -DOCSTART- lines)
_BLOCK = re.compile(r"[^\n]*\S[^\n]*(?:\n[^\n]*\S[^\n]*)*")


def _sentences(path: str | Path, tag_col: int
               ) -> tuple[list[Sentence | RecordError], dict[str, Any]]:
    """The file's sentences (line, tokens, tags, document) and its textloop header.

    Blocks of non-blank lines are split in bulk; a block with a ``-DOCSTART-`` or header
    line, or a line without a tag, goes through ``_lines``, which also names the bad line.
    """
    content = read_text(path)
    header: dict[str, Any] = {}
    sentences: list[Sentence | RecordError] = []
    document = 0
    line, counted = 1, 0
    for match in _BLOCK.finditer(content):
        line += content.count("\n", counted, match.start())
        counted = match.start()
        block = match.group()
        lines = block.split("\n")
        if DOCSTART not in block and not (line == 1 and block.startswith(HEADER)):
            parts = [t.split("\t") for t in lines]
            if min(map(len, parts)) < 2:  # columns separated by spaces (on some lines)
                parts = [p if len(p) > 1 else p[0].split() for p in parts]
            try:
                tags = [p[tag_col].strip() for p in parts]
            except IndexError:
                tags = []
            if len(tags) == len(parts) and min(map(len, parts)) >= 2:
                sentences.append(Sentence(line, [p[0] for p in parts], tags,
                                          {"document": document}))
                continue
        document, found = _lines(path, lines, line, tag_col, document, sentences)
        header = found or header
    return sentences, header


def _lines(path: str | Path, lines: list[str], first: int, tag_col: int, document: int,
           sentences: list[Sentence | RecordError]) -> tuple[int, dict[str, Any] | None]:
    """One block line by line, appending its sentences (or, for a sentence with a line that
    holds no tag, the error naming that line); returns the document count and the header,
    if the block began with one."""
    header = None
    tokens: list[str] = []
    tags: list[str] = []
    bad: RecordError | None = None
    start = first

    def end_sentence() -> None:
        if bad is not None:
            sentences.append(bad)
        elif tokens:
            sentences.append(Sentence(start, tokens, tags, {"document": document}))

    for number, line in enumerate(lines, first):
        parts = line.split("\t") if "\t" in line else line.split()
        if parts[0] == DOCSTART:
            end_sentence()
            tokens, tags, bad = [], [], None
            document += 1
            continue
        if number == 1 and line.startswith(HEADER):
            header = _header(path, line)
            continue
        if not tokens and bad is None:
            start = number
        if bad is not None:
            continue  # the rest of a sentence already refused
        if len(parts) < 2:
            bad = RecordError(path, number, f"expected a token and a tag, found {line!r}",
                              "separate the token and its tag with a tab or spaces, and "
                              "sentences with an empty line")
            continue
        try:
            tag = parts[tag_col].strip()
        except IndexError:
            bad = RecordError(path, number, f"has {len(parts)} columns, no column {tag_col}",
                              "pass the tag column's index as tag_col")
            continue
        tokens.append(parts[0])
        tags.append(tag)
    end_sentence()
    return document, header


def _header(path: str | Path, line: str) -> dict[str, Any]:
    try:
        value = json.loads(line[len(HEADER):])
    except json.JSONDecodeError as exc:
        raise input_error(path, 1, f"the textloop header is not JSON ({exc.msg})",
                          "remove the header line or fix it") from None
    if not isinstance(value, dict):
        raise input_error(path, 1, "the textloop header must be a JSON object",
                          "remove the header line or fix it")
    return value


def write_conll(records: Iterable[Record], path: str | Path, *, scheme: str = "IOB2",
                join: str = "space", tokenizer: Callable[[str], Offsets] | None = None,
                header: bool = True) -> Alignment:
    """Write records as tab-separated token/tag lines in ``scheme`` (IOB2 by default).

    Tokens are those a record was read with, else ``tokenizer``'s (``tokens.tokenize``;
    ``tokens.char_tokens`` with ``join="none"`` for a character-level file). Returns what
    did not align to tokens (spans widened or dropped), which the caller reports.
    """
    scheme = scheme_name(scheme)
    alignment = Alignment()
    source = "records, else " + TOKENIZER if tokenizer is None else getattr(
        tokenizer, "__name__", "custom")

    def chunks() -> Iterator[str]:
        if header:
            yield HEADER + json.dumps({"join": join, "scheme": scheme, "tokenizer": source},
                                      ensure_ascii=False) + "\n"
        for index, (tokens, tags) in enumerate(
                tagged_sentences(path, records, scheme, tokenizer, alignment), 1):
            lines = []
            for token, tag in zip(tokens, tags, strict=True):
                if "\t" in token or "\n" in token or "\r" in token:
                    raise input_error(path, None, f"record {index}: token {token!r} cannot "
                                      "be written on a CoNLL line",
                                      "tokens may not hold tabs or line breaks; use JSONL "
                                      "for such texts")
                lines.append(f"{token}\t{tag}\n")
            yield "".join(lines) + "\n"

    write_atomically(path, chunks())
    return alignment
