"""Real few-shot data for the fine-tuning tests: 8 SMS per class, and held-out texts."""

from __future__ import annotations

import gzip
import json
from functools import cache
from typing import Any

from tests.conftest import shared_data

PER_CLASS = 8


@cache
def _rows() -> list[dict[str, str]]:
    with gzip.open(shared_data("sms_spam.jsonl.gz"), "rt", encoding="utf-8") as lines:
        return [json.loads(line) for line in lines]


def few_shot() -> tuple[list[str], list[str]]:
    """The first 8 ham and 8 spam messages: (texts, labels)."""
    picked: dict[str, list[str]] = {}
    for row in _rows():
        if len(picked.setdefault(row["label"], [])) < PER_CLASS:
            picked[row["label"]].append(row["text"])
    texts = [text for label in sorted(picked) for text in picked[label]]
    return texts, [label for label in sorted(picked) for _ in picked[label]]


def held_out(n: int = 40) -> tuple[list[str], list[str]]:
    """``n`` messages from the end of the corpus (none of them in ``few_shot``)."""
    rows = _rows()[-n:]
    return [row["text"] for row in rows], [row["label"] for row in rows]


def fit_recording(model: Any) -> tuple[Any, list[dict[str, float]]]:
    """``model`` fitted on ``few_shot()`` with 20 held-out rows as validation, and the
    metrics it reported for each epoch."""
    epochs: list[dict[str, float]] = []

    def record(epoch: int, metrics: dict[str, float], fitted: Any) -> bool:
        epochs.append(metrics)
        return False

    texts, labels = few_shot()
    return model.fit(texts, labels, validation=held_out(20), on_epoch=record), epochs
