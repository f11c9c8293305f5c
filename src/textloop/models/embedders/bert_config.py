"""The few BERT hyper-parameters the ONNX graph builder needs, read from ``config.json``."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from textloop.errors import InvalidInputError


@dataclass(frozen=True, slots=True)
class BertConfig:
    hidden_size: int = 384
    num_layers: int = 6
    num_heads: int = 12
    intermediate_size: int = 1536
    layer_norm_eps: float = 1e-12
    max_positions: int = 512

    @property
    def head_size(self) -> int:
        return self.hidden_size // self.num_heads

    @classmethod
    def from_file(cls, path: Path) -> BertConfig:
        """Parse a Hugging Face BERT ``config.json``; refuse variants the builder cannot express."""
        raw = json.loads(path.read_text(encoding="utf-8"))
        act = raw.get("hidden_act", "gelu")
        position = raw.get("position_embedding_type", "absolute")
        if raw.get("model_type") != "bert" or act != "gelu" or position != "absolute":
            raise InvalidInputError(
                f"{path}: model_type={raw.get('model_type')!r}, hidden_act={act!r}, "
                f"position_embedding_type={position!r} (expected bert, gelu, absolute)",
                hint="only BERT encoders with exact GELU and absolute positions are supported")
        config = cls(hidden_size=raw["hidden_size"], num_layers=raw["num_hidden_layers"],
                     num_heads=raw["num_attention_heads"],
                     intermediate_size=raw["intermediate_size"],
                     layer_norm_eps=raw.get("layer_norm_eps", 1e-12),
                     max_positions=raw.get("max_position_embeddings", 512))
        if config.hidden_size % config.num_heads:
            raise InvalidInputError(f"{path}: hidden_size {config.hidden_size} is not divisible "
                                    f"by num_attention_heads {config.num_heads}",
                                    hint="the config file is inconsistent")
        return config
