"""Weak spans from span rules: a majority vote per token, turned back into spans.

Each rule votes, on each token its spans cover, for its span's label; a rule that marks
nothing on a token abstains there (a phone-number rule says nothing about brands), as in
``strategies.label_model.majority``. A token takes the label with the most votes; a tie, or
no vote, leaves it outside every span, because picking a side would make a coin flip look
like evidence. Runs of tokens with the same winning label become spans, from the first
token's start to the last token's end (so a rule span that cuts a word is widened to the
whole word). Two same-label spans that touch stay apart when more of the rules voting that
label on the second token start a new span there than continue one. Everything depends
only on the rules' spans in canonical order, so the same votes always give the same spans.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence

from textloop.registry import REGISTRY
from textloop.spans import Span, canonical
from textloop.spans.matching import Token, token_owners, word_tokens


@REGISTRY.register("textloop.span_label_model.majority.v1")
def combine_spans(text: str, rule_spans: Sequence[Sequence[Span]], *,
                  tokenize: Callable[[str], Sequence[Token]] = word_tokens) -> list[Span]:
    """The weak spans of ``text`` from each rule's spans there (``SpanRuleSet.apply``)."""
    tokens = list(tokenize(text))
    ordered = [canonical(spans) for spans in rule_spans]
    owners = [token_owners(tokens, spans) for spans in ordered]

    def vote(rule: int, index: int) -> str | None:
        owner = owners[rule][index]
        return None if owner is None else ordered[rule][owner].label

    winners: list[str | None] = []
    for index in range(len(tokens)):
        counts = Counter(label for rule in range(len(ordered))
                         if (label := vote(rule, index)) is not None).most_common()
        tied = len(counts) > 1 and counts[0][1] == counts[1][1]
        winners.append(counts[0][0] if counts and not tied else None)

    found: list[Span] = []
    start = 0
    for index, label in enumerate(winners):
        if label is None:
            continue
        if index == 0 or winners[index - 1] != label or _splits(ordered, owners, index, label):
            start = index
        if index + 1 == len(tokens) or winners[index + 1] != label or _splits(
                ordered, owners, index + 1, label):
            found.append(Span(tokens[start][0], tokens[index][1], label))
    return found


def _splits(ordered: Sequence[Sequence[Span]], owners: Sequence[Sequence[int | None]],
            index: int, label: str) -> bool:
    """Whether a span of ``label`` starts anew at token ``index`` (which follows a token of
    the same winning label): more of the rules voting ``label`` there start a span at it
    than carry one over from the token before."""
    starting = carrying = 0
    for spans, owner in zip(ordered, owners, strict=True):
        here = owner[index]
        if here is None or spans[here].label != label:
            continue
        if owner[index - 1] == here:
            carrying += 1
        else:
            starting += 1
    return starting > carrying
