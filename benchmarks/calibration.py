"""Calibration on five development sets: expected calibration error before and after.

Claim: after calibration fitted on a release's validation split, the expected calibration
error (top label, 15 equal-width bins) on its test split is at most 0.03 on each of
sms_spam, ag_news, banking77, davidson_hate_offensive and sst2.

Per dataset and seed, the rows are split exactly as ``textloop release`` splits them
(``plan_split``: stratified, near-duplicates grouped, 80/10/10, the seed varies the split).
Each model (embed-lr, tfidf-lr, default hyper-parameters) is fitted on the train split with
the same code ``textloop train`` runs; temperature scaling (the default) and isotonic are
fitted on the validation split with ``fit_calibration``, and ECE is measured on the test
split with ``expected_calibration_error``. The uncalibrated ECE comes from the same run.
Reported: the median over seeds, with min and max.

Embeddings: MiniLM int8 through the persistent user cache, plus a per-file copy of the
vectors in ``~/.cache/textloop-bench`` (shared with ``al_savings.py``). Files above
``--max-rows`` distinct texts (sst2, davidson_hate_offensive) are subsampled once
with seed 0.

Run from the repository root (datasets two at a time)::

    python benchmarks/calibration.py --seeds 5

Results: benchmarks/results/calibration.json and calibration.md.
"""

from __future__ import annotations

import sys
import time
import warnings
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

from textloop.measures.calibration import expected_calibration_error, fit_calibration
from textloop.models.classifiers import make_model

sys.path.insert(0, str(Path(__file__).parent))
from _dev_sets import FRACTIONS, arguments, load, machine_line, split, spread, write_results
from _machine import machine_info

MODELS = ("embed-lr", "tfidf-lr")
METHODS = ("temperature", "isotonic")
TARGET = 0.03


def one_seed(texts: list[str], labels: list[str], vectors: np.ndarray, model: str,
             seed: int) -> dict[str, float]:
    """ECE on test: uncalibrated and after each calibrator fitted on validation."""
    train, val, test = split(texts, labels, seed)
    _, estimator = make_model(model)
    inputs = vectors if model == "embed-lr" else np.asarray(texts, dtype=object)

    def features(rows: np.ndarray) -> Any:
        return inputs[rows] if model == "embed-lr" else list(inputs[rows])

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        estimator.fit(features(train), [labels[i] for i in train])
    classes = {str(c): i for i, c in enumerate(estimator.classes_)}
    known_val = np.array([i for i in val if labels[i] in classes])
    known_test = np.array([i for i in test if labels[i] in classes])
    y_val = np.array([classes[labels[i]] for i in known_val])
    y_test = np.array([classes[labels[i]] for i in known_test])
    p_val = estimator.predict_proba(features(known_val))
    p_test = estimator.predict_proba(features(known_test))
    out = {"uncalibrated": expected_calibration_error(p_test, y_test),
           "accuracy": float(np.mean(p_test.argmax(axis=1) == y_test)),
           "rows": {"train": len(train), "validation": len(val), "test": len(test)}}
    for method in METHODS:
        fitted = fit_calibration(method, p_val, y_val)
        out[method] = expected_calibration_error(fitted.apply(p_test), y_test)
        if method == "temperature":
            out["temperature_fitted"] = float(fitted.calibrator.temperature_)  # type: ignore[attr-defined]
    return out


def run_dataset(name: str, seeds: int, cache: Path, max_rows: int) -> dict[str, Any]:
    started = time.perf_counter()
    texts, labels, vectors, source = load(name, cache, max_rows)
    result: dict[str, Any] = {"source": source, "models": {}}
    for model in MODELS:
        runs = [one_seed(texts, labels, vectors, model, seed) for seed in range(seeds)]
        summary = {key: spread([r[key] for r in runs])
                   for key in ("uncalibrated", *METHODS, "accuracy", "temperature_fitted")}
        summary["rows"] = runs[0]["rows"]
        summary["per_seed"] = runs
        summary["target_met"] = summary["temperature"]["median"] <= TARGET
        result["models"][model] = summary
        print(f"{name} {model}: ECE {summary['uncalibrated']['median']:.4f} -> "
              f"{summary['temperature']['median']:.4f} (temperature), "
              f"{summary['isotonic']['median']:.4f} (isotonic)", flush=True)
    result["seconds"] = round(time.perf_counter() - started, 1)
    return result


def markdown(report: dict[str, Any]) -> str:
    m = report["machine"]
    lines = [f"# Calibration: ECE on the test split (median of {report['seeds']} seeds)", "",
             machine_line(m), "",
             "| dataset | model | accuracy | ECE uncalibrated | temperature | isotonic "
             "| T | target <= 0.03 |", "|---|---|---|---|---|---|---|---|"]
    for name, result in report["datasets"].items():
        for model, s in result["models"].items():
            lines.append(
                f"| {name} | {model} | {s['accuracy']['median']:.3f} "
                f"| {s['uncalibrated']['median']:.4f} | {s['temperature']['median']:.4f} "
                f"({s['temperature']['min']:.4f}-{s['temperature']['max']:.4f}) "
                f"| {s['isotonic']['median']:.4f} | {s['temperature_fitted']['median']:.2f} "
                f"| {'met' if s['target_met'] else 'not met'} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = arguments(__doc__)
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    names = args.datasets.split(",")
    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        futures = {n: pool.submit(run_dataset, n, args.seeds, args.cache, args.max_rows)
                   for n in names}
        results = {n: f.result() for n, f in futures.items()}
    report = {"claim": f"ECE after calibration <= {TARGET} on each dev set",
              "machine": machine_info(), "seeds": args.seeds, "fractions": FRACTIONS,
              "bins": 15, "max_rows": args.max_rows, "datasets": results,
              "seconds": round(time.perf_counter() - started, 1)}
    write_results(args.out, "calibration", report, markdown(report))


if __name__ == "__main__":
    main()
