"""``publish_release`` to a plain folder: the dry run lists exactly what the publication
writes, the folder loads with ``datasets``, and an interrupted publication leaves the
previous version whole."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from tests.unit.stages.publish.conftest import rows
from textloop.artifacts import sha256_file
from textloop.errors import ConflictError
from textloop.stages.publish import parse_target, publish_release
from textloop.stages.release import create_release, load_release


def _files(folder: Path) -> dict[str, tuple[int, str]]:
    return {str(p.relative_to(folder)): (p.stat().st_size, sha256_file(p))
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_the_dry_run_lists_exactly_the_files_the_folder_gets(store, licensed, add,
                                                             tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("KAGGLE_USERNAME", "ana")
    add(rows(30))
    create_release(store, licensed)
    out = tmp_path / "kaggle" / "reviews"
    planned = publish_release(store, licensed, "v1", parse_target(str(out)), dry_run=True)
    assert not out.exists() and not out.parent.exists()
    assert planned.tag == "v1" and planned.target == f"folder {out}"
    assert [f.path for f in planned.files] == [
        "README.md", "dataset-metadata.json", "dataset.yaml", "test.parquet", "train.parquet",
        "validation.parquet"]
    done = publish_release(store, licensed, "v1", parse_target(str(out)))
    written = _files(out)
    assert {f.path: (f.bytes, f.sha256) for f in planned.files} == written
    assert [(f.path, f.bytes, f.sha256) for f in done.files] == [
        (k, *v) for k, v in written.items()]
    release = load_release(store, "v1")
    for split in ("train", "validation", "test"):  # the release's rows, paths cut to names
        sent, kept = (pq.read_table(d / f"{split}.parquet") for d in (out, release.path))
        assert sent.drop_columns(["source_ref"]).equals(kept.drop_columns(["source_ref"]))
        assert set(sent.column("source_ref").to_pylist()) == {"part-0.jsonl"}
    meta = json.loads((out / "dataset-metadata.json").read_text())
    assert meta["id"] == "ana/proj" and meta["licenses"] == [{"name": "CC-BY-4.0"}]
    assert meta["title"] == licensed.spec.name


def test_the_published_folder_loads_with_datasets(store, licensed, add, tmp_path) -> None:
    datasets = pytest.importorskip("datasets")
    add(rows(30))
    create_release(store, licensed)
    out = tmp_path / "out"
    publish_release(store, licensed, "v1", parse_target(str(out)))
    loaded = datasets.load_dataset(str(out))  # the card's configs name the split files
    release = load_release(store, "v1")
    for split in ("train", "validation", "test"):
        assert sorted(loaded[split]["id"]) == sorted(release.splits[split].ids)


def test_a_later_release_replaces_the_folder_and_a_foreign_folder_is_refused(
        store, licensed, add, tmp_path) -> None:
    add(rows(30))
    create_release(store, licensed)
    out = tmp_path / "out"
    publish_release(store, licensed, "v1", parse_target(str(out)))
    add(rows(10, prefix="later"))
    create_release(store, licensed)
    publish_release(store, licensed, "v2", parse_target(str(out)))
    assert "release v2" in (out / "README.md").read_text()
    assert sum(len(s) for s in load_release(store, "v2").splits.values()) == 40
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep me")
    with pytest.raises(ConflictError, match="holds files a publication does not write"):
        publish_release(store, licensed, "v2", parse_target(str(mine)))
    assert (mine / "notes.txt").read_text() == "keep me"


def test_an_interrupted_copy_leaves_the_previous_version_and_a_retry_completes(
        store, licensed, add, tmp_path, monkeypatch) -> None:
    add(rows(30))
    create_release(store, licensed)
    out = tmp_path / "out"
    publish_release(store, licensed, "v1", parse_target(str(out)))
    before = _files(out)
    add(rows(10, prefix="later"))
    create_release(store, licensed)
    real_copy = shutil.copy2

    def failing(src, dst, *args, **kwargs):
        if os.fspath(src).endswith("train.parquet"):
            raise OSError("disk full")
        return real_copy(src, dst, *args, **kwargs)

    monkeypatch.setattr(shutil, "copy2", failing)
    with pytest.raises(OSError, match="disk full"):
        publish_release(store, licensed, "v2", parse_target(str(out)))
    assert _files(out) == before  # v1 still whole
    leftovers = list(tmp_path.glob(".out.publish-*"))
    monkeypatch.setattr(shutil, "copy2", real_copy)
    publish_release(store, licensed, "v2", parse_target(str(out)))
    assert "release v2" in (out / "README.md").read_text()
    assert not [p for p in leftovers if p.exists()]


def test_a_span_release_publishes_with_its_spans(tmp_path) -> None:
    datasets = pytest.importorskip("datasets")
    from textloop.config import Label
    from textloop.stages.ingest import ImportOptions, ReadOptions, import_file
    from textloop.stages.project.init import init_project
    from textloop.storage import Store

    project = init_project(tmp_path / "ner", labels=[Label(name="PER")], task="spans")
    project.spec.release.license = "CC-BY-4.0"
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps({"text": f"Ana met Bob on day {i}", "spans": [
        {"start": 0, "end": 3, "label": "PER"}, {"start": 8, "end": 11, "label": "PER"}]})
        + "\n" for i in range(30)), encoding="utf-8")
    with Store.for_project(project) as store:
        import_file(store, project, path, ImportOptions(read=ReadOptions(format="spans-jsonl")))
        create_release(store, project)
        publish_release(store, project, "v1", parse_target(str(tmp_path / "out")))
    loaded = datasets.load_dataset(str(tmp_path / "out"))
    assert loaded["train"][0]["spans"] == [{"start": 0, "end": 3, "label": "PER"},
                                           {"start": 8, "end": 11, "label": "PER"}]


def test_a_release_publishes_its_dataset_yaml_restated_for_the_publication(
        store, licensed, add, tmp_path) -> None:
    from textloop.stages.publish.staging import stage_release
    from textloop.stages.release.dataset_yaml import read_dataset_yaml, verify_dataset_yaml

    add(rows(20))
    release = load_release(store, create_release(store, licensed).id)
    staged = tmp_path / "staged"
    staged.mkdir()
    stage_release(staged, release, license="MIT", personal_data={})
    assert sorted(p.name for p in staged.iterdir()) == [
        "README.md", "dataset.yaml", "test.parquet", "train.parquet", "validation.parquet"]
    published, original = verify_dataset_yaml(staged), read_dataset_yaml(release.path)
    assert published["license"] == "MIT"  # the license it is published under
    assert set(published["files"]) == {"README.md", "test.parquet", "train.parquet",
                                       "validation.parquet"}
    # everything else as released, but a file import is named by its file name only: the
    # folders it sat in on this machine are not published
    assert {k: v for k, v in published.items() if k not in ("license", "files")} == {
        k: v for k, v in original.items() if k not in ("license", "files")}
    for name in ("train", "validation", "test"):
        sent = pq.read_table(staged / f"{name}.parquet")
        kept = pq.read_table(release.path / f"{name}.parquet")
        assert set(sent.column("source_ref").to_pylist()) <= {"part-0.jsonl"}
        assert sent.drop_columns(["source_ref"]).equals(kept.drop_columns(["source_ref"]))
    for path in staged.iterdir():
        assert str(tmp_path).encode() not in path.read_bytes(), path.name
