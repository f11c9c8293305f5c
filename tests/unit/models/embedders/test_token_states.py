"""Per-token vectors from MiniLM's int8 graph: one row per project token whatever the script,
pieces pooled onto the right token, long texts read in windows without losing a token."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from textloop.errors import InvalidInputError
from textloop.models.embedders import token_states
from textloop.models.embedders.factory import get_token_encoder, minilm_files
from textloop.models.embedders.token_states import TokenEncoder, _stitch, window_bounds
from textloop.progress import NULL_PROGRESS
from textloop.spans.matching import word_tokens

TRICKY = [
    "Meet 김민수 at 서울역 👩\u200d💻 now\r\nThen Paris",
    "zero\u200bwidth \x07 bell \ufeffmark x",
    "",
    "日本語のテキスト and café",
]


def test_window_bounds_cover_every_piece_with_the_overlap() -> None:
    assert window_bounds(0, 10, 3) == []
    assert window_bounds(10, 10, 3) == [(0, 10)]
    bounds = window_bounds(25, 10, 3)
    assert bounds[0][0] == 0 and bounds[-1][1] == 25
    assert all(stop - start == 10 for start, stop in bounds)
    for (_, stop), (start, _) in itertools.pairwise(bounds):
        assert stop - start >= 3  # neighbours share at least the overlap


def test_stitching_takes_each_piece_from_the_window_where_it_is_most_inside() -> None:
    bounds = [(0, 6), (4, 10)]
    states = [np.full((6, 1), 1.0, dtype=np.float32), np.full((6, 1), 2.0, dtype=np.float32)]
    merged = _stitch(states, bounds, 10, 1)[:, 0]
    # pieces 4 and 5 are in both windows: piece 4 is 1 piece from window 1's cut and 0 from
    # window 2's, so window 1 gives it; piece 5 the other way round
    assert merged.tolist() == [1, 1, 1, 1, 1, 2, 2, 2, 2, 2]


@pytest.mark.model
def test_one_vector_per_token_in_every_script() -> None:
    vectors = get_token_encoder().encode(TRICKY)
    for text, rows in zip(TRICKY, vectors, strict=True):
        assert rows.shape == (len(word_tokens(text)), 384)
        assert rows.dtype == np.float32 and np.all(np.isfinite(rows))
        # a token the normaliser deletes (zero-width space, bell, byte-order mark) still has
        # a vector of its own: the unknown piece's
        assert not np.any(np.all(rows == 0, axis=1))


@pytest.mark.model
def test_pieces_pool_onto_their_own_token() -> None:
    """A one-piece token's first-piece and mean vectors are the same row; a Hangul syllable
    (two or three jamo pieces) differs. A piece credited to the wrong token would break the
    first for every token after it."""
    text = TRICKY[0] + " " + TRICKY[1]
    encoder = get_token_encoder()
    first = encoder.encode([text], pooling="first")[0]
    mean = encoder.encode([text], pooling="mean")[0]
    words = [text[s:e] for s, e in word_tokens(text)]
    tokenizer = encoder._load(NULL_PROGRESS).tokenizer
    for row, word in enumerate(words):
        n_pieces = max(1, len(tokenizer.encode(word, add_special_tokens=False).ids))
        if n_pieces == 1:
            np.testing.assert_array_equal(first[row], mean[row], err_msg=repr(word))
        else:
            assert not np.array_equal(first[row], mean[row]), word
    assert any(len(tokenizer.encode(w, add_special_tokens=False).ids) > 1 for w in words)


@pytest.mark.model
def test_a_text_gets_the_same_vectors_alone_and_in_a_batch() -> None:
    encoder = get_token_encoder()
    together = encoder.encode(TRICKY)
    for text, rows in zip(TRICKY, together, strict=True):
        np.testing.assert_allclose(encoder.encode([text])[0], rows, atol=1e-5)


@pytest.mark.model
def test_a_long_text_is_read_in_windows_not_truncated() -> None:
    text = " ".join(f"word{i}" if i % 7 else "서울" for i in range(400))
    small = TokenEncoder("test/tokens", 384, minilm_files("int8"), max_length=48, overlap=12)
    full = get_token_encoder().encode([text])[0]
    windowed = small.encode([text])[0]
    assert windowed.shape == full.shape == (len(word_tokens(text)), 384)
    # a text that fits one window is read exactly as the full-length encoder reads it
    short = "Barack Obama visited 서울 👋 today"
    np.testing.assert_allclose(small.encode([short])[0], get_token_encoder().encode([short])[0],
                               atol=1e-5)


@pytest.mark.model
def test_bad_arguments_are_refused_with_the_fix() -> None:
    encoder = get_token_encoder()
    with pytest.raises(InvalidInputError, match="pooling"):
        encoder.encode(["a"], pooling="max")
    with pytest.raises(InvalidInputError, match="single string"):
        encoder.encode("a text")
    with pytest.raises(InvalidInputError, match="token lists"):
        encoder.encode(["a", "b"], [[(0, 1)]])


@pytest.mark.model
def test_memo_reuses_exact_vectors_within_its_block_and_keeps_nothing_after() -> None:
    encoder = get_token_encoder("minilm-int8")
    texts = ["Meet 김민수 at 서울역", "Then Paris", "A third one"]
    plain = encoder.encode(texts)
    calls: list[int] = []
    original = encoder._encode

    def counting(batch, *args, **kwargs):
        calls.append(len(batch))
        return original(batch, *args, **kwargs)

    encoder._encode = counting  # type: ignore[method-assign]
    try:
        with token_states.memo(max_bytes=10**8):
            first = encoder.encode(texts[:2])
            again = encoder.encode(texts)  # two known, one new
            mean_first = encoder.encode(texts[:1], pooling="first")  # another pooling: new
        assert calls == [2, 1, 1]
        for got, want in zip([*first, *again], [*plain[:2], *plain], strict=True):
            np.testing.assert_array_equal(got, want)
        assert not np.array_equal(mean_first[0], plain[0])
        assert not encoder._kept  # nothing kept after the block
        encoder.encode(texts[:1])
        assert calls[-1] == 1 and not encoder._kept
        with token_states.memo(max_bytes=plain[0].nbytes + 1):  # room for one text only
            encoder.encode(texts[:2])
            assert len(encoder._kept) == 1 and encoder._kept_bytes <= plain[0].nbytes + 1
    finally:
        del encoder._encode


@pytest.mark.model
def test_the_fp32_graph_gives_token_vectors_close_to_the_int8_ones() -> None:
    """``minilm-crf --param encoder=minilm-fp32`` reads the fp32 graph cut at the same
    layer: same rows per token, and vectors that the int8 ones approximate."""
    text = "Barack Obama visited 서울 👋 today"
    fp32 = get_token_encoder("minilm-fp32").encode([text])[0]
    int8 = get_token_encoder("minilm-int8").encode([text])[0]
    assert fp32.shape == int8.shape == (len(word_tokens(text)), 384)
    cosine = np.sum(fp32 * int8, axis=1) / (np.linalg.norm(fp32, axis=1)
                                            * np.linalg.norm(int8, axis=1))
    assert cosine.min() > 0.9
    assert not np.array_equal(fp32, int8)
