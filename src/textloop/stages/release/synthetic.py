"""Synthetic records in a release: always in train, and counted for the card and manifest.

A synthetic record (``source_kind`` synthetic, made by ``textloop synth`` and accepted) goes
to the train split, whatever the split planner would have said: validation and test stay
real, so early stopping, calibration, thresholds, model selection and the reported scores
are all measured on real data. The planner only ever sees the real records, so adding or
removing a synthetic batch never moves a real record between splits.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np

from textloop.stages.release.split import SPLITS, SplitPlan
from textloop.types import LabeledRecord, SourceKind

TRAIN = SPLITS.index("train")
GENERATOR_KEY = "synth_generator"
"""The metadata key holding the full name of the generator that made a synthetic record."""


def synthetic_mask(records: Sequence[LabeledRecord]) -> np.ndarray:
    """[n] True where a record was generated."""
    kind = SourceKind.SYNTHETIC.value
    return np.fromiter((r.source_kind == kind for r in records), dtype=bool, count=len(records))


def with_synthetic_in_train(plan: SplitPlan, real_rows: np.ndarray, n: int) -> SplitPlan:
    """The plan of the real rows (``real_rows`` of ``n``) with every other row in train, each
    its own group."""
    split = np.full(n, TRAIN, dtype=np.int64)
    split[real_rows] = plan.split
    group = np.empty(n, dtype=np.int64)
    group[real_rows] = plan.group
    others = np.setdiff1d(np.arange(n), real_rows)
    start = int(plan.group.max()) + 1 if len(plan.group) else 0
    group[others] = np.arange(start, start + len(others))
    return SplitPlan(split, group, plan.texts_across_groups)


def synthetic_summary(records: Sequence[LabeledRecord], labels: Sequence[str]
                      ) -> dict[str, Any] | None:
    """Synthetic rows overall and per label (with their share of the label's rows) and per
    generator; None when the release has none."""
    mask = synthetic_mask(records)
    if not mask.any():
        return None
    total = Counter(r.label for r in records)
    made = Counter(r.label for r, m in zip(records, mask, strict=True) if m)
    generators = Counter(str(r.meta.get(GENERATOR_KEY) or "unknown")
                         for r, m in zip(records, mask, strict=True) if m)
    return {
        "rows": int(mask.sum()), "share": round(float(mask.mean()), 4), "split": "train",
        "per_label": {label: {"rows": made[label],
                              "share": round(made[label] / total[label], 4) if total[label]
                              else 0.0} for label in labels if total[label]},
        "generators": dict(sorted(generators.items())),
    }
