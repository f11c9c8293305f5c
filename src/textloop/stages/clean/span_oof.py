"""Out-of-fold token probabilities for span projects: each text tagged by a span model that
never saw its spans.

As ``oof.py`` does for classes: k folds, each fitting a clone of the model on the other
folds and tagging the held-out texts (``predict_tagged``: tokens, best valid tags and every
token's tag marginals). Folds are stratified by the task's strata (the set of types a
record's spans carry), so every fold trains on each mix of types. The model must tag word
tokens (tag ``tags_tokens``); the token vectors of a text never change between folds, so
cross-validation runs under ``token_states.memo`` and each text is encoded once: every fold
after the first costs only its CRF fit.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

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

DEFAULT_MODEL = "minilm-crf"
MEMO_BYTES = 2 << 30
"""Token vectors kept during cross-validation: about 2.5 M tokens of MiniLM's 384 floats,
far more than a project's labeled records carry."""


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
            fitted = clone(estimator).fit([texts[i] for i in train], [given[i] for i in train])
            for i, tagged in zip(test, fitted.predict_tagged([texts[i] for i in test]),
                                 strict=True):
                out[int(i)] = tagged
            task.advance()
    return full_name, [row for row in out if row is not None]


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
