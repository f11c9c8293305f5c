"""Hugging Face token data: ``datasets`` folders with ClassLabel tags, and plain
``{"tokens", "ner_tags"}`` JSONL with a label list."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from textloop.errors import InvalidInputError
from textloop.spans import Span
from textloop.spans.hf import (
    read_hf,
    read_token_jsonl,
    tag_names,
    token_jsonl_items,
    write_hf,
    write_token_jsonl,
)
from textloop.spans.records import Record

RECORDS = [Record("Obama visited 東 京 with 👩\u200d💻 .", [Span(0, 5, "PER"), Span(14, 17, "LOC")],
                  {}),
           Record("한 국", [Span(0, 3, "LOC")], {})]


def test_dataset_folder_round_trips_with_classlabel_names(tmp_path: Path) -> None:
    datasets = pytest.importorskip("datasets", reason="the hf extra (datasets) is not installed")
    alignment = write_hf(RECORDS, tmp_path / "ds", scheme="BIOES")
    assert alignment.message() is None
    saved = datasets.load_from_disk(str(tmp_path / "ds"))
    assert saved.features["ner_tags"].feature.names == ["O", "B-LOC", "E-LOC", "S-PER"]
    assert saved[1] == {"tokens": ["한", "국"], "ner_tags": [1, 2]}
    back = list(read_hf(tmp_path / "ds"))
    assert [(r.text, r.spans) for r in back] == [(r.text, r.spans) for r in RECORDS]
    assert back[0].meta["scheme"] == "IOBES" and back[1].meta["line"] == 2


def test_dataset_dict_needs_a_split(tmp_path: Path) -> None:
    datasets = pytest.importorskip("datasets", reason="the hf extra (datasets) is not installed")
    features = datasets.Features({
        "tokens": datasets.Sequence(datasets.Value("string")),
        "ner_tags": datasets.Sequence(datasets.ClassLabel(names=["O", "B-PER", "I-PER"]))})
    part = datasets.Dataset.from_dict({"tokens": [["a", "b"]], "ner_tags": [[0, 2]]},
                                      features=features)
    datasets.DatasetDict({"train": part, "test": part}).save_to_disk(str(tmp_path / "dd"))
    with pytest.raises(InvalidInputError, match="has splits train, test; split None"):
        list(read_hf(tmp_path / "dd"))
    with pytest.raises(InvalidInputError, match=r"row 1: token 2: 'I-PER' after 'O'"):
        list(read_hf(tmp_path / "dd", split="test", scheme="IOB2"))


def test_token_jsonl_round_trips_with_its_label_list(tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl"
    labels, alignment = write_token_jsonl(RECORDS, path)
    assert labels == ["O", "B-LOC", "B-PER", "I-LOC"] and alignment.message() is None
    assert json.loads(path.read_text("utf-8").splitlines()[1]) == {"tokens": ["한", "국"],
                                                                   "ner_tags": [1, 3]}
    back = list(read_token_jsonl(path, labels=labels))
    assert [(r.text, r.spans) for r in back] == [(r.text, r.spans) for r in RECORDS]
    with pytest.raises(InvalidInputError, match="line 1: tag 2 is an integer, but no tag "
                                                "names were given"):
        list(read_token_jsonl(path))
    with pytest.raises(InvalidInputError, match=r"line 1: tag 2 is outside the 2 tag names "
                                                r"\(0-1: O, B-LOC\)") as caught:
        list(read_token_jsonl(path, labels=["O", "B-LOC"]))
    assert caught.value.hint is not None and "--tag-names" in caught.value.hint
    with pytest.raises(InvalidInputError, match=r"t2.jsonl: the tags B-PER, I-LOC are not in"):
        write_token_jsonl(RECORDS, tmp_path / "t2.jsonl", labels=["O", "B-LOC"])
    assert not (tmp_path / "t2.jsonl").exists()


def test_token_jsonl_with_tag_names_and_errors(tmp_path: Path) -> None:
    path = tmp_path / "n.jsonl"
    path.write_text('{"tokens": ["한", "국"], "ner_tags": ["B-LOC", "I-LOC"]}\n'
                    '{"tokens": ["a"], "ner_tags": []}\n', encoding="utf-8")
    with pytest.raises(InvalidInputError, match='line 2: "tokens" and "ner_tags" must be'):
        list(read_token_jsonl(path))
    path.write_text('{"tokens": ["한", "국"], "ner_tags": ["B-LOC", "I-LOC"]}\n',
                    encoding="utf-8")
    [record] = read_token_jsonl(path, join="none")
    assert (record.text, record.spans) == ("한국", [Span(0, 2, "LOC")])


def test_tag_names_from_a_list_a_json_list_or_a_file(tmp_path: Path) -> None:
    assert tag_names("O, B-PER ,I-PER") == ["O", "B-PER", "I-PER"]
    assert tag_names('["O", "B-장소"]') == ["O", "B-장소"]
    assert tag_names(["O", "B-PER"]) == ["O", "B-PER"]
    lines = tmp_path / "names.txt"
    lines.write_text("O\nB-PER\r\n\nI-PER\n", encoding="utf-8")
    assert tag_names(str(lines)) == ["O", "B-PER", "I-PER"]
    listed = tmp_path / "names.json"
    listed.write_text(json.dumps(["O", "B-LOC"]), encoding="utf-8")
    assert tag_names(str(listed)) == ["O", "B-LOC"]


@pytest.mark.parametrize(("value", "message"), [
    ("missing.txt", "no file"),
    ("O,B-PER,O", "'O' is listed twice"),
    (" , ", "no tag names"),
    ('["O", 3]', "must be strings"),
    ('["O", ', "not JSON"),
])
def test_bad_tag_names_are_explained(tmp_path: Path, value: str, message: str) -> None:
    with pytest.raises(InvalidInputError, match=message) as caught:
        tag_names(str(tmp_path / value) if value == "missing.txt" else value)
    assert caught.value.hint


def test_integer_tags_read_with_tag_names_and_out_of_range_named(tmp_path: Path) -> None:
    path = tmp_path / "ints.jsonl"
    path.write_text('{"tokens": ["Ana", "sleeps"], "ner_tags": [1, 0]}\n'
                    '{"tokens": ["Bob"], "ner_tags": [5]}\n', encoding="utf-8")
    with pytest.raises(InvalidInputError, match=r"line 2: tag 5 is outside the 3 tag names"):
        list(read_token_jsonl(path, labels=["O", "B-PER", "I-PER"]))
    [first, _] = token_jsonl_items(path, labels=["O", "B-PER", "I-PER"])
    assert (first.text, first.spans) == ("Ana sleeps", [Span(0, 3, "PER")])
