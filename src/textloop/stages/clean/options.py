"""Settings of ``textloop clean``, with defaults chosen on the development data sets."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

CLASS_MODELS = ("embed-lr", "tfidf-lr")


@dataclass(frozen=True)
class CleanOptions:
    models: tuple[str, ...] = ()
    """Models whose out-of-fold probabilities are the views; the first is the main model.
    Empty: the task's defaults (``class_models``; a span project's ``minilm-crf``).
    ``finetune`` (or any model that fine-tunes, e.g. ``lora``) adds a fine-tuned encoder
    (``tuned_view.py``; needs ``textloop[train]``)."""
    method: str = "views-knn"
    """Registered label-issue method (``textloop.cleaning.*``); ``cleanlab`` is the baseline."""
    folds: int = 5
    tuned_folds: int = 3
    """Folds of a fine-tuned view (at most ``folds``): each costs a fine-tuning run."""
    budget_minutes: float | None = None
    """A fine-tuned view estimated to take longer is skipped with a warning; None: no limit."""
    seed: int = 0
    neighbours: int = 10
    """k for neighbour label agreement and the outlier distance."""
    near_threshold: float = 0.7
    """Estimated Jaccard similarity of 5-byte shingles for a lexical near-duplicate."""
    semantic_threshold: float = 0.95
    """Embedding cosine similarity for a semantic near-duplicate."""
    use_embeddings: bool = True
    """False skips neighbours, semantic duplicates and outliers (nothing is embedded)."""
    max_chars: int = 2000
    """Longer texts are flagged overlong (the embedder reads about the first 1,000)."""
    release: str | None = "latest"
    """Release checked for leakage between its splits; None skips the check."""
    min_precision: float | None = None
    """Flag only the most likely errors whose estimated precision (expected share of real
    label errors among the flags) reaches this; the rest are ranked, not flagged. None: the
    method's flags (``strategies/cleaning/precision.py``)."""
    extra: dict[str, Any] = field(default_factory=dict)

    def class_models(self) -> tuple[str, ...]:
        """The classification views: the models named, else embed-lr and tfidf-lr, or
        tfidf-lr alone without embeddings (it needs no MiniLM model)."""
        if self.models:
            return self.models
        return CLASS_MODELS if self.use_embeddings else CLASS_MODELS[1:]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
