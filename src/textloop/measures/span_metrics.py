"""Entity-level scores of predicted spans against gold spans: what ``textloop evaluate``
reports for a span run.

Input: ``gold`` = record_id -> the record's gold spans (an empty list is an answer: nothing
to find), ``predicted`` = record_id -> the model's spans for the same records, and the
records' texts. Spans are ``Span(start, end, label)`` in code points; "type" below is a
span's label.

- **Strict** (seqeval's ``mode="strict"``, CoNLL-2003's measure): a predicted span is
  correct when a gold span has the same start, end and type. Per type, precision =
  correct / predicted, recall = correct / gold, F1 = 2PR / (P + R).
- **Partial**: SemEval-2013 Task 9.1's partial-match credit (Segura-Bedmar et al. 2013;
  nervaluate's ``partial`` schema, after MUC-5): an exact match counts 1 (COR), a span that
  overlaps a gold span of **the same type** with other boundaries counts 0.5 (PAR), pairs
  taken one to one (``spans.matching.match_spans``): precision = (COR + 0.5 PAR) / predicted,
  recall = (COR + 0.5 PAR) / gold. Unlike SemEval's and nervaluate's ``partial``, which
  ignore the type, both spans must have the same type, so a PER/ORG confusion is never
  credited and the per-type counts add up to the micro ones.
- **Micro** scores pool the counts of every type; **macro** scores are the unweighted
  mean of the per-type precision, recall and F1 (each F1 computed per type, then averaged:
  not the F1 of the macro precision and recall), as seqeval and scikit-learn do.
- **Which types count** (seqeval's rule): every type that occurs in the gold or the
  predicted spans. A type with neither gold nor predicted spans is left out of ``per_type``
  and the macro mean (there is nothing to score; averaging in a 0 would punish the model
  for a type nobody used); ``labels`` only orders the types, and names the unused ones in
  ``absent_types``.
- **Zero divisions give 0.0**, as seqeval's default (``zero_division="warn"``) does: the
  precision of a type never predicted, the recall of a type with no gold spans (so its
  predictions are all wrong and its F1 is 0), F1 when precision and recall are both 0, and
  every score when there are no spans at all (where seqeval's macro mean is NaN: a
  metrics file holds no NaN). The counts (``support``, ``n_predicted``,
  ``n_correct``) stay beside the scores so a reader can tell "0 because wrong" from "0
  because empty".
- **Token accuracy**: each token of each text (``spans.matching.word_tokens`` unless
  another tokenizer is given) tagged with the type of the span covering it or ``O``
  (``token_tags``), the share of tokens whose gold and predicted tags are equal; 0.0 when
  the texts have no tokens. It counts the many ``O`` tokens, so it reads far higher than
  entity F1 on sparse spans.

The keys of ``span_metrics`` are those of ``metrics.json`` for span runs: ``entity_micro_f1``,
``entity_macro_f1`` (and their precision and recall), the same with ``partial_`` for partial
credit, ``token_accuracy`` and ``per_type``; a span goal in ``textloop.yaml`` names one of
them (``config.SPAN_METRICS``; the older ``span_f1``... are read as aliases). Pure code: no
store.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from textloop.errors import InvalidInputError
from textloop.spans import Span, SpanError, check_spans
from textloop.spans.matching import (
    NO_SPANS,
    SpanMatch,
    Token,
    match_by_label,
    token_tags,
    word_tokens,
)

SpansByRecord = Mapping[str, Sequence[Span]]
"""record_id -> spans."""


@dataclass(frozen=True)
class EvaluatedRecord:
    """One record's text with its gold and predicted spans, checked and canonical."""

    record_id: str
    text: str
    gold: list[Span]
    predicted: list[Span]


def record_spans(record_id: str, who: str, texts: Mapping[str, str],
                 spans: Sequence[Span]) -> list[Span]:
    """``spans`` canonical (so equal lists compare equal) and checked against the record's
    text; ``InvalidInputError`` names the record and whose spans they are (``who``)."""
    if record_id not in texts:
        raise InvalidInputError(f"record {record_id}: spans were given but no text",
                                hint="pass the text of every record in `texts`")
    try:
        return check_spans(texts[record_id], spans, None, overlapping=True)
    except SpanError as exc:
        raise InvalidInputError(f"record {record_id}, {who}: {exc}", hint=exc.fix) from None


def evaluated_records(gold: SpansByRecord, predicted: SpansByRecord,
                      texts: Mapping[str, str]) -> list[EvaluatedRecord]:
    """The records of ``gold`` (in its order) with their predictions. Every gold record
    needs a text and a prediction (an empty list where the model found nothing), and every
    prediction a gold record: a missing one would silently count as "no spans"."""
    extra = [rid for rid in predicted if rid not in gold]
    if extra:
        raise InvalidInputError(
            f"record {extra[0]}: spans were predicted but the record has no gold spans"
            f" ({len(extra)} such record(s))",
            hint="evaluate on the records of the gold set (an empty list of gold spans "
                 "means the record has none)")
    out = []
    for rid, spans in gold.items():
        if rid not in predicted:
            raise InvalidInputError(f"record {rid}: gold spans but no prediction",
                                    hint="pass a prediction for every gold record (an empty "
                                         "list where the model found nothing)")
        checked = record_spans(rid, "gold", texts, spans)
        out.append(EvaluatedRecord(rid, texts[rid], checked,
                                   record_spans(rid, "predicted", texts, predicted[rid])))
    return out


def ordered_types(seen: Iterable[str], labels: Sequence[str]) -> list[str]:
    """``seen`` types in the order of ``labels``, the others after them by name."""
    present = set(seen)
    listed = [label for label in dict.fromkeys(labels) if label in present]
    return [*listed, *sorted(present - set(listed))]


def ratio(part: float, whole: float) -> float:
    """``part / whole``, 0.0 when ``whole`` is 0 (seqeval's zero-division convention)."""
    return part / whole if whole else 0.0


def f_score(precision: float, recall: float) -> float:
    """The harmonic mean, 0.0 when both are 0."""
    return ratio(2 * precision * recall, precision + recall)


def scores(match: SpanMatch, partial: bool) -> tuple[float, float, float]:
    """(precision, recall, F1) of a match, with zero divisions as 0.0."""
    credit = match.credit(partial)
    precision, recall = ratio(credit, match.n_candidate), ratio(credit, match.n_reference)
    return precision, recall, f_score(precision, recall)


def span_metrics(gold: SpansByRecord, predicted: SpansByRecord, texts: Mapping[str, str], *,
                 labels: Sequence[str] = (),
                 tokenize: Callable[[str], Sequence[Token]] = word_tokens) -> dict[str, Any]:
    """The entity-level scores (see the module docstring), as one JSON-ready dict.

    ``labels`` orders ``per_type`` (the project's labels); raises ``InvalidInputError``
    naming the record for a span outside its text, a record without text, or a gold record
    without a prediction (and the reverse).
    """
    records = evaluated_records(gold, predicted, texts)
    per_type: dict[str, SpanMatch] = {}
    same = n_tokens = 0
    for record in records:
        for label, match in match_by_label(record.gold, record.predicted).items():
            per_type[label] = per_type.get(label, NO_SPANS) + match
        tokens = tokenize(record.text)
        same += sum(g == p for g, p in zip(token_tags(tokens, record.gold),
                                           token_tags(tokens, record.predicted), strict=True))
        n_tokens += len(tokens)
    types = ordered_types(per_type, labels)
    total = sum((per_type[t] for t in types), NO_SPANS)
    out: dict[str, Any] = {"n_records": len(records), "n_gold": total.n_reference,
                           "n_predicted": total.n_candidate, "n_correct": total.exact,
                           "n_partial": total.partial}
    for prefix, partial in (("entity", False), ("partial", True)):
        micro = scores(total, partial)
        rows = [scores(per_type[t], partial) for t in types]
        macro = ([sum(column) / len(rows) for column in zip(*rows, strict=True)] if rows
                 else [0.0] * 3)
        for name, value in zip(("precision", "recall", "f1"), micro, strict=True):
            out[f"{prefix}_micro_{name}"] = value
        for name, value in zip(("precision", "recall", "f1"), macro, strict=True):
            out[f"{prefix}_macro_{name}"] = value
    out["token_accuracy"] = ratio(same, n_tokens)
    out["n_tokens"] = n_tokens
    out["per_type"] = {t: _type_row(per_type[t]) for t in types}
    out["types"] = types
    out["absent_types"] = [label for label in dict.fromkeys(labels) if label not in per_type]
    return out


def _type_row(match: SpanMatch) -> dict[str, Any]:
    precision, recall, f1 = scores(match, False)
    p_precision, p_recall, p_f1 = scores(match, True)
    return {"precision": precision, "recall": recall, "f1": f1, "support": match.n_reference,
            "n_predicted": match.n_candidate, "n_correct": match.exact,
            "n_partial": match.partial, "partial_precision": p_precision,
            "partial_recall": p_recall, "partial_f1": p_f1}
