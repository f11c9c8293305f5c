"""``lora``: adapters train, merge into the stock weights exactly, and round-trip as arrays."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from tests.unit.models.finetune.few_shot import few_shot, fit_recording, held_out
from textloop.errors import MissingExtraError
from textloop.models.bundle import from_bundle, to_bundle
from textloop.models.finetune.base_encoder import load_base_encoder
from textloop.models.lora import LoraClassifier
from textloop.models.lora.adapters import merge_adapters
from textloop.storage.bundles import load_bundle, save_bundle

pytestmark = pytest.mark.model
TINY = {"epochs": 2, "max_seq_len": 32, "learning_rate": 2e-3, "batch_size": 8}


@pytest.fixture(scope="module")
def fitted() -> tuple[LoraClassifier, list[dict[str, float]]]:
    return fit_recording(LoraClassifier(**TINY))


def test_adapters_change_only_query_and_value(fitted) -> None:
    model, _ = fitted
    assert len(model.adapters_) == 6 * 2 * 2  # 6 layers x (query, value) x (A, B)
    base = load_base_encoder().weights
    merged = model.encoder_weights()
    changed = sorted(key for key in base if not np.array_equal(base[key], merged[key]))
    assert changed and all(key.endswith(("query.weight", "value.weight")) for key in changed)
    assert len(changed) == 12


def test_merge_adds_the_scaled_low_rank_product() -> None:
    weights = {"m.weight": np.zeros((3, 2), np.float32)}
    adapters = {"lora.m.A": np.ones((1, 2), np.float32), "lora.m.B": np.full((3, 1), 2.0,
                                                                             np.float32)}
    merged = merge_adapters(weights, adapters, scaling=0.5)
    np.testing.assert_array_equal(merged["m.weight"], np.ones((3, 2), np.float32))
    assert not weights["m.weight"].any()  # the base is left alone


def test_reports_train_and_validation_metrics_every_epoch(fitted) -> None:
    _, epochs = fitted
    assert len(epochs) == 2
    assert all({"train/loss", "val/loss", "val/macro_f1"} <= set(row) for row in epochs)
    assert epochs[-1]["train/loss"] < epochs[0]["train/loss"]


def test_probabilities_sum_to_one_and_rank_spam_first(fitted) -> None:
    model, _ = fitted
    texts, labels = held_out()
    proba = model.predict_proba(texts)
    assert proba.shape == (len(texts), 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-9)
    assert np.mean(model.predict(texts) == np.array(labels, dtype=object)) >= 0.75


def test_bundle_holds_only_adapters_and_head_and_predicts_the_same(fitted, tmp_path) -> None:
    model, _ = fitted
    contents = to_bundle(model, "textloop.model.lora.v1", {})
    assert sum(a.size for a in contents.arrays.values()) < 100_000
    save_bundle(tmp_path / "b", contents)
    restored = from_bundle(load_bundle(tmp_path / "b"), "b")
    texts, _ = held_out()
    np.testing.assert_array_equal(restored.predict_proba(texts), model.predict_proba(texts))



def test_a_restored_model_predicts_without_torch(fitted, tmp_path, monkeypatch) -> None:
    model, _ = fitted
    save_bundle(tmp_path / "b", to_bundle(model, "textloop.model.lora.v1", {}))
    for module in ("torch", "transformers", "peft"):
        monkeypatch.setitem(sys.modules, module, None)
    restored = from_bundle(load_bundle(tmp_path / "b"), "b")
    texts, _ = held_out(10)
    np.testing.assert_array_equal(restored.predict(texts), model.predict(texts))

@pytest.mark.parametrize("module", ["torch", "peft"])
def test_missing_extra_names_the_train_extra(monkeypatch, module: str) -> None:
    monkeypatch.setitem(sys.modules, module, None)
    texts, labels = few_shot()
    with pytest.raises(MissingExtraError) as caught:
        LoraClassifier(**TINY).fit(texts, labels)
    assert caught.value.hint == 'pip install "textloop[train]"'
    assert module in caught.value.message
