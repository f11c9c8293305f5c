"""An export's dataset.yaml: the release's own description, or, for a release made before
dataset.yaml existed, one built from its manifest and card."""

from __future__ import annotations

from tests.unit.stages.release.conftest import add_rows, spam_ham
from textloop.stages.export import export_release
from textloop.stages.release import create as create_module
from textloop.stages.release import create_release
from textloop.stages.release.dataset_yaml import read_dataset_yaml, verify_dataset_yaml

__all__ = ["add_rows"]  # the fixture, shared with the release tests


def test_an_export_adds_its_files_and_the_label_id_feature(project, store, add_rows,
                                                           tmp_path) -> None:
    add_rows(spam_ham(30))
    info = create_release(store, project)
    export_release(store, "v1", "tfrecord", tmp_path / "out")
    release, export = read_dataset_yaml(info.path), verify_dataset_yaml(tmp_path / "out")
    assert [f["name"] for f in export["features"]] == [
        "id", "text", "label", "label_id", "source_kind", "source_ref", "label_kind"]
    assert {k: v for k, v in export.items() if k not in ("features", "splits", "files",
                                                         "export")} == {
        k: v for k, v in release.items() if k not in ("features", "splits", "files")}


def test_a_release_without_dataset_yaml_is_described_from_its_manifest(
        project, store, add_rows, tmp_path, monkeypatch) -> None:
    add_rows(spam_ham(30))
    monkeypatch.setattr(create_module, "write_dataset_yaml", lambda folder, body: None)
    info = create_release(store, project)  # as a release made before dataset.yaml
    assert not (info.path / "dataset.yaml").exists()
    export_release(store, "v1", "csv", tmp_path / "out")
    described = verify_dataset_yaml(tmp_path / "out")
    assert (described["name"], described["version"], described["task"]) == (
        "proj", "v1", "classification")
    assert described["labels"] == [{"name": "spam", "guideline": ""},
                                   {"name": "ham", "guideline": ""}]
    assert sum(s["rows"] for s in described["splits"].values()) == 30
    assert described["splitting"]["seed"] == 13 and described["sources"] == []
