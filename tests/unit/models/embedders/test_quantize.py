from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
from onnx import numpy_helper

from tests.unit.models.embedders.test_onnx_graph import TINY, tiny_weights
from textloop.models.embedders.onnx_graph import build_bert_graph
from textloop.models.embedders.quantize import quantize_int8


def test_only_weight_matmuls_become_int8_with_one_scale_per_output_channel(
        tmp_path: Path) -> None:
    fp32, int8 = tmp_path / "fp32.onnx", tmp_path / "int8.onnx"
    onnx.save(build_bert_graph(tiny_weights(TINY), TINY), fp32)
    settings = quantize_int8(fp32, int8)
    assert settings["per_channel"] is True and settings["op_types"] == ["MatMul"]
    assert settings["kept_float"] == ["encoder.layer.0.output.dense"]
    model = onnx.load(int8)
    ops = Counter(n.op_type for n in model.graph.node)
    # q, k, v, out, ffn in, ffn out per layer, except the first layer's ffn out
    assert ops["MatMulInteger"] == 6 * TINY.num_layers - 1
    assert ops["MatMul"] == 2 * TINY.num_layers + 1  # scores and context stay float
    kept = [n for n in model.graph.node if n.name == "encoder.layer.0.output.dense"]
    assert [n.op_type for n in kept] == ["MatMul"]
    assert ops["Gather"] >= 3  # embedding tables stay float
    scales = [numpy_helper.to_array(t) for t in model.graph.initializer
              if t.name.endswith("_scale") and "intermediate" in t.name]
    assert scales and all(s.shape == (TINY.intermediate_size,) for s in scales)


def test_int8_graph_runs_and_stays_close_on_a_tiny_model(tmp_path: Path) -> None:
    fp32, int8 = tmp_path / "fp32.onnx", tmp_path / "int8.onnx"
    onnx.save(build_bert_graph(tiny_weights(TINY), TINY), fp32)
    quantize_int8(fp32, int8)
    ids = np.array([[1, 5, 9, 2], [1, 3, 2, 0]], dtype=np.int64)
    feeds = {"input_ids": ids, "attention_mask": (ids > 0).astype(np.int64),
             "token_type_ids": np.zeros_like(ids)}
    outputs = [ort.InferenceSession(str(p), providers=["CPUExecutionProvider"]).run(None, feeds)[0]
               for p in (fp32, int8)]
    cos = np.sum(outputs[0] * outputs[1], axis=1)
    assert (cos > 0.95).all()
    assert not np.array_equal(outputs[0], outputs[1])
