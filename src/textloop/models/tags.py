"""What a model can do, declared as typed tags (in the manner of scikit-learn's
``__sklearn_tags__``) rather than probed attribute by attribute.

Stages used to ask ``getattr(model, "needs_embeddings", False)``, ``"iterative"``,
``"task"``...: a typo in one of those names, or a model that forgot one, silently took the
default. Every registered model now answers ``__textloop_tags__()`` with a frozen
``ModelTags``, stages read it through ``model_tags``, and the contract suite
(``tests/contract/test_models.py``) checks that each model's tags match its behaviour.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, Protocol

ModelTask = Literal["classification", "regression", "spans"]


@dataclass(frozen=True)
class ModelTags:
    """A model's capabilities; the defaults describe a plain text classifier."""

    task: ModelTask = "classification"
    """``classification`` (``predict_proba`` over ``classes_``), ``regression`` (one
    float64 number per text, no ``predict_proba``) or ``spans`` (a ``SpanModel``:
    ``fit(texts, spans)``, ``predict`` and ``predict_scored``; see ``models.span_model``)."""
    needs_embeddings: bool = False
    """``fit`` and ``predict`` take sentence vectors of ``embedder`` as well as texts, so
    stages pass vectors from the store's embedding cache."""
    embedder: str | None = None
    """The registered embedder whose vectors the model reads (set with needs_embeddings)."""
    iterative: bool = False
    """Trains epoch by epoch: ``fit`` takes ``validation`` and an ``on_epoch`` callback, and
    ``textloop train`` monitors it (early stopping, per-epoch metrics)."""
    own_epochs: bool = False
    """An iterative model whose epochs are costly (fine-tuning an encoder): it keeps its own
    default epoch count instead of ``training.epochs``."""
    reports_progress: bool = False
    """An iterative ``fit`` that takes ``progress`` and reports its own steps."""
    follows_language: bool = False
    """Has defaults per project language (``language_params(language)``), e.g. character
    n-grams for Korean."""
    fine_tunes: bool = False
    """Tunes a transformer encoder with torch: needs ``textloop[train]`` to fit."""
    uses_span_rules: bool = False
    """Predicts with the project's ``span_rules:``, which ``textloop train`` passes in as its
    ``rules`` and ``labels`` parameters (unless ``--param`` gave them): the run's params and
    bundle then hold the rules, so it predicts the same after ``textloop.yaml`` changes."""
    tags_tokens: bool = False
    """A span model that tags word tokens and answers ``predict_tagged(texts)`` with each
    token's tag probabilities and its best sequence's probability (``span_model.TaggedText``):
    what sequence active learning and token-level label-error finding read."""
    combines_span_rules: bool = False
    """A learned span model that can merge the span rules' spans into its own
    (``models.spans.with_rules``): with ``use_rules=auto``, ``textloop train`` keeps the
    rules only when they raise entity micro-F1 on validation (``predict_scored_parts``,
    ``keep_rules``)."""


class Tagged(Protocol):
    """Anything that declares its tags."""

    def __textloop_tags__(self) -> ModelTags: ...


def model_tags(model: Any) -> ModelTags:
    """The tags of a model instance or class (a class is asked through a default instance,
    which the estimator convention makes cheap: ``__init__`` only stores parameters).

    Every registered model declares its tags, and the contract suite holds each to them. An
    estimator from outside textloop (a plain scikit-learn classifier in a notebook or a
    test) declares nothing and is taken for what the defaults describe: a classifier of
    texts, trained in one ``fit``.
    """
    instance = model() if isinstance(model, type) else model
    declare = getattr(type(instance), "__textloop_tags__", None)
    if declare is None:
        return ModelTags()
    tags = declare(instance)
    if not isinstance(tags, ModelTags):
        raise TypeError(f"{type(instance).__name__}.__textloop_tags__() returned "
                        f"{type(tags).__name__}, not ModelTags")
    return tags
