"""Which checks a comparison runs: one per registered detector the settings name, under the
names the registry's ``reads`` tag gives them."""

from __future__ import annotations

import numpy as np

from textloop.config import MonitoringSettings
from textloop.stages.monitor.checks import drift_checks, run_checks
from textloop.stages.monitor.sides import DRIFT, OK, Comparison, Side
from textloop.strategies.drift.psi import PsiDetector


def side(labels: list[str], rng: np.random.Generator) -> Side:
    proba = rng.dirichlet([1.0, 1.0], size=len(labels))
    return Side(texts=None, vectors=None, predicted=labels, bands=labels, proba=proba,
                truth=[None] * len(labels))


def test_a_registered_categorical_detector_runs_on_labels_and_bands(scratch_registry) -> None:
    scratch_registry.register("textloop.drift.label-shift.v1", reads="categories")(PsiDetector)
    rng = np.random.default_rng(0)
    settings = MonitoringSettings(detectors=["label-shift", "confidence"], min_rows=20,
                                  permutations=99)
    comparison = Comparison("all", side(["a"] * 100 + ["b"] * 100, rng),
                            side(["a"] * 190 + ["b"] * 10, rng), frozenset(), ["a", "b"])
    checks = run_checks(comparison, settings)
    assert [c.name for c in checks] == ["label_shift", "band_shift", "confidence",
                                        "performance"]
    assert drift_checks(settings) == 3
    by_name = {c.name: c for c in checks}
    assert by_name["label_shift"].status == DRIFT and by_name["band_shift"].status == DRIFT
    assert by_name["confidence"].status == OK
