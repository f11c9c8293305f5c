"""Obfuscated Korean profanity written back in its plain form, and ordinary text left alone."""

from __future__ import annotations

import pytest

from textloop.strategies.normalize.korean_obfuscation import deobfuscate, dubeolsik


def test_dubeolsik_types_hangul_as_the_latin_keys_of_a_korean_keyboard() -> None:
    assert dubeolsik("시발") == "tlqkf"
    assert dubeolsik("병신") == "qudtls"
    assert dubeolsik("개새끼") == "rotoRl"


@pytest.mark.parametrize(("text", "expected"), [
    ("ㅅㅂ 진짜 짜증나", "시발 진짜 짜증나"),
    ("저 ㅂㅅ 뭐냐", "저 병신 뭐냐"),
    ("ㅄ같네", "병신같네"),
    ("시1발 뭐하냐", "시발 뭐하냐"),
    ("병..신 ㅋㅋ", "병신 ㅋㅋ"),
    ("개 새 끼 들", "개새끼 들"),
    ("tlqkf 진짜", "시발 진짜"),
    ("QUDTLS 아니냐", "병신 아니냐"),
])
def test_obfuscated_forms_become_the_plain_word(text: str, expected: str) -> None:
    assert deobfuscate(text) == expected


@pytest.mark.parametrize("text", [
    "ㅋㅋㅋ ㅎㅎ 웃기다",  # laughter is not an abbreviation of anything
    "시발점이 어디냐",  # the plain word (here: starting point) is left as it is
    "이 시 발표는 좋다",  # a spaced 시 발 inside ordinary words
    "tlqkfdl is not a word here",  # keyboard spellings only as a whole Latin run
])
def test_ordinary_text_is_left_alone(text: str) -> None:
    assert deobfuscate(text) == text
