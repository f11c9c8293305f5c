"""``setfit``: SetFit on CPU: contrastive tuning of MiniLM, then logistic regression.

Stage 1 tunes the whole encoder on sentence pairs generated from the labels (see
``pairs.py`` and ``contrastive.py``); stage 2 fits a logistic-regression head on the tuned
embeddings. After each epoch of stage 1 the head is refitted and scored, so ``textloop
train`` monitors it like ``embed-mlp``: ``train/loss`` and ``val/loss`` are the head's log
loss (comparable with each other and across models), ``train/contrastive_loss`` is stage
1's. One epoch is SetFit's default and usually enough. The word-embedding table stays
fixed: it is half the weights, a few hundred pairs touch few of its rows, and updating it
doubles the optimiser's work on CPU.

The bundle holds the tuned encoder's weights (float32 arrays, about 90 MB) and the head;
prediction runs them on ONNX Runtime, without torch.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, ClassVar

import numpy as np

from textloop.errors import InvalidInputError
from textloop.models.finetune.base_encoder import ENCODER
from textloop.models.finetune.estimator import State, TunedEncoderClassifier, Validation
from textloop.models.finetune.linear_head import fit_logistic_head
from textloop.models.finetune.torch_encoder import embed_texts, encoder_arrays
from textloop.models.finetune.torch_support import linear_schedule
from textloop.models.label_scoring import scored
from textloop.models.mlp.estimator import EpochCallback
from textloop.models.search_space import FloatRange, IntRange, Space
from textloop.models.setfit.contrastive import contrastive_epoch
from textloop.models.setfit.pairs import pair_count, sentence_pairs
from textloop.progress import NULL_PROGRESS, Progress


class SetFitClassifier(TunedEncoderClassifier):
    """Contrastively tuned MiniLM + logistic regression (needs ``textloop[train]`` to fit).

    ``num_iterations`` pairs per example and class side (SetFit's name: 2 pairs per example
    per iteration), capped at ``max_pairs`` so large label sets stay within CPU time.
    """

    tuned_attribute = "encoder_weights_"
    search_space: ClassVar[Space] = {
        "num_iterations": IntRange(5, 40), "learning_rate": FloatRange(5e-6, 1e-4, log=True),
        "C": FloatRange(0.1, 100.0, log=True)}

    def __init__(self, num_iterations: int = 20, max_pairs: int = 1280, epochs: int = 1,
                 batch_size: int = 16, learning_rate: float = 2e-5, warmup: float = 0.1,
                 max_seq_len: int = 128, C: float = 10.0, seed: int = 0) -> None:
        self.num_iterations = num_iterations
        self.max_pairs = max_pairs
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.warmup = warmup
        self.max_seq_len = max_seq_len
        self.C = C
        self.seed = seed

    def fit(self, X: Sequence[str], y: Sequence[str], *, validation: Validation | None = None,
            on_epoch: EpochCallback | None = None,
            progress: Progress = NULL_PROGRESS) -> SetFitClassifier:
        """Up to ``epochs`` epochs of pairs, the head refitted and scored after each."""
        start = self._start(X, y, validation, "SetFit contrastive tuning", progress)
        torch, rng, texts, y_idx, val = (start.torch, start.rng, start.texts, start.y_idx,
                                         start.validation)
        tokenizer, model = start.tokenizer, start.encoder
        model.embeddings.word_embeddings.weight.requires_grad_(False)
        count = pair_count(len(texts), self.num_iterations, self.max_pairs)
        steps = math.ceil(count / self.batch_size)
        optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad],
                                      lr=self.learning_rate,
                                      weight_decay=0.01)
        scheduler = linear_schedule(optimizer, steps * self.epochs, self.warmup)
        self.epochs_run_ = 0
        for epoch in range(1, self.epochs + 1):
            with progress.task(f"Contrastive tuning on {count:,} pairs (epoch {epoch})",
                               total=steps) as task:
                pairs = sentence_pairs(y_idx, count, rng)
                loss = contrastive_epoch(model, tokenizer, texts, pairs, self.batch_size,
                                         optimizer, scheduler, task)
            metrics = self._refit_head(model, tokenizer, texts, y_idx, val)
            self.epochs_run_ = epoch
            if on_epoch is not None and on_epoch(epoch, {**metrics,
                                                         "train/contrastive_loss": loss}, self):
                break
        return self

    def _refit_head(self, model: Any, tokenizer: Any, texts: list[str], y_idx: np.ndarray,
                    val: tuple[list[str], np.ndarray] | None) -> dict[str, float]:
        """Stage 2 on the current encoder; the head's loss and scores on train and validation."""
        self.encoder_weights_ = encoder_arrays(model)
        self._forget_onnx()
        x = embed_texts(model, tokenizer, texts)
        self.head_ = fit_logistic_head(x, y_idx, len(self.classes_), self.C)
        metrics = scored("train", np.log(self.head_.proba(x)), y_idx, "cross_entropy")
        if val is not None:
            x_val = embed_texts(model, tokenizer, val[0])
            metrics |= scored("val", np.log(self.head_.proba(x_val)), val[1], "cross_entropy")
        return metrics

    def encoder_weights(self) -> dict[str, np.ndarray]:
        return self.encoder_weights_

    def export_state(self) -> State:
        arrays = {ENCODER + key: value for key, value in self.encoder_weights_.items()}
        return arrays | self.head_.arrays(), self._base_extra()

    @classmethod
    def from_state(cls, params: dict[str, Any], arrays: dict[str, np.ndarray],
                   extra: dict[str, Any], classes: Sequence[str]) -> SetFitClassifier:
        model = cls(**params)
        model._restore_common(extra, classes, arrays)
        model.encoder_weights_ = {key.removeprefix(ENCODER): value for key, value in
                                  arrays.items() if key.startswith(ENCODER)}
        return model

    def _check_params(self) -> None:
        if min(self.num_iterations, self.max_pairs, self.epochs, self.batch_size,
               self.max_seq_len) < 1 or self.learning_rate <= 0 or not 0 <= self.warmup < 1:
            raise InvalidInputError(
                f"setfit: invalid parameters {self.get_params()} (counts must be at least 1, "
                "learning_rate above 0, 0 <= warmup < 1)",
                hint="fix the --param values")
