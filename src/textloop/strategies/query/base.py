"""What every query strategy sees and returns.

A strategy ranks pool items for labeling. It gets the pool's features (L2-normalized
embeddings), the labeled set, the current model's class probabilities on the pool (None
before any model exists) or, in a span project, the span model's view of each pool text
(``tagged``: per-token tag probabilities and the best sequence's log-probability), a
factory for fresh classifiers (query-by-committee trains its own), the annotators' answers
behind each label where the project stores them, and a seeded generator.
It returns pool indices, most useful first, without repeats. Strategies never touch the
store: the same code runs in ``textloop suggest``, in the labeling app's background refresh
and in ``textloop simulate-al``.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from textloop.errors import NotFoundError
from textloop.registry import REGISTRY


class TaggedSequence(Protocol):
    """What sequence strategies read of a span model's answer for one text.

    ``models.span_model.TaggedText`` is one; strategies sit beside ``models/`` and may not
    import it, so they name only the two fields they use.
    """

    @property
    def marginals(self) -> np.ndarray:
        """[tokens, tags] P(token t carries tag k); each row sums to 1."""
        ...

    @property
    def log_prob(self) -> float:
        """log P(best tag sequence | text); 0.0 for a text without tokens."""
        ...


@dataclass
class QueryContext:
    pool_X: np.ndarray
    """[n_pool, d] float32 features of the unlabeled pool (L2-normalized embeddings)."""
    labeled_X: np.ndarray
    """[n_labeled, d] features of the labeled records (may have 0 rows)."""
    labeled_y: np.ndarray
    """[n_labeled] labels (strings)."""
    proba: np.ndarray | None = None
    """[n_pool, k] probabilities of the current model, columns in ``classes`` order."""
    classes: list[str] = field(default_factory=list)
    make_classifier: Callable[[], Any] | None = None
    """A fresh scikit-learn classifier (``fit``/``predict_proba``), for committees."""
    rng: np.random.Generator = field(default_factory=lambda: np.random.default_rng(0))
    tagged: Sequence[TaggedSequence] | None = None
    """Span projects: the current span model's answer per pool text (None before any)."""
    labeled_votes: Sequence[Mapping[str, str]] | None = None
    """Per labeled record (``labeled_X`` order), its annotators' standing answers, annotator
    -> label (empty where nobody answered, e.g. an imported label); None where the caller
    knows only final labels (a simulation). Several answers per record let a strategy see
    where people disagree instead of guessing it from a model."""


class QueryStrategy(Protocol):
    """``select`` returns up to ``batch`` unique pool indices, most useful first."""

    needs_model: bool
    """True when ``ctx.proba`` (``ctx.tagged`` for span strategies) must be set; False for
    cold start."""

    def select(self, ctx: QueryContext, batch: int) -> np.ndarray: ...


ANY_TASK = "any"
"""The ``task`` tag of a strategy that needs no model (random, cold start): it works for
every task. Strategies without the tag rank by a classifier's probabilities; ``spans`` ones
by a span model's answers."""


def strategy_task(name: str) -> str | None:
    """The ``task`` tag a strategy was declared with (read without importing it)."""
    return REGISTRY.tags("query", name).get("task")


def span_strategy_names() -> list[str]:
    """The registered strategies a span project can use, in declaration order."""
    return [name for name in REGISTRY.names("query", sort=False)
            if strategy_task(name) in ("spans", ANY_TASK)]


def get_strategy(name: str, **params: Any) -> tuple[str, QueryStrategy]:
    """(full versioned name, instance) for ``margin`` or ``textloop.query.margin.v1``."""
    try:
        full, cls = REGISTRY.resolve("query", name)
    except NotFoundError:
        known = REGISTRY.names("query")
        close = difflib.get_close_matches(name, known, n=1)
        guess = f" (did you mean {close[0]!r}?)" if close else ""
        raise NotFoundError(f"no query named {name!r}{guess}",
                            hint=f"known strategies: {', '.join(known)}") from None
    return full, cls(**params)
