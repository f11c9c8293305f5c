"""Keyboard typos: some words of a seed hit with a slip onto a neighbouring QWERTY key.

The noise real users type (see ``perturb.typos.keyboard_typo``), so a classifier trained
on the variants copes with misspelt input; the words and their order are otherwise kept.
"""

from __future__ import annotations

import random

from textloop.registry import REGISTRY
from textloop.strategies.perturb.base import edit_some_words
from textloop.strategies.perturb.typos import TWO_LETTERS, keyboard_typo
from textloop.strategies.synth.augment import Augmenter, unprotected
from textloop.strategies.synth.base import Brief, Seed


@unprotected("textloop.synth.typo.v1")
@REGISTRY.register("textloop.synth.typo.v2")
class KeyboardTypos(Augmenter):
    """One keyboard slip in each of a ``rate`` share of the words with two or more letters
    (at least one word per text); the whitespace between words is kept."""

    def edit(self, seed: Seed, brief: Brief, rng: random.Random) -> str:
        return edit_some_words(seed.text, rng, self.rate, TWO_LETTERS, keyboard_typo)
