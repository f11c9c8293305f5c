"""Mention replacement: a labeled sentence with one entity swapped for another of its type.

"[Ana](PER) flew to [Lima](LOC)" becomes "[Ana](PER) flew to [Oslo](LOC)": the context a
model learns a type from stays real, and the mention is one the project already knows is of
that type (``Brief.mentions``: the strings of the release's train spans and the span rules'
gazetteer phrases). Each variant swaps the mentions of the type asked for (``rate`` of
them, at least one; a seed without one swaps a mention of another type), each for a string
of the same type that differs from it, and moves every other span by the exact change in
length (``spans.edits.rewrite``: a Hangul name for a Latin one, an emoji in a mention).
Only mentions that overlap no other span are swapped, so nested spans are never cut.
No model is asked; all randomness comes from the augmenter's seeded generator.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import Any

from textloop.spans import Span
from textloop.spans.edits import Replacement, rewrite
from textloop.strategies.synth.augment import Augmenter
from textloop.strategies.synth.base import Brief, Seed
from textloop.strategies.synth.protected import Masked


class MentionSwap(Augmenter):
    """Swaps ``rate`` of a seed's mentions of the target type (at least one)."""

    for_spans = True

    def __init__(self, rate: float = 1.0) -> None:
        super().__init__(rate)

    def params(self, brief: Brief) -> Mapping[str, Any]:
        return {"rate": self.rate,
                "mentions": {label: len(found) for label, found in sorted(brief.mentions.items())}}

    def variant(self, seed: Seed, masked_seed: Seed, masked: Masked, brief: Brief,
                rng: random.Random) -> tuple[str, tuple[Span, ...] | None] | None:
        spans = list(seed.spans)
        alone = [s for s in spans if not any(o != s and o.overlaps(s) for o in spans)
                 and _others(brief, s, seed.text)]
        wanted = [s for s in alone if s.label == brief.label] or alone
        if not wanted:
            return None
        chosen = rng.sample(wanted, max(1, round(self.rate * len(wanted))))
        edits = [Replacement(s.start, s.end, rng.choice(_others(brief, s, seed.text)))
                 for s in chosen]
        text, moved = rewrite(seed.text, spans, edits)
        return text, tuple(moved)


def _others(brief: Brief, span: Span, text: str) -> list[str]:
    """Strings of the span's type that differ from its own (ignoring case)."""
    own = span.text_of(text).casefold()
    return [m for m in brief.mentions.get(span.label, ()) if m.strip() and m.casefold() != own]
