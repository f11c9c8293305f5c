"""TFRecord files as import input: features become columns, damage is named by record."""

from __future__ import annotations

import pytest

from textloop.errors import InvalidInputError
from textloop.stages.ingest import ImportOptions, import_file
from textloop.stages.ingest.formats import ReadOptions, detect_format, open_source
from textloop.tfrecord import encode_example, write_records


def _write(path, examples) -> None:
    with path.open("wb") as handle:
        write_records(handle, [encode_example(e) for e in examples])


def test_features_become_cells_of_their_type(tmp_path) -> None:
    path = tmp_path / "rows.tfrecord"
    _write(path, [{"text": "naïve", "label": "spam", "label_id": 0, "stars": 0.1,
                   "tags": ["a", "b"], "missing": None}])
    assert detect_format(path) == "tfrecord"
    source = open_source(path, ReadOptions())
    assert source.columns == ["text", "label", "label_id", "stars", "tags", "missing"]
    (row,) = list(source.rows())
    assert row.where == "record 1"
    assert row.fields == {"text": "naïve", "label": "spam", "label_id": 0, "stars": 0.1,
                          "tags": ["a", "b"], "missing": None}


def test_a_damaged_record_is_named_with_its_offset(tmp_path) -> None:
    path = tmp_path / "rows.tfrecord"
    _write(path, [{"text": f"row {i}"} for i in range(3)])
    data = bytearray(path.read_bytes())
    data[-6] ^= 0xFF  # inside the last record's data
    path.write_bytes(bytes(data))
    with pytest.raises(InvalidInputError, match=r"rows\.tfrecord: record 3: the data fails "
                                                r"its checksum \(at byte \d+\)"):
        list(open_source(path, ReadOptions()).rows())


def test_a_feature_that_is_not_utf8_text_is_a_row_error(tmp_path, project, store) -> None:
    path = tmp_path / "rows.tfrecord"
    _write(path, [{"text": "fine", "label": "spam"}, {"text": b"\xff\xfe", "label": "ham"}])
    with pytest.raises(InvalidInputError) as err:
        import_file(store, project, path, ImportOptions())
    assert "record 2" in str(err.value) and "'text'" in str(err.value)
    assert "not UTF-8" in str(err.value)
