"""Alerts: each flagged check with the production rows that drove it, and what training held
closest to each of them.

A drift number alone says "something changed"; the rows say what. For each driving row the
alert keeps its request id and index (the key of the prediction log, so feedback and the
labeling queue can find it), its text when the log keeps texts, what the model answered (a
span model's spans, each with the text it covers), and
its nearest training examples by cosine similarity of sentence vectors: a production row
whose nearest training example is far away, or labeled differently from the prediction, is
where training data is missing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from textloop.stages.monitor.reference import Rows
from textloop.stages.monitor.sides import DRIFT, Check
from textloop.strategies.drift.base import finite

TEXT_CHARS = 500


@dataclass
class Alert:
    check: Check
    rows: list[dict[str, Any]]

    def to_dict(self) -> dict[str, Any]:
        return {"check": self.check.name, "group": self.check.group, "slice": self.check.slice,
                "score": None if self.check.result is None else self.check.result.score,
                "threshold": None if self.check.result is None else finite(
                    self.check.result.threshold),
                "rows": self.rows}


def build_alerts(checks: Sequence[Check], positions: dict[str, np.ndarray],
                 window_rows: Sequence[dict[str, Any]], vectors: np.ndarray | None,
                 training: Rows, limit: int, neighbours: int) -> list[Alert]:
    """One alert per flagged check; ``positions[slice]`` maps a check's rows to the window."""
    out = []
    for check in checks:
        if check.status != DRIFT:
            continue
        where = positions[check.slice]
        chosen = [int(where[i]) for i in check.rows[:limit]]
        near = nearest(vectors, chosen, training, neighbours)
        out.append(Alert(check, [_row(window_rows[i], near[j]) for j, i in enumerate(chosen)]))
    return out


def nearest(vectors: np.ndarray | None, chosen: Sequence[int], training: Rows,
            k: int) -> list[list[dict[str, Any]]]:
    """For each chosen window row, its ``k`` most similar training rows (cosine)."""
    if vectors is None or not len(training) or not k or not chosen:
        return [[] for _ in chosen]
    similarity = vectors[list(chosen)] @ training.vectors.T
    out = []
    for row in similarity:
        best = np.argsort(-row, kind="stable")[:k]
        out.append([{"record_id": training.ids[j], "text": training.texts[j][:TEXT_CHARS],
                     "label": training.labels[j], "similarity": float(row[j])} for j in best])
    return out


def _row(logged: dict[str, Any], near: list[dict[str, Any]]) -> dict[str, Any]:
    probabilities = logged["probabilities"] or {}
    text = logged["text"]
    spans = logged.get("spans")
    return {"request_id": logged["request_id"], "idx": logged["idx"],
            "created_at": logged["created_at"],
            "text": None if text is None else text[:TEXT_CHARS], "label": logged["label"],
            "band": logged["band"], "confidence": max(probabilities.values(), default=None),
            "spans": None if spans is None else [
                {**span, "text": None if text is None else text[span["start"]:span["end"]]}
                for span in spans],
            "feedback": logged.get("feedback"), "neighbours": near}
