"""tests/token_vectors.py: the span tests' token vectors, encoded once per session and
exact, kept only while a test asks for them."""

from __future__ import annotations

import numpy as np
import pytest

from textloop.models.embedders import get_token_encoder

pytestmark = pytest.mark.model
TEXTS = ["Shared vectors for Ana in Lisbon", "and a second sentence"]
PLAIN: list[np.ndarray] = []


def counted(encoder, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    original = encoder._encode

    def counting(batch, *args, **kwargs):
        calls.append(len(batch))
        return original(batch, *args, **kwargs)

    monkeypatch.setattr(encoder, "_encode", counting)
    return calls


def test_a_first_test_encodes_its_texts(token_vectors_memo, monkeypatch) -> None:
    encoder = get_token_encoder("minilm-int8")
    calls = counted(encoder, monkeypatch)
    PLAIN.extend(encoder.encode(TEXTS))
    assert calls == [2]
    encoder.encode(TEXTS)
    assert calls == [2]  # within the test: kept


def test_nothing_is_kept_for_a_test_without_the_fixture(monkeypatch) -> None:
    encoder = get_token_encoder("minilm-int8")
    calls = counted(encoder, monkeypatch)
    assert not encoder._kept
    encoder.encode(TEXTS[:1])
    assert calls == [1] and not encoder._kept


def test_a_later_test_reads_the_same_vectors_without_encoding(token_vectors_memo,
                                                              monkeypatch) -> None:
    encoder = get_token_encoder("minilm-int8")
    calls = counted(encoder, monkeypatch)
    again = encoder.encode(TEXTS)
    assert calls == [] and len(again) == len(PLAIN) == 2
    for got, want in zip(again, PLAIN, strict=True):
        np.testing.assert_array_equal(got, want)
