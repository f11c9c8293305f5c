"""Span confidence calibration: a span's score read as the probability that exactly that span
is right (same start, end and type as a gold span: the strict match of ``span_metrics``).

A span model's raw scores are not that: a CRF's span marginals are over-confident on text
unlike its training data, and the ``span-rules`` score is the share of a label's rules that
agree, which says nothing about how often they are right. Each predicted span of the
validation split is an outcome (correct or not) with a score, so calibration is the binary
case of ``measures.calibration``, fitted on spans instead of rows:

- **Which map.** ``isotonic`` (the project's ``calibration.method``) fits a monotone step
  function (``calibration.isotonic``'s two-column form, saved as its breakpoints) where a
  group holds at least ``MIN_ISOTONIC_SPANS`` spans, and Platt scaling (a logistic fit of
  the outcome on the score's logit, two numbers) where it holds fewer: isotonic overfits a
  few dozen outcomes. ``temperature`` (the default) is Platt everywhere: for one score it
  is temperature scaling with a bias. ``none`` fits nothing. A group whose spans are all
  right (or all wrong) maps every score to that frequency.
- **Per type or pooled.** Each type with at least ``MIN_TYPE_SPANS`` predicted spans on
  validation gets its own map (a model may be over-confident on ORG and not on PER); the
  pooled map of all spans serves the other types, and types never seen on validation.
- **Never reorders spans.** Every map is non-decreasing (isotonic by construction; a Platt
  fit whose slope comes out negative, where higher scores were right less often, is
  replaced by the constant share of right spans), so a span the model ranks above another
  is never served below it, and a threshold still cuts the model's own ranking.
- A span without a score (a model with no confidences) keeps None.

ECE over spans is ``calibration.core``'s: equal-width bins of the score against the share
of correct spans (``span_calibration_report``, the same shape as ``calibration_report`` so
the report draws it with the same reliability diagram). Pure code: no store.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from textloop.errors import IntegrityError
from textloop.measures.calibration.base import make_calibrator
from textloop.measures.calibration.core import (
    DEFAULT_BINS,
    UNCALIBRATED,
    ece_from_bins,
    reliability_bins,
)
from textloop.measures.calibration.isotonic import IsotonicCalibration
from textloop.spans import Span

MIN_TYPE_SPANS = 50
"""Validation spans a type needs for a map of its own (fewer: the pooled map)."""
MIN_ISOTONIC_SPANS = 200
"""Spans a group needs for isotonic calibration (fewer: Platt scaling)."""
ISOTONIC = "isotonic"
PLATT = "platt"
CONSTANT = "constant"
_EPS = 1e-6

ScoredRow = Sequence[tuple[Span, float | None]]


@dataclass(frozen=True)
class ScoreMap:
    """One group's map from raw score to probability of being right."""

    kind: str
    """``isotonic`` (breakpoints ``x``, ``y``), ``platt`` (``a``, ``b``: sigmoid(a * logit(s)
    + b)) or ``constant`` (``b``: every score maps to it)."""
    spans: int
    """Validation spans it was fitted on."""
    x: tuple[float, ...] = ()
    y: tuple[float, ...] = ()
    a: float = 0.0
    b: float = 0.0

    def apply(self, scores: np.ndarray) -> np.ndarray:
        s = np.asarray(scores, dtype=np.float64)
        if self.kind == ISOTONIC:
            return np.interp(s, np.asarray(self.x), np.asarray(self.y))
        if self.kind == PLATT:
            return _sigmoid(self.a * _logit(s) + self.b)
        return np.full(s.shape, self.b)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind, "spans": self.spans}
        if self.kind == ISOTONIC:
            return out | {"x": list(self.x), "y": list(self.y)}
        return out | ({"a": self.a, "b": self.b} if self.kind == PLATT else {"value": self.b})

    @classmethod
    def from_json(cls, entry: Mapping[str, Any]) -> ScoreMap:
        """Raises ``ValueError`` (or ``KeyError``) for a broken entry."""
        kind = str(entry["kind"])
        spans = int(entry.get("spans", 0))
        if kind == ISOTONIC:
            x = tuple(float(v) for v in entry["x"])
            y = tuple(float(v) for v in entry["y"])
            if len(x) != len(y) or not x or list(x) != sorted(x):
                raise ValueError("isotonic breakpoints must be non-empty, sorted and paired")
            return cls(kind, spans, x=x, y=y)
        if kind == PLATT:
            return cls(kind, spans, a=float(entry["a"]), b=float(entry["b"]))
        if kind == CONSTANT:
            return cls(kind, spans, b=float(entry["value"]))
        raise ValueError(f"unknown span score map {kind!r}")


@dataclass(frozen=True)
class SpanCalibration:
    """The maps fitted on validation: per type where a type had enough spans, else pooled."""

    method: str
    """The configured calibrator's full registry name (``calibration.method``)."""
    pooled: ScoreMap
    types: dict[str, ScoreMap] = field(default_factory=dict)

    def map_for(self, label: str) -> ScoreMap:
        return self.types.get(label, self.pooled)

    def calibrate(self, rows: Sequence[ScoredRow]) -> list[list[tuple[Span, float | None]]]:
        """Each row's spans with calibrated scores (None stays None), order kept."""
        return [[(span, None if score is None
                  else float(self.map_for(span.label).apply(np.array([score]))[0]))
                 for span, score in row] for row in rows]

    def to_json(self) -> dict[str, Any]:
        return {"method": self.method, "pooled": self.pooled.to_json(),
                "types": {label: m.to_json() for label, m in self.types.items()}}

    @classmethod
    def from_json(cls, entry: Mapping[str, Any]) -> SpanCalibration:
        return cls(str(entry["method"]), ScoreMap.from_json(entry["pooled"]),
                   {str(label): ScoreMap.from_json(m)
                    for label, m in (entry.get("types") or {}).items()})


def span_calibration_from_meta(meta: Mapping[str, Any]) -> SpanCalibration | None:
    """The span calibrator a bundle's meta holds (``span_calibration``), or None for a run
    saved without one (before span calibration, or with ``calibration.method: none``)."""
    entry = meta.get("span_calibration")
    if not entry:
        return None
    try:
        return SpanCalibration.from_json(entry)
    except (KeyError, TypeError, ValueError) as exc:
        raise IntegrityError(f"the bundle's span calibrator cannot be restored ({exc})",
                             hint="retrain the model") from exc


def span_outcomes(gold: Sequence[Sequence[Span]], predicted: Sequence[ScoredRow]
                  ) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """(scores, correct, labels) of every scored predicted span: correct when a gold span of
    the same record has the same start, end and type. Spans without a score are left out."""
    scores, correct, labels = [], [], []
    for gold_row, row in zip(gold, predicted, strict=True):
        wanted = set(gold_row)
        for span, score in row:
            if score is None:
                continue
            scores.append(float(score))
            correct.append(span in wanted)
            labels.append(span.label)
    return (np.asarray(scores, dtype=np.float64), np.asarray(correct, dtype=bool), labels)


def fit_span_calibration(scores: np.ndarray, correct: np.ndarray, labels: Sequence[str],
                         method: str) -> SpanCalibration | None:
    """The maps for ``method`` (a calibrator name, see the module docstring); None for
    ``none`` or when there is no scored span to fit on."""
    full = make_calibrator(method)[0]
    if full == make_calibrator(UNCALIBRATED)[0] or not len(scores):
        return None
    isotonic = full == make_calibrator(ISOTONIC)[0]
    s = np.asarray(scores, dtype=np.float64)
    hit = np.asarray(correct, dtype=bool)
    names = np.asarray(list(labels), dtype=object)
    types = {}
    for label in sorted(set(labels)):
        member = names == label
        if member.sum() >= MIN_TYPE_SPANS:
            types[str(label)] = _fit_map(s[member], hit[member], isotonic)
    return SpanCalibration(full, _fit_map(s, hit, isotonic), types)


def _fit_map(scores: np.ndarray, correct: np.ndarray, isotonic: bool) -> ScoreMap:
    n = len(scores)
    if correct.min() == correct.max():
        return ScoreMap(CONSTANT, n, b=float(correct[0]))
    if isotonic and n >= MIN_ISOTONIC_SPANS:
        fitted = IsotonicCalibration().fit(np.column_stack([1.0 - scores, scores]),
                                           correct.astype(np.int64))
        return ScoreMap(ISOTONIC, n, x=tuple(map(float, fitted.x_[0])),
                        y=tuple(map(float, fitted.y_[0])))
    from sklearn.linear_model import LogisticRegression

    # C large: a plain maximum-likelihood fit; the small penalty only keeps a score that
    # separates the outcomes perfectly from sending the slope to infinity
    logistic = LogisticRegression(C=1e4).fit(_logit(scores)[:, None], correct)
    slope = float(logistic.coef_[0, 0])
    if slope < 0:  # higher scores were right less often: no order to keep, only the rate
        return ScoreMap(CONSTANT, n, b=float(correct.mean()))
    return ScoreMap(PLATT, n, a=slope, b=float(logistic.intercept_[0]))


def span_calibration_report(raw: np.ndarray, calibrated: np.ndarray, correct: np.ndarray,
                            method: str | None, bins: int = DEFAULT_BINS) -> dict[str, Any]:
    """ECE of the span scores before and after calibration and both reliability tables, in
    the shape of ``calibration.calibration_report`` (``method`` None: uncalibrated)."""
    before = reliability_bins(np.asarray(raw, dtype=np.float64), correct, bins)
    after = reliability_bins(np.asarray(calibrated, dtype=np.float64), correct, bins)
    return {"method": method, "bins": bins, "spans": len(correct),
            "ece_before": ece_from_bins(before), "ece_after": ece_from_bins(after),
            "before": {"ece": ece_from_bins(before), "reliability": before},
            "after": {"ece": ece_from_bins(after), "reliability": after}}


def _logit(scores: np.ndarray) -> np.ndarray:
    s = np.clip(np.asarray(scores, dtype=np.float64), _EPS, 1.0 - _EPS)
    return np.log(s) - np.log1p(-s)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))
