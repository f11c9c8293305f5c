"""A score threshold per span type, chosen on validation to meet a declared target.

Masking personal data needs "find at least 95% of the phone numbers" (recall >= 0.95); an
auto-tagger "be right 90% of the time" (precision >= 0.90). Given predicted spans with
scores and the gold spans, each type gets the threshold that meets its target; a predicted
span is kept when its score is at or above its type's threshold, and counts as correct when
a gold span has the same start, end and type (strict, as ``span_metrics``). Recall divides
by **every** gold span of the type, found or not, so a model that never proposes a span
cannot reach a recall target by any threshold.

As for action bands (``measures.thresholds``, whose score curve and searches this reuses):

- ``recall``: the **highest** threshold that still finds that share of the gold spans, so
  as few wrong spans as the target allows are kept;
- ``precision``: the **lowest** threshold whose kept spans reach that precision, so as many
  right spans as the target allows are kept (the highest one would keep one span).

A target that no threshold meets is reported as unmet with why and the numbers at the
threshold that comes closest (for recall, keeping every span; for precision, the most
precise threshold), and gets no threshold: applying one would break the target silently.
A type with no gold spans cannot have its recall measured, and one with no predictions has
no threshold at all. The same span predicted twice keeps its highest score. Pure code.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import numpy as np

from textloop.config import BandTarget
from textloop.errors import InvalidInputError
from textloop.measures.span_metrics import (
    SpansByRecord,
    evaluated_records,
    f_score,
    ordered_types,
    ratio,
    span_metrics,
)
from textloop.measures.thresholds import (
    Curve,
    highest_for_recall,
    lowest_for_precision,
    score_curve,
)
from textloop.spans import Span

ScoredSpansByRecord = Mapping[str, Sequence[tuple[Span, float]]]
"""record_id -> (span, score) pairs; a higher score means surer."""


@dataclass(frozen=True)
class TypeThreshold:
    """One type's threshold for its target, and what the kept spans achieve."""

    label: str
    target: dict[str, float]
    """``{"recall": 0.95}`` or ``{"precision": 0.9}``."""
    threshold: float | None
    """Keep spans scoring at or above this; None when the target cannot be met."""
    met: bool
    at: float | None
    """Where the numbers below are measured: ``threshold``, or where unmet the threshold
    that comes closest; None when the type has no predicted spans."""
    precision: float
    recall: float
    f1: float
    n_kept: int
    """Predicted spans of the type scoring at or above ``at``."""
    support: int
    """Gold spans of the type."""
    note: str = ""
    """Why the target is not met; empty when it is."""


@dataclass
class SpanThresholds:
    types: list[TypeThreshold] = field(default_factory=list)

    @property
    def thresholds(self) -> dict[str, float]:
        """type -> threshold, for the types whose target is met."""
        return {t.label: t.threshold for t in self.types if t.threshold is not None}

    @property
    def unmet(self) -> list[str]:
        return [f"{t.label}: {t.note}" for t in self.types if not t.met]

    def to_dict(self) -> dict[str, Any]:
        return {"types": [asdict(t) for t in self.types], "thresholds": self.thresholds,
                "unmet": self.unmet}


def span_thresholds(gold: SpansByRecord, predicted: ScoredSpansByRecord,
                    texts: Mapping[str, str], targets: Mapping[str, BandTarget], *,
                    default: BandTarget | None = None,
                    labels: Sequence[str] = ()) -> SpanThresholds:
    """A threshold per type meeting ``targets`` (type -> target); ``default``, when given,
    is the target of every other type seen in gold or predictions or listed in ``labels``
    (which also orders the result). Raises ``InvalidInputError`` for a score that is not a
    finite number, and as ``span_metrics`` does for the spans."""
    scores = _best_scores(predicted)
    records = evaluated_records(gold, {rid: list(best) for rid, best in scores.items()}, texts)
    wanted = set(targets)
    if default is not None:
        wanted |= {s.label for r in records for s in (*r.gold, *r.predicted)} | set(labels)
    golds = [set(r.gold) for r in records]
    out = SpanThresholds()
    for label in ordered_types(wanted, labels):
        target = targets.get(label, default)
        assert target is not None
        kept = [(scores[r.record_id][s], s in g) for r, g in zip(records, golds, strict=True)
                for s in r.predicted if s.label == label]
        support = sum(s.label == label for r in records for s in r.gold)
        out.types.append(_choose(label, target, kept, support))
    return out


def kept_spans(row: Sequence[tuple[Span, float | None]], thresholds: Mapping[str, float]
               ) -> list[tuple[Span, float | None]]:
    """The spans of one text that a threshold keeps: scoring at or above their type's
    threshold; a span without a score, or of a type without a threshold, is kept. What
    ``/v1/extract`` serves and what ``textloop evaluate`` measures the thresholds with."""
    return [(span, score) for span, score in row
            if score is None or score >= thresholds.get(span.label, -math.inf)]


def thresholds_on_split(fitted: Mapping[str, Any], gold: SpansByRecord,
                        predicted: Mapping[str, Sequence[tuple[Span, float | None]]],
                        texts: Mapping[str, str], labels: Sequence[str] = ()) -> dict[str, Any]:
    """The validation thresholds of ``fitted`` (``SpanThresholds.to_dict()`` from a bundle)
    applied to another split's scored spans: each type's row gains ``split``, the
    precision, recall and F1 its kept spans reach there and whether its target still holds
    (``met``), so a report shows what the threshold does on data it was not chosen on."""
    cut = {str(k): float(v) for k, v in (fitted.get("thresholds") or {}).items()}
    kept = {rid: [span for span, _ in kept_spans(row, cut)] for rid, row in predicted.items()}
    per_type = span_metrics(gold, kept, texts, labels=labels)["per_type"]
    rows = []
    for row in fitted.get("types") or []:
        found = per_type.get(row["label"]) or {}
        numbers = {key: float(found.get(key, 0.0)) for key in ("precision", "recall", "f1")}
        numbers |= {"n_kept": int(found.get("n_predicted", 0)),
                    "support": int(found.get("support", 0))}
        goal = row.get("target") or {}
        numbers["met"] = bool(row.get("threshold") is not None and all(
            numbers[name] >= value - 1e-12 for name, value in goal.items()))
        rows.append({**row, "split": numbers})
    return {**fitted, "types": rows}


def _best_scores(predicted: ScoredSpansByRecord) -> dict[str, dict[Span, float]]:
    out: dict[str, dict[Span, float]] = {}
    for rid, items in predicted.items():
        best = out.setdefault(rid, {})
        for span, score in items:
            try:
                value = float(score)
            except (TypeError, ValueError):
                value = math.nan
            if not math.isfinite(value):
                raise InvalidInputError(
                    f"record {rid}: span {span.start}-{span.end} ({span.label}) has score "
                    f"{score!r}, not a finite number",
                    hint="give every predicted span the model's confidence as a number")
            best[span] = max(value, best.get(span, -math.inf))
    return out


def _choose(label: str, target: BandTarget, kept: list[tuple[float, bool]],
            support: int) -> TypeThreshold:
    goal = target.model_dump(exclude_none=True)
    curve = replace(score_curve(np.array([s for s, _ in kept], dtype=np.float64),
                                np.array([c for _, c in kept], dtype=bool)),
                    total_positives=support)
    if not kept:
        return TypeThreshold(label, goal, None, False, None, 0.0, 0.0, 0.0, 0, support,
                             f"no predicted spans of type {label}: nothing to threshold")
    if target.recall is not None:
        found = highest_for_recall(curve, target.recall, math.inf)
        if found is not None:
            return _at(label, goal, curve, found, support, met=True)
        why = (f"no gold spans of type {label}: recall cannot be measured" if not support else
               f"recall {target.recall:g} is out of reach: keeping every predicted span finds "
               f"{int(curve.positives[-1])} of {support} gold spans")
        return _at(label, goal, curve, float(curve.thresholds[-1]), support, met=False,
                   note=why)
    assert target.precision is not None
    found = lowest_for_precision(curve, target.precision, math.inf)
    if found is not None:
        return _at(label, goal, curve, found, support, met=True)
    best = int(np.flatnonzero(curve.precision == curve.precision.max())[-1])  # most recall
    return _at(label, goal, curve, float(curve.thresholds[best]), support, met=False,
               note=f"no threshold reaches precision {target.precision:g} (best "
                    f"{curve.precision[best]:.3f})")


def _at(label: str, goal: dict[str, float], curve: Curve, threshold: float, support: int,
        *, met: bool, note: str = "") -> TypeThreshold:
    index = int(np.flatnonzero(curve.thresholds == threshold)[0])
    rows, hits = int(curve.rows[index]), int(curve.positives[index])
    precision, recall = ratio(hits, rows), ratio(hits, support)
    return TypeThreshold(label, goal, threshold if met else None, met, threshold, precision,
                         recall, f_score(precision, recall), rows, support, note)
