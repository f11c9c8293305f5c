"""Hangul syllables as jamo, and the two-set (dubeolsik) keyboard that types them.

A precomposed syllable (가 to 힣, U+AC00 to U+D7A3) is arithmetic on three indices:
``0xAC00 + (initial × 21 + medial) × 28 + final``, with 19 initial consonants, 21 medial
vowels and 28 finals (the first one: none). Taking a syllable apart this way, and knowing
which key types each jamo on the standard two-set layout, is what a keyboard typo, a word
typed in Latin mode or a jamo feature needs; it lives here once, pure, for all of them.
"""

from __future__ import annotations

FIRST, LAST = 0xAC00, 0xD7A3
INITIALS = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
MEDIALS = "ㅏㅐㅑㅒㅓㅔㅕㅖㅗㅘㅙㅚㅛㅜㅝㅞㅟㅠㅡㅢㅣ"
FINALS = ("", "ㄱ", "ㄲ", "ㄳ", "ㄴ", "ㄵ", "ㄶ", "ㄷ", "ㄹ", "ㄺ", "ㄻ", "ㄼ", "ㄽ", "ㄾ",
          "ㄿ", "ㅀ", "ㅁ", "ㅂ", "ㅄ", "ㅅ", "ㅆ", "ㅇ", "ㅈ", "ㅊ", "ㅋ", "ㅌ", "ㅍ", "ㅎ")
# the two-set keyboard: each jamo's key (compound vowels and finals are typed as two;
# upper case is the key with shift)
KEYS = dict(zip("ㅂㅈㄷㄱㅅㅛㅕㅑㅐㅔㅁㄴㅇㄹㅎㅗㅓㅏㅣㅋㅌㅊㅍㅠㅜㅡㅃㅉㄸㄲㅆㅒㅖ",
                "qwertyuiopasdfghjklzxcvbnmQWERTOP", strict=True))
KEYS.update({"ㅘ": "hk", "ㅙ": "ho", "ㅚ": "hl", "ㅝ": "nj", "ㅞ": "np", "ㅟ": "nl",
             "ㅢ": "ml", "ㄳ": "rt", "ㄵ": "sw", "ㄶ": "sg", "ㄺ": "fr", "ㄻ": "fa",
             "ㄼ": "fq", "ㄽ": "ft", "ㄾ": "fx", "ㄿ": "fv", "ㅀ": "fg", "ㅄ": "qt"})
# the jamo each unshifted key types
JAMO_OF_KEY = {key: j for j, key in KEYS.items() if len(key) == 1 and key.islower()}


def is_syllable(char: str) -> bool:
    """Whether ``char`` is one precomposed Hangul syllable (not a lone jamo)."""
    return FIRST <= ord(char) <= LAST


def jamo(syllable: str) -> tuple[str, str, str]:
    """(initial, medial, final) of a precomposed Hangul syllable (final may be empty)."""
    index = ord(syllable) - FIRST
    if not 0 <= index <= LAST - FIRST:
        raise ValueError(f"{syllable!r} is not a precomposed Hangul syllable")
    return INITIALS[index // 588], MEDIALS[index % 588 // 28], FINALS[index % 28]


def compose(initial: str, medial: str, final: str = "") -> str:
    """The syllable of three jamo; ``ValueError`` for a jamo that cannot take that place."""
    return chr(FIRST + (INITIALS.index(initial) * 21 + MEDIALS.index(medial)) * 28
               + FINALS.index(final))
