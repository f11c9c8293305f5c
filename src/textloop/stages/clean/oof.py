"""Out-of-fold predicted probabilities: each record scored by a model that never saw it.

Label-issue detection needs probabilities a model did not fit to the record's own (possibly
wrong) label; k-fold cross-validation gives one such probability row per record. Any
registered model works (it follows scikit-learn's estimator convention, so it is cloned per
fold); embedding models get the cached embeddings instead of texts. A model that reports
its own progress (a fine-tuned encoder, ``tuned_view.py``) shows it inside each fold.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.model_selection import StratifiedKFold

from textloop.errors import InvalidInputError
from textloop.executors import Executor
from textloop.models.classifiers import make_model
from textloop.models.tags import model_tags
from textloop.progress import NULL_PROGRESS, Progress
from textloop.stages.select.folds import make_folds, run_folds


def check_folds(labels: Sequence[str], folds: int) -> None:
    """Refuse what cross-validation cannot do, saying what to change."""
    if folds < 2:
        raise InvalidInputError(f"--folds is {folds} (expected at least 2)",
                                hint="use 5 folds, the default")
    if len(set(labels)) < 2:
        found = next(iter(set(labels)), "none")
        raise InvalidInputError(
            f"all {len(labels):,} labeled records carry the same label ({found!r}); finding "
            "label issues needs at least two classes", hint="label records of another class")
    if len(labels) < folds:
        raise InvalidInputError(
            f"{len(labels):,} labeled records are fewer than the {folds} folds",
            hint=f"label at least {folds} records, or pass a smaller --folds")


def out_of_fold_proba(model: str, texts: Sequence[str], embeddings: np.ndarray | None,
                      labels: Sequence[str], classes: Sequence[str], *, folds: int = 5,
                      seed: int = 0, language: str | None = None,
                      params: dict[str, Any] | None = None,
                      executor: Executor | None = None,
                      progress: Progress = NULL_PROGRESS) -> tuple[str, np.ndarray]:
    """(full model name, [n, len(classes)] probabilities), columns in ``classes`` order;
    ``model`` starts from its defaults for ``language``, as in ``textloop train``, with
    ``params`` over them. Each record's row comes from the one fold model that did not
    train on it. The folds are fitted on ``executor`` (default: this process), each a pure
    task (``stages.select.folds``), so the rows are the same on every engine.
    """
    check_folds(labels, folds)
    full_name, estimator = make_model(model, params, language=language)
    tags = model_tags(estimator)
    x: Any = embeddings if tags.needs_embeddings else list(texts)
    if x is None:
        raise InvalidInputError(f"model {full_name} needs embeddings, none were given",
                                hint="pass the records' embeddings")
    y = np.asarray(labels, dtype=object)
    out = np.zeros((len(y), len(classes)), dtype=np.float64)
    with warnings.catch_warnings():
        # a class rarer than the number of folds is fine here; sklearn's warning is noise
        warnings.filterwarnings("ignore", message="The least populated class")
        splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
        splits = list(splitter.split(np.zeros(len(y)), y))
    with progress.task(f"Cross-validating {full_name.split('.')[2]} ({folds} folds)",
                       total=folds) as task:
        work = make_folds(estimator, x, y, splits, classes,
                          progress=progress if tags.reports_progress else NULL_PROGRESS)
        for (_, test), proba in zip(splits, run_folds(work, executor), strict=True):
            out[test] = proba
            task.advance()
    return full_name, out
