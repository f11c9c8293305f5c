from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import pytest
from onnx import numpy_helper

from tests.unit.models.embedders.test_onnx_graph import TINY, tiny_weights
from textloop.models.embedders.onnx_embedder import EXACT_INTEGER_PRODUCTS
from textloop.models.embedders.onnx_graph import build_bert_graph
from textloop.models.embedders.quantize import quantize_int8, quantize_model, quantize_weights

LINEAR_PER_LAYER = 6  # query, key, value, attention output, FFN in, FFN out


@pytest.fixture
def tiny_fp32() -> onnx.ModelProto:
    return build_bert_graph(tiny_weights(TINY), TINY)


def embed(model: onnx.ModelProto, ids: np.ndarray) -> np.ndarray:
    options = ort.SessionOptions()
    options.add_session_config_entry(*EXACT_INTEGER_PRODUCTS)  # as the embedder runs it
    session = ort.InferenceSession(model.SerializeToString(), options,
                                   providers=["CPUExecutionProvider"])
    feeds = {"input_ids": ids, "attention_mask": (ids > 0).astype(np.int64),
             "token_type_ids": np.zeros_like(ids)}
    return session.run(None, feeds)[0]


def test_weights_get_one_symmetric_scale_per_output_channel() -> None:
    rng = np.random.default_rng(0)
    w = rng.normal(0, 1, (16, 5)).astype(np.float32) * np.array([1e-3, 1, 10, 100, 0])
    codes, scale = quantize_weights(w)
    assert codes.dtype == np.int8 and scale.dtype == np.float32 and scale.shape == (5,)
    assert (np.abs(codes[:, :4]).max(axis=0) == 127).all()  # each column uses the full range
    assert not codes[:, 4].any() and scale[4] == 1.0  # an all-zero column: no division by 0
    assert (np.abs(codes * scale - w) <= scale / 2 * (1 + 1e-5)).all()  # rounding error only


def test_only_weight_matmuls_become_integer_with_per_token_activation_scales(
        tiny_fp32: onnx.ModelProto) -> None:
    model = quantize_model(tiny_fp32)
    ops = Counter(n.op_type for n in model.graph.node)
    assert ops["MatMulInteger"] == LINEAR_PER_LAYER * TINY.num_layers
    assert ops["MatMul"] == 2 * TINY.num_layers  # attention scores and context stay float
    # one quantisation per distinct input: query, key and value share theirs
    assert ops["QuantizeLinear"] == 4 * TINY.num_layers
    assert "DynamicQuantizeLinear" not in ops  # nothing scaled over the whole batch
    for node in model.graph.node:
        if node.op_type == "QuantizeLinear":
            attrs = {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}
            assert attrs["axis"] == -1 and attrs["block_size"] in (TINY.hidden_size,
                                                                    TINY.intermediate_size)
    weights = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
    ffn_in = "encoder.layer.1.intermediate.dense"
    assert weights[f"{ffn_in}.weight_int8"].shape == (TINY.hidden_size, TINY.intermediate_size)
    assert weights[f"{ffn_in}.weight_scale"].shape == (TINY.intermediate_size,)
    assert f"{ffn_in}.weight" not in weights  # the fp32 copy is gone
    assert "embeddings.word_embeddings.weight" in weights  # lookups stay float
    onnx.checker.check_model(model, full_check=True)


def test_named_matmuls_can_stay_float(tiny_fp32: onnx.ModelProto) -> None:
    kept = "encoder.layer.0.output.dense"
    model = quantize_model(tiny_fp32, keep_float=[kept])
    assert [n.op_type for n in model.graph.node if n.name == kept] == ["MatMul"]
    assert Counter(n.op_type for n in model.graph.node)["MatMulInteger"] == \
        LINEAR_PER_LAYER * TINY.num_layers - 1


def test_int8_graph_stays_close_to_fp32_and_writes_its_settings(
        tiny_fp32: onnx.ModelProto, tmp_path: Path) -> None:
    fp32, int8 = tmp_path / "fp32.onnx", tmp_path / "int8.onnx"
    onnx.save(tiny_fp32, fp32)
    settings = quantize_int8(fp32, int8)
    assert settings["scheme"] == "per-token" and settings["kept_float"] == []
    ids = np.array([[1, 5, 9, 2], [1, 3, 2, 0]], dtype=np.int64)
    want, got = embed(tiny_fp32, ids), embed(onnx.load(int8), ids)
    cos = np.sum(want * got, axis=1)
    assert (cos > 0.99).all()
    assert not np.array_equal(want, got)  # really quantised


def test_a_texts_vector_does_not_depend_on_its_batch(tiny_fp32: onnx.ModelProto) -> None:
    """Per-token scales: a row's codes use only its own tokens, padding included."""
    int8 = quantize_model(tiny_fp32)  # rewritten in place
    rng = np.random.default_rng(7)
    short = np.array([[1, 4, 2]])
    loud = np.concatenate([[[1]], rng.integers(3, 50, (1, 20)), [[2]]], axis=1)
    batch = np.zeros((2, loud.shape[1]), dtype=np.int64)
    batch[0, :short.shape[1]] = short
    batch[1] = loud
    together = embed(int8, batch)
    np.testing.assert_allclose(together[0], embed(int8, short)[0], atol=1e-6)
    np.testing.assert_allclose(together[1], embed(int8, loud)[0], atol=1e-6)
