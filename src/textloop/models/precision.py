"""The precision model heads compute in: float64, whatever the featurizer returns.

Embeddings and TF-IDF matrices are float32 (half the memory in the store's cache). A head that
fits and predicts in float32 has two faults: a matrix product rounds differently with the
batch's shape, so a served request (a batch of one) scores about 1e-7 away from the same text
in an evaluation batch; and a bundle that stores float64 coefficients rebuilds a model that
predicts differently from the one that was evaluated. Heads are small, so float64 costs
nothing that matters.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def head_input(x: Any) -> Any:
    """``x`` (a dense array or a SciPy sparse matrix) as float64, without a copy when it
    already is."""
    return x if x.dtype == np.float64 else x.astype(np.float64)
