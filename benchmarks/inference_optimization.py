"""Inference optimisation: fp32 vs int8 (vs int8 truncated) embedder, accuracy and latency.

Claim: the table ``textloop evaluate RUN --compare-embedders`` writes, measured on two
development sets: an embed-lr head trained on int8 vectors keeps its macro-F1 within about
0.01 when fed fp32 vectors (so int8 costs next to nothing), while int8 runs faster and its
graph is smaller; truncating texts at 128 or 64 tokens buys speed only on longer texts.

Per data set: the rows are split as ``textloop release`` splits them (seed 0, see
``_dev_sets.py``), embed-lr (default hyper-parameters) is fitted on the int8 vectors of the
train split, and ``compare_embedders`` (the code behind ``--compare-embedders``) scores the
test split with each variant and times it on a fixed sample of 200 test texts. The timing
is repeated ``--repeats`` times; latency and throughput are the median over repeats (min-max
in the JSON). Vectors of each variant are cached in the user embedding cache.

Run from the repository root, one process (2 shared cores)::

    python benchmarks/inference_optimization.py --repeats 5

Results: benchmarks/results/inference_optimization.json and inference_optimization.md.
"""

from __future__ import annotations

import sys
import time
import warnings
from pathlib import Path
from typing import Any

from textloop.models.classifiers import make_model
from textloop.stages.runs.loading import LoadedRun
from textloop.stages.select.embedders import LATENCY_TEXTS, compare_embedders
from textloop.storage import Store
from textloop.wheels import cache_dir

sys.path.insert(0, str(Path(__file__).parent))
from _dev_sets import arguments, load, machine_line, split, spread, write_results
from _machine import machine_info

DATASETS = ("ag_news", "banking77")
TIMED = ("p50_ms", "p95_ms", "texts_per_s")


def head_on_int8(name: str, cache: Path, max_rows: int) -> tuple[LoadedRun, list[str],
                                                                   list[str], list[str]]:
    """An embed-lr head fitted on the train split's int8 vectors; the test texts and labels."""
    texts, labels, vectors, _ = load(name, cache, max_rows)
    train, _, test = split(texts, labels, seed=0)
    _, model = make_model("embed-lr")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(vectors[train], [labels[i] for i in train])
    loaded = LoadedRun(run={"name": f"{name}-embed-lr", "model": "embed-lr"}, model=model,
                       meta={})
    return loaded, [texts[i] for i in test], [labels[i] for i in test], sorted(set(labels))


def run_dataset(name: str, repeats: int, cache: Path, max_rows: int,
                latency_texts: int) -> dict[str, Any]:
    loaded, texts, y_true, labels = head_on_int8(name, cache, max_rows)
    folder = cache_dir("embeddings")
    sections = []
    with Store(f"sqlite:///{folder / 'cache.db'}", folder) as store:
        for _ in range(repeats):
            sections.append(compare_embedders(store, loaded, texts, y_true, labels,
                                              latency_texts=latency_texts))
    rows = []
    for i, row in enumerate(sections[0]["variants"]):
        timings = {key: spread([s["variants"][i][key] for s in sections]) for key in TIMED}
        rows.append({**row, **{key: timings[key]["median"] for key in TIMED},
                     "timing_spread": timings})
        print(f"{name} {row['name']}: macro-F1 {row['macro_f1']:.4f}, agreement "
              f"{row['agreement']:.3f}, p50 {timings['p50_ms']['median']:.1f} ms, "
              f"{timings['texts_per_s']['median']:.0f} texts/s", flush=True)
    return {**sections[0], "variants": rows, "repeats": repeats}


def markdown(report: dict[str, Any]) -> str:
    lines = ["# Inference optimisation: embed-lr head (trained on int8) per embedder variant",
             "", machine_line(report["machine"]), "",
             f"Latency: median of {report['repeats']} repeats over {report['latency_texts']} "
             "test texts, one at a time (tokenizer + embedding + head); throughput at batch 64.",
             "", "| dataset | embedder | MB | accuracy | macro-F1 | agreement with fp32 "
             "| p50 ms | p95 ms | texts/s |", "|---|---|---|---|---|---|---|---|---|"]
    for name, section in report["datasets"].items():
        for row in section["variants"]:
            lines.append(
                f"| {name} (n={section['n']:,}) | {row['name']} | "
                f"{row['size_bytes'] / 1e6:.1f} | {row['accuracy']:.4f} | "
                f"{row['macro_f1']:.4f} | {row['agreement']:.3f} | {row['p50_ms']:.1f} | "
                f"{row['p95_ms']:.1f} | {row['texts_per_s']:.0f} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = arguments(__doc__, DATASETS)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--latency-texts", type=int, default=LATENCY_TEXTS)
    args = parser.parse_args()
    started = time.perf_counter()
    results = {name: run_dataset(name, args.repeats, args.cache, args.max_rows,
                                 args.latency_texts) for name in args.datasets.split(",")}
    report = {"claim": "int8 keeps the head's macro-F1 near fp32 and runs faster",
              "machine": machine_info(), "repeats": args.repeats,
              "latency_texts": args.latency_texts, "datasets": results,
              "seconds": round(time.perf_counter() - started, 1)}
    write_results(args.out, "inference_optimization", report, markdown(report))


if __name__ == "__main__":
    main()
