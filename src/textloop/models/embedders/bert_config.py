"""The BERT / XLM-R hyper-parameters the ONNX graph builder needs, read from ``config.json``.

XLM-RoBERTa is BERT's encoder with three differences the graph has to know about: position
ids start after the padding index (``padding_idx + 1``, so a 514-row table holds 512
positions), there is a single token type, and layer norm uses eps 1e-5. Everything else
(post-LN blocks, exact GELU, absolute positions) is the same, so one builder serves both.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from textloop.errors import InvalidInputError

ARCHITECTURES = ("bert", "xlm-roberta")
"""``model_type`` values the graph builder expresses exactly."""


@dataclass(frozen=True, slots=True)
class BertConfig:
    hidden_size: int = 384
    num_layers: int = 6
    num_heads: int = 12
    intermediate_size: int = 1536
    layer_norm_eps: float = 1e-12
    max_positions: int = 512
    model_type: str = "bert"
    vocab_size: int | None = None
    """Rows of the word-embedding table (None: not checked)."""
    type_vocab_size: int = 2
    pad_token_id: int = 0
    position_offset: int = 0
    """First position id of a text: 0 for BERT, ``pad_token_id + 1`` for XLM-R."""

    @property
    def head_size(self) -> int:
        return self.hidden_size // self.num_heads

    @property
    def max_tokens(self) -> int:
        """The longest token sequence the position table covers."""
        return self.max_positions - self.position_offset

    @classmethod
    def from_file(cls, path: Path) -> BertConfig:
        """Parse a Hugging Face BERT or XLM-R ``config.json``.

        Refuses, naming the file and the field, what the builder cannot express: another
        architecture, activation or position scheme, a missing or non-numeric size.
        """
        raw = read_json(path)
        if not isinstance(raw, dict):
            raise InvalidInputError(f"{path}: a JSON {type(raw).__name__} (expected an object)",
                                    hint="restore the config.json the model was saved with")
        model_type = raw.get("model_type")
        if model_type not in ARCHITECTURES:
            raise InvalidInputError(
                f"{path}: field \"model_type\" is {model_type!r} (expected one of "
                f"{', '.join(ARCHITECTURES)})",
                hint="only BERT and XLM-RoBERTa encoders can be built into ONNX here")
        for field, expected in (("hidden_act", "gelu"), ("position_embedding_type", "absolute")):
            if raw.get(field, expected) != expected:
                raise InvalidInputError(
                    f"{path}: field \"{field}\" is {raw[field]!r} (expected {expected!r})",
                    hint="only encoders with exact GELU and absolute positions are supported")
        xlmr = model_type == "xlm-roberta"
        pad = _integer(path, raw, "pad_token_id", 1 if xlmr else 0, minimum=0)
        config = cls(
            hidden_size=_integer(path, raw, "hidden_size"),
            num_layers=_integer(path, raw, "num_hidden_layers"),
            num_heads=_integer(path, raw, "num_attention_heads"),
            intermediate_size=_integer(path, raw, "intermediate_size"),
            layer_norm_eps=_number(path, raw, "layer_norm_eps", 1e-5 if xlmr else 1e-12),
            max_positions=_integer(path, raw, "max_position_embeddings", 512),
            model_type=model_type,
            vocab_size=_integer(path, raw, "vocab_size", None),
            type_vocab_size=_integer(path, raw, "type_vocab_size", 1 if xlmr else 2),
            pad_token_id=pad, position_offset=pad + 1 if xlmr else 0)
        if config.hidden_size % config.num_heads:
            raise InvalidInputError(f"{path}: field \"hidden_size\" ({config.hidden_size}) is not "
                                    f"divisible by \"num_attention_heads\" ({config.num_heads})",
                                    hint="the config file is inconsistent")
        if config.max_tokens < 2:
            raise InvalidInputError(
                f"{path}: field \"max_position_embeddings\" ({config.max_positions}) leaves "
                f"{config.max_tokens} positions after the offset of {config.position_offset}",
                hint="the config file is inconsistent")
        return config


def read_json(path: Path) -> Any:
    """A model folder's JSON file; an unreadable or malformed one is named with its line."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInputError(f"{path}: cannot read it ({exc})",
                                hint="check the file's permissions") from exc
    except json.JSONDecodeError as exc:
        raise InvalidInputError(f"{path}: not valid JSON (line {exc.lineno}: {exc.msg})",
                                hint="restore the file the model was saved with") from exc


def _integer(path: Path, raw: dict[str, Any], field: str, default: Any = ...,
             minimum: int = 1) -> Any:
    """A whole-number field (required when no default is given), at least ``minimum``."""
    if field not in raw:
        if default is ...:
            raise InvalidInputError(f"{path}: field \"{field}\" is missing (expected an integer)",
                                    hint="restore the config.json the model was saved with")
        return default
    value = raw[field]
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise InvalidInputError(f"{path}: field \"{field}\" is {value!r} (expected an integer "
                                f">= {minimum})", hint="the config file is inconsistent")
    return value


def _number(path: Path, raw: dict[str, Any], field: str, default: float) -> float:
    value = raw.get(field, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        raise InvalidInputError(f"{path}: field \"{field}\" is {value!r} (expected a positive "
                                "number)", hint="the config file is inconsistent")
    return float(value)
