"""Query time: picking a batch of 50 from 100,000 unlabeled records, per strategy.

Claim: the default strategy and margin pick a batch of 50 from a pool of 100,000 in at most
2 s on 2 cores; the diversity-aware strategies (cold start, cluster-margin) and
query-by-committee are reported beside them.

The pool is real: MiniLM int8 embeddings (384-d, L2-normalized) of the texts of four
development sets (sms_spam, ag_news, banking77, davidson_hate_offensive; about 60,000
texts), topped up to 100,000 with copies of them plus a little Gaussian noise
(re-normalized), so the pool has the clumps and near-duplicates of real data. The model is
logistic regression (embed-lr's settings) trained on 1,000 banking77 labels, 77 classes,
and its probabilities on the pool are computed once, outside the timing: a strategy gets
them from the refresh that trained the model. Strategies that need no model (random, cold
start, the default before its first model) are timed on the same pool.

Each strategy runs ``--repeats`` times (default 7) with a fresh generator each time; the
table gives the median and the fastest run. The same-run baseline is a plain
``np.argsort`` of random scores over the pool, the floor any ranking pays.

Run from the repository root::

    python benchmarks/query_time.py

Embeddings come from the persistent user cache (the first run embeds the four sets once).
Results: benchmarks/results/query_time.json and a Markdown table on stdout.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from textloop.stages.simulate.data import read_labeled
from textloop.stages.simulate.features import embed_texts
from textloop.stages.simulate.learner import make_classifier, quiet_fits
from textloop.strategies.query import QueryContext, get_strategy

sys.path.insert(0, str(Path(__file__).parent))
from _machine import machine_info

DATA = Path(os.environ.get("TEXTLOOP_TEST_DATA")
            or Path(__file__).resolve().parents[2] / "shared" / "data")
SOURCES = ("sms_spam", "ag_news", "banking77", "davidson_hate_offensive")
MODEL_DATA = "banking77"
STRATEGIES = ("random", "margin", "least-confidence", "entropy", "default", "cold-start",
              "cluster-margin", "qbc")
TARGET_SECONDS = 2.0
TARGETED = ("default", "margin")


def load_pool(size: int, labeled: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray,
                                                            dict[str, int]]:
    """(pool [size, 384], labeled_X, labeled_y, rows per source): see the module docstring."""
    rng = np.random.default_rng(seed)
    parts, counts = [], {}
    labeled_X = labeled_y = None
    for name in SOURCES:
        data = read_labeled(DATA / f"{name}.jsonl.gz")
        X = embed_texts(data.texts).astype(np.float32)
        counts[name] = int(X.shape[0])
        if name == MODEL_DATA:
            rows = rng.choice(X.shape[0], size=labeled, replace=False)
            labeled_X, labeled_y = X[rows], np.asarray(data.labels)[rows]
        parts.append(X)
    real = np.concatenate(parts)
    extra = size - real.shape[0]
    if extra > 0:
        copies = real[rng.integers(0, real.shape[0], size=extra)]
        copies = copies + rng.normal(0.0, 0.02, size=copies.shape).astype(np.float32)
        copies /= np.linalg.norm(copies, axis=1, keepdims=True)
        real = np.concatenate([real, copies])
    pool = real[rng.permutation(real.shape[0])[:size]]
    assert labeled_X is not None and labeled_y is not None
    return pool, labeled_X, labeled_y, counts


def timed(fn: Callable[[int], Any], repeats: int) -> dict[str, Any]:
    seconds = []
    for run in range(repeats):
        started = time.perf_counter()
        fn(run)
        seconds.append(time.perf_counter() - started)
    return {"median_s": round(statistics.median(seconds), 4), "min_s": round(min(seconds), 4),
            "runs_s": [round(s, 4) for s in seconds]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pool", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=50)
    parser.add_argument("--labeled", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--strategies", default=",".join(STRATEGIES))
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/query_time.json"))
    args = parser.parse_args()

    pool, labeled_X, labeled_y, counts = load_pool(args.pool, args.labeled, seed=0)
    with quiet_fits():
        model = make_classifier().fit(labeled_X, labeled_y)
    proba = model.predict_proba(pool)
    classes = [str(c) for c in model.classes_]
    print(f"pool {pool.shape[0]:,} × {pool.shape[1]}, model: {len(classes)} classes on "
          f"{args.labeled:,} labels", flush=True)

    def context(run: int, with_model: bool) -> QueryContext:
        return QueryContext(pool_X=pool, labeled_X=labeled_X, labeled_y=labeled_y,
                            proba=proba if with_model else None, classes=classes,
                            make_classifier=make_classifier,
                            rng=np.random.default_rng([run, 7]))

    scores_rng = np.random.default_rng(1)
    results: dict[str, Any] = {
        "baseline: np.argsort of random scores": timed(
            lambda run: np.argsort(scores_rng.random(pool.shape[0]))[: args.batch],
            args.repeats)}
    for name in [s for s in args.strategies.split(",") if s]:
        full, strategy = get_strategy(name)
        with_model = strategy.needs_model or name == "default"
        picks: list[np.ndarray] = []

        def pick(run: int, strategy: Any = strategy, with_model: bool = with_model,
                 picks: list[np.ndarray] = picks) -> None:
            with quiet_fits():
                picks.append(np.asarray(strategy.select(context(run, with_model), args.batch)))

        row = timed(pick, args.repeats)
        assert all(p.shape[0] == args.batch and np.unique(p).shape[0] == args.batch
                   for p in picks), name
        results[name] = {"strategy": full, "with_model": with_model, **row}
        if name == "default":  # its first batch, before any model: cold start
            results["default (cold start, no model yet)"] = {
                "strategy": full, "with_model": False,
                **timed(lambda run, s=strategy: s.select(context(run, False), args.batch),
                        args.repeats)}
        print(f"{name}: median {row['median_s']:.3f}s", flush=True)

    baseline = results["baseline: np.argsort of random scores"]["median_s"]
    lines = ["| strategy | median (s) | fastest (s) | × baseline |", "|---|---|---|---|"]
    for name, row in results.items():
        lines.append(f"| {name} | {row['median_s']:.3f} | {row['min_s']:.3f} | "
                     f"{row['median_s'] / baseline:.0f} |")
    table = "\n".join(lines)
    met = all(results[n]["median_s"] <= TARGET_SECONDS for n in TARGETED if n in results)
    summary = {"claim": f"default and margin pick {args.batch} of {args.pool:,} in <= "
                        f"{TARGET_SECONDS:g} s", "met": met, "machine": machine_info(),
               "pool": {"size": int(pool.shape[0]), "dim": int(pool.shape[1]),
                        "sources": counts, "classes": len(classes), "labeled": args.labeled},
               "batch": args.batch, "repeats": args.repeats, "results": results,
               "table": table}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(summary, indent=1) + "\n", encoding="utf-8")
    print(table)
    print(f"target met: {met}; written to {args.out}")


if __name__ == "__main__":
    main()
