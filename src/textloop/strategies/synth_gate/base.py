"""How diverse a set of texts is, as one number, and how a measure is looked up by name.

A generator that keeps producing the same sentence in different words passes every
per-text check, so the gate also reports how spread out each label's accepted texts are.
A measure reads the texts, and their embeddings when it says it needs them; a higher value
always means more varied texts.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np

from textloop.registry import REGISTRY

FAMILY = "synth_gate"


class DiversityMeasure(Protocol):
    needs_vectors: bool
    """True when the measure reads L2-normalised embeddings, not just the texts."""

    def __call__(self, texts: Sequence[str], vectors: np.ndarray | None) -> float: ...


def make_diversity(name: str, language: str | None = None) -> tuple[str, DiversityMeasure]:
    """(full registry name, measure) for a short or full name. Every factory takes the
    project's ``language`` (a BCP 47 tag), which a measure whose units depend on it reads
    (``distinct-2.v2``) and the others ignore."""
    full, factory = REGISTRY.resolve(FAMILY, name)
    return full, factory(language=language)
