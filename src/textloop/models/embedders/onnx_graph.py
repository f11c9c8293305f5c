"""A BERT sentence encoder written as an ONNX graph straight from its safetensors weights.

No torch export is involved: the graph is spelled out node by node with the ``onnx`` helper
API, so the core package stays free of torch. The node patterns mirror what a torch export of
Hugging Face's ``BertModel`` produces (Reshape/Transpose heads, a scaled ``Div``, the
``(1 - mask) * -10000`` additive mask, the ``Slice`` of position ids), so ONNX Runtime's
graph optimisations recognise them: at session start it fuses bias + GELU and the scaled
score MatMul. (Fusing offline with ``onnxruntime.transformers`` into one ``Attention`` node
per layer was measured and is slower on CPU for this model: it keeps Q/K/V in fp32 or needs
the less accurate ``QAttention``.) ``quantize.py`` rewrites this graph into the int8 one.

Inputs ``input_ids``, ``attention_mask``, ``token_type_ids`` (int64, [batch, seq]); output
``sentence_embedding`` (float32, [batch, hidden]): mean over unmasked tokens (or the first
token's state, for models pooled by CLS), L2-normalised, which is what sentence-transformers'
Transformer → Pooling(mean|cls) → Normalize computes. XLM-RoBERTa checkpoints build with the
same code: their config shifts the position ids (see ``bert_config``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from textloop.errors import InvalidInputError
from textloop.models.embedders.bert_config import BertConfig

OPSET = 21
"""The int8 rewrite needs ``QuantizeLinear`` with ``block_size`` (opset 21, ONNX Runtime ≥ 1.19);
building at 21 saves it an opset conversion (which held three copies of the model in memory)."""
IR_VERSION = 10
INPUTS = ("input_ids", "attention_mask", "token_type_ids")
OUTPUT = "sentence_embedding"
MASK_FILTER = -10000.0
POOLING = ("mean", "cls")
_PREFIXES = ("bert.", "roberta.")


class GraphBuilder:
    """Accumulates nodes and initializers, handing out unique tensor names.

    ``prefix`` keeps the names of a second builder (the int8 rewrite adds nodes to a graph
    built by a first one) apart from the names already in the graph.
    """

    def __init__(self, weights: Mapping[str, np.ndarray] | None = None, prefix: str = "") -> None:
        self.weights = weights or {}
        self.prefix = prefix
        self.nodes: list[onnx.NodeProto] = []
        self.initializers: dict[str, onnx.TensorProto] = {}
        self._count = 0

    def op(self, op_type: str, *inputs: str, name: str | None = None, out: str | None = None,
           **attrs: Any) -> str:
        """Add a node; ``name`` (default: numbered) lets quantisation pick nodes by role.

        ``out`` names the output (default: numbered), for a node that replaces another.
        """
        self._count += 1
        out = out or f"{self.prefix}{op_type.lower()}_{self._count}"
        self.nodes.append(helper.make_node(
            op_type, list(inputs), [out], name=name or f"{self.prefix}{op_type}_{self._count}",
            **attrs))
        return out

    def const(self, name: str, value: np.ndarray | np.generic | float | int | list[int]) -> str:
        """An initializer, added once per name (Python floats become float32)."""
        if name not in self.initializers:
            array = np.asarray(value)
            if array.dtype == np.float64:
                array = array.astype(np.float32)
            self.initializers[name] = numpy_helper.from_array(array, name)
        return name

    def weight(self, key: str, transpose: bool = False) -> str:
        """A checkpoint tensor as an initializer (Linear weights transposed for ``MatMul``)."""
        if key not in self.weights:
            raise InvalidInputError(f"the checkpoint has no tensor {key!r}",
                                    hint="the weights do not belong to a BERT encoder")
        array = np.asarray(self.weights[key], dtype=np.float32)
        return self.const(key, np.ascontiguousarray(array.T) if transpose else array)


def build_bert_graph(weights: Mapping[str, np.ndarray], config: BertConfig,
                     pooling: str = "mean") -> onnx.ModelProto:
    """The fp32 sentence-embedding graph for a BERT or XLM-R checkpoint.

    Keys as in ``BertModel``/``XLMRobertaModel`` (a ``bert.``/``roberta.`` prefix is
    accepted); every tensor the graph reads is checked against ``config`` first, so a
    checkpoint that does not match its config is refused with the tensor's name instead of
    failing inside ONNX Runtime on the first text. ``pooling`` is ``mean`` or ``cls``.
    """
    if pooling not in POOLING:
        raise InvalidInputError(f"pooling {pooling!r} (expected one of {', '.join(POOLING)})",
                                hint="sentence embeddings are mean- or CLS-pooled")
    stripped = strip_prefix(weights)
    check_shapes(stripped, config)
    g = GraphBuilder(stripped)
    mask_bias = _mask_bias(g)
    hidden = _embeddings(g, config)
    for layer in range(config.num_layers):
        hidden = _encoder_layer(g, config, f"encoder.layer.{layer}", hidden, mask_bias)
    pooled = _mean_pool(g, hidden) if pooling == "mean" else _first_token(g, hidden)
    output = _normalize(g, pooled)
    g.nodes.append(helper.make_node("Identity", [output], [OUTPUT], name="output"))
    graph = helper.make_graph(
        g.nodes, "sentence_encoder",
        [helper.make_tensor_value_info(name, TensorProto.INT64, ["batch", "sequence"])
         for name in INPUTS],
        [helper.make_tensor_value_info(OUTPUT, TensorProto.FLOAT, ["batch", config.hidden_size])],
        list(g.initializers.values()))
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)],
                              producer_name="textloop", ir_version=IR_VERSION)
    onnx.checker.check_model(model, full_check=True)
    return model


def strip_prefix(weights: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Accept both base-model keys and ``BertForX``/``XLMRobertaForX`` keys (with a prefix)."""
    out = {}
    for key, value in weights.items():
        for prefix in _PREFIXES:
            key = key.removeprefix(prefix)
        out[key] = value
    return out


def expected_shapes(config: BertConfig) -> dict[str, tuple[int | None, ...]]:
    """Every tensor the graph reads, with the shape ``config`` implies (None: any size).

    Linear weights are ``[out, in]`` as torch stores them.
    """
    h, inner = config.hidden_size, config.intermediate_size
    shapes: dict[str, tuple[int | None, ...]] = {
        "embeddings.word_embeddings.weight": (config.vocab_size, h),
        "embeddings.position_embeddings.weight": (config.max_positions, h),
        "embeddings.token_type_embeddings.weight": (config.type_vocab_size, h),
        "embeddings.LayerNorm.weight": (h,), "embeddings.LayerNorm.bias": (h,)}
    for layer in range(config.num_layers):
        p = f"encoder.layer.{layer}"
        linears = {f"{p}.attention.self.{name}": (h, h) for name in ("query", "key", "value")}
        linears |= {f"{p}.attention.output.dense": (h, h), f"{p}.intermediate.dense": (inner, h),
                    f"{p}.output.dense": (h, inner)}
        for prefix, (rows, cols) in linears.items():
            shapes |= {f"{prefix}.weight": (rows, cols), f"{prefix}.bias": (rows,)}
        for norm in (f"{p}.attention.output.LayerNorm", f"{p}.output.LayerNorm"):
            shapes |= {f"{norm}.weight": (h,), f"{norm}.bias": (h,)}
    return shapes


def check_shapes(weights: Mapping[str, np.ndarray], config: BertConfig) -> None:
    """Refuse a checkpoint missing a tensor the graph reads, or holding one of another shape."""
    for key, want in expected_shapes(config).items():
        if key not in weights:
            raise InvalidInputError(f"the checkpoint has no tensor {key!r}",
                                    hint=f"the weights do not belong to a {config.model_type} "
                                         "encoder")
        got = tuple(np.shape(weights[key]))
        if len(got) != len(want) or any(w is not None and g != w
                                        for g, w in zip(got, want, strict=True)):
            shown = tuple("any" if w is None else w for w in want)
            raise InvalidInputError(
                f"tensor {key!r} has shape {got} (expected {shown} from the config)",
                hint="the weights and config.json belong to different models")


def _mask_bias(g: GraphBuilder) -> str:
    """``(1 - mask) * -10000`` shaped [batch, 1, 1, seq], added to every attention score.

    Real scores are tiny next to 10,000, so a padded key's softmax weight is about
    exp(-10000), which underflows float32 to exactly 0: padding cannot change a real token
    (a text padded to a longer batch gives the same vector as the text alone).
    """
    mask = g.op("Unsqueeze", "attention_mask", g.const("axes_1", [1]))
    mask = g.op("Unsqueeze", mask, g.const("axes_2", [2]))
    mask = g.op("Cast", mask, to=TensorProto.FLOAT)
    inverted = g.op("Sub", g.const("one", np.array(1.0, dtype=np.float32)), mask)
    return g.op("Mul", inverted, g.const("mask_filter", np.array(MASK_FILTER, dtype=np.float32)))


def _embeddings(g: GraphBuilder, config: BertConfig) -> str:
    """Word + token-type + position embeddings, then LayerNorm."""
    words = g.op("Gather", g.weight("embeddings.word_embeddings.weight"), "input_ids")
    types = g.op("Gather", g.weight("embeddings.token_type_embeddings.weight"), "token_type_ids")
    seq_len = g.op("Gather", g.op("Shape", "input_ids"), g.const("index_1", np.array(1)))
    seq_end = g.op("Unsqueeze", seq_len, g.const("axes_0", [0]))
    # XLM-R numbers a text's positions from padding_idx + 1 (BERT from 0); texts are padded
    # on the right and padded positions are masked, so an offset range is exact for them
    all_positions = np.arange(config.position_offset, config.max_positions,
                              dtype=np.int64)[None, :]
    positions = g.op("Slice", g.const("position_ids", all_positions), g.const("zero_1d", [0]),
                     seq_end, g.const("axes_1", [1]), g.const("one_1d", [1]))
    position = g.op("Gather", g.weight("embeddings.position_embeddings.weight"), positions)
    summed = g.op("Add", g.op("Add", words, types), position)
    return _layer_norm(g, config, "embeddings.LayerNorm", summed)


def _layer_norm(g: GraphBuilder, config: BertConfig, prefix: str, x: str) -> str:
    return g.op("LayerNormalization", x, g.weight(f"{prefix}.weight"), g.weight(f"{prefix}.bias"),
                axis=-1, epsilon=config.layer_norm_eps)


def _linear(g: GraphBuilder, prefix: str, x: str) -> str:
    product = g.op("MatMul", x, g.weight(f"{prefix}.weight", transpose=True), name=prefix)
    return g.op("Add", product, g.weight(f"{prefix}.bias"))


def _encoder_layer(g: GraphBuilder, config: BertConfig, prefix: str, x: str, mask_bias: str) -> str:
    """Post-LN transformer block: attention + residual + LN, then FFN + residual + LN."""
    attended = _self_attention(g, config, f"{prefix}.attention.self", x, mask_bias)
    projected = _linear(g, f"{prefix}.attention.output.dense", attended)
    x = _layer_norm(g, config, f"{prefix}.attention.output.LayerNorm",
                    g.op("Add", projected, x))
    inner = _gelu(g, _linear(g, f"{prefix}.intermediate.dense", x))
    out = _linear(g, f"{prefix}.output.dense", inner)
    return _layer_norm(g, config, f"{prefix}.output.LayerNorm", g.op("Add", out, x))


def _self_attention(g: GraphBuilder, config: BertConfig, prefix: str, x: str,
                    mask_bias: str) -> str:
    heads_shape = g.const("heads_shape", [0, 0, config.num_heads, config.head_size])
    q, k, v = (g.op("Reshape", _linear(g, f"{prefix}.{name}", x), heads_shape)
               for name in ("query", "key", "value"))
    q = g.op("Transpose", q, perm=[0, 2, 1, 3])
    k = g.op("Transpose", k, perm=[0, 2, 3, 1])
    v = g.op("Transpose", v, perm=[0, 2, 1, 3])
    scale = g.const("attention_scale", np.array(math.sqrt(config.head_size), dtype=np.float32))
    scores = g.op("Add", g.op("Div", g.op("MatMul", q, k), scale), mask_bias)
    context = g.op("MatMul", g.op("Softmax", scores, axis=-1), v)
    context = g.op("Transpose", context, perm=[0, 2, 1, 3])
    return g.op("Reshape", context, g.const("hidden_shape", [0, 0, config.hidden_size]))


def _gelu(g: GraphBuilder, x: str) -> str:
    """Exact GELU, ``x * 0.5 * (1 + erf(x / sqrt 2))``, as Hugging Face writes it."""
    root2 = g.const("sqrt2", np.array(math.sqrt(2.0), dtype=np.float32))
    erf = g.op("Erf", g.op("Div", x, root2))
    one_plus = g.op("Add", erf, g.const("one", np.array(1.0, dtype=np.float32)))
    return g.op("Mul", g.op("Mul", x, one_plus), g.const("half", np.array(0.5, dtype=np.float32)))


def _mean_pool(g: GraphBuilder, hidden: str) -> str:
    """Mean over tokens where the mask is 1 ([batch, hidden])."""
    mask = g.op("Cast", g.op("Unsqueeze", "attention_mask", g.const("axes_last", [-1])),
                to=TensorProto.FLOAT)
    axis = g.const("axes_1", [1])
    summed = g.op("ReduceSum", g.op("Mul", hidden, mask), axis, keepdims=0)
    counts = g.op("Max", g.op("ReduceSum", mask, axis, keepdims=0),
                  g.const("count_floor", np.array(1e-9, dtype=np.float32)))
    return g.op("Div", summed, counts)


def _first_token(g: GraphBuilder, hidden: str) -> str:
    """The first token's state ([CLS] or ``<s>``), as Pooling(cls) takes it ([batch, hidden])."""
    return g.op("Gather", hidden, g.const("index_0", np.array(0)), axis=1)


def _normalize(g: GraphBuilder, pooled: str) -> str:
    """Divide by the L2 norm (floored at 1e-12), as sentence-transformers' Normalize does."""
    norm = g.op("Sqrt", g.op("ReduceSumSquare", pooled, g.const("axes_1", [1]), keepdims=1))
    norm = g.op("Max", norm, g.const("norm_floor", np.array(1e-12, dtype=np.float32)))
    return g.op("Div", pooled, norm)
