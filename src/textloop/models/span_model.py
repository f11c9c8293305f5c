"""The span-model contract: what ``textloop train`` and ``textloop evaluate`` ask of a model
whose tags say ``task="spans"`` (entities, personal data, toxic spans).

Train and evaluate depend on this protocol only, never on a model class, so every span
model (the ``span-rules`` baseline, a CRF over token vectors, a fine-tuned token classifier)
plugs in the same way:

- ``fit(X, y)``: ``X`` the texts, ``y`` one list of ``Span`` per text (code points over the
  stored text, as the release holds them); learns and returns ``self`` (scikit-learn's
  estimator convention: ``__init__`` only stores, learned attributes end in ``_``);
- ``predict(X)``: one canonical list of ``Span`` per text, inside that text;
- ``predict_scored(X)``: the same spans, each paired with its score in [0, 1] (higher is
  surer) or ``None`` when the model has no confidence to give; per-type thresholds are
  fitted on validation only from numbers (``measures.span_thresholds``);
- ``classes_``: the span labels the model can predict (a bundle's label order);
- ``export_state()`` -> (arrays, JSON-ready extra) and ``from_state(params, arrays, extra,
  classes)``: the bundle, as for every model (``models.bundle``), never a pickle;
- ``get_params()``: JSON-ready hyper-parameters, recorded in the run and the bundle.

A model that tags word tokens (tag ``tags_tokens``) also answers ``predict_tagged(X)``: per
text, a ``TaggedText`` with its tokens, the best valid tag sequence, every token's tag
probabilities and that sequence's log-probability. Uncertainty sampling for sequences
(least confidence, MNLP, token entropy) and token-level label-error finding read those.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

import numpy as np

from textloop.models.tags import ModelTags
from textloop.spans import Span
from textloop.spans.matching import Token

ScoredSpan = tuple[Span, float | None]
"""A predicted span and its score in [0, 1], or None for a model without confidences."""


@runtime_checkable
class SpanModel(Protocol):
    """A fitted or unfitted span model (see the module docstring)."""

    classes_: Any

    def fit(self, X: Sequence[str], y: Sequence[Sequence[Span]]) -> Any: ...

    def predict(self, X: Sequence[str]) -> Sequence[Sequence[Span]]: ...

    def predict_scored(self, X: Sequence[str]) -> Sequence[Sequence[ScoredSpan]]: ...

    def get_params(self, deep: bool = True) -> dict[str, Any]: ...

    def export_state(self) -> tuple[dict[str, Any], dict[str, Any]]: ...

    def __textloop_tags__(self) -> ModelTags: ...


@dataclass(frozen=True)
class TaggedText:
    """One text as a token tagger sees it (see the module docstring).

    ``tokens``: word tokens, code-point (start, end) over the text; ``tags``: the best valid
    tag sequence, one tag name per token (``tag_names`` order is the columns of
    ``marginals``); ``marginals``: float [tokens, tags], P(token t carries tag k), each row
    summing to 1; ``log_prob``: log P(best sequence | text), 0.0 for a text without tokens.
    """

    tokens: list[Token]
    tags: list[str]
    tag_names: list[str]
    marginals: np.ndarray
    log_prob: float

    @property
    def sequence_probability(self) -> float:
        """P(best sequence | text): one minus it is the least-confidence score."""
        return float(np.exp(self.log_prob))
