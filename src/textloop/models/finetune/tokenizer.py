"""The base tokenizer cut at a model's own ``max_seq_len`` (shorter is much cheaper to train)."""

from __future__ import annotations

from typing import Any

from tokenizers import Tokenizer

from textloop.models.finetune.base_encoder import BaseEncoder


def truncating_tokenizer(base: BaseEncoder, max_seq_len: int) -> Any:
    """Special tokens added, truncation at ``max_seq_len`` tokens, no padding (done per batch)."""
    tokenizer = Tokenizer.from_str(base.tokenizer_json.decode("utf-8"))
    tokenizer.enable_truncation(min(max_seq_len, base.max_seq_length))
    tokenizer.no_padding()
    return tokenizer
