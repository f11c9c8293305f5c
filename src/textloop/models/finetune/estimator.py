"""What the fine-tuned classifiers share: texts in, a tuned encoder plus a linear head out.

Subclasses train in torch (``fit``) and keep their learned state as numpy arrays; this base
turns that state into predictions on ONNX Runtime, so a restored bundle predicts without
torch. Both are *iterative* (monitored by ``textloop train`` like ``embed-mlp``), but their
epochs are costly, so the ``training:`` section's epoch count does not apply to them
(``own_epochs``): their own default does, or ``--param epochs=N``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.validation import check_is_fitted

from textloop.models.finetune.base_encoder import BASE_ID, check_base, load_base_encoder
from textloop.models.finetune.linear_head import LinearHead
from textloop.models.finetune.onnx_encoder import OnnxTunedEncoder
from textloop.models.finetune.tokenizer import truncating_tokenizer
from textloop.models.finetune.torch_encoder import torch_bert
from textloop.models.finetune.torch_support import require_torch
from textloop.models.label_scoring import encode_labels, known_rows
from textloop.models.mlp.losses import softmax
from textloop.models.tags import ModelTags
from textloop.progress import Progress

Validation = tuple[Any, Sequence[str]]
State = tuple[dict[str, np.ndarray], dict[str, Any]]


@dataclass
class FitStart:
    """What every fine-tuning fit begins with (see ``TunedEncoderClassifier._start``)."""

    torch: Any
    rng: np.random.Generator
    texts: list[str]
    y_idx: np.ndarray
    validation: tuple[list[str], np.ndarray] | None
    tokenizer: Any
    encoder: Any
    """The stock encoder as a torch ``BertModel``."""


class TunedEncoderClassifier(ClassifierMixin, BaseEstimator):
    """Texts → tuned MiniLM embedding → ``head_``; subclasses say what the encoder is."""

    max_seq_len: int
    seed: int
    head_: LinearHead
    _onnx: OnnxTunedEncoder | None
    tuned_attribute: ClassVar[str]
    """Where a subclass keeps what tuning changed (full encoder weights, or adapters)."""

    def __textloop_tags__(self) -> ModelTags:
        return ModelTags(iterative=True, own_epochs=True, reports_progress=True,
                         fine_tunes=True)

    def _check_params(self) -> None:
        """Raise ``InvalidInputError`` for parameters the fit cannot use."""

    def _start(self, X: Sequence[str], y: Sequence[str], validation: Validation | None,
               purpose: str, progress: Progress) -> FitStart:
        """Check parameters, seed torch and numpy, encode labels, load the stock encoder."""
        self._check_params()
        torch = require_torch(purpose)
        torch.manual_seed(self.seed)
        y_idx, val = self._labels(y, validation)
        base = load_base_encoder(progress)
        return FitStart(torch, np.random.default_rng(self.seed), list(X), y_idx, val,
                        truncating_tokenizer(base, self.max_seq_len), torch_bert(base, purpose))

    def encoder_weights(self) -> dict[str, np.ndarray]:
        """The tuned encoder's full weights under ``BertModel`` keys."""
        raise NotImplementedError

    def embed(self, X: Sequence[str]) -> np.ndarray:
        """Tuned, L2-normalised sentence embeddings (ONNX Runtime, built on first use)."""
        encoder = getattr(self, "_onnx", None)
        if encoder is None:
            encoder = OnnxTunedEncoder(self.encoder_weights(), load_base_encoder(),
                                       self.max_seq_len)
            self._onnx = encoder
        return encoder.embed(list(X))

    def decision_function(self, X: Sequence[str]) -> np.ndarray:
        check_is_fitted(self, "head_")
        return self.head_.scores(self.embed(X))

    def predict_proba(self, X: Sequence[str]) -> np.ndarray:
        return softmax(self.decision_function(X))

    def predict(self, X: Sequence[str]) -> np.ndarray:
        scores = self.decision_function(X)  # first: an unfitted model says so
        return self.classes_[np.argmax(scores, axis=1)]

    def get_weights(self) -> tuple[dict[str, np.ndarray], LinearHead]:
        """The tuned arrays and the head (each epoch makes new arrays: no copy needed)."""
        return getattr(self, self.tuned_attribute), self.head_

    def set_weights(self, weights: tuple[dict[str, np.ndarray], LinearHead]) -> None:
        tuned, self.head_ = weights
        setattr(self, self.tuned_attribute, tuned)
        self._forget_onnx()

    def _forget_onnx(self) -> None:
        """The weights changed: the next ``embed`` builds a new graph."""
        self._onnx = None

    def _labels(self, y: Sequence[str], validation: Validation | None
                ) -> tuple[np.ndarray, tuple[list[str], np.ndarray] | None]:
        """Sets ``classes_``; training label indices and the usable validation rows."""
        self.classes_ = np.array(sorted(set(y)), dtype=object)
        val = None if validation is None else known_rows(self.classes_, validation)
        return encode_labels(self.classes_, y), val if val and val[0] else None

    def _base_extra(self) -> dict[str, Any]:
        return {"base": BASE_ID, "epochs_run": self.epochs_run_}

    def _restore_common(self, extra: dict[str, Any], classes: Sequence[str],
                        arrays: dict[str, np.ndarray]) -> None:
        """Classes, head and epochs; refuses a state tuned from another base encoder."""
        check_base(extra)
        self.classes_ = np.asarray(classes, dtype=object)
        self.head_ = LinearHead.from_arrays(arrays)
        self.epochs_run_ = int(extra.get("epochs_run", 0))
