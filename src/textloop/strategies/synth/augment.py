"""Model-free augmentation: new texts made by editing real seed texts of the class.

An augmenter edits seeds in turn (the first, the second, ..., then round again) until it has
``count`` texts it has not produced before and that differ from every seed, or until it has
tried ``ATTEMPTS`` times as often as asked (a one-word seed cannot be swapped, a word without
synonyms cannot be replaced). All randomness comes from one generator seeded with the
augmenter's full name, the class and ``Request.seed``, so the same request gives the same
texts on every machine. Each candidate names the seed it was made from and the settings used.

Markup, entities, URLs, e-mail addresses, @mentions and numbers are masked before any edit
and put back after it (``protected.py``), here and only here, so no augmenter edits them.
The first versions (``.v1``) edited them as words; they stay registered, unprotected, so an
old batch's configuration makes the same texts again.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import replace
from typing import Any, TypeVar

from textloop.errors import InvalidInputError
from textloop.progress import Progress
from textloop.spans import Span
from textloop.strategies.synth.base import Brief, Candidate, Request, Seed
from textloop.strategies.synth.novelty import NoveltyFilter
from textloop.strategies.synth.protected import Masked, mask

ATTEMPTS = 3  # tries per text asked for, before giving up on the rest


class Augmenter:
    """Base of the model-free generators: subclasses say how one seed is edited."""

    name = ""  # set by make_generator to the full registry name
    edits_seeds = True
    """Each text is a variant of one seed on purpose: the gate lets a near-copy of its own
    seed through (see ``GateSettings.seed_variants``)."""
    protects = True
    """Whether protected spans are masked before ``edit`` (False only for the ``.v1``s)."""

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
        masks = [self._mask(seed.text) for seed in brief.seeds]
        shown = replace(brief, seeds=tuple(replace(seed, text=masked.text)
                                           for seed, masked in zip(brief.seeds, masks,
                                                                   strict=True)))
        out: list[Candidate] = []
        with progress.task(f"augmenting {brief.label}", total=request.count) as task:
            for attempt in range(request.count * ATTEMPTS):
                if len(out) == request.count:
                    break
                at = attempt % len(brief.seeds)
                seed = brief.seeds[at]
                made = self.variant(seed, shown.seeds[at], masks[at], shown, rng)
                if made is not None and novel.admit(made[0]):
                    out.append(Candidate(text=made[0], label=brief.label, generator=self.name,
                                         seed_ids=(seed.record_id,), params=params,
                                         spans=made[1]))
                    task.advance()
        return out

    def variant(self, seed: Seed, masked_seed: Seed, masked: Masked, brief: Brief,
                rng: random.Random) -> tuple[str, tuple[Span, ...] | None] | None:
        """(text, spans or None) of one variant of ``seed``, or None when the edit could
        not stand. This edits the masked text and puts the protected spans back; span
        generators, which must also carry each span to its new offsets, replace it."""
        text: str | None = self.edit(masked_seed, brief, rng)
        if self.protects and text is not None:
            text = masked.restore(text)
        return None if text is None else (text, None)

    def _mask(self, text: str) -> Masked:
        return mask(text) if self.protects else Masked(text, ())


A = TypeVar("A", bound=type[Augmenter])


def unprotected(cls: A, name: str) -> A:
    """``cls`` without span protection: the earlier version ``name`` (e.g.
    ``textloop.synth.swap.v1``), kept as a module attribute that ``textloop.builtins``
    declares under that name."""
    return type(cls.__name__ + "V1", (cls,), {  # type: ignore[return-value]
        "protects": False, "__doc__": f"{name}: edits markup and URLs as words.",
        "__module__": cls.__module__, "__qualname__": cls.__name__ + "V1"})


def word_count(text: str, rate: float) -> int:
    """How many of ``text``'s words an edit at ``rate`` touches: at least one (EDA's n)."""
    return max(1, round(rate * len(text.split())))
