"""How much annotators agree on spans: entity-level F1 per pair, token-level kappa, disputes.

Input: ``annotations`` = record_id -> {annotator: spans}, each annotator's standing spans on
each record (an empty list is an answer: "nothing to mark here"), and the records' texts.
Only records with two or more annotators say anything about agreement.

- **Entity level**, for each pair of annotators on the records both annotated: precision,
  recall and F1 of the second against the first (``spans.matching.match_spans``), *strict*
  (same start, end and label) and *partial* (SemEval-2013's half credit for an overlap with
  the same label), overall (micro: counts summed over records and labels) and per label.
  F1 is symmetric; precision and recall take the pair's first annotator (in name order) as
  the reference. Entity F1 is the usual agreement measure for spans because chance
  agreement on "where does a span start" is negligible (Hripcsak & Rothschild 2005,
  "Agreement, the F-measure, and reliability in information retrieval").
- **Token level**, Cohen's kappa over every token of the shared records, each token tagged
  with the label of the span covering it or ``O`` (``spans.matching.token_tags``: where one
  annotator's spans overlap, the first by (start, end, label) tags the token). Tokens come
  from ``spans.matching.word_tokens`` unless another tokenizer is given. Kappa counts the
  many ``O`` tokens both leave alone, so it reads higher than entity F1 on sparse spans.
- **Across pairs**, each number is the mean over pairs where it is defined; the overall kappa
  is Light's kappa (Light 1971), the mean of the pairwise Cohen's kappas.
- **Disputed records**: those where any two annotators' spans differ strictly, with the
  pairs that differ.

Results mirror ``stages.agreement`` (``PairAgreement``, ``LabelDisagreement``,
``AgreementReport``'s ``n_records``/``n_overlapping``/``n_disputed``/``disputed_records``/
``note``), so reports can show both.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from functools import reduce
from itertools import combinations
from operator import add
from statistics import fmean
from typing import Any

from textloop.measures.agreement import Coefficient, cohen_kappa
from textloop.measures.span_metrics import record_spans
from textloop.spans import Span
from textloop.spans.matching import (
    NO_SPANS,
    SpanMatch,
    Token,
    match_by_label,
    token_tags,
    word_tokens,
)

SpanAnswers = Mapping[str, Mapping[str, Sequence[Span]]]
"""record_id -> {annotator: spans}."""


@dataclass(frozen=True)
class SpanScores:
    """Precision, recall and F1; None where undefined (no spans to compare on that side)."""

    precision: float | None
    recall: float | None
    f1: float | None

    @classmethod
    def of(cls, match: SpanMatch, partial: bool) -> SpanScores:
        return cls(match.precision(partial), match.recall(partial), match.f1(partial))

    @classmethod
    def mean(cls, scores: Iterable[SpanScores]) -> SpanScores:
        """Each number averaged over the scores where it is defined."""
        every = list(scores)
        return cls(*(_mean(getattr(s, name) for s in every)
                     for name in ("precision", "recall", "f1")))


@dataclass(frozen=True)
class SpanLabelScores:
    """One label between two annotators (or averaged over pairs)."""

    label: str
    n_spans: int
    """Spans with this label, counted over both annotators (or all annotators)."""
    strict: SpanScores
    partial: SpanScores


@dataclass(frozen=True)
class SpanPairAgreement:
    """Two annotators on the records both annotated; ``b`` is scored against ``a``."""

    a: str
    b: str
    n_shared: int
    observed: float | None
    """Share of shared records where their spans are exactly the same."""
    strict: SpanScores
    partial: SpanScores
    labels: list[SpanLabelScores]
    kappa: Coefficient
    """Cohen's kappa over the tokens of the shared records (``n_items`` = tokens)."""


@dataclass(frozen=True)
class SpanDispute:
    """A record where annotators' spans differ, and which pairs of them differ."""

    record_id: str
    annotators: list[str]
    differing: list[tuple[str, str]]


@dataclass
class SpanAgreementReport:
    n_records: int
    """Records with at least one annotator's spans."""
    n_overlapping: int
    """Records with two or more annotators: the ones agreement is measured on."""
    n_disputed: int
    annotators: list[str]
    pairs: list[SpanPairAgreement]
    strict: SpanScores
    """Mean over pairs of each pair's micro scores."""
    partial: SpanScores
    kappa: Coefficient
    """Light's kappa: the mean of the pairs' token-level Cohen's kappas."""
    labels: list[SpanLabelScores]
    """Per label, the mean over pairs (``n_spans`` over all annotators)."""
    disputes: list[SpanDispute] = field(default_factory=list)
    disputed_records: list[str] = field(default_factory=list)
    note: str = ""
    """Why nothing could be measured (no answers, one annotator, no overlap); else empty."""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def span_agreement(annotations: SpanAnswers, texts: Mapping[str, str], *,
                   labels: Sequence[str] = (),
                   tokenize: Callable[[str], Sequence[Token]] = word_tokens
                   ) -> SpanAgreementReport:
    """The agreement report; ``labels`` orders the per-label rows (labels seen but not
    listed follow in name order). Raises ``InvalidInputError`` naming the record and
    annotator when a record has no text or a span does not fit its text."""
    answers = _checked(annotations, texts)
    annotators = sorted({name for votes in answers.values() for name in votes})
    multi = {rid: votes for rid, votes in answers.items() if len(votes) >= 2}
    tokens = {rid: list(tokenize(texts[rid])) for rid in multi}
    pairs = [pair for a, b in combinations(annotators, 2)
             if (pair := _pair(a, b, multi, tokens)) is not None]
    disputes = _disputes(multi)
    return SpanAgreementReport(
        n_records=len(answers), n_overlapping=len(multi), n_disputed=len(disputes),
        annotators=annotators, pairs=pairs,
        strict=SpanScores.mean(p.strict for p in pairs),
        partial=SpanScores.mean(p.partial for p in pairs),
        kappa=_light_kappa(pairs, sum(len(t) for t in tokens.values())),
        labels=_labels(pairs, multi, labels), disputes=disputes,
        disputed_records=[d.record_id for d in disputes],
        note=_why_unmeasured(len(answers), annotators, len(multi)))


def _checked(annotations: SpanAnswers, texts: Mapping[str, str]
             ) -> dict[str, dict[str, list[Span]]]:
    """Canonical spans per record and annotator (so equal answers compare equal), each
    checked against its record's text."""
    out: dict[str, dict[str, list[Span]]] = {}
    for rid, votes in annotations.items():
        if not votes:
            continue
        out[rid] = {name: record_spans(rid, f"annotator {name}", texts, spans)
                    for name, spans in votes.items()}
    return out


def _pair(a: str, b: str, answers: Mapping[str, Mapping[str, list[Span]]],
          tokens: Mapping[str, list[Token]]) -> SpanPairAgreement | None:
    """``b`` against ``a`` on the records both annotated; None when there are none."""
    shared = [rid for rid, votes in answers.items() if a in votes and b in votes]
    if not shared:
        return None
    per_label: dict[str, SpanMatch] = {}
    tags_a: list[str] = []
    tags_b: list[str] = []
    for rid in shared:
        for label, match in match_by_label(answers[rid][a], answers[rid][b]).items():
            per_label[label] = per_label.get(label, NO_SPANS) + match
        tags_a += token_tags(tokens[rid], answers[rid][a])
        tags_b += token_tags(tokens[rid], answers[rid][b])
    total = reduce(add, per_label.values(), NO_SPANS)
    same = sum(answers[rid][a] == answers[rid][b] for rid in shared)
    return SpanPairAgreement(
        a, b, len(shared), same / len(shared), SpanScores.of(total, False),
        SpanScores.of(total, True),
        [SpanLabelScores(label, m.n_reference + m.n_candidate, SpanScores.of(m, False),
                         SpanScores.of(m, True)) for label, m in sorted(per_label.items())],
        cohen_kappa(tags_a, tags_b))


def _light_kappa(pairs: Sequence[SpanPairAgreement], n_tokens: int) -> Coefficient:
    defined = [p.kappa.value for p in pairs if p.kappa.value is not None]
    if not defined:
        why = (pairs[0].kappa.note if len(pairs) == 1 else
               "no pair of annotators has a defined kappa (every token got one and the same "
               "tag from both)" if pairs else "no two annotators share a record")
        return Coefficient(None, n_tokens, why)
    note = (f"mean over {len(defined)} of {len(pairs)} pairs (the others' kappa is undefined)"
            if len(defined) < len(pairs) else "")
    return Coefficient(fmean(defined), n_tokens, note)


def _labels(pairs: Sequence[SpanPairAgreement],
            answers: Mapping[str, Mapping[str, list[Span]]],
            order: Sequence[str]) -> list[SpanLabelScores]:
    counts: dict[str, int] = {}
    for votes in answers.values():
        for spans in votes.values():
            for span in spans:
                counts[span.label] = counts.get(span.label, 0) + 1
    listed = [label for label in order if label in counts]
    out = []
    for label in [*listed, *sorted(set(counts) - set(listed))]:
        rows = [row for p in pairs for row in p.labels if row.label == label]
        out.append(SpanLabelScores(label, counts[label],
                                   SpanScores.mean(r.strict for r in rows),
                                   SpanScores.mean(r.partial for r in rows)))
    return out


def _disputes(answers: Mapping[str, Mapping[str, list[Span]]]) -> list[SpanDispute]:
    out = []
    for rid in sorted(answers):
        votes = answers[rid]
        names = sorted(votes)
        differing = [(a, b) for a, b in combinations(names, 2) if votes[a] != votes[b]]
        if differing:
            out.append(SpanDispute(rid, names, differing))
    return out


def _why_unmeasured(n_records: int, annotators: Sequence[str], n_overlapping: int) -> str:
    if n_records == 0:
        return "no spans annotated yet: nothing to measure"
    if len(annotators) == 1:
        return (f"only one annotator ({annotators[0]}) has annotated: agreement needs two or "
                "more annotators on the same records")
    if n_overlapping == 0:
        return ("no record has spans from two or more annotators: have some records "
                "annotated twice")
    return ""


def _mean(values: Iterable[float | None]) -> float | None:
    defined = [v for v in values if v is not None]
    return fmean(defined) if defined else None
