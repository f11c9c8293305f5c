"""The span model active learning trains, and its answers for the pool.

``minilm-crf`` (MiniLM's token vectors into a constrained CRF) with L-BFGS bounded to
``MAX_ITER`` iterations: a strategy needs the model's ranking of the pool, not its last
digit of F1, and the fit runs after every batch (in ``textloop suggest`` and in every round
of ``textloop simulate-al``). At 50 iterations a fit on 400 WNUT-17 sentences took 27 s on 2
busy cores against about 55 s at the model's default of 100; the benchmark in BENCHMARKS.md
("Active learning for spans") measured the strategies with this learner. A simulation's
rounds refit one warm-starting learner (``make_span_learner(warm_start=True)``), and its
full-data reference is fitted to convergence (``make_reference_learner``).
"""

from __future__ import annotations

from collections.abc import Sequence

from textloop.models.span_model import TaggedText
from textloop.models.spans.estimator import MiniLMCrf
from textloop.spans import Span

MAX_ITER = 50
REFERENCE_MAX_ITER = 1000
"""Far above what L-BFGS needs on a few thousand sentences: it stops at its tolerance."""


def make_span_learner(*, warm_start: bool = False) -> MiniLMCrf:
    """A fresh, unfitted ``minilm-crf`` with active learning's settings; ``warm_start``:
    each later ``fit`` starts from the previous one's weights (a simulation's rounds)."""
    return MiniLMCrf(max_iter=MAX_ITER, warm_start=warm_start)


def make_reference_learner() -> MiniLMCrf:
    """``minilm-crf`` run to convergence (``REFERENCE_MAX_ITER``): the full-data model a
    simulation's curves are measured against. Bounded like the per-round learner, the
    reference stopped short of its optimum and a partial set could outscore "full data"."""
    return MiniLMCrf(max_iter=REFERENCE_MAX_ITER)


def trainable(spans: Sequence[Sequence[Span]]) -> bool:
    """A CRF learns the tags of the labels it has seen: at least one span is needed."""
    return any(spans)


def fit_span_learner(texts: Sequence[str], spans: Sequence[Sequence[Span]],
                     learner: MiniLMCrf | None = None) -> MiniLMCrf | None:
    """The learner fitted on the labeled texts; None when none of them holds a span.
    ``learner``: the one to fit (a warm-starting one refits from its last weights), else
    a fresh ``make_span_learner()``."""
    if not texts or not trainable(spans):
        return None
    model = learner if learner is not None else make_span_learner()
    return model.fit(list(texts), [list(s) for s in spans])


def tag_pool(model: MiniLMCrf | None, texts: Sequence[str]) -> list[TaggedText] | None:
    """The model's answer per pool text (what span strategies rank by); None without one."""
    if model is None or not texts:
        return None
    return model.predict_tagged(list(texts))
