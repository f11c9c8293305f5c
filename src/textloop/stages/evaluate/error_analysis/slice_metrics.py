"""Metrics per slice: the same headline numbers as the whole split, on each slice's rows.

Stored in ``metrics.json`` under ``slices`` as ``{"NAME=VALUE": {"n": ..., "accuracy": ...,
"macro_f1": ..., ...}}``; the promotion policy compares ``slices[key][goal metric]`` between
a candidate and the champion. A slice under its ``min_rows`` is kept but flagged
``too_small``: its numbers move a lot from one release to the next.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

import numpy as np

from textloop.config import Slice
from textloop.stages.evaluate.error_analysis.slicing import Provenance, slice_groups


class SlicedRows(Protocol):
    """What slicing needs of an evaluated split (classification or regression)."""

    @property
    def texts(self) -> Sequence[str]: ...
    @property
    def metas(self) -> Sequence[Mapping[str, Any]]: ...
    @property
    def sources(self) -> Sequence[Provenance] | None: ...
    def metrics_on(self, mask: np.ndarray) -> dict[str, Any]: ...


def slice_metrics(spec_slices: Sequence[Slice], split: SlicedRows) -> dict[str, Any]:
    """``NAME=VALUE`` -> what the slice is, its metrics and whether it is too small to trust."""
    out: dict[str, Any] = {}
    for position, spec in enumerate(spec_slices):
        groups = slice_groups(spec, split.texts, split.metas, split.sources, position)
        for value, mask in groups.items():
            found = split.metrics_on(mask)
            out[f"{spec.name}={value}"] = {
                "slice": spec.name, "kind": spec.kind, "value": value, **found,
                "min_rows": spec.min_rows, "too_small": found["n"] < spec.min_rows}
    return out
