"""Few-shot: macro-F1 with 8 labeled examples per class, frozen embeddings vs fine-tuning.

Claim: with 8 labeled examples per class, the best CPU method beats frozen MiniLM
embeddings + logistic regression (embed-lr) by at least 5 macro-F1 points on average over
sms_spam, ag_news, banking77, davidson_hate_offensive and sst2 (anchor: SetFit reports 65.7
vs 57.6 for a frozen-embedding probe at 8 per class).

Per data set, the rows are split once as ``textloop release`` splits them (seed 0, see
``_dev_sets.py``); the test sample is up to ``--test-rows`` rows of that split's test part
(fixed, seed 0). For each seed, 8 examples per class are drawn from the train part with that
seed, and every method is fitted on the same examples with its default hyper-parameters and
no validation split (fixed epochs, as a few-shot user would have): embed-lr and embed-mlp on
the cached MiniLM int8 vectors; setfit (contrastive tuning + logistic regression) and lora
(adapters + head) on the texts, predicting the test texts with the tuned encoder on ONNX
Runtime. Reported: macro-F1 per method, median over seeds per data set, the average of the
medians over data sets, and the best method's lead over embed-lr.

Run from the repository root, one process (2 shared cores)::

    python benchmarks/few_shot.py --seeds 5

Results: benchmarks/results/few_shot.json and few_shot.md (rewritten after every data set;
``--tag T`` writes few_shot-T.json instead, for a run with other methods or data sets).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from sklearn.metrics import f1_score

from textloop.models.classifiers import make_model

sys.path.insert(0, str(Path(__file__).parent))
from _dev_sets import BENCH_CACHE, DATASETS, load, machine_line, split, spread
from _machine import machine_info

METHODS = ("embed-lr", "embed-mlp", "setfit", "lora")
ON_VECTORS = {"embed-lr", "embed-mlp"}
PER_CLASS = 8
BASELINE = "embed-lr"
TARGET = 0.05


def draw(train: np.ndarray, labels: np.ndarray, seed: int) -> np.ndarray:
    """8 rows per class (fewer where a class has fewer) from ``train``, by ``seed``."""
    rng = np.random.default_rng(seed)
    picked = [rng.choice(rows, min(PER_CLASS, len(rows)), replace=False)
              for rows in (train[labels[train] == c] for c in np.unique(labels[train]))]
    return np.sort(np.concatenate(picked))


def score(method: str, params: dict[str, Any], few: np.ndarray, test: np.ndarray,
          texts: np.ndarray, labels: np.ndarray, vectors: np.ndarray) -> dict[str, float]:
    _, model = make_model(method, params)
    inputs = vectors if method in ON_VECTORS else texts
    features = (lambda rows: inputs[rows]) if method in ON_VECTORS else (
        lambda rows: list(inputs[rows]))
    started = time.perf_counter()
    model.fit(features(few), list(labels[few]))
    fitted = time.perf_counter()
    predicted = model.predict(features(test))
    return {"macro_f1": float(f1_score(labels[test], predicted, average="macro")),
            "fit_s": round(fitted - started, 1),
            "predict_s": round(time.perf_counter() - fitted, 1)}


def run_dataset(name: str, seeds: int, methods: list[str], test_rows: int, cache: Path,
                overrides: dict[str, dict[str, Any]]) -> dict[str, Any]:
    texts, labels, vectors, source = load(name, cache)
    text_array, label_array = np.asarray(texts, dtype=object), np.asarray(labels, dtype=object)
    train, _, test = split(texts, labels, seed=0)
    if len(test) > test_rows:
        test = np.sort(np.random.default_rng(0).choice(test, test_rows, replace=False))
    runs: dict[str, list[dict[str, float]]] = {m: [] for m in methods}
    for seed in range(seeds):
        few = draw(train, label_array, seed)
        for method in methods:
            params = ({"seed": seed} if method != "embed-lr" else {}) | overrides.get(method, {})
            runs[method].append(score(method, params, few, test, text_array, label_array,
                                      vectors))
            print(f"{name} seed {seed} {method}: {runs[method][-1]}", flush=True)
    return {"source": source, "train_examples": len(few), "test_rows": len(test),
            "methods": {m: {"macro_f1": spread([r["macro_f1"] for r in rows]),
                            "per_seed": rows} for m, rows in runs.items()}}


def summary(results: dict[str, Any], methods: list[str]) -> dict[str, Any]:
    """Average over data sets of each method's median, and the best lead over embed-lr."""
    average = {m: float(np.mean([d["methods"][m]["macro_f1"]["median"]
                                 for d in results.values()])) for m in methods}
    out: dict[str, Any] = {"average_median_macro_f1": average}
    if BASELINE in average:
        best = max((m for m in methods if m != BASELINE), key=average.__getitem__, default=None)
        if best is not None:
            lead = average[best] - average[BASELINE]
            out |= {"best": best, "lead_over_baseline": lead, "target": TARGET,
                    "met": bool(lead >= TARGET)}
    return out


def markdown(report: dict[str, Any]) -> str:
    methods = report["methods"]
    lines = ["| data set | classes | " + " | ".join(methods) + " |",
             "|---|---|" + "---|" * len(methods)]
    for name, data in report["datasets"].items():
        cells = [f"{data['methods'][m]['macro_f1']['median']:.3f}" for m in methods]
        lines.append(f"| {name} | {data['source']['classes']} | " + " | ".join(cells) + " |")
    average = report["summary"]["average_median_macro_f1"]
    lines.append("| **average** | | " + " | ".join(f"**{average[m]:.3f}**" for m in methods)
                 + " |")
    found = report["summary"]
    if "best" in found:
        lines += ["", f"Best: {found['best']}, {100 * found['lead_over_baseline']:+.1f} macro-F1 "
                  f"points over {BASELINE} (target +{100 * TARGET:.0f}): "
                  f"{'met' if found['met'] else 'not met'}."]
    lines += ["", f"{PER_CLASS} examples per class, median over {report['seeds']} seeds; "
              + machine_line(report["machine"])]
    return "\n".join(lines) + "\n"


def parse_overrides(items: list[str]) -> dict[str, dict[str, Any]]:
    """``["setfit.max_pairs=2560"]`` → ``{"setfit": {"max_pairs": 2560}}`` (YAML values)."""
    out: dict[str, dict[str, Any]] = {}
    for item in items:
        key, _, value = item.partition("=")
        method, _, name = key.partition(".")
        out.setdefault(method, {})[name] = yaml.safe_load(value)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--datasets", default=",".join(DATASETS))
    parser.add_argument("--methods", default=",".join(METHODS))
    parser.add_argument("--test-rows", type=int, default=2000)
    parser.add_argument("--cache", type=Path, default=BENCH_CACHE)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results"))
    parser.add_argument("--tag", default="", help="results go to few_shot-TAG.json/.md")
    parser.add_argument("--param", action="append", default=[], metavar="METHOD.KEY=VALUE",
                        help="a hyper-parameter other than the default, e.g. setfit.max_pairs=2560")
    args = parser.parse_args()
    overrides = parse_overrides(args.param)
    stem = f"few_shot-{args.tag}" if args.tag else "few_shot"
    warnings.filterwarnings("ignore", category=FutureWarning)
    methods = args.methods.split(",")
    started = time.perf_counter()
    results: dict[str, Any] = {}
    for name in args.datasets.split(","):
        results[name] = run_dataset(name, args.seeds, methods, args.test_rows, args.cache,
                                    overrides)
        report = {"claim": "few-shot macro-F1, best method vs frozen embeddings + LR",
                  "machine": machine_info(), "seeds": args.seeds, "per_class": PER_CLASS,
                  "test_rows": args.test_rows, "methods": methods, "params": overrides,
                  "datasets": results,
                  "summary": summary(results, methods),
                  "seconds": round(time.perf_counter() - started, 1)}
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / f"{stem}.json").write_text(json.dumps(report, indent=2) + "\n")
        (args.out / f"{stem}.md").write_text(markdown(report))
    print(markdown(report))


if __name__ == "__main__":
    main()
