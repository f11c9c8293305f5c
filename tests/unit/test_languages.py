"""Script detection by Unicode block, on real snippets of each writing system."""

from __future__ import annotations

import pytest

from textloop.languages import (
    detect_language,
    detect_scripts,
    may_be_english,
    script_of,
    words_are_units,
)

SNIPPETS = {
    "Hangul": ("ko", ["너무나 곱고 아름다운 모습... 그 모습 뒤의 슬픔을 미처 알지 못했네요ㅠ",
                      "다른분들처럼 저역시 메리다 목소리가 넘 거슬리네요~"]),
    "Kana": ("ja", ["吾輩は猫である。名前はまだ無い。どこで生れたかとんと見当がつかぬ。",
                    "この映画はとても面白かったです。また見たいと思います。"]),
    "Han": ("zh", ["学而时习之，不亦说乎？有朋自远方来，不亦乐乎？",
                   "这部电影的剧情非常精彩，演员的表演也很出色。"]),
    "Thai": ("th", ["ภาษาไทยเป็นภาษาที่มีระดับเสียงของคำแน่นอน",
                    "หนังเรื่องนี้สนุกมากครับ"]),
    "Arabic": ("ar", ["اللغة العربية هي أكثر اللغات السامية تحدثا",
                      "هذا الفيلم رائع جدا"]),
    "Cyrillic": ("und-Cyrl", ["Москва — столица России, город федерального значения.",
                              "Фильм очень понравился, рекомендую всем."]),
    "Latin": ("und-Latn", ["WINNER!! As a valued network customer you have been selected",
                           "Ça coûte combien? Très cher, à mon avis."]),
}


@pytest.mark.parametrize("script", list(SNIPPETS))
def test_each_script_is_detected_with_its_language(script: str) -> None:
    tag, texts = SNIPPETS[script]
    summary = detect_scripts(texts)
    assert summary.dominant == script
    assert summary.language == tag
    assert summary.texts == 2
    assert summary.describe().startswith(f"{script} ")


def test_korean_comments_with_some_english_words_are_still_korean() -> None:
    texts = ["오늘 OST 진짜 좋았다 ㅋㅋ", "BTS 노래 최고다 정말로 감동이었어요"]
    summary = detect_scripts(texts)
    assert 0 < summary.share("Latin") < 0.4
    assert summary.language == "ko"


def test_mixed_scripts_give_mul() -> None:
    texts = ["Москва столица России", "Seoul is the capital of Korea",
             "서울은 대한민국의 수도입니다", "東京は日本の首都です"]
    summary = detect_scripts(texts)
    assert summary.dominant == "mixed" and summary.language == "mul"


def test_nothing_to_tell_from_empty_or_letterless_texts() -> None:
    assert detect_language([]) is None
    assert detect_language(["", "   ", "12345 !!! 🙂🙂 ..."]) is None
    assert detect_scripts([]).describe() == "no letters"


def test_only_the_sample_is_read() -> None:
    texts = ["hello world, this is English"] * 3 + ["한국어 문장입니다"] * 100
    assert detect_scripts(texts, sample=3).language == "und-Latn"


def test_digits_punctuation_and_emoji_have_no_script() -> None:
    assert [script_of(c) for c in "7!🙂 가A"] == [None, None, None, None, "Hangul", "Latin"]


def test_words_are_not_units_in_korean_japanese_chinese_thai() -> None:
    assert not any(words_are_units(tag) for tag in ("ko", "ko-KR", "KO", "ja", "zh-Hans", "th"))
    assert all(words_are_units(tag) for tag in ("en", "und-Latn", "mul", "ru", None))


@pytest.mark.parametrize(("tag", "english"), [
    (None, True), ("en", True), ("EN-gb", True), ("und-Latn", True),
    ("ko", False), ("ja", False), ("und-Cyrl", False), ("fr", False), ("mul", False)])
def test_only_english_or_undetermined_latin_may_be_english(tag, english) -> None:
    assert may_be_english(tag) is english
