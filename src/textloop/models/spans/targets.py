"""Span targets as tag indices over the project's tokens: what every learned span model fits.

A span model learns tags per token (``spans.matching.word_tokens``: words, and one token per
Hangul/CJK character), so spans are checked against their text, mapped onto those tokens
(``spans.tokens.to_token_spans``) and spelled in the model's tag scheme. One function does
it, so the CRF and the fine-tuned tagger refuse the same bad input with the same message.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from textloop.errors import InvalidInputError
from textloop.models.embedders.onnx_embedder import check_inputs
from textloop.spans import Span, SpanError, check_spans
from textloop.spans.matching import Token, word_tokens
from textloop.spans.schemes import TagRules, spans_to_tags, tag_rules
from textloop.spans.tokens import to_token_spans


@dataclass(frozen=True)
class TagTargets:
    """The labels seen (sorted), their tag rules, each text's tokens and tag indices."""

    labels: list[str]
    rules: TagRules
    tokens: list[list[Token]]
    tags: list[list[int]]


def tag_targets(texts: Sequence[str], y: Sequence[Sequence[Span]], scheme: str,
                labels: Sequence[str] | None = None) -> TagTargets:
    """Tags in ``scheme`` for one list of spans per text; ``InvalidInputError`` naming the
    text for a span outside it or overlapping another, a count mismatch, or no spans at all.

    ``labels`` (a fitted model's, for its validation texts): tag with those labels only; a
    span of another label reads as outside, since the model has no tag for it.
    """
    if len(y) != len(texts):
        raise InvalidInputError(f"{len(y)} span lists for {len(texts)} texts (expected "
                                "one each)", hint="pass an empty list for a text "
                                "without spans")
    known = None if labels is None else set(labels)
    if labels is None:
        labels = sorted({span.label for spans in y for span in spans})
    labels = list(labels)
    if not labels:
        raise InvalidInputError("no spans to learn from: every text's span list is empty",
                                hint="label some spans first")
    rules = tag_rules(labels, scheme)
    index = {tag: i for i, tag in enumerate(rules.tags)}
    tokens = [word_tokens(text) for text in texts]
    tags: list[list[int]] = []
    for position, (text, offsets, spans) in enumerate(zip(texts, tokens, y, strict=True)):
        try:
            checked = check_spans(text, list(spans), None, overlapping=False)
        except SpanError as exc:
            raise InvalidInputError(f"text {position}: {exc}", hint=exc.fix) from None
        if known is not None:
            checked = [span for span in checked if span.label in known]
        token_spans = to_token_spans(text, checked, offsets)
        tags.append([index[tag] for tag in spans_to_tags(token_spans, len(offsets),
                                                          rules.scheme)])
    return TagTargets(labels, rules, tokens, tags)


def span_texts(X: Any) -> list[str]:
    """The texts of ``X``, refusing a single string or anything but strings."""
    check_inputs(X, None, 1)
    return list(X)
