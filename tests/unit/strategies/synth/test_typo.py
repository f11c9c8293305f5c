"""Keyboard typos on seeds: a share of the words slipped, the rest and the spacing kept."""

from __future__ import annotations

from tests.unit.strategies.synth.conftest import sms_brief
from textloop.progress import NULL_PROGRESS
from textloop.strategies.perturb.typos import TWO_LETTERS
from textloop.strategies.synth import Request, make_generator


def test_a_rate_share_of_the_words_gets_one_slip_and_the_spacing_stays() -> None:
    brief = sms_brief(n=4)
    candidates = make_generator("typo", rate=0.1).generate(Request(brief, 4, seed=2),
                                                           NULL_PROGRESS)
    for candidate, seed in zip(candidates, brief.seeds, strict=True):
        before, after = seed.text.split(" "), candidate.text.split(" ")
        assert len(before) == len(after)
        changed = sum(a != b for a, b in zip(before, after, strict=True))
        eligible = sum(bool(TWO_LETTERS.search(word)) for word in before)
        assert changed == max(1, round(0.1 * eligible))
