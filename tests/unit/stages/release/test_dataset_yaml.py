"""dataset.yaml beside every release's card: what it states, validated, and verified."""

from __future__ import annotations

import shutil
import stat

import pytest
import yaml

from tests.unit.stages.release.conftest import spam_ham
from textloop.config import Label
from textloop.errors import IntegrityError, InvalidInputError
from textloop.stages.project.init import init_project
from textloop.stages.release import create_release
from textloop.stages.release.dataset_yaml import (
    DATASET_YAML,
    dataset_schema,
    read_dataset_yaml,
    verify_dataset_yaml,
)
from textloop.stages.release.schema_check import validate
from textloop.storage import Store
from textloop.storage.artifacts import sha256_file, verify_manifest


@pytest.fixture
def project(tmp_path):
    return init_project(tmp_path / "proj", labels=[
        Label(name="spam", description="Unsolicited advertising or scams."),
        Label(name="ham", description="Anything a person meant to send.")])


def _copy(folder, dest):
    """A writable copy of a (read-only) release folder."""
    shutil.copytree(folder, dest)
    for path in dest.rglob("*"):
        path.chmod(path.stat().st_mode | stat.S_IWUSR)
    return dest


def test_a_release_states_itself_in_a_valid_dataset_yaml(project, store, add_rows) -> None:
    add_rows([{**row, "author": f"a{i % 5}"} for i, row in enumerate(spam_ham(40))])
    info = create_release(store, project, group_field="author")
    body = read_dataset_yaml(info.path)
    assert validate(body, dataset_schema()) == []
    assert (body["name"], body["version"], body["parent"], body["task"]) == (
        "proj", "v1", None, "classification")
    assert body["license"] == project.spec.release.license
    assert body["labels"] == [
        {"name": "spam", "guideline": "Unsolicited advertising or scams."},
        {"name": "ham", "guideline": "Anything a person meant to send."}]
    types = {f["name"]: (f["type"], f["role"]) for f in body["features"]}
    assert types["id"] == ("string", "id") and types["text"] == ("string", "text")
    assert types["label"] == ("class_label", "label") and types["author"] == ("string",
                                                                              "metadata")
    assert next(f for f in body["features"] if f["name"] == "label")["names"] == ["spam", "ham"]
    assert {s: v["rows"] for s, v in body["splits"].items()} == info.counts
    assert body["splitting"]["seed"] == 13 and body["splitting"]["group_field"] == "author"
    assert body["sources"][0]["records"] == 40
    assert body["synthetic"] == {"rows": 0, "share": 0.0, "per_label": {}, "generators": {}}
    assert body["cleaning"] == {"cleaning": None, "findings": {}, "excluded_records": 0}
    assert body["files"]["train.parquet"]["sha256"] == sha256_file(info.path / "train.parquet")
    assert set(body["files"]) == {"train.parquet", "validation.parquet", "test.parquet",
                                  "README.md", "diff.json"}
    assert DATASET_YAML in verify_manifest(info.path)["files"]  # the manifest covers it
    assert verify_dataset_yaml(info.path)["version"] == "v1"


def test_a_later_release_names_its_parent(project, store, add_rows) -> None:
    add_rows(spam_ham(20))
    create_release(store, project)
    add_rows(spam_ham(10, prefix="more"))
    second = create_release(store, project)
    assert read_dataset_yaml(second.path)["parent"] == "v1"


def test_a_tampered_file_is_named_by_verify(project, store, add_rows, tmp_path) -> None:
    add_rows(spam_ham(20))
    copy = _copy(create_release(store, project).path, tmp_path / "copy")
    data = bytearray((copy / "train.parquet").read_bytes())
    data[100] ^= 0xFF
    (copy / "train.parquet").write_bytes(bytes(data))
    (copy / "extra.txt").write_text("added")  # not listed: not dataset.yaml's business
    with pytest.raises(IntegrityError) as err:
        verify_dataset_yaml(copy)
    assert "train.parquet: sha256 mismatch" in str(err.value)
    assert "extra.txt" not in str(err.value)
    (copy / "test.parquet").unlink()
    with pytest.raises(IntegrityError, match=r"test\.parquet is missing"):
        verify_dataset_yaml(copy)


def test_reading_refuses_a_field_of_the_wrong_type_naming_it(project, store, add_rows,
                                                             tmp_path) -> None:
    add_rows(spam_ham(20))
    copy = _copy(create_release(store, project).path, tmp_path / "copy")
    body = yaml.safe_load((copy / DATASET_YAML).read_text())
    body["splits"]["train"]["rows"] = "many"
    del body["license"]
    (copy / DATASET_YAML).write_text(yaml.safe_dump(body))
    with pytest.raises(InvalidInputError) as err:
        read_dataset_yaml(copy)
    assert "field 'license' is missing" in str(err.value)
    assert "splits.train.rows: found string 'many', expected integer" in str(err.value)
    (copy / DATASET_YAML).write_text("name: [unclosed\n")
    with pytest.raises(InvalidInputError, match="line 2 is not valid YAML"):
        read_dataset_yaml(copy)


def test_a_regression_release_states_its_target(tmp_path) -> None:
    from textloop.stages.ingest import ImportOptions, import_file

    project = init_project(tmp_path / "reg", task="regression")
    path = tmp_path / "rows.jsonl"
    path.write_text("".join(f'{{"text": "review {i}", "label": {i / 10}}}\n' for i in range(30)))
    with Store.for_project(project) as store:
        import_file(store, project, path, ImportOptions(text_col="text", label_col="label",
                                                        add_labels=True))
        info = create_release(store, project)
    body = verify_dataset_yaml(info.path)
    assert body["task"] == "regression" and body["labels"] == []
    assert body["target"]["splits"]["train"]["n"] == info.counts["train"]
    assert {f["name"]: f["type"] for f in body["features"]}["label"] == "float64"


def test_the_schema_in_the_docs_is_the_one_shipped() -> None:
    import json
    from pathlib import Path

    page = (Path(__file__).resolve().parents[4] / "docs" / "publishing.md").read_text()
    block = page.split("## dataset.yaml", 1)[1].split("```json\n", 1)[1].split("\n```", 1)[0]
    assert json.loads(block) == dataset_schema()


def test_each_source_states_the_license_recorded_with_its_import(project, store,
                                                                  tmp_path) -> None:
    import json

    from textloop.stages.ingest import ImportOptions, import_file

    for name, license, rows in (("open.jsonl", "CC-BY-4.0", spam_ham(20)),
                                ("plain.jsonl", None, spam_ham(10, prefix="other"))):
        path = tmp_path / name
        path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
        options = ImportOptions(license=license) if license else ImportOptions()
        import_file(store, project, path, options)
    body = read_dataset_yaml(create_release(store, project).path)
    assert {s["name"]: (s["records"], s["license"]) for s in body["sources"]} == {
        "open.jsonl (file)": (20, "CC-BY-4.0"), "plain.jsonl (file)": (10, "unknown")}
