"""Case changes: the whole text in lower or in upper case (people type both)."""

from __future__ import annotations

import random

from textloop.registry import REGISTRY


@REGISTRY.register("textloop.perturb.lowercase.v1")
class Lowercase:
    def __call__(self, text: str, rng: random.Random) -> str:
        return text.lower()


@REGISTRY.register("textloop.perturb.uppercase.v1")
class Uppercase:
    def __call__(self, text: str, rng: random.Random) -> str:
        return text.upper()
