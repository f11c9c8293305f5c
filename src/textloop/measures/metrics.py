"""Evaluation metrics for a classifier's probabilities, as one JSON-ready dict.

The dict is stored beside every run and compared against the project goal, so it holds only
plain Python values (no numpy scalars, no NaN). A metric that is not defined on the data
(an AUC for a class with no positives, precision for a class never seen nor predicted) is
``None`` and explained in ``undefined`` instead of being silently reported as 0 or NaN.

Conventions: the predicted label is the argmax of ``proba`` (ties go to the first label);
macro averages run over the labels present in ``y_true`` or predicted, as scikit-learn does
when no label list is given; AUCs are one-vs-rest per class, and the headline ``roc_auc`` /
``pr_auc`` is the positive class's (``textloop.config.positive_label``: the score label, else
the second of two labels), else the macro average over the classes where it is defined.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.metrics import (
    average_precision_score,
    confusion_matrix,
    precision_recall_fscore_support,
    roc_auc_score,
)

from textloop.config import positive_label
from textloop.errors import InvalidInputError

LOG_LOSS_EPS = 1e-15
TOP_CONFUSIONS = 20
_PROBA_TOLERANCE = 1e-6
_AVERAGES = ("macro", "micro", "weighted")


def compute_metrics(y_true: Sequence[str], proba: np.ndarray, labels: Sequence[str],
                    score_labels: Sequence[str] = ()) -> dict[str, Any]:
    """Every evaluation number for ``proba`` ([n, k], columns follow ``labels``) vs ``y_true``.

    ``score_labels`` are the project's (``actions.score_labels``): they decide the positive
    class of the headline AUCs, so a spam filter's ROC-AUC is spam's.
    """
    labels = [str(label) for label in labels]
    probs, y_idx = validate_inputs(y_true, proba, labels)
    y_pred = probs.argmax(axis=1)
    undefined: list[dict[str, Any]] = []
    counts = confusion_matrix(y_idx, y_pred, labels=list(range(len(labels))))
    out: dict[str, Any] = {"n": len(y_idx), "labels": labels,
                           "accuracy": float(np.mean(y_idx == y_pred))}
    out.update(_averaged_prf(y_idx, y_pred))
    out["per_class"] = _per_class(y_idx, y_pred, probs, labels, undefined)
    out["confusion_matrix"] = {"labels": labels, "counts": counts.tolist()}
    out.update(_headline_auc(out["per_class"], labels, positive_label(labels, score_labels),
                             undefined))
    out["log_loss"] = _log_loss(probs, y_idx)
    out["brier_score"] = _brier_score(probs, y_idx)
    out["top_confusions"] = top_confusions(counts, labels)
    out["undefined"] = undefined
    return out


def validate_inputs(y_true: Sequence[str], proba: np.ndarray,
                    labels: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """(probabilities as float [n, k], true label indices); raises on anything inconsistent."""
    _check_labels(labels)
    try:
        probs = np.asarray(proba, dtype=float)
    except (TypeError, ValueError) as exc:
        raise InvalidInputError(f"proba is not numeric: {exc}",
                                hint="pass an [n, k] array of class probabilities") from exc
    if probs.ndim != 2 or probs.shape[1] != len(labels):
        raise InvalidInputError(
            f"proba has shape {probs.shape}; expected [n, {len(labels)}] (one column per label)",
            hint="the columns of proba must follow the order of labels")
    if probs.shape[0] != len(y_true):
        raise InvalidInputError(f"proba has {probs.shape[0]} rows but y_true has {len(y_true)}",
                                hint="pass one probability row per true label")
    if probs.shape[0] == 0:
        raise InvalidInputError("nothing to evaluate: y_true is empty",
                                hint="evaluate on a split that has labeled rows")
    _check_probabilities(probs)
    return probs, _label_indices(y_true, labels)


def _check_labels(labels: Sequence[str]) -> None:
    if not labels:
        raise InvalidInputError("labels is empty", hint="pass the model's label list")
    seen: set[str] = set()
    for label in labels:
        if label in seen:
            raise InvalidInputError(f"label {label!r} appears twice in labels",
                                    hint="each proba column needs its own label")
        seen.add(label)


def _check_probabilities(probs: np.ndarray) -> None:
    if not np.all(np.isfinite(probs)):
        row = int(np.flatnonzero(~np.isfinite(probs).all(axis=1))[0])
        raise InvalidInputError(f"proba row {row} contains NaN or infinity",
                                hint="check the model's output for that row")
    low, high = float(probs.min()), float(probs.max())
    if low < -_PROBA_TOLERANCE or high > 1 + _PROBA_TOLERANCE:
        raise InvalidInputError(f"proba values range from {low:g} to {high:g}; expected 0..1",
                                hint="pass probabilities (e.g. predict_proba), not raw scores")


def _label_indices(y_true: Sequence[str], labels: Sequence[str]) -> np.ndarray:
    index = {label: i for i, label in enumerate(labels)}
    out = np.empty(len(y_true), dtype=np.int64)
    for row, value in enumerate(y_true):
        position = index.get(str(value))
        if position is None:
            shown = ", ".join(repr(label) for label in list(labels)[:10])
            raise InvalidInputError(
                f"y_true row {row} has label {value!r}, which is not one of the model's labels "
                f"({shown}{', ...' if len(labels) > 10 else ''})",
                hint="evaluate on data labeled with the model's label set")
        out[row] = position
    return out


def _averaged_prf(y_idx: np.ndarray, y_pred: np.ndarray) -> dict[str, float]:
    """macro/micro/weighted precision, recall and F1 over the labels seen or predicted."""
    out: dict[str, float] = {}
    for average in _AVERAGES:
        precision, recall, f1, _ = precision_recall_fscore_support(
            y_idx, y_pred, average=average, zero_division=0)
        out[f"{average}_precision"] = float(precision)
        out[f"{average}_recall"] = float(recall)
        out[f"{average}_f1"] = float(f1)
    return out


def _per_class(y_idx: np.ndarray, y_pred: np.ndarray, probs: np.ndarray,
               labels: Sequence[str], undefined: list[dict[str, Any]]) -> dict[str, Any]:
    """label -> precision, recall, f1, support, roc_auc, pr_auc (None where undefined)."""
    everything = list(range(len(labels)))
    precision, recall, f1, support = precision_recall_fscore_support(
        y_idx, y_pred, labels=everything, average=None, zero_division=0)
    predicted = np.bincount(y_pred, minlength=len(labels))
    out: dict[str, Any] = {}
    for j, label in enumerate(labels):
        entry: dict[str, Any] = {"precision": float(precision[j]), "recall": float(recall[j]),
                                 "f1": float(f1[j]), "support": int(support[j])}
        if support[j] == 0 and predicted[j] == 0:
            entry.update(precision=None, recall=None, f1=None)
            _note(undefined, "f1", label, f"no example of {label!r} in y_true and none predicted")
        entry.update(_class_auc(y_idx == j, probs[:, j], label, undefined))
        out[label] = entry
    return out


def _class_auc(positive: np.ndarray, score: np.ndarray, label: str,
               undefined: list[dict[str, Any]]) -> dict[str, float | None]:
    """One-vs-rest ROC-AUC and average precision for one class, when both sides exist."""
    n_pos = int(positive.sum())
    reason = None
    if n_pos == 0:
        reason = f"no example of {label!r} in y_true (no positives)"
    elif n_pos == len(positive):
        reason = f"every example is {label!r} (no negatives)"
    if reason is not None:
        _note(undefined, "roc_auc", label, reason)
        _note(undefined, "pr_auc", label, reason)
        return {"roc_auc": None, "pr_auc": None}
    return {"roc_auc": float(roc_auc_score(positive, score)),
            "pr_auc": float(average_precision_score(positive, score))}


def _headline_auc(per_class: dict[str, Any], labels: Sequence[str], positive: str | None,
                  undefined: list[dict[str, Any]]) -> dict[str, Any]:
    """roc_auc / pr_auc: the positive class's, else the macro over defined classes."""
    out: dict[str, Any] = {}
    if positive is not None:
        out["auc_method"] = {"average": "binary", "positive": positive}
        for metric in ("roc_auc", "pr_auc"):
            out[metric] = per_class[positive][metric]
            if out[metric] is None:
                _note(undefined, metric, None, f"positive class {positive!r} has no AUC")
        return out
    defined = [label for label in labels if per_class[label]["roc_auc"] is not None]
    out["auc_method"] = {"average": "macro_ovr", "classes_averaged": len(defined),
                         "classes_total": len(labels)}
    for metric in ("roc_auc", "pr_auc"):
        values = [per_class[label][metric] for label in defined]
        out[metric] = float(np.mean(values)) if values else None
        if not values:
            _note(undefined, metric, None, "no class has both positives and negatives in y_true")
    return out


def _note(undefined: list[dict[str, Any]], metric: str, label: str | None, reason: str) -> None:
    undefined.append({"metric": metric, "label": label, "reason": reason})


def _log_loss(probs: np.ndarray, y_idx: np.ndarray) -> float:
    """Mean negative log probability of the true label, clipped so a confident miss is finite."""
    p_true = np.clip(probs[np.arange(len(y_idx)), y_idx], LOG_LOSS_EPS, 1.0)
    return float(-np.mean(np.log(p_true)))


def _brier_score(probs: np.ndarray, y_idx: np.ndarray) -> float:
    """Mean over rows of the squared distance to the one-hot truth.

    For two labels this is halved, giving the usual binary Brier score on the positive class
    (scikit-learn's ``brier_score_loss`` convention).
    """
    onehot = np.zeros_like(probs)
    onehot[np.arange(len(y_idx)), y_idx] = 1.0
    score = float(np.mean(np.sum((probs - onehot) ** 2, axis=1)))
    return score / 2 if probs.shape[1] == 2 else score


def top_confusions(counts: np.ndarray, labels: Sequence[str],
                   limit: int = TOP_CONFUSIONS) -> list[dict[str, Any]]:
    """The most frequent (true, predicted) mistakes, largest first, ties in label order."""
    true_idx, pred_idx = np.nonzero(counts)
    cells = [(int(counts[i, j]), int(i), int(j))
             for i, j in zip(true_idx, pred_idx, strict=True) if i != j]
    cells.sort(key=lambda cell: (-cell[0], cell[1], cell[2]))
    return [{"true": labels[i], "predicted": labels[j], "count": count}
            for count, i, j in cells[:limit]]
