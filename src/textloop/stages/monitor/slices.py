"""Declared slices on production rows: the same ``assign_slices`` evaluation uses.

Production rows carry a text and nothing else (no metadata, one provenance), so only the
slices defined on the text itself apply: length buckets, keywords and regexes. Field and
source slices are skipped, and the report says which and why.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from textloop.config import Slice
from textloop.stages.evaluate.error_analysis.slicing import assign_slices


def text_slices(specs: Sequence[Slice]) -> tuple[list[Slice], list[str]]:
    """(slices that read only the text, names of those skipped)."""
    kept = [s for s in specs if s.field is None and s.source is None]
    skipped = [s.name for s in specs if s.field is not None or s.source is not None]
    return kept, skipped


def slice_masks(specs: Sequence[Slice], texts: Sequence[str]) -> dict[str, np.ndarray]:
    """``NAME=VALUE`` -> row mask over ``texts`` for the text slices."""
    if not specs:
        return {}
    return assign_slices(specs, texts, [{} for _ in texts])


def mask_for(masks: dict[str, np.ndarray], key: str, n: int) -> np.ndarray:
    """The mask of ``key``, or no rows when that side has none of the slice."""
    return masks.get(key, np.zeros(n, dtype=bool))
