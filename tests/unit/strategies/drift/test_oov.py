"""Out-of-vocabulary drift: new words, and which rows use them."""

from __future__ import annotations

import random

from textloop.strategies.drift import make_detector
from textloop.strategies.drift.oov import (
    OovDetector,
    OovDetectorV2,
    new_terms,
    oov_shares,
    terms,
    vocabulary,
    words,
)

WORDS = [f"word{c}" for c in "abcdefghijklmnopqrstuvwxyz"] + ["card", "refund", "pin"]


def texts(rng: random.Random, n: int, extra: list[str] | None = None) -> list[str]:
    out = []
    for _ in range(n):
        chosen = [rng.choice(WORDS).replace("word", "w") for _ in range(6)]
        out.append(" ".join(chosen + (extra or [])))
    return out


def test_words_are_lower_cased_letter_runs() -> None:
    assert words("Rizz NO-CAP 4real x") == ["rizz", "no", "cap", "real"]
    assert oov_shares(["card pin", "card yeet", "42"], vocabulary(["card pin"])).tolist() == [
        0.0, 0.5, 0.0]


def test_new_slang_is_flagged_and_listed_with_its_rows() -> None:
    rng = random.Random(0)
    reference = texts(rng, 600)
    current = texts(rng, 160) + texts(rng, 40, ["rizz", "skibidi"])
    result = OovDetector(permutations=99).test(reference, current,
                                               known_words=vocabulary(texts(rng, 2000)))
    assert result.drift and result.fixed_drift
    terms = [entry["term"] for entry in result.details["new_terms"][:2]]
    assert sorted(terms) == ["rizz", "skibidi"]
    assert result.details["new_terms"][0]["rows"] == 40
    assert all(i >= 160 for i in result.rows)


def test_familiar_words_are_rarely_flagged_even_without_a_training_vocabulary() -> None:
    rng = random.Random(1)
    reference = texts(rng, 600)
    detector = OovDetector(permutations=99)
    flagged = sum(detector.test(reference, texts(rng, 200), seed=s).drift for s in range(30))
    assert flagged <= 4


def test_korean_units_are_syllable_pairs_so_a_new_particle_is_not_a_new_word() -> None:
    assert terms("학교에는 Gym 가요", "ko") == ["학교", "교에", "에는", "gym", "가요"]
    assert terms("왜 ㅋㅋ", "ko-KR") == ["왜", "ㅋㅋ"]  # one syllable is its own unit
    known = vocabulary(["학교에 갔다"], "ko")
    assert oov_shares(["학교에는 갔다"], known, "ko").tolist() == [0.25]  # only 에는 is new
    assert oov_shares(["학교에는 갔다"], vocabulary(["학교에 갔다"])).tolist() == [0.5]


def test_english_terms_are_the_same_words_whatever_the_version() -> None:
    text = "Rizz NO-CAP 4real x"
    assert terms(text, None) == terms(text, "en") == words(text)


def test_new_korean_terms_are_whole_stretches_of_unknown_syllable_pairs() -> None:
    known = vocabulary(["너무 받네 진짜", "오늘 생일"], "ko")
    found = new_terms(["진짜 킹받네", "킹받네 알잘딱깔센", "오늘 생일"], known, 5, "ko")
    assert [(t["term"], t["rows"], t["examples"]) for t in found] == [
        ("킹받", 2, [0, 1]), ("알잘딱깔센", 1, [1])]


def test_oov_resolves_to_the_language_aware_version_and_v1_stays_word_based() -> None:
    full, detector = make_detector("oov", language="ko")
    assert full == "textloop.drift.oov.v2" and isinstance(detector, OovDetectorV2)
    rng = random.Random(0)
    reference = texts(rng, 300)
    current = texts(rng, 100, ["rizz"])
    known = vocabulary(reference)
    v1 = OovDetector(permutations=19).test(reference, current, known_words=known)
    v2 = OovDetectorV2(permutations=19, language="en").test(reference, current,
                                                            known_words=known)
    assert v1.detector == "textloop.drift.oov.v1" and v2.detector == "textloop.drift.oov.v2"
    assert (v1.score, v1.threshold, v1.rows, v1.details) == (
        v2.score, v2.threshold, v2.rows, v2.details)
