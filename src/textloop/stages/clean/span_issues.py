"""Span label errors as findings a reviewer understands, from flagged tokens.

cleanlab flags tokens (``strategies.cleaning.token_issues``); a reviewer decides about
spans. In each record with a flagged token, the given spans are paired with the spans of the
out-of-fold model's best tag sequence (``measures.span_errors.classify_spans``: exact, then
same-type overlaps, same bounds, any overlap), and every disagreement that covers a flagged
token becomes one finding:

- ``spurious_span``: a given span the model does not see at all (fix: remove it);
- ``missing_span``: a span the model sees where none is given (fix: add it);
- ``wrong_type``: same bounds, another type (fix: change the type);
- ``wrong_boundary``: overlapping, other bounds, and possibly another type (fix: the
  model's span in its place).

Each finding stores the given span and the suggested one (``None`` for an addition or a
removal), so accepting it is one rule: take the given span out of the record's spans and
put the suggested one in (``stages.review``). Its score is the lowest label quality
(cleanlab's self-confidence) among the tokens the two spans cover: lower is more
suspicious, as for classification label issues. The evidence holds each covered token's
given and suggested type with their probabilities, and other records where the same surface
string is labeled, with their types.

Beside the model's view, two checks read the annotations alone: **inconsistent types**, the
same surface string (case-folded) labeled with different types in different records, one
finding per string on a record of a minority type, suggesting the majority type; and
**annotators** whose spans disagree with the model's out-of-fold spans or with the other
annotators far more often than the rest (``annotator_rates``).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from statistics import median
from typing import Any

import numpy as np

from textloop.measures.span_errors import classify_spans
from textloop.models.span_model import TaggedText
from textloop.spans import Span
from textloop.spans.matching import covered, match_spans
from textloop.spans.schemes import tags_to_spans
from textloop.spans.tokens import to_char_spans
from textloop.stages.clean.result import Finding
from textloop.strategies.cleaning.span_rules import SpanEvidence, SpanMethod
from textloop.strategies.cleaning.token_issues import TokenIssues, type_classes

_KIND = {"spurious": "missing_span", "missed": "spurious_span", "wrong_type": "wrong_type",
         "wrong_boundary": "wrong_boundary", "wrong_type_and_boundary": "wrong_boundary"}
"""``classify_spans`` calls the given spans gold and the model's predicted: a span the model
"missed" is one the labels may have wrongly, and a "spurious" prediction is a span the
labels may lack."""
SAME_SURFACE = 5
"""Examples of the same surface string kept in a finding's evidence."""
FAR_MORE = 2.0
"""An annotator is flagged whose disagreement rate is at least this many times the median
of the others' (and above ``MIN_RATE``), on at least ``MIN_SPANS`` spans."""
MIN_RATE = 0.1
MIN_SPANS = 10


@dataclass(frozen=True)
class SpanRecords:
    """The labeled records of a span project as cleaning reads them."""

    ids: list[str]
    texts: list[str]
    spans: list[list[Span]]
    types: list[str]
    """Span types present, in the project's order: the token classes after ``O``."""


def model_spans(tagged: TaggedText) -> list[Span]:
    """The character spans of the tagger's best sequence, read in the scheme its tag names
    spell (an end or single tag of their own: IOBES or BILOU; else IOB2)."""
    prefixes = {name[0] for name in tagged.tag_names}
    scheme = "BILOU" if "L" in prefixes else "IOBES" if "E" in prefixes else "IOB2"
    return to_char_spans(tags_to_spans(tagged.tags, scheme), tagged.tokens)


def surface(text: str, span: Span) -> str:
    """The key two spans share when they cover the same string: case-folded, spaces
    collapsed (``Paris`` and ``PARIS`` are one name; the stored text is never changed)."""
    return " ".join(span.text_of(text).casefold().split())


def surface_index(data: SpanRecords) -> dict[str, list[tuple[str, str]]]:
    """surface -> [(record id, type)] of every given span, in record order."""
    index: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for rid, text, spans in zip(data.ids, data.texts, data.spans, strict=True):
        for span in spans:
            index[surface(text, span)].append((rid, span.label))
    return index


def span_candidates(data: SpanRecords, tagged: Sequence[TaggedText],
                    proba: Sequence[np.ndarray], issues: TokenIssues) -> list[Finding]:
    """Every disagreement between a record's given spans and the model's best ones, as a
    finding with its evidence (``details["evidence"]``: what a span method flags on), lowest
    score first: the full ranking, of which a method flags some (``split_findings``)."""
    index = surface_index(data)
    classes = type_classes(data.types)
    out: list[Finding] = []
    for i, (text, given, row) in enumerate(zip(data.texts, data.spans, tagged, strict=True)):
        for kind, mine, theirs in classify_spans(given, model_spans(row)):
            if kind == "correct":
                continue
            tokens = sorted({t for s in (mine, theirs) if s is not None
                             for t in covered(row.tokens, s)})
            if not tokens:
                continue
            quality = issues.token_quality[i]
            shown = [_token(text, row, proba[i], classes, t, mine, theirs, float(quality[t]),
                            bool(issues.flagged[i][t])) for t in tokens]
            evidence = SpanEvidence(_KIND[kind], _p_suggested(shown),
                                    any(token["flagged"] for token in shown),
                                    _support(index, text, theirs, data.ids[i]))
            details = {
                "given": _shown(text, mine), "suggested": _shown(text, theirs),
                "tokens": shown, "evidence": evidence.to_dict(),
                "sentence_quality": round(float(issues.sentence_quality[i]), 4),
                "same_surface": _same_surface(index, text, mine or theirs, data.ids[i]),
            }
            if kind == "wrong_type_and_boundary":
                details["type_differs"] = True
            out.append(Finding(data.ids[i], _KIND[kind],
                               round(min(float(quality[t]) for t in tokens), 4), details))
    return sorted(out, key=lambda f: (f.score if f.score is not None else 1.0, f.record_id))


def split_findings(candidates: Sequence[Finding], method: SpanMethod
                   ) -> tuple[list[Finding], list[Finding]]:
    """(flagged, ranked but not flagged): ``candidates`` split by the method's rule on each
    one's evidence, both in the candidates' order; each finding says which side it is on
    (``details["flagged"]``)."""
    flagged: list[Finding] = []
    ranked: list[Finding] = []
    for f in candidates:
        hit = method.flags(evidence_of(f))
        (flagged if hit else ranked).append(replace(f, details={**f.details, "flagged": hit}))
    return flagged, ranked


def evidence_of(finding: Finding) -> SpanEvidence:
    """The evidence ``span_candidates`` stored in a finding."""
    row = finding.details["evidence"]
    return SpanEvidence(finding.kind, float(row["p_suggested"]), bool(row["token_flagged"]),
                        row.get("support"))


def _support(index: Mapping[str, list[tuple[str, str]]], text: str, suggested: Span | None,
             record_id: str) -> float | None:
    """Share of the other records' labels of the suggested span's string that give it the
    suggested type; None for a removal or a string no other record labels."""
    if suggested is None:
        return None
    others = [label for rid, label in index.get(surface(text, suggested), [])
              if rid != record_id]
    return sum(label == suggested.label for label in others) / len(others) if others else None


def _p_suggested(tokens: Sequence[Mapping[str, Any]]) -> float:
    """The lowest probability of the suggested class over the tokens a fix changes (see
    ``strategies.cleaning.span_rules``); over every covered token when none changes."""
    changed = [t for t in tokens if t["given"] != t["suggested"]] or list(tokens)
    return float(min(t["p_suggested"] for t in changed))


def inconsistent_types(data: SpanRecords, limit: int = 20) -> list[Finding]:
    """One finding per surface string labeled with more than one type across records: on
    the first record of its rarest type, suggesting the most common type when one is."""
    index = surface_index(data)
    text_of = dict(zip(data.ids, data.texts, strict=True))
    spans_of = dict(zip(data.ids, data.spans, strict=True))
    out: list[Finding] = []
    for key, rows in index.items():
        counts = Counter(label for _, label in rows)
        if len(counts) < 2:
            continue
        ranked = counts.most_common()
        top, n_top = ranked[0]
        clear = n_top > ranked[1][1]
        rare = min(counts, key=lambda label: (counts[label], label))
        rid = next(r for r, label in rows if label == rare)
        span = next(s for s in spans_of[rid]
                    if s.label == rare and surface(text_of[rid], s) == key)
        by_type: dict[str, list[str]] = defaultdict(list)
        for r, label in rows:
            if r not in by_type[label]:
                by_type[label].append(r)
        details: dict[str, Any] = {
            "surface": span.text_of(text_of[rid]), "counts": dict(ranked),
            "records": {label: ids[:limit] for label, ids in by_type.items()}}
        if clear:  # a fix to accept: the majority's type
            details["given"] = _shown(text_of[rid], span)
            details["suggested"] = _shown(text_of[rid], Span(span.start, span.end, top))
        else:  # a tie: evidence, nothing to accept
            details["span"] = _shown(text_of[rid], span)
        out.append(Finding(rid, "inconsistent_type", round(n_top / len(rows), 4), details))
    return sorted(out, key=lambda f: (-(f.score or 0.0), f.record_id))


def per_type_rates(data: SpanRecords, found: Sequence[Finding]) -> dict[str, dict[str, Any]]:
    """type -> given spans (``n``), spans a finding questions (``flagged``: given spans it
    doubts and ``missing`` ones it says the records lack), and their share (what the
    summary table shows as the estimated error rate per type). A missed mention is one of
    the spans the records should hold, so it counts in the share's denominator too: the
    rate is of the spans given or missed, and never passes 1."""
    n = Counter(span.label for spans in data.spans for span in spans)
    hit: Counter[str] = Counter()
    missing: Counter[str] = Counter()
    seen: set[tuple[str, int, int, str]] = set()
    for f in found:
        given: dict[str, Any] | None = f.details.get("given")
        if given is not None:
            key = (f.record_id, int(given["start"]), int(given["end"]), str(given["label"]))
            if key not in seen:
                seen.add(key)
                hit[key[3]] += 1
        elif f.details.get("suggested"):
            hit[f.details["suggested"]["label"]] += 1
            missing[f.details["suggested"]["label"]] += 1
    out = {}
    for label in data.types:
        total = n[label] + missing[label]
        out[label] = {"n": n[label], "flagged": hit[label], "missing": missing[label],
                      "rate": hit[label] / total if total else 0.0}
    return out


def annotator_rates(answers: Sequence[tuple[str, str, list[Span]]],
                    predicted: Mapping[str, list[Span]]) -> dict[str, dict[str, Any]]:
    """Per annotator (``answers``: record id, annotator, their spans): records and spans
    answered, the share of their spans the out-of-fold model does not give exactly
    (``model_disagreement``), the same against the other annotators of the same records
    (``peer_disagreement``, None without a shared record), and ``flagged`` when either rate
    is far above the rest (``FAR_MORE``, ``MIN_RATE``, ``MIN_SPANS``)."""
    by_record: dict[str, dict[str, list[Span]]] = defaultdict(dict)
    for rid, who, spans in answers:
        by_record[rid][who] = spans
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for rid, given in by_record.items():
        for who, spans in given.items():
            row = counts[who]
            row["records"] += 1
            row["spans"] += len(spans)
            if rid in predicted:
                row["model_spans"] += len(spans)
                row["model_off"] += len(spans) - match_spans(spans, predicted[rid]).exact
            for other, theirs in given.items():
                if other != who:
                    row["peer_spans"] += len(spans)
                    row["peer_off"] += len(spans) - match_spans(spans, theirs).exact
    rates = {measure: {who: _rate(row[f"{prefix}_off"], row[f"{prefix}_spans"])
                       for who, row in counts.items()}
             for measure, prefix in (("model_disagreement", "model"),
                                     ("peer_disagreement", "peer"))}
    out: dict[str, dict[str, Any]] = {}
    for who, row in sorted(counts.items()):
        flagged = [measure for measure, by_who in rates.items()
                   if row["spans"] >= MIN_SPANS and _far_above(who, by_who)]
        out[who] = {"records": row["records"], "spans": row["spans"],
                    **{measure: by_who[who] for measure, by_who in rates.items()},
                    "flagged": flagged}
    return out


def _far_above(who: str, rates: Mapping[str, float | None]) -> bool:
    """Whether ``who``'s rate is far above the median of the others' (``FAR_MORE``)."""
    mine = rates[who]
    rest = [rate for other, rate in rates.items() if other != who and rate is not None]
    return mine is not None and bool(rest) and mine >= MIN_RATE and \
        mine >= FAR_MORE * max(median(rest), 1e-9)


def _rate(off: float, total: float) -> float | None:
    return round(off / total, 4) if total else None


def _shown(text: str, span: Span | None) -> dict[str, Any] | None:
    return None if span is None else {**span.to_dict(), "text": span.text_of(text)}


def _token(text: str, row: TaggedText, proba: np.ndarray, classes: Sequence[str], t: int,
           mine: Span | None, theirs: Sequence[Span] | Span | None, quality: float,
           flagged: bool) -> dict[str, Any]:
    start, end = row.tokens[t]
    given = _type_at(mine, start)
    suggested = _type_at(theirs if isinstance(theirs, Span) else None, start)
    column = {name: k for k, name in enumerate(classes)}
    return {"text": text[start:end], "start": start, "end": end, "given": given,
            "p_given": round(float(proba[t, column[given]]), 4) if given in column else 0.0,
            "suggested": suggested,
            "p_suggested": round(float(proba[t, column[suggested]]), 4)
            if suggested in column else 0.0,
            "quality": round(quality, 4), "flagged": flagged}


def _type_at(span: Span | None, start: int) -> str:
    return span.label if span is not None and span.start <= start < span.end else "O"


def _same_surface(index: Mapping[str, list[tuple[str, str]]], text: str, span: Span | None,
                  record_id: str) -> dict[str, Any] | None:
    """Other records labeling the same string: counts per type and the first examples."""
    if span is None:
        return None
    others = [(rid, label) for rid, label in index.get(surface(text, span), [])
              if rid != record_id]
    return {"text": span.text_of(text), "counts": dict(Counter(lab for _, lab in others)),
            "examples": [list(pair) for pair in others[:SAME_SURFACE]]}
