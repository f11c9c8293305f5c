"""``minilm-tagger``: MiniLM fine-tuned as a token classifier, served on ONNX Runtime in int8.

Where ``minilm-crf`` reads the stock encoder's token vectors, this model tunes the whole
encoder with a linear tag head (``tagger_training.py``, torch, the ``train`` extra), with
early stopping on validation entity micro-F1 like the fine-tuned classifiers (it is
*iterative*: ``textloop train`` monitors it and writes a verdict). Prediction needs no torch:
the tuned weights go through the embedders' graph builder (``finetune.onnx_encoder``), int8
by default (``precision``: the embedders' per-channel weights and per-token activations, so
a text's tags do not depend on its batch-mates), and are read per token by the same
``TokenEncoder`` as ``minilm-crf`` (long texts in overlapping windows, never truncated).

Decoding is constrained: the head's per-token log-probabilities go through the CRF module's
Viterbi with the scheme's allowed transitions (``crf.constrained_paths``), so every predicted
sequence reads strictly into spans, which map back to the project's tokens and from them to
code points of the stored text (``spans.tokens.to_char_spans``): a span never cuts a token,
whatever the tokenizer lowercased, stripped or dropped. A span's score is the product of
its tokens' probabilities of the tags chosen: the probability, under the head's independent
per-token softmax, that exactly these tokens carry exactly these tags.

The bundle holds the tuned encoder and head as float32 arrays and JSON (never a pickle), and
the base encoder's id, which loading checks (``finetune.base_encoder.check_base``).
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from textloop.errors import InvalidInputError
from textloop.models.embedders.onnx_embedder import ModelFiles
from textloop.models.embedders.token_states import OVERLAP, TokenEncoder
from textloop.models.finetune.base_encoder import (
    BASE_ID,
    ENCODER,
    check_base,
    load_base_encoder,
)
from textloop.models.finetune.linear_head import LinearHead
from textloop.models.finetune.onnx_encoder import write_tuned_files
from textloop.models.mlp.estimator import EpochCallback
from textloop.models.search_space import Choice, FloatRange, IntRange, Space
from textloop.models.span_model import TaggedText
from textloop.models.spans.crf import constrained_paths
from textloop.models.spans.shape import shape_features
from textloop.models.spans.targets import TagTargets, span_texts, tag_targets
from textloop.models.tags import ModelTags
from textloop.progress import NULL_PROGRESS, Progress
from textloop.spans import Span
from textloop.spans.matching import NO_SPANS, Token, match_spans, word_tokens
from textloop.spans.schemes import tag_rules, tags_to_spans
from textloop.spans.tokens import to_char_spans

State = tuple[dict[str, np.ndarray], dict[str, Any]]
SpanValidation = tuple[Sequence[str], Sequence[Sequence[Span]]]
PRECISIONS = ("int8", "fp32")
POOLINGS = ("first", "mean")
TRAIN_SCORED = 1000
"""Training texts scored after each epoch, at most (see ``MiniLMTagger._train_sample``)."""


class MiniLMTagger(BaseEstimator):
    """MiniLM + a linear tag head, fine-tuned end to end (see the module docstring).

    ``scheme``: IOB2 (or IOBES/BILOU); ``pooling``: a token's vector is its first piece's
    state or the mean of its pieces'; ``shape_features``: the head also reads capitalisation,
    digit and length flags; ``learning_rate`` (encoder) and ``head_learning_rate`` with a
    linear warm-up over ``warmup`` of the steps, then decay; ``epochs`` at most (early
    stopping may end sooner); ``max_seq_len`` pieces per window; ``precision`` of the
    served graph.
    """

    tuned_attribute = "encoder_weights_"
    search_space: ClassVar[Space] = {
        "learning_rate": FloatRange(2e-5, 2e-4, log=True), "epochs": IntRange(3, 10),
        "pooling": Choice(POOLINGS), "shape_features": Choice((True, False))}

    def __init__(self, scheme: str = "IOB2", pooling: str = "first",
                 shape_features: bool = True, learning_rate: float = 1e-4,
                 head_learning_rate: float = 1e-3, batch_size: int = 16, epochs: int = 6,
                 warmup: float = 0.1, weight_decay: float = 0.01, dropout: float = 0.1,
                 max_seq_len: int = 128, precision: str = "int8", seed: int = 0) -> None:
        self.scheme = scheme
        self.pooling = pooling
        self.shape_features = shape_features
        self.learning_rate = learning_rate
        self.head_learning_rate = head_learning_rate
        self.batch_size = batch_size
        self.epochs = epochs
        self.warmup = warmup
        self.weight_decay = weight_decay
        self.dropout = dropout
        self.max_seq_len = max_seq_len
        self.precision = precision
        self.seed = seed

    def __textloop_tags__(self) -> ModelTags:
        return ModelTags(task="spans", iterative=True, own_epochs=True,
                         reports_progress=True, fine_tunes=True, tags_tokens=True)

    # -- fit ------------------------------------------------------------------------------

    def fit(self, X: Sequence[str], y: Sequence[Sequence[Span]], *,
            validation: SpanValidation | None = None, on_epoch: EpochCallback | None = None,
            progress: Progress = NULL_PROGRESS) -> MiniLMTagger:
        """Up to ``epochs`` epochs; after each, train and validation loss and entity
        micro-F1 go to ``on_epoch``, which may stop training (restoring the best epoch's
        weights is the caller's choice, through ``get_weights``/``set_weights``)."""
        from textloop.models.finetune.tokenizer import truncating_tokenizer
        from textloop.models.finetune.torch_encoder import encoder_arrays, torch_bert
        from textloop.models.finetune.torch_support import linear_schedule, require_torch
        from textloop.models.spans import tagger_training as training

        self._check_params()
        texts = span_texts(X)
        targets = tag_targets(texts, y, self.scheme)
        torch = require_torch("fine-tuning minilm-tagger")
        torch.manual_seed(self.seed)
        rng = np.random.default_rng(self.seed)
        base = load_base_encoder(progress)
        tokenizer = truncating_tokenizer(base, self.max_seq_len)
        n_tags = len(targets.rules.tags)
        items = training.windows(tokenizer, texts, targets.tokens, targets.tags,
                                 self.shape_features)
        sample, sample_items = self._train_sample(targets, items, rng)
        val = None
        if validation is not None and len(validation[0]):
            val_texts = span_texts(validation[0])
            val_targets = tag_targets(val_texts, validation[1], self.scheme, targets.labels)
            val = (val_targets, training.windows(tokenizer, val_texts, val_targets.tokens,
                                                 val_targets.tags, self.shape_features))
        net = training.tagger_net(torch_bert(base, "fine-tuning minilm-tagger", self.dropout),
                                  n_tags, self.shape_features, self.dropout)
        optimizer = torch.optim.AdamW([
            {"params": net.encoder.parameters(), "lr": self.learning_rate},
            {"params": net.head.parameters(), "lr": self.head_learning_rate}],
            weight_decay=self.weight_decay)
        steps = -(-len(items) // self.batch_size)
        scheduler = linear_schedule(optimizer, steps * self.epochs, self.warmup)
        self.classes_ = np.asarray(targets.labels, dtype=object)
        self.tags_ = list(targets.rules.tags)
        self.epochs_run_ = 0
        for epoch in range(1, self.epochs + 1):
            with progress.task(f"minilm-tagger epoch {epoch} on {len(texts):,} texts",
                               total=len(items)) as task:
                training.train_epoch(net, items, self.pooling, self.batch_size, optimizer,
                                     scheduler, rng, task)
            head = LinearHead(net.head.weight.detach().numpy().astype(np.float32, copy=True),
                              net.head.bias.detach().numpy().astype(np.float32, copy=True))
            self.set_weights((encoder_arrays(net.encoder), head))
            self.epochs_run_ = epoch
            metrics = self._scores("train", sample, training.log_probabilities(
                net, sample_items, len(sample.tokens), n_tags, self.pooling))
            if val is not None:
                metrics |= self._scores("val", val[0], training.log_probabilities(
                    net, val[1], len(val[0].tokens), n_tags, self.pooling))
            if on_epoch is not None and on_epoch(epoch, metrics, self):
                break
        return self

    @staticmethod
    def _train_sample(targets: TagTargets, items: Sequence[Any], rng: np.random.Generator
                      ) -> tuple[TagTargets, list[Any]]:
        """The training texts scored after each epoch: all of them, or a fixed sample of
        ``TRAIN_SCORED`` (scoring every text of a large corpus would add a third to each
        epoch, and the verdict reads trends, which a sample shows as well)."""
        n = len(targets.tokens)
        if n <= TRAIN_SCORED:
            return targets, list(items)
        chosen = np.sort(rng.choice(n, TRAIN_SCORED, replace=False))
        position = {int(text): i for i, text in enumerate(chosen)}
        sample = TagTargets(targets.labels, targets.rules,
                            [targets.tokens[i] for i in chosen], [targets.tags[i] for i in chosen])
        return sample, [replace(w, text=position[w.text]) for w in items if w.text in position]

    def _scores(self, prefix: str, targets: TagTargets, log_probs: Sequence[np.ndarray]
                ) -> dict[str, float]:
        """``PREFIX/loss`` (mean negative log-likelihood per token) and
        ``PREFIX/entity_micro_f1`` (strict: same tokens and type; a validation span of a
        label the model never saw counts as outside here, and fully in ``textloop train``'s
        own ``val/`` scores)."""
        gold = np.concatenate([np.asarray(t, dtype=np.int64) for t in targets.tags])
        flat = (np.concatenate(log_probs) if len(gold)
                else np.zeros((0, len(self.tags_))))
        loss = float(-flat[np.arange(len(gold)), gold].mean()) if len(gold) else 0.0
        match = NO_SPANS
        for path, tags in zip(constrained_paths(log_probs, targets.rules), targets.tags,
                              strict=True):
            match += match_spans(self._token_spans(tags), self._token_spans(path))
        return {f"{prefix}/loss": loss, f"{prefix}/entity_micro_f1": match.f1() or 0.0}

    def _token_spans(self, path: Sequence[int]) -> list[Span]:
        return tags_to_spans([self.tags_[i] for i in path], self.scheme)

    # -- weights (early stopping restores the best epoch's) -------------------------------

    def get_weights(self) -> tuple[dict[str, np.ndarray], LinearHead]:
        """The tuned arrays and the head (each epoch makes new arrays: no copy needed)."""
        return self.encoder_weights_, self.head_

    def set_weights(self, weights: tuple[dict[str, np.ndarray], LinearHead]) -> None:
        self.encoder_weights_, self.head_ = weights
        self._encoders: dict[str, TokenEncoder] = {}
        """One per precision; their graph folders in ``_folders``."""
        self._folders: list[tempfile.TemporaryDirectory[str]] = []

    # -- predict --------------------------------------------------------------------------

    def _token_encoder(self) -> TokenEncoder:
        """The tuned encoder's per-token vectors at ``precision``, built on first use."""
        if self.precision not in PRECISIONS:
            raise InvalidInputError(f"minilm-tagger: precision {self.precision!r} (expected "
                                    "int8 or fp32)", hint="set precision to int8 or fp32")
        encoders = self._encoders  # set with the weights
        if self.precision not in encoders:
            folder = tempfile.TemporaryDirectory(prefix="textloop-tagger-")
            self._folders.append(folder)  # lives as long as the model
            precision, weights, base = self.precision, self.encoder_weights_, load_base_encoder()

            def locate(progress: Progress) -> ModelFiles:
                return write_tuned_files(Path(folder.name), weights, base, self.max_seq_len,
                                         precision, progress)

            window = min(self.max_seq_len, base.max_seq_length) - 2
            encoder = TokenEncoder(f"minilm-tagger/{precision}", int(base.config["hidden_size"]),
                                   locate, overlap=min(OVERLAP, window // 4))
            encoders[self.precision] = encoder
        return encoders[self.precision]

    def log_probabilities(self, texts: Sequence[str], tokens: Sequence[Sequence[Token]],
                          progress: Progress = NULL_PROGRESS) -> list[np.ndarray]:
        """float64 [tokens, tags] per text from the ONNX graph: what decoding reads."""
        check_is_fitted(self, "head_")
        vectors = self._token_encoder().encode(texts, tokens, pooling=self.pooling,
                                               progress=progress)
        out = []
        for text, offsets, rows in zip(texts, tokens, vectors, strict=True):
            if self.shape_features:
                rows = np.hstack([rows, shape_features(text, offsets)])
            scores = self.head_.scores(rows)
            peak = scores.max(axis=1, keepdims=True) if len(scores) else 0.0
            shifted = scores - peak
            out.append(shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True)))
        return out

    def _decoded(self, X: Sequence[str]
                 ) -> tuple[list[list[Token]], list[np.ndarray], list[list[int]]]:
        """Each text's tokens, tag log-probabilities and best valid tag path."""
        check_is_fitted(self, "head_")
        texts = span_texts(X)
        tokens = [word_tokens(text) for text in texts]
        log_probs = self.log_probabilities(texts, tokens)
        rules = tag_rules(list(self.classes_), self.scheme)
        return tokens, log_probs, constrained_paths(log_probs, rules)

    def predict_scored(self, X: Sequence[str]) -> list[list[tuple[Span, float]]]:
        """Per text, its spans (code points, canonical order), each with the product of its
        tokens' probabilities of the tags chosen."""
        out: list[list[tuple[Span, float]]] = []
        for offsets, rows, path in zip(*self._decoded(X), strict=True):
            token_spans = self._token_spans(path)
            chosen = rows[np.arange(len(path)), path] if path else np.zeros(0)
            out.append(sorted(
                (span, float(min(1.0, np.exp(chosen[ts.start:ts.end].sum()))))
                for span, ts in zip(to_char_spans(token_spans, offsets), token_spans,
                                    strict=True)))
        return out

    def predict_tagged(self, X: Sequence[str]) -> list[TaggedText]:
        """Per text, its word tokens, the best valid tag sequence, each token's tag
        probabilities (the head's softmax) and the sequence's log-probability under them
        (``span_model.TaggedText``)."""
        return [TaggedText(list(offsets), [self.tags_[i] for i in path], list(self.tags_),
                           np.exp(rows), float(rows[np.arange(len(path)), path].sum()))
                for offsets, rows, path in zip(*self._decoded(X), strict=True)]

    def predict(self, X: Sequence[str]) -> list[list[Span]]:
        """Per text, the spans of its most probable valid tag sequence (code points)."""
        return [[span for span, _ in row] for row in self.predict_scored(X)]

    # -- state ----------------------------------------------------------------------------

    def export_state(self) -> State:
        check_is_fitted(self, "head_")
        arrays = {ENCODER + key: value for key, value in self.encoder_weights_.items()}
        return arrays | self.head_.arrays(), {"base": BASE_ID, "tags": self.tags_,
                                              "epochs_run": self.epochs_run_}

    @classmethod
    def from_state(cls, params: dict[str, Any], arrays: dict[str, np.ndarray],
                   extra: dict[str, Any], classes: Sequence[str]) -> MiniLMTagger:
        """Refuses a state tuned from another base encoder, or whose tags do not follow
        from its labels and scheme."""
        check_base(extra)
        model = cls(**params)
        rules = tag_rules(list(classes), model.scheme)
        if list(extra.get("tags", [])) != list(rules.tags):
            raise ValueError(f"tags {extra.get('tags')} do not match labels {list(classes)} "
                             f"in {model.scheme}")
        head = LinearHead.from_arrays(arrays)
        if head.weight.shape[0] != len(rules.tags):
            raise ValueError(f"a head of {head.weight.shape[0]} tags for {len(rules.tags)}")
        model.classes_ = np.asarray(list(classes), dtype=object)
        model.tags_ = list(rules.tags)
        model.epochs_run_ = int(extra.get("epochs_run", 0))
        model.set_weights(({key.removeprefix(ENCODER): value for key, value in arrays.items()
                            if key.startswith(ENCODER)}, head))
        return model

    def _check_params(self) -> None:
        problems = []
        if self.precision not in PRECISIONS:
            problems.append(f"precision {self.precision!r} (use int8 or fp32)")
        if self.pooling not in POOLINGS:
            problems.append(f"pooling {self.pooling!r} (use first or mean)")
        if min(self.batch_size, self.epochs) < 1 or self.max_seq_len < 8:
            problems.append("batch_size and epochs must be at least 1, max_seq_len at least 8")
        if min(self.learning_rate, self.head_learning_rate) <= 0 or not 0 <= self.warmup < 1 \
                or not 0 <= self.dropout < 1:
            problems.append("learning rates must be positive, warmup and dropout in [0, 1)")
        if problems:
            raise InvalidInputError(f"minilm-tagger: invalid {'; '.join(problems)}",
                                    hint="fix the --param values")
