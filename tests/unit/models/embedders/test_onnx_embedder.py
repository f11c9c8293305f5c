from __future__ import annotations

import subprocess
import sys
import unicodedata

import numpy as np
import pytest

from tests.unit.models.embedders.conftest import CountingCache
from tests.unit.models.embedders.test_model_files import RecordingProgress
from textloop.errors import InvalidInputError
from textloop.models.embedders import Embedder, EmbeddingCache, text_hash
from textloop.storage import Store
from textloop.texts import content_hash

pytestmark = pytest.mark.model

MIXED = ["hi", "Free entry in 2 a wkly comp to win FA Cup final tkts 21st May 2005. " * 3,
         "ok", "Nah I don't think he goes to usf, he lives around here though",
         "U dun say so early hor... U c already then say...", "?" * 5, "", "Go until jurong point"]


def test_vectors_are_unit_length_float32_of_the_model_dim(int8) -> None:
    vectors = int8.embed(MIXED)
    assert vectors.shape == (len(MIXED), int8.dim) == (8, 384)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_empty_input_gives_an_empty_matrix(int8) -> None:
    assert int8.embed([]).shape == (0, 384)


def test_length_sorted_batching_returns_input_order(fp32) -> None:
    together = fp32.embed(MIXED, batch_size=3)
    one_by_one = np.stack([fp32.embed([t])[0] for t in MIXED])
    np.testing.assert_allclose(together, one_by_one, atol=1e-5)
    assert float(together[0] @ together[2]) < 0.999  # rows really differ


def test_very_long_texts_are_truncated_not_refused(fp32) -> None:
    long = " ".join(["the market rallied on strong earnings"] * 3000)
    vectors = fp32.embed([long, long + " and then something completely different happened"])
    assert float(vectors[0] @ vectors[1]) == pytest.approx(1.0, abs=1e-6)


def test_precisions_have_distinct_model_ids_and_agree(int8, fp32) -> None:
    assert int8.model_id != fp32.model_id
    cos = np.sum(int8.embed(MIXED) * fp32.embed(MIXED), axis=1)
    assert cos.mean() > 0.99


def test_int8_vector_of_a_text_does_not_depend_on_its_batch_mates(int8) -> None:
    """Training embeds in batches, serving one text: both must give the same vector."""
    texts = ["ok", "Call me when you get home", "WINNER!! Claim your £900 prize now " * 12,
             "lol " * 60, "The central bank raised interest rates by half a point on Tuesday."]
    together = int8.encode(texts, batch_size=len(texts))
    mixed_order = int8.encode([*texts[::-1], "padding partner " * 40], batch_size=3)
    for i, text in enumerate(texts):
        alone = int8.encode([text])[0]
        assert float(alone @ together[i]) > 0.99999, text
        assert float(alone @ mixed_order[len(texts) - 1 - i]) > 0.99999, text


def test_identical_texts_are_encoded_once_per_call(int8) -> None:
    before = int8.stats.texts_encoded
    vectors = int8.embed(["same text", "other", "same text", "same text"])
    assert int8.stats.texts_encoded - before == 2
    np.testing.assert_array_equal(vectors[0], vectors[2])


def test_cache_means_nothing_is_embedded_twice(int8) -> None:
    cache = CountingCache()
    first = int8.embed(MIXED, cache=cache)
    assert sorted(cache.stored) == sorted({text_hash(t) for t in MIXED})
    before = (int8.stats.texts_encoded, int8.stats.batches_run)
    progress = RecordingProgress()
    second = int8.embed(list(reversed(MIXED)), cache=cache, progress=progress)
    assert (int8.stats.texts_encoded, int8.stats.batches_run) == before
    assert progress.tasks == []  # all cached: no empty progress bar
    np.testing.assert_array_equal(second, first[::-1])
    assert all((int8.model_id, h) in cache.vectors for h in cache.stored)


def test_only_missing_texts_are_embedded(int8) -> None:
    cache = CountingCache()
    int8.embed(MIXED[:4], cache=cache)
    before = int8.stats.texts_encoded
    int8.embed(MIXED, cache=cache)
    assert int8.stats.texts_encoded - before == len(set(MIXED[4:]))


def test_given_hashes_are_the_cache_keys(int8) -> None:
    cache = CountingCache()
    int8.embed(["a", "b"], hashes=["h-a", "h-b"], cache=cache)
    assert cache.stored == ["h-a", "h-b"]


def test_default_hash_is_the_exact_text_hash() -> None:
    """The store's content hash is the same for a normal text; for a text that differs only
    by Unicode normalisation (one record), the vector is of the exact text, so is its key."""
    for text in ["plain", "ünïcode", "lone \udc80 surrogate"]:
        assert text_hash(text) == content_hash(text)
    nfd = unicodedata.normalize("NFD", "ünïcode")
    assert content_hash(nfd) == content_hash("ünïcode")
    assert text_hash(nfd) != text_hash("ünïcode")


def test_store_cache_is_shared_across_calls(int8, store: Store) -> None:
    assert isinstance(store.embedding_cache, EmbeddingCache)
    first = int8.embed(MIXED, cache=store.embedding_cache)
    before = int8.stats.texts_encoded
    again = int8.embed(MIXED, cache=store.embedding_cache)
    assert int8.stats.texts_encoded == before
    np.testing.assert_array_equal(first, again)


def test_embedder_satisfies_the_protocol(int8) -> None:
    assert isinstance(int8, Embedder)


@pytest.mark.parametrize(("texts", "kwargs", "match"), [
    ("just a string", {}, "single string"),
    (["ok", None], {}, "text 1 is NoneType"),
    (["a", "b"], {"hashes": ["only-one"]}, "1 hashes for 2 texts"),
    (["a"], {"batch_size": 0}, "batch_size=0"),
])
def test_bad_arguments_are_explained(int8, texts, kwargs, match) -> None:
    with pytest.raises(InvalidInputError, match=match):
        int8.embed(texts, **kwargs)


class _FailingSecondPut(CountingCache):
    def put(self, model_id, hashes, vectors) -> None:
        if self.stored:
            raise KeyboardInterrupt  # the user stopped the run after the first chunk
        super().put(model_id, hashes, vectors)


def test_an_interrupted_run_keeps_the_chunks_it_finished(int8, monkeypatch) -> None:
    monkeypatch.setattr("textloop.models.embedders.onnx_embedder.CHUNK", 3)
    cache = _FailingSecondPut()
    with pytest.raises(KeyboardInterrupt):
        int8.embed(MIXED, cache=cache)
    assert len(cache.stored) == 3
    resumed = CountingCache()
    resumed.vectors = dict(cache.vectors)
    before = int8.stats.texts_encoded
    vectors = int8.embed(MIXED, cache=resumed)
    assert int8.stats.texts_encoded - before == len(set(MIXED)) - 3
    assert vectors.shape == (len(MIXED), 384)


def test_embedding_never_imports_torch(minilm_dir) -> None:
    code = ("import sys; from textloop.models.embedders import get_embedder; "
            "get_embedder('minilm-int8').embed(['no torch here']); "
            "print(sorted(m for m in ('torch', 'transformers', 'sentence_transformers') "
            "if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, timeout=300)
    assert done.stdout.strip() == "[]"


@pytest.mark.slow
def test_a_fill_on_ray_caches_the_bytes_a_local_fill_caches(int8, store: Store, ray_cluster,
                                                            monkeypatch) -> None:
    from textloop.executors import executor_for

    monkeypatch.setattr("textloop.models.embedders.onnx_embedder.CHUNK", 16)  # 5 chunks
    words = ["the", "quick", "brown", "fox", "jumps", "over", "a", "lazy", "dog", "while",
             "눈이", "내리는", "밤", "ünïcode"]
    texts = [*MIXED, *(" ".join(words[i % 7:i % 7 + 1 + i % 13] * (1 + i % 4)) + f" {i}"
                       for i in range(70)), *MIXED[:3]]  # a few repeats
    before = int8.stats.texts_encoded
    with executor_for("ray", address=ray_cluster) as ray:
        remote = int8.embed(texts, cache=store.embedding_cache, runner=ray)
    assert int8.stats.texts_encoded == before  # the workers encoded, not this process
    local_cache = CountingCache()
    local = int8.embed(texts, cache=local_cache)
    keys = sorted({text_hash(t) for t in texts})
    stored = store.embedding_cache.get(int8.model_id, keys)
    assert len(stored) == len(keys) == len(local_cache.stored)
    assert all(stored[k].tobytes() == local_cache.vectors[(int8.model_id, k)].tobytes()
               for k in keys)
    assert remote.tobytes() == local.tobytes()
