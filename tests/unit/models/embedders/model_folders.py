"""Tiny, randomly initialised BERT and XLM-R model folders, written as save_pretrained would.

Weights are numpy arrays saved with ``safetensors.numpy.save_file``; tokenizers are built
with the ``tokenizers`` library (WordPiece for BERT, Unigram for XLM-R), so a test gets a
real model folder in milliseconds, without a model hub.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from safetensors.numpy import save_file
from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

from tests.unit.models.embedders.numpy_bert import as_float64, encode_one
from tests.unit.models.embedders.test_onnx_graph import tiny_weights
from textloop.models.embedders.bert_config import BertConfig

WORDS = ["the", "parcel", "is", "late", "refund", "please", "card", "pin", "change", "hello",
         "world", "good", "bad", "free", "prize", "win", "now", "call", "me", "today", "order",
         "delivery", "slot", "bank", "branch", "visit", "online", "weather", "sunny", "cold"]
TEXTS = ["the parcel is late", "hello world", "please refund me today",
         "win a free prize now , call now", "", "change the card pin online please " * 3,
         "weather sunny but cold"]


@dataclass(frozen=True)
class TinyModel:
    """A written folder and what an independent reference needs to encode with it."""

    folder: Path
    config: BertConfig
    weights: dict[str, np.ndarray]
    pooling: str

    def reference(self, texts: list[str]) -> np.ndarray:
        """float64 numpy forward pass (``numpy_bert``) over the folder's own tokenizer."""
        tokenizer = Tokenizer.from_file(str(self.folder / "tokenizer.json"))
        tokenizer.no_padding()
        tokenizer.no_truncation()
        w = {k.removeprefix("roberta."): v for k, v in as_float64(self.weights).items()}
        return np.stack([
            encode_one(w, enc.ids, self.config.num_heads, self.config.num_layers,
                       self.config.layer_norm_eps, self.config.position_offset, self.pooling)
            for enc in tokenizer.encode_batch(texts)])


def bert_folder(path: Path, seed: int = 0, pooling: str = "mean",
                sentence_transformers: bool = True) -> TinyModel:
    """A BERT folder: WordPiece tokenizer, [CLS] ... [SEP], two token types."""
    vocab = {tok: i for i, tok in enumerate(["[PAD]", "[UNK]", "[CLS]", "[SEP]", *WORDS, ","])}
    tokenizer = Tokenizer(models.WordPiece(vocab, unk_token="[UNK]"))
    tokenizer.normalizer = normalizers.BertNormalizer(lowercase=True)
    tokenizer.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tokenizer.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", special_tokens=[("[CLS]", 2), ("[SEP]", 3)])
    tokenizer.decoder = decoders.WordPiece()
    config = BertConfig(hidden_size=8, num_layers=2, num_heads=2, intermediate_size=16,
                        layer_norm_eps=1e-12, max_positions=40, vocab_size=len(vocab))
    raw = {"model_type": "bert", "architectures": ["BertModel"], "hidden_act": "gelu",
           "hidden_size": 8, "num_hidden_layers": 2, "num_attention_heads": 2,
           "intermediate_size": 16, "max_position_embeddings": 40, "vocab_size": len(vocab),
           "type_vocab_size": 2, "layer_norm_eps": 1e-12, "pad_token_id": 0}
    weights = tiny_weights(config, vocab=len(vocab), seed=seed)
    return _write(path, raw, tokenizer, weights, config, pooling, sentence_transformers)


def xlmr_folder(path: Path, seed: int = 1, pooling: str = "cls",
                sentence_transformers: bool = True) -> TinyModel:
    """An XLM-R folder: Unigram tokenizer, <s> ... </s>, <pad> = 1, positions from 2.

    The weights carry the ``roberta.`` prefix of ``XLMRobertaForX`` checkpoints and a
    pooler the sentence graph does not use.
    """
    specials = ["<s>", "<pad>", "</s>", "<unk>"]
    pieces = [(tok, 0.0) for tok in specials] + [
        (f"▁{word}", -1.0 - i / 10) for i, word in enumerate(WORDS)] + [("▁", -5.0), (",", -4.0)]
    pieces += [(ch, -8.0) for ch in "abcdefghijklmnopqrstuvwxyz"]
    tokenizer = Tokenizer(models.Unigram(pieces, unk_id=3))
    tokenizer.normalizer = normalizers.Lowercase()
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace()
    tokenizer.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>", special_tokens=[("<s>", 0), ("</s>", 2)])
    tokenizer.decoder = decoders.Metaspace()
    config = BertConfig(hidden_size=12, num_layers=2, num_heads=3, intermediate_size=24,
                        layer_norm_eps=1e-5, max_positions=34, model_type="xlm-roberta",
                        vocab_size=len(pieces), type_vocab_size=1, pad_token_id=1,
                        position_offset=2)
    raw = {"model_type": "xlm-roberta", "architectures": ["XLMRobertaModel"],
           "hidden_act": "gelu", "hidden_size": 12, "num_hidden_layers": 2,
           "num_attention_heads": 3, "intermediate_size": 24, "max_position_embeddings": 34,
           "vocab_size": len(pieces), "type_vocab_size": 1, "layer_norm_eps": 1e-5,
           "pad_token_id": 1, "bos_token_id": 0, "eos_token_id": 2}
    weights = {f"roberta.{k}": v for k, v in
               tiny_weights(config, vocab=len(pieces), seed=seed).items()}
    rng = np.random.default_rng(seed)
    weights |= {"roberta.pooler.dense.weight": rng.normal(0, 1, (12, 12)).astype(np.float32),
                "roberta.pooler.dense.bias": np.zeros(12, dtype=np.float32)}
    return _write(path, raw, tokenizer, weights, config, pooling, sentence_transformers)


def _write(path: Path, raw: dict, tokenizer: Tokenizer, weights: dict[str, np.ndarray],
           config: BertConfig, pooling: str, sentence_transformers: bool) -> TinyModel:
    path.mkdir(parents=True)
    (path / "config.json").write_text(json.dumps(raw))
    tokenizer.save(str(path / "tokenizer.json"))
    save_file(weights, str(path / "model.safetensors"))
    if sentence_transformers:
        write_pooling(path, pooling, normalize=True)
    return TinyModel(path, config, weights, pooling)


def write_pooling(path: Path, pooling: str, normalize: bool = True,
                  extra_modules: tuple[str, ...] = ()) -> None:
    """sentence-transformers' modules.json and 1_Pooling/config.json."""
    modules = [{"idx": 0, "name": "0", "path": "",
                "type": "sentence_transformers.models.Transformer"},
               {"idx": 1, "name": "1", "path": "1_Pooling",
                "type": "sentence_transformers.models.Pooling"}]
    for kind in (*extra_modules, *(("Normalize",) if normalize else ())):
        modules.append({"idx": len(modules), "name": str(len(modules)),
                        "path": f"{len(modules)}_{kind}",
                        "type": f"sentence_transformers.models.{kind}"})
    (path / "modules.json").write_text(json.dumps(modules))
    (path / "1_Pooling").mkdir(exist_ok=True)
    flags = {"pooling_mode_cls_token": pooling == "cls",
             "pooling_mode_mean_tokens": pooling == "mean",
             "pooling_mode_max_tokens": pooling == "max",
             "pooling_mode_mean_sqrt_len_tokens": False}
    (path / "1_Pooling" / "config.json").write_text(json.dumps({"word_embedding_dimension": 8,
                                                                **flags}))
