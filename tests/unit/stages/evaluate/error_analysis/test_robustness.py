"""Robustness probes on a case-sensitive keyword classifier, whose drops are known exactly."""

from __future__ import annotations

import numpy as np
import pytest

from textloop.stages.evaluate.error_analysis import EvaluatedSplit
from textloop.stages.evaluate.error_analysis.robustness import probe_robustness, sample_rows

LABELS = ["spam", "ham"]
SPAM_WORDS = {"free", "win", "cash"}


def keyword_model(texts: list[str]) -> np.ndarray:
    """P(spam) 0.9 when a lower-case spam word appears as a word, else 0.1 (case-sensitive,
    so shouting in capitals fools it)."""
    spam = np.array([bool(SPAM_WORDS & set(t.split())) for t in texts], dtype=float)
    p = 0.1 + 0.8 * spam
    return np.column_stack([p, 1 - p])


def split_of(n_spam: int, n_ham: int) -> EvaluatedSplit:
    texts = [f"win free cash now {i}" for i in range(n_spam)]
    texts += [f"see you at lunch later {i}" for i in range(n_ham)]
    y_true = ["spam"] * n_spam + ["ham"] * n_ham
    return EvaluatedSplit(texts=texts, y_true=y_true, metas=[{}] * len(texts),
                          proba=keyword_model(texts), labels=LABELS)


def test_each_probe_reports_its_metrics_and_drop_against_the_clean_rows() -> None:
    found = probe_robustness(split_of(10, 30), keyword_model, "macro_f1")
    assert found["rows"] == found["of"] == 40 and found["clean"]["accuracy"] == 1.0
    probes = {p["probe"]: p for p in found["probes"]}
    assert list(probes) == ["typos", "lowercase", "uppercase", "strip-punct", "add-punct"]
    upper = probes["uppercase"]
    assert upper["changed"] == 1.0 and upper["flipped"] == pytest.approx(10 / 40)
    assert upper["accuracy"] == pytest.approx(30 / 40)
    assert upper["accuracy_drop"] == pytest.approx(10 / 40)
    # every spam now reads as ham: spam F1 0, ham F1 2 * 0.75 / 1.75 = 6/7 -> macro 3/7
    assert (upper["macro_f1"], upper["macro_f1_drop"]) == (pytest.approx(3 / 7),
                                                           pytest.approx(4 / 7))
    lower = probes["lowercase"]
    assert lower["changed"] == 0.0 and lower["accuracy_drop"] == 0.0
    assert probes["typos"]["changed"] == 1.0
    assert upper["strategy"] == "textloop.perturb.uppercase.v1"


def test_probes_are_deterministic_and_bounded_by_a_seeded_sample() -> None:
    split = split_of(30, 70)
    first = probe_robustness(split, keyword_model, "accuracy", max_rows=25, seed=3)
    again = probe_robustness(split, keyword_model, "accuracy", max_rows=25, seed=3)
    assert first == again and (first["rows"], first["of"]) == (25, 100)
    assert first["metrics"] == ["accuracy"]
    rows = sample_rows(100, 25, seed=3)
    assert len(set(rows.tolist())) == 25 and list(rows) == sorted(rows)
    assert not np.array_equal(rows, sample_rows(100, 25, seed=4))
    assert list(sample_rows(10, 25, seed=3)) == list(range(10))


def test_the_typos_probe_slips_korean_by_jamo_not_latin_letters() -> None:
    """A Korean split is probed with typos people make on a Korean keyboard: every word the
    probe touched is still Hangul syllables, one jamo away from the original."""
    from textloop.hangul import is_syllable, jamo

    texts = ["학교에 가기 싫다 진짜", "학교에 또 늦었다", "내일도 학교에 간다", "학교에 가요"] * 5
    texts += ["영화가 너무 재밌었다 최고", "그 영화 또 보고 싶다", "영화관에 사람이 많다",
              "영화 봤어요"] * 5
    y_true = ["school"] * 20 + ["movie"] * 20

    def school_model(given: list[str]) -> np.ndarray:
        p = np.array([0.9 if "학교에" in t.split() else 0.1 for t in given])
        return np.column_stack([p, 1 - p])

    seen: list[list[str]] = []
    split = EvaluatedSplit(texts=texts, y_true=y_true, metas=[{}] * 40,
                           proba=school_model(texts), labels=["school", "movie"])
    found = probe_robustness(split, lambda t: seen.append(t) or school_model(t), "accuracy",
                             probes=["typos"])
    (typos,) = found["probes"]
    assert typos["strategy"] == "textloop.perturb.typos.v2" and typos["changed"] == 1.0
    for before, after in zip(texts, seen[0], strict=True):
        for word, typo in zip(before.split(" "), after.split(" "), strict=True):
            if word != typo:
                assert all(map(is_syllable, typo)) and len(typo) == len(word), typo
                assert sum(a != b for w, t in zip(word, typo, strict=True)
                           for a, b in zip(jamo(w), jamo(t), strict=True)) == 1
    assert 0 < typos["accuracy_drop"] < 1  # 학교에 mistyped fools the keyword model
