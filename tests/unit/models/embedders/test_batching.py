from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from tokenizers import Tokenizer, models, pre_tokenizers

from textloop.errors import IntegrityError
from textloop.models.embedders.batching import length_sorted_batches, load_tokenizer, tokenize


def test_batches_cover_every_row_once_and_pad_only_to_their_own_longest() -> None:
    rng = np.random.default_rng(3)
    token_ids = [list(rng.integers(1, 100, size=n)) for n in rng.integers(1, 60, size=101)]
    batches = list(length_sorted_batches(token_ids, batch_size=16, pad_id=0))
    rows = np.concatenate([b.rows for b in batches])
    assert sorted(rows.tolist()) == list(range(101))
    widths = [b.feeds["input_ids"].shape[1] for b in batches]
    assert widths == sorted(widths)  # short texts first
    for batch in batches:
        lengths = [len(token_ids[i]) for i in batch.rows]
        assert batch.feeds["input_ids"].shape == (len(batch.rows), max(lengths))
        assert batch.feeds["attention_mask"].sum(axis=1).tolist() == lengths
        for r, i in enumerate(batch.rows):
            assert batch.feeds["input_ids"][r, :lengths[r]].tolist() == token_ids[i]
            assert not batch.feeds["input_ids"][r, lengths[r]:].any()
        assert not batch.feeds["token_type_ids"].any()
    assert widths[0] < widths[-1]


def test_padding_uses_the_given_pad_id() -> None:
    (batch,) = length_sorted_batches([[5, 6, 7], [8]], batch_size=4, pad_id=99)
    assert batch.feeds["input_ids"].tolist() == [[8, 99, 99], [5, 6, 7]]
    assert batch.rows.tolist() == [1, 0]


def _word_tokenizer(path: Path, truncate: int | None) -> Path:
    vocab = {"[UNK]": 0, "[PAD]": 1, "a": 2, "b": 3}
    tokenizer = Tokenizer(models.WordLevel(vocab, unk_token="[UNK]"))
    tokenizer.pre_tokenizer = pre_tokenizers.Whitespace()
    tokenizer.enable_padding(pad_id=1, pad_token="[PAD]")
    if truncate:
        tokenizer.enable_truncation(truncate)
    tokenizer.save(str(path))
    return path


def test_loaded_tokenizer_truncates_and_reports_its_pad_id(tmp_path: Path) -> None:
    tokenizer, pad_id = load_tokenizer(_word_tokenizer(tmp_path / "t.json", truncate=3))
    assert pad_id == 1
    assert tokenize(tokenizer, ["a b a b a", "b"]) == [[2, 3, 2], [3]]  # not padded


def test_tokenizer_without_truncation_is_refused(tmp_path: Path) -> None:
    with pytest.raises(IntegrityError, match="does not truncate"):
        load_tokenizer(_word_tokenizer(tmp_path / "t.json", truncate=None))


def test_unreadable_tokenizer_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    path.write_text(json.dumps({"not": "a tokenizer"}))
    with pytest.raises(IntegrityError) as info:
        load_tokenizer(path)
    assert "models download --force" in (info.value.hint or "")


def test_token_budget_shrinks_batches_of_long_texts() -> None:
    ids = [[1] * 4] * 10 + [[1] * 100] * 10
    batches = list(length_sorted_batches(ids, batch_size=8, max_tokens=200))
    sizes = [len(b.rows) for b in batches]
    assert sum(sizes) == 20
    assert sizes[0] == 8  # short texts: the row limit applies
    long_batches = [b for b in batches if b.feeds["input_ids"].shape[1] == 100]
    assert long_batches and all(b.feeds["input_ids"].size <= 200 for b in long_batches)
    assert max(sizes[-3:]) == 2  # 100-token texts: at most 2 rows fit in 200 tokens


def test_a_text_longer_than_the_budget_still_gets_its_own_batch() -> None:
    batches = list(length_sorted_batches([[1] * 300, [1] * 2], batch_size=8, max_tokens=100))
    assert [len(b.rows) for b in batches] == [1, 1]
