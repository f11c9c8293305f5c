"""Context edits that keep every span intact: word swaps, deletions and typos outside them.

The classification augmenters (``word_edits``, ``typo``) are applied to a seed whose spans
are each masked by one placeholder character, the same private-use characters that keep
markup and URLs out of their reach (``protected.py``): a masked mention is a single
"word" that no edit changes, splits, deletes or moves (``holds_span``). Afterwards each
placeholder is put back and its spans are set at the placeholder's new position, so the
offsets are exact whatever the edits did to the length of the text around them. An edit
that lost, doubled or reordered a mention is discarded, as ``Masked.restore`` does for
markup. A span inside another travels with the outer one.

Each variant uses one of ``edits`` (chosen at random): ``swap``, ``delete`` or ``typo``
(Hangul-aware typos, ``typo.v3``), at ``rate`` of the words.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from typing import Any

from textloop.errors import InvalidInputError
from textloop.spans import Span
from textloop.strategies.synth.augment import Augmenter
from textloop.strategies.synth.base import Brief, Seed
from textloop.strategies.synth.protected import PLACEHOLDERS, Masked, mask
from textloop.strategies.synth.typo import ScriptTypos
from textloop.strategies.synth.word_edits import RandomDeletion, RandomSwap

EDITS: dict[str, type[Augmenter]] = {"swap": RandomSwap, "delete": RandomDeletion,
                                     "typo": ScriptTypos}
_FIRST = 0xE000


class SpanContextEdits(Augmenter):
    """One of ``edits`` per variant, applied outside the seed's spans."""

    for_spans = True
    protects = False  # the spans are masked here, with markup and URLs, before any edit

    def __init__(self, rate: float = 0.1, edits: Sequence[str] = ("swap", "delete", "typo")
                 ) -> None:
        super().__init__(rate)
        unknown = [name for name in edits if name not in EDITS]
        if unknown or not edits:
            raise InvalidInputError(f"edits {list(edits)!r}: expected some of "
                                    f"{', '.join(EDITS)}")
        self.edits = tuple(edits)
        self.editors = {name: EDITS[name](rate) for name in self.edits}

    def params(self, brief: Brief) -> Mapping[str, Any]:
        return {"rate": self.rate, "edits": list(self.edits)}

    def variant(self, seed: Seed, masked_seed: Seed, masked: Masked, brief: Brief,
                rng: random.Random) -> tuple[str, tuple[Span, ...] | None] | None:
        if PLACEHOLDERS.search(seed.text):  # the text's own private-use characters
            return None
        groups = outermost(seed.spans)
        hidden, at = [], 0
        for i, group in enumerate(groups):
            hidden += [seed.text[at:group.start], chr(_FIRST + i)]
            at = group.end
        hidden.append(seed.text[at:])
        protected = mask("".join(hidden))
        name = rng.choice(self.edits)
        edited = protected.restore(
            self.editors[name].edit(Seed(seed.record_id, protected.text), brief, rng))
        if edited is None:
            return None
        return unmask(edited, seed, groups)


def outermost(spans: Sequence[Span]) -> list[Span]:
    """The spans no other span holds, in order (ties: the longest)."""
    out: list[Span] = []
    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        if out and span.start < out[-1].end:
            if span.end > out[-1].end:  # crossing spans: one group covering both
                out[-1] = Span(out[-1].start, span.end, out[-1].label)
            continue
        out.append(span)
    return out


def unmask(edited: str, seed: Seed, groups: Sequence[Span]
           ) -> tuple[str, tuple[Span, ...]] | None:
    """The edited text with each group's words back, and every span at its new offsets;
    None when a placeholder went missing, was repeated or moved past another."""
    found = [ord(ch) - _FIRST for ch in PLACEHOLDERS.findall(edited)]
    if found != list(range(len(groups))):
        return None
    out: list[str] = []
    length = 0
    spans: list[Span] = []
    for char in edited:
        if PLACEHOLDERS.fullmatch(char):
            group = groups[ord(char) - _FIRST]
            shift = length - group.start
            spans += [Span(s.start + shift, s.end + shift, s.label) for s in seed.spans
                      if group.start <= s.start and s.end <= group.end]
            out.append(group.text_of(seed.text))
            length += group.end - group.start
        else:
            out.append(char)
            length += 1
    return "".join(out), tuple(sorted(spans))
