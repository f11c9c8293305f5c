"""Keyboard typos on seeds: a share of the words slipped, the rest and the spacing kept."""

from __future__ import annotations

import random

from tests.unit.strategies.synth.conftest import sms_brief
from textloop.progress import NULL_PROGRESS
from textloop.strategies.perturb.typos import TWO_LETTERS
from textloop.strategies.synth import Brief, Request, Seed, make_generator


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



KOREAN = {"배송이 너무 느려요 https://shop.example.kr/a?b=1 환불해 주세요":
          ("https://shop.example.kr/a?b=1",),
          "<b>최고</b> 제품입니다 강력 추천해요 10개 샀어요": ("<b>", "</b>", "10개")}


def test_typo_v3_slips_one_jamo_in_a_korean_word_and_keeps_protected_spans() -> None:
    from textloop.hangul import is_syllable, jamo

    brief = Brief(label="neg", description="",
                  seeds=tuple(Seed(f"r{i}", text) for i, text in enumerate(KOREAN)))
    candidates = make_generator("typo", rate=0.1).generate(Request(brief, 6, seed=1),
                                                           NULL_PROGRESS)
    assert len(candidates) == 6
    seeds = {seed.record_id: seed.text for seed in brief.seeds}
    for candidate in candidates:
        assert candidate.generator == "textloop.synth.typo.v3"
        before = seeds[candidate.seed_ids[0]]
        assert all(span in candidate.text for span in KOREAN[before])
        changed = [(a, b) for a, b in zip(before, candidate.text, strict=True) if a != b]
        assert len(changed) == 1, (before, candidate.text)
        [(a, b)] = changed
        assert is_syllable(a) and is_syllable(b)
        assert sum(x != y for x, y in zip(jamo(a), jamo(b), strict=True)) == 1


def test_typo_v3_gives_the_same_korean_typos_for_the_same_seed() -> None:
    brief = Brief(label="neg", description="",
                  seeds=tuple(Seed(f"r{i}", text) for i, text in enumerate(KOREAN)))
    texts = [[c.text for c in make_generator("typo").generate(Request(brief, 4, seed=s),
                                                              NULL_PROGRESS)]
             for s in (3, 3, 4)]
    assert texts[0] == texts[1] and texts[0] != texts[2]


def test_typo_v3_edits_english_exactly_as_v2_did() -> None:
    brief = sms_brief(n=6)
    v2, v3 = make_generator("textloop.synth.typo.v2"), make_generator("typo")
    assert v3.name == "textloop.synth.typo.v3"
    for seed in brief.seeds:
        for n in range(5):
            assert v3.edit(seed, brief, random.Random(n)) == \
                v2.edit(seed, brief, random.Random(n))
