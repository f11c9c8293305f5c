"""Error analysis of predicted spans: each mistake sorted into one kind, with examples and a
confusion matrix of types.

Each record's gold and predicted spans are paired one to one, in four rounds; each round
pairs only spans still free, and within a round the pairs with the largest overlap go first
(``spans.matching.pair_overlapping``: ties by the spans' (start, end, type) order):

1. **correct**: same start, end and type (not a mistake; counted so the kinds add up);
2. **wrong boundary**: overlapping, same type, other boundaries. These are exactly the pairs
   that earn partial credit in ``span_metrics`` (``n_partial``), since both take the exact
   matches and then same-type overlaps by largest overlap;
3. **wrong type**: same start and end, another type;
4. **wrong type + boundary**: overlapping, another type and other boundaries;

then every gold span left is **missed** and every predicted span left **spurious**. So each
gold span and each predicted span is counted exactly once: the gold spans are correct +
missed + the three paired kinds, the predicted ones correct + spurious + the paired kinds,
and the strict false negatives (gold - correct) and false positives (predicted - correct)
of ``span_metrics`` follow from the counts. A wrong boundary is paired before a wrong type:
a prediction of the right type that overlaps the gold span is the closer one, and keeping
the partial-credit pairs the same makes the two reports agree.

The confusion matrix counts pairs by (gold type, predicted type): correct and wrong-boundary
pairs on the diagonal, wrong types off it, missed spans in the last column (no predicted
span) and spurious ones in the last row (no gold span); that row and column are labelled
``None`` (JSON ``null``), which no type can be. Examples are the first ``examples`` of each
kind, records in the gold set's order and spans in text order, each with the text around
it (cut at token boundaries, so an emoji or a word is never split). Pure code: no store.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from textloop.measures.span_metrics import SpansByRecord, evaluated_records, ordered_types
from textloop.spans import Span
from textloop.spans.matching import pair_overlapping, same_label, word_tokens

KINDS = ("missed", "spurious", "wrong_type", "wrong_boundary", "wrong_type_and_boundary")
"""The kinds of mistake, in the order reports list them."""
CONTEXT_CHARS = 40
"""Characters of text shown on each side of an example's spans (widened to whole tokens)."""


@dataclass(frozen=True)
class ShownSpan:
    """A span in an example, with the text it covers."""

    start: int
    end: int
    label: str
    text: str


@dataclass(frozen=True)
class SpanMistake:
    """One mistake: the gold span (None if spurious), the predicted one (None if missed), and
    the text around them: ``context`` starts at ``context_start`` of the record's text, so a
    report can highlight both spans within it."""

    record_id: str
    kind: str
    gold: ShownSpan | None
    predicted: ShownSpan | None
    context: str
    context_start: int


@dataclass
class SpanErrorAnalysis:
    n_gold: int
    n_predicted: int
    n_correct: int
    counts: dict[str, int]
    """Mistakes per kind (every kind of ``KINDS``, zeros included)."""
    examples: dict[str, list[SpanMistake]]
    types: list[str]
    """The confusion matrix's types; its rows and columns are these then None (no span)."""
    confusion: list[list[int]]
    """``confusion[i][j]``: pairs of gold type ``i`` and predicted type ``j``."""
    n_examples: int = 0
    """The most examples kept per kind."""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready; the confusion matrix as ``{"labels": [...types, None], "counts"}``."""
        out = asdict(self)
        out["confusion"] = {"labels": [*self.types, None], "counts": self.confusion}
        del out["types"]
        return out


Pairing = list[tuple[str, Span | None, Span | None]]


def classify_spans(gold: Sequence[Span], predicted: Sequence[Span]) -> Pairing:
    """One record's spans as (kind, gold span, predicted span), kind ``correct`` or one of
    ``KINDS``; both lists canonical. Gold and predicted spans each appear exactly once."""
    exact = set(gold) & set(predicted)
    out: Pairing = [("correct", span, span) for span in gold if span in exact]
    free_gold = [s for s in gold if s not in exact]
    free_pred = [s for s in predicted if s not in exact]
    rounds: list[tuple[str, Callable[[Span, Span], bool]]] = [
        ("wrong_boundary", same_label), ("wrong_type", _same_bounds),
        ("wrong_type_and_boundary", lambda a, b: True)]
    for kind, accept in rounds:
        for a, b in pair_overlapping(free_gold, free_pred, accept):
            out.append((kind, a, b))
            free_gold.remove(a)
            free_pred.remove(b)
    out += [("missed", span, None) for span in free_gold]
    out += [("spurious", None, span) for span in free_pred]
    return sorted(out, key=lambda row: (min(s for s in row[1:] if s is not None), row[0]))


def span_errors(gold: SpansByRecord, predicted: SpansByRecord, texts: Mapping[str, str], *,
                labels: Sequence[str] = (), examples: int = 5,
                context_chars: int = CONTEXT_CHARS) -> SpanErrorAnalysis:
    """Every mistake of ``predicted`` against ``gold`` by kind, up to ``examples`` examples of
    each, and the confusion matrix of types (ordered by ``labels``, then by name). Raises
    ``InvalidInputError`` as ``span_metrics`` does."""
    records = evaluated_records(gold, predicted, texts)
    counts = dict.fromkeys(KINDS, 0)
    shown: dict[str, list[SpanMistake]] = {kind: [] for kind in KINDS}
    pairs: dict[tuple[str | None, str | None], int] = {}
    n_correct = 0
    for record in records:
        for kind, a, b in classify_spans(record.gold, record.predicted):
            key = (a.label if a else None, b.label if b else None)
            pairs[key] = pairs.get(key, 0) + 1
            if kind == "correct":
                n_correct += 1
                continue
            counts[kind] += 1
            if len(shown[kind]) < examples:
                shown[kind].append(_mistake(record.record_id, record.text, kind, a, b,
                                            context_chars))
    types = ordered_types({t for key in pairs for t in key if t is not None}, labels)
    axis: list[str | None] = [*types, None]
    return SpanErrorAnalysis(
        n_gold=sum(len(r.gold) for r in records),
        n_predicted=sum(len(r.predicted) for r in records), n_correct=n_correct,
        counts=counts, examples=shown, types=types,
        confusion=[[pairs.get((g, p), 0) for p in axis] for g in axis], n_examples=examples)


def _same_bounds(a: Span, b: Span) -> bool:
    return (a.start, a.end) == (b.start, b.end)


def _mistake(record_id: str, text: str, kind: str, gold: Span | None,
             predicted: Span | None, context_chars: int) -> SpanMistake:
    both = [s for s in (gold, predicted) if s is not None]
    lo = max(0, min(s.start for s in both) - context_chars)
    hi = min(len(text), max(s.end for s in both) + context_chars)
    for start, end in word_tokens(text):  # never cut a word or an emoji sequence
        if start < lo < end:
            lo = start
        if start < hi < end:
            hi = end
    return SpanMistake(record_id, kind, _shown(gold, text), _shown(predicted, text),
                       text[lo:hi], lo)


def _shown(span: Span | None, text: str) -> ShownSpan | None:
    return None if span is None else ShownSpan(span.start, span.end, span.label,
                                               span.text_of(text))
