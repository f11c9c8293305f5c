"""Keyboard typos: some words of a seed hit with a slip onto a neighbouring key.

The noise real users type (see ``perturb.typos.keyboard_typo``), so a classifier trained
on the variants copes with misspelt input; the words and their order are otherwise kept.
Version 3 picks the unit by script: a word with Hangul syllables gets a jamo slip on the
two-set layout (``perturb.typos.hangul_typo``), any other word the QWERTY slip of
version 2, which stays registered unchanged so an old batch's configuration makes the
same texts again.
"""

from __future__ import annotations

import random

from textloop.strategies.perturb.base import edit_some_words
from textloop.strategies.perturb.typos import (
    HANGUL_OR_TWO_LETTERS,
    TWO_LETTERS,
    keyboard_typo,
    script_typo,
)
from textloop.strategies.synth.augment import Augmenter, unprotected
from textloop.strategies.synth.base import Brief, Seed


class KeyboardTypos(Augmenter):
    """One keyboard slip in each of a ``rate`` share of the words with two or more letters
    (at least one word per text); the whitespace between words is kept."""

    def edit(self, seed: Seed, brief: Brief, rng: random.Random) -> str:
        return edit_some_words(seed.text, rng, self.rate, TWO_LETTERS, keyboard_typo)


class ScriptTypos(KeyboardTypos):
    """Version 2 with Korean typed as Korean: a word holding a Hangul syllable (even a
    one-syllable word, which has two or three jamo to slip) gets one jamo slip, recomposed
    into valid Hangul; other words are chosen and edited exactly as version 2 does."""

    def edit(self, seed: Seed, brief: Brief, rng: random.Random) -> str:
        return edit_some_words(seed.text, rng, self.rate, HANGUL_OR_TWO_LETTERS, script_typo)


KeyboardTyposV1 = unprotected(KeyboardTypos, "textloop.synth.typo.v1")
