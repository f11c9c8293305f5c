"""The out-of-fold span view: a fine-tuned tagger on a CPU budget, and minilm-crf in its
place where torch is missing."""

from __future__ import annotations

from typing import Any

import pytest
from sklearn.base import BaseEstimator

from textloop.models.tags import ModelTags
from textloop.spans import Span
from textloop.stages.clean import span_oof
from textloop.stages.clean.span_oof import VIEW_EPOCHS, VIEW_VALIDATION, span_view


def test_a_fine_tuned_view_falls_back_to_minilm_crf_where_torch_is_missing(monkeypatch) -> None:
    monkeypatch.setattr(span_oof, "torch_installed", lambda: False)
    name, warning = span_view("minilm-tagger")
    assert name == "minilm-crf"
    assert warning is not None and "minilm-tagger needs torch" in warning
    assert 'pip install "textloop[train]"' in warning and "used minilm-crf" in warning
    # a view that needs no torch is kept as named, silently
    assert span_view("minilm-crf") == ("minilm-crf", None)


@pytest.mark.skipif(not span_oof.torch_installed(), reason="needs the train extra")
def test_a_fine_tuned_view_is_kept_where_torch_is_installed() -> None:
    assert span_view("minilm-tagger") == ("minilm-tagger", None)


class _Tuner(BaseEstimator):
    """A fine-tuning span model whose validation F1 per epoch is scripted."""

    def __init__(self, epochs: int = 6, scores: tuple[float, ...] = ()) -> None:
        self.epochs = epochs
        self.scores = scores

    def __textloop_tags__(self) -> ModelTags:
        return ModelTags(task="spans", iterative=True, own_epochs=True, fine_tunes=True,
                         tags_tokens=True)

    def fit(self, X: list[str], y: list[list[Span]], *, validation: Any = None,
            on_epoch: Any = None) -> _Tuner:
        self.seen_, self.validation_, self.weights_, self.ran_ = list(X), validation, 0, 0
        for epoch in range(1, self.epochs + 1):
            self.weights_, self.ran_ = epoch, epoch
            if on_epoch(epoch,
                        {"val/entity_micro_f1": self.scores[epoch - 1]}, self):
                break
        return self

    def get_weights(self) -> int:
        return self.weights_

    def set_weights(self, weights: int) -> None:
        self.weights_ = weights


def test_a_fine_tuned_fold_trains_few_epochs_and_stops_early_on_held_out_records() -> None:
    texts = [f"text {i}" for i in range(40)]
    spans = [[Span(0, 4, "X")] for _ in texts]
    # improves, then drops: stop after one epoch without improvement, keep the best
    fitted = span_oof._fit(_Tuner(epochs=10, scores=(0.2, 0.5, 0.4, 0.9, 0.9)), texts, spans, 0)
    assert fitted.epochs == VIEW_EPOCHS and fitted.ran_ == 3 and fitted.weights_ == 2
    held = round(VIEW_VALIDATION * len(texts))
    assert len(fitted.validation_[0]) == held and len(fitted.seen_) == len(texts) - held
    assert not set(fitted.validation_[0]) & set(fitted.seen_)
    # a model that does not fine-tune is fitted as it is, on everything
    plain = span_oof._fit(_Plain(), texts, spans, 0)
    assert plain.seen_ == texts


class _Plain(BaseEstimator):
    def __textloop_tags__(self) -> ModelTags:
        return ModelTags(task="spans", tags_tokens=True)

    def fit(self, X: list[str], y: list[list[Span]]) -> _Plain:
        self.seen_ = list(X)
        return self
