"""Out-of-fold token probabilities for span projects: each text tagged by a span model that
never saw its spans.

As ``oof.py`` does for classes: k folds, each fitting a clone of the model on the other
folds and tagging the held-out texts (``predict_tagged``: tokens, best valid tags and every
token's tag marginals). Folds are stratified by the task's strata (the set of types a
record's spans carry), so every fold trains on each mix of types. The model must tag word
tokens (tag ``tags_tokens``); the token vectors of a text never change between folds, so
cross-validation runs under ``token_states.memo`` and each text is encoded once: every fold
after the first costs only its CRF fit.

**A fine-tuned view** (``minilm-tagger``, the ``train`` extra) tags better (BC5CDR test
0.82 against minilm-crf's 0.69) but each fold fine-tunes the encoder. Out of fold it runs
on a budget: at most ``VIEW_EPOCHS`` epochs, stopped early when entity F1 on a seeded
``VIEW_VALIDATION`` share of the fold's training records stops improving (patience 1, the
best epoch's weights restored). Where torch is missing, ``span_view`` falls back to
``minilm-crf`` and says so, rather than failing a cleaning that can run without it.
"""

from __future__ import annotations

import importlib.util
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.base import clone
from sklearn.model_selection import KFold, StratifiedKFold

from textloop.errors import InvalidInputError
from textloop.models.classifiers import make_model
from textloop.models.embedders import token_states
from textloop.models.span_model import TaggedText
from textloop.models.tags import model_tags
from textloop.progress import NULL_PROGRESS, Progress
from textloop.spans import Span
from textloop.stages.train.monitoring.early_stopping import EarlyStopping

DEFAULT_MODEL = "minilm-crf"
MEMO_BYTES = 2 << 30
"""Token vectors kept during cross-validation: about 2.5 M tokens of MiniLM's 384 floats,
far more than a project's labeled records carry."""
VIEW_EPOCHS = 3
"""Epochs at most per fold for a fine-tuned view (see the module docstring)."""
VIEW_VALIDATION = 0.1
"""Share of a fold's training records a fine-tuned view stops early on."""


def check_span_folds(spans: Sequence[Sequence[Span]], folds: int) -> None:
    """Refuse what cross-validating a span model cannot do, saying what to change."""
    if folds < 2:
        raise InvalidInputError(f"--folds is {folds} (expected at least 2)",
                                hint="use 5 folds, the default")
    if len(spans) < folds:
        raise InvalidInputError(
            f"{len(spans):,} labeled records are fewer than the {folds} folds",
            hint=f"label at least {folds} records, or pass a smaller --folds")
    with_spans = sum(1 for row in spans if row)
    if with_spans < folds:
        raise InvalidInputError(
            f"only {with_spans:,} of {len(spans):,} labeled records carry a span; each of the "
            f"{folds} folds must train on some", hint="label spans on more records, or pass "
                                                      "a smaller --folds")


def span_model(name: str) -> tuple[str, object]:
    """(full name, unfitted estimator) of a span model that tags tokens; refuses others."""
    full, estimator = make_model(name)
    tags = model_tags(estimator)
    if tags.task != "spans" or not tags.tags_tokens:
        raise InvalidInputError(
            f"model {full} does not tag tokens (finding span label errors needs each "
            "token's tag probabilities)", hint=f"use --model {DEFAULT_MODEL}")
    return full, estimator


def torch_installed() -> bool:
    """Whether a fine-tuned view can train here (the ``train`` extra's torch)."""
    return importlib.util.find_spec("torch") is not None


def span_view(name: str) -> tuple[str, str | None]:
    """(model to cross-validate, warning or None): ``name``, or ``minilm-crf`` when ``name``
    fine-tunes an encoder and torch is not installed."""
    _, estimator = span_model(name)
    if model_tags(estimator).fine_tunes and not torch_installed():
        return DEFAULT_MODEL, (
            f"{name} needs torch to fine-tune (pip install \"textloop[train]\"), which is not "
            f"installed: span label errors used {DEFAULT_MODEL} out of fold instead")
    return name, None


def out_of_fold_tagged(model: str, texts: Sequence[str], spans: Sequence[Sequence[Span]],
                       strata: Sequence[int], *, folds: int = 5, seed: int = 0,
                       progress: Progress = NULL_PROGRESS) -> tuple[str, list[TaggedText]]:
    """(full model name, one ``TaggedText`` per text from the fold that held it out)."""
    check_span_folds(spans, folds)
    full_name, estimator = span_model(model)
    out: list[TaggedText | None] = [None] * len(texts)
    given = [list(row) for row in spans]
    with token_states.memo(MEMO_BYTES), progress.task(
            f"Cross-validating {full_name.split('.')[2]} ({folds} folds)", total=folds) as task:
        for train, test in _splits(np.asarray(strata), folds, seed):
            fitted = _fit(clone(estimator), [texts[i] for i in train],
                          [given[i] for i in train], seed)
            for i, tagged in zip(test, fitted.predict_tagged([texts[i] for i in test]),
                                 strict=True):
                out[int(i)] = tagged
            task.advance()
    return full_name, [row for row in out if row is not None]


def _fit(estimator: Any, texts: list[str], spans: list[list[Span]], seed: int) -> Any:
    """Fit one fold's model; a fine-tuned one on the budget of the module docstring."""
    if not model_tags(estimator).fine_tunes:
        return estimator.fit(texts, spans)
    estimator.set_params(epochs=min(int(estimator.epochs), VIEW_EPOCHS))
    order = np.random.default_rng(seed).permutation(len(texts))
    held = set(order[:max(1, round(VIEW_VALIDATION * len(texts)))].tolist())
    fit = [i for i in range(len(texts)) if i not in held]
    stopper = EarlyStopping(monitor="val/entity_micro_f1", patience=1)
    estimator.fit([texts[i] for i in fit], [spans[i] for i in fit],
                  validation=([texts[i] for i in sorted(held)], [spans[i] for i in sorted(held)]),
                  on_epoch=stopper.on_epoch)
    stopper.finish(estimator)
    return estimator


def _splits(strata: np.ndarray, folds: int, seed: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Stratified folds, or plain shuffled ones when no stratum has ``folds`` members
    (scikit-learn refuses to stratify then)."""
    if np.bincount(strata).max() >= folds:
        splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
        with warnings.catch_warnings():
            # a stratum rarer than the folds is fine here; sklearn's warning is noise
            warnings.filterwarnings("ignore", message="The least populated class")
            return list(splitter.split(np.zeros(len(strata)), strata))
    return list(KFold(n_splits=folds, shuffle=True, random_state=seed).split(strata))
