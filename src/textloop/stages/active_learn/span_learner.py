"""The span model active learning trains, and its answers for the pool.

``minilm-crf`` (MiniLM's token vectors into a constrained CRF) with L-BFGS bounded to
``MAX_ITER`` iterations: a strategy needs the model's ranking of the pool, not its last
digit of F1, and the fit runs after every batch (in ``textloop suggest`` and in every round
of ``textloop simulate-al``). At 50 iterations a fit on 400 WNUT-17 sentences took 27 s on 2
busy cores against about 55 s at the model's default of 100; the benchmark in BENCHMARKS.md
("Active learning for spans") measured the strategies with this learner.
"""

from __future__ import annotations

from collections.abc import Sequence

from textloop.models.span_model import TaggedText
from textloop.models.spans.estimator import MiniLMCrf
from textloop.spans import Span

MAX_ITER = 50


def make_span_learner() -> MiniLMCrf:
    """A fresh, unfitted ``minilm-crf`` with active learning's settings."""
    return MiniLMCrf(max_iter=MAX_ITER)


def trainable(spans: Sequence[Sequence[Span]]) -> bool:
    """A CRF learns the tags of the labels it has seen: at least one span is needed."""
    return any(spans)


def fit_span_learner(texts: Sequence[str], spans: Sequence[Sequence[Span]]
                     ) -> MiniLMCrf | None:
    """The learner fitted on the labeled texts; None when none of them holds a span."""
    if not texts or not trainable(spans):
        return None
    return make_span_learner().fit(list(texts), [list(s) for s in spans])


def tag_pool(model: MiniLMCrf | None, texts: Sequence[str]) -> list[TaggedText] | None:
    """The model's answer per pool text (what span strategies rank by); None without one."""
    if model is None or not texts:
        return None
    return model.predict_tagged(list(texts))
