"""The Parquet column layout: metadata types, name collisions, and reading metadata back."""

from __future__ import annotations

import pyarrow as pa

from textloop.stages.release.table import build_table, hf_features, meta_columns, meta_dicts
from textloop.types import LabeledRecord


def _record(rid: str, meta: dict) -> LabeledRecord:
    return LabeledRecord(id=rid, text=f"text {rid}", label="spam", meta=meta, source_kind="file",
                         source_ref="/data/a.csv", label_kind="import")


def test_native_types_are_kept_and_mixed_types_become_strings() -> None:
    records = [_record("a", {"n": 1, "mixed": 1, "flag": True, "empty": None}),
               _record("b", {"n": 2, "mixed": "x", "flag": False})]
    table = build_table(records, meta_columns(records))
    assert table.schema.field("n").type == pa.int64()
    assert table.schema.field("flag").type == pa.bool_()
    assert table.column("mixed").to_pylist() == ["1", "x"]
    assert table.schema.field("empty").type == pa.string()
    assert table.column_names[:3] == ["id", "text", "label"]
    assert table.column_names[-3:] == ["source_kind", "source_ref", "label_kind"]


def test_a_key_named_like_a_fixed_column_is_prefixed_and_read_back() -> None:
    records = [_record("a", {"label": "original", "meta_label": 3}), _record("b", {})]
    columns = meta_columns(records)
    assert columns == {"meta_meta_label": "label", "meta_label": "meta_label"}
    table = build_table(records, columns)
    assert table.column("label").to_pylist() == ["spam", "spam"]
    assert meta_dicts(table, columns) == [{"label": "original", "meta_label": 3},
                                          {"label": None, "meta_label": None}]


def test_features_declare_the_label_as_a_class_label() -> None:
    records = [_record("a", {"n": 1.5})]
    features = hf_features(build_table(records, meta_columns(records)), ["spam", "ham"])
    by_name = {f["name"]: f["dtype"] for f in features}
    assert by_name["label"] == {"class_label": {"names": {"0": "spam", "1": "ham"}}}
    assert by_name["n"] == "float64"
    assert by_name["text"] == "string"


def test_shared_source_refs_cut_file_paths_to_the_file_name_only() -> None:
    import pyarrow as pa

    from textloop.stages.release.table import shared_source_refs

    table = pa.table({"id": ["a", "b", "c", "d"],
                      "source_kind": ["file", "file", "crawl", "file"],
                      "source_ref": ["/home/ana/client-x/rows.csv", "C:\\Users\\ana\\x.jsonl",
                                     "https://example.org/a/b", "plain.csv"]})
    shared, cut = shared_source_refs(table)
    assert shared.column("source_ref").to_pylist() == [
        "rows.csv", "x.jsonl", "https://example.org/a/b", "plain.csv"]  # a URL is not a path
    assert cut == {"/home/ana/client-x/rows.csv": "rows.csv", "C:\\Users\\ana\\x.jsonl": "x.jsonl"}
    untouched = table.select(["id"])
    assert shared_source_refs(untouched) == (untouched, {})
