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
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol, runtime_checkable

from textloop.models.tags import ModelTags
from textloop.spans import Span

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
