"""Span sides where the answer is known: texts with PER and ORG spans drawn from known
names, lengths and scores, some windows shifted in one way."""

from __future__ import annotations

import numpy as np

from textloop.strategies.drift.span_base import SpanHit

PEOPLE = ("Ana", "Bob", "Carla Diaz", "Dev", "Eun-ji")
COMPANIES = ("Acme", "Globex Corp", "Initech", "Umbrella")
KNOWN = frozenset(s.casefold() for s in (*PEOPLE, *COMPANIES))


def hit(label: str, surface: str, score: float | None = 0.9) -> SpanHit:
    return SpanHit(label, 0, len(surface), score, surface)


def side(rng: np.random.Generator, n: int, *, per_rate: float = 0.8, org_rate: float = 0.5,
         scores: tuple[float, float] = (8.0, 2.0), names: tuple[str, ...] = PEOPLE,
         ) -> list[list[SpanHit]]:
    """``n`` texts, each with Poisson(``per_rate``) PER and Poisson(``org_rate``) ORG spans,
    scores from Beta(``scores``)."""
    rows = []
    for _ in range(n):
        row = [hit("PER", str(rng.choice(names)), float(rng.beta(*scores)))
               for _ in range(rng.poisson(per_rate))]
        row += [hit("ORG", str(rng.choice(COMPANIES)), float(rng.beta(*scores)))
                for _ in range(rng.poisson(org_rate))]
        rows.append(row)
    return rows


def false_alarms(detector, seeds: int = 30) -> int:
    """Unchanged windows (same distribution as the reference) the detector flags."""
    rng = np.random.default_rng(7)
    reference = side(rng, 400)
    return sum(detector.test(reference, side(rng, 150), seed=s, known_strings=KNOWN).drift
               for s in range(seeds))
