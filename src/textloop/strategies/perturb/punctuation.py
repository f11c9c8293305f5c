"""Punctuation changes: all of it removed, or stray marks added after some words."""

from __future__ import annotations

import random
import re
import unicodedata

from textloop.strategies.perturb.base import edit_some_words

MARKS = ".,!?;:"
_WORD = re.compile(r"\w")


class StripPunctuation:
    """Removes every Unicode punctuation character (category P*), keeping symbols like $."""

    def __call__(self, text: str, rng: random.Random) -> str:
        return "".join(ch for ch in text if not unicodedata.category(ch).startswith("P"))


class AddPunctuation:
    """Appends one of ``. , ! ? ; :`` to a ``rate`` share of the words (at least one)."""

    def __init__(self, rate: float = 0.2) -> None:
        self.rate = rate

    def __call__(self, text: str, rng: random.Random) -> str:
        return edit_some_words(text, rng, self.rate, _WORD,
                               lambda word, r: word + r.choice(MARKS))
