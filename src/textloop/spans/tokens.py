"""Tokens and text: how token files become stored text, and stored text becomes tokens.

Token formats (CoNLL, Hugging Face ``tokens``/``ner_tags``) carry tokens, not text. Reading
one, we build the text by an explicit, recorded rule (``join``): ``"space"`` puts one space
between tokens (word-level corpora), ``"none"`` puts nothing (character-level corpora, such
as Korean files with one syllable per line). Each token keeps its ``(start, end)`` code-point
offsets in that text, so a token span maps to a character span exactly and back.

Writing one from stored text, we need tokens the text never had: ``tokenize`` splits on
whitespace and punctuation and keeps offsets. Hangul words (eojeol) stay whole, as Korean
writes them with spaces; CJK ideographs and kana, written without spaces, are one token each;
combining marks, variation selectors, skin-tone modifiers and ZWJ emoji sequences stay with
the character they modify. A span that does not fall on token boundaries is widened to the
tokens that cover it and counted in an ``Alignment`` (never dropped silently).
"""

from __future__ import annotations

import bisect
import itertools
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from textloop.spans.core import Span, SpanError

JOINS = ("space", "none")
"""How token files' tokens are joined into text: one space, or nothing."""

TOKENIZER = "textloop.spans.tokens.v1"
"""The name recorded beside exported files whose tokens ``tokenize`` made."""

Offsets = list[tuple[int, int]]

_ZWJ = "\u200d"


def detokenize(tokens: Sequence[str], join: str = "space") -> tuple[str, Offsets]:
    """The text of ``tokens`` joined by ``join`` and each token's code-point offsets in it."""
    if join not in JOINS:
        raise SpanError(f"unknown join {join!r}", fix='use join="space" or join="none"')
    sep = " " if join == "space" else ""
    lengths = [len(token) for token in tokens]
    starts = itertools.accumulate([n + len(sep) for n in lengths[:-1]], initial=0)
    return sep.join(tokens), [(s, s + n) for s, n in zip(starts, lengths, strict=True)]


def tokenize(text: str) -> Offsets:
    """Word, punctuation and CJK-character tokens of ``text`` as code-point offsets."""
    return _scan(text, keep_space=False, words=True)


def char_tokens(text: str) -> Offsets:
    """One token per character (a base character with its marks), spaces included: the
    tokens of a character-level file, which reads back with ``join="none"``."""
    return _scan(text, keep_space=True, words=False)


def _scan(text: str, *, keep_space: bool, words: bool) -> Offsets:
    offsets: Offsets = []
    n = len(text)
    i = 0
    while i < n:
        kind = _kind(text[i])
        if kind == " " and not keep_space:
            i += 1
            continue
        start = i
        i += 1
        if words and kind == "w":
            while i < n and _kind(text[i]) in "w+":
                i = _extend(text, i)
        elif kind == "r" and i < n and _kind(text[i]) == "r":
            i += 1  # a flag: two regional indicators
        while i < n and _kind(text[i]) == "+":
            i = _extend(text, i)
        offsets.append((start, i))
    return offsets


def _extend(text: str, i: int) -> int:
    """The index after the character at ``i`` (after the next one too when it is a ZWJ)."""
    return i + 2 if text[i] == _ZWJ and i + 1 < len(text) else i + 1


def _kind(ch: str) -> str:
    """``" "`` space, ``"+"`` extends the previous character, ``"C"`` CJK, ``"w"`` word,
    ``"r"`` regional indicator, ``"p"`` anything else (punctuation, symbols, emoji)."""
    if ch.isspace():
        return " "
    code = ord(ch)
    if ch.isalnum() or ch == "_":
        if (0x3040 <= code <= 0x30FF or 0x3400 <= code <= 0x4DBF or 0x4E00 <= code <= 0x9FFF
                or 0xF900 <= code <= 0xFAFF or 0x20000 <= code <= 0x3FFFF):
            return "C"
        return "w"
    if (ch == _ZWJ or 0xFE00 <= code <= 0xFE0F or 0x1F3FB <= code <= 0x1F3FF
            or 0xE0020 <= code <= 0xE007F or unicodedata.category(ch)[0] == "M"):
        return "+"
    if 0x1F1E6 <= code <= 0x1F1FF:
        return "r"
    return "p"


@dataclass
class Alignment:
    """Spans that did not fall on token boundaries when spans became token spans.

    ``expanded`` were widened to the covering tokens; ``dropped`` covered no token at all
    (only whitespace). ``first`` describes the first of either, for the report.
    """

    expanded: int = 0
    dropped: int = 0
    first: str | None = None

    def message(self) -> str | None:
        """One line for the user, or None when every span fell on token boundaries."""
        if not self.expanded and not self.dropped:
            return None
        parts = []
        if self.expanded:
            parts.append(f"{self.expanded} span(s) did not fall on token boundaries and were "
                         "widened to the tokens that cover them")
        if self.dropped:
            parts.append(f"{self.dropped} span(s) covered no token (only whitespace) and "
                         "could not be written")
        return "; ".join(parts) + f"; first: {self.first}"


def to_token_spans(text: str, spans: Sequence[Span], offsets: Offsets,
                   alignment: Alignment | None = None) -> list[Span]:
    """Character spans as token spans over ``offsets``, widened where they cut a token
    (counted in ``alignment``)."""
    starts = [start for start, _ in offsets]
    ends = [end for _, end in offsets]
    result: list[Span] = []
    for span in spans:
        first = bisect.bisect_right(ends, span.start)  # first token ending after the start
        last = bisect.bisect_left(starts, span.end) - 1  # last token starting before the end
        if first > last:
            if alignment is not None:
                alignment.dropped += 1
                alignment.first = alignment.first or _describe(text, span, None)
            continue
        if alignment is not None and (starts[first] != span.start or ends[last] != span.end):
            alignment.expanded += 1
            widened = Span(starts[first], ends[last], span.label)
            alignment.first = alignment.first or _describe(text, span, widened)
        result.append(Span(first, last + 1, span.label))
    return result


def to_char_spans(token_spans: Sequence[Span], offsets: Offsets) -> list[Span]:
    """Token spans as character spans over the text ``offsets`` index."""
    return [Span(offsets[s.start][0], offsets[s.end - 1][1], s.label) for s in token_spans]


def _describe(text: str, span: Span, widened: Span | None) -> str:
    found = f"{span.label} {span.start}-{span.end} {text[span.start:span.end]!r}"
    if widened is None:
        return found
    return f"{found} -> {widened.start}-{widened.end} {text[widened.start:widened.end]!r}"
