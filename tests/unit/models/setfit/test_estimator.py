"""``setfit``: contrastive tuning changes the encoder, predicts on ONNX, round-trips arrays."""

from __future__ import annotations

import dataclasses
import sys

import numpy as np
import pytest

from tests.unit.models.finetune.few_shot import few_shot, fit_recording, held_out
from textloop.errors import MissingExtraError
from textloop.models.bundle import from_bundle, to_bundle
from textloop.models.finetune.base_encoder import load_base_encoder
from textloop.models.finetune.tokenizer import truncating_tokenizer
from textloop.models.finetune.torch_encoder import embed_texts, torch_bert
from textloop.models.setfit import SetFitClassifier
from textloop.storage.bundles import load_bundle, save_bundle

pytestmark = pytest.mark.model
TINY = {"max_pairs": 48, "max_seq_len": 32, "learning_rate": 1e-4}


@pytest.fixture(scope="module")
def fitted() -> tuple[SetFitClassifier, list[dict[str, float]]]:
    return fit_recording(SetFitClassifier(**TINY))


def test_tuning_changes_the_encoder_but_not_the_word_table(fitted) -> None:
    model, _ = fitted
    base = load_base_encoder().weights
    key = "encoder.layer.3.attention.self.query.weight"
    assert np.abs(model.encoder_weights_[key] - base[key]).max() > 1e-6
    table = "embeddings.word_embeddings.weight"
    np.testing.assert_array_equal(model.encoder_weights_[table], base[table])


def test_reports_the_head_losses_and_the_contrastive_loss(fitted) -> None:
    _, epochs = fitted
    assert len(epochs) == 1
    assert {"train/loss", "val/loss", "val/macro_f1", "train/contrastive_loss"} <= set(epochs[0])
    assert 0.0 < epochs[0]["train/contrastive_loss"] < 1.0


def test_probabilities_cover_both_classes_and_sum_to_one(fitted) -> None:
    model, _ = fitted
    texts, labels = held_out()
    proba = model.predict_proba(texts)
    assert proba.shape == (len(texts), 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-9)
    assert list(model.classes_) == ["ham", "spam"]
    assert np.mean(model.predict(texts) == np.array(labels, dtype=object)) >= 0.75


def test_onnx_prediction_embeds_as_the_tuned_torch_encoder(fitted) -> None:
    model, _ = fitted
    texts, _ = held_out(10)
    base = dataclasses.replace(load_base_encoder(), weights=model.encoder_weights_)
    in_torch = embed_texts(torch_bert(base, "test"), truncating_tokenizer(base, 32), texts)
    cosine = np.sum(model.embed(texts) * in_torch, axis=1)
    assert cosine.min() > 0.9999


def test_bundle_round_trip_gives_identical_probabilities(fitted, tmp_path) -> None:
    model, _ = fitted
    save_bundle(tmp_path / "b", to_bundle(model, "textloop.model.setfit.v1", {}))
    restored = from_bundle(load_bundle(tmp_path / "b"), "b")
    texts, _ = held_out()
    np.testing.assert_array_equal(restored.predict_proba(texts), model.predict_proba(texts))



def test_a_restored_model_predicts_without_torch(fitted, tmp_path, monkeypatch) -> None:
    model, _ = fitted
    save_bundle(tmp_path / "b", to_bundle(model, "textloop.model.setfit.v1", {}))
    for module in ("torch", "transformers", "peft"):
        monkeypatch.setitem(sys.modules, module, None)
    restored = from_bundle(load_bundle(tmp_path / "b"), "b")
    texts, _ = held_out(10)
    np.testing.assert_array_equal(restored.predict(texts), model.predict(texts))

def test_missing_torch_names_the_train_extra(monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "torch", None)
    texts, labels = few_shot()
    with pytest.raises(MissingExtraError) as caught:
        SetFitClassifier(**TINY).fit(texts, labels)
    assert caught.value.hint == 'pip install "textloop[train]"'
    assert "torch" in caught.value.message
