"""The span side of monitoring: what a span project's reference and production rows hold.

The reference spans are the served bundle's on the reference sample, through the same
per-type thresholds the server applies (``stages.serving.extract.extractions_from``), so a
reference span and a logged span are the same kind of answer. The training release's gold
span strings, case-folded, are what the new entity strings check calls known.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from textloop.spans import decode_spans
from textloop.stages.monitor.reference import ReferenceOutputs
from textloop.stages.release.loader import SplitData
from textloop.stages.runs.loading import LoadedRun
from textloop.stages.serving.extract import extractions_from
from textloop.strategies.drift.new_span_strings import fold
from textloop.strategies.drift.span_base import SpanHit, hits_of


def span_reference(loaded: LoadedRun, texts: Sequence[str], train: SplitData
                   ) -> ReferenceOutputs:
    """``ReferenceOutputs`` of a span model: its served spans per reference text, no
    probabilities, labels or bands (what the classification checks read, skipped for a span
    task), and the training split's span strings."""
    found = extractions_from(loaded, list(texts))
    spans = [hits_of((s.to_dict() for s in e.spans), e.text) for e in found]
    n, labels = len(texts), len(loaded.model.classes_)
    return ReferenceOutputs(np.zeros((n, labels)), [""] * n, [""] * n, spans,
                            known_span_strings(train))


def known_span_strings(train: SplitData) -> frozenset[str]:
    """Every gold span's text in the training split, case-folded (``fold``)."""
    return frozenset(fold(span.text_of(text)) for text, value in zip(train.texts, train.labels,
                                                                     strict=True)
                     for span in decode_spans(value))


def logged_spans(rows: Sequence[dict[str, Any]]) -> list[list[SpanHit]] | None:
    """The spans of each logged row (None when a row was not answered with spans: a
    classifier's log)."""
    if not rows or any(row.get("spans") is None for row in rows):
        return None
    return [hits_of(row["spans"], row["text"]) for row in rows]
