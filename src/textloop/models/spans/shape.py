"""Cheap token-shape features beside the encoder's vectors: what a token looks like.

MiniLM's tokenizer lower-cases, so its vectors cannot see that ``Apple`` is capitalised or
that a token is all digits in a way a linear layer reads easily; the feature CRFs that
anchor WNUT-17 lean on exactly these (capitalisation, digits, punctuation, length). Each is
0 or 1; the span model standardises them with the vectors. Prefix and suffix strings are
left out: as dense features they need a vocabulary per project, and the vectors already
carry the pieces.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from textloop.spans.matching import Token

NAMES = ("title", "upper", "lower", "mixed", "has_digit", "all_digit", "no_alnum",
         "non_ascii", "length_1", "length_2_3", "length_8_up", "first", "last")


def shape_features(text: str, tokens: Sequence[Token]) -> np.ndarray:
    """float32 [len(tokens), len(NAMES)]: one row of 0/1 shape flags per token."""
    out = np.zeros((len(tokens), len(NAMES)), dtype=np.float32)
    for row, (start, end) in enumerate(tokens):
        word = text[start:end]
        cased = word.upper() != word.lower()
        size = end - start
        out[row] = (
            cased and word.istitle(), cased and word.isupper(), cased and word.islower(),
            cased and not (word.istitle() or word.isupper() or word.islower()),
            any(ch.isdigit() for ch in word), word.isdigit(),
            not any(ch.isalnum() for ch in word), not word.isascii(),
            size == 1, 2 <= size <= 3, size >= 8, row == 0, row == len(tokens) - 1)
    return out
