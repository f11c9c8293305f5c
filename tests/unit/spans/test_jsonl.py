"""Span JSONL (Prodigy/spaCy): extra fields ignored, quoted span text checked, errors at the
line, and a writer that reads back to the same records."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from textloop.errors import InvalidInputError
from textloop.spans import Span
from textloop.spans.jsonl import read_jsonl, write_jsonl
from textloop.spans.records import Record


def lines(tmp_path: Path, *objects: object) -> Path:
    path = tmp_path / "s.jsonl"
    path.write_text("".join(json.dumps(o, ensure_ascii=False) + "\r\n" for o in objects),
                    encoding="utf-8")
    return path


def test_reads_prodigy_lines_ignoring_token_fields(tmp_path: Path) -> None:
    text = "😀 김민수\t씨, e\u0301té"
    path = lines(tmp_path, {
        "text": text, "tokens": [{"text": "😀", "start": 0, "end": 1, "id": 0}],
        "_input_hash": 1, "meta": {"source": "chat"},
        "spans": [{"start": 2, "end": 5, "label": "PER", "token_start": 1, "token_end": 1,
                   "text": "김민수"}, {"start": 8, "end": 12, "label": "X"}]})
    [record] = read_jsonl(path)
    assert record.text == text
    assert record.spans == [Span(2, 5, "PER"), Span(8, 12, "X")]
    assert record.meta == {"source": "chat", "line": 1}


def test_utf16_offsets_are_detected_by_the_quoted_text(tmp_path: Path) -> None:
    path = lines(tmp_path, {"text": "😀 김민수", "spans": [
        {"start": 3, "end": 6, "label": "PER", "text": "김민수"}]})
    assert next(read_jsonl(path)).spans == [Span(2, 5, "PER")]


@pytest.mark.parametrize(("content", "message"), [
    ('{"text": "ab", "spans": [{"start": 0, "end": 3, "label": "X"}]}',
     "line 2: span 0-3 (X) is outside the text"),
    ('{"text": "", "spans": []}', 'line 2: "text" must be a non-empty string'),
    ('{"text": "ab", "spans": {}}', 'line 2: "spans" must be a list'),
    ('{"text": "ab" "spans"}', "line 2: not JSON"),
    ('["ab"]', "line 2: expected a JSON object, got list"),
    ('{"text": "ab", "spans": [{"start": 0, "end": 1, "label": "X", "text": "b"}]}',
     "line 2: span 0-1 (X) selects 'a', not the 'b' the file quotes"),
])
def test_errors_name_the_line(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"text": "ok"}\n' + content + "\n", encoding="utf-8")
    with pytest.raises(InvalidInputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        list(read_jsonl(path))


def test_writer_round_trips(tmp_path: Path) -> None:
    records = [Record("서울\r\n東京 👩\u200d💻", [Span(4, 6, "LOC"), Span(0, 2, "LOC")],
                      {"source": "x", "line": 9})]
    path = tmp_path / "out.jsonl"
    write_jsonl(records, path)
    [back] = read_jsonl(path)
    assert back.text == records[0].text
    assert back.spans == [Span(0, 2, "LOC"), Span(4, 6, "LOC")]
    assert back.meta == {"source": "x", "line": 1}
