"""Out-of-vocabulary drift: new words, and which rows use them."""

from __future__ import annotations

import random

from textloop.strategies.drift.oov import OovDetector, oov_shares, vocabulary, words

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
