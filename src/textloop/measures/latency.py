"""Timing predictions on this machine: milliseconds per single text, texts per second in batches.

Promotion's latency rule and the inference-optimisation table time predictions the same
way: one warm-up call first (sessions load and caches fill lazily), then wall-clock time per
call, so both numbers mean the same thing in a report.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

Predict = Callable[[list[str]], Any]


def single_text_latency(predict: Predict, texts: Sequence[str]) -> dict[str, float]:
    """Milliseconds per ``predict([text])`` over ``texts``: n, p50_ms and p95_ms."""
    if not texts:
        return {"n": 0, "p50_ms": 0.0, "p95_ms": 0.0}
    predict([texts[0]])  # warm-up
    times = []
    for text in texts:
        started = time.perf_counter()
        predict([text])
        times.append((time.perf_counter() - started) * 1000.0)
    return {"n": len(times), "p50_ms": float(np.percentile(times, 50)),
            "p95_ms": float(np.percentile(times, 95))}


def batch_throughput(predict: Predict, texts: Sequence[str], repeats: int = 3) -> float:
    """Texts per second of ``predict(texts)`` (the median of ``repeats`` timed calls)."""
    if not texts:
        return 0.0
    predict(list(texts[:1]))  # warm-up
    seconds = []
    for _ in range(max(1, repeats)):
        started = time.perf_counter()
        predict(list(texts))
        seconds.append(time.perf_counter() - started)
    return len(texts) / max(float(np.median(seconds)), 1e-9)
