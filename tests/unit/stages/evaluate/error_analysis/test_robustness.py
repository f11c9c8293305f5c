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
