"""Tokens and text: how token files become stored text, and stored text becomes tokens.

Token formats (CoNLL, Hugging Face ``tokens``/``ner_tags``) carry tokens, not text. Reading
one, we build the text by an explicit, recorded rule (``join``): ``"space"`` puts one space
between tokens (word-level corpora), ``"none"`` puts nothing (character-level corpora, such
as Korean files with one syllable per line). Each token keeps its ``(start, end)`` code-point
offsets in that text, so a token span maps to a character span exactly and back.

Writing one from stored text, we need tokens the text never had: ``tokenize`` is the
project's one token view of stored text (``matching.word_tokens``, which span agreement and
span rules use too): words split from punctuation, and one token per Hangul, kana or CJK
character (no spaces separate their words; character-level Korean NER corpora cut them so),
combining marks and emoji modifiers kept with their character. A span that does not fall on
token boundaries is widened to the tokens that cover it and counted in an ``Alignment``
(never dropped silently).
"""

from __future__ import annotations

import itertools
import operator
import re
from collections.abc import Sequence
from dataclasses import dataclass

from textloop.spans.core import Span, SpanError
from textloop.spans.matching import MARK_CHAR, Token, covered, word_tokens

JOINS = ("space", "none")
"""How token files' tokens are joined into text: one space, or nothing."""

TOKENIZER = "textloop.spans.matching.word_tokens"
"""The name recorded beside exported files whose tokens ``tokenize`` made."""

Offsets = list[Token]


def detokenize(tokens: Sequence[str], join: str = "space") -> tuple[str, Offsets]:
    """The text of ``tokens`` joined by ``join`` and each token's code-point offsets in it."""
    if join not in JOINS:
        raise SpanError(f"unknown join {join!r}", fix='use join="space" or join="none"')
    sep = " " if join == "space" else ""
    lengths = list(map(len, tokens))
    starts = list(itertools.accumulate(
        lengths[:-1] if not sep else map((1).__add__, lengths[:-1]), initial=0))
    return sep.join(tokens), list(zip(starts, map(operator.add, starts, lengths), strict=True))


def tokenize(text: str) -> Offsets:
    """Word, punctuation and single Hangul/kana/CJK-character tokens of ``text``: the one
    token view of stored text that agreement and rules also use (``matching.word_tokens``)."""
    return word_tokens(text)


_NON_SPACE = re.compile(r"\S+")


def whitespace_tokens(text: str) -> Offsets:
    """Runs of non-space characters: the tokens of a text a token file was joined from
    (``detokenize(..., "space")``), so writing it back gives the file's own tokens."""
    return [match.span() for match in _NON_SPACE.finditer(text)]


# A character with what modifies it: combining marks, variation selectors, skin tones and
# ZWJ-joined characters (an emoji sequence); a space is a character like any other.
_CHARACTER = re.compile(rf"\s|\S(?:{MARK_CHAR}|[\ufe0f\U0001f3fb-\U0001f3ff]|\u200d\S)*")


def char_tokens(text: str) -> Offsets:
    """One token per character (a base character with its marks), spaces included: the
    tokens of a character-level file, which reads back with ``join="none"``."""
    return [match.span() for match in _CHARACTER.finditer(text)]


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
    result: list[Span] = []
    for span in spans:
        indices = covered(offsets, span)
        if not indices:
            if alignment is not None:
                alignment.dropped += 1
                alignment.first = alignment.first or _describe(text, span, None)
            continue
        first, last = indices[0], indices[-1]
        if alignment is not None and (offsets[first][0] != span.start
                                      or offsets[last][1] != span.end):
            alignment.expanded += 1
            widened = Span(offsets[first][0], offsets[last][1], span.label)
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
