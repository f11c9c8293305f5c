"""Parquet files and saved Hugging Face datasets: rows, ClassLabel names, and row numbers."""

from __future__ import annotations

import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tests.unit.stages.ingest.support import labels_by_text, refused, run, texts
from textloop.errors import InvalidInputError
from textloop.stages.ingest.formats import ReadOptions, open_source
from textloop.storage import records


@pytest.fixture
def parquet_file(tmp_path):
    path = tmp_path / "data.parquet"
    table = pa.table({"text": ["win cash", "hello mum", ""], "label": ["spam", "ham", "ham"],
                      "score": [0.5, float("nan"), 1.0]})
    pq.write_table(table, path, row_group_size=2)
    return path


def test_parquet_imports_rows_and_metadata(store, project, parquet_file) -> None:
    result = run(store, project, parquet_file, meta_cols=["score"], skip_invalid=True)
    assert labels_by_text(store) == {"win cash": {"spam"}, "hello mum": {"ham"}}
    with store.read() as conn:
        meta = {r.text: r.meta for r in records.iter_all(conn)}
    assert meta == {"win cash": {"score": 0.5}, "hello mum": {"score": None}}
    assert result.rows_skipped == 1


def test_parquet_problems_name_the_row(store, project, parquet_file) -> None:
    refused(store, project, parquet_file, "row 3, column 'text'", "is empty")


def test_parquet_missing_column_names_the_schema(store, project, parquet_file) -> None:
    error = refused(store, project, parquet_file, "not found in the Parquet schema",
                    text_col="body")
    assert "--text-col" in (error.hint or "")


def test_non_string_text_in_parquet_is_a_row_problem(store, project, tmp_path) -> None:
    path = tmp_path / "lists.parquet"
    pq.write_table(pa.table({"text": [["a", "b"]]}), path)
    refused(store, project, path, "row 1, column 'text'", "expected a string, found list")


def test_parquet_hash_and_progress_cover_the_file(parquet_file) -> None:
    import hashlib

    source = open_source(parquet_file, ReadOptions())
    list(source.rows())
    assert source.sha256 == hashlib.sha256(parquet_file.read_bytes()).hexdigest()
    assert source.bytes_read == parquet_file.stat().st_size


def test_a_broken_parquet_file_is_refused(tmp_path) -> None:
    path = tmp_path / "broken.parquet"
    path.write_bytes(b"PAR1 not really")
    with pytest.raises(InvalidInputError, match="not a readable Parquet file"):
        open_source(path, ReadOptions())


@pytest.fixture(scope="module")
def hf_folders(tmp_path_factory):
    datasets = pytest.importorskip("datasets")
    root = tmp_path_factory.mktemp("hf")
    features = datasets.Features({"sentence": datasets.Value("string"),
                                  "label": datasets.ClassLabel(names=["ham", "spam"])})
    train = datasets.Dataset.from_dict(
        {"sentence": ["hello mum", "win cash", "no label yet"], "label": [0, 1, -1]},
        features=features)
    test = datasets.Dataset.from_dict({"sentence": ["see you", ""], "label": [0, 1]},
                                      features=features)
    datasets.Dataset.from_dict({"text": ["plain", "set"], "label": ["ham", "spam"]}) \
        .save_to_disk(str(root / "single"))
    datasets.DatasetDict({"train": train, "test": test}).save_to_disk(str(root / "dict"))
    return root


def test_hf_dataset_folder_imports(store, project, hf_folders) -> None:
    result = run(store, project, hf_folders / "single")
    assert result.records_new == 2
    assert labels_by_text(store) == {"plain": {"ham"}, "set": {"spam"}}


def test_hf_dataset_dict_maps_class_labels_and_splits(store, project, hf_folders) -> None:
    result = run(store, project, hf_folders / "dict", meta_cols=["split"], skip_invalid=True)
    assert labels_by_text(store) == {"hello mum": {"ham"}, "win cash": {"spam"},
                                     "see you": {"ham"}}
    assert texts(store) == {"hello mum", "win cash", "no label yet", "see you"}
    assert (result.rows_unlabeled, result.rows_skipped) == (1, 1)
    with store.read() as conn:
        splits = {r.text: r.meta["split"] for r in records.iter_all(conn)}
    assert splits["see you"] == "test" and splits["win cash"] == "train"


def test_hf_problems_name_split_and_row(store, project, hf_folders) -> None:
    refused(store, project, hf_folders / "dict", "row 2 of 'test', column 'sentence'")


def test_hf_files_are_read_in_state_json_order(store, project, tmp_path) -> None:
    folder = tmp_path / "ordered"
    folder.mkdir()
    for name, text in [("b.arrow", "first"), ("a.arrow", "second")]:
        table = pa.table({"text": [text]})
        with pa.ipc.new_stream(str(folder / name), table.schema) as writer:
            writer.write_table(table)
    (folder / "state.json").write_text(json.dumps(
        {"_data_files": [{"filename": "b.arrow"}, {"filename": "a.arrow"}]}))
    source = open_source(folder, ReadOptions())
    assert [r.fields["text"] for r in source.rows()] == ["first", "second"]
