"""``simulate_al`` on a span file: which strategy would have needed the fewest labeled sentences.

The same outputs as for labeled rows (``run.py``): learning curves per strategy and seed,
the labels each needs to reach 95% and 98% of the full-data score, the ratio to random
sampling, the area under the curve, the stopping signal and the figure; the score is the
entity-level strict micro-F1 (``measures.span_metrics``) and a "label" is one sentence (one
record) with all its spans.

Token vectors are memoised for the whole simulation (``embedders.token_states.memo``): every
text is encoded once and each refit costs only the CRF's fit. The test set is the file's
"test" split when it has one, else a held-out 20% per seed stratified by the set of span
labels a record holds (``splits.split_rows`` over those sets).
"""

from __future__ import annotations

import time
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from threadpoolctl import threadpool_limits

from textloop.errors import InvalidInputError
from textloop.models.embedders import Embedder, EmbeddingCache, get_embedder, token_states
from textloop.progress import NULL_PROGRESS, Progress, Task
from textloop.spans import Span
from textloop.stages.active_learn.span_learner import (
    MAX_ITER,
    REFERENCE_MAX_ITER,
    fit_span_learner,
    make_reference_learner,
)
from textloop.stages.simulate.features import EMBEDDER, embed_texts
from textloop.stages.simulate.loop import Curve, first_batch
from textloop.stages.simulate.run import Plan, SimulationResult, run_seeds, write_outputs
from textloop.stages.simulate.sessions import STOP_SET
from textloop.stages.simulate.span_data import read_spans
from textloop.stages.simulate.span_loop import SpanSession, entity_scores, run_span_session
from textloop.stages.simulate.splits import Split, check_split, split_rows
from textloop.strategies.query import strategy_task
from textloop.strategies.query.cold_start import ColdStart

METRIC = "entity_micro_f1"
MEMO_BYTES = 2 << 30
"""Token vectors kept for the simulation: about 4,000 tweets' worth needs 150 MB."""


def simulate_span_file(path: Path, fmt: str, plan: Plan, *, out_dir: Path,
                       progress: Progress = NULL_PROGRESS, embedder: Embedder | None = None,
                       cache: EmbeddingCache | None = None) -> SimulationResult:
    """Simulate active learning on the span file ``path`` read as ``fmt``."""
    data = read_spans(Path(path), fmt, progress=progress)
    model = embedder or get_embedder(EMBEDDER)
    X = embed_texts(data.texts, embedder=model, cache=cache, progress=progress)
    source = {"path": str(Path(path).resolve()), "sha256": data.sha256, "format": fmt,
              "rows_read": data.rows_read, "rows_used": len(data.texts),
              "rows_invalid": data.skipped, "rows_repeated": data.repeated,
              "embedder": model.model_id, "title": Path(path).name}
    return simulate_span_texts(data.texts, data.spans, data.is_test, plan, X=X,
                               out_dir=out_dir, progress=progress, source=source)


def simulate_span_texts(texts: Sequence[str], spans: Sequence[Sequence[Span]],
                        is_test: np.ndarray | None, plan: Plan, *, X: np.ndarray,
                        out_dir: Path, progress: Progress = NULL_PROGRESS,
                        source: dict[str, Any] | None = None) -> SimulationResult:
    """The simulation on given texts, their spans and sentence embeddings ``X`` (L2-normalized
    rows, for cold start and clustering); see ``simulate_span_file``."""
    started = time.perf_counter()
    texts = list(texts)
    rows = [list(s) for s in spans]
    strata = label_sets(rows)
    _check_data(rows, strata, is_test, plan)
    curves: dict[str, list[Curve]] = {name: [] for name in plan.strategies}
    first_split = split_rows(strata, is_test, 0)
    total = len(plan.strategies) * plan.seeds * plan.rounds
    with progress.task("Simulating active learning on spans", total=total) as task, \
            token_states.memo(MEMO_BYTES), threadpool_limits(limits=1, user_api="blas"):
        reference = run_seeds(
            plan, strata, is_test, first_split,
            lambda split, seed: build_span_session(texts, rows, X, split, seed, plan.initial),
            reference_scores, lambda session, seed: _run_seed(plan, session, seed, curves, task))
    settings = _settings(plan, source or {}, rows, first_split, is_test)
    return write_outputs(out_dir, curves, reference, settings, plan,
                         time.perf_counter() - started, metric=METRIC)


def label_sets(spans: Sequence[Sequence[Span]]) -> np.ndarray:
    """Each record's set of span labels as an integer code (the strata of the split)."""
    keys = ["\t".join(sorted({span.label for span in row})) for row in spans]
    return np.unique(np.asarray(keys, dtype=str), return_inverse=True)[1].astype(np.intp)


def build_span_session(texts: list[str], spans: list[list[Span]], X: np.ndarray,
                       split: Split, seed: int, initial: int) -> SpanSession:
    """The seed's pool, test set, cold-start batch and stop set (as ``sessions.py`` does)."""
    pool = split.pool
    X_pool = X[pool]
    first = first_batch(ColdStart(), X_pool, seed, initial)
    rng = np.random.default_rng([seed, 1])
    stop_set = np.sort(rng.choice(pool.shape[0], min(STOP_SET, pool.shape[0]), replace=False))
    return SpanSession([texts[i] for i in pool], [spans[i] for i in pool], X_pool,
                       [texts[i] for i in split.test], [spans[i] for i in split.test],
                       first, stop_set, seed=seed)


def reference_scores(session: SpanSession) -> dict[str, float]:
    """The learner trained on the whole pool, to convergence (``make_reference_learner``):
    what "full-data entity F1" means. The per-round learner is bounded for speed; bounded
    here too, the reference was under-fitted and a partial set could outscore it."""
    model = fit_span_learner(session.texts, session.spans, make_reference_learner())
    scores = entity_scores(model, session.test_texts, session.test_spans)
    assert model is not None  # _check_data: the file holds spans
    return {METRIC: scores["f1"], "entity_micro_precision": scores["precision"],
            "entity_micro_recall": scores["recall"], "lbfgs_iterations": float(model.n_iter_)}


def _check_data(spans: list[list[Span]], strata: np.ndarray, is_test: np.ndarray | None,
                plan: Plan) -> None:
    if not any(spans):
        raise InvalidInputError("the file holds no span at all (every record's list is empty)",
                                hint="check --format, and the tag column of a CoNLL file")
    check_split(strata, is_test, plan.budget, "records")


def _run_seed(plan: Plan, session: SpanSession, seed: int, curves: dict[str, list[Curve]],
              task: Task) -> None:
    for name, (full, strategy) in plan.strategies.items():
        rng = np.random.default_rng([seed, zlib.crc32(name.encode("utf-8"))])
        curves[name].append(run_span_session(
            name, strategy, strategy_task(full) == "spans", session, seed,
            sizes=plan.sizes(), rng=rng, on_round=task.advance))


def _settings(plan: Plan, source: dict[str, Any], spans: list[list[Span]], split: Split,
              is_test: np.ndarray | None) -> dict[str, Any]:
    return {"data": source, "task": "spans",
            "labels": sorted({span.label for row in spans for span in row}),
            "strategies": {name: full for name, (full, _) in plan.strategies.items()},
            "seeds": list(range(plan.seeds)), "budget": plan.budget, "batch": plan.batch,
            "initial": plan.initial, "sizes": plan.sizes(),
            "pool": int(split.pool.shape[0]), "test": int(split.test.shape[0]),
            "test_set": "the file's test split" if is_test is not None
                        else "20% per seed, stratified by each record's set of span labels",
            "model": f"minilm-crf (MiniLM int8 token vectors, CRF), L-BFGS max_iter={MAX_ITER} "
                     "(as textloop suggest), each round warm-started from the last; the "
                     f"full-data reference to convergence (max_iter={REFERENCE_MAX_ITER}); "
                     "token vectors memoised",
            "metric": "entity-level strict micro-F1 (measures.span_metrics)",
            "first_batch": "random sampling: random; every other strategy: the seed's "
                           "cold-start batch (k-means on sentence embeddings)",
            "stopping": {"method": "stabilizing predictions over the stop set's token tags",
                         "stop_set": STOP_SET, "window": 3, "kappa": 0.99}}
