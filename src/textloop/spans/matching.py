"""Comparing span lists: one-to-one strict and partial matching, and a token view of spans.

Agreement between annotators (``measures.span_agreement``), span rules against human spans
and rule overlaps (``strategies.span_rules``) all ask the same two questions, answered here
once:

- **Which spans of two lists match?** ``match_spans`` pairs them one to one. A *strict*
  match has the same start, end and label. A *partial* match is SemEval-2013 Task 9.1's
  "partial" (Segura-Bedmar et al. 2013; the ``partial`` schema of nervaluate, after MUC-5):
  spans that overlap without the same boundaries earn half credit, so precision is
  ``(COR + 0.5 PAR) / ACT`` and recall ``(COR + 0.5 PAR) / POS``. SemEval's partial schema
  ignores the label; here both spans must carry the same label, so a per-label breakdown
  adds up to the overall counts and a PER/ORG confusion is never credited.
- **Which tokens does a span cover?** ``word_tokens`` splits a text into words (Latin, Cyrillic,
  ... letters and digits), single Hangul, kana and CJK characters (no spaces separate their
  words, so one character is one token, as in character-level Korean NER corpora), and
  single other symbols (an emoji with its modifiers and joiners is one). A span covers the
  tokens it overlaps, even partly.

Offsets are code points over the stored text, like ``Span``'s. Pure code: no store.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from textloop.spans.core import Span, canonical

Token = tuple[int, int]
"""A token's (start, end) code-point offsets in the text."""

OUTSIDE = "O"
"""The tag of a token no span covers."""

# Scripts written without spaces between words: one character is one token.
_CJK = ("\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u4dbf\u4e00-\u9fff\ua960-\ua97f"
        "\uac00-\ud7af\uf900-\ufaff\uff66-\uff9f\U00020000-\U0003134f")
_MARKS = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
_TOKEN = re.compile(
    rf"[{_CJK}]"                                   # one Hangul / kana / CJK character
    rf"|[^\W_{_CJK}](?:[^\W_{_CJK}]|[{_MARKS}])*"  # a word (combining marks stay on it)
    r"|\S(?:[\ufe0f\U0001f3fb-\U0001f3ff]|\u200d\S)*"  # a symbol, emoji with its modifiers
)
SPACED_WORD_CHAR = rf"[^\W{_CJK}]"
"""A character of a word in a script that separates words with spaces (a regex class)."""
MARK_CHAR = rf"[{_MARKS}]"
"""A combining mark, which belongs to the character before it (a regex class)."""


def word_tokens(text: str) -> list[Token]:
    """The text's tokens as (start, end) offsets, in order, never overlapping."""
    return [match.span() for match in _TOKEN.finditer(text)]


def covered(tokens: Sequence[Token], span: Span) -> range:
    """Indices of the tokens ``span`` overlaps (``tokens`` in text order)."""
    first = bisect.bisect_right([end for _, end in tokens], span.start)
    last = bisect.bisect_left([start for start, _ in tokens], span.end)
    return range(first, max(first, last))


def token_owners(tokens: Sequence[Token], spans: Sequence[Span]) -> list[int | None]:
    """For each token, the index in ``spans`` (canonical: sorted, no duplicates) of the span
    that tags it, or None. Where spans overlap on a token, the first span by (start, end,
    label) wins, so the result does not depend on the order the spans were given in."""
    owners: list[int | None] = [None] * len(tokens)
    for position in reversed(range(len(spans))):
        for index in covered(tokens, spans[position]):
            owners[index] = position
    return owners


def token_tags(tokens: Sequence[Token], spans: Iterable[Span]) -> list[str]:
    """One tag per token: the label of the span covering it (the first by (start, end,
    label) where spans overlap), else ``OUTSIDE``."""
    ordered = canonical(spans)
    return [OUTSIDE if owner is None else ordered[owner].label
            for owner in token_owners(tokens, ordered)]


@dataclass(frozen=True)
class SpanMatch:
    """How two span lists match: ``reference`` (the gold, or the first annotator) against
    ``candidate`` (a prediction, a rule, or the second annotator)."""

    n_reference: int
    n_candidate: int
    exact: int
    """Pairs with the same start, end and label (COR)."""
    partial: int
    """Further pairs that overlap with the same label but other boundaries (PAR)."""

    def __add__(self, other: SpanMatch) -> SpanMatch:
        return SpanMatch(self.n_reference + other.n_reference,
                         self.n_candidate + other.n_candidate,
                         self.exact + other.exact, self.partial + other.partial)

    def credit(self, partial: bool) -> float:
        """Matched spans: COR strictly, COR + 0.5 PAR with partial credit."""
        return self.exact + 0.5 * self.partial if partial else float(self.exact)

    def precision(self, partial: bool = False) -> float | None:
        """Credit per candidate span; None when the candidate has none."""
        return self.credit(partial) / self.n_candidate if self.n_candidate else None

    def recall(self, partial: bool = False) -> float | None:
        """Credit per reference span; None when the reference has none."""
        return self.credit(partial) / self.n_reference if self.n_reference else None

    def f1(self, partial: bool = False) -> float | None:
        """``2 credit / (POS + ACT)``; None when neither list has a span (nothing to agree
        or disagree on: not 0, which would read as total disagreement)."""
        total = self.n_reference + self.n_candidate
        return 2 * self.credit(partial) / total if total else None


NO_SPANS = SpanMatch(0, 0, 0, 0)


def match_spans(reference: Iterable[Span], candidate: Iterable[Span]) -> SpanMatch:
    """One-to-one matching: exact pairs first, then overlapping same-label pairs by largest
    overlap. Ties are broken by the pair's spans in (start, end, label) order, taken the same
    way whichever list comes first, so ``match_spans(a, b)`` and ``match_spans(b, a)``
    pair the same spans (precision and recall swap; F1 is symmetric)."""
    gold, guess = canonical(reference), canonical(candidate)
    exact = set(gold) & set(guess)
    partial = pair_overlapping([s for s in gold if s not in exact],
                               [s for s in guess if s not in exact], same_label)
    return SpanMatch(len(gold), len(guess), len(exact), len(partial))


def same_label(a: Span, b: Span) -> bool:
    """Whether two spans carry the same label (the partial-match condition)."""
    return a.label == b.label


def pair_overlapping(reference: Sequence[Span], candidate: Sequence[Span],
                     accept: Callable[[Span, Span], bool]) -> list[tuple[Span, Span]]:
    """(reference, candidate) pairs of overlapping spans that ``accept`` admits, one to one:
    largest overlap first, ties broken by the pair's spans in (start, end, label) order
    (taken the same way whichever list comes first, so swapping the lists pairs the same
    spans). Greedy, as SemEval's and nervaluate's scorers are: a span is paired with its
    closest free partner and never counted twice. Both lists canonical (no duplicates)."""
    ranked = sorted(
        ((-(min(a.end, b.end) - max(a.start, b.start)), min(a, b), max(a, b), a, b)
         for a in reference for b in candidate if a.overlaps(b) and accept(a, b)),
        key=lambda pair: pair[:3])
    used: set[tuple[int, Span]] = set()
    pairs: list[tuple[Span, Span]] = []
    for *_, a, b in ranked:
        if (0, a) not in used and (1, b) not in used:
            used.update(((0, a), (1, b)))
            pairs.append((a, b))
    return pairs


def match_by_label(reference: Iterable[Span], candidate: Iterable[Span]
                   ) -> dict[str, SpanMatch]:
    """``match_spans`` per label (every label either list uses); they add up to the overall
    match because matched spans share their label."""
    gold, guess = canonical(reference), canonical(candidate)
    labels = sorted({s.label for s in gold} | {s.label for s in guess})
    return {label: match_spans([s for s in gold if s.label == label],
                               [s for s in guess if s.label == label]) for label in labels}
