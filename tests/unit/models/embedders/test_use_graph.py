"""The USE-multilingual-v3 ONNX graph against the package's own numpy forward pass."""

from __future__ import annotations

import numpy as np
import pytest

from textloop.models.embedders import get_embedder

pytestmark = pytest.mark.model

SAMPLES = [
    "ㅋㅋㅋㅋ 진짜 웃기네",  # unknown jamo: one <unk> each
    "(현재 호텔주인 심정) 아18 난 마른하늘에 날벼락맞고 호텔망하게생겼는데 누군 계속 추모받네....",
    "The quick brown fox jumps over the lazy dog.",
    "o gato preto correu pelo jardim",
    "東京は日本の首都です。",
    "a",  # one token between <s> and </s>: every n-gram window reaches past both ends
    "Ⅻ  ＡＢＣ\tfull\u3000width  ",  # NFKC and extra spaces
    "word " * 300,  # long: a padded batch mixes it with the short ones
]


def test_fp32_graph_reproduces_the_package_vectors(use_dir, use_reference) -> None:
    ours = get_embedder("use-multilingual-v3-fp32").encode(SAMPLES)
    reference = use_reference.encode(SAMPLES)
    cosine = np.sum(ours * reference, axis=1)
    assert ours.shape == (len(SAMPLES), 512) and ours.dtype == np.float32
    assert cosine.min() > 1 - 1e-4, cosine
    np.testing.assert_allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)


@pytest.mark.parametrize("precision", ["fp32", "int8"])
def test_a_text_gets_the_same_vector_alone_as_in_a_padded_batch(use_dir, precision) -> None:
    """Padding must not leak into a text's n-gram windows or its token sum."""
    embedder = get_embedder(f"use-multilingual-v3-{precision}")
    batch = embedder.encode(SAMPLES)
    alone = np.stack([embedder.encode([text])[0] for text in SAMPLES])
    np.testing.assert_allclose(alone, batch, atol=1e-5)


def test_int8_stays_close_to_fp32(use_dir) -> None:
    fp32 = get_embedder("use-multilingual-v3-fp32").encode(SAMPLES)
    int8 = get_embedder("use-multilingual-v3-int8").encode(SAMPLES)
    cosine = np.sum(fp32 * int8, axis=1)
    assert cosine.mean() > 0.999 and cosine.min() > 0.998, cosine
    assert not np.allclose(fp32, int8, atol=1e-4)  # really quantised, not the fp32 graph
