"""Case changes: the whole text in lower or in upper case (people type both)."""

from __future__ import annotations

import random


class Lowercase:
    def __call__(self, text: str, rng: random.Random) -> str:
        return text.lower()


class Uppercase:
    def __call__(self, text: str, rng: random.Random) -> str:
        return text.upper()
