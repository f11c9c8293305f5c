"""Fairness across a sensitive metadata field: per-group rates and the two parity gaps.

The differences follow fairlearn's definitions (without depending on it):
``demographic_parity_difference`` is the largest minus the smallest selection rate (the share
of a group predicted positive) across groups; ``equalized_odds_difference`` is the larger of
the true-positive-rate gap and the false-positive-rate gap. 0 means every group is treated
alike. A group with no positive (or no negative) row has no TPR (FPR) and is left out of that
gap. Without a ``positive_label`` each label is positive in turn (one-vs-rest) and the
largest difference is reported with its label; for two labels both choices give the same
numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from textloop.config import Fairness
from textloop.stages.evaluate.error_analysis.evaluated import EvaluatedSplit
from textloop.stages.evaluate.error_analysis.slicing import field_values, value_groups


@dataclass(frozen=True)
class GroupRates:
    selection_rate: float
    tpr: float | None
    fpr: float | None


def group_rates(is_positive: np.ndarray, predicted_positive: np.ndarray) -> GroupRates:
    """Selection rate, true- and false-positive rate of one group (None where undefined)."""
    positives, negatives = is_positive, ~is_positive
    return GroupRates(
        selection_rate=float(predicted_positive.mean()) if len(is_positive) else 0.0,
        tpr=_share(predicted_positive[positives]), fpr=_share(predicted_positive[negatives]))


def parity_differences(rates: Sequence[GroupRates]) -> dict[str, float | None]:
    """The demographic-parity and equalized-odds differences over groups, with both gaps."""
    tpr_gap = _spread([r.tpr for r in rates])
    fpr_gap = _spread([r.fpr for r in rates])
    gaps = [gap for gap in (tpr_gap, fpr_gap) if gap is not None]
    return {"demographic_parity_difference": _spread([r.selection_rate for r in rates]),
            "tpr_difference": tpr_gap, "fpr_difference": fpr_gap,
            "equalized_odds_difference": max(gaps) if gaps else None}


def fairness_sections(specs: Sequence[Fairness], split: EvaluatedSplit) -> dict[str, Any]:
    """Field -> its fairness section, for every ``fairness:`` entry of textloop.yaml."""
    return {spec.field: fairness_section(spec, split, f"fairness.{i}")
            for i, spec in enumerate(specs)}


def fairness_section(spec: Fairness, split: EvaluatedSplit, key: str) -> dict[str, Any]:
    """Per-group n, accuracy, macro F1 and rates per positive label, and the differences."""
    groups = value_groups(field_values(split.metas, spec.field, f"{key}.field"),
                          spec.max_groups)
    positives = [spec.positive_label] if spec.positive_label else list(split.labels)
    rows = [_group_row(name, mask, split, spec.min_rows) for name, mask in groups.items()]
    per_label: dict[str, Any] = {}
    for label in positives:
        j = split.labels.index(label)
        rates = [group_rates(split.y_idx[mask] == j, split.y_pred[mask] == j)
                 for mask in groups.values()]
        for row, rate in zip(rows, rates, strict=True):
            row["selection_rate"][label] = rate.selection_rate
            row["tpr"][label], row["fpr"][label] = rate.tpr, rate.fpr
        per_label[label] = parity_differences(rates)
    return {"field": spec.field, "positive_label": spec.positive_label,
            "mode": "positive_label" if spec.positive_label else "one_vs_rest",
            "min_rows": spec.min_rows, "groups": rows, "per_label": per_label,
            **_worst("demographic_parity", per_label), **_worst("equalized_odds", per_label)}


def _group_row(name: str, mask: np.ndarray, split: EvaluatedSplit,
               min_rows: int) -> dict[str, Any]:
    found = split.metrics_on(mask)
    return {"group": name, "n": found["n"], "accuracy": found["accuracy"],
            "macro_f1": found["macro_f1"], "too_small": found["n"] < min_rows,
            "selection_rate": {}, "tpr": {}, "fpr": {}}


def _worst(prefix: str, per_label: dict[str, Any]) -> dict[str, Any]:
    """The largest ``PREFIX_difference`` over labels and the label it belongs to."""
    key = f"{prefix}_difference"
    measured = [(gaps[key], label) for label, gaps in per_label.items() if gaps[key] is not None]
    value, label = max(measured, key=lambda item: item[0]) if measured else (None, None)
    return {key: value, f"{prefix}_label": label}


def _share(flags: np.ndarray) -> float | None:
    return float(flags.mean()) if flags.size else None


def _spread(values: Sequence[float | None]) -> float | None:
    defined = [v for v in values if v is not None]
    return float(max(defined) - min(defined)) if defined else None
