"""Random word swap, deletion and insertion (EDA's RS, RD and RI) on seed texts.

Each touches ``rate`` times the number of words, at least one. Texts are split on
whitespace and joined with single spaces, as EDA does; punctuation stays with its word.
A word that holds a protected span (markup, a URL; see ``protected.py``) is never swapped
or deleted.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from typing import Any

from textloop.strategies.synth.augment import Augmenter, unprotected, word_count
from textloop.strategies.synth.base import Brief, Seed
from textloop.strategies.synth.protected import holds_span
from textloop.strategies.synth.synonym import WORD, stop_words, words_with_synonyms
from textloop.strategies.synth.wordnet import try_wordnet


class RandomSwap(Augmenter):
    """Swaps two words at random positions, ``rate × words`` times (at least once)."""

    def edit(self, seed: Seed, brief: Brief, rng: random.Random) -> str:
        words = seed.text.split()
        free = [i for i, word in enumerate(words) if not holds_span(word)]
        if len(free) < 2:
            return seed.text
        for _ in range(word_count(seed.text, self.rate)):
            i, j = rng.sample(free, 2)
            words[i], words[j] = words[j], words[i]
        return " ".join(words)


class RandomDeletion(Augmenter):
    """Deletes ``rate × words`` words (at least one) at random, always keeping one."""

    def edit(self, seed: Seed, brief: Brief, rng: random.Random) -> str:
        words = seed.text.split()
        free = [i for i, word in enumerate(words) if not holds_span(word)]
        drop = max(0, min(word_count(seed.text, self.rate), len(words) - 1, len(free)))
        gone = set(rng.sample(free, drop))
        return " ".join(word for i, word in enumerate(words) if i not in gone)


class RandomInsertion(Augmenter):
    """Inserts ``rate × words`` words (at least one) at random positions: a synonym of one
    of the text's content words when WordNet is installed (``source: wordnet``), otherwise
    a content word of another seed of the same class (``source: seeds``)."""

    english_only = True  # WordNet's synonyms, English stop words: check_language

    def __init__(self, rate: float = 0.1, senses: int = 2,
                 wordnet_dir: str | None = None) -> None:
        super().__init__(rate)
        self.senses = senses
        self.wordnet = try_wordnet(wordnet_dir)

    def params(self, brief: Brief) -> Mapping[str, Any]:
        source = "wordnet" if self.wordnet is not None else "seeds"
        return {"rate": self.rate, "senses": self.senses, "source": source}

    def edit(self, seed: Seed, brief: Brief, rng: random.Random) -> str:
        words = seed.text.split()
        groups = self._insertable(seed, brief)
        if not groups:
            return seed.text
        for _ in range(word_count(seed.text, self.rate)):
            words.insert(rng.randint(0, len(words)), rng.choice(rng.choice(groups)))
        return " ".join(words)

    def _insertable(self, seed: Seed, brief: Brief) -> list[Sequence[str]]:
        """Groups of words to insert (a group is picked, then a word of it): the synonyms
        of each content word of the seed, or each content word of the other seeds (of the
        seed itself when it is the only one)."""
        if self.wordnet is not None:
            return [self.wordnet.synonyms(word, self.senses)
                    for word in words_with_synonyms(self.wordnet, seed.text, self.senses)]
        others = [s.text for s in brief.seeds if s.record_id != seed.record_id] or [seed.text]
        return [(word,) for text in others for word in WORD.findall(text)
                if word.lower() not in stop_words()]

# the first versions, which edited markup and URLs as words
RandomSwapV1 = unprotected(RandomSwap, "textloop.synth.swap.v1")
RandomDeletionV1 = unprotected(RandomDeletion, "textloop.synth.delete.v1")
RandomInsertionV1 = unprotected(RandomInsertion, "textloop.synth.insert.v1")
