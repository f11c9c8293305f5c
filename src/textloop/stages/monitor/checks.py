"""The drift checks of one comparison, each through its registered detector.

Input drift reads texts and sentence vectors (text statistics, out-of-vocabulary words,
domain classifier, MMD); prediction drift reads what the model answered (label and band
distributions by PSI, chi-square and Jensen-Shannon; confidence; for a span model the spans
of each text: rates per type, presence, lengths, scores, new entity strings). Which
detectors apply is the project's task's to say (``Task.monitored_reads``: a detector runs
when the task's sides hold what it reads), and so is the performance check. A check that
lacks what it reads (too few rows or spans, texts not logged) says so as "not enough data"
instead of guessing.
Every detector gets the same seed, so a run is reproducible, and the same share of the
false-alarm rate: ``false_alarm_rate`` is the chance that an unchanged window raises any
alert, so with k checks (over the whole window and every slice) each check gets rate / k
(Bonferroni), and enough permutations to reach it.
"""

from __future__ import annotations

from dataclasses import fields, replace
from functools import singledispatch
from typing import Any

from textloop.config import MonitoringSettings
from textloop.config.monitoring import CATEGORICAL_SOURCES, detector_reads
from textloop.config.monitoring import drift_checks as checks_of
from textloop.errors import ConfigError
from textloop.stages.monitor.performance import performance_check
from textloop.stages.monitor.sides import (
    DRIFT,
    NOT_ENOUGH,
    OK,
    Check,
    Comparison,
    shortfall,
)
from textloop.strategies.drift import DriftResult, make_detector
from textloop.strategies.drift.base import permutations_for
from textloop.strategies.drift.span_base import NotEnoughSpans
from textloop.tasks import CLASSIFICATION, SpanTask, Task


def detectors_for(settings: MonitoringSettings, task: Task = CLASSIFICATION) -> list[str]:
    """The enabled detectors that read what ``task``'s sides hold, in the settings' order."""
    return [short for short in settings.detectors
            if detector_reads(short) in task.monitored_reads]


def drift_checks(settings: MonitoringSettings, task: Task = CLASSIFICATION) -> int:
    """How many checks with a p-value one comparison runs (labels and bands for each
    categorical detector)."""
    return sum(len(checks_of(short)) for short in detectors_for(settings, task))


def run_checks(comparison: Comparison, settings: MonitoringSettings, seed: int = 0,
               family: int = 1, task: Task = CLASSIFICATION) -> list[Check]:
    """Every enabled check ``task`` monitors, then its performance check, for one
    comparison; ``family``: how many checks share the false-alarm rate."""
    alpha = settings.false_alarm_rate / max(family, 1)
    out: list[Check] = []
    for short in detectors_for(settings, task):
        reads = detector_reads(short)
        if reads in ("texts", "vectors"):
            out.append(_input_check(short, comparison, settings, seed, alpha))
        elif reads == "categories":
            out.extend(_categorical_check(short, source, name, comparison, settings, seed,
                                          alpha)
                       for source, name in zip(CATEGORICAL_SOURCES, checks_of(short),
                                               strict=True))
        elif reads == "confidence":
            out.append(_run(checks_of(short)[0], "prediction", comparison, settings, seed,
                            alpha, comparison.reference.confidence,
                            comparison.current.confidence, detector=short))
        elif reads == "spans":
            out.append(_span_check(short, comparison, settings, seed, alpha))
        else:
            raise ConfigError(f"drift detector {short!r} reads {reads!r}: textloop monitor "
                              "knows texts, vectors, categories, confidence and spans",
                              hint="register the detector with reads=... set to one of them")
    out.append(performance_for(task, comparison, settings))
    return out


@singledispatch
def performance_for(task: Task, comparison: Comparison, settings: MonitoringSettings
                    ) -> Check:
    """The task's performance check: CBPE and realized accuracy for classification."""
    return performance_check(comparison, settings)


@performance_for.register
def _(task: SpanTask, comparison: Comparison, settings: MonitoringSettings) -> Check:
    from textloop.stages.monitor.span_performance import entity_f1_check

    return entity_f1_check(comparison, settings)


def _span_check(short: str, comparison: Comparison, settings: MonitoringSettings, seed: int,
                alpha: float) -> Check:
    """A span detector on both sides' spans; the training span strings go to every one."""
    return _run(checks_of(short)[0], "prediction", comparison, settings, seed, alpha,
                comparison.reference.spans, comparison.current.spans, detector=short,
                known_strings=comparison.span_strings)


def _input_check(short: str, comparison: Comparison, settings: MonitoringSettings,
                 seed: int, alpha: float) -> Check:
    ref, cur = comparison.reference, comparison.current
    name = checks_of(short)[0]
    if shortfall(comparison, settings, needs_texts=True):
        return _run(name, "input", comparison, settings, seed, alpha, None, None,
                    needs_texts=True)
    if detector_reads(short) == "texts":
        extra: dict[str, Any] = {"known_words": comparison.vocabulary} if short == "oov" else {}
        return _run(name, "input", comparison, settings, seed, alpha, ref.texts, cur.texts,
                    detector=short, language=comparison.language, **extra)
    return _run(name, "input", comparison, settings, seed, alpha, ref.vectors, cur.vectors,
                detector=short)


def _categorical_check(short: str, source: str, name: str, comparison: Comparison,
                       settings: MonitoringSettings, seed: int, alpha: float) -> Check:
    ref = getattr(comparison.reference, "predicted" if source == "label" else "bands")
    cur = getattr(comparison.current, "predicted" if source == "label" else "bands")
    return _run(name, "prediction", comparison, settings, seed, alpha, ref, cur,
                detector=short)


def _run(name: str, group: str, comparison: Comparison, settings: MonitoringSettings,
         seed: int, alpha: float, reference: Any, current: Any, *, detector: str | None = None,
         needs_texts: bool = False, language: str | None = None, **extra: Any) -> Check:
    n = len(comparison.current)
    reason = shortfall(comparison, settings, needs_texts)
    if reason:
        return Check(name, group, comparison.slice, NOT_ENOUGH, n, reason=reason)
    try:
        result: DriftResult = detector_for(detector or name, settings, alpha, language).test(
            reference, current, seed=seed, **extra)
    except NotEnoughSpans as exc:
        return Check(name, group, comparison.slice, NOT_ENOUGH, n, reason=str(exc))
    return Check(name, group, comparison.slice, DRIFT if result.drift else OK, n, result)


def detector_for(short: str, settings: MonitoringSettings, alpha: float,
                 language: str | None = None) -> Any:
    """The registered detector with the monitoring settings it takes (and the project's
    language, for a detector whose units depend on it)."""
    _, detector = make_detector(short)
    wanted = {"alpha": alpha, "permutations": permutations_for(alpha, settings.permutations),
              "null_windows": settings.null_windows, "max_reference": settings.max_reference,
              "rows": settings.alert_rows, "language": language}
    names = {f.name for f in fields(detector)}
    return replace(detector, **{k: v for k, v in wanted.items() if k in names})
