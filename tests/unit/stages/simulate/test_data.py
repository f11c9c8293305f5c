"""Reading the oracle file the way ``textloop import`` reads it."""

from __future__ import annotations

from pathlib import Path

import pytest

from textloop.errors import InvalidInputError
from textloop.stages.simulate.data import read_labeled


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_rows_are_normalized_deduplicated_and_counted(tmp_path: Path) -> None:
    path = write(tmp_path / "d.csv", "body,queue,split\n"
                 '"  hello there \r\n",a,train\n'
                 "second,b,TEST\n"
                 "hello there,b,train\n"  # the same text again: kept once, first label
                 ",a,train\n"  # empty text: invalid
                 "third,,train\n")  # no label
    data = read_labeled(path, text_col="body", label_col="queue")
    assert data.texts == ["hello there", "second"] and data.labels == ["a", "b"]
    assert data.is_test is not None and data.is_test.tolist() == [False, True]
    assert (data.rows_read, data.repeated, data.skipped, data.unlabeled) == (5, 1, 1, 1)
    assert len(data.sha256) == 64


def test_json_lines_without_a_test_split(tmp_path: Path) -> None:
    path = write(tmp_path / "d.jsonl", '{"text": "x", "label": 1, "split": "train"}\n'
                                       '{"text": "y", "label": 2}\n')
    data = read_labeled(path)
    assert data.labels == ["1", "2"] and data.is_test is None


def test_a_file_without_labels_is_a_clear_error(tmp_path: Path) -> None:
    path = write(tmp_path / "d.csv", "text,other\nx,1\n")
    with pytest.raises(InvalidInputError) as info:
        read_labeled(path)
    assert "no label column" in info.value.message and "--label-col" in (info.value.hint or "")
    with pytest.raises(InvalidInputError, match="not found"):
        read_labeled(path, label_col="missing")
