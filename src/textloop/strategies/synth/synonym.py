"""Synonym replacement (EDA's SR): some content words of a seed swapped for WordNet synonyms.

Stop words are never replaced (WordNet lists "a" as vitamin A and "it" as information
technology), and synonyms come from a word's few most frequent senses only, so the text
keeps its meaning and its class more often than with every sense.
"""

from __future__ import annotations

import functools
import random
import re
from collections.abc import Mapping
from typing import Any

from textloop.strategies.perturb.base import edit_some_words
from textloop.strategies.synth.augment import Augmenter, unprotected
from textloop.strategies.synth.base import Brief, Seed
from textloop.strategies.synth.wordnet import WordNet, load_wordnet

WORD = re.compile(r"[^\W\d_]+(?:['-][^\W\d_]+)*")  # letters, with inner ' or -


@functools.cache
def stop_words() -> frozenset[str]:
    """scikit-learn's English stop words (a core dependency, imported when first needed)."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS
    return frozenset(ENGLISH_STOP_WORDS)


def words_with_synonyms(wordnet: WordNet, text: str, senses: int) -> list[str]:
    """The distinct content words of ``text`` (lower case, in order) that have synonyms."""
    found: dict[str, None] = {}
    for word in WORD.findall(text.lower()):
        if word not in stop_words() and wordnet.synonyms(word, senses):
            found.setdefault(word)
    return list(found)


def match_case(original: str, replacement: str) -> str:
    """``replacement`` written in ``original``'s case: SHOUTED, Capitalised or as WordNet has it."""
    if len(original) > 1 and original.isupper():
        return replacement.upper()
    if original[:1].isupper():
        return replacement[:1].upper() + replacement[1:]
    return replacement


class SynonymReplacement(Augmenter):
    """Replaces a ``rate`` share (at least one) of the words that have synonyms, each with
    one of the synonyms of its ``senses`` most frequent senses, chosen at random.

    WordNet is read from ``wordnet_dir``, or found in its usual places; without it the
    generator cannot be made (``MissingDataError`` saying how to install it)."""

    english_only = True  # WordNet is English: refused for other languages (check_language)

    def __init__(self, rate: float = 0.1, senses: int = 2,
                 wordnet_dir: str | None = None) -> None:
        super().__init__(rate)
        self.senses = senses
        self.wordnet = load_wordnet(wordnet_dir)
        self._patterns: dict[str, re.Pattern[str] | None] = {}

    def params(self, brief: Brief) -> Mapping[str, Any]:
        return {"rate": self.rate, "senses": self.senses}

    def edit(self, seed: Seed, brief: Brief, rng: random.Random) -> str:
        eligible = self._eligible(seed.text)
        if eligible is None:
            return seed.text

        def replace(token: str, rng: random.Random) -> str:
            return eligible.sub(lambda m: self._synonym(m.group(), rng), token, count=1)

        return edit_some_words(seed.text, rng, self.rate, eligible, replace)

    def _eligible(self, text: str) -> re.Pattern[str] | None:
        """A pattern matching the words of ``text`` that have synonyms (kept per text, as
        each seed is edited many times); ``None`` when there are none."""
        if text not in self._patterns:
            words = words_with_synonyms(self.wordnet, text, self.senses)
            self._patterns[text] = re.compile(
                r"\b(?:" + "|".join(map(re.escape, words)) + r")\b",
                re.IGNORECASE) if words else None
        return self._patterns[text]

    def _synonym(self, word: str, rng: random.Random) -> str:
        return match_case(word, rng.choice(self.wordnet.synonyms(word, self.senses)))


SynonymReplacementV1 = unprotected(SynonymReplacement, "textloop.synth.synonym.v1")
