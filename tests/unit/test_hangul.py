"""Hangul syllables taken apart into jamo and put back together with Unicode arithmetic."""

from __future__ import annotations

from textloop.hangul import compose, is_syllable, jamo


def test_every_precomposed_syllable_decomposes_and_recomposes_to_itself() -> None:
    for point in range(0xAC00, 0xD7A4):
        assert compose(*jamo(chr(point))) == chr(point)


def test_jamo_of_known_syllables() -> None:
    assert jamo("한") == ("ㅎ", "ㅏ", "ㄴ")
    assert jamo("국") == ("ㄱ", "ㅜ", "ㄱ")
    assert jamo("가") == ("ㄱ", "ㅏ", "")
    assert jamo("닭") == ("ㄷ", "ㅏ", "ㄺ")
    assert compose("ㄲ", "ㅘ", "ㅆ") == "꽜"


def test_only_precomposed_syllables_are_syllables() -> None:
    assert is_syllable("가") and is_syllable("힣")
    assert not any(map(is_syllable, ("ㄱ", "ㅏ", "a", "漢", "\ue000", "1")))
