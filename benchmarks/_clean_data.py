"""Shared pieces of the ``textloop clean`` benchmarks: data sets, embeddings, views, scores.

Texts are read with the importer's own reader (``read_labeled``), so a text is the same
string, and so has the same cached embedding, as after ``textloop import``. Embeddings come
from the project's embedder through the persistent user embedding cache: each data set is
embedded once, and every noise seed reuses the vectors.
"""

from __future__ import annotations

import os
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from textloop.stages.clean.neighbours import neighbour_label_proba, scan
from textloop.stages.clean.oof import out_of_fold_proba
from textloop.stages.clean.tuned_view import is_tuned, tuned_view
from textloop.stages.simulate.data import read_labeled
from textloop.stages.simulate.features import EMBEDDER, embed_texts
from textloop.strategies.cleaning import LabelIssueInput, get_method

DATA = Path(os.environ.get("TEXTLOOP_TEST_DATA")
            or Path(__file__).resolve().parents[2] / "shared" / "data")
MODELS = ("embed-lr", "tfidf-lr")  # the clean stage's default views; the first is the main one
NEIGHBOURS = 10


@dataclass
class Pool:
    """A data set's training pool (noise goes here) and its clean test split."""

    name: str
    texts: list[str]
    y: np.ndarray
    x: np.ndarray
    test_texts: list[str]
    test_y: np.ndarray
    test_x: np.ndarray
    classes: list[str]
    source: dict[str, Any]
    knn_index: np.ndarray | None = None

    @property
    def labels(self) -> list[str]:
        return [self.classes[i] for i in self.y]


def load_pool(name: str, pool_rows: int | None, test_share: float = 0.2) -> Pool:
    """Pool = the file's non-test rows (subsampled to ``pool_rows``, fixed seed 0); test =
    its test split, or a fixed stratified ``test_share`` of the rows when it has none."""
    path = DATA / f"{name}.jsonl.gz"
    data = read_labeled(path)
    n = len(data.texts)
    rng = np.random.default_rng(0)
    if data.is_test is not None:
        is_test = data.is_test
        test_from = "the file's test split"
    else:
        labels = np.asarray(data.labels)
        is_test = np.zeros(n, dtype=bool)
        for label in sorted(set(data.labels)):
            members = np.flatnonzero(labels == label)
            is_test[rng.choice(members, round(test_share * len(members)), replace=False)] = True
        test_from = f"a fixed stratified {test_share:.0%} of the distinct texts (seed 0)"
    pool = np.flatnonzero(~is_test)
    if pool_rows is not None and len(pool) > pool_rows:
        pool = np.sort(rng.choice(pool, pool_rows, replace=False))
    test = np.flatnonzero(is_test)
    started = time.perf_counter()
    vectors = embed_texts([data.texts[i] for i in np.concatenate([pool, test])])
    embed_s = time.perf_counter() - started
    classes = sorted(set(data.labels))
    index = {c: i for i, c in enumerate(classes)}
    y_all = np.array([index[label] for label in data.labels], dtype=np.int64)
    return Pool(name, [data.texts[i] for i in pool], y_all[pool],
                np.ascontiguousarray(vectors[:len(pool)], dtype=np.float32),
                [data.texts[i] for i in test], y_all[test],
                np.ascontiguousarray(vectors[len(pool):], dtype=np.float32), classes,
                {"path": str(path), "sha256": data.sha256, "distinct_texts": n,
                 "pool": len(pool), "pool_from": "non-test rows" + (
                     f", {pool_rows:,} drawn with seed 0" if pool_rows is not None
                     and len(pool) == pool_rows and (~is_test).sum() > pool_rows else ""),
                 "test": len(test), "test_from": test_from, "classes": len(classes),
                 "embedder": EMBEDDER, "embed_seconds": round(embed_s, 1)})


def knn_index(x: np.ndarray, k: int = NEIGHBOURS) -> np.ndarray:
    """Each record's k nearest records (cosine), computed once per pool: noise-independent."""
    return scan(x, k, threshold=2.0).index


def views(pool: Pool, y: np.ndarray, seed: int, models: tuple[str, ...] = MODELS,
          tuned_folds: int = 3, cost: dict[str, float] | None = None
          ) -> tuple[list[np.ndarray], np.ndarray | None]:
    """Out-of-fold probabilities of every model on labels ``y`` and the neighbour labels,
    exactly as ``textloop clean`` computes them (a fine-tuned model through
    ``tuned_view``: ``tuned_folds`` folds, one epoch). ``cost`` receives each view's CPU
    seconds (all threads) per 10,000 records."""
    labels = [pool.classes[i] for i in y]
    out = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for model in models:
            started = time.process_time()
            if is_tuned(model):
                proba = tuned_view(model, pool.texts, labels, pool.classes, folds=5,
                                   tuned_folds=tuned_folds, seed=seed).proba
            else:
                _, proba = out_of_fold_proba(model, pool.texts, pool.x, labels, pool.classes,
                                             folds=5, seed=seed)
            if cost is not None:
                cost[model] = round((time.process_time() - started) * 10_000 / len(y), 1)
            out.append(proba)
    knn = None if pool.knn_index is None else neighbour_label_proba(pool.knn_index, y,
                                                                    len(pool.classes))
    return out, knn


METHODS = ("views-knn", "views-knn-weighted", "cleanlab")


def detect(y: np.ndarray, probas: list[np.ndarray], knn: np.ndarray | None
           ) -> dict[str, Any]:
    """method name -> LabelIssues for every method of ``METHODS``, on the same folds."""
    given = LabelIssueInput(labels=y, views=probas, neighbour_proba=knn)
    return {method: get_method(method)[1].find(given) for method in METHODS}


def prf(flagged: np.ndarray, truth: np.ndarray) -> dict[str, float]:
    hit = int(np.sum(flagged & truth))
    n_flag, n_true = int(flagged.sum()), int(truth.sum())
    p = hit / n_flag if n_flag else 0.0
    r = hit / n_true if n_true else 0.0
    f1 = 2 * p * r / (p + r) if hit else 0.0
    return {"precision": p, "recall": r, "f1": f1, "flagged": n_flag, "true": n_true}


def median(values: list[float]) -> float:
    return float(np.median(np.asarray(values, dtype=np.float64)))
