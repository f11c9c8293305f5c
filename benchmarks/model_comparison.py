"""Model comparison on five development sets: macro-F1 of tfidf-lr, embed-lr and embed-mlp.

Claim: the table in BENCHMARKS.md of test macro-F1 per data set and model (sms_spam, ag_news,
banking77, davidson_hate_offensive, sst2), median over 5 seeds with min and max.

Per data set and seed, the rows are split exactly as ``textloop release`` splits them (see
``_dev_sets.py``: the seed varies the split). Each model runs with its default
hyper-parameters through the code ``textloop train`` runs: ``make_model``, the training
section's defaults and ``fit_monitored`` (early stopping on validation) for embed-mlp, a plain
``fit`` for the others. Macro-F1 and accuracy are computed on the test split with
``compute_metrics``, as ``textloop evaluate`` does (temperature calibration does not move the
top label, so it is left out). Embeddings: MiniLM int8 from the shared benchmark cache.

Run from the repository root, one process (2 shared cores)::

    python benchmarks/model_comparison.py --seeds 5

Results: benchmarks/results/model_comparison.json and model_comparison.md.
"""

from __future__ import annotations

import sys
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from textloop.config import Label, Project, ProjectSpec
from textloop.measures.metrics import compute_metrics
from textloop.measures.probabilities import align_proba
from textloop.models.classifiers import make_model
from textloop.stages.train.monitoring import fit_monitored
from textloop.stages.train.training import apply_training_defaults

sys.path.insert(0, str(Path(__file__).parent))
from _dev_sets import FRACTIONS, arguments, load, machine_line, split, spread, write_results
from _machine import machine_info

MODELS = ("tfidf-lr", "embed-lr", "embed-mlp")


def bench_project(classes: list[str]) -> Project:
    """A project spec with the defaults a new project gets (training section, goal)."""
    return Project(Path("."), ProjectSpec(name="benchmark",
                                          labels=[Label(name=c) for c in classes]))


def one_seed(texts: list[str], labels: list[str], vectors: np.ndarray, model: str,
             seed: int, project: Project) -> dict[str, Any]:
    """Fit on train (validation for early stopping), score on test."""
    rows = split(texts, labels, seed)
    _, estimator = make_model(model)
    embedded = getattr(estimator, "needs_embeddings", False)

    def inputs(part: np.ndarray) -> Any:
        return vectors[part] if embedded else [texts[i] for i in part]

    def truth(part: np.ndarray) -> list[str]:
        return [labels[i] for i in part]

    train, val, test = rows
    started = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if getattr(estimator, "iterative", False):
            apply_training_defaults(estimator, {}, project)
            fit_monitored(estimator, inputs(train), truth(train), (inputs(val), truth(val)),
                          project.spec.training, project.spec.goal)
        else:
            estimator.fit(inputs(train), truth(train))
    fit_s = time.perf_counter() - started
    classes = [label.name for label in project.spec.labels]
    proba = align_proba(estimator.predict_proba(inputs(test)), list(estimator.classes_),
                        classes)
    metrics = compute_metrics(truth(test), proba, classes)
    return {"macro_f1": float(metrics["macro_f1"]), "accuracy": float(metrics["accuracy"]),
            "fit_s": round(fit_s, 2),
            "rows": {"train": len(train), "validation": len(val), "test": len(test)}}


def run_dataset(name: str, seeds: int, cache: Path, max_rows: int) -> dict[str, Any]:
    started = time.perf_counter()
    texts, labels, vectors, source = load(name, cache, max_rows)
    project = bench_project(sorted(set(labels)))
    result: dict[str, Any] = {"source": source, "models": {}}
    for model in MODELS:
        runs = [one_seed(texts, labels, vectors, model, seed, project) for seed in range(seeds)]
        summary = {key: spread([r[key] for r in runs]) for key in ("macro_f1", "accuracy",
                                                                    "fit_s")}
        result["models"][model] = {**summary, "rows": runs[0]["rows"], "per_seed": runs}
        print(f"{name} {model}: macro-F1 {summary['macro_f1']['median']:.4f} "
              f"({summary['macro_f1']['min']:.4f}-{summary['macro_f1']['max']:.4f}), "
              f"fit {summary['fit_s']['median']:.1f}s", flush=True)
    result["seconds"] = round(time.perf_counter() - started, 1)
    return result


def markdown(report: dict[str, Any]) -> str:
    lines = [f"# Model comparison: test macro-F1 (median of {report['seeds']} seeds, min-max)",
             "", machine_line(report["machine"]), "",
             "| dataset | rows | classes | " + " | ".join(MODELS) + " |",
             "|---|---|---|" + "---|" * len(MODELS)]
    for name, result in report["datasets"].items():
        cells = []
        best = max(s["macro_f1"]["median"] for s in result["models"].values())
        for model in MODELS:
            f1 = result["models"][model]["macro_f1"]
            text = f"{f1['median']:.3f} ({f1['min']:.3f}-{f1['max']:.3f})"
            cells.append(f"**{text}**" if f1["median"] == best else text)
        source = result["source"]
        lines.append(f"| {name} | {source['rows_used']:,} | {source['classes']} | "
                     + " | ".join(cells) + " |")
    lines += ["", "Fit time per seed (median seconds): " + "; ".join(
        f"{name} " + ", ".join(f"{m} {r['models'][m]['fit_s']['median']:.1f}" for m in MODELS)
        for name, r in report["datasets"].items())]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = arguments(__doc__)
    parser.add_argument("--seeds", type=int, default=5)
    args = parser.parse_args()
    started = time.perf_counter()
    results = {name: run_dataset(name, args.seeds, args.cache, args.max_rows)
               for name in args.datasets.split(",")}
    report = {"claim": "test macro-F1 per data set and model, default hyper-parameters",
              "machine": machine_info(), "seeds": args.seeds, "fractions": FRACTIONS,
              "max_rows": args.max_rows, "models": MODELS, "datasets": results,
              "seconds": round(time.perf_counter() - started, 1)}
    write_results(args.out, "model_comparison", report, markdown(report))


if __name__ == "__main__":
    main()
