"""Typos: adjacent letters swapped, a letter dropped or a letter inserted, in some words."""

from __future__ import annotations

import random
import re
import string

from textloop.registry import REGISTRY
from textloop.strategies.perturb.base import edit_some_words

TWO_LETTERS = re.compile(r"[^\W\d_].*[^\W\d_]|[^\W\d_]{2}", re.DOTALL)


@REGISTRY.register("textloop.perturb.typos.v1")
class Typos:
    """One edit in each of a ``rate`` share of the words with two or more letters (at least
    one word per text): swap two neighbouring letters, delete a letter or insert one."""

    def __init__(self, rate: float = 0.1) -> None:
        self.rate = rate

    def __call__(self, text: str, rng: random.Random) -> str:
        return edit_some_words(text, rng, self.rate, TWO_LETTERS, typo)


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


QWERTY_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")


def _qwerty_neighbours() -> dict[str, str]:
    """Each letter's neighbouring keys on a QWERTY keyboard (same row and the rows next to
    it, offset as keys are staggered): the keys a finger slips onto."""
    position = {ch: (row, col) for row, keys in enumerate(QWERTY_ROWS)
                for col, ch in enumerate(keys)}
    neighbours = {}
    for ch, (row, col) in position.items():
        near = [other for other, (r, c) in position.items() if other != ch and (
            (r == row and abs(c - col) == 1) or (r == row - 1 and c in (col, col + 1))
            or (r == row + 1 and c in (col - 1, col)))]
        neighbours[ch] = "".join(sorted(near))
    return neighbours


QWERTY_NEIGHBOURS = _qwerty_neighbours()


def keyboard_typo(word: str, rng: random.Random) -> str:
    """``word`` with one slip of the finger: a letter replaced by a neighbouring key, a
    neighbouring key pressed as well, or (a third of the time) one of ``typo``'s edits.
    Always different from ``word``; the case of the letter hit is kept."""
    keys = [i for i, ch in enumerate(word) if ch.lower() in QWERTY_NEIGHBOURS]
    kind = rng.choice(("replace", "press-both", "typo"))
    if kind == "typo" or not keys:
        return typo(word, rng)
    i = rng.choice(keys)
    slip = rng.choice(QWERTY_NEIGHBOURS[word[i].lower()])
    slip = slip.upper() if word[i].isupper() else slip
    if kind == "replace":
        return word[:i] + slip + word[i + 1:]
    at = i + rng.randint(0, 1)  # the slipped key lands before or after the intended one
    return word[:at] + slip + word[at:]
