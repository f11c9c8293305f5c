"""A fine-tuned encoder as a cleaning view, at a cost a CPU can pay.

A frozen encoder's errors are as frequent as the noise on hard text (sentiment), so its
out-of-fold probabilities call correct labels wrong. Fine-tuning the encoder makes a
stronger view, but it costs about a hundred times a logistic regression on cached
embeddings, once per fold. What keeps it affordable:

- fewer folds for this view (``CleanOptions.tuned_folds``, default 3): every record is
  still scored by a model that never saw it, the fold models just train on two thirds of
  the records instead of four fifths;
- one epoch (``epochs=1``): ``lora`` starts from the logistic head on the stock
  embeddings (what ``embed-lr`` predicts) and tunes from there; further epochs cost as
  much again and fit more of the noise;
- a maximum sequence length suited to the texts (the 95th percentile of their token
  counts, rounded up to a multiple of 8, at most 128): attention and padding cost grow
  with it, and short texts pay for none of the unused positions;
- a budget (``CleanOptions.budget_minutes``): the cost is estimated from two timed fits
  on small samples (fixed cost + cost per record, so loading the encoder is not mistaken
  for per-record cost) and the view is skipped, with a warning, when it would take longer.

``finetune`` names the default fine-tuned view (``lora``); any registered model that
fine-tunes (``setfit``, ``lora``) works as a view. Fitting needs ``textloop[train]``.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from textloop.models.classifiers import make_model
from textloop.models.finetune.base_encoder import load_base_encoder
from textloop.models.finetune.tokenizer import truncating_tokenizer
from textloop.models.finetune.torch_support import require_torch
from textloop.models.tags import model_tags
from textloop.progress import NULL_PROGRESS, Progress
from textloop.registry import REGISTRY
from textloop.stages.clean.oof import out_of_fold_proba

TUNED_ALIAS = "finetune"
"""The name of the default fine-tuned cleaning view."""
TUNED_DEFAULT = "lora"
"""What ``finetune`` stands for: LoRA trains on every record (SetFit samples a capped
number of pairs, made for a few labels) and its bundle-free fold models stay small."""
PROBE_ROWS = (32, 96)
"""Sample sizes of the two timed fits behind the cost estimate."""
MAX_SEQ_LEN = 128


def resolve_view(model: str) -> str:
    """``finetune`` -> the default fine-tuned model; other names unchanged."""
    return TUNED_DEFAULT if model == TUNED_ALIAS else model


def is_tuned(model: str) -> bool:
    """Whether the registered model fine-tunes an encoder (and so needs torch to fit)."""
    return model_tags(REGISTRY.resolve("model", resolve_view(model))[1]).fine_tunes


def check_tuned_views(models: Sequence[str]) -> None:
    """Refuse, before anything is embedded, a fine-tuned view without the train extra."""
    for model in models:
        if is_tuned(model):
            require_torch(f"the {resolve_view(model)} cleaning view")


def seq_len_for(token_counts: Sequence[int]) -> int:
    """The 95th percentile of the texts' token counts (special tokens included), rounded up
    to a multiple of 8, within 16..MAX_SEQ_LEN: long outliers are cut, not padded for."""
    if not len(token_counts):
        return MAX_SEQ_LEN
    p95 = float(np.percentile(np.asarray(token_counts, dtype=np.float64), 95))
    return int(min(MAX_SEQ_LEN, max(16, 8 * int(np.ceil(p95 / 8)))))


def cleaning_params(texts: Sequence[str]) -> dict[str, Any]:
    """The fold models' settings: one epoch, the sequence length the texts need."""
    tokenizer = truncating_tokenizer(load_base_encoder(), MAX_SEQ_LEN)
    counts = [len(e.ids) for e in tokenizer.encode_batch(list(texts))]
    return {"epochs": 1, "max_seq_len": seq_len_for(counts)}


@dataclass(frozen=True)
class CostModel:
    """Seconds = fixed + per-record cost, for fitting and for predicting, from timed fits."""

    fit_fixed: float
    fit_per_row: float
    predict_fixed: float
    predict_per_row: float

    def seconds(self, n: int, folds: int) -> float:
        """All folds over ``n`` records: each trains on n(folds-1)/folds and scores n/folds."""
        train, test = n * (folds - 1) / folds, n / folds
        return folds * (self.fit_fixed + self.fit_per_row * train
                        + self.predict_fixed + self.predict_per_row * test)

    def seconds_per_10k(self, folds: int) -> float:
        return self.seconds(10_000, folds)


def linear_cost(points: Sequence[tuple[int, float]]) -> tuple[float, float]:
    """(fixed, per-record) seconds through two (records, seconds) timings. A noisy timing
    (the larger sample no slower) falls back to the larger one's mean cost per record,
    which overestimates: a budget check should rather skip than overrun."""
    (n1, t1), (n2, t2) = points
    per_row = (t2 - t1) / (n2 - n1)
    if per_row <= 0:
        return 0.0, t2 / n2
    return max(0.0, t1 - per_row * n1), per_row


def measure_cost(model: str, params: dict[str, Any], texts: Sequence[str],
                 labels: Sequence[str], *, seed: int = 0, language: str | None = None,
                 progress: Progress = NULL_PROGRESS) -> CostModel:
    """Fit and predict on two stratified-enough random samples (``PROBE_ROWS``), timed."""
    rng = np.random.default_rng(seed)
    fit_points, predict_points = [], []
    with progress.task(f"Timing {resolve_view(model)} on small samples",
                       total=len(PROBE_ROWS)) as task:
        for size in PROBE_ROWS:
            rows = _sample(labels, min(size, len(texts)), rng)
            _, estimator = make_model(resolve_view(model), params, language=language)
            picked = [texts[i] for i in rows]
            started = time.perf_counter()
            estimator.fit(picked, [labels[i] for i in rows])
            fitted = time.perf_counter()
            estimator.predict_proba(picked)
            fit_points.append((len(rows), fitted - started))
            predict_points.append((len(rows), time.perf_counter() - fitted))
            task.advance()
    return CostModel(*linear_cost(fit_points), *linear_cost(predict_points))


def _sample(labels: Sequence[str], size: int, rng: np.random.Generator) -> np.ndarray:
    """``size`` random rows holding at least one record of every class where possible."""
    y = np.asarray(labels, dtype=object)
    firsts = [int(rng.choice(np.flatnonzero(y == c))) for c in sorted(set(labels))][:size]
    rest = rng.permutation(np.setdiff1d(np.arange(len(y)), firsts))[:size - len(firsts)]
    return np.concatenate([np.asarray(firsts, dtype=np.int64), rest.astype(np.int64)])


@dataclass(frozen=True)
class TunedView:
    name: str
    """The full model name (``textloop.model.lora.v1``)."""
    proba: np.ndarray | None
    """Out-of-fold probabilities; None when the budget skipped the view."""
    folds: int
    warning: str | None = None
    estimate_seconds: float | None = None


def tuned_view(model: str, texts: Sequence[str], labels: Sequence[str],
               classes: Sequence[str], *, folds: int, tuned_folds: int,
               budget_minutes: float | None = None, seed: int = 0,
               language: str | None = None, progress: Progress = NULL_PROGRESS) -> TunedView:
    """Out-of-fold probabilities of a fine-tuned model on ``min(folds, tuned_folds)`` folds,
    or a skipped view when the estimated time exceeds ``budget_minutes``."""
    name = resolve_view(model)
    check_tuned_views([name])
    k = max(2, min(folds, tuned_folds))
    params = cleaning_params(texts)
    full = REGISTRY.resolve("model", name)[0]
    estimate = None
    if budget_minutes is not None:
        cost = measure_cost(name, params, texts, labels, seed=seed, language=language,
                            progress=progress)
        estimate = cost.seconds(len(texts), k)
        if estimate > budget_minutes * 60:
            fewer = ", pass --tuned-folds 2" if k > 2 else ""
            return TunedView(full, None, k, (
                f"the {name} view was skipped: about {estimate / 60:.1f} min estimated for "
                f"{k} folds over {len(texts):,} records (max_seq_len "
                f"{params['max_seq_len']}), over --budget-minutes {budget_minutes:g}; "
                f"raise the budget{fewer} or leave the view out"), estimate)
    full, proba = out_of_fold_proba(name, texts, None, labels, classes, folds=k, seed=seed,
                                    language=language, params=params, progress=progress)
    return TunedView(full, proba, k, None, estimate)
