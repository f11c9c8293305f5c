"""How good is each span rule? Coverage, overlaps, conflicts and precision against people.

The span counterpart of the classification rule analysis (``stages.rules.analyze``), over
``n`` items and a ``[items][rules]`` list of each rule's spans:

- coverage: share of items where the rule marks at least one span;
- overlaps: share of the rule's spans that share a token with another rule's span
  (tokens as ``spans.matching.word_tokens`` cuts them, so two rules touching different
  characters of one word overlap);
- conflicts: share of the rule's spans that share a token with another rule's span of a
  different label.

On items with human (gold) spans: the rule's spans there and their precision, strict (same
start, end, label) and partial (SemEval-2013's half credit for an overlap with the same
label; ``spans.matching``), and the recall of the gold spans of the rule's label. A rule that
marks nothing on gold items has no precision (None), not 0.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from textloop.errors import InvalidInputError
from textloop.spans import Span
from textloop.spans.matching import NO_SPANS, SpanMatch, Token, covered, match_spans, word_tokens


@dataclass(frozen=True)
class SpanRuleStats:
    name: str
    label: str
    coverage: float
    n_spans: int
    n_overlapping: int
    """Spans sharing a token with another rule's span."""
    n_conflicting: int
    """Spans sharing a token with another rule's span of another label."""
    overlaps: float | None
    conflicts: float | None
    n_gold_spans: int
    """The rule's spans on items with gold spans."""
    strict_precision: float | None
    partial_precision: float | None
    strict_recall: float | None
    """Share of the gold spans of the rule's label that the rule marks exactly."""


@dataclass(frozen=True)
class SpanRuleAnalysis:
    rules: list[SpanRuleStats]
    n_items: int
    n_gold: int
    coverage: float
    """Share of items where any rule marks a span."""
    overlap: float
    """Share of items where spans of two rules share a token."""
    conflict: float
    """Share of items where spans of two rules with different labels share a token."""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def analyze_span_rules(texts: Sequence[str], spans: Sequence[Sequence[Sequence[Span]]],
                       rule_names: Sequence[str], rule_labels: Sequence[str],
                       gold: Sequence[Sequence[Span] | None] | None = None, *,
                       tokenize: Callable[[str], Sequence[Token]] = word_tokens
                       ) -> SpanRuleAnalysis:
    """Statistics of each rule's spans: ``spans[item][rule]`` as ``SpanRuleSet.apply_many``
    gives them, with ``SpanRuleSet.names`` and ``.labels``; ``gold[item]`` is the item's human
    spans, or None where no one annotated it (an empty list is an answer: nothing to mark)."""
    n = len(texts)
    truth: Sequence[Sequence[Span] | None] = [None] * n if gold is None else gold
    if (len(spans) != n or len(truth) != n or len(rule_labels) != len(rule_names)
            or any(len(row) != len(rule_names) for row in spans)):
        raise InvalidInputError(f"got {n} texts, {len(spans)} rows of spans and {len(truth)} "
                                f"gold entries; expected one row of {len(rule_names)} span "
                                "lists (one per rule) and one gold entry per text",
                                hint="pass SpanRuleSet.apply_many(texts) and gold in text order")
    k = len(rule_names)
    covers = [0] * k
    overlapping, conflicting = [0] * k, [0] * k
    on_gold = [NO_SPANS] * k
    any_cover = any_overlap = any_conflict = 0
    for text, row, answer in zip(texts, spans, truth, strict=True):
        hits = _token_hits(list(tokenize(text)), row)
        item_overlap = item_conflict = False
        for j, rule_spans in enumerate(row):
            covers[j] += bool(rule_spans)
            for span in rule_spans:
                others = {lab for rule, lab in hits[(j, span)] if rule != j}
                overlapping[j] += bool(others)
                conflicting[j] += bool(others - {span.label})
                item_overlap |= bool(others)
                item_conflict |= bool(others - {span.label})
            if answer is not None:
                on_gold[j] += match_spans([s for s in answer if s.label == rule_labels[j]],
                                          rule_spans)
        any_cover += any(row)
        any_overlap += item_overlap
        any_conflict += item_conflict
    stats = [_stats(name, rule_labels[j], covers[j] / n if n else 0.0,
                    sum(len(row[j]) for row in spans), overlapping[j], conflicting[j],
                    on_gold[j]) for j, name in enumerate(rule_names)]
    n_gold = sum(answer is not None for answer in truth)
    return SpanRuleAnalysis(stats, n, n_gold, *(count / n if n else 0.0 for count in
                                                (any_cover, any_overlap, any_conflict)))


def _token_hits(tokens: list[Token], row: Sequence[Sequence[Span]]
                ) -> dict[tuple[int, Span], set[tuple[int, str]]]:
    """(rule, span) -> the (rule, label) of every span sharing a token with it, itself
    included."""
    at: dict[int, set[tuple[int, str]]] = {}
    for j, rule_spans in enumerate(row):
        for span in rule_spans:
            for index in covered(tokens, span):
                at.setdefault(index, set()).add((j, span.label))
    return {(j, span): {hit for index in covered(tokens, span) for hit in at[index]}
            for j, rule_spans in enumerate(row) for span in rule_spans}


def _stats(name: str, label: str, coverage: float, n_spans: int, n_overlapping: int,
           n_conflicting: int, gold: SpanMatch) -> SpanRuleStats:
    return SpanRuleStats(
        name, label, coverage, n_spans, n_overlapping, n_conflicting,
        n_overlapping / n_spans if n_spans else None,
        n_conflicting / n_spans if n_spans else None,
        gold.n_candidate, gold.precision(), gold.precision(partial=True),
        gold.recall() if gold.n_reference else None)
