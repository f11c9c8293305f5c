"""int8 for CPU inference: one scale per token for activations, per output channel for weights.

Each MatMul of an activation ``x`` [batch, tokens, K] with an fp32 weight ``W`` [K, N] becomes

    sw = max|W[:, n]| / 127 per column;  Wq = round(W / sw)       int8, computed at build time
    s  = max|x[b, t, :]| / 127 per token                          at run time
    xq = QuantizeLinear(x, s, 128, block_size=K)                  uint8 = int8 code + 128
    y  = Cast(MatMulInteger(xq, Wq, 128), float) * sw * s

in standard ONNX operators (opset 21), which ONNX Runtime runs as they are.

Why one scale per token: ONNX Runtime's dynamic quantisation (used before) takes one scale
per input tensor, i.e. over all the texts of a batch, so a text's vector depended on its
batch-mates: 300 SMS texts embedded in batches vs one at a time agreed only to a mean cosine
of 0.989 (worst 0.960). Training embeds in batches and serving one request at a time, and the
embedding cache kept whichever vector came first. With a scale per token nothing crosses
from one text to another (padding included, see ``onnx_graph._mask_bias``), so a text gets
the same vector in any batch, up to float summation order. It is also closer to fp32: mean
cosine 0.996-0.998 on four data sets, where the per-batch scale gave 0.992-0.995. The price
is speed: the per-token rescaling cannot be fused into ONNX Runtime's integer kernels, so
this graph embeds 11-15% fewer texts per second than the per-batch one did.

How it is written, measured on 2 cores (2,000 SMS texts; see benchmarks/embedding_throughput.py):

- activations are symmetric int8 codes stored as uint8 + 128: ONNX Runtime runs an
  int8 × int8 ``MatMulInteger`` about 6× slower than uint8 × int8 with a scalar zero point;
- one ``QuantizeLinear`` with ``block_size`` = K (one block per token) scales, rounds,
  shifts and saturates in a single pass; ``Div``/``Round``/``Add``/``Cast`` took four passes
  and ran about 15% slower end to end, a per-axis ``QuantizeLinear`` on a [tokens, K]
  reshape about 5%;
- MatMuls that read the same tensor (query, key, value) share one quantisation of it;
- the result is dequantised by ``Cast`` and two ``Mul``: ONNX Runtime fuses only per-tensor
  activation scales into its integer MatMul kernels, and ``DequantizeLinear`` per block or
  per axis measured slower than the two ``Mul``;
- no MatMul is kept in fp32 by default. Keeping the first FFN output projection (the old
  default) gained 0.0002 mean cosine for 3% more time; keeping the six value projections
  (the largest error: their input has outlier channels) halves the error, 0.996 → 0.998,
  for 8% more time. Every data set is well above 0.99 without either;
- the FFN output projection reads GELU output (≥ -0.17): quantising it as x + 0.17 into
  0..255 (with the shift folded into the bias) gained only 0.0004 mean cosine, not worth a
  second quantiser and a bias rewrite.

Embedding tables stay fp32: a lookup costs nothing to compute.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, numpy_helper

from textloop.models.embedders.onnx_graph import OPSET, GraphBuilder

SCHEME = "per-token"
"""Part of the int8 embedder's model id (its cache key): change it whenever int8 vectors change."""
KEEP_FLOAT: tuple[str, ...] = ()
LEVELS = 127
ZERO_POINT = 128
"""uint8 code of 0.0: int8 codes shifted into uint8 for ONNX Runtime's fast kernel."""


def quantize_int8(fp32: Path, int8: Path,
                  keep_float: Sequence[str] = KEEP_FLOAT) -> dict[str, object]:
    """Write the int8 graph for ``fp32`` to ``int8``; returns the settings (for the manifest).

    ``keep_float`` names MatMul nodes (by the checkpoint prefix the graph builder gives
    them) that stay in fp32.
    """
    onnx.save(quantize_model(onnx.load(fp32), keep_float), int8)
    return {"scheme": SCHEME, "activations": "int8, symmetric, one scale per token",
            "weights": "int8, symmetric, one scale per output channel",
            "op_types": ["MatMul"], "kept_float": list(keep_float), "opset": OPSET}


def quantize_model(model: onnx.ModelProto,
                   keep_float: Sequence[str] = KEEP_FLOAT) -> onnx.ModelProto:
    """``model`` with every MatMul by a weight matrix (except ``keep_float``) in int8.

    ``model`` is consumed (its graph is rewritten; pass a copy to keep it) and must use
    opset 21, as ``onnx_graph.build_bert_graph`` does: ``QuantizeLinear`` takes
    ``block_size`` from 21 on. The result carries every tensor's inferred shape: knowing
    them ahead, ONNX Runtime runs the int32 → float ``Cast`` in about 40% less time (806 vs
    755 sentences/s end to end).
    """
    graph = model.graph
    weights = {tensor.name: tensor for tensor in graph.initializer}
    g = GraphBuilder(prefix="int8/")
    quantized: dict[str, tuple[str, str]] = {}
    for node in graph.node:
        if not _is_weight_matmul(node, weights) or node.name in keep_float:
            g.nodes.append(node)
            continue
        w = numpy_helper.to_array(weights[node.input[1]])
        x = node.input[0]
        if x not in quantized:  # query, key and value read the same tensor
            quantized[x] = _quantize_tokens(g, x, width=w.shape[0])
        _integer_matmul(g, node, *quantized[x], w)
    _replace_graph(graph, g)
    model = onnx.shape_inference.infer_shapes(model, check_type=True, strict_mode=True)
    onnx.checker.check_model(model)
    return model


def quantize_weights(w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """int8 codes and one float32 scale per output column (``w ≈ codes * scale``).

    Symmetric, so the integer product needs no weight zero point. An all-zero column gets
    scale 1 (its codes are 0) instead of a division by zero.
    """
    scale = np.abs(w).max(axis=0) / LEVELS
    scale = np.where(scale > 0, scale, 1.0).astype(np.float32)
    codes = np.clip(np.round(w / scale), -LEVELS, LEVELS).astype(np.int8)
    return codes, scale


def _is_weight_matmul(node: onnx.NodeProto, weights: Mapping[str, onnx.TensorProto]) -> bool:
    """A linear layer: MatMul by a constant 2-D matrix (not the attention score/context ones)."""
    return (node.op_type == "MatMul" and node.input[1] in weights
            and len(weights[node.input[1]].dims) == 2)


def _quantize_tokens(g: GraphBuilder, x: str, width: int) -> tuple[str, str]:
    """Nodes giving ``x``'s uint8 codes and its scales, one per token ([batch, tokens, 1]).

    The scale is floored at the smallest normal float, so an all-zero token (codes 0) never
    divides by zero.
    """
    peak = g.op("ReduceMax", g.op("Abs", x), g.const("int8/last_axis", [-1]), keepdims=1)
    scale = g.op("Max", g.op("Div", peak, g.const("int8/levels", np.float32(LEVELS))),
                 g.const("int8/smallest_scale", np.finfo(np.float32).tiny))
    zero_points = g.op("Expand", _zero_point(g), g.op("Shape", scale))  # one per scale
    codes = g.op("QuantizeLinear", x, scale, zero_points, axis=-1, block_size=width)
    return codes, scale


def _integer_matmul(g: GraphBuilder, node: onnx.NodeProto, codes: str, scale: str,
                    w: np.ndarray) -> None:
    """Replace ``node`` by an int8 product rescaled to float; its output keeps its name."""
    w_codes, w_scale = quantize_weights(w)
    product = g.op("MatMulInteger", codes, g.const(f"{node.name}.weight_int8", w_codes),
                   _zero_point(g), name=node.name)
    per_column = g.op("Mul", g.op("Cast", product, to=TensorProto.FLOAT),
                      g.const(f"{node.name}.weight_scale", w_scale))
    g.op("Mul", per_column, scale, out=node.output[0])


def _zero_point(g: GraphBuilder) -> str:
    return g.const("int8/zero_point", np.uint8(ZERO_POINT))


def _replace_graph(graph: onnx.GraphProto, g: GraphBuilder) -> None:
    """Install the rewritten nodes; drop the fp32 weights no node reads any more."""
    del graph.node[:]
    graph.node.extend(g.nodes)
    read = {name for node in graph.node for name in node.input}
    kept = [tensor for tensor in graph.initializer if tensor.name in read]
    del graph.initializer[:]
    graph.initializer.extend(kept + list(g.initializers.values()))
