"""Which generated texts are new: not empty, not a copy of a seed, not a repeat.

Generators keep only novel texts because a copy of a seed adds nothing to training but
weight on that one record, and a model asked for "new" texts often echoes its examples.
Texts are compared after folding case and collapsing whitespace, so "Hi  there" and
"hi there" count as one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from textloop.strategies.synth.base import Seed

_SPACE = re.compile(r"\s+")


def text_key(text: str) -> str:
    """The form two texts are compared in: case folded, whitespace collapsed."""
    return _SPACE.sub(" ", text.casefold()).strip()


class NoveltyFilter:
    """Admits each text once, never one equal to a seed."""

    def __init__(self, seeds: Iterable[Seed]) -> None:
        self._seen = {text_key(seed.text) for seed in seeds}

    def admit(self, text: str) -> bool:
        """True (and remembered) for a non-empty text not seen before."""
        key = text_key(text)
        if not key or key in self._seen:
            return False
        self._seen.add(key)
        return True
