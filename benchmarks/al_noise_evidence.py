"""How contradicted is each class's labeled set? The evidence behind the default's noise switch.

``textloop.query.default.v3`` down-weights uncertain items near unreliable labels when the
most contradicted class (one with at least 20 labeled records) reaches a share of records
that an out-of-fold model contradicts with confidence. This script measures that share on
random labeled samples of each development set's *training pool* (the file's train split;
sms_spam and davidson have none, so every row: no test split of the simulation is in
question there, since each seed draws its own), at the labeled-set sizes active learning
passes through, so the threshold is chosen between clean sets and crowd-voted ones without
looking at a test split. The embeddings are al_savings.py's cached MiniLM int8 vectors.

Run from the repository root::

    python benchmarks/al_noise_evidence.py --seeds 5

Results: benchmarks/results/al_noise_evidence.json and a table on stdout.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from al_savings import load_vectors

from textloop.stages.simulate.learner import make_classifier
from textloop.strategies.query import QueryContext
from textloop.strategies.query.class_noise_default import ClassNoiseDefault, class_shares

DATASETS = ("sms_spam", "ag_news", "banking77", "davidson_hate_offensive")
SIZES = (200, 500, 1000, 2000)


def max_class_share(X: np.ndarray, labels: np.ndarray, size: int, seed: int
                    ) -> tuple[str | None, float | None]:
    """(noisiest class, its share) on a random labeled sample of ``size`` training rows."""
    rows = np.sort(np.random.default_rng([seed, size]).choice(X.shape[0], size, replace=False))
    ctx = QueryContext(pool_X=X[:0], labeled_X=X[rows], labeled_y=labels[rows],
                       make_classifier=make_classifier)
    strategy = ClassNoiseDefault()
    contradicted = strategy.contradicted(ctx, np.arange(size))
    if contradicted is None:
        return None, None
    shares = class_shares(labels[rows].astype(str), contradicted, strategy.min_class)
    if not shares:
        return None, None
    worst = max(shares, key=lambda c: shares[c])
    return worst, shares[worst]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--datasets", default=",".join(DATASETS))
    parser.add_argument("--cache", type=Path, default=Path.home() / ".cache" / "textloop-bench")
    parser.add_argument("--max-pool", type=int, default=20_000)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results"))
    args = parser.parse_args()
    results: dict[str, dict[str, list]] = {}
    for name in [n for n in args.datasets.split(",") if n]:
        X, labels, is_test, _ = load_vectors(name, args.cache, args.max_pool)
        train = np.ones(X.shape[0], dtype=bool) if is_test is None else ~is_test
        X, y = X[train], np.asarray(labels, dtype=object)[train]
        results[name] = {}
        for size in SIZES:
            found = [max_class_share(X, y, size, seed) for seed in range(args.seeds)]
            results[name][str(size)] = found
            shares = [s for _, s in found if s is not None]
            classes = sorted({c for c, _ in found if c is not None})
            text = "no class with 20 labels" if not shares else (
                f"median {np.median(shares):.3f} (range {min(shares):.3f}-{max(shares):.3f}); "
                f"classes {', '.join(classes)}")
            print(f"{name} @ {size}: {text}", flush=True)
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / "al_noise_evidence.json"
    path.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    print(f"written to {path}")


if __name__ == "__main__":
    main()
