"""doccano JSONL: the classic ``label`` list and the newer ``entities`` form, both ways."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from textloop.errors import InvalidInputError
from textloop.spans import Span
from textloop.spans.doccano import read_doccano, write_doccano
from textloop.spans.records import Record


def test_reads_both_forms(tmp_path: Path) -> None:
    path = tmp_path / "d.jsonl"
    path.write_text(
        json.dumps({"id": 7, "text": "한국 🇰🇷 Seoul", "label": [[6, 11, "LOC"], [0, 2, "LOC"]]},
                   ensure_ascii=False) + "\n\n"
        + json.dumps({"id": 8, "data": "e\u0301t\u00e9\tok", "entities": [
            {"id": 1, "label": "W", "start_offset": 0, "end_offset": 4}], "relations": []})
        + "\n", encoding="utf-8")
    first, second = read_doccano(path)
    assert first.spans == [Span(0, 2, "LOC"), Span(6, 11, "LOC")]
    assert first.meta == {"id": 7, "line": 1}
    assert second.text == "e\u0301t\u00e9\tok" and second.spans == [Span(0, 4, "W")]
    assert second.meta == {"id": 8, "line": 3}


def test_a_classification_export_is_refused_with_the_fix(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    path.write_text('{"text": "hi", "label": ["spam"]}\n', encoding="utf-8")
    with pytest.raises(InvalidInputError, match=r"line 1: .*text-classification export") as e:
        list(read_doccano(path))
    assert e.value.hint == "export the project as sequence labeling (JSONL)"


@pytest.mark.parametrize("form", ["label", "entities"])
def test_writer_round_trips(tmp_path: Path, form: str) -> None:
    record = Record("👍🏽 서울에서 Obama", [Span(3, 5, "LOC"), Span(8, 13, "PER")], {"id": 3})
    path = tmp_path / "out.jsonl"
    write_doccano([record], path, form=form)
    assert form in json.loads(path.read_text(encoding="utf-8"))
    [back] = read_doccano(path)
    assert (back.text, back.spans, back.meta) == (record.text, record.spans,
                                                  {"id": 3, "line": 1})
