"""Keyboard typos on Hangul: one jamo slips on the two-set layout, the syllable stays whole."""

from __future__ import annotations

import random

from textloop.hangul import is_syllable, jamo
from textloop.strategies.perturb.typos import DUBEOLSIK_NEIGHBOURS, hangul_typo

WORDS = ("학교에", "안녕하세요", "닭", "값", "꽃을", "사랑해", "외국인", "뭐", "정말로요")


def jamo_edits(before: str, after: str) -> list[tuple[int, int, str, str]]:
    """(syllable, slot, old, new) for each jamo that differs."""
    assert len(before) == len(after)
    return [(i, slot, old, new)
            for i, (a, b) in enumerate(zip(before, after, strict=True))
            for slot, (old, new) in enumerate(zip(jamo(a), jamo(b), strict=True))
            if old != new]


def test_a_hangul_typo_is_one_jamo_edit_and_stays_valid_hangul() -> None:
    rng = random.Random(7)
    for word in WORDS:
        for _ in range(200):
            typo = hangul_typo(word, rng)
            assert all(map(is_syllable, typo)), typo
            edits = jamo_edits(word, typo)
            assert len(edits) == 1, (word, typo)


def test_a_substituted_jamo_is_a_neighbouring_key_on_the_two_set_layout() -> None:
    rng = random.Random(3)
    kinds = set()
    for _ in range(500):
        typo = hangul_typo("학교", rng)
        [(_, slot, old, new)] = jamo_edits("학교", typo)
        if slot == 2 and new in ("", "ㄲ"):
            kinds.add("drop" if new == "" else "double")
        else:
            assert new in DUBEOLSIK_NEIGHBOURS[old], (old, new)
            kinds.add(("initial", "medial", "final")[slot])
    assert kinds == {"initial", "medial", "final", "drop", "double"}


def test_a_compound_final_loses_its_second_key_when_dropped() -> None:
    rng = random.Random(0)
    finals = {jamo(hangul_typo("닭", rng))[2] for _ in range(300)}
    assert "ㄹ" in finals and "" not in finals  # ㄺ is typed ㄹ then ㄱ


def test_the_same_seed_gives_the_same_typos() -> None:
    first = [hangul_typo(word, random.Random(5)) for word in WORDS]
    assert first == [hangul_typo(word, random.Random(5)) for word in WORDS]


def test_letters_that_are_not_hangul_syllables_are_left_alone() -> None:
    rng = random.Random(1)
    for _ in range(100):
        typo = hangul_typo("OK\ue000요ㅋㅋ", rng)
        assert typo[:3] == "OK\ue000" and typo[4:] == "ㅋㅋ" and typo[3] != "요"
