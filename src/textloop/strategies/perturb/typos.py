"""Typos: adjacent letters swapped, a letter dropped or a letter inserted, in some words."""

from __future__ import annotations

import random
import re
import string

from textloop.registry import REGISTRY
from textloop.strategies.perturb.base import edit_some_words

_TWO_LETTERS = re.compile(r"[^\W\d_].*[^\W\d_]|[^\W\d_]{2}", re.DOTALL)


@REGISTRY.register("textloop.perturb.typos.v1")
class Typos:
    """One edit in each of a ``rate`` share of the words with two or more letters (at least
    one word per text): swap two neighbouring letters, delete a letter or insert one."""

    def __init__(self, rate: float = 0.1) -> None:
        self.rate = rate

    def __call__(self, text: str, rng: random.Random) -> str:
        return edit_some_words(text, rng, self.rate, _TWO_LETTERS, typo)


def typo(word: str, rng: random.Random) -> str:
    """``word`` with one letter-level edit; always different from ``word``."""
    letters = [i for i, ch in enumerate(word) if ch.isalpha()]
    swaps = [i for i in letters if i + 1 < len(word) and word[i + 1].isalpha()
             and word[i].lower() != word[i + 1].lower()]
    kind = rng.choice(("swap", "delete", "insert"))
    if kind == "swap" and swaps:
        i = rng.choice(swaps)
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    i = rng.choice(letters)
    if kind == "insert":
        return word[:i] + rng.choice(string.ascii_lowercase) + word[i:]
    return word[:i] + word[i + 1:]
