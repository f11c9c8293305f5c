"""Row validation and column mapping: the exact message for each kind of bad value."""

from __future__ import annotations

from pathlib import Path

import pytest

from textloop.errors import InvalidInputError
from textloop.stages.ingest.rows import (
    ColumnMap,
    RowError,
    resolve_columns,
    to_record,
)
from textloop.stages.ingest.source import RawRow
from textloop.texts import content_hash, normalize_text, record_id

CMAP = ColumnMap("text", "label", ("meta",), "id", {"1": "spam"}, max_chars=10)


def resolve(columns, **kwargs):
    defaults = {"text": None, "label": None, "meta": None, "id_col": None, "spec_text": "text",
                "spec_meta": [], "label_map": {}, "max_chars": 100}
    return resolve_columns(Path("f.csv"), columns, **{**defaults, **kwargs})


def test_a_valid_row_becomes_a_record() -> None:
    row = RawRow(4, {"text": "  hi\r\nthere ", "label": 1.0, "meta": "m", "id": 7.0})
    record = to_record(row, CMAP)
    assert (record.text, record.label, record.meta, record.external_id, record.source_line) \
        == ("hi\nthere", "spam", {"meta": "m"}, "7", 4)


@pytest.mark.parametrize(("fields", "fragment"), [
    ({"text": None, "id": "1"}, "text is missing"),
    ({"text": float("nan"), "id": "1"}, "text is missing"),
    ({"text": True, "id": "1"}, "expected a string, found bool"),
    ({"text": {"a": 1}, "id": "1"}, "expected a string, found dict"),
    ({"text": "", "id": "1"}, "is empty"),
    ({"text": " \t\n", "id": "1"}, "only whitespace"),
    ({"text": "x" * 11, "id": "1"}, "11 characters (limit 10)"),
    ({"text": "a\x00b", "id": "1"}, "NUL"),
    ({"text": "ok", "id": " "}, "id is empty"),
])
def test_bad_values_raise_row_errors(fields, fragment) -> None:
    with pytest.raises(RowError) as info:
        to_record(RawRow(9, fields), CMAP)
    assert fragment in info.value.message
    assert info.value.describe().startswith("line 9, column ")


def test_numbers_are_text() -> None:
    assert to_record(RawRow(1, {"text": 42, "id": "a"}), CMAP).text == "42"


def test_reader_problems_and_bad_bytes_come_first() -> None:
    with pytest.raises(RowError, match="has 3 fields"):
        to_record(RawRow(2, {"text": "ok"}, problem="has 3 fields", fix="x"), CMAP)
    with pytest.raises(RowError, match="bytes ff fe"):
        to_record(RawRow(2, {"text": "ok"}, bad_bytes=b"\xff\xfe"), CMAP)


def test_metadata_is_made_json_safe() -> None:
    cmap = ColumnMap("text", meta=("a", "b", "c", "d", "e", "f"))
    fields = {"text": "t", "a": float("nan"), "b": float("inf"), "c": [1, {"x": 2}],
              "d": {"bad": float("nan")}, "e": b"raw", "f": False}
    assert to_record(RawRow(1, fields), cmap).meta == {
        "a": None, "b": "inf", "c": [1, {"x": 2}], "d": "{'bad': nan}", "e": "b'raw'",
        "f": False}


def test_missing_label_value_means_unlabeled() -> None:
    for value in (None, "", "  ", float("nan")):
        row = RawRow(1, {"text": "t", "label": value, "id": "1"})
        assert to_record(row, CMAP).label is None


def test_ids_derive_from_the_content_hash() -> None:
    digest = content_hash("héllo")
    assert len(digest) == 64 and record_id(digest) == digest[:16]
    assert content_hash(normalize_text(" héllo\r\n")) == digest


def test_default_columns_come_from_the_spec_and_common_names() -> None:
    cmap = resolve(["Sentence", "Category", "x"])
    assert (cmap.text, cmap.label, cmap.meta) == ("Sentence", "Category", ())


def test_meta_star_takes_all_other_columns() -> None:
    cmap = resolve(["id", "text", "label", "a", "b"], meta=["*"], id_col="id")
    assert cmap.meta == ("a", "b")


@pytest.mark.parametrize(("columns", "kwargs", "hint"), [
    (["text", "label"], {"label": "lable"}, "did you mean --label-col label?"),
    (["Text", "label"], {"meta": ["TEXT"]}, "did you mean --meta-cols Text?"),
    (["1", "2"], {"text": "text"}, "numbered 1 to 2 when there is no header: pass --text-col N"),
    (["tweet", "class"], {"text": "2"}, "pass --no-header"),
    (["A long sentence that is clearly data and not a header.", "x"], {},
     "the first row looks like data"),
    (["text", "b"], {"id_col": "zzz"}, "pass --id-col with one of the columns"),
])
def test_missing_columns_get_the_likely_fix(columns, kwargs, hint) -> None:
    with pytest.raises(InvalidInputError) as info:
        resolve(columns, **kwargs)
    assert "f.csv: column" in info.value.message and "not found in the header" in \
        info.value.message
    assert hint in (info.value.hint or "")


def test_a_missing_default_text_column_says_it_was_the_default() -> None:
    with pytest.raises(InvalidInputError, match=r"column 'text' \(the default; choose another "
                                                r"with --text-col\)"):
        resolve(["message", "label"])
