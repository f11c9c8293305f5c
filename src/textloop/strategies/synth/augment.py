"""Model-free augmentation: new texts made by editing real seed texts of the class.

An augmenter edits seeds in turn (the first, the second, ..., then round again) until it has
``count`` texts it has not produced before and that differ from every seed, or until it has
tried ``ATTEMPTS`` times as often as asked (a one-word seed cannot be swapped, a word without
synonyms cannot be replaced). All randomness comes from one generator seeded with the
augmenter's full name, the class and ``Request.seed``, so the same request gives the same
texts on every machine. Each candidate names the seed it was made from and the settings used.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import Any

from textloop.errors import InvalidInputError
from textloop.progress import Progress
from textloop.strategies.synth.base import Brief, Candidate, Request, Seed
from textloop.strategies.synth.novelty import NoveltyFilter

ATTEMPTS = 3  # tries per text asked for, before giving up on the rest


class Augmenter:
    """Base of the model-free generators: subclasses say how one seed is edited."""

    name = ""  # set by make_generator to the full registry name
    edits_seeds = True
    """Each text is a variant of one seed on purpose: the gate lets a near-copy of its own
    seed through (see ``GateSettings.seed_variants``)."""

    def __init__(self, rate: float = 0.1) -> None:
        if not 0 < rate <= 1:
            raise InvalidInputError(f"rate is {rate}, expected a share of the words in (0, 1]")
        self.rate = rate

    def params(self, brief: Brief) -> Mapping[str, Any]:
        """The settings recorded on every candidate (besides ``seed``)."""
        return {"rate": self.rate}

    def edit(self, seed: Seed, brief: Brief, rng: random.Random) -> str:
        """One variant of ``seed.text``; may equal it when no edit applies."""
        raise NotImplementedError

    def generate(self, request: Request, progress: Progress) -> list[Candidate]:
        brief = request.brief
        if not brief.seeds:
            raise InvalidInputError(
                f"augmenting class {brief.label!r} needs at least one seed text, found none",
                hint=f"label some records as {brief.label!r} first, or use an LLM generator")
        rng = random.Random(f"{self.name}:{brief.label}:{request.seed}")
        params = {**self.params(brief), "seed": request.seed}
        novel = NoveltyFilter(brief.seeds)
        out: list[Candidate] = []
        with progress.task(f"augmenting {brief.label}", total=request.count) as task:
            for attempt in range(request.count * ATTEMPTS):
                if len(out) == request.count:
                    break
                seed = brief.seeds[attempt % len(brief.seeds)]
                text = self.edit(seed, brief, rng)
                if novel.admit(text):
                    out.append(Candidate(text=text, label=brief.label, generator=self.name,
                                         seed_ids=(seed.record_id,), params=params))
                    task.advance()
        return out


def word_count(text: str, rate: float) -> int:
    """How many of ``text``'s words an edit at ``rate`` touches: at least one (EDA's n)."""
    return max(1, round(rate * len(text.split())))
