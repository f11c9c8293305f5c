"""Robustness probes: how much accuracy is lost when the input is typed differently.

Each probe perturbs the evaluated texts (typos, case, punctuation; see
``strategies/perturb``) and re-scores them with the same model and calibrator; the report
shows the metrics and their drop against the clean texts on the same rows. At most
``max_rows`` rows, drawn with a seed, are probed, so an embedding model pays for a bounded
number of new embeddings and the numbers repeat exactly.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from textloop.progress import NULL_PROGRESS, Progress
from textloop.stages.evaluate.error_analysis.evaluated import EvaluatedSplit, subset_metrics
from textloop.strategies.perturb import DEFAULT_PROBES, perturb_texts

Scorer = Callable[[list[str]], np.ndarray]
"""Texts -> calibrated probabilities with columns in the split's label order."""

DEFAULT_MAX_ROWS = 1000
DEFAULT_SEED = 0


def probe_robustness(split: EvaluatedSplit, score: Scorer, goal_metric: str, *,
                     probes: Sequence[str] = DEFAULT_PROBES, max_rows: int = DEFAULT_MAX_ROWS,
                     seed: int = DEFAULT_SEED, progress: Progress = NULL_PROGRESS
                     ) -> dict[str, Any]:
    """Clean metrics on the sampled rows and, per probe, the metrics, drops, the share of
    texts the probe changed and the share of predictions that flipped."""
    rows = sample_rows(len(split.texts), max_rows, seed)
    texts = [split.texts[i] for i in rows]
    y_true = [split.y_true[i] for i in rows]
    clean = np.asarray(split.proba)[rows]
    keys = list(dict.fromkeys(("accuracy", goal_metric)))
    baseline = _headline(y_true, clean, split, keys)
    results = []
    for name in probes:
        full, perturbed = perturb_texts(name, texts, seed)
        with progress.task(f"Robustness probe {name}: scoring {len(texts):,} rows", total=None):
            proba = score(perturbed)
        found = _headline(y_true, proba, split, keys)
        results.append({
            "probe": name, "strategy": full,
            "changed": float(np.mean([a != b for a, b in zip(texts, perturbed, strict=True)])),
            "flipped": float(np.mean(proba.argmax(axis=1) != clean.argmax(axis=1))),
            **found, **{f"{key}_drop": _drop(baseline[key], found[key]) for key in keys}})
    return {"rows": len(rows), "of": len(split.texts), "seed": seed, "goal_metric": goal_metric,
            "metrics": keys, "clean": baseline, "probes": results}


def sample_rows(n: int, max_rows: int, seed: int) -> np.ndarray:
    """All rows when there are few enough, else ``max_rows`` drawn with ``seed``, in order."""
    if n <= max_rows:
        return np.arange(n)
    return np.sort(np.random.default_rng(seed).choice(n, size=max_rows, replace=False))


def _headline(y_true: Sequence[str], proba: np.ndarray, split: EvaluatedSplit,
              keys: Sequence[str]) -> dict[str, Any]:
    found = subset_metrics(y_true, proba, split.labels, np.ones(len(y_true), dtype=bool),
                           split.score_labels)
    return {key: found.get(key) for key in keys}


def _drop(before: float | None, after: float | None) -> float | None:
    """Clean minus perturbed: positive when the probe hurts."""
    return None if before is None or after is None else before - after
