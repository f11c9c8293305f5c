"""Classification, regression and span releases exported as JSON Lines, CSV, Parquet, a
Hugging Face folder and TFRecord: each file imports back with ``textloop import`` to the same
records, labels and metadata; CSV is spreadsheet-safe, TFRecord reads with independent
readers, and every export carries its card, manifest and a verifiable dataset.yaml."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.unit.test_tfrecord import example_class, feature_values
from textloop.config import Label, Target
from textloop.errors import ConflictError, IntegrityError, InvalidInputError
from textloop.stages.export import EXPORT_FORMATS, export_release
from textloop.stages.ingest import ImportOptions, import_file
from textloop.stages.label.resolution import labeled_records
from textloop.stages.project.init import init_project
from textloop.stages.release import create_release, load_release
from textloop.stages.release.dataset_yaml import verify_dataset_yaml
from textloop.storage import Store
from textloop.storage.artifacts import verify_manifest
from textloop.tasks import CLASSIFICATION, REGRESSION, SPANS, get_task

TRICKY = ["=HYPERLINK(\"http://evil\")", "+1+1", "-2 dollars", "@SUM(A1)", "'=quoted already",
          "a \"quoted\" word, and a comma", "two\nlines", "crlf\r\nline", "naïve café 🙂",
          "\t=tabbed formula", "-3.5", "plain text"]
SUFFIX = {"jsonl": ".jsonl", "csv": ".csv", "parquet": ".parquet", "hf": "",
          "tfrecord": ".tfrecord"}


def _classification_rows() -> list[dict]:
    rows = [{"text": f"{t} #{i}" if i % 2 else t, "label": "spam" if i % 3 else "=ham",
             "author": f"=a{i % 4}", "score": i} for i, t in enumerate(TRICKY)]
    rows += [{"text": f"message number {i}", "label": "spam" if i % 2 else "=ham",
              "author": f"b{i % 5}", "score": i} for i in range(40)]
    return rows


def _project(tmp_path: Path, name: str, task: str):
    if task == "regression":
        return init_project(tmp_path / name, task="regression",
                            target=Target(name="stars", min=-10, max=10))
    return init_project(tmp_path / name, labels=[Label(name="spam"), Label(name="=ham")])


def _import(project, path: Path, label_col: str = "label", fmt: str | None = None) -> None:
    from textloop.stages.ingest import ReadOptions

    with Store.for_project(project) as store:
        import_file(store, project, path, ImportOptions(
            text_col="text", label_col=label_col, meta_cols=["author", "score"],
            add_labels=True, read=ReadOptions(format=fmt)))


def _released(tmp_path: Path, task: str):
    project = _project(tmp_path, "source", task)
    rows = _classification_rows()
    if task == "regression":
        rows = [{**r, "label": round((i - 20) / 10, 1)} for i, r in enumerate(rows)]
    path = tmp_path / "rows.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                    encoding="utf-8")
    _import(project, path)
    with Store.for_project(project) as store:
        create_release(store, project)
    return project


def _stored(project) -> dict[str, tuple[str, object, object]]:
    """record id -> (text, label, metadata) as the store resolves them; metadata as text,
    since a CSV cell has no type (an integer comes back as its digits)."""
    with Store.for_project(project) as store, store.read() as conn:
        found = labeled_records(conn, task=get_task(project.spec.task))
    return {r.id: (r.text, _number(r.label), r.meta.get("author"), str(r.meta.get("score")))
            for r in found}


def _number(label: str) -> object:
    try:
        return float(label)
    except ValueError:
        return label


@pytest.mark.parametrize("task", ["classification", "regression"])
@pytest.mark.parametrize("fmt", list(SUFFIX))
def test_every_format_imports_back_to_the_same_records_labels_and_metadata(
        tmp_path, task, fmt) -> None:
    if fmt == "hf":
        pytest.importorskip("datasets")
    source = _released(tmp_path, task)
    with Store.for_project(source) as store:
        result = export_release(store, "v1", fmt, tmp_path / "out")
        release = load_release(store, "v1")
    assert set(result.files) == {n for n, s in release.splits.items() if len(s)}
    assert {n: p.name for n, p in result.files.items()} == {
        n: f"{n}{SUFFIX[fmt]}" for n in result.files}
    back = _project(tmp_path, "back", task)
    for path in result.files.values():
        _import(back, path)
    assert _stored(back) == _stored(source)
    assert sum(result.records.values()) == len(_stored(source)) == 52


def test_the_formats_follow_the_task() -> None:
    assert list(CLASSIFICATION.export_formats) == list(REGRESSION.export_formats) == [
        "jsonl", "csv", "parquet", "hf", "tfrecord"]
    assert set(SPANS.export_formats) >= {"conll", "jsonl", "parquet", "csv"}
    assert set(EXPORT_FORMATS) == {f for t in (CLASSIFICATION, SPANS)
                                   for f in t.export_formats}


def test_csv_cells_are_quoted_and_formula_safe(tmp_path) -> None:
    source = _released(tmp_path, "classification")
    with Store.for_project(source) as store:
        result = export_release(store, "v1", "csv", tmp_path / "out")
    raw = b"".join(p.read_bytes() for p in result.files.values()).decode("utf-8")
    assert ',"\'=HYPERLINK(""http://evil"")",' in raw and ",'+1+1 #1," in raw
    assert ",''=quoted already," in raw and ",'=ham," in raw and ",'=a1," in raw
    assert ',"two\nlines",' in raw and ",-3.5," in raw  # a number stays a number
    assert ",'@SUM(A1) #3," in raw and ",'-2 dollars," in raw
    assert not any(cell[:1] in ("=", "+", "@") for line in raw.splitlines()
                   for cell in line.split(","))


def test_tfrecord_examples_hold_every_field_for_independent_readers(tmp_path) -> None:
    from tensorboard.compat.tensorflow_stub import errors
    from tensorboard.compat.tensorflow_stub.pywrap_tensorflow import PyRecordReader_New

    source = _released(tmp_path, "classification")
    with Store.for_project(source) as store:
        result = export_release(store, "v1", "tfrecord", tmp_path / "out")
        release = load_release(store, "v1")
    example = example_class()
    for name, path in result.files.items():
        reader, parsed = PyRecordReader_New(str(path)), []
        while True:
            try:
                reader.GetNext()  # checks both checksums of the record
            except errors.OutOfRangeError:
                break
            features = example.FromString(reader.record()).features.feature
            parsed.append({k: feature_values(v) for k, v in features.items()})
        split = release.splits[name]
        assert len(parsed) == len(split)
        for got, rid, text, label, meta in zip(parsed, split.ids, split.texts, split.labels,
                                               split.meta, strict=True):
            assert got["id"] == [rid.encode()] and got["text"] == [text.encode()]
            assert got["label"] == [label.encode()]
            assert got["label_id"] == [release.labels.index(label)]
            assert got["author"] == [meta["author"].encode()] and got["score"] == [meta["score"]]
            assert got["source_kind"] == [b"file"] and got["label_kind"] == [b"import"]
            assert got["source_ref"] == [b"rows.jsonl"]  # the folders stay on this machine


def test_hf_folder_loads_with_datasets_and_names_its_classes(tmp_path) -> None:
    datasets = pytest.importorskip("datasets")
    source = _released(tmp_path, "classification")
    with Store.for_project(source) as store:
        result = export_release(store, "v1", "hf", tmp_path / "out")
        release = load_release(store, "v1")
    loaded = datasets.load_from_disk(str(result.files["train"]))
    assert loaded.features["label"].names == ["spam", "=ham"]
    assert [loaded.features["label"].int2str(i) for i in loaded["label"]] == \
        release.train.labels
    assert loaded["text"] == release.train.texts


def test_an_export_carries_card_manifest_and_a_verifiable_dataset_yaml(tmp_path) -> None:
    source = _released(tmp_path, "regression")
    with Store.for_project(source) as store:
        result = export_release(store, "v1", "tfrecord", tmp_path / "out")
        release = load_release(store, "v1")
    out = tmp_path / "out"
    assert (out / "README.md").read_bytes() == (release.path / "README.md").read_bytes()
    described = verify_dataset_yaml(out)
    assert result.dataset_yaml == out / "dataset.yaml"
    assert described["export"]["format"] == "tfrecord" and described["version"] == "v1"
    assert described["splits"]["train"]["files"] == ["train.tfrecord"]
    assert set(described["files"]) == {f"{n}.tfrecord" for n in result.files} | {"README.md"}
    assert described["target"]["name"] == "stars"
    assert "dataset.yaml" in verify_manifest(out)["files"]
    (out / "train.tfrecord").chmod(0o644)
    (out / "train.tfrecord").write_bytes(b"changed")
    with pytest.raises(IntegrityError, match=r"train\.tfrecord: sha256 mismatch"):
        verify_dataset_yaml(out)


def test_an_export_never_mixes_with_other_files(tmp_path) -> None:
    source = _released(tmp_path, "classification")
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "keep.txt").write_text("mine")
    with Store.for_project(source) as store:
        with pytest.raises(ConflictError, match="is not empty"):
            export_release(store, "v1", "csv", tmp_path / "busy")
        with pytest.raises(InvalidInputError, match="is a classification release"):
            export_release(store, "v1", "conll", tmp_path / "nope")
    assert (tmp_path / "busy" / "keep.txt").read_text() == "mine"
    assert not (tmp_path / "nope").exists()


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_a_span_release_as_a_table_imports_back_to_the_same_spans(tmp_path, fmt) -> None:
    rows = [{"text": f"Ana joined Acme in {1990 + i}",
             "spans": [{"start": 0, "end": 3, "label": "PER"},
                       {"start": 11, "end": 15, "label": "ORG"}] if i % 3 else []}
            for i in range(30)]
    projects = []
    for name in ("source", "back"):
        projects.append(init_project(tmp_path / name, task="spans",
                                     labels=[Label(name="PER"), Label(name="ORG")]))
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    from textloop.stages.ingest import ReadOptions

    with Store.for_project(projects[0]) as store:
        import_file(store, projects[0], path, ImportOptions(read=ReadOptions(
            format="spans-jsonl")))
        create_release(store, projects[0])
        result = export_release(store, "v1", fmt, tmp_path / "out")
    for file in result.files.values():
        with Store.for_project(projects[1]) as store:
            import_file(store, projects[1], file, ImportOptions(text_col="text",
                                                               label_col="spans"))
    assert _stored(projects[1]) == _stored(projects[0])
