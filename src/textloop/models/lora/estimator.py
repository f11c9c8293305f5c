"""``lora``: LoRA fine-tuning of MiniLM with a linear head, monitored epoch by epoch.

The head starts as a logistic regression on the stock embeddings (so epoch 1 starts from
what ``embed-lr`` would predict), then head and adapters train together with Adam on
cross-entropy or the multiclass hinge. After every epoch the model is scored on the train
and validation texts, so ``textloop train`` applies early stopping and writes a verdict
exactly as for ``embed-mlp``. The bundle holds only the adapters and the head (well under
1 MB); prediction merges the adapters into the stock weights and runs on ONNX Runtime.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

import numpy as np

from textloop.errors import InvalidInputError
from textloop.models.finetune.base_encoder import load_base_encoder
from textloop.models.finetune.estimator import State, TunedEncoderClassifier, Validation
from textloop.models.finetune.linear_head import fit_logistic_head
from textloop.models.finetune.torch_encoder import embed_texts
from textloop.models.label_scoring import scored
from textloop.models.lora.adapters import (
    PREFIX,
    TARGETS,
    adapter_arrays,
    add_adapters,
    merge_adapters,
)
from textloop.models.lora.training import class_scores, numpy_head, torch_head, train_epoch
from textloop.models.mlp.estimator import EpochCallback
from textloop.models.mlp.losses import LOSSES
from textloop.models.search_space import Choice, FloatRange, IntRange, Space
from textloop.progress import NULL_PROGRESS, Progress


class LoraClassifier(TunedEncoderClassifier):
    """LoRA adapters (rank ``r``) on attention query/value + a linear head, end to end."""

    tuned_attribute = "adapters_"
    search_space: ClassVar[Space] = {
        "r": Choice((4, 8, 16)), "learning_rate": FloatRange(1e-4, 3e-3, log=True),
        "epochs": IntRange(3, 30)}

    def __init__(self, loss: str = "cross_entropy", r: int = 8, alpha: float = 16.0,
                 lora_dropout: float = 0.1, learning_rate: float = 5e-4,
                 head_learning_rate: float = 1e-3, batch_size: int = 8, epochs: int = 10,
                 max_seq_len: int = 128, C: float = 10.0, seed: int = 0) -> None:
        self.loss = loss
        self.r = r
        self.alpha = alpha
        self.lora_dropout = lora_dropout
        self.learning_rate = learning_rate
        self.head_learning_rate = head_learning_rate
        self.batch_size = batch_size
        self.epochs = epochs
        self.max_seq_len = max_seq_len
        self.C = C
        self.seed = seed

    @property
    def scaling(self) -> float:
        return self.alpha / self.r

    def fit(self, X: Sequence[str], y: Sequence[str], *, validation: Validation | None = None,
            on_epoch: EpochCallback | None = None, progress: Progress = NULL_PROGRESS
            ) -> LoraClassifier:
        """Up to ``epochs`` epochs; ``on_epoch`` may stop earlier (the last weights stay:
        restoring the best epoch is the caller's choice, as for ``embed-mlp``)."""
        start = self._start(X, y, validation, "LoRA fine-tuning", progress)
        torch, rng, texts, y_idx, val = (start.torch, start.rng, start.texts, start.y_idx,
                                         start.validation)
        tokenizer, encoder = start.tokenizer, start.encoder
        with progress.task("Fitting the starting head on the stock embeddings", total=None):
            first = fit_logistic_head(embed_texts(encoder, tokenizer, texts), y_idx,
                                      len(self.classes_), self.C)
        add_adapters(encoder, self.r, self.alpha, self.lora_dropout)
        head = torch_head(first)
        optimizer = torch.optim.Adam([
            {"params": [p for p in encoder.parameters() if p.requires_grad],
             "lr": self.learning_rate},
            {"params": head.parameters(), "lr": self.head_learning_rate}])
        self.epochs_run_ = 0
        for epoch in range(1, self.epochs + 1):
            with progress.task(f"LoRA epoch {epoch} on {len(texts):,} texts",
                               total=len(texts)) as task:
                train_epoch(encoder, head, tokenizer, texts, y_idx, self._settings(),
                            optimizer, rng, task)
            self.set_weights((adapter_arrays(encoder), numpy_head(head)))
            self.epochs_run_ = epoch
            metrics = self._scores(encoder, tokenizer, texts, y_idx, val)
            if on_epoch is not None and on_epoch(epoch, metrics, self):
                break
        return self

    def _settings(self) -> dict[str, Any]:
        return {"batch_size": self.batch_size, "loss": self.loss}

    def _scores(self, encoder: Any, tokenizer: Any, texts: list[str], y_idx: np.ndarray,
                val: tuple[list[str], np.ndarray] | None) -> dict[str, float]:
        metrics = scored("train", class_scores(encoder, self.head_, tokenizer, texts), y_idx,
                         self.loss)
        if val is not None:
            metrics |= scored("val", class_scores(encoder, self.head_, tokenizer, val[0]),
                              val[1], self.loss)
        return metrics

    def encoder_weights(self) -> dict[str, np.ndarray]:
        return merge_adapters(load_base_encoder().weights, self.adapters_, self.scaling)

    def export_state(self) -> State:
        return self.adapters_ | self.head_.arrays(), {**self._base_extra(),
                                                      "targets": list(TARGETS)}

    @classmethod
    def from_state(cls, params: dict[str, Any], arrays: dict[str, np.ndarray],
                   extra: dict[str, Any], classes: Sequence[str]) -> LoraClassifier:
        model = cls(**params)
        model._restore_common(extra, classes, arrays)
        model.adapters_ = {key: value for key, value in arrays.items() if key.startswith(PREFIX)}
        if not model.adapters_:
            raise ValueError("no adapter arrays")
        return model

    def _check_params(self) -> None:
        problems = []
        if self.loss not in LOSSES:
            problems.append(f"loss {self.loss!r} (use {' or '.join(LOSSES)})")
        if min(self.r, self.batch_size, self.epochs, self.max_seq_len) < 1:
            problems.append("r, batch_size, epochs and max_seq_len must be at least 1")
        if not 0.0 <= self.lora_dropout < 1.0:
            problems.append(f"lora_dropout {self.lora_dropout} (use 0 <= lora_dropout < 1)")
        if problems:
            raise InvalidInputError(f"lora: invalid {'; '.join(problems)}",
                                    hint="fix the --param values or the training section")
