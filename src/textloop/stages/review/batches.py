"""The estimated precision of the label issues a reviewer is about to work through.

``textloop clean`` stores with each label issue the estimated chance that its label is
wrong (``error_probability``, ``stages/clean/label_precision.py``). Read in review order and
cut into batches, the mean of those chances is the share of real label errors a reviewer
should expect in each batch: where it falls, accepting suggestions wholesale stops paying and
each record needs a careful look. Runs stored before the estimate existed have no batches.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

BATCH = 50
"""Label issues per batch, in review order."""
KIND = "label_issue"


@dataclass(frozen=True)
class Batch:
    """Positions ``first``..``last`` (from 1) of the open label issues in review order."""

    first: int
    last: int
    expected_precision: float
    """Mean estimated chance, over the batch, that the given label is wrong."""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def precision_batches(rows: Sequence[dict[str, Any]], size: int = BATCH) -> list[Batch]:
    """Batches of ``size`` over the label issues among ``rows`` (finding rows in review
    order); empty when any of them lacks its estimate (an older run)."""
    chances = [row["details"].get("error_probability") for row in rows if row["kind"] == KIND]
    if not chances or any(chance is None for chance in chances):
        return []
    return [Batch(start + 1, min(start + size, len(chances)),
                  round(sum(chances[start:start + size]) / len(chances[start:start + size]), 4))
            for start in range(0, len(chances), size)]
