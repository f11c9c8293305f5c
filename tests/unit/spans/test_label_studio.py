"""Label Studio JSON exports: tasks with annotations, offsets in code points or UTF-16 units,
errors at the task's line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from textloop.errors import InvalidInputError
from textloop.spans import Span
from textloop.spans.label_studio import read_label_studio, write_label_studio
from textloop.spans.records import Record

TEXT = "😀 김민수 met 👩\u200d💻 in 東京"


def task(start: int, end: int, quoted: str, **extra: object) -> dict[str, Any]:
    return {"id": 1, "data": {"text": TEXT}, "annotations": [
        {"id": 10, "completed_by": 3, "was_cancelled": True, "result": []},
        {"id": 11, "completed_by": 4, "result": [
            {"type": "choices", "value": {"choices": ["ok"]}},
            {"id": "r1", "type": "labels", "value": {"start": start, "end": end,
                                                     "text": quoted, "labels": ["PER"]}}]}],
        **extra}


def export(tmp_path: Path, tasks: list[object]) -> Path:
    path = tmp_path / "ls.json"
    path.write_text(json.dumps(tasks, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def test_reads_code_point_and_utf16_offsets(tmp_path: Path) -> None:
    unlabeled = {"id": 3, "data": {"text": "unlabeled"}, "annotations": []}
    [first] = read_label_studio(export(tmp_path, [task(2, 5, "김민수"), unlabeled]))
    assert first.spans == [Span(2, 5, "PER")]
    assert first.meta == {"line": 2, "task": 1, "annotation": 11, "annotator": 4}
    [second] = read_label_studio(export(tmp_path, [task(3, 6, "김민수")]))
    assert second.spans == [Span(2, 5, "PER")] and second.meta["utf16"] is True
    two = task(2, 5, "김민수")
    two["annotations"].append({"id": 12, "completed_by": 5, "result": []})
    records = list(read_label_studio(export(tmp_path, [two]), all_annotations=True))
    assert [(r.meta["annotation"], r.spans) for r in records] == [(11, [Span(2, 5, "PER")]),
                                                                 (12, [])]


def test_the_offset_unit_is_decided_per_file(tmp_path: Path) -> None:
    # "a👩‍💻aaa": UTF-16 6-7 is code points 4-5, and code points 6-7 select an "a" too.
    ambiguous = {"id": 5, "data": {"text": "a👩\u200d💻aaa"}, "annotations": [{"result": [
        {"value": {"start": 6, "end": 7, "text": "a", "labels": ["X"]}}]}]}
    path = export(tmp_path, [ambiguous])
    assert next(read_label_studio(path)).spans == [Span(6, 7, "X")]
    assert next(read_label_studio(path, offsets="utf16")).spans == [Span(4, 5, "X")]
    # one span that reads only as UTF-16 settles the file, the ambiguous one included
    path = export(tmp_path, [task(3, 6, "김민수"), ambiguous])
    assert [r.spans for r in read_label_studio(path)] == [[Span(2, 5, "PER")],
                                                          [Span(4, 5, "X")]]
    mixed = export(tmp_path, [task(2, 5, "김민수"), task(3, 6, "김민수")])
    lines = [n for n, line in enumerate(mixed.read_text("utf-8").splitlines(), 1)
             if line == "  {"]
    with pytest.raises(InvalidInputError, match=rf"line {lines[1]}: some spans select their "
                       rf"text only as code points \(first at line {lines[0]}\), others"):
        list(read_label_studio(mixed))
    named = read_label_studio(mixed, offsets="codepoints")
    assert next(named).spans == [Span(2, 5, "PER")]
    with pytest.raises(InvalidInputError, match=r"span 3-6 \(PER\) selects '민수 '.*read as "
                                                r"codepoints"):
        next(named)


def test_offsets_that_select_neither_way_name_the_task_line(tmp_path: Path) -> None:
    path = export(tmp_path, [task(2, 5, "김민수"), task(0, 2, "김민수")])
    second = [n for n, line in enumerate(path.read_text("utf-8").splitlines(), 1)
              if line == "  {"][1]
    with pytest.raises(InvalidInputError, match=rf"line {second}: task 1: span 0-2 \(PER\) sel"):
        list(read_label_studio(path))


def test_not_a_task_list(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text('{"data": {}}', encoding="utf-8")
    with pytest.raises(InvalidInputError, match="line 1: expected a JSON list of tasks"):
        list(read_label_studio(path))
    path.write_text('[\n {"data": {"text": "a"}},\n {"data": 5}\n]', encoding="utf-8")
    with pytest.raises(InvalidInputError, match='line 3: a task needs a "data" object'):
        list(read_label_studio(path))


@pytest.mark.parametrize("utf16", [False, True])
def test_writer_round_trips(tmp_path: Path, utf16: bool) -> None:
    record = Record(TEXT, [Span(2, 5, "PER"), Span(10, 13, "X"), Span(17, 19, "LOC")], {})
    path = tmp_path / "out.json"
    write_label_studio([record], path, utf16=utf16)
    starts = [r["value"]["start"] for r in json.loads(path.read_text("utf-8"))[0][
        "annotations"][0]["result"]]
    assert starts == ([3, 11, 20] if utf16 else [2, 10, 17])
    [back] = read_label_studio(path)
    assert (back.text, back.spans) == (record.text, record.spans)


def test_utf16_offsets_past_the_code_point_end_are_converted(tmp_path: Path) -> None:
    # Offsets 0-5 count UTF-16 units over "a🇰🇷" (3 code points); slicing the text at 0-5
    # would clip to the whole text and wrongly pass for code points.
    path = export(tmp_path, [{"id": 1, "data": {"text": "a🇰🇷"}, "annotations": [{"result": [
        {"value": {"start": 0, "end": 5, "text": "a🇰🇷", "labels": ["X"]}}]}]}])
    [record] = read_label_studio(path)
    assert record.spans == [Span(0, 3, "X")] and record.meta["utf16"] is True
