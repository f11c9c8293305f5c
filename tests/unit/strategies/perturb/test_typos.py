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


KOREAN = ["학교에 가기 싫다 진짜 너무 싫다", "이 영화 정말 재밌었어요 최고", "닭 값이 올랐네",
          "배송이 늦어서 다시는 안 시킬래요 ok"]


def test_the_typos_probe_slips_korean_words_by_one_jamo() -> None:
    """Version 1 edits Hangul as if it were Latin (an ASCII letter pushed into a word, whole
    syllables swapped or dropped); the default probe types Korean as Korean."""
    from textloop.strategies.perturb import perturb_texts

    full, changed = perturb_texts("typos", KOREAN, seed=0)
    assert full == "textloop.perturb.typos.v2"
    for before, after in zip(KOREAN, changed, strict=True):
        pairs = [(a, b) for a, b in zip(before.split(" "), after.split(" "), strict=True)
                 if a != b]
        assert pairs, before
        for word, typo in pairs:
            assert all(map(is_syllable, typo)) and len(jamo_edits(word, typo)) == 1, typo
    old = perturb_texts("textloop.perturb.typos.v1", KOREAN, seed=0)[1]
    assert any(not all(map(is_syllable, w)) for text in old for w in text.split(" ")
               if w not in " ".join(KOREAN).split(" "))


def letter_edits(word: str) -> set[str]:
    """Every text version 1's ``typo`` can make of ``word``: a swap, a drop, an insertion."""
    swaps = {word[:i] + word[i + 1] + word[i] + word[i + 2:] for i in range(len(word) - 1)}
    drops = {word[:i] + word[i + 1:] for i in range(len(word))}
    inserts = {word[:i] + ch + word[i:] for i in range(len(word))
               for ch in "abcdefghijklmnopqrstuvwxyz"}
    return swaps | drops | inserts


def test_the_typos_probe_edits_other_words_as_version_one() -> None:
    from textloop.strategies.perturb import perturb_texts

    texts = ["Win a FREE phone, reply now!", "the meeting moved to Tuesday afternoon",
             "배송이 늦어서 정말 화가 나요 delivery late"]
    for seed in range(5):
        for before, after in zip(texts, perturb_texts("typos", texts, seed)[1], strict=True):
            for word, typo in zip(before.split(" "), after.split(" "), strict=True):
                if word != typo and word.isascii():
                    assert typo in letter_edits(word), (word, typo)
