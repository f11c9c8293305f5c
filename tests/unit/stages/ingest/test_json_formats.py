"""JSON Lines and JSON documents: one row per object/array, problems per line or item."""

from __future__ import annotations

import pytest

from textloop.errors import InvalidInputError
from textloop.stages.ingest.json_formats import open_json_document, open_jsonl
from textloop.stages.ingest.source import ReadOptions


def rows_of(path, opener):
    return list(opener(path, path.stat().st_size, ReadOptions()).rows())


def test_jsonl_rows_skip_blank_lines_and_keep_line_numbers(write) -> None:
    rows = rows_of(write("a.jsonl", '{"text": "a"}\n\n  \n{"text": "b", "n": 1}\n'), open_jsonl)
    assert [(r.line, r.fields) for r in rows] == [(1, {"text": "a"}), (4, {"text": "b", "n": 1})]


@pytest.mark.parametrize(("line", "fragment"), [
    ('{"text": "a",}', "invalid JSON"), ('"just a string"', "found a string"),
    ("42", "found a number"), ("null", "found null")])
def test_jsonl_problems_are_per_line(write, line, fragment) -> None:
    (row,) = rows_of(write("a.jsonl", line + "\n"), open_jsonl)
    assert row.problem is not None and fragment in row.problem
    assert row.fix is not None and "JSON object" in row.fix


def test_jsonl_with_undecodable_bytes_marks_the_line(write) -> None:
    rows = rows_of(write("a.jsonl", b'{"text": "ok"}\n{"text": "caf\xe9"}\n'), open_jsonl)
    assert [r.bad_bytes for r in rows] == [None, b"\xe9"]


def test_json_array_of_objects(write) -> None:
    rows = rows_of(write("a.json", '[{"text": "a"}, {"text": "b"}]'), open_json_document)
    assert [(r.where, r.fields) for r in rows] == [
        ("item 1", {"text": "a"}), ("item 2", {"text": "b"})]


def test_json_object_of_arrays_names_sections_as_split(write) -> None:
    content = '{"train": [["a", "x"]], "oos_val": [["b", "oos"]]}'
    rows = rows_of(write("a.json", content), open_json_document)
    assert [(r.where, r.fields) for r in rows] == [
        ("item 1 of 'train'", {"1": "a", "2": "x", "split": "train"}),
        ("item 1 of 'oos_val'", {"1": "b", "2": "oos", "split": "oos_val"})]


def test_json_item_that_is_neither_object_nor_array(write) -> None:
    (row,) = rows_of(write("a.json", '["loose string"]'), open_json_document)
    assert row.problem == "expected an object or an array, found a string"


@pytest.mark.parametrize("content", ['{"a": 1}', "42", '{"a": [1], "b": 2}'])
def test_json_document_of_the_wrong_shape_is_refused(write, content) -> None:
    with pytest.raises(InvalidInputError, match="expected a JSON array"):
        rows_of(write("a.json", content), open_json_document)


def test_json_document_in_another_encoding_names_the_line(write) -> None:
    path = write("a.json", '[\n{"text": "ok"},\n{"text": "café"}\n]'.encode("latin-1"))
    with pytest.raises(InvalidInputError, match="line 3") as info:
        rows_of(path, open_json_document)
    assert "--encoding" in (info.value.hint or "")


def test_deeply_nested_json_line_is_a_row_problem(write) -> None:
    path = write("a.jsonl", '{"text": "ok"}\n' + "[" * 100_000 + "\n{\"text\": \"b\"}\n")
    rows = rows_of(path, open_jsonl)
    assert [r.line for r in rows] == [1, 2, 3]
    assert "nested too deeply" in rows[1].problem and rows[2].fields == {"text": "b"}


def test_deeply_nested_json_document_is_refused_at_its_line(write) -> None:
    path = write("a.json", '[\n{"text": "ok"},\n' + "[" * 100_000 + "\n]")
    with pytest.raises(InvalidInputError, match="line 3") as info:
        rows_of(path, open_json_document)
    assert "nested too deeply" in info.value.message


def test_json_document_over_the_size_bound_is_refused(write) -> None:
    path = write("a.json", "[" + ",".join('{"text": "row"}' for _ in range(100)) + "]")
    with pytest.raises(InvalidInputError, match="larger than 1,000 bytes") as info:
        list(open_json_document(path, path.stat().st_size,
                                ReadOptions(max_document_bytes=1000)).rows())
    assert "JSON Lines" in (info.value.hint or "")
