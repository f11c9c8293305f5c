"""Drift detectors, registered as ``textloop.drift.NAME.vN`` (one file each).

Each takes reference and current arrays (embeddings, texts, labels or confidences) and
returns a ``DriftResult``: score, calibrated threshold, p-value, decision, Evidently's fixed
decision for comparison, and the current rows that drove the score.
"""

from textloop.strategies.drift.base import (
    DriftResult,
    calibrate,
    detector_names,
    make_detector,
)

__all__ = ["DriftResult", "calibrate", "detector_names", "make_detector"]
