"""What a perturbation is, and how a probe applies one to many texts reproducibly.

A perturbation changes one text the way real input varies (a typo, shouting in capitals,
dropped punctuation) without changing what the text means, so a robust model keeps its
answer. Randomness comes from a generator seeded by the probe's full name and the seed:
the same texts give the same perturbed texts on every machine and in every run.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from typing import Protocol

from textloop.registry import REGISTRY

FAMILY = "perturb"
DEFAULT_PROBES = ("typos", "lowercase", "uppercase", "strip-punct", "add-punct")
_TOKENS = re.compile(r"(\s+)")


class Perturbation(Protocol):
    def __call__(self, text: str, rng: random.Random, /) -> str: ...


def make_perturbation(name: str) -> tuple[str, Perturbation]:
    """(full registry name, perturbation with its default settings) for a short or full name."""
    full, factory = REGISTRY.resolve(FAMILY, name)
    return full, factory()


def perturb_texts(name: str, texts: Sequence[str], seed: int = 0) -> tuple[str, list[str]]:
    """(full name, each text perturbed); deterministic for the same name, texts and seed."""
    full, perturb = make_perturbation(name)
    rng = random.Random(f"{full}:{seed}")
    return full, [perturb(text, rng) for text in texts]


def edit_some_words(text: str, rng: random.Random, rate: float,
                    eligible: re.Pattern[str], edit: Perturbation) -> str:
    """Apply ``edit`` to a ``rate`` share of the words matching ``eligible`` (at least one,
    when any word qualifies); whitespace between words is kept as it was."""
    tokens = _TOKENS.split(text)
    candidates = [i for i, token in enumerate(tokens) if eligible.search(token)]
    if not candidates:
        return text
    count = min(len(candidates), max(1, round(rate * len(candidates))))
    for i in sorted(rng.sample(candidates, count)):
        tokens[i] = edit(tokens[i], rng)
    return "".join(tokens)
