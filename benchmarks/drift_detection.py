"""Drift detection: power on shifted windows and false alarms on unshifted ones, per detector.

Claim: on the dev sets, a window of 500 production rows of which 20% come from unseen classes
or another dataset is detected with power >= 0.9 (100 windows), and unshifted windows are
flagged at most 5% of the time (100 windows), by the calibrated thresholds of
``textloop monitor``. Anchor: a classifier-softmax KS test (our ``confidence`` check)
detected 47% of image shifts at 100 samples and 70% at 1,000 (Rabanser et al. 2019).

Scenarios (the rows of the in-distribution set are split as ``textloop release`` splits them,
80/10/10, seed 0):

- clinc150-oos: in-scope intents; shifted rows are out-of-scope queries;
- ag_news+sms: news topics; shifted rows are SMS messages (another dataset);
- banking77-unseen: 67 intents; shifted rows come from 10 intents held out of training.

Per scenario an embed-lr head (textloop's ``embed-lr``) is fitted on train and calibrated by
temperature on validation. The reference sample is the validation split (at most 1,000
rows, with the model's calibrated predictions and the default action bands), as
``textloop monitor`` uses it. Unshifted windows: 500 test rows; shifted: 400 test rows and
100 shifted rows. Each detector runs with textloop's defaults and the permutations the
monitor gives it (enough for p <= 0.05 / k); a detection is p <= 0.05 (the calibrated
decision for one check), and "any (monitor)" is the report's family-wise rule: some check
with p <= 0.05 / k over the k checks. Evidently's fixed rules are reported beside the
calibrated ones, and the mean seconds each check takes on one window.

Embeddings: MiniLM int8, cached in ``~/.cache/textloop-bench`` (see _dev_sets.py). One
process; about 15 minutes on 2 cores::

    python benchmarks/drift_detection.py --trials 100

Results: benchmarks/results/drift_detection.json and drift_detection.md.
"""

from __future__ import annotations

import sys
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from textloop.config import Actions
from textloop.measures.calibration import fit_calibration
from textloop.models.classifiers import make_model
from textloop.strategies.drift import make_detector
from textloop.strategies.drift.base import permutations_for
from textloop.strategies.drift.oov import vocabulary

sys.path.insert(0, str(Path(__file__).parent))
from _dev_sets import arguments, load, machine_line, split, write_results
from _machine import machine_info

WINDOW = 500
SHIFT = 0.2
ALPHA = 0.05
REFERENCE_ROWS = 1000
CHECKS = ("text-stats", "oov", "domain-classifier", "mmd", "label-psi", "label-chi-square",
          "label-jensen-shannon", "band-psi", "band-chi-square", "band-jensen-shannon",
          "confidence")
SCENARIOS = ("clinc150-oos", "ag_news+sms", "banking77-unseen")


@dataclass
class Scenario:
    """Everything a window is compared with, and where windows are drawn from."""

    name: str
    texts: list[str]
    vectors: np.ndarray
    reference: np.ndarray   # row indices of the reference sample (validation)
    train: np.ndarray       # rows the model was fitted on
    clean: np.ndarray       # held-out in-distribution rows (test)
    shifted: np.ndarray     # rows of the shift
    vocabulary: frozenset[str]  # the training texts' words
    outputs: dict[str, Any]  # per row: predicted label, band, confidence


def build(name: str, cache: Path) -> Scenario:
    """Rows, model and samples of one scenario."""
    if name == "ag_news+sms":
        texts, labels, vectors, _ = load("ag_news", cache)
        other, _, other_vectors, _ = load("sms_spam", cache)
        shifted = np.arange(len(texts), len(texts) + len(other))
        keep = np.arange(len(texts))
        texts, labels = texts + other, labels + ["(sms)"] * len(other)
        vectors = np.vstack([vectors, other_vectors])
    else:
        base = "clinc150" if name.startswith("clinc") else "banking77"
        texts, labels, vectors, _ = load(base, cache)
        if base == "clinc150":
            unseen = {"oos"}
        else:
            classes = sorted(set(labels))
            unseen = set(np.random.default_rng(0).choice(classes, 10, replace=False))
        is_shift = np.array([label in unseen for label in labels])
        shifted, keep = np.flatnonzero(is_shift), np.flatnonzero(~is_shift)
    parts = split([texts[i] for i in keep], [labels[i] for i in keep], seed=0)
    train, val, test = (keep[p] for p in parts)
    reference = np.sort(np.random.default_rng(0).choice(val, min(len(val), REFERENCE_ROWS),
                                                        replace=False))
    outputs = model_outputs(vectors, labels, train, val)
    return Scenario(name, texts, vectors, reference, train, test, shifted,
                    frozenset(vocabulary([texts[i] for i in train])), outputs)


def model_outputs(vectors: np.ndarray, labels: list[str], train: np.ndarray,
                  val: np.ndarray) -> dict[str, Any]:
    """Calibrated predictions of an embed-lr head for every row, with bands and confidence."""
    _, model = make_model("embed-lr")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(vectors[train], [labels[i] for i in train])
    classes = [str(c) for c in model.classes_]
    index = {c: i for i, c in enumerate(classes)}
    y_val = np.array([index[labels[i]] for i in val])
    calibration = fit_calibration("temperature", model.predict_proba(vectors[val]), y_val)
    proba = calibration.apply(model.predict_proba(vectors))
    actions = Actions()
    confidence = proba.max(axis=1)
    return {"label": np.array([classes[i] for i in proba.argmax(axis=1)], dtype=object),
            "band": np.array([actions.band_for(float(c)) for c in confidence], dtype=object),
            "confidence": confidence}


def inputs(check: str, scenario: Scenario, rows: np.ndarray) -> Any:
    """What a check reads for these rows."""
    if check in ("text-stats", "oov"):
        return [scenario.texts[i] for i in rows]
    if check in ("domain-classifier", "mmd"):
        return scenario.vectors[rows]
    if check == "confidence":
        return scenario.outputs["confidence"][rows]
    return list(scenario.outputs["band" if check.startswith("band") else "label"][rows])


def run_window(scenario: Scenario, rows: np.ndarray, detectors: dict[str, Any],
               seed: int) -> dict[str, dict[str, Any]]:
    """p-value, calibrated and Evidently decisions and seconds of every check on one window."""
    out = {}
    for check, detector in detectors.items():
        extra = {"known_words": scenario.vocabulary} if check == "oov" else {}
        reference, current = (inputs(check, scenario, scenario.reference),
                              inputs(check, scenario, rows))
        started = time.perf_counter()
        result = detector.test(reference, current, seed=seed, **extra)
        out[check] = {"p": result.p_value, "fixed": bool(result.fixed_drift),
                      "seconds": time.perf_counter() - started}
    return out


def detectors_for(alpha: float) -> dict[str, Any]:
    permutations = permutations_for(alpha, 199)
    return {check: make_detector(check.replace("band-", "label-"), alpha=alpha,
                                 permutations=permutations)[1] for check in CHECKS}


def measure(scenario: Scenario, trials: int) -> dict[str, Any]:
    """Detection rates on shifted and on unshifted windows, per check and for the report."""
    family_alpha = ALPHA / len(CHECKS)
    detectors = detectors_for(family_alpha)
    started = time.perf_counter()
    rates: dict[str, Any] = {}
    every: list[dict[str, dict[str, Any]]] = []
    for kind in ("unshifted", "shifted"):
        results = []
        for trial in range(trials):
            rng = np.random.default_rng([trial, kind == "shifted"])
            n_shift = int(SHIFT * WINDOW) if kind == "shifted" else 0
            rows = np.concatenate([rng.choice(scenario.clean, WINDOW - n_shift, replace=False),
                                   rng.choice(scenario.shifted, n_shift, replace=False)])
            results.append(run_window(scenario, rows, detectors, trial))
        rates[kind] = summarize(results, family_alpha)
        every.extend(results)
    rates["seconds"] = round(time.perf_counter() - started, 1)
    rates["seconds_per_window"] = {check: round(float(np.mean([r[check]["seconds"]
                                                               for r in every])), 4)
                                   for check in CHECKS}
    rates["rows"] = {"reference": len(scenario.reference), "train": len(scenario.train),
                     "clean": len(scenario.clean), "shifted": len(scenario.shifted)}
    return rates


def summarize(results: list[dict[str, dict[str, Any]]], family_alpha: float) -> dict[str, Any]:
    n = len(results)
    out: dict[str, Any] = {check: {
        "calibrated": sum(r[check]["p"] <= ALPHA for r in results) / n,
        "evidently": sum(r[check]["fixed"] for r in results) / n} for check in CHECKS}
    out["any (monitor)"] = {"calibrated": sum(
        min(r[c]["p"] for c in CHECKS) <= family_alpha for r in results) / n, "evidently": sum(
        any(r[c]["fixed"] for c in CHECKS) for r in results) / n}
    return out


def table(report: dict[str, Any]) -> str:
    names = list(report["scenarios"])
    head = "| check | " + " | ".join(f"{n} power | {n} false alarms" for n in names) + " |"
    lines = [f"Drift detection: windows of {WINDOW} rows, {SHIFT:.0%} shifted, "
             f"{report['trials']} trials each; calibrated (Evidently's fixed rule)", "",
             head, "|---" * (1 + 2 * len(names)) + "|"]
    for check in (*CHECKS, "any (monitor)"):
        cells = []
        for name in names:
            for kind in ("shifted", "unshifted"):
                entry = report["scenarios"][name][kind][check]
                cells.append(f"{entry['calibrated']:.2f} ({entry['evidently']:.2f})")
        lines.append(f"| {check} | " + " | ".join(cells) + " |")
    lines += ["", "Mean seconds per window of one check (label and band checks timed apart):", "",
              "| check | " + " | ".join(names) + " |", "|---" * (1 + len(names)) + "|"]
    lines += [f"| {check} | " + " | ".join(
        f"{report['scenarios'][name]['seconds_per_window'][check]:.3f}" for name in names) + " |"
        for check in CHECKS]
    lines += ["", machine_line(report["machine"]), ""]
    return "\n".join(lines)


def main() -> None:
    parser = arguments(__doc__ or "", SCENARIOS)
    parser.add_argument("--trials", type=int, default=100)
    args = parser.parse_args()
    report: dict[str, Any] = {"trials": args.trials, "window": WINDOW, "shift": SHIFT,
                              "alpha": ALPHA, "machine": machine_info(), "scenarios": {}}
    for name in args.datasets.split(","):
        scenario = build(name, args.cache)
        report["scenarios"][name] = measure(scenario, args.trials)
        print(name, report["scenarios"][name]["seconds"], "s", flush=True)
    write_results(args.out, "drift_detection", report, table(report))


if __name__ == "__main__":
    main()
