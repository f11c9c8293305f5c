"""Obfuscated Korean profanity written back in its plain form, for a model to read.

Korean comments dodge word filters three ways, and a character n-gram model sees each
spelling as different text:

- initial-consonant abbreviations: ``ㅅㅂ`` for 시발, ``ㅂㅅ``/``ㅄ`` for 병신;
- separators inside the word: ``시1발``, ``병..신``, ``개 새 끼``;
- the word typed with the keyboard in Latin mode: ``tlqkf`` is 시발 on the standard
  two-set (dubeolsik) layout, ``qudtls`` 병신.

A small lexicon of common profanity drives all three, so ordinary text is left alone:
laughter (``ㅋㅋ``) abbreviates nothing, a plain word is never changed (``시발점``, starting
point, stays), syllables split by spaces are joined only when no Hangul touches them (``이
시 발표`` stays), and a keyboard spelling counts only as a whole Latin run. The function is
pure and not wired into training: see BENCHMARKS.md for what it does to a model.
"""

from __future__ import annotations

import re
from functools import cache

from textloop.hangul import KEYS, jamo

# canonical forms, longest first so 개새끼 wins over 새끼
LEXICON = ("개새끼", "씨발", "시발", "병신", "존나", "새끼", "지랄", "미친", "닥쳐", "꺼져",
           "븅신", "씹", "좆")
# initial-consonant abbreviations in use (not derived: ㅅㄲ is common, ㅈ alone is not)
ABBREVIATIONS = {"ㄱㅅㄲ": "개새끼", "ㅆㅂ": "씨발", "ㅅㅂ": "시발", "ㅂㅅ": "병신",
                 "ㅄ": "병신", "ㅈㄴ": "존나", "ㅅㄲ": "새끼", "ㅈㄹ": "지랄", "ㅁㅊ": "미친",
                 "ㄷㅊ": "닥쳐", "ㄲㅈ": "꺼져"}

_SEPARATORS = r"[\d.,*_~!@#$%^&+=/\\|'`\-]"
_HANGUL = "가-힣ㄱ-ㅎㅏ-ㅣ"


def dubeolsik(word: str) -> str:
    """The Latin keys that type ``word`` on a two-set Korean keyboard left in Latin mode."""
    return "".join(KEYS[j] for syllable in word for j in jamo(syllable) if j)


def deobfuscate(text: str) -> str:
    """``text`` with obfuscated forms of ``LEXICON`` words replaced by the plain word."""
    for pattern, plain in _patterns():
        text = pattern.sub(plain, text)
    return text


@cache
def _patterns() -> list[tuple[re.Pattern[str], str]]:
    """Keyboard spellings, then separated syllables, then abbreviations."""
    out = []
    for word in LEXICON:
        keys = dubeolsik(word)
        # caps lock types QUDTLS for 병신; a spelling with shifted keys (Tlqkf, 씨발) is exact
        flags = 0 if any(c.isupper() for c in keys) else re.IGNORECASE
        out.append((re.compile(rf"(?<![A-Za-z]){keys}(?![A-Za-z])", flags), word))
    for word in LEXICON:
        if len(word) > 1:
            inside = f"{_SEPARATORS}{{1,3}}".join(word)
            spaced = r"\s".join(word)
            out.append((re.compile(inside), word))
            out.append((re.compile(rf"(?<![{_HANGUL}]){spaced}(?![{_HANGUL}])"), word))
    for short, plain in sorted(ABBREVIATIONS.items(), key=lambda kv: -len(kv[0])):
        out.append((re.compile(rf"(?<![ㄱ-ㅎ]){short}(?![ㄱ-ㅎ])"), plain))
    return out
