"""CPU cost of one query of the default strategy, per 10,000 pool records: version 2 vs 3.

Issue 18 asks for the CPU cost of each stronger option per 10,000 records. One query is what
``textloop suggest`` (and each round of ``simulate-al``) runs after the model is fitted:
margin over the pool plus the noise check. Version 2 fits ``folds`` (5) out-of-fold models of
the labeled set on every query; version 3 fits them only when a class has 20 labeled records,
and not again while a quiet check stands (the labeled set grew by under 50%): the first query
of a fresh instance (``suggest``: one per call) and a repeated one (a labeling session, or a
simulation, that keeps the instance) are timed apart. Single-threaded BLAS (set
``OMP_NUM_THREADS=1``), process CPU time (not wall time, so other work on a shared machine
does not count), median of ``--repeats``.

Run from the repository root::

    OMP_NUM_THREADS=1 python benchmarks/al_query_cost.py
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from al_savings import load_vectors

from textloop.stages.simulate.learner import make_classifier
from textloop.strategies.query import QueryContext, get_strategy

POOL = 10_000
CASES = (("ag_news", 500), ("ag_news", 2000), ("davidson_hate_offensive", 500),
         ("davidson_hate_offensive", 2000), ("banking77", 2000))
STRATEGIES = ("textloop.query.default.v2", "textloop.query.default.v3")


def cpu_seconds(strategy: object, ctx: QueryContext, batch: int) -> float:
    started = time.process_time()
    strategy.select(ctx, batch)  # type: ignore[attr-defined]
    return time.process_time() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--batch", type=int, default=25)
    parser.add_argument("--cache", type=Path, default=Path.home() / ".cache" / "textloop-bench")
    args = parser.parse_args()
    print("| set | labeled | strategy | first query (s / 10k pool) | repeated query | "
          "noisy |")
    print("|---|---|---|---|---|---|")
    for name, n_labeled in CASES:
        X, labels, _, _ = load_vectors(name, args.cache, 20_000)
        y = np.asarray(labels, dtype=object)
        rng = np.random.default_rng(0)
        order = rng.permutation(X.shape[0])
        labeled, pool = order[:n_labeled], order[n_labeled:n_labeled + POOL]
        model = make_classifier().fit(X[labeled], y[labeled])
        proba = model.predict_proba(X[pool])
        scale = POOL / pool.shape[0]
        for full in STRATEGIES:
            first, repeated, noisy = [], [], None
            for _ in range(args.repeats):
                _, strategy = get_strategy(full)
                ctx = QueryContext(pool_X=X[pool], labeled_X=X[labeled], labeled_y=y[labeled],
                                   proba=proba, classes=[str(c) for c in model.classes_],
                                   make_classifier=make_classifier,
                                   rng=np.random.default_rng(1))
                first.append(cpu_seconds(strategy, ctx, args.batch) * scale)
                repeated.append(cpu_seconds(strategy, ctx, args.batch) * scale)
                noisy = strategy.last_choice.get("noisy")  # type: ignore[attr-defined]
            print(f"| {name} | {n_labeled:,} | {full.rsplit('.', 1)[-1]} | "
                  f"{np.median(first):.2f} | {np.median(repeated):.2f} | {noisy} |", flush=True)


if __name__ == "__main__":
    main()
